//! Backstage catalog import and export: `kind: Group` / `kind: User` entities
//! (`apiVersion: backstage.io/v1alpha1`, multi-document YAML) ↔ fika's people and units.
//!
//! Mapping: a Group's `spec.type` squad/tribe/chapter/guild/trio/alliance is that kind, `team`
//! is a squad, other types through `--map TYPE=KIND`; `spec.parent`/`spec.children` give the
//! tribe of a squad, chapter or trio (and an alliance's children are its tribes);
//! `spec.members` and a User's `spec.memberOf` give memberships; `spec.profile` gives names
//! and e-mails. What Backstage has no field for travels in `fika.dev/…` annotations (roles,
//! membership dates, discipline, description, initiatives, fika's kind, slug and username), so
//! an export imports back to the same org, history included.
//!
//! Identity follows Backstage: an entity is its kind, namespace and name, compared without
//! case, and a ref without a namespace means the referencing entity's own namespace. So
//! `user:development/guest` and `user:default/guest` are two people: outside the `default`
//! namespace a username (and a slug) starts with the namespace (`development-guest`), and the
//! entity ref is stored with the person or unit, so that re-imports find them and exports give
//! Backstage back the same entities.
//!
//! The export is valid against Backstage's catalog schema: every Group has `spec.type` and
//! `spec.children` (maybe `[]`), every User has `spec.memberOf` (maybe `[]`).

pub mod export;
pub mod import;
mod plan;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::org::unit::Role;

pub const API_VERSION: &str = "backstage.io/v1alpha1";
pub const ANN_ROLES: &str = "fika.dev/roles";
pub const ANN_DISCIPLINE: &str = "fika.dev/discipline";
pub const ANN_TITLE: &str = "fika.dev/title";
pub const ANN_BIO: &str = "fika.dev/bio";
pub const ANN_DESCRIPTION: &str = "fika.dev/description";
pub const ANN_SLUG: &str = "fika.dev/slug";
pub const ANN_INITIATIVES: &str = "fika.dev/initiatives";
/// fika's kind of a unit whose `spec.type` is not that kind's name (`team` → squad), so a
/// re-import needs no `--map`.
pub const ANN_KIND: &str = "fika.dev/kind";
/// A person's fika username when it is not the entity's name.
pub const ANN_USERNAME: &str = "fika.dev/username";
/// Every membership of a unit, with its dates: one `USER=ROLE from START[ to END]` a line,
/// USER an entity ref as in `spec.members` (see [`DatedMembership`]).
pub const ANN_MEMBERSHIPS: &str = "fika.dev/memberships";
pub const DEFAULT_NAMESPACE: &str = "default";

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: Spec,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Metadata {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<EntityLink>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EntityLink {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The union of Group and User specs (each kind uses its part).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Groups only; Backstage requires it on every Group, so an export always writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// Users only; Backstage requires it on every User, so an export always writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_of: Option<Vec<String>>,
}

impl Entity {
    /// `kind:namespace/name`, the namespace `default` when the metadata names none.
    pub fn entity_ref(&self) -> EntityRef {
        EntityRef::new(
            &self.kind,
            self.metadata
                .namespace
                .as_deref()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(DEFAULT_NAMESPACE),
            &self.metadata.name,
        )
    }
}

/// An entity reference in Backstage's canonical form: kind, namespace and name, lower-cased
/// because Backstage compares them without case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl EntityRef {
    pub fn new(kind: &str, namespace: &str, name: &str) -> EntityRef {
        EntityRef {
            kind: kind.trim().to_lowercase(),
            namespace: namespace.trim().to_lowercase(),
            name: name.trim().to_lowercase(),
        }
    }

    /// Parses `[kind:][namespace/]name` as Backstage does: the first `:` ends the kind unless
    /// a `/` comes before it, the first `/` ends the namespace. What the ref leaves out comes
    /// from the referencing entity: the kind its field expects and *its* namespace (not
    /// `default`): in namespace `development`, `team-a` is `group:development/team-a`.
    pub fn parse(raw: &str, kind: &str, namespace: &str) -> Result<EntityRef, String> {
        let s = raw.trim();
        let (k, rest) = match (s.find(':'), s.find('/')) {
            (Some(c), slash) if slash.is_none_or(|sl| c < sl) => (&s[..c], &s[c + 1..]),
            _ => (kind, s),
        };
        let (ns, name) = rest.split_once('/').unwrap_or((namespace, rest));
        if [k, ns, name].iter().any(|p| p.trim().is_empty()) {
            return Err(format!(
                "{raw:?} is not an entity ref ([kind:][namespace/]name)"
            ));
        }
        Ok(EntityRef::new(k, ns, name))
    }

    /// The shortest text that names this entity from an entity in `namespace` in a field
    /// expecting this kind: `guest`, or `development/guest` across namespaces.
    pub fn relative_to(&self, namespace: &str) -> String {
        if self.namespace == namespace {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }
}

impl std::fmt::Display for EntityRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

/// One membership of a unit with its dates, a line of [`ANN_MEMBERSHIPS`]:
/// `ada=product owner from 2024-02-01 to 2025-06-30`, or without ` to …` while it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedMembership {
    pub user: EntityRef,
    pub role: Role,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl DatedMembership {
    /// The line, its user named from a group in `namespace`.
    pub fn line(&self, namespace: &str) -> String {
        let mut line = format!(
            "{}={} from {}",
            self.user.relative_to(namespace),
            self.role,
            self.start
        );
        if let Some(end) = self.end {
            line.push_str(&format!(" to {end}"));
        }
        line
    }

    /// Reads a line written by [`DatedMembership::line`] for a group in `namespace`.
    pub fn parse(line: &str, namespace: &str) -> Result<DatedMembership, String> {
        let shape = || format!("{line:?} is not USER=ROLE from YYYY-MM-DD[ to YYYY-MM-DD]");
        let (user, rest) = line.split_once('=').ok_or_else(shape)?;
        let (role, dates) = rest.split_once(" from ").ok_or_else(shape)?;
        let (start, end) = match dates.split_once(" to ") {
            Some((s, e)) => (s, Some(e)),
            None => (dates, None),
        };
        let date = |d: &str| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| shape());
        let m = DatedMembership {
            user: EntityRef::parse(user, "user", namespace)?,
            role: Role::parse(role).ok_or_else(|| format!("{role:?} is not a role"))?,
            start: date(start)?,
            end: end.map(date).transpose()?,
        };
        if m.end.is_some_and(|e| e < m.start) {
            return Err(format!("{line:?} ends before it starts"));
        }
        Ok(m)
    }

    /// Current on `today`: started, and not yet ended (as [`crate::org::unit::Membership`]).
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.start <= today && self.end.is_none_or(|end| end > today)
    }
}

