//! Queries on units, memberships, alliance tribes, initiatives and unit events. Every write
//! checks the enforced rules inside its transaction and goes through the change-log helper.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;

use super::rules;
use super::unit::{Initiative, Membership, Role, Stage, Unit, UnitKind};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{
    alliance_tribes, initiatives, memberships, people, unit_events, unit_slug_redirects, units,
};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::people::model::Person;

/// The change-log key of a unit, e.g. `squad/payments`.
pub fn unit_key(unit: &Unit) -> String {
    format!("{}/{}", unit.kind, unit.slug)
}

/// A person as lists show them.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = people)]
pub struct PersonBrief {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub discipline: String,
    pub title: String,
    pub disabled: bool,
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
            let id: i64 = unit_slug_redirects::table
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

pub fn unit_by_id(conn: &mut AnyConnection, id: i64) -> AppResult<Unit> {
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
    unit_id: i64,
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
    person_id: i64,
) -> AppResult<Vec<(Membership, Unit)>> {
    Ok(memberships::table
        .inner_join(units::table)
        .filter(memberships::person_id.eq(person_id))
        .order((memberships::start_date.desc(), units::name.asc()))
        .select((Membership::as_select(), Unit::as_select()))
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

/// (alliance id, tribe id) pairs.
pub fn alliance_links(conn: &mut AnyConnection) -> AppResult<Vec<(i64, i64)>> {
    Ok(alliance_tribes::table
        .select((alliance_tribes::alliance_id, alliance_tribes::tribe_id))
        .load(conn)?)
}

pub fn initiatives_of(conn: &mut AnyConnection, alliance_id: i64) -> AppResult<Vec<Initiative>> {
    Ok(initiatives::table
        .filter(initiatives::alliance_id.eq(alliance_id))
        .order((initiatives::position.asc(), initiatives::id.asc()))
        .select(Initiative::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable)]
pub struct UnitEvent {
    pub event: String,
    pub detail: String,
    pub actor: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

pub fn events_of(conn: &mut AnyConnection, unit_id: i64) -> AppResult<Vec<UnitEvent>> {
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

/// The fields of a unit a form or an import sets.
#[derive(Debug, Clone, Default)]
pub struct UnitFields {
    pub slug: String,
    pub name: String,
    pub mission: String,
    pub description: String,
    pub links: String,
    pub tribe_id: Option<i64>,
    pub discipline: String,
    /// Alliances: the tribes whose trios work together.
    pub alliance_tribes: Vec<i64>,
}

fn event(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    unit_id: i64,
    actor: Option<i64>,
    event: &str,
    detail: &str,
) -> AppResult<()> {
    diesel::insert_into(unit_events::table)
        .values((
            unit_events::unit_id.eq(unit_id),
            unit_events::event.eq(event),
            unit_events::detail.eq(detail),
            unit_events::actor_id.eq(actor),
            unit_events::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Checks the rules a unit's fields must meet (DESIGN.md: enforced rules), against the
/// database as it is inside the write transaction.
fn check_unit(
    conn: &mut AnyConnection,
    kind: UnitKind,
    fields: &UnitFields,
    this: Option<i64>,
) -> AppResult<()> {
    let tribe = match fields.tribe_id {
        Some(id) => Some(
            unit_by_id(conn, id)
                .map_err(|_| AppError::validation("The tribe chosen does not exist."))?,
        ),
        None => None,
    };
    rules::check_tribe_link(kind, tribe.as_ref()).map_err(AppError::Validation)?;
    if kind == UnitKind::Chapter && fields.discipline.trim().is_empty() {
        return Err(AppError::validation(
            "A chapter gathers the people of one discipline: please name it (e.g. backend).",
        ));
    }
    if kind == UnitKind::Trio
        && let Some(tribe) = &tribe
    {
        let other: Option<String> = units::table
            .filter(units::kind.eq("trio"))
            .filter(units::tribe_id.eq(tribe.id))
            .filter(units::id.ne(this.unwrap_or(-1)))
            .select(units::name)
            .first(conn)
            .optional()?;
        if let Some(other) = other {
            return Err(AppError::Conflict(format!(
                "{} already has a trio ({other}): one trio per tribe.",
                tribe.name
            )));
        }
    }
    if kind == UnitKind::Alliance {
        let mut tribes = Vec::new();
        for id in &fields.alliance_tribes {
            let t = unit_by_id(conn, *id)?;
            let has_trio: bool = diesel::select(diesel::dsl::exists(
                units::table
                    .filter(units::kind.eq("trio"))
                    .filter(units::tribe_id.eq(t.id)),
            ))
            .get_result(conn)?;
            tribes.push((t, has_trio));
        }
        rules::check_alliance(&tribes).map_err(AppError::Validation)?;
    }
    let taken: bool = diesel::select(diesel::dsl::exists(
        units::table
            .filter(units::kind.eq(kind.as_str()))
            .filter(units::slug.eq(&fields.slug))
            .filter(units::id.ne(this.unwrap_or(-1))),
    ))
    .get_result(conn)?;
    if taken {
        return Err(AppError::Conflict(format!(
            "There is already a {kind} with the slug {:?}.",
            fields.slug
        )));
    }
    Ok(())
}

fn set_alliance_tribes(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    alliance_id: i64,
    tribes: &[i64],
) -> AppResult<()> {
    diesel::delete(alliance_tribes::table.filter(alliance_tribes::alliance_id.eq(alliance_id)))
        .execute(conn)?;
    for t in tribes {
        diesel::insert_into(alliance_tribes::table)
            .values((
                alliance_tribes::alliance_id.eq(alliance_id),
                alliance_tribes::tribe_id.eq(t),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn create_unit(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    kind: UnitKind,
    fields: &UnitFields,
) -> AppResult<Unit> {
    write_with_changes(conn, actor, |conn, log| {
        check_unit(conn, kind, fields, None)?;
        // A new unit may take a slug another unit left behind: it stops being a redirect.
        diesel::delete(
            unit_slug_redirects::table
                .filter(unit_slug_redirects::kind.eq(kind.as_str()))
                .filter(unit_slug_redirects::old_slug.eq(&fields.slug)),
        )
        .execute(conn)?;
        let now = Utc::now().naive_utc();
        diesel::insert_into(units::table)
            .values((
                units::kind.eq(kind.as_str()),
                units::slug.eq(&fields.slug),
                units::name.eq(&fields.name),
                units::mission.eq(&fields.mission),
                units::description.eq(&fields.description),
                units::links.eq(&fields.links),
                units::tribe_id.eq(fields.tribe_id),
                units::discipline.eq(&fields.discipline),
                units::created_at.eq(now),
                units::updated_at.eq(now),
            ))
            .execute(conn)?;
        let unit = unit(conn, kind, &fields.slug)?;
        if kind == UnitKind::Alliance {
            set_alliance_tribes(conn, log, unit.id, &fields.alliance_tribes)?;
        }
        event(conn, log, unit.id, actor, "created", "")?;
        let key = unit_key(&unit);
        Ok((unit, vec![Change::new(EntityKind::Unit, key, Op::Create)]))
    })
}

/// Saves new fields. A new slug leaves the old one as a redirect; a new tribe is recorded as
/// a move in the unit's history.
pub fn update_unit(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    unit_id: i64,
    fields: &UnitFields,
) -> AppResult<Unit> {
    write_with_changes(conn, actor, |conn, log| {
        let before = unit_by_id(conn, unit_id)?;
        let kind = before.kind();
        check_unit(conn, kind, fields, Some(unit_id))?;
        diesel::update(units::table.find(unit_id))
            .set((
                units::slug.eq(&fields.slug),
                units::name.eq(&fields.name),
                units::mission.eq(&fields.mission),
                units::description.eq(&fields.description),
                units::links.eq(&fields.links),
                units::tribe_id.eq(fields.tribe_id),
                units::discipline.eq(&fields.discipline),
                units::updated_at.eq(Utc::now().naive_utc()),
            ))
            .execute(conn)?;
        if kind == UnitKind::Alliance {
            set_alliance_tribes(conn, log, unit_id, &fields.alliance_tribes)?;
        }
        let mut changes = vec![];
        if before.slug != fields.slug {
            // The new slug may be one this unit had before: it stops being a redirect.
            diesel::delete(
                unit_slug_redirects::table
                    .filter(unit_slug_redirects::kind.eq(kind.as_str()))
                    .filter(unit_slug_redirects::old_slug.eq(&fields.slug)),
            )
            .execute(conn)?;
            diesel::insert_into(unit_slug_redirects::table)
                .values((
                    unit_slug_redirects::kind.eq(kind.as_str()),
                    unit_slug_redirects::old_slug.eq(&before.slug),
                    unit_slug_redirects::unit_id.eq(unit_id),
                ))
                .execute(conn)?;
            changes.push(Change::new(EntityKind::Unit, unit_key(&before), Op::Delete));
        }
        if before.name != fields.name || before.slug != fields.slug {
            let detail = format!(
                "{} ({}) → {} ({})",
                before.name, before.slug, fields.name, fields.slug
            );
            event(conn, log, unit_id, actor, "renamed", &detail)?;
        }
        if before.tribe_id != fields.tribe_id {
            let name_of = |conn: &mut AnyConnection, id: Option<i64>| -> AppResult<String> {
                Ok(match id {
                    Some(id) => unit_by_id(conn, id)?.name,
                    None => "no tribe".into(),
                })
            };
            let detail = format!(
                "{} → {}",
                name_of(conn, before.tribe_id)?,
                name_of(conn, fields.tribe_id)?
            );
            event(conn, log, unit_id, actor, "moved", &detail)?;
        }
        let after = unit_by_id(conn, unit_id)?;
        changes.push(Change::new(EntityKind::Unit, unit_key(&after), Op::Update));
        Ok((after, changes))
    })
}

/// Records what a Backstage import knew of a unit (see [`Unit::backstage_type`] and
/// [`Unit::backstage_ref`]). Kept apart from [`UnitFields`] so that saving a unit's form, which
/// knows nothing of Backstage, never clears them.
pub fn set_backstage_identity(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    unit_id: i64,
    backstage_type: &str,
    backstage_ref: &str,
) -> AppResult<Unit> {
    write_with_changes(conn, actor, |conn, _| {
        let n = diesel::update(units::table.find(unit_id))
            .set((
                units::backstage_type.eq(backstage_type),
                units::backstage_ref.eq(backstage_ref),
                units::updated_at.eq(Utc::now().naive_utc()),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        let unit = unit_by_id(conn, unit_id)?;
        let key = unit_key(&unit);
        Ok((unit, vec![Change::new(EntityKind::Unit, key, Op::Update)]))
    })
}

/// A membership to add.
#[derive(Debug, Clone)]
pub struct NewMembership {
    pub person_id: i64,
    pub unit_id: i64,
    pub role: Role,
    pub start_date: NaiveDate,
}

pub fn add_membership(
    conn: &mut AnyConnection,
    actor: Option<i64>,
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
    actor: Option<i64>,
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

pub fn add_initiative(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    alliance: &Unit,
    name: &str,
    stage: Stage,
    description: &str,
) -> AppResult<()> {
    write_with_changes(conn, actor, |conn, _| {
        let position: Option<i32> = initiatives::table
            .filter(initiatives::alliance_id.eq(alliance.id))
            .select(diesel::dsl::max(initiatives::position))
            .first(conn)?;
        diesel::insert_into(initiatives::table)
            .values((
                initiatives::alliance_id.eq(alliance.id),
                initiatives::name.eq(name),
                initiatives::stage.eq(stage.as_str()),
                initiatives::description.eq(description),
                initiatives::position.eq(position.unwrap_or(0) + 1),
            ))
            .execute(conn)?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::Unit,
                unit_key(alliance),
                Op::Update,
            )],
        ))
    })
}

pub fn set_initiative_stage(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    alliance: &Unit,
    initiative_id: i64,
    stage: Stage,
) -> AppResult<()> {
    write_with_changes(conn, actor, |conn, _| {
        let n = diesel::update(
            initiatives::table
                .filter(initiatives::id.eq(initiative_id))
                .filter(initiatives::alliance_id.eq(alliance.id)),
        )
        .set(initiatives::stage.eq(stage.as_str()))
        .execute(conn)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        Ok((
            (),
            vec![Change::new(
                EntityKind::Unit,
                unit_key(alliance),
                Op::Update,
            )],
        ))
    })
}
