//! `fika export backstage`: the org as Backstage catalog YAML — a User per person, a Group per
//! unit — valid against Backstage's catalog schema, that imports back to the same org with its
//! membership history (ended memberships and everyone's dates).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{
    ANN_DESCRIPTION, ANN_DISCIPLINE, ANN_INITIATIVES, ANN_KIND, ANN_MEMBERSHIPS, ANN_ROLES,
    ANN_SLUG, ANN_TITLE, ANN_USERNAME, API_VERSION, DEFAULT_NAMESPACE, DatedMembership, Entity,
    EntityLink, EntityRef, Metadata, Profile, Spec,
};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::rules::Snapshot;
use crate::org::unit::{Membership, Role, Unit, UnitKind, stored_links};
use crate::org::unit_repo as repo;
use crate::people::model::Profile as PersonProfile;
use crate::people::repo as people;

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

/// The Backstage entity a person or unit was imported from, else (empty: made in fika) the
/// one named after its username or slug in the default namespace.
fn identity(kind: &str, stored: &str, fika_name: &str) -> EntityRef {
    EntityRef::parse(stored, kind, DEFAULT_NAMESPACE)
        .unwrap_or_else(|_| EntityRef::new(kind, DEFAULT_NAMESPACE, fika_name))
}

/// `metadata.name` and `metadata.namespace` of an entity (no namespace: `default`).
fn metadata_of(r: &EntityRef) -> Metadata {
    Metadata {
        name: r.name.clone(),
        namespace: (r.namespace != DEFAULT_NAMESPACE).then(|| r.namespace.clone()),
        ..Default::default()
    }
}

/// Writes the whole org. A Group is named by the entity its unit was imported from, or by its
/// slug; where two units would share a name (two kinds with one slug), the name gets the kind
/// as a suffix and the slug travels in an annotation.
pub fn export(conn: &mut AnyConnection) -> AppResult<String> {
    let today = crate::dates::today();
    let snap = repo::snapshot(conn, today)?;
    let profiles = people::all_profiles(conn)?;
    let mut history: HashMap<UnitId, Vec<Membership>> = HashMap::new();
    for m in repo::all_memberships(conn)? {
        history.entry(m.unit_id).or_default().push(m);
    }
    // People who left are not exported, so they are no one's members either.
    let person_refs: HashMap<PersonId, EntityRef> = profiles
        .iter()
        .filter(|p| !p.disabled)
        .map(|p| (p.id, identity("user", &p.backstage_ref, &p.username)))
        .collect();
    let mut ref_count: HashMap<EntityRef, usize> = HashMap::new();
    for u in &snap.units {
        *ref_count
            .entry(identity("group", &u.backstage_ref, &u.slug))
            .or_default() += 1;
    }
    let org = Org {
        alliance_links: repo::alliance_links(conn)?,
        snap,
        history,
        person_refs,
        ref_count,
    };

    let mut member_of: HashMap<PersonId, BTreeSet<String>> = HashMap::new();
    for m in &org.snap.memberships {
        if let Some(u) = org.snap.unit(m.unit_id) {
            member_of
                .entry(m.person_id)
                .or_default()
                .insert(org.group_ref(u).to_string());
        }
    }
    let mut docs: Vec<Entity> = profiles
        .iter()
        .filter(|p| !p.disabled)
        .map(|p| user(p, member_of.remove(&p.id).unwrap_or_default()))
        .collect();
    let order = |k: UnitKind| UnitKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
    let mut units: Vec<&Unit> = org.snap.units.iter().collect();
    units.sort_by(|a, b| {
        order(a.kind())
            .cmp(&order(b.kind()))
            .then(a.slug.cmp(&b.slug))
    });
    for u in units {
        docs.push(org.group(conn, u)?);
    }
    let mut out = String::new();
    for d in &docs {
        out.push_str("---\n");
        out.push_str(&serde_yaml_ng::to_string(d).map_err(AppError::internal)?);
    }
    Ok(out)
}

/// A person as a Backstage User, with the groups they are in now.
fn user(p: &PersonProfile, member_of: BTreeSet<String>) -> Entity {
    let me = identity("user", &p.backstage_ref, &p.username);
    let mut annotations = BTreeMap::new();
    if me.name != p.username {
        annotations.insert(ANN_USERNAME.to_string(), p.username.clone());
    }
    for (key, value) in [
        (ANN_DISCIPLINE, &p.discipline),
        (ANN_TITLE, &p.title),
        (super::ANN_BIO, &p.bio),
    ] {
        if !value.is_empty() {
            annotations.insert(key.to_string(), value.clone());
        }
    }
    Entity {
        api_version: API_VERSION.into(),
        kind: "User".into(),
        metadata: Metadata {
            annotations,
            links: entity_links(&p.links),
            ..metadata_of(&me)
        },
        spec: Spec {
            profile: Some(Profile {
                display_name: Some(p.display_name.clone()),
                email: p.email.clone(),
            }),
            member_of: Some(member_of.into_iter().collect()),
            ..Default::default()
        },
    }
}

