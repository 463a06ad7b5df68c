//! Queries on units, memberships, alliance tribes, initiatives and unit events. Every write
//! checks the enforced rules inside its transaction and goes through the change-log helper.
//! Here: finding units, people and unit events; a unit's writes are in `save.rs`, memberships
//! in `roster.rs`, an alliance's tribes and initiatives in `alliance.rs`.

use chrono::NaiveDate;
use diesel::prelude::*;

mod alliance;
mod roster;
mod save;

use super::unit::{Unit, UnitKind};
use crate::db::AnyConnection;
use crate::db::schema::{people, unit_events, unit_slug_redirects, units};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};

pub use alliance::{add_initiative, alliance_links, initiatives_of, set_initiative_stage};
pub use roster::{
    NewMembership, add_membership, all_memberships, current_in, current_of, end_membership,
    membership, memberships_of_person, memberships_of_unit, memberships_on,
};
pub use save::{UnitFields, create_unit, set_backstage_identity, update_unit};

/// The change-log key of a unit, e.g. `squad/payments`.
pub fn unit_key(unit: &Unit) -> String {
    format!("{}/{}", unit.kind, unit.slug)
}

/// A person as lists show them.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = people)]
pub struct PersonBrief {
    pub id: PersonId,
    pub username: String,
    pub display_name: String,
    pub discipline: String,
    pub title: String,
    pub disabled: bool,
}

impl PersonBrief {
    /// `p{id}`, "Person {id}", for unit tests of the rules.
    #[cfg(test)]
    pub fn for_test(id: i64) -> PersonBrief {
        PersonBrief {
            id: PersonId(id),
            username: format!("p{id}"),
            display_name: format!("Person {id}"),
            discipline: String::new(),
            title: String::new(),
            disabled: false,
        }
    }
}

/// What a slug leads to: the unit, or the unit's new address after a rename.
pub enum Lookup {
    /// Boxed: a unit is large next to an address.
    Found(Box<Unit>),
    MovedTo(String),
}

pub fn find_unit(conn: &mut AnyConnection, kind: UnitKind, slug: &str) -> AppResult<Lookup> {
    let slug = slug.to_ascii_lowercase();
    if let Some(unit) = units::table
        .filter(units::kind.eq(kind.as_str()))
        .filter(units::slug.eq(&slug))
        .select(Unit::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(Lookup::Found(Box::new(unit)));
    }
    let moved: Option<Unit> = unit_slug_redirects::table
        .inner_join(units::table.on(units::id.eq(unit_slug_redirects::unit_id)))
        .filter(unit_slug_redirects::kind.eq(kind.as_str()))
        .filter(unit_slug_redirects::old_slug.eq(&slug))
        .select(Unit::as_select())
        .first(conn)
        .optional()?;
    moved
        .map(|u| Lookup::MovedTo(u.url()))
        .ok_or(AppError::NotFound)
}

/// The unit itself; an old slug is "not found" here (callers that redirect use [`find_unit`]).
pub fn unit(conn: &mut AnyConnection, kind: UnitKind, slug: &str) -> AppResult<Unit> {
    match find_unit(conn, kind, slug)? {
        Lookup::Found(u) => Ok(*u),
        Lookup::MovedTo(_) => Err(AppError::NotFound),
    }
}

/// The unit with this slug, or the one renamed away from it.
pub fn unit_or_renamed(
    conn: &mut AnyConnection,
    kind: UnitKind,
    slug: &str,
) -> AppResult<Option<Unit>> {
    match find_unit(conn, kind, slug) {
        Ok(Lookup::Found(u)) => Ok(Some(*u)),
        Ok(Lookup::MovedTo(_)) => {
            let id: UnitId = unit_slug_redirects::table
                .filter(unit_slug_redirects::kind.eq(kind.as_str()))
                .filter(unit_slug_redirects::old_slug.eq(slug.to_ascii_lowercase()))
                .select(unit_slug_redirects::unit_id)
                .first(conn)?;
            Ok(Some(unit_by_id(conn, id)?))
        }
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn unit_by_id(conn: &mut AnyConnection, id: UnitId) -> AppResult<Unit> {
    units::table
        .find(id)
        .select(Unit::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn all_units(conn: &mut AnyConnection) -> AppResult<Vec<Unit>> {
    Ok(units::table
        .order((units::kind.asc(), units::name.asc()))
        .select(Unit::as_select())
        .load(conn)?)
}

pub fn units_of_kind(conn: &mut AnyConnection, kind: UnitKind) -> AppResult<Vec<Unit>> {
    Ok(units::table
        .filter(units::kind.eq(kind.as_str()))
        .order(units::name.asc())
        .select(Unit::as_select())
        .load(conn)?)
}

pub fn people_briefs(conn: &mut AnyConnection) -> AppResult<Vec<PersonBrief>> {
    Ok(people::table
        .order(people::display_name.asc())
        .select(PersonBrief::as_select())
        .load(conn)?)
}

/// The org as it is on `on`: every unit, the memberships current that day, every person.
pub fn snapshot(conn: &mut AnyConnection, on: NaiveDate) -> AppResult<super::rules::Snapshot> {
    Ok(super::rules::Snapshot::new(
        all_units(conn)?,
        memberships_on(conn, on)?,
        people_briefs(conn)?,
    ))
}

#[derive(Debug, Clone, Queryable)]
pub struct UnitEvent {
    pub event: String,
    pub detail: String,
    pub actor: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

pub fn events_of(conn: &mut AnyConnection, unit_id: UnitId) -> AppResult<Vec<UnitEvent>> {
    Ok(unit_events::table
        .left_join(people::table.on(unit_events::actor_id.eq(people::id.nullable())))
        .filter(unit_events::unit_id.eq(unit_id))
        .order(unit_events::id.desc())
        .select((
            unit_events::event,
            unit_events::detail,
            people::display_name.nullable(),
            unit_events::created_at,
        ))
        .load(conn)?)
}
