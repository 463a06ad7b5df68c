//! The org model's rules (DESIGN.md glossary): enforced rules refuse a write with a message
//! naming the rule; warning rules are computed over a snapshot of the org and shown on unit
//! pages and `/org/health`. Pure functions, no I/O.

use std::collections::{HashMap, HashSet};

use super::unit::{Membership, Role, TribeLink, Unit, UnitKind};
use super::unit_repo::PersonBrief;
use crate::ids::{PersonId, UnitId};
use crate::people::model::Person;

pub const SQUAD_MIN: usize = 6;
pub const SQUAD_MAX: usize = 12;
pub const DUNBAR: usize = 150;

/// A squad belongs to at most one tribe, a chapter and a trio to exactly one; tribes, guilds
/// and alliances to none. The tribe must be a tribe.
pub fn check_tribe_link(kind: UnitKind, tribe: Option<&Unit>) -> Result<(), String> {
    if let Some(t) = tribe
        && t.kind() != UnitKind::Tribe
    {
        return Err(format!("{} is a {}, not a tribe.", t.name, t.kind()));
    }
    match (kind.tribe_link(), tribe) {
        (TribeLink::Required, None) => Err(format!(
            "A {kind} belongs to exactly one tribe: please choose it."
        )),
        (TribeLink::None, Some(_)) => Err(format!("A {kind} does not belong to a tribe.")),
        _ => Ok(()),
    }
}

