//! Template structs of the org pages, and the code that assembles them from a snapshot.

use std::collections::{HashMap, HashSet};

use askama::Template;
use chrono::NaiveDate;

use super::rules::{Snapshot, Warning};
use super::unit::{Role, Unit, UnitKind};
use super::unit_repo::PersonBrief;
use crate::ids::{PersonId, UnitId};
use crate::site::forms::FieldErrors;
use crate::site::views::Shell;

/// A link to a unit.
#[derive(Debug, Clone)]
pub struct UnitRef {
    pub id: UnitId,
    pub slug: String,
    pub name: String,
    pub url: String,
    pub kind: &'static str,
}

impl UnitRef {
    pub fn of(u: &Unit) -> UnitRef {
        UnitRef {
            id: u.id,
            slug: u.slug.clone(),
            name: u.name.clone(),
            url: u.url(),
            kind: u.kind().label(),
        }
    }

    /// How forms and list filters name a unit: `squad/payments`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.kind.to_lowercase(), self.slug)
    }
}

/// The ids of the units a form picked by key (`units` fields); a key that names no unit
/// is the field's message.
pub fn picked_units(keys: &[String], all: &[UnitRef]) -> Result<Vec<UnitId>, String> {
    keys.iter()
        .map(|key| {
            all.iter()
                .find(|u| u.key() == *key)
                .map(|u| u.id)
                .ok_or_else(|| format!("There is no unit {key:?}."))
        })
        .collect()
}

/// A link to a person.
#[derive(Debug, Clone)]
pub struct PersonRef {
    pub username: String,
    pub name: String,
    pub title: String,
}

impl PersonRef {
    pub fn of(p: &PersonBrief) -> PersonRef {
        PersonRef {
            username: p.username.clone(),
            name: p.display_name.clone(),
            title: p.title.clone(),
        }
    }

    pub fn url(&self) -> String {
        format!("/people/{}", self.username)
    }
}

/// A warning as pages show it, with links to what it is about.
#[derive(Debug, Clone)]
pub struct WarningView {
    pub rule: &'static str,
    pub message: String,
    pub unit: Option<UnitRef>,
    pub person: Option<PersonRef>,
}

pub fn warning_views(s: &Snapshot, warnings: &[Warning]) -> Vec<WarningView> {
    warnings
        .iter()
        .map(|w| WarningView {
            rule: w.rule,
            message: w.message.clone(),
            unit: w.unit_id.and_then(|id| s.unit(id)).map(UnitRef::of),
            person: w.person_id.and_then(|id| s.person(id)).map(PersonRef::of),
        })
        .collect()
}

pub fn rule_title(rule: &str) -> &'static str {
    match rule {
        "squad-size" => "Squads outside 6–12 people",
        "squad-no-product-owner" => "Squads without a product owner",
        "tribe-size" => "Tribes over 150 people",
        "chapter-member-outside-tribe" => "Chapter members in no squad of the chapter's tribe",
        "person-no-squad" => "People in no squad",
        _ => "Other",
    }
}

// ---------------------------------------------------------------- /org

pub struct SquadCell {
    pub unit: UnitRef,
    pub people: usize,
}

pub struct TribeCard {
    pub unit: UnitRef,
    pub mission: String,
    pub people: usize,
    pub trio: Option<UnitRef>,
    pub trio_people: Vec<(Role, PersonRef)>,
    pub squads: Vec<SquadCell>,
    pub chapters: Vec<(UnitRef, String, usize)>,
}

pub struct AllianceCard {
    pub unit: UnitRef,
    pub mission: String,
    pub tribes: Vec<UnitRef>,
}

#[derive(Template)]
#[template(path = "org/org.html")]
pub struct OrgPage {
    pub shell: Shell,
    pub tribes: Vec<TribeCard>,
    pub free_squads: Vec<SquadCell>,
    pub guilds: Vec<(UnitRef, String, usize)>,
    pub alliances: Vec<AllianceCard>,
    pub people: usize,
    pub warnings: usize,
    pub can_create: bool,
}

fn squad_cell(s: &Snapshot, u: &Unit) -> SquadCell {
    SquadCell {
        unit: UnitRef::of(u),
        people: s.people_in(u.id).len(),
    }
}