/// What the export reads once: the org today, every unit's membership history, who may be
/// named (people who left are not), and how many units share a Backstage name.
struct Org {
    snap: Snapshot,
    history: HashMap<UnitId, Vec<Membership>>,
    alliance_links: Vec<(UnitId, UnitId)>,
    person_refs: HashMap<PersonId, EntityRef>,
    ref_count: HashMap<EntityRef, usize>,
}

impl Org {
    /// A unit's entity reference; units of different kinds with one name get the kind
    /// appended, so references stay unique.
    fn group_ref(&self, u: &Unit) -> EntityRef {
        let base = identity("group", &u.backstage_ref, &u.slug);
        if self.ref_count.get(&base).copied().unwrap_or(0) > 1 {
            EntityRef {
                name: format!("{}-{}", base.name, u.kind),
                ..base
            }
        } else {
            base
        }
    }

    /// A unit as a Backstage Group: its parent and children, its members now, and in
    /// annotations what Backstage has no field for.
    fn group(&self, conn: &mut AnyConnection, u: &Unit) -> AppResult<Entity> {
        let kind = u.kind();
        let me = self.group_ref(u);
        let type_ = if u.backstage_type.is_empty() {
            kind.as_str()
        } else {
            u.backstage_type.as_str()
        };
        // Members, and the roles of everyone who is more than a member.
        let mut roles: BTreeMap<&EntityRef, Vec<Role>> = BTreeMap::new();
        for m in self.snap.memberships_of(u.id) {
            if let Some(r) = self.person_refs.get(&m.person_id) {
                roles.entry(r).or_default().push(m.role());
            }
        }
        let mut annotations = self.annotations(conn, u, &me, &roles)?;
        if type_ != kind.as_str() {
            annotations.insert(ANN_KIND.to_string(), kind.as_str().to_string());
        }
        let children: Vec<String> = match kind {
            UnitKind::Tribe => self
                .snap
                .units
                .iter()
                .filter(|c| c.tribe_id == Some(u.id))
                .map(|c| self.group_ref(c).to_string())
                .collect(),
            UnitKind::Alliance => self
                .alliance_links
                .iter()
                .filter(|(a, _)| *a == u.id)
                .filter_map(|(_, t)| self.snap.unit(*t))
                .map(|t| self.group_ref(t).to_string())
                .collect(),
            _ => vec![],
        };
        let parent = u
            .tribe_id
            .and_then(|t| self.snap.unit(t))
            .map(|t| self.group_ref(t).to_string());
        Ok(Entity {
            api_version: API_VERSION.into(),
            kind: "Group".into(),
            metadata: Metadata {
                description: (!u.mission.is_empty()).then(|| u.mission.clone()),
                annotations,
                links: entity_links(&u.links),
                ..metadata_of(&me)
            },
            spec: Spec {
                type_: Some(type_.to_string()),
                profile: Some(Profile {
                    display_name: Some(u.name.clone()),
                    email: None,
                }),
                parent,
                children: Some(children),
                members: roles.keys().map(|r| r.to_string()).collect(),
                member_of: None,
            },
        })
    }

    /// A group's annotations: its slug, description and discipline, the roles of its
    /// people, every membership with its dates, and an alliance's initiatives.
    fn annotations(
        &self,
        conn: &mut AnyConnection,
        u: &Unit,
        me: &EntityRef,
        roles: &BTreeMap<&EntityRef, Vec<Role>>,
    ) -> AppResult<BTreeMap<String, String>> {
        let kind = u.kind();
        let mut annotations = BTreeMap::new();
        if me.name != u.slug {
            annotations.insert(ANN_SLUG.to_string(), u.slug.clone());
        }
        if !u.description.is_empty() {
            annotations.insert(ANN_DESCRIPTION.to_string(), u.description.clone());
        }
        if kind == UnitKind::Chapter {
            annotations.insert(ANN_DISCIPLINE.to_string(), u.discipline.clone());
        }
        let role_text: Vec<String> = roles
            .iter()
            .filter(|(_, r)| r.iter().any(|r| *r != Role::Member))
            .flat_map(|(user, rs)| {
                let mut rs = rs.clone();
                rs.sort();
                let user = user.relative_to(&me.namespace);
                rs.into_iter().map(move |r| format!("{user}={r}"))
            })
            .collect();
        if !role_text.is_empty() {
            annotations.insert(ANN_ROLES.to_string(), role_text.join("; "));
        }
        // Every membership with its dates, ended ones too: Backstage only knows who is a
        // member now, so without this a round trip would lose the history.
        let mut dated: Vec<DatedMembership> = self
            .history
            .get(&u.id)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                Some(DatedMembership {
                    user: self.person_refs.get(&m.person_id)?.clone(),
                    role: m.role(),
                    start: m.start_date,
                    end: m.end_date,
                })
            })
            .collect();
        dated.sort_by(|a, b| {
            (&a.user, a.start, a.role, a.end).cmp(&(&b.user, b.start, b.role, b.end))
        });
        if !dated.is_empty() {
            let lines: Vec<String> = dated.iter().map(|m| m.line(&me.namespace)).collect();
            annotations.insert(ANN_MEMBERSHIPS.to_string(), lines.join("\n"));
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
        Ok(annotations)
    }
}