/// An alliance is several tribe trios working together: at least two tribes, each with a trio.
pub fn check_alliance(tribes: &[(Unit, bool)]) -> Result<(), String> {
    let distinct: HashSet<UnitId> = tribes.iter().map(|(t, _)| t.id).collect();
    if distinct.len() < 2 {
        return Err(
            "An alliance brings together at least two tribes' trios: choose two or more tribes."
                .into(),
        );
    }
    for (t, has_trio) in tribes {
        if t.kind() != UnitKind::Tribe {
            return Err(format!("{} is not a tribe.", t.name));
        }
        if !has_trio {
            return Err(format!(
                "{} has no trio yet; an alliance is made of tribe trios.",
                t.name
            ));
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum RuleError {
    Invalid(String),
    Conflict(String),
}

/// A new membership of `person` in `unit` with `role`, given the unit's memberships that are
/// current when it starts.
pub fn check_membership(
    unit: &Unit,
    person: &Person,
    role: Role,
    current: &[(Membership, PersonBrief)],
) -> Result<(), RuleError> {
    let kind = unit.kind();
    if person.disabled {
        return Err(RuleError::Invalid(format!(
            "{} is disabled and cannot join units.",
            person.display_name
        )));
    }
    if !kind.roles().contains(&role) {
        let allowed: Vec<&str> = kind.roles().iter().map(|r| r.as_str()).collect();
        return Err(RuleError::Invalid(format!(
            "A {kind} has no {role}: its roles are {}.",
            allowed.join(", ")
        )));
    }
    if current
        .iter()
        .any(|(m, _)| m.person_id == person.id && m.role() == role)
    {
        return Err(RuleError::Conflict(format!(
            "{} is already {} of {}.",
            person.display_name,
            with_article(role),
            unit.name
        )));
    }
    if kind == UnitKind::Trio {
        if let Some((m, _)) = current.iter().find(|(m, _)| m.person_id == person.id) {
            return Err(RuleError::Conflict(format!(
                "{} is already the {} of this trio: a trio is three distinct people.",
                person.display_name,
                m.role()
            )));
        }
        if let Some((_, holder)) = current.iter().find(|(m, _)| m.role() == role) {
            return Err(RuleError::Conflict(format!(
                "The trio already has a {role} ({}); end that membership first.",
                holder.display_name
            )));
        }
    }
    Ok(())
}

fn with_article(role: Role) -> String {
    let r = role.as_str();
    if r.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {r}")
    } else {
        format!("a {r}")
    }
}

/// The org at one moment: units, current memberships and people, indexed so that every
/// question the pages and rules ask costs only the size of its answer.
pub struct Snapshot {
    pub units: Vec<Unit>,
    pub memberships: Vec<Membership>,
    pub people: Vec<PersonBrief>,
    by_id: HashMap<UnitId, usize>,
    person_by_id: HashMap<PersonId, usize>,
    /// unit id → indexes into `memberships`.
    by_unit: HashMap<UnitId, Vec<usize>>,
    /// tribe id → indexes into `units` of the units that belong to it.
    by_tribe: HashMap<UnitId, Vec<usize>>,
}

impl Snapshot {
    pub fn new(units: Vec<Unit>, memberships: Vec<Membership>, people: Vec<PersonBrief>) -> Self {
        let by_id = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let person_by_id: HashMap<PersonId, usize> =
            people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        // Someone who left the company (disabled) is no current member of anything: not in
        // team sizes, rules or rights, even before their memberships are ended.
        let left = |person: PersonId| {
            person_by_id
                .get(&person)
                .is_some_and(|i| people[*i].disabled)
        };
        let mut by_unit: HashMap<UnitId, Vec<usize>> = HashMap::new();
        for (i, m) in memberships.iter().enumerate() {
            if !left(m.person_id) {
                by_unit.entry(m.unit_id).or_default().push(i);
            }
        }
        let mut by_tribe: HashMap<UnitId, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            if let Some(t) = u.tribe_id {
                by_tribe.entry(t).or_default().push(i);
            }
        }
        Snapshot {
            units,
            memberships,
            people,
            by_id,
            person_by_id,
            by_unit,
            by_tribe,
        }
    }

    pub fn unit(&self, id: UnitId) -> Option<&Unit> {
        self.by_id.get(&id).map(|i| &self.units[*i])
    }

    pub fn person(&self, id: PersonId) -> Option<&PersonBrief> {
        self.person_by_id.get(&id).map(|i| &self.people[*i])
    }

    pub fn of_kind(&self, kind: UnitKind) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(move |u| u.kind() == kind)
    }

    /// Units of `kind` in the tribe `tribe_id`.
    pub fn in_tribe(&self, tribe_id: UnitId, kind: UnitKind) -> impl Iterator<Item = &Unit> {
        self.by_tribe
            .get(&tribe_id)
            .into_iter()
            .flatten()
            .map(|i| &self.units[*i])
            .filter(move |u| u.kind() == kind)
    }

    /// Every unit that belongs to a tribe (its squads, chapters and trio).
    pub fn units_of_tribe(&self, tribe_id: UnitId) -> impl Iterator<Item = &Unit> {
        self.by_tribe
            .get(&tribe_id)
            .into_iter()
            .flatten()
            .map(|i| &self.units[*i])
    }

    /// The current memberships of a unit.
    pub fn memberships_of(&self, unit_id: UnitId) -> impl Iterator<Item = &Membership> {
        self.by_unit
            .get(&unit_id)
            .into_iter()
            .flatten()
            .map(|i| &self.memberships[*i])
    }

    /// Distinct people currently in a unit.
    pub fn people_in(&self, unit_id: UnitId) -> HashSet<PersonId> {
        self.memberships_of(unit_id).map(|m| m.person_id).collect()
    }

    /// Distinct people in a tribe: the tribe itself, its squads, chapters and trio.
    pub fn people_in_tribe(&self, tribe_id: UnitId) -> HashSet<PersonId> {
        let mut people = self.people_in(tribe_id);
        for i in self.by_tribe.get(&tribe_id).into_iter().flatten() {
            people.extend(self.memberships_of(self.units[*i].id).map(|m| m.person_id));
        }
        people
    }

    pub fn members_with_role(&self, unit_id: UnitId, role: Role) -> Vec<&PersonBrief> {
        self.memberships_of(unit_id)
            .filter(|m| m.role() == role)
            .filter_map(|m| self.person(m.person_id))
            .collect()
    }
}

/// One warning: which rule, about which unit or person, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub rule: &'static str,
    pub unit_id: Option<UnitId>,
    pub person_id: Option<PersonId>,
    pub message: String,
}

/// Every warning rule over the whole org.
pub fn warnings(s: &Snapshot) -> Vec<Warning> {
    let mut out = Vec::new();
    squad_warnings(s, &mut out);
    tribe_warnings(s, &mut out);
    let (squad_tribes, in_a_squad) = squads_of_people(s);
    chapter_warnings(s, &squad_tribes, &mut out);
    for p in s.people.iter().filter(|p| !p.disabled) {
        if !in_a_squad.contains(&p.id) {
            out.push(Warning {
                rule: "person-no-squad",
                unit_id: None,
                person_id: Some(p.id),
                message: format!("{} is in no squad.", p.display_name),
            });
        }
    }
    out
}

