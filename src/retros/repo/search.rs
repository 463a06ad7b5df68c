//! What the search index reads of retros: closed ones only, by id and by squad, and their
//! records.

use diesel::prelude::*;

use super::{KIND, board, get};
use crate::db::AnyConnection;
use crate::db::schema::retros;
use crate::error::{AppError, AppResult};
use crate::ids::UnitId;
use crate::retros::model::Phase;

/// The ids of up to `n` closed retros after `after` (for the search rebuild).
pub fn ids_after(conn: &mut AnyConnection, after: i64, n: i64) -> QueryResult<Vec<i64>> {
    retros::table
        .filter(retros::id.gt(after))
        .filter(retros::phase.eq(Phase::Close.key()))
        .order(retros::id)
        .limit(n)
        .select(retros::id)
        .load(conn)
}

pub fn count_closed(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(retros::table
        .filter(retros::phase.eq(Phase::Close.key()))
        .count()
        .get_result(conn)?)
}

pub fn ids_of_squads(conn: &mut AnyConnection, squads: &[UnitId]) -> AppResult<Vec<i64>> {
    Ok(retros::table
        .filter(retros::squad_id.eq_any(squads))
        .filter(retros::phase.eq(Phase::Close.key()))
        .select(retros::id)
        .load(conn)?)
}

/// The search records of closed retros among `ids`: topics, cards and action items, filed
/// under the squad, by the facilitator (never a card's writer).
pub fn records(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<crate::projection::Record>> {
    use crate::projection::{EVERYONE, Record, key};
    let mut said = crate::comments::repo::texts(conn, crate::db::EntityKind::Retro, ids)?;
    let mut out = Vec::new();
    for &id in ids {
        let retro = match get(conn, id) {
            Ok(r) if r.closed() => r,
            Ok(_) | Err(AppError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        let (cards, groups, votes) = board(conn, id)?;
        let board =
            crate::retros::model::Board::of(&retro, &cards, &groups, &votes, &Default::default());
        let actions = crate::action_items::repo::of_source(conn, KIND, id)?;
        let author = crate::db::schema::people::table
            .find(retro.facilitator_id)
            .select(crate::db::schema::people::username)
            .first::<String>(conn)
            .optional()?;
        out.push(Record {
            key: key(KIND, &id.to_string()),
            kind: KIND,
            title: retro.title.clone(),
            body: crate::retros::export::plain(&board, &actions)
                + &said.remove(&id).unwrap_or_default(),
            tags: vec![retro.format.key().to_string()],
            unit_ids: vec![retro.squad_id],
            author,
            date: retro.closed_at.unwrap_or(retro.created_at),
            url: retro.url(),
            context: format!("{} · retrospective", retro.format.label()),
            readers: vec![EVERYONE.into()],
        });
    }
    Ok(out)
}
