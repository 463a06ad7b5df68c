//! Queries on pages, revisions, links, attachments and images. Every content write goes
//! through the change-log helper; saving an edit never overwrites someone else's.

use std::collections::HashMap;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{Page, PageInput, Revision};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{
    images, page_links, page_redirects, page_revisions, page_tags, page_units, pages, people, units,
};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::markdown::{self, Resolve};
use crate::org::unit::Unit;
use crate::revisions::merge::{OnStale, Version};
use crate::revisions::{Revisioned, Text};

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
    unit_id: Option<i64>,
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

/// The app's cache of the [`LinkIndex`], kept until the change log moves on.
pub type PageLinks = crate::db::head_cache::HeadCache<LinkIndex>;

/// Every live page's (slug, title) and every old slug, for resolving wikilinks.
pub struct LinkIndex {
    by_slug: HashMap<String, String>,
    by_title: HashMap<String, String>,
    redirects: HashMap<String, String>,
}

impl LinkIndex {
    pub fn load(conn: &mut AnyConnection) -> AppResult<LinkIndex> {
        let live: Vec<(String, String)> = pages::table
            .filter(pages::deleted_at.is_null())
            .select((pages::slug, pages::title))
            .load(conn)?;
        let redirects: Vec<(String, String)> = page_redirects::table
            .inner_join(pages::table.on(pages::id.eq(page_redirects::page_id)))
            .filter(pages::deleted_at.is_null())
            .select((page_redirects::old_slug, pages::slug))
            .load(conn)?;
        Ok(LinkIndex {
            by_title: live
                .iter()
                .map(|(s, t)| (t.to_lowercase(), s.clone()))
                .collect(),
            by_slug: live.into_iter().collect(),
            redirects: redirects.into_iter().collect(),
        })
    }

    /// The (slug, title) a wikilink target names.
    pub fn resolve(&self, target: &str) -> Option<(String, String)> {
        let t = target.trim();
        let key = t.to_lowercase();
        let slug = if self.by_slug.contains_key(&key) {
            Some(key.clone())
        } else if let Some(s) = self.by_title.get(&key) {
            Some(s.clone())
        } else {
            self.redirects.get(&key).cloned()
        }?;
        let title = self.by_slug.get(&slug)?.clone();
        Some((slug, title))
    }
}

/// Resolves wikilinks against the pages and the org.
pub struct Resolver<'a> {
    pub pages: &'a LinkIndex,
    pub org: &'a crate::org::rules::Snapshot,
}

impl Resolve for Resolver<'_> {
    fn page(&self, target: &str) -> Option<(String, String)> {
        self.pages
            .resolve(target)
            .map(|(slug, title)| (format!("/pages/{slug}"), title))
    }

    fn org(&self, kind: &str, slug: &str) -> Option<(String, String)> {
        if kind == "person" {
            return self
                .org
                .people
                .iter()
                .find(|p| p.username == slug && !p.disabled)
                .map(|p| (format!("/people/{}", p.username), p.display_name.clone()));
        }
        self.org
            .units
            .iter()
            .find(|u| u.kind == kind && u.slug == slug)
            .map(|u| (u.url(), u.name.clone()))
    }
}

fn set_links_tags_units(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    page_id: i64,
    input: &PageInput,
) -> AppResult<()> {
    let rendered = markdown::render_with(&input.body, &markdown::Unresolved);
    diesel::delete(page_links::table.filter(page_links::page_id.eq(page_id))).execute(conn)?;
    for key in markdown::link_keys(&rendered.links) {
        diesel::insert_into(page_links::table)
            .values((page_links::page_id.eq(page_id), page_links::target.eq(key)))
            .execute(conn)?;
    }
    diesel::delete(page_tags::table.filter(page_tags::page_id.eq(page_id))).execute(conn)?;
    for t in &input.tags {
        diesel::insert_into(page_tags::table)
            .values((page_tags::page_id.eq(page_id), page_tags::tag.eq(t)))
            .execute(conn)?;
    }
    diesel::delete(page_units::table.filter(page_units::page_id.eq(page_id))).execute(conn)?;
    for u in &input.units {
        diesel::insert_into(page_units::table)
            .values((page_units::page_id.eq(page_id), page_units::unit_id.eq(u)))
            .execute(conn)?;
    }
    Ok(())
}

