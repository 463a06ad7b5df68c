//! What wiki pages give the search index: every live page, readable by everyone, filed under its
//! units. A page is keyed by its slug, so a rename removes the old key.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{page_tags, page_units, pages, people};
use crate::db::{AnyConnection, EntityKind};
use crate::error::AppResult;
use crate::ids::UnitId;
use crate::projection::{EVERYONE, Projection, Record, Update, found_or, grouped, key};

/// Wiki pages in the index.
pub struct Indexed;

impl Projection for Indexed {
    fn kinds(&self) -> &'static [EntityKind] {
        &[EntityKind::Page]
    }

    fn for_change(
        &self,
        conn: &mut AnyConnection,
        _kind: EntityKind,
        entity_key: &str,
    ) -> AppResult<Vec<Update>> {
        // Pages are logged by slug.
        let ids: Vec<i64> = pages::table
            .filter(pages::slug.eq(entity_key))
            .select(pages::id)
            .load(conn)?;
        Ok(found_or(
            records_of(conn, &ids)?,
            vec![Update::Remove(key("page", entity_key))],
        ))
    }

    fn count(&self, conn: &mut AnyConnection) -> AppResult<u64> {
        let n: i64 = pages::table
            .filter(pages::deleted_at.is_null())
            .count()
            .get_result(conn)?;
        Ok(n.max(0) as u64)
    }

    fn ids_after(&self, conn: &mut AnyConnection, after: i64, n: i64) -> AppResult<Vec<i64>> {
        Ok(pages::table
            .filter(pages::id.gt(after))
            .order(pages::id)
            .limit(n)
            .select(pages::id)
            .load(conn)?)
    }

    fn records(&self, conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
        records_of(conn, ids)
    }

    fn filed_under(&self, conn: &mut AnyConnection, unit_ids: &[UnitId]) -> AppResult<Vec<i64>> {
        Ok(page_units::table
            .filter(page_units::unit_id.eq_any(unit_ids))
            .select(page_units::page_id)
            .distinct()
            .load(conn)?)
    }
}

fn records_of(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime, Option<String>)> = pages::table
        .left_join(people::table.on(pages::updated_by.eq(people::id.nullable())))
        .filter(pages::id.eq_any(ids))
        .filter(pages::deleted_at.is_null())
        .select((
            pages::id,
            pages::slug,
            pages::title,
            pages::body,
            pages::updated_at,
            people::username.nullable(),
        ))
        .load(conn)?;
    let mut tags = grouped(
        page_tags::table
            .filter(page_tags::page_id.eq_any(ids))
            .select((page_tags::page_id, page_tags::tag))
            .load(conn)?,
    );
    let mut unit_ids = grouped(
        page_units::table
            .filter(page_units::page_id.eq_any(ids))
            .select((page_units::page_id, page_units::unit_id))
            .load(conn)?,
    );
    let mut said = crate::comments::repo::texts(conn, EntityKind::Page, ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, title, body, updated, author)| Record {
            key: key("page", &slug),
            kind: "page",
            title,
            body: crate::markdown::plain_text(&body) + &said.remove(&id).unwrap_or_default(),
            tags: tags.remove(&id).unwrap_or_default(),
            unit_ids: unit_ids.remove(&id).unwrap_or_default(),
            author,
            date: updated,
            url: format!("/pages/{slug}"),
            context: String::new(),
            readers: vec![EVERYONE.into()],
        })
        .collect())
}
