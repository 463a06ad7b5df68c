//! What other features read of published post-mortems: the title a lesson may show of its
//! source, and the records and ids the search index holds.

use diesel::prelude::*;

use super::super::model::Status;
use super::{KIND, get};
use crate::db::AnyConnection;
use crate::db::schema::{people, postmortem_squads, postmortems};
use crate::error::{AppError, AppResult};
use crate::ids::UnitId;
use crate::projection::{EVERYONE, Record, key};

/// The title of a published post-mortem (None: none, or not published): what a lesson may
/// name as its source and show of it.
pub fn published_title(conn: &mut AnyConnection, id: i64) -> AppResult<Option<String>> {
    Ok(postmortems::table
        .find(id)
        .filter(postmortems::status.eq(Status::Published.key()))
        .select(postmortems::title)
        .first(conn)
        .optional()?)
}

/// Ids after `after`, in order, for index rebuilds.
pub fn ids_after(conn: &mut AnyConnection, after: i64, n: i64) -> QueryResult<Vec<i64>> {
    postmortems::table
        .filter(postmortems::id.gt(after))
        .filter(postmortems::status.eq(Status::Published.key()))
        .order(postmortems::id)
        .limit(n)
        .select(postmortems::id)
        .load(conn)
}

pub fn count_published(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(postmortems::table
        .filter(postmortems::status.eq(Status::Published.key()))
        .count()
        .get_result(conn)?)
}

/// Post-mortems involving these squads (their facet paths follow the squad when it moves).
pub fn ids_of_squads(conn: &mut AnyConnection, squads: &[UnitId]) -> AppResult<Vec<i64>> {
    Ok(postmortem_squads::table
        .filter(postmortem_squads::unit_id.eq_any(squads))
        .select(postmortem_squads::postmortem_id)
        .distinct()
        .load(conn)?)
}

/// The search records of these post-mortems; drafts and reviews have none (they are
/// private, and only published post-mortems are searchable).
pub fn records(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
    let mut said = crate::comments::repo::texts(conn, crate::db::EntityKind::Postmortem, ids)?;
    let mut out = Vec::new();
    for &id in ids {
        let pm = match get(conn, id) {
            Ok(pm) => pm,
            Err(AppError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        if pm.status != Status::Published {
            continue;
        }
        let author = match pm.input.authors.first() {
            Some(a) => people::table
                .find(a)
                .select(people::username)
                .first::<String>(conn)
                .optional()?,
            None => None,
        };
        let i = &pm.input;
        out.push(Record {
            key: key(KIND, &id.to_string()),
            kind: KIND,
            title: i.title.clone(),
            body: super::super::export::plain(i) + &said.remove(&id).unwrap_or_default(),
            tags: vec![i.severity.key().to_lowercase()],
            unit_ids: i.squads.clone(),
            author,
            date: pm.published_at.unwrap_or(pm.updated_at),
            url: pm.url(),
            context: format!("{} · post-mortem", i.severity.key()),
            readers: vec![EVERYONE.into()],
        });
    }
    Ok(out)
}