fn slug_taken(conn: &mut AnyConnection, slug: &str, except: Option<i64>) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        pages::table
            .filter(pages::slug.eq(slug))
            .filter(pages::id.ne(except.unwrap_or(-1))),
    ))
    .get_result(conn)?)
}

fn add_revision(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    page_id: i64,
    number: i32,
    input: &PageInput,
    author: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(page_revisions::table)
        .values((
            page_revisions::page_id.eq(page_id),
            page_revisions::number.eq(number),
            page_revisions::title.eq(&input.title),
            page_revisions::slug.eq(&input.slug),
            page_revisions::body.eq(&input.body),
            page_revisions::summary.eq(&input.summary),
            page_revisions::author_id.eq(author),
            page_revisions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn create(conn: &mut AnyConnection, actor: Option<i64>, input: &PageInput) -> AppResult<Page> {
    write_with_changes(conn, actor, |conn, log| {
        let mut input = input.clone();
        let taken = |slug: &str| {
            AppError::Conflict(format!(
                "There is already a page at /pages/{slug}; choose another title or slug."
            ))
        };
        let now = Utc::now().naive_utc();
        // A typed slug that is taken is refused; one made from the title moves on to the
        // next free one. The insert yields to any page at the slug (one created at the same
        // moment too), so the unique index decides, never a check made before it.
        let (base, mut attempts) = (input.slug.clone(), 0);
        let id = loop {
            // The slug may have been an old name of another page: now it is this page's.
            diesel::delete(page_redirects::table.filter(page_redirects::old_slug.eq(&input.slug)))
                .execute(conn)?;
            let inserted: Option<i64> =
                crate::per_backend!(conn, |c| diesel::insert_into(pages::table)
                    .values((
                        pages::slug.eq(&input.slug),
                        pages::title.eq(&input.title),
                        pages::body.eq(&input.body),
                        pages::revision.eq(1),
                        pages::created_at.eq(now),
                        pages::updated_at.eq(now),
                        pages::updated_by.eq(actor),
                    ))
                    .on_conflict_do_nothing()
                    .returning(pages::id)
                    .get_result(c)
                    .optional())?;
            attempts += 1;
            match inserted {
                Some(id) => break id,
                None if input.slug_from_title && attempts < 20 => {
                    input.slug = next_free_slug(conn, &base)?;
                }
                None => return Err(taken(&input.slug)),
            }
        };
        let p: Page = by_id(conn, id)?;
        add_revision(conn, log, p.id, 1, &input, actor, now)?;
        set_links_tags_units(conn, log, p.id, &input)?;
        Ok((
            p,
            vec![Change::new(
                EntityKind::Page,
                input.slug.clone(),
                Op::Create,
            )],
        ))
    })
}

/// The first of `slug-2`, `slug-3`, … that no page has, cut to the longest slug allowed.
fn next_free_slug(conn: &mut AnyConnection, slug: &str) -> AppResult<String> {
    for n in 2.. {
        let suffix = format!("-{n}");
        let stem: String = slug
            .chars()
            .take(super::model::MAX_SLUG - suffix.len())
            .collect();
        let candidate = format!("{}{suffix}", stem.trim_end_matches('-'));
        if !slug_taken(conn, &candidate, None)? {
            return Ok(candidate);
        }
    }
    Err(AppError::internal("no free slug"))
}

/// How a page save went.
pub type Saved = crate::revisions::Saved<Page>;

/// Saves an edit that started from revision `base` (see [`crate::revisions::save`]).
pub fn save(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    page_id: i64,
    base: i32,
    input: &PageInput,
    on_stale: OnStale,
) -> AppResult<Saved> {
    crate::revisions::save::<Page>(conn, actor, page_id, base, input, on_stale)
}

impl Revisioned for Page {
    type Input = PageInput;

    const DELETED_MEANWHILE: &'static str =
        "This page was deleted while you edited it; ask an admin to restore it.";

    fn lock(conn: &mut AnyConnection, id: i64) -> AppResult<Page> {
        diesel::update(pages::table.find(id))
            .set(pages::revision.eq(pages::revision))
            .execute(conn)?;
        by_id(conn, id)
    }

    fn revision(&self) -> i32 {
        self.revision
    }

    fn deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    fn text(&self) -> Version<'_> {
        Version {
            title: &self.title,
            body: &self.body,
            key: &self.slug,
        }
    }

    fn text_at(conn: &mut AnyConnection, id: i64, number: i32) -> AppResult<Text> {
        let r = revision(conn, id, number)?;
        Ok((r.title, r.body, r.slug))
    }

    fn input_text(input: &PageInput) -> Version<'_> {
        Version {
            title: &input.title,
            body: &input.body,
            key: &input.slug,
        }
    }

    fn set_text(input: &mut PageInput, (title, body, slug): Text) {
        (input.title, input.body, input.slug) = (title, body, slug);
    }

    fn summary(input: &mut PageInput) -> &mut String {
        &mut input.summary
    }

    /// A new slug must be free; the old one keeps working as a redirect, and the change log
    /// records the old key's removal next to the new one's update.
    fn write(
        &self,
        conn: &mut AnyConnection,
        log: Logged<'_>,
        actor: Option<i64>,
        number: i32,
        input: &PageInput,
        now: NaiveDateTime,
    ) -> AppResult<(Page, Vec<Change>)> {
        let page_id = self.id;
        if input.slug != self.slug && slug_taken(conn, &input.slug, Some(page_id))? {
            return Err(AppError::Conflict(format!(
                "There is already a page at /pages/{}; choose another slug.",
                input.slug
            )));
        }
        diesel::update(pages::table.find(page_id))
            .set((
                pages::slug.eq(&input.slug),
                pages::title.eq(&input.title),
                pages::body.eq(&input.body),
                pages::revision.eq(number),
                pages::updated_at.eq(now),
                pages::updated_by.eq(actor),
            ))
            .execute(conn)?;
        let mut changes = vec![];
        if input.slug != self.slug {
            diesel::delete(page_redirects::table.filter(page_redirects::old_slug.eq(&input.slug)))
                .execute(conn)?;
            diesel::insert_into(page_redirects::table)
                .values((
                    page_redirects::old_slug.eq(&self.slug),
                    page_redirects::page_id.eq(page_id),
                ))
                .execute(conn)?;
            changes.push(Change::new(EntityKind::Page, self.slug.clone(), Op::Delete));
        }
        add_revision(conn, log, page_id, number, input, actor, now)?;
        set_links_tags_units(conn, log, page_id, input)?;
        let page: Page = by_id(conn, page_id)?;
        changes.push(Change::new(EntityKind::Page, page.slug.clone(), Op::Update));
        Ok((page, changes))
    }
}

/// A page by id, deleted or not.
fn by_id(conn: &mut AnyConnection, id: i64) -> AppResult<Page> {
    Ok(pages::table
        .find(id)
        .select(Page::as_select())
        .first(conn)?)
}

/// Who created a page (the author of its first revision).
pub fn creator(conn: &mut AnyConnection, page_id: i64) -> AppResult<Option<i64>> {
    Ok(page_revisions::table
        .filter(page_revisions::page_id.eq(page_id))
        .filter(page_revisions::number.eq(1))
        .select(page_revisions::author_id)
        .first::<Option<i64>>(conn)
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

/// Soft delete (`deleted`) or undo it.
pub fn set_deleted(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    page_id: i64,
    deleted: bool,
) -> AppResult<Page> {
    write_with_changes(conn, actor, |conn, _| {
        let now = Utc::now().naive_utc();
        diesel::update(pages::table.find(page_id))
            .set((
                pages::deleted_at.eq(deleted.then_some(now)),
                pages::deleted_by.eq(if deleted { actor } else { None }),
            ))
            .execute(conn)?;
        let p: Page = by_id(conn, page_id)?;
        let op = if deleted { Op::Delete } else { Op::Update };
        Ok((p.clone(), vec![Change::new(EntityKind::Page, p.slug, op)]))
    })
}

/// Stores an image (once per content) and returns its address.
pub fn store_image(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    sha256: &str,
    content_type: &str,
    data: &[u8],
) -> AppResult<String> {
    // The same picture uploaded twice at once is stored once: the second insert yields to the
    // first on the unique hash instead of failing.
    crate::per_backend!(conn, |c| diesel::insert_into(images::table)
        .values((
            images::sha256.eq(sha256),
            images::content_type.eq(content_type),
            images::data.eq(data),
            images::size.eq(data.len() as i64),
            images::uploaded_by.eq(actor),
            images::created_at.eq(Utc::now().naive_utc()),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(format!("/images/{sha256}"))
}

pub fn image(conn: &mut AnyConnection, sha256: &str) -> AppResult<(String, Vec<u8>)> {
    images::table
        .filter(images::sha256.eq(sha256))
        .select((images::content_type, images::data))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}