pub fn tribe_card(s: &Snapshot, tribe: &Unit) -> TribeCard {
    let trio = s.in_tribe(tribe.id, UnitKind::Trio).next();
    let trio_people = trio
        .map(|t| {
            [Role::TribeLead, Role::ProductLead, Role::DesignLead]
                .into_iter()
                .flat_map(|r| {
                    s.members_with_role(t.id, r)
                        .into_iter()
                        .map(move |p| (r, PersonRef::of(p)))
                })
                .collect()
        })
        .unwrap_or_default();
    TribeCard {
        unit: UnitRef::of(tribe),
        mission: tribe.mission.clone(),
        people: s.people_in_tribe(tribe.id).len(),
        trio: trio.map(UnitRef::of),
        trio_people,
        squads: s
            .in_tribe(tribe.id, UnitKind::Squad)
            .map(|u| squad_cell(s, u))
            .collect(),
        chapters: s
            .in_tribe(tribe.id, UnitKind::Chapter)
            .map(|u| {
                (
                    UnitRef::of(u),
                    u.discipline.clone(),
                    s.people_in(u.id).len(),
                )
            })
            .collect(),
    }
}

pub fn org_page(
    shell: Shell,
    s: &Snapshot,
    alliance_links: &[(UnitId, UnitId)],
    warnings: usize,
    can_create: bool,
) -> OrgPage {
    OrgPage {
        shell,
        tribes: s
            .of_kind(UnitKind::Tribe)
            .map(|t| tribe_card(s, t))
            .collect(),
        free_squads: s
            .of_kind(UnitKind::Squad)
            .filter(|u| u.tribe_id.is_none())
            .map(|u| squad_cell(s, u))
            .collect(),
        guilds: s
            .of_kind(UnitKind::Guild)
            .map(|u| (UnitRef::of(u), u.mission.clone(), s.people_in(u.id).len()))
            .collect(),
        alliances: s
            .of_kind(UnitKind::Alliance)
            .map(|a| AllianceCard {
                unit: UnitRef::of(a),
                mission: a.mission.clone(),
                tribes: alliance_links
                    .iter()
                    .filter(|(al, _)| *al == a.id)
                    .filter_map(|(_, t)| s.unit(*t))
                    .map(UnitRef::of)
                    .collect(),
            })
            .collect(),
        people: s.people.iter().filter(|p| !p.disabled).count(),
        warnings,
        can_create,
    }
}

// ---------------------------------------------------------------- unit pages

pub struct MemberRow {
    pub membership_id: i64,
    pub person: PersonRef,
    /// The person left the company: shown among former members, without a link to a page
    /// only admins may open.
    pub left: bool,
    pub role: Role,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    /// The viewer may end this membership.
    pub can_end: bool,
}

pub struct InitiativeRow {
    pub id: i64,
    pub name: String,
    pub stage: &'static str,
    pub stage_label: &'static str,
    pub description: String,
}

/// What the add-member form held, to show it again after an error.
#[derive(Default)]
pub struct MemberForm {
    pub username: String,
    pub role: String,
    pub since: String,
    pub error: Option<String>,
}

// ---------------------------------------------------------------- people

