//! Units of the org model — tribes, squads, chapters, guilds, trios, alliances — their roles,
//! slugs (`slug.rs`), links (`links.rs`) and alliance initiatives. Types and parsing only; no
//! I/O.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{initiatives, memberships, units};
use crate::ids::{PersonId, UnitId};

mod links;
mod slug;

pub use links::{Link, parse_links, stored_links};
pub use slug::{MAX_UNIT_SLUG, Slug};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Tribe,
    Squad,
    Chapter,
    Guild,
    Trio,
    Alliance,
}

/// Whether a kind of unit belongs to a tribe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TribeLink {
    None,
    Optional,
    Required,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Tribe,
        UnitKind::Squad,
        UnitKind::Chapter,
        UnitKind::Guild,
        UnitKind::Trio,
        UnitKind::Alliance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Tribe => "tribe",
            UnitKind::Squad => "squad",
            UnitKind::Chapter => "chapter",
            UnitKind::Guild => "guild",
            UnitKind::Trio => "trio",
            UnitKind::Alliance => "alliance",
        }
    }

    /// The path segment of its pages: `/squads/{slug}`.
    pub fn plural(self) -> &'static str {
        match self {
            UnitKind::Tribe => "tribes",
            UnitKind::Squad => "squads",
            UnitKind::Chapter => "chapters",
            UnitKind::Guild => "guilds",
            UnitKind::Trio => "trios",
            UnitKind::Alliance => "alliances",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Tribe => "Tribe",
            UnitKind::Squad => "Squad",
            UnitKind::Chapter => "Chapter",
            UnitKind::Guild => "Guild",
            UnitKind::Trio => "Trio",
            UnitKind::Alliance => "Alliance",
        }
    }

    /// Accepts the singular or the plural, in any case.
    pub fn parse(raw: &str) -> Option<UnitKind> {
        let s = raw.trim().to_ascii_lowercase();
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.plural() == s)
    }

    /// The kind a unit page's path is about, from its first segment (`/squads/…`); any
    /// other path is not found.
    pub fn of_path(path: &str) -> crate::error::AppResult<UnitKind> {
        path.trim_start_matches('/')
            .split('/')
            .next()
            .and_then(UnitKind::parse)
            .ok_or(crate::error::AppError::NotFound)
    }

    pub fn tribe_link(self) -> TribeLink {
        match self {
            UnitKind::Squad => TribeLink::Optional,
            UnitKind::Chapter | UnitKind::Trio => TribeLink::Required,
            UnitKind::Tribe | UnitKind::Guild | UnitKind::Alliance => TribeLink::None,
        }
    }

    /// The roles a membership of this kind of unit may have; the first is the default.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            UnitKind::Tribe => &[Member, TribeLead, AgileCoach, Coordinator],
            UnitKind::Squad => &[Member, ProductOwner, AgileCoach],
            UnitKind::Chapter => &[Member, ChapterLead],
            UnitKind::Guild => &[Member, Coordinator],
            UnitKind::Trio => &[TribeLead, ProductLead, DesignLead],
            UnitKind::Alliance => &[Member, Coordinator],
        }
    }

    /// The url of a unit of this kind.
    pub fn url(self, slug: &str) -> String {
        format!("/{}/{slug}", self.plural())
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Member,
    TribeLead,
    ProductOwner,
    AgileCoach,
    ChapterLead,
    Coordinator,
    ProductLead,
    DesignLead,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Member,
        Role::TribeLead,
        Role::ProductOwner,
        Role::AgileCoach,
        Role::ChapterLead,
        Role::Coordinator,
        Role::ProductLead,
        Role::DesignLead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::TribeLead => "tribe lead",
            Role::ProductOwner => "product owner",
            Role::AgileCoach => "agile coach",
            Role::ChapterLead => "chapter lead",
            Role::Coordinator => "coordinator",
            Role::ProductLead => "product lead",
            Role::DesignLead => "design lead",
        }
    }

    /// Accepts "tribe lead", "tribe-lead", "tribe_lead", "Tribe Lead".
    pub fn parse(raw: &str) -> Option<Role> {
        let s = raw.trim().to_ascii_lowercase().replace(['-', '_'], " ");
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles that lead their unit: they may edit it (and a tribe lead, the tribe's units).
    pub fn leads(self) -> bool {
        matches!(
            self,
            Role::TribeLead | Role::ProductOwner | Role::ChapterLead | Role::Coordinator
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// In the API description: one of the role names, as serialized.
impl utoipa::PartialSchema for Role {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::labels::string_enum(Role::ALL.map(Role::as_str))
    }
}

impl utoipa::ToSchema for Role {}

/// An alliance initiative's stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum Stage {
    #[serde(rename = "think")]
    ThinkIt,
    #[serde(rename = "build")]
    BuildIt,
    #[serde(rename = "ship")]
    ShipIt,
    #[serde(rename = "tweak")]
    TweakIt,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::ThinkIt,
        Stage::BuildIt,
        Stage::ShipIt,
        Stage::TweakIt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::ThinkIt => "think",
            Stage::BuildIt => "build",
            Stage::ShipIt => "ship",
            Stage::TweakIt => "tweak",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::ThinkIt => "Think it",
            Stage::BuildIt => "Build it",
            Stage::ShipIt => "Ship it",
            Stage::TweakIt => "Tweak it",
        }
    }

    /// Accepts "think", "Think it", "think-it".
    pub fn parse(raw: &str) -> Option<Stage> {
        let s = raw.trim().to_ascii_lowercase().replace(['-', '_'], " ");
        let s = s.trim_end_matches(" it");
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = units)]
pub struct Unit {
    pub id: UnitId,
    pub kind: String,
    pub slug: String,
    pub name: String,
    pub mission: String,
    pub description: String,
    pub links: String,
    pub tribe_id: Option<UnitId>,
    pub discipline: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The Backstage `spec.type` it was imported with, when that is not the kind's name
    /// (a `team` imported as a squad); empty otherwise. Exported again as its type.
    pub backstage_type: String,
    /// The Backstage entity ref it was imported from, when that is not
    /// `group:default/<slug>` (another namespace, a name no slug can be); empty otherwise.
    pub backstage_ref: String,
}

