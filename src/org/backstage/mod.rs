//! Backstage catalog import and export: `kind: Group` / `kind: User` entities
//! (`apiVersion: backstage.io/v1alpha1`, multi-document YAML) ↔ fika's people and units.
//!
//! Mapping: a Group's `spec.type` squad/tribe/chapter/guild/trio/alliance is that kind, `team`
//! is a squad, other types through `--map TYPE=KIND`; `spec.parent`/`spec.children` give the
//! tribe of a squad, chapter or trio (and an alliance's children are its tribes);
//! `spec.members` and a User's `spec.memberOf` give memberships; `spec.profile` gives names
//! and e-mails. What Backstage has no field for travels in `fika.dev/…` annotations (roles,
//! discipline, description, initiatives), so an export imports back to the same org.

pub mod export;
pub mod import;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const API_VERSION: &str = "backstage.io/v1alpha1";
pub const ANN_ROLES: &str = "fika.dev/roles";
pub const ANN_DISCIPLINE: &str = "fika.dev/discipline";
pub const ANN_TITLE: &str = "fika.dev/title";
pub const ANN_BIO: &str = "fika.dev/bio";
pub const ANN_DESCRIPTION: &str = "fika.dev/description";
pub const ANN_SLUG: &str = "fika.dev/slug";
pub const ANN_INITIATIVES: &str = "fika.dev/initiatives";

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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_of: Vec<String>,
}

/// `group:default/team-a`, `default/team-a` and `team-a` all name `team-a`.
pub fn ref_name(entity_ref: &str) -> String {
    let s = entity_ref.trim();
    let s = s.split_once(':').map(|(_, rest)| rest).unwrap_or(s);
    let s = s.rsplit_once('/').map(|(_, name)| name).unwrap_or(s);
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::ref_name;

    #[test]
    fn entity_refs() {
        assert_eq!(ref_name("group:default/team-a"), "team-a");
        assert_eq!(ref_name("user:jdoe"), "jdoe");
        assert_eq!(ref_name("default/team-b"), "team-b");
        assert_eq!(ref_name(" team-c "), "team-c");
    }
}
