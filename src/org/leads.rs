//! Who leads a person: the teams they are in today, with the tribe their squads and
//! chapters belong to, and for each team the people who lead it — the squad's product
//! owner, the tribe's lead and trio and its agile coach, the chapter lead (their line
//! manager), a guild's coordinator. What a new employee asks first ("who leads me?").

use chrono::NaiveDate;

use super::rules::Snapshot;
use super::unit::{Role, Unit, UnitKind};
use super::views::{PersonRef, UnitRef};
use crate::ids::PersonId;

/// One team of a person, and who leads it.
#[derive(Debug, Clone)]
pub struct Team {
    pub unit: UnitRef,
    /// Their role in it; None for a tribe they are in through a squad or chapter.
    pub role: Option<Role>,
    pub since: Option<NaiveDate>,
    /// The squad or chapter that puts them in this tribe.
    pub through: Option<UnitRef>,
    /// (what they lead as, who), the person themselves left out.
    pub leads: Vec<(&'static str, PersonRef)>,
}

/// A person's teams today, squads first, then tribes, chapters, guilds, trios and
/// alliances, each with its leads.
pub fn teams_of(s: &Snapshot, person: PersonId) -> Vec<Team> {
    let mut teams: Vec<Team> = Vec::new();
    for m in s.memberships.iter().filter(|m| m.person_id == person) {
        let Some(unit) = s.unit(m.unit_id) else {
            continue;
        };
        if teams.iter().any(|t| t.unit.id == unit.id) {
            continue;
        }
        teams.push(Team {
            unit: UnitRef::of(unit),
            role: Some(m.role()),
            since: Some(m.start_date),
            through: None,
            leads: leads_of(s, unit, person),
        });
    }
    // The tribe a squad, chapter or trio belongs to is theirs too.
    let direct: Vec<(UnitKind, Option<_>, UnitRef)> = teams
        .iter()
        .filter_map(|t| s.unit(t.unit.id))
        .map(|u| (u.kind(), u.tribe_id, UnitRef::of(u)))
        .collect();
    for (_, tribe_id, via) in direct {
        let Some(tribe) = tribe_id.and_then(|t| s.unit(t)) else {
            continue;
        };
        if teams.iter().any(|t| t.unit.id == tribe.id) {
            continue;
        }
        teams.push(Team {
            unit: UnitRef::of(tribe),
            role: None,
            since: None,
            through: Some(via),
            leads: leads_of(s, tribe, person),
        });
    }
    let order = |t: &Team| match s.unit(t.unit.id).map(Unit::kind) {
        Some(UnitKind::Squad) => 0,
        Some(UnitKind::Tribe) => 1,
        Some(UnitKind::Chapter) => 2,
        Some(UnitKind::Guild) => 3,
        Some(UnitKind::Trio) => 4,
        _ => 5,
    };
    teams.sort_by_key(|t| (order(t), t.unit.name.clone()));
    teams
}

/// The people who lead `unit`, as a member sees them.
fn leads_of(s: &Snapshot, unit: &Unit, person: PersonId) -> Vec<(&'static str, PersonRef)> {
    let mut wanted: Vec<(&'static str, &Unit, Role)> = match unit.kind() {
        UnitKind::Squad => vec![
            ("product owner", unit, Role::ProductOwner),
            ("agile coach", unit, Role::AgileCoach),
        ],
        UnitKind::Tribe => vec![
            ("tribe lead", unit, Role::TribeLead),
            ("agile coach", unit, Role::AgileCoach),
        ],
        UnitKind::Chapter => vec![("chapter lead, line manager", unit, Role::ChapterLead)],
        UnitKind::Guild => vec![("coordinator", unit, Role::Coordinator)],
        UnitKind::Trio | UnitKind::Alliance => vec![],
    };
    if unit.kind() == UnitKind::Tribe
        && let Some(trio) = s.in_tribe(unit.id, UnitKind::Trio).next()
    {
        wanted.extend([
            ("tribe lead", trio, Role::TribeLead),
            ("product lead", trio, Role::ProductLead),
            ("design lead", trio, Role::DesignLead),
        ]);
    }
    let mut out: Vec<(&'static str, PersonRef)> = Vec::new();
    for (what, u, role) in wanted {
        for p in s.members_with_role(u.id, role) {
            if p.id != person && !out.iter().any(|(_, q)| q.username == p.username) {
                out.push((what, PersonRef::of(p)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UnitId;
    use crate::org::unit::Membership;
    use crate::org::unit_repo::PersonBrief;

    fn person(id: i64) -> PersonBrief {
        PersonBrief::for_test(id)
    }

    fn m(id: i64, person: i64, unit: i64, role: Role) -> Membership {
        Membership::for_test(id, person, unit, role)
    }

    #[test]
    fn a_squad_member_sees_the_leads_of_their_squad_tribe_and_chapter() {
        let units = vec![
            Unit::for_test(1, UnitKind::Tribe, None),
            Unit::for_test(2, UnitKind::Squad, Some(1)),
            Unit::for_test(3, UnitKind::Chapter, Some(1)),
            Unit::for_test(4, UnitKind::Trio, Some(1)),
        ];
        let people = (1..=7).map(person).collect();
        let memberships = vec![
            m(1, 1, 2, Role::Member),
            m(2, 1, 3, Role::Member),
            m(3, 2, 2, Role::ProductOwner),
            m(4, 3, 3, Role::ChapterLead),
            m(5, 4, 4, Role::TribeLead),
            m(6, 5, 4, Role::ProductLead),
            m(7, 6, 1, Role::AgileCoach),
            m(8, 7, 4, Role::DesignLead),
        ];
        let s = Snapshot::new(units, memberships, people);
        let teams = teams_of(&s, PersonId(1));
        let shown: Vec<(String, Vec<(&str, String)>)> = teams
            .iter()
            .map(|t| {
                (
                    t.unit.name.clone(),
                    t.leads
                        .iter()
                        .map(|(w, p)| (*w, p.username.clone()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("Unit 2".into(), vec![("product owner", "p2".into())]),
                (
                    "Unit 1".into(),
                    vec![
                        ("agile coach", "p6".into()),
                        ("tribe lead", "p4".into()),
                        ("product lead", "p5".into()),
                        ("design lead", "p7".into()),
                    ]
                ),
                (
                    "Unit 3".into(),
                    vec![("chapter lead, line manager", "p3".into())]
                ),
            ]
        );
        assert_eq!(teams[1].through.as_ref().map(|u| u.id), Some(UnitId(2)));
        assert_eq!(teams[1].role, None);
        // A lead does not lead themselves.
        let po = teams_of(&s, PersonId(2));
        assert!(po[0].leads.is_empty());
    }
}
