//! What lessons give the search index: every live lesson, readable by everyone, filed under
//! its units, with where it came from as its context.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{lesson_tags, lesson_units, lessons, people};
use crate::db::{AnyConnection, EntityKind};
use crate::error::AppResult;
use crate::ids::UnitId;
use crate::projection::{ById, EVERYONE, Record, grouped, key};

/// Lessons in the index.
pub const INDEXED: ById = ById {
    kinds: &[EntityKind::Lesson],
    record_kind: "lesson",
    count,
    ids_after,
    records: records_of,
    filed_under,
};

fn count(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(lessons::table
        .filter(lessons::deleted_at.is_null())
        .count()
        .get_result(conn)?)
}

fn ids_after(conn: &mut AnyConnection, after: i64, n: i64) -> QueryResult<Vec<i64>> {
    lessons::table
        .filter(lessons::id.gt(after))
        .order(lessons::id)
        .limit(n)
        .select(lessons::id)
        .load(conn)
}

fn filed_under(conn: &mut AnyConnection, unit_ids: &[UnitId]) -> AppResult<Vec<i64>> {
    Ok(lesson_units::table
        .filter(lesson_units::unit_id.eq_any(unit_ids))
        .select(lesson_units::lesson_id)
        .distinct()
        .load(conn)?)
}

fn records_of(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime, Option<String>)> = lessons::table
        .left_join(people::table.on(lessons::author_id.eq(people::id.nullable())))
        .filter(lessons::id.eq_any(ids))
        .filter(lessons::deleted_at.is_null())
        .select((
            lessons::id,
            lessons::title,
            lessons::body,
            lessons::source_kind,
            lessons::created_at,
            people::username.nullable(),
        ))
        .load(conn)?;
    let mut tags = grouped(
        lesson_tags::table
            .filter(lesson_tags::lesson_id.eq_any(ids))
            .select((lesson_tags::lesson_id, lesson_tags::tag))
            .load(conn)?,
    );
    let mut unit_ids = grouped(
        lesson_units::table
            .filter(lesson_units::lesson_id.eq_any(ids))
            .select((lesson_units::lesson_id, lesson_units::unit_id))
            .load(conn)?,
    );
    let mut said = crate::comments::repo::texts(conn, EntityKind::Lesson, ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, title, body, source_kind, created, author)| {
            let context = super::model::Source::KINDS
                .iter()
                .find(|(k, _)| *k == source_kind && *k != "alone")
                .map(|(_, label)| format!("From {}", label.to_lowercase()))
                .unwrap_or_default();
            Record {
                key: key("lesson", &id.to_string()),
                kind: "lesson",
                title,
                body: crate::markdown::plain_text(&body) + &said.remove(&id).unwrap_or_default(),
                tags: tags.remove(&id).unwrap_or_default(),
                unit_ids: unit_ids.remove(&id).unwrap_or_default(),
                author,
                date: created,
                url: format!("/lessons/{id}"),
                context,
                readers: vec![EVERYONE.into()],
            }
        })
        .collect())
}
