//! Memberships: who is in which unit, current, past and planned; adding one checks the
//! membership rules, ending one keeps it as history.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;

use super::super::rules;
use super::super::unit::{Membership, Role, Unit};
use super::{PersonBrief, unit_by_id, unit_key};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{memberships, people, units};
use crate::db::{AnyConnection, Change, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::people::model::Person;

/// Memberships current on `on`.
pub fn memberships_on(conn: &mut AnyConnection, on: NaiveDate) -> AppResult<Vec<Membership>> {
    Ok(memberships::table
        .filter(memberships::start_date.le(on))
        .filter(
            memberships::end_date
                .is_null()
                .or(memberships::end_date.gt(on)),
        )
        .select(Membership::as_select())
        .load(conn)?)
}

/// The memberships of these units current on `on` (the rule of [`memberships_on`]): who is
/// in a team today, for whoever must reach its people.
pub fn current_in(
    conn: &mut AnyConnection,
    units: &[UnitId],
    on: NaiveDate,
) -> AppResult<Vec<Membership>> {
    current(conn, Some(units), None, on)
}

/// A person's memberships current on `on`.
pub fn current_of(
    conn: &mut AnyConnection,
    person: PersonId,
    on: NaiveDate,
) -> AppResult<Vec<Membership>> {
    current(conn, None, Some(person), on)
}

fn current(
    conn: &mut AnyConnection,
    units: Option<&[UnitId]>,
    person: Option<PersonId>,
    on: NaiveDate,
) -> AppResult<Vec<Membership>> {
    let mut q = memberships::table
        .filter(memberships::start_date.le(on))
        .filter(
            memberships::end_date
                .is_null()
                .or(memberships::end_date.gt(on)),
        )
        .into_boxed();
    if let Some(units) = units {
        q = q.filter(memberships::unit_id.eq_any(units.iter().map(|u| u.0).collect::<Vec<_>>()));
    }
    if let Some(p) = person {
        q = q.filter(memberships::person_id.eq(p));
    }
    Ok(q.select(Membership::as_select()).load(conn)?)
}

/// Every membership, current, past and planned.
pub fn all_memberships(conn: &mut AnyConnection) -> AppResult<Vec<Membership>> {
    Ok(memberships::table
        .order((memberships::unit_id.asc(), memberships::start_date.asc()))
        .select(Membership::as_select())
        .load(conn)?)
}

/// Every membership of a unit, current and past, with the person.
pub fn memberships_of_unit(
    conn: &mut AnyConnection,
    unit_id: UnitId,
) -> AppResult<Vec<(Membership, PersonBrief)>> {
    Ok(memberships::table
        .inner_join(people::table)
        .filter(memberships::unit_id.eq(unit_id))
        .order((people::display_name.asc(), memberships::start_date.asc()))
        .select((Membership::as_select(), PersonBrief::as_select()))
        .load(conn)?)
}

/// Every membership of a person, current and past, with the unit.
pub fn memberships_of_person(
    conn: &mut AnyConnection,
    person_id: PersonId,
) -> AppResult<Vec<(Membership, Unit)>> {
    Ok(memberships::table
        .inner_join(units::table)
        .filter(memberships::person_id.eq(person_id))
        .order((memberships::start_date.desc(), units::name.asc()))
        .select((Membership::as_select(), Unit::as_select()))
        .load(conn)?)
}

/// A membership to add.
#[derive(Debug, Clone)]
pub struct NewMembership {
    pub person_id: PersonId,
    pub unit_id: UnitId,
    pub role: Role,
    pub start_date: NaiveDate,
}

pub fn add_membership(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    new: &NewMembership,
) -> AppResult<Membership> {
    write_with_changes(conn, actor, |conn, _| {
        // The rules below read the unit's memberships: on PostgreSQL two concurrent adds must
        // not both pass them (SQLite's write lock already serialises).
        crate::db::lock_for_transaction(conn, crate::db::locks::MEMBERSHIPS)?;
        let unit = unit_by_id(conn, new.unit_id)?;
        let person: Person = people::table
            .find(new.person_id)
            .select(Person::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::validation("That person does not exist."))?;
        let current: Vec<(Membership, PersonBrief)> = memberships_of_unit(conn, unit.id)?
            .into_iter()
            .filter(|(m, _)| m.end_date.is_none_or(|e| e > new.start_date))
            .collect();
        rules::check_membership(&unit, &person, new.role, &current).map_err(|e| match e {
            rules::RuleError::Invalid(m) => AppError::Validation(m),
            rules::RuleError::Conflict(m) => AppError::Conflict(m),
        })?;
        let id: i64 = diesel::insert_into(memberships::table)
            .values((
                memberships::person_id.eq(new.person_id),
                memberships::unit_id.eq(new.unit_id),
                memberships::role.eq(new.role.as_str()),
                memberships::start_date.eq(new.start_date),
                memberships::created_at.eq(Utc::now().naive_utc()),
            ))
            .returning(memberships::id)
            .get_result(conn)?;
        let m: Membership = memberships::table
            .find(id)
            .select(Membership::as_select())
            .first(conn)?;
        Ok((
            m,
            vec![
                Change::new(EntityKind::Unit, unit_key(&unit), Op::Update),
                Change::new(EntityKind::Person, person.username, Op::Update),
            ],
        ))
    })
}

/// Ends a membership on `end` (kept as history, never deleted).
pub fn end_membership(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    membership_id: i64,
    end: NaiveDate,
) -> AppResult<Membership> {
    write_with_changes(conn, actor, |conn, _| {
        // Serialised with the other membership writes, so two ends at once see each other.
        crate::db::lock_for_transaction(conn, crate::db::locks::MEMBERSHIPS)?;
        let m: Membership = memberships::table
            .find(membership_id)
            .select(Membership::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        // History is never rewritten: a membership that has ended stays as it ended. Only a
        // planned end (in the future) may be brought forward.
        if m.end_date
            .is_some_and(|e| e <= crate::dates::today() || e <= end)
        {
            return Err(AppError::Conflict(
                "This membership has already ended.".into(),
            ));
        }
        if end < m.start_date {
            return Err(AppError::validation(format!(
                "A membership cannot end ({end}) before it started ({}).",
                m.start_date
            )));
        }
        diesel::update(memberships::table.find(membership_id))
            .set(memberships::end_date.eq(Some(end)))
            .execute(conn)?;
        let unit = unit_by_id(conn, m.unit_id)?;
        let username: String = people::table
            .find(m.person_id)
            .select(people::username)
            .first(conn)?;
        let m = Membership {
            end_date: Some(end),
            ..m
        };
        Ok((
            m,
            vec![
                Change::new(EntityKind::Unit, unit_key(&unit), Op::Update),
                Change::new(EntityKind::Person, username, Op::Update),
            ],
        ))
    })
}

pub fn membership(conn: &mut AnyConnection, id: i64) -> AppResult<Membership> {
    memberships::table
        .find(id)
        .select(Membership::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}