#[derive(Template)]
#[template(path = "org/people.html")]
pub struct PeoplePage {
    pub shell: Shell,
    pub people: Vec<(PersonRef, String, Vec<UnitRef>)>,
    pub q: String,
    pub discipline: String,
    pub disciplines: Vec<String>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

pub const PEOPLE_PER_PAGE: usize = 100;

pub fn people_page(
    shell: Shell,
    s: &Snapshot,
    q: &str,
    discipline: &str,
    page: usize,
) -> PeoplePage {
    let needle = q.trim().to_lowercase();
    let mut squads_of: HashMap<PersonId, Vec<UnitRef>> = HashMap::new();
    for m in &s.memberships {
        if let Some(u) = s.unit(m.unit_id)
            && u.kind() == UnitKind::Squad
        {
            squads_of
                .entry(m.person_id)
                .or_default()
                .push(UnitRef::of(u));
        }
    }
    let disciplines: Vec<String> = s
        .people
        .iter()
        .map(|p| p.discipline.clone())
        .filter(|d| !d.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let matching: Vec<&PersonBrief> = s
        .people
        .iter()
        .filter(|p| !p.disabled)
        .filter(|p| discipline.is_empty() || p.discipline == discipline)
        .filter(|p| {
            needle.is_empty()
                || p.display_name.to_lowercase().contains(&needle)
                || p.username.contains(&needle)
                || p.title.to_lowercase().contains(&needle)
        })
        .collect();
    let total = matching.len();
    let pages = total.div_ceil(PEOPLE_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    PeoplePage {
        shell,
        people: matching
            .into_iter()
            .skip((page - 1) * PEOPLE_PER_PAGE)
            .take(PEOPLE_PER_PAGE)
            .map(|p| {
                (
                    PersonRef::of(p),
                    p.discipline.clone(),
                    squads_of.remove(&p.id).unwrap_or_default(),
                )
            })
            .collect(),
        q: q.to_string(),
        discipline: discipline.to_string(),
        disciplines,
        total,
        page,
        pages,
    }
}

/// The profile form, with what was typed and the error of each field.
#[derive(Template)]
#[template(path = "org/person_form.html")]
pub struct PersonForm {
    pub shell: Shell,
    pub username: String,
    pub display_name: String,
    pub email: String,
    /// Single sign-on is on and the editor is not an administrator: the e-mail is shown,
    /// not edited (it links provider accounts).
    pub email_locked: bool,
    pub discipline: String,
    pub title: String,
    pub bio: String,
    pub links: String,
    pub errors: FieldErrors,
}

impl PersonForm {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
}

// ---------------------------------------------------------------- health, matrix

#[derive(Template)]
#[template(path = "org/health.html")]
pub struct HealthPage {
    pub shell: Shell,
    pub groups: Vec<(&'static str, Vec<WarningView>)>,
    pub total: usize,
}

pub fn health_page(shell: Shell, s: &Snapshot, warnings: &[Warning]) -> HealthPage {
    let mut groups: Vec<(&'static str, Vec<WarningView>)> = Vec::new();
    for w in warning_views(s, warnings) {
        let title = rule_title(w.rule);
        match groups.iter_mut().find(|(t, _)| *t == title) {
            Some((_, list)) => list.push(w),
            None => groups.push((title, vec![w])),
        }
    }
    HealthPage {
        shell,
        total: warnings.len(),
        groups,
    }
}

#[derive(Template)]
#[template(path = "org/matrix.html")]
pub struct MatrixPage {
    pub shell: Shell,
    pub tribe: UnitRef,
    pub squads: Vec<UnitRef>,
    /// One row a chapter (the last row: people in no chapter of the tribe); a cell a squad.
    pub rows: Vec<(Option<UnitRef>, Vec<Vec<PersonRef>>)>,
}

pub fn matrix_page(shell: Shell, s: &Snapshot, tribe: &Unit) -> MatrixPage {
    let squads: Vec<&Unit> = s.in_tribe(tribe.id, UnitKind::Squad).collect();
    let chapters: Vec<&Unit> = s.in_tribe(tribe.id, UnitKind::Chapter).collect();
    let in_squad: Vec<HashSet<PersonId>> = squads.iter().map(|u| s.people_in(u.id)).collect();
    let chaptered: HashSet<PersonId> = chapters.iter().flat_map(|c| s.people_in(c.id)).collect();
    let cell = |people: &HashSet<PersonId>, squad: &HashSet<PersonId>| -> Vec<PersonRef> {
        let mut v: Vec<PersonRef> = people
            .intersection(squad)
            .filter_map(|p| s.person(*p))
            .map(PersonRef::of)
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    };
    let mut rows: Vec<(Option<UnitRef>, Vec<Vec<PersonRef>>)> = chapters
        .iter()
        .map(|c| {
            let members = s.people_in(c.id);
            (
                Some(UnitRef::of(c)),
                in_squad.iter().map(|sq| cell(&members, sq)).collect(),
            )
        })
        .collect();
    let unchaptered: HashSet<PersonId> = in_squad
        .iter()
        .flatten()
        .filter(|p| !chaptered.contains(p))
        .copied()
        .collect();
    if !unchaptered.is_empty() {
        rows.push((
            None,
            in_squad.iter().map(|sq| cell(&unchaptered, sq)).collect(),
        ));
    }
    MatrixPage {
        shell,
        tribe: UnitRef::of(tribe),
        squads: squads.into_iter().map(UnitRef::of).collect(),
        rows,
    }
}

// ---------------------------------------------------------------- unit form

#[derive(Template)]
#[template(path = "org/unit_form.html")]
pub struct UnitFormPage {
    pub shell: Shell,
    pub kind: UnitKind,
    /// None when creating.
    pub editing: Option<UnitRef>,
    pub name: String,
    pub slug: String,
    pub mission: String,
    pub description: String,
    pub links: String,
    pub tribe: String,
    pub discipline: String,
    pub alliance_tribes: Vec<String>,
    pub tribes: Vec<(String, String)>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub errors: FieldErrors,
}

impl UnitFormPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    pub fn has_tribe(&self) -> bool {
        self.kind.tribe_link() != super::unit::TribeLink::None
    }

    pub fn tribe_required(&self) -> bool {
        self.kind.tribe_link() == super::unit::TribeLink::Required
    }

    pub fn in_alliance(&self, slug: &str) -> bool {
        self.alliance_tribes.iter().any(|t| t == slug)
    }
}
