//! The page reads: a page by slug (or where an old slug moved to), the lists, tags, units
//! and backlinks, and the revisions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{
    page_links, page_redirects, page_revisions, page_tags, page_units, pages, people, units,
};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::unit::Unit;
use crate::pages::model::{Page, Revision};

/// What a slug leads to.
pub enum Lookup {
    Found(Page),
    MovedTo(String),
}

pub fn find(conn: &mut AnyConnection, slug: &str) -> AppResult<Lookup> {
    let slug = slug.to_ascii_lowercase();
    if let Some(p) = pages::table
        .filter(pages::slug.eq(&slug))
        .select(Page::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(Lookup::Found(p));
    }
    let moved: Option<String> = page_redirects::table
        .inner_join(pages::table.on(pages::id.eq(page_redirects::page_id)))
        .filter(page_redirects::old_slug.eq(&slug))
        .select(pages::slug)
        .first(conn)
        .optional()?;
    moved.map(Lookup::MovedTo).ok_or(AppError::NotFound)
}

/// The page itself, deleted or not; an old slug is "not found" here.
pub fn page(conn: &mut AnyConnection, slug: &str) -> AppResult<Page> {
    match find(conn, slug)? {
        Lookup::Found(p) => Ok(p),
        Lookup::MovedTo(_) => Err(AppError::NotFound),
    }
}

/// A page for listings.
#[derive(Debug, Clone, Queryable)]
pub struct PageSummary {
    pub slug: String,
    pub title: String,
    pub updated_at: NaiveDateTime,
    pub revision: i32,
}

/// Live pages, newest first, optionally attached to a unit and/or carrying a tag.
pub fn list(
    conn: &mut AnyConnection,
    unit_id: Option<UnitId>,
    tag: Option<&str>,
    limit: i64,
) -> AppResult<Vec<PageSummary>> {
    let mut q = pages::table
        .filter(pages::deleted_at.is_null())
        .select((
            pages::slug,
            pages::title,
            pages::updated_at,
            pages::revision,
        ))
        // The id breaks ties, so that pages of the list follow each other exactly.
        .order((pages::updated_at.desc(), pages::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(u) = unit_id {
        q = q.filter(
            pages::id.eq_any(
                page_units::table
                    .filter(page_units::unit_id.eq(u))
                    .select(page_units::page_id),
            ),
        );
    }
    if let Some(t) = tag {
        q = q.filter(
            pages::id.eq_any(
                page_tags::table
                    .filter(page_tags::tag.eq(t.to_lowercase()))
                    .select(page_tags::page_id),
            ),
        );
    }
    Ok(q.load(conn)?)
}

pub fn all_tags(conn: &mut AnyConnection) -> AppResult<Vec<(String, i64)>> {
    Ok(page_tags::table
        .inner_join(pages::table)
        .filter(pages::deleted_at.is_null())
        .group_by(page_tags::tag)
        .select((page_tags::tag, diesel::dsl::count_star()))
        .order(page_tags::tag.asc())
        .load(conn)?)
}

pub fn tags_of(conn: &mut AnyConnection, page_id: i64) -> AppResult<Vec<String>> {
    Ok(page_tags::table
        .filter(page_tags::page_id.eq(page_id))
        .order(page_tags::tag.asc())
        .select(page_tags::tag)
        .load(conn)?)
}

pub fn units_of(conn: &mut AnyConnection, page_id: i64) -> AppResult<Vec<Unit>> {
    Ok(page_units::table
        .inner_join(units::table)
        .filter(page_units::page_id.eq(page_id))
        .order(units::name.asc())
        .select(Unit::as_select())
        .load(conn)?)
}

/// Live pages whose links name this page: by slug, title or an old slug.
pub fn backlinks(conn: &mut AnyConnection, page: &Page) -> AppResult<Vec<PageSummary>> {
    let mut keys = vec![page.slug.clone(), page.title.to_lowercase()];
    keys.extend(
        page_redirects::table
            .filter(page_redirects::page_id.eq(page.id))
            .select(page_redirects::old_slug)
            .load::<String>(conn)?,
    );
    Ok(pages::table
        .filter(pages::deleted_at.is_null())
        .filter(pages::id.ne(page.id))
        .filter(
            pages::id.eq_any(
                page_links::table
                    .filter(page_links::target.eq_any(keys))
                    .select(page_links::page_id),
            ),
        )
        .order(pages::title.asc())
        .select((
            pages::slug,
            pages::title,
            pages::updated_at,
            pages::revision,
        ))
        .load(conn)?)
}

/// Who created a page (the author of its first revision).
pub fn creator(conn: &mut AnyConnection, page_id: i64) -> AppResult<Option<PersonId>> {
    Ok(page_revisions::table
        .filter(page_revisions::page_id.eq(page_id))
        .filter(page_revisions::number.eq(1))
        .select(page_revisions::author_id)
        .first::<Option<PersonId>>(conn)
        .optional()?
        .flatten())
}

pub fn revision(conn: &mut AnyConnection, page_id: i64, number: i32) -> AppResult<Revision> {
    page_revisions::table
        .filter(page_revisions::page_id.eq(page_id))
        .filter(page_revisions::number.eq(number))
        .select(Revision::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Every revision, newest first, with its author's name.
pub fn history(
    conn: &mut AnyConnection,
    page_id: i64,
) -> AppResult<Vec<(Revision, Option<String>)>> {
    Ok(page_revisions::table
        .left_join(people::table.on(page_revisions::author_id.eq(people::id.nullable())))
        .filter(page_revisions::page_id.eq(page_id))
        .order(page_revisions::number.desc())
        .select((Revision::as_select(), people::display_name.nullable()))
        .load(conn)?)
}