impl Unit {
    /// A unit for unit tests of the rules and permissions.
    #[cfg(test)]
    pub fn for_test(id: i64, kind: UnitKind, tribe_id: Option<i64>) -> Unit {
        Unit {
            id: UnitId(id),
            kind: kind.as_str().into(),
            slug: format!("u{id}"),
            name: format!("Unit {id}"),
            mission: String::new(),
            description: String::new(),
            links: String::new(),
            tribe_id: tribe_id.map(UnitId),
            discipline: String::new(),
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
            backstage_type: String::new(),
            backstage_ref: String::new(),
        }
    }

    /// Stored kinds are always valid; an unknown one (a newer fika's data) reads as a guild,
    /// the kind with the fewest rules.
    pub fn kind(&self) -> UnitKind {
        UnitKind::parse(&self.kind).unwrap_or(UnitKind::Guild)
    }

    pub fn url(&self) -> String {
        self.kind().url(&self.slug)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = memberships)]
pub struct Membership {
    pub id: i64,
    pub person_id: PersonId,
    pub unit_id: UnitId,
    pub role: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

impl Membership {
    /// A current membership since 2025-01-01, for unit tests of the rules.
    #[cfg(test)]
    pub fn for_test(id: i64, person: i64, unit: i64, role: Role) -> Membership {
        Membership {
            id,
            person_id: PersonId(person),
            unit_id: UnitId(unit),
            role: role.as_str().into(),
            start_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
            end_date: None,
        }
    }

    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Member)
    }

    /// Current on `today`: started, and not yet ended.
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.start_date <= today && self.end_date.is_none_or(|end| end > today)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = initiatives)]
pub struct Initiative {
    pub id: i64,
    pub alliance_id: UnitId,
    pub name: String,
    pub stage: String,
    pub description: String,
    pub position: i32,
}

impl Initiative {
    pub fn stage(&self) -> Stage {
        Stage::parse(&self.stage).unwrap_or(Stage::ThinkIt)
    }
}

/// A unit as the pages and lessons API name it: `{"kind": "squad", "slug": "payments"}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitKey {
    pub kind: String,
    pub slug: String,
}

impl UnitKey {
    pub fn of(u: Unit) -> UnitKey {
        UnitKey {
            kind: u.kind,
            slug: u.slug,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Markdown builds a unit's address without the org (it sits below it); both must agree.
    #[test]
    fn markdown_links_units_where_they_live() {
        for k in UnitKind::ALL {
            assert_eq!(crate::markdown::org_url(k.as_str(), "x"), k.url("x"));
        }
    }

    #[test]
    fn kinds_and_roles_parse() {
        assert_eq!(UnitKind::parse("Squads"), Some(UnitKind::Squad));
        assert_eq!(UnitKind::parse("team"), None);
        assert_eq!(Role::parse("Tribe-Lead"), Some(Role::TribeLead));
        assert_eq!(Role::parse("boss"), None);
        assert!(UnitKind::Trio.roles().contains(&Role::DesignLead));
        assert!(!UnitKind::Squad.roles().contains(&Role::TribeLead));
        assert_eq!(Stage::parse("Ship it"), Some(Stage::ShipIt));
        assert_eq!(Stage::parse("tweak"), Some(Stage::TweakIt));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            Slug::from_name("Core Payments & Billing (EU)")
                .unwrap()
                .as_str(),
            "core-payments-billing-eu"
        );
        assert_eq!(
            Slug::from_name("Ljudgränssnitt Ö").unwrap().as_str(),
            "ljudgranssnitt-o"
        );
        assert!(Slug::from_name("!!!").is_none());
        assert!(Slug::parse("a--b").is_err());
        assert!(Slug::parse("ok-1").is_ok());
        assert!(Slug::parse("../x").is_err());
    }

    #[test]
    fn links_accept_only_safe_urls() {
        let links = parse_links("Repo https://git.example/x\n\nmailto:team@example.se").unwrap();
        assert_eq!(links[0].label, "Repo");
        assert_eq!(links[1].url, "mailto:team@example.se");
        assert!(parse_links("Evil javascript:alert(1)").is_err());
        assert!(parse_links("data:text/html,hi").is_err());
        assert_eq!(
            stored_links("javascript:alert(1)\nhttps://ok.example"),
            vec![Link {
                label: "https://ok.example".into(),
                url: "https://ok.example".into()
            }]
        );
    }
}