/// Squads of an unworkable size, or without a product owner.
fn squad_warnings(s: &Snapshot, out: &mut Vec<Warning>) {
    for squad in s.of_kind(UnitKind::Squad) {
        let n = s.people_in(squad.id).len();
        if !(SQUAD_MIN..=SQUAD_MAX).contains(&n) {
            out.push(Warning {
                rule: "squad-size",
                unit_id: Some(squad.id),
                person_id: None,
                message: format!(
                    "{} has {n} {}; squads work best with {SQUAD_MIN}–{SQUAD_MAX}.",
                    squad.name,
                    if n == 1 { "person" } else { "people" }
                ),
            });
        }
        if s.members_with_role(squad.id, Role::ProductOwner).is_empty() {
            out.push(Warning {
                rule: "squad-no-product-owner",
                unit_id: Some(squad.id),
                person_id: None,
                message: format!("{} has no product owner.", squad.name),
            });
        }
    }
}

/// Tribes beyond Dunbar's number.
fn tribe_warnings(s: &Snapshot, out: &mut Vec<Warning>) {
    for tribe in s.of_kind(UnitKind::Tribe) {
        let n = s.people_in_tribe(tribe.id).len();
        if n > DUNBAR {
            out.push(Warning {
                rule: "tribe-size",
                unit_id: Some(tribe.id),
                person_id: None,
                message: format!(
                    "{} has {n} people, more than {DUNBAR} (Dunbar's number): consider splitting it.",
                    tribe.name
                ),
            });
        }
    }
}

/// The tribes of the squads each person is in, and everyone who is in a squad.
fn squads_of_people(s: &Snapshot) -> (HashMap<PersonId, HashSet<UnitId>>, HashSet<PersonId>) {
    let mut squad_tribes: HashMap<PersonId, HashSet<UnitId>> = HashMap::new();
    let mut in_a_squad: HashSet<PersonId> = HashSet::new();
    for m in &s.memberships {
        if let Some(u) = s.unit(m.unit_id)
            && u.kind() == UnitKind::Squad
        {
            in_a_squad.insert(m.person_id);
            if let Some(t) = u.tribe_id {
                squad_tribes.entry(m.person_id).or_default().insert(t);
            }
        }
    }
    (squad_tribes, in_a_squad)
}

/// Chapter members who are in no squad of the chapter's tribe.
fn chapter_warnings(
    s: &Snapshot,
    squad_tribes: &HashMap<PersonId, HashSet<UnitId>>,
    out: &mut Vec<Warning>,
) {
    for chapter in s.of_kind(UnitKind::Chapter) {
        let Some(tribe_id) = chapter.tribe_id else {
            continue;
        };
        let tribe_name = s
            .unit(tribe_id)
            .map(|t| t.name.as_str())
            .unwrap_or("its tribe");
        let mut members: Vec<PersonId> = s.people_in(chapter.id).into_iter().collect();
        members.sort_unstable();
        for pid in members {
            let ok = squad_tribes
                .get(&pid)
                .is_some_and(|t| t.contains(&tribe_id));
            if !ok && let Some(p) = s.person(pid) {
                out.push(Warning {
                    rule: "chapter-member-outside-tribe",
                    unit_id: Some(chapter.id),
                    person_id: Some(pid),
                    message: format!(
                        "{} is in {} but in no squad of {tribe_name}.",
                        p.display_name, chapter.name
                    ),
                });
            }
        }
    }
}

/// Warnings that concern one unit (for a tribe: also its squads and chapters).
pub fn warnings_for_unit(all: &[Warning], s: &Snapshot, unit_id: UnitId) -> Vec<Warning> {
    all.iter()
        .filter(|w| {
            w.unit_id.is_some_and(|u| {
                u == unit_id || s.unit(u).is_some_and(|u| u.tribe_id == Some(unit_id))
            })
        })
        .cloned()
        .collect()
}

