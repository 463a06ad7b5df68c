//! Queries on pages, revisions, links, attachments and images. Every content write goes
//! through the change-log helper; saving an edit never overwrites someone else's. The writes
//! (creating, saving through [`Revisioned`], deleting) and images are here; the reads are in
//! `read`, the wikilink index and resolver in `links`.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::changelog::{EntityKind, Op};
use crate::db::events::{self, Event, EventKind, Readers, Subject};
use crate::db::schema::{
    images, page_links, page_redirects, page_revisions, page_tags, page_units, pages,
};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::markdown;
use crate::pages::model::{Page, PageInput};
use crate::revisions::merge::{OnStale, Version};
use crate::revisions::{Revisioned, Text};

mod links;
mod read;

pub use links::{LinkIndex, PageLinks, Resolver};
pub use read::{
    Lookup, PageSummary, all_tags, backlinks, creator, find, history, list, page, revision,
    tags_of, units_of,
};

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
    author: Option<PersonId>,
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

pub fn create(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    input: &PageInput,
) -> AppResult<Page> {
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
        events::written(conn, log, &subject(&p), &input.body, Readers::Everyone)?;
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
    actor: Option<PersonId>,
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
        actor: Option<PersonId>,
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
        events::written(conn, log, &subject(&page), &input.body, Readers::Everyone)?;
        let mut edited = Event::new(EventKind::PageEdited, subject(&page));
        edited.summary = input.summary.clone();
        events::emit(conn, log, &edited)?;
        changes.push(Change::new(EntityKind::Page, page.slug.clone(), Op::Update));
        Ok((page, changes))
    }
}

/// A page as events name it.
fn subject(p: &Page) -> Subject {
    Subject {
        kind: EntityKind::Page,
        key: p.id.to_string(),
        title: p.title.clone(),
        url: p.url(),
    }
}

/// A page by id, unless it is deleted.
pub fn live_by_id(conn: &mut AnyConnection, id: i64) -> AppResult<Page> {
    pages::table
        .find(id)
        .filter(pages::deleted_at.is_null())
        .select(Page::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// A page by id, deleted or not.
fn by_id(conn: &mut AnyConnection, id: i64) -> AppResult<Page> {
    Ok(pages::table
        .find(id)
        .select(Page::as_select())
        .first(conn)?)
}

/// Soft delete (`deleted`) or undo it.
pub fn set_deleted(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
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
    actor: Option<PersonId>,
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
