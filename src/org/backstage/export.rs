//! `fika export backstage`: the org as Backstage catalog YAML — a User per person, a Group per
//! unit — that imports back to the same org.

use std::collections::{BTreeMap, HashMap};

use super::{
    ANN_DESCRIPTION, ANN_DISCIPLINE, ANN_INITIATIVES, ANN_ROLES, ANN_SLUG, ANN_TITLE, API_VERSION,
    Entity, EntityLink, Metadata, Profile, Spec,
};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::org::repo as people;
use crate::org::unit::{Role, Unit, UnitKind, stored_links};
use crate::org::unit_repo as repo;

/// fika's one-a-line links as Backstage `metadata.links`.
fn entity_links(text: &str) -> Vec<EntityLink> {
    stored_links(text)
        .into_iter()
        .map(|l| EntityLink {
            url: l.url,
            title: Some(l.label),
        })
        .collect()
}

fn group_ref(name: &str) -> String {
    format!("group:default/{name}")
}

/// Writes the whole org. Group names are unit slugs; where two kinds share a slug, the name
/// gets the kind as a suffix and the slug travels in an annotation.
pub fn export(conn: &mut AnyConnection) -> AppResult<String> {
    let snap = repo::snapshot(conn, repo::today())?;
    let profiles = people::all_profiles(conn)?;
    let alliance_links = repo::alliance_links(conn)?;
    let mut slug_count: HashMap<&str, usize> = HashMap::new();
    for u in &snap.units {
        *slug_count.entry(u.slug.as_str()).or_default() += 1;
    }
    let name_of = |u: &Unit| -> String {
        if slug_count.get(u.slug.as_str()).copied().unwrap_or(0) > 1 {
            format!("{}-{}", u.slug, u.kind)
        } else {
            u.slug.clone()
        }
    };
    let mut docs: Vec<Entity> = Vec::new();
    for p in profiles.iter().filter(|p| !p.disabled) {
        let mut annotations = BTreeMap::new();
        if !p.discipline.is_empty() {
            annotations.insert(ANN_DISCIPLINE.to_string(), p.discipline.clone());
        }
        if !p.title.is_empty() {
            annotations.insert(ANN_TITLE.to_string(), p.title.clone());
        }
        if !p.bio.is_empty() {
            annotations.insert(super::ANN_BIO.to_string(), p.bio.clone());
        }
        docs.push(Entity {
            api_version: API_VERSION.into(),
            kind: "User".into(),
            metadata: Metadata {
                name: p.username.clone(),
                annotations,
                links: entity_links(&p.links),
                ..Default::default()
            },
            spec: Spec {
                profile: Some(Profile {
                    display_name: Some(p.display_name.clone()),
                    email: p.email.clone(),
                }),
                ..Default::default()
            },
        });
    }
    let order = |k: UnitKind| UnitKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
    let mut units: Vec<&Unit> = snap.units.iter().collect();
    units.sort_by(|a, b| {
        order(a.kind())
            .cmp(&order(b.kind()))
            .then(a.slug.cmp(&b.slug))
    });
    for u in units {
        let kind = u.kind();
        let mut annotations = BTreeMap::new();
        if name_of(u) != u.slug {
            annotations.insert(ANN_SLUG.to_string(), u.slug.clone());
        }
        if !u.description.is_empty() {
            annotations.insert(ANN_DESCRIPTION.to_string(), u.description.clone());
        }
        if kind == UnitKind::Chapter {
            annotations.insert(ANN_DISCIPLINE.to_string(), u.discipline.clone());
        }
        // Members, and the roles of everyone who is more than a member.
        let mut roles: BTreeMap<String, Vec<Role>> = BTreeMap::new();
        for m in snap.memberships_of(u.id) {
            // People who left are not exported, so they are no one's members either.
            if let Some(p) = snap.person(m.person_id).filter(|p| !p.disabled) {
                roles.entry(p.username.clone()).or_default().push(m.role());
            }
        }
        let role_text: Vec<String> = roles
            .iter()
            .filter(|(_, r)| r.iter().any(|r| *r != Role::Member))
            .flat_map(|(user, rs)| {
                let mut rs = rs.clone();
                rs.sort();
                rs.into_iter().map(move |r| format!("{user}={r}"))
            })
            .collect();
        if !role_text.is_empty() {
            annotations.insert(ANN_ROLES.to_string(), role_text.join("; "));
        }
        if kind == UnitKind::Alliance {
            let lines: Vec<String> = repo::initiatives_of(conn, u.id)?
                .into_iter()
                .map(|i| format!("{}\t{}\t{}", i.stage().as_str(), i.name, i.description))
                .collect();
            if !lines.is_empty() {
                annotations.insert(ANN_INITIATIVES.to_string(), lines.join("\n"));
            }
        }
        let children: Vec<String> = match kind {
            UnitKind::Tribe => snap
                .units
                .iter()
                .filter(|c| c.tribe_id == Some(u.id))
                .map(|c| group_ref(&name_of(c)))
                .collect(),
            UnitKind::Alliance => alliance_links
                .iter()
                .filter(|(a, _)| *a == u.id)
                .filter_map(|(_, t)| snap.unit(*t))
                .map(|t| group_ref(&name_of(t)))
                .collect(),
            _ => vec![],
        };
        let parent = u
            .tribe_id
            .and_then(|t| snap.unit(t))
            .map(|t| group_ref(&name_of(t)));
        docs.push(Entity {
            api_version: API_VERSION.into(),
            kind: "Group".into(),
            metadata: Metadata {
                name: name_of(u),
                description: (!u.mission.is_empty()).then(|| u.mission.clone()),
                annotations,
                links: entity_links(&u.links),
                ..Default::default()
            },
            spec: Spec {
                type_: Some(kind.as_str().into()),
                profile: Some(Profile {
                    display_name: Some(u.name.clone()),
                    email: None,
                }),
                parent,
                children,
                members: roles.keys().map(|u| format!("user:default/{u}")).collect(),
                member_of: vec![],
            },
        });
    }
    let mut out = String::new();
    for d in &docs {
        out.push_str("---\n");
        out.push_str(&serde_yaml_ng::to_string(d).map_err(AppError::internal)?);
    }
    Ok(out)
}