pub fn warnings_for_person(all: &[Warning], person_id: PersonId) -> Vec<Warning> {
    all.iter()
        .filter(|w| w.person_id == Some(person_id))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, kind: UnitKind, tribe: Option<i64>) -> Unit {
        Unit::for_test(id, kind, tribe)
    }

    fn person(id: i64) -> PersonBrief {
        PersonBrief::for_test(id)
    }

    fn m(id: i64, person: i64, unit: i64, role: Role) -> Membership {
        Membership::for_test(id, person, unit, role)
    }

    #[test]
    fn tribe_links() {
        let tribe = unit(1, UnitKind::Tribe, None);
        let guild = unit(2, UnitKind::Guild, None);
        assert!(check_tribe_link(UnitKind::Squad, None).is_ok());
        assert!(check_tribe_link(UnitKind::Squad, Some(&tribe)).is_ok());
        assert!(
            check_tribe_link(UnitKind::Squad, Some(&guild))
                .unwrap_err()
                .contains("not a tribe")
        );
        assert!(
            check_tribe_link(UnitKind::Chapter, None)
                .unwrap_err()
                .contains("exactly one tribe")
        );
        assert!(check_tribe_link(UnitKind::Guild, Some(&tribe)).is_err());
    }

    #[test]
    fn alliances_need_two_tribes_with_trios() {
        let a = unit(1, UnitKind::Tribe, None);
        let b = unit(2, UnitKind::Tribe, None);
        assert!(check_alliance(&[(a.clone(), true)]).is_err());
        assert!(check_alliance(&[(a.clone(), true), (a.clone(), true)]).is_err());
        assert!(
            check_alliance(&[(a.clone(), true), (b.clone(), false)])
                .unwrap_err()
                .contains("no trio")
        );
        assert!(check_alliance(&[(a, true), (b, true)]).is_ok());
    }

    #[test]
    fn trio_is_three_distinct_people() {
        let trio = unit(5, UnitKind::Trio, Some(1));
        let p = |id| Person {
            id: PersonId(id),
            username: format!("p{id}"),
            display_name: format!("Person {id}"),
            email: None,
            is_admin: false,
            disabled: false,
            created_at: chrono::NaiveDateTime::default(),
        };
        let current = vec![(m(1, 10, 5, Role::TribeLead), person(10))];
        assert_eq!(
            check_membership(&trio, &p(11), Role::ProductLead, &current),
            Ok(())
        );
        assert!(matches!(
            check_membership(&trio, &p(10), Role::DesignLead, &current),
            Err(RuleError::Conflict(m)) if m.contains("three distinct people")
        ));
        assert!(matches!(
            check_membership(&trio, &p(11), Role::TribeLead, &current),
            Err(RuleError::Conflict(m)) if m.contains("already has a tribe lead")
        ));
        assert!(matches!(
            check_membership(&trio, &p(11), Role::Member, &current),
            Err(RuleError::Invalid(m)) if m.contains("its roles are")
        ));
    }

    #[test]
    fn warnings_cover_every_rule() {
        let units = vec![
            unit(1, UnitKind::Tribe, None),
            unit(2, UnitKind::Squad, Some(1)),
            unit(3, UnitKind::Chapter, Some(1)),
            unit(4, UnitKind::Squad, None),
        ];
        let people: Vec<PersonBrief> = (1..=200).map(person).collect();
        let mut ms = vec![];
        // Squad 2: 7 people with a product owner — fine.
        for pid in 1..=7 {
            let role = if pid == 1 {
                Role::ProductOwner
            } else {
                Role::Member
            };
            ms.push(m(pid, pid, 2, role));
        }
        // Squad 4: 2 people, no product owner.
        ms.push(m(100, 8, 4, Role::Member));
        ms.push(m(101, 9, 4, Role::Member));
        // Chapter 3: person 1 (in squad 2 of tribe 1, fine) and person 8 (squad 4 has no tribe).
        ms.push(m(102, 1, 3, Role::ChapterLead));
        ms.push(m(103, 8, 3, Role::Member));
        // 150 more people directly in the tribe: 159 in all.
        for pid in 10..=159 {
            ms.push(m(1000 + pid, pid, 1, Role::Member));
        }
        let s = Snapshot::new(units, ms, people);
        let w = warnings(&s);
        let rules: Vec<(&str, Option<i64>, Option<i64>)> = w
            .iter()
            .map(|w| (w.rule, w.unit_id.map(i64::from), w.person_id.map(i64::from)))
            .collect();
        assert!(rules.contains(&("squad-size", Some(4), None)));
        assert!(!rules.contains(&("squad-size", Some(2), None)));
        assert!(rules.contains(&("squad-no-product-owner", Some(4), None)));
        assert!(!rules.contains(&("squad-no-product-owner", Some(2), None)));
        assert!(rules.contains(&("tribe-size", Some(1), None)));
        assert!(rules.contains(&("chapter-member-outside-tribe", Some(3), Some(8))));
        assert!(!rules.contains(&("chapter-member-outside-tribe", Some(3), Some(1))));
        assert!(rules.contains(&("person-no-squad", None, Some(10))));
        assert!(!rules.contains(&("person-no-squad", None, Some(1))));
        let tribe_view = warnings_for_unit(&w, &s, UnitId(1));
        assert!(
            tribe_view
                .iter()
                .any(|w| w.rule == "chapter-member-outside-tribe")
        );
        assert_eq!(warnings_for_person(&w, PersonId(8)).len(), 1);
    }
}