#[cfg(test)]
mod tests {
    use super::{DatedMembership, EntityRef};
    use crate::org::unit::Role;

    #[test]
    fn entity_refs_take_what_they_leave_out_from_the_referencing_entity() {
        let r = |raw: &str| {
            EntityRef::parse(raw, "group", "default")
                .unwrap()
                .to_string()
        };
        assert_eq!(r("group:default/team-a"), "group:default/team-a");
        assert_eq!(r("default/team-b"), "group:default/team-b");
        assert_eq!(
            r(" Team-C "),
            "group:default/team-c",
            "trimmed, without case"
        );
        assert_eq!(r("user:jdoe"), "user:default/jdoe");
        let dev = |raw: &str| {
            EntityRef::parse(raw, "group", "development")
                .unwrap()
                .to_string()
        };
        assert_eq!(dev("team-a"), "group:development/team-a");
        assert_eq!(dev("group:team-a"), "group:development/team-a");
        assert_eq!(dev("group:default/team-a"), "group:default/team-a");
        // A `/` before the `:` means there is no kind: the rest is the name.
        assert_eq!(
            EntityRef::parse("ns/a:b", "group", "default")
                .unwrap()
                .to_string(),
            "group:ns/a:b"
        );
        for bad in ["", "group:", ":x", "ns/", "/x"] {
            assert!(
                EntityRef::parse(bad, "group", "default").is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn membership_lines_round_trip() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let ended = DatedMembership {
            user: EntityRef::new("user", "development", "guest"),
            role: Role::ProductOwner,
            start: d("2024-02-01"),
            end: Some(d("2025-06-30")),
        };
        let line = ended.line("default");
        assert_eq!(
            line,
            "development/guest=product owner from 2024-02-01 to 2025-06-30"
        );
        assert_eq!(DatedMembership::parse(&line, "default").unwrap(), ended);
        let current = DatedMembership::parse("ada=member from 2024-02-01", "default").unwrap();
        assert_eq!(current.user.to_string(), "user:default/ada");
        assert_eq!(current.end, None);
        assert!(current.is_current(d("2024-02-01")));
        assert!(
            !ended.is_current(d("2025-06-30")),
            "the end day is not current"
        );
        assert!(ended.is_current(d("2025-06-29")));
        for bad in [
            "ada=member",
            "ada from 2024-02-01",
            "ada=boss from 2024-02-01",
            "ada=member from 2024-13-01",
            "ada=member from 2024-02-01 to 2024-01-31",
        ] {
            assert!(DatedMembership::parse(bad, "default").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn relative_refs_resolve_back() {
        let guest = EntityRef::new("user", "development", "guest");
        assert_eq!(guest.relative_to("development"), "guest");
        assert_eq!(guest.relative_to("default"), "development/guest");
        for ns in ["default", "development"] {
            assert_eq!(
                EntityRef::parse(&guest.relative_to(ns), "user", ns).unwrap(),
                guest
            );
        }
    }
}
