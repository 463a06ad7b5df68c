//! Parsing of the org forms into checked values, with one message per field, so a form can
//! be shown again with the user's input and each error next to its field.

use super::cache::OrgView;
use super::unit::{Slug, Unit, UnitKind, parse_links};
use super::unit_repo::UnitFields;
use crate::people::model::{Email, ProfileFields, parse_discipline, parse_display_name};
use crate::site::forms::{FieldErrors, Pairs};

fn limited(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.chars().count() > max {
        Err(format!("{what} has at most {max} characters."))
    } else {
        Ok(s.to_string())
    }
}

/// Parses a unit form. `tribes` are the existing tribes (the form names them by slug).
pub fn unit_fields(
    kind: UnitKind,
    form: &Pairs,
    tribes: &[Unit],
) -> Result<UnitFields, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut fields = UnitFields::default();
    match parse_display_name(form.get("name")) {
        Ok(n) => fields.name = n,
        Err(e) => {
            errors.insert("name", e);
        }
    }
    let slug = match form.get("slug").trim() {
        "" => Slug::from_name(&fields.name).ok_or_else(|| {
            "Give a slug: the name has no letters or digits to make one from.".to_string()
        }),
        raw => Slug::parse(raw),
    };
    match slug {
        Ok(s) => fields.slug = s.as_str().to_string(),
        Err(e) if !errors.contains_key("name") => {
            errors.insert("slug", e);
        }
        Err(_) => {}
    }
    match limited(form.get("mission"), 200, "A mission") {
        Ok(m) => fields.mission = m,
        Err(e) => {
            errors.insert("mission", e);
        }
    }
    match limited(form.get("description"), 100_000, "A description") {
        Ok(d) => fields.description = d,
        Err(e) => {
            errors.insert("description", e);
        }
    }
    match parse_links(form.get("links")) {
        Ok(_) => fields.links = form.get("links").trim().to_string(),
        Err(e) => {
            errors.insert("links", e);
        }
    }
    let tribe_by_slug = |slug: &str| tribes.iter().find(|t| t.slug == slug).map(|t| t.id);
    match form.get("tribe").trim() {
        "" => {}
        slug => match tribe_by_slug(slug) {
            Some(id) => fields.tribe_id = Some(id),
            None => {
                errors.insert("tribe", format!("There is no tribe {slug:?}."));
            }
        },
    }
    if let Err(e) = super::rules::check_tribe_link(
        kind,
        fields
            .tribe_id
            .and_then(|id| tribes.iter().find(|t| t.id == id)),
    ) {
        errors.add("tribe", e);
    }
    if kind == UnitKind::Chapter {
        match parse_discipline(form.get("discipline")) {
            Ok(d) if d.is_empty() => {
                errors.insert(
                    "discipline",
                    "A chapter gathers one discipline: name it (e.g. backend).",
                );
            }
            Ok(d) => fields.discipline = d,
            Err(e) => {
                errors.insert("discipline", e);
            }
        }
    }
    if kind == UnitKind::Alliance {
        for slug in form.all("alliance_tribes") {
            match tribe_by_slug(&slug) {
                Some(id) if !fields.alliance_tribes.contains(&id) => {
                    fields.alliance_tribes.push(id)
                }
                Some(_) => {}
                None => {
                    errors.insert("alliance_tribes", format!("There is no tribe {slug:?}."));
                }
            }
        }
        if fields.alliance_tribes.len() < 2 {
            errors.add(
                "alliance_tribes",
                "An alliance brings together at least two tribes' trios: choose two or more.",
            );
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// A checked profile form: display name, e-mail and profile fields.
pub struct ProfileForm {
    pub display_name: String,
    pub email: Option<String>,
    pub fields: ProfileFields,
}

pub fn profile_fields(form: &Pairs) -> Result<ProfileForm, FieldErrors> {
    let mut errors = FieldErrors::new();
    let display_name = parse_display_name(form.get("display_name"))
        .map_err(|e| errors.insert("display_name", e))
        .unwrap_or_default();
    let email = Email::parse_optional(form.get("email"))
        .map_err(|e| errors.insert("email", e))
        .unwrap_or_default()
        .map(|e| e.as_str().to_string());
    let discipline = parse_discipline(form.get("discipline"))
        .map_err(|e| errors.insert("discipline", e))
        .unwrap_or_default();
    let title = limited(form.get("title"), 100, "A title")
        .map_err(|e| errors.insert("title", e))
        .unwrap_or_default();
    let bio = limited(form.get("bio"), 20_000, "A bio")
        .map_err(|e| errors.insert("bio", e))
        .unwrap_or_default();
    let links = parse_links(form.get("links"))
        .map(|_| form.get("links").trim().to_string())
        .map_err(|e| errors.insert("links", e))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ProfileForm {
        display_name,
        email,
        fields: ProfileFields {
            discipline,
            title,
            bio,
            links,
        },
    })
}

/// A choice in a `<select>`: value and label.
pub type Choice = (&'static str, &'static str);

/// A squad or tribe to choose: slug and name (with the tribe, for squads).
pub struct UnitChoice {
    pub slug: String,
    pub name: String,
}

pub fn units_of(org: &OrgView, kind: UnitKind) -> Vec<UnitChoice> {
    let mut out: Vec<UnitChoice> = org
        .snap
        .of_kind(kind)
        .map(|u| UnitChoice {
            slug: u.slug.clone(),
            name: match u.tribe_id.and_then(|t| org.snap.unit(t)) {
                Some(t) if kind == UnitKind::Squad => {
                    format!("{} ({})", u.name, t.name)
                }
                _ => u.name.clone(),
            },
        })
        .collect();
    out.sort_by_key(|a| a.name.to_lowercase());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Pairs {
        Pairs(
            v.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn unit_form_errors_are_per_field() {
        let errors = unit_fields(
            UnitKind::Chapter,
            &pairs(&[
                ("name", ""),
                ("links", "javascript:alert(1)"),
                ("tribe", "nope"),
            ]),
            &[],
        )
        .err()
        .unwrap();
        assert!(errors.contains_key("name"));
        assert!(errors.contains_key("links"));
        assert!(errors.contains_key("tribe"));
        assert!(errors.contains_key("discipline"));
        let ok = unit_fields(UnitKind::Guild, &pairs(&[("name", "Web Guild")]), &[]).unwrap();
        assert_eq!(ok.slug, "web-guild");
    }
}
