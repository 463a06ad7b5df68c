//! Who may change which part of the org: admins everything; a tribe lead their tribe and its
//! squads, chapters and trio; a unit's lead (product owner, chapter lead, coordinator) their
//! unit; and anyone may join or leave a guild themselves.

use std::collections::HashSet;

use super::unit::{Role, Unit, UnitKind};
use super::unit_repo;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::people::model::Person;

/// The editing rights of one viewer, read once per request.
#[derive(Debug, Clone, Default)]
pub struct Access {
    pub person_id: Option<PersonId>,
    pub is_admin: bool,
    /// Units the viewer currently leads.
    leads: HashSet<UnitId>,
    /// Tribes the viewer currently leads (as tribe lead of the tribe or of its trio).
    tribes: HashSet<UnitId>,
}

impl Access {
    pub fn load(conn: &mut AnyConnection, viewer: Option<&Person>) -> AppResult<Access> {
        let Some(person) = viewer else {
            return Ok(Access::default());
        };
        let today = crate::dates::today();
        let mut access = Access {
            person_id: Some(person.id),
            is_admin: person.is_admin,
            ..Access::default()
        };
        for (m, unit) in unit_repo::memberships_of_person(conn, person.id)? {
            if !m.is_current(today) || !m.role().leads() {
                continue;
            }
            access.leads.insert(unit.id);
            if m.role() == Role::TribeLead {
                match unit.kind() {
                    UnitKind::Tribe => {
                        access.tribes.insert(unit.id);
                    }
                    UnitKind::Trio => access.tribes.extend(unit.tribe_id),
                    _ => {}
                }
            }
        }
        Ok(access)
    }

    pub fn can_edit(&self, unit: &Unit) -> bool {
        self.is_admin
            || self.leads.contains(&unit.id)
            || self.tribes.contains(&unit.id)
            || unit.tribe_id.is_some_and(|t| self.tribes.contains(&t))
    }

    /// Creating a unit: admins; tribe leads inside their tribe.
    pub fn can_create(&self, kind: UnitKind, tribe_id: Option<UnitId>) -> bool {
        self.is_admin
            || (matches!(kind, UnitKind::Squad | UnitKind::Chapter | UnitKind::Trio)
                && tribe_id.is_some_and(|t| self.tribes.contains(&t)))
    }

    pub fn require_edit(&self, unit: &Unit) -> AppResult<()> {
        if self.can_edit(unit) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "Only an admin or a lead of {} (or of its tribe) may change it.",
                unit.name
            )))
        }
    }

    /// Moving a unit to another tribe (or out of one). Admins may move anything. A tribe lead
    /// may move a squad or chapter out of their own tribe, and adopt a squad that is in no
    /// tribe; a trio changes tribe only by an admin, since its tribe lead leads that tribe.
    pub fn can_move(&self, unit: &Unit, to: Option<UnitId>) -> bool {
        if self.is_admin {
            return true;
        }
        match unit.kind() {
            UnitKind::Squad | UnitKind::Chapter => match unit.tribe_id {
                Some(from) => self.tribes.contains(&from),
                None => {
                    unit.kind() == UnitKind::Squad && to.is_some_and(|t| self.tribes.contains(&t))
                }
            },
            _ => false,
        }
    }

    /// Adding or ending a membership with `role`: the unit's editors; and in a guild anyone,
    /// for themselves, as a plain member (coordinating a guild is given, not taken).
    pub fn can_change_membership_of(&self, unit: &Unit, person_id: PersonId, role: Role) -> bool {
        self.can_edit(unit)
            || (unit.kind() == UnitKind::Guild
                && self.person_id == Some(person_id)
                && role == Role::Member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, kind: UnitKind, tribe: Option<i64>) -> Unit {
        Unit::for_test(id, kind, tribe)
    }

    #[test]
    fn leads_edit_what_they_lead() {
        let tribe = unit(1, UnitKind::Tribe, None);
        let squad = unit(2, UnitKind::Squad, Some(1));
        let other_squad = unit(3, UnitKind::Squad, Some(9));
        let guild = unit(4, UnitKind::Guild, None);
        let tribe_lead = Access {
            person_id: Some(PersonId(7)),
            tribes: HashSet::from([UnitId(1)]),
            leads: HashSet::from([UnitId(1)]),
            ..Access::default()
        };
        assert!(tribe_lead.can_edit(&tribe));
        assert!(tribe_lead.can_edit(&squad));
        assert!(!tribe_lead.can_edit(&other_squad));
        assert!(tribe_lead.can_create(UnitKind::Squad, Some(UnitId(1))));
        assert!(!tribe_lead.can_create(UnitKind::Squad, Some(UnitId(9))));
        assert!(!tribe_lead.can_create(UnitKind::Tribe, None));
        let po = Access {
            person_id: Some(PersonId(8)),
            leads: HashSet::from([UnitId(2)]),
            ..Access::default()
        };
        assert!(po.can_edit(&squad));
        assert!(!po.can_edit(&tribe));
        assert!(
            po.can_change_membership_of(&guild, PersonId(8), Role::Member),
            "anyone joins a guild"
        );
        assert!(
            !po.can_change_membership_of(&guild, PersonId(9), Role::Member),
            "but not for others"
        );
        assert!(
            !po.can_change_membership_of(&guild, PersonId(8), Role::Coordinator),
            "nor makes themselves its coordinator"
        );
        let chapter = unit(5, UnitKind::Chapter, Some(1));
        let trio = unit(6, UnitKind::Trio, Some(1));
        let lonely = unit(7, UnitKind::Squad, None);
        assert!(
            tribe_lead.can_move(&squad, Some(UnitId(9))),
            "out of their tribe"
        );
        assert!(tribe_lead.can_move(&chapter, Some(UnitId(9))));
        assert!(
            !tribe_lead.can_move(&other_squad, Some(UnitId(1))),
            "not another tribe's squad"
        );
        assert!(
            tribe_lead.can_move(&lonely, Some(UnitId(1))),
            "adopt a squad in no tribe"
        );
        assert!(
            !tribe_lead.can_move(&trio, Some(UnitId(9))),
            "trios: admins only"
        );
        assert!(!po.can_move(&squad, Some(UnitId(9))));
        let admin = Access {
            is_admin: true,
            ..Access::default()
        };
        assert!(admin.can_edit(&other_squad) && admin.can_create(UnitKind::Alliance, None));
    }
}
