//! The memberships of one imported unit: people no longer listed end, listed people get
//! their roles with the dates the group gives, and past memberships come back.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;

use super::super::EntityRef;
use super::super::plan::GroupPlan;
use super::people::{People, person};
use super::{Report, at};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::unit::{Membership, Role};
use crate::org::unit_repo::{self as repo, NewMembership, PersonBrief};

/// A membership the import adds.
struct Add {
    person_id: PersonId,
    username: String,
    role: Role,
    start: NaiveDate,
    end: Option<NaiveDate>,
    /// A past (or planned) membership from `fika.dev/memberships`, not a current one.
    history: bool,
}

/// A membership of the unit and its person, as the unit has them.
type Held = (Membership, PersonBrief);

/// What every step of one unit's memberships works with.
struct UnitMembers<'a> {
    actor: Option<PersonId>,
    g: &'a GroupPlan,
    unit_id: UnitId,
    today: NaiveDate,
    who: &'a People,
}

/// Makes a unit's memberships match the group: people no longer listed end today, listed
/// people get their roles (from the dates `fika.dev/memberships` gives, else today), and past
/// memberships it lists that fika does not know are added with their dates.
pub(super) fn apply_memberships(
    c: &mut AnyConnection,
    actor: Option<PersonId>,
    g: &GroupPlan,
    unit_id: UnitId,
    today: NaiveDate,
    who: &People,
    report: &mut Report,
) -> AppResult<()> {
    let unit = UnitMembers {
        actor,
        g,
        unit_id,
        today,
        who,
    };
    let all = repo::memberships_of_unit(c, unit_id)?;
    // Current today, planned ends included: someone leaving next month is still a member
    // (and adding them again would be refused).
    let current: Vec<&Held> = all.iter().filter(|(m, _)| m.is_current(today)).collect();
    unit.end_unlisted(c, &current, report)?;
    let mut adds: Vec<Add> = Vec::new();
    for (r, roles) in &g.members {
        adds.extend(unit.member_adds(c, r, roles, &current, report)?);
    }
    adds.extend(unit.past_adds(&all)?);
    // In the order they began, so each one meets only the memberships before it (the
    // rules see a past membership as current on the day it starts).
    adds.sort_by_key(|a| a.start);
    for a in adds {
        unit.add(c, a, report)?;
    }
    Ok(())
}

impl UnitMembers<'_> {
    /// Ends the current memberships of people the group no longer lists.
    fn end_unlisted(
        &self,
        c: &mut AnyConnection,
        current: &[&Held],
        report: &mut Report,
    ) -> AppResult<()> {
        let (g, err) = (self.g, at(&self.g.at));
        let listed = g
            .members
            .keys()
            .map(|r| Ok(person(self.who, g, r)?.0))
            .collect::<AppResult<HashSet<PersonId>>>()?;
        // Someone with a planned end is leaving anyway: that end stays as planned.
        for (m, p) in current.iter().filter(|(m, _)| m.end_date.is_none()) {
            if !listed.contains(&m.person_id) {
                repo::end_membership(c, self.actor, m.id, self.today).map_err(&err)?;
                report
                    .actions
                    .push(format!("end {} in {} {}", p.username, g.kind, g.slug));
            }
        }
        Ok(())
    }

    /// Ends the roles the group no longer gives a listed member, and returns the ones it
    /// gives that they do not have yet.
    fn member_adds(
        &self,
        c: &mut AnyConnection,
        r: &EntityRef,
        roles: &BTreeSet<Role>,
        current: &[&Held],
        report: &mut Report,
    ) -> AppResult<Vec<Add>> {
        let (g, today, err) = (self.g, self.today, at(&self.g.at));
        let (person_id, username) = person(self.who, g, r)?;
        let has: BTreeSet<Role> = current
            .iter()
            .filter(|(m, _)| m.person_id == person_id)
            .map(|(m, _)| m.role())
            .collect();
        // Roles the file names replace the ones it named before: a role it no longer gives
        // ends. A person listed without roles keeps whatever roles fika gave them.
        if !roles.is_empty() {
            for (m, p) in current
                .iter()
                .filter(|(m, _)| m.person_id == person_id && m.end_date.is_none())
            {
                if !roles.contains(&m.role()) {
                    repo::end_membership(c, self.actor, m.id, today).map_err(&err)?;
                    report.actions.push(format!(
                        "end {} as {} in {} {}",
                        p.username,
                        m.role(),
                        g.kind,
                        g.slug
                    ));
                }
            }
        }
        let wanted: Vec<Role> = if roles.is_empty() {
            if has.is_empty() {
                vec![g.kind.roles()[0]]
            } else {
                vec![]
            }
        } else {
            roles.iter().copied().filter(|r| !has.contains(r)).collect()
        };
        Ok(wanted
            .into_iter()
            .map(|role| {
                let dated = g
                    .dated
                    .iter()
                    .find(|d| d.user == *r && d.role == role && d.is_current(today));
                Add {
                    person_id,
                    username: username.clone(),
                    role,
                    start: dated.map_or(today, |d| d.start),
                    end: dated.and_then(|d| d.end),
                    history: false,
                }
            })
            .collect())
    }

    /// The past (and planned) memberships the group lists that fika does not know.
    fn past_adds(&self, all: &[Held]) -> AppResult<Vec<Add>> {
        let mut adds = Vec::new();
        for d in self.g.dated.iter().filter(|d| !d.is_current(self.today)) {
            let (person_id, username) = person(self.who, self.g, &d.user)?;
            let known = all.iter().any(|(m, _)| {
                m.person_id == person_id && m.role() == d.role && m.start_date == d.start
            });
            if !known {
                adds.push(Add {
                    person_id,
                    username,
                    role: d.role,
                    start: d.start,
                    end: d.end,
                    history: true,
                });
            }
        }
        Ok(adds)
    }

    /// Adds one membership (and ends it when it has an end).
    fn add(&self, c: &mut AnyConnection, a: Add, report: &mut Report) -> AppResult<()> {
        let (g, err) = (self.g, at(&self.g.at));
        let mut what = format!("{} to {} {} as {}", a.username, g.kind, g.slug, a.role);
        if a.start != self.today {
            what.push_str(&format!(" from {}", a.start));
        }
        if let Some(end) = a.end {
            what.push_str(&format!(" to {end}"));
        }
        let added = repo::add_membership(
            c,
            self.actor,
            &NewMembership {
                person_id: a.person_id,
                unit_id: self.unit_id,
                role: a.role,
                start_date: a.start,
            },
        );
        let m = match added {
            Ok(m) => m,
            // The rules refuse before anything is written, so the import goes on: a past
            // membership that clashes with what fika knows is reported, not forced in.
            Err(AppError::Conflict(why)) if a.history => {
                report
                    .skipped
                    .push(format!("membership of {what} ({}): {why}", g.at));
                return Ok(());
            }
            Err(e) => return Err(err(e)),
        };
        if let Some(end) = a.end {
            repo::end_membership(c, self.actor, m.id, end).map_err(&err)?;
        }
        report.actions.push(format!("add {what}"));
        Ok(())
    }
}
