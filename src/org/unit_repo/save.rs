//! Writing a unit: its fields checked against the enforced rules, its slug and tribe
//! changes kept as redirects and events, its alliance tribes, its Backstage identity.

use chrono::Utc;
use diesel::prelude::*;

use super::super::rules;
use super::super::unit::{Unit, UnitKind};
use super::{unit, unit_by_id, unit_key};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{alliance_tribes, unit_events, unit_slug_redirects, units};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};

/// The fields of a unit a form or an import sets.
#[derive(Debug, Clone, Default)]
pub struct UnitFields {
    pub slug: String,
    pub name: String,
    pub mission: String,
    pub description: String,
    pub links: String,
    pub tribe_id: Option<UnitId>,
    pub discipline: String,
    /// Alliances: the tribes whose trios work together.
    pub alliance_tribes: Vec<UnitId>,
}

fn event(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    unit_id: UnitId,
    actor: Option<PersonId>,
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
    this: Option<UnitId>,
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
            .filter(units::id.ne(this.unwrap_or(UnitId(-1))))
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
            .filter(units::id.ne(this.unwrap_or(UnitId(-1)))),
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
    alliance_id: UnitId,
    tribes: &[UnitId],
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
    actor: Option<PersonId>,
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
    actor: Option<PersonId>,
    unit_id: UnitId,
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
            let name_of = |conn: &mut AnyConnection, id: Option<UnitId>| -> AppResult<String> {
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
    actor: Option<PersonId>,
    unit_id: UnitId,
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
