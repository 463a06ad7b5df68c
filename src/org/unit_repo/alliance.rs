//! An alliance's tribes and initiatives: the links read, initiatives listed, added at the
//! end, moved to another stage.

use diesel::prelude::*;

use super::super::unit::{Initiative, Stage, Unit};
use super::unit_key;
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{alliance_tribes, initiatives};
use crate::db::{AnyConnection, Change, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};

/// (alliance id, tribe id) pairs.
pub fn alliance_links(conn: &mut AnyConnection) -> AppResult<Vec<(UnitId, UnitId)>> {
    Ok(alliance_tribes::table
        .select((alliance_tribes::alliance_id, alliance_tribes::tribe_id))
        .load(conn)?)
}

pub fn initiatives_of(conn: &mut AnyConnection, alliance_id: UnitId) -> AppResult<Vec<Initiative>> {
    Ok(initiatives::table
        .filter(initiatives::alliance_id.eq(alliance_id))
        .order((initiatives::position.asc(), initiatives::id.asc()))
        .select(Initiative::as_select())
        .load(conn)?)
}

pub fn add_initiative(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
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
    actor: Option<PersonId>,
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
