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
    if let Some(n) = errors.take("name", parse_display_name(form.get("name"))) {
        fields.name = n;
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
    if let Some(m) = errors.take("mission", limited(form.get("mission"), 200, "A mission")) {
        fields.mission = m;
    }
    let description = limited(form.get("description"), 100_000, "A description");
    if let Some(d) = errors.take("description", description) {
        fields.description = d;
    }
    if errors
        .take("links", parse_links(form.get("links")))
        .is_some()
    {
        fields.links = form.get("links").trim().to_string();
    }
    tribe_field(kind, form, tribes, &mut fields, &mut errors);
    if kind == UnitKind::Chapter {
        let discipline = parse_discipline(form.get("discipline")).and_then(|d| {
            if d.is_empty() {
                Err("A chapter gathers one discipline: name it (e.g. backend).".to_string())
            } else {
                Ok(d)
            }
        });
        if let Some(d) = errors.take("discipline", discipline) {
            fields.discipline = d;
        }
    }
    if kind == UnitKind::Alliance {
        alliance_tribes_field(form, tribes, &mut fields, &mut errors);
    }
    errors.or_ok(fields)
}

/// The tribe a unit belongs to, by slug, as the unit's kind allows.
fn tribe_field(
    kind: UnitKind,
    form: &Pairs,
    tribes: &[Unit],
    fields: &mut UnitFields,
    errors: &mut FieldErrors,
) {
    match form.get("tribe").trim() {
        "" => {}
        slug => match tribes.iter().find(|t| t.slug == slug) {
            Some(t) => fields.tribe_id = Some(t.id),
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
}

/// An alliance's tribes: two or more, by slug.
fn alliance_tribes_field(
    form: &Pairs,
    tribes: &[Unit],
    fields: &mut UnitFields,
    errors: &mut FieldErrors,
) {
    for slug in form.all("alliance_tribes") {
        match tribes.iter().find(|t| t.slug == slug).map(|t| t.id) {
            Some(id) if !fields.alliance_tribes.contains(&id) => fields.alliance_tribes.push(id),
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
