//! Queries on lessons and their revisions. Writes go through the change-log helper; an edit
//! that started from an older revision is merged three-way, or refused as a conflict.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{Lesson, LessonInput, LessonRevision};
use crate::db::changelog::{EntityKind, Op};
use crate::db::events::{self, Event, EventKind, Readers, Subject};
use crate::db::schema::{lesson_revisions, lesson_tags, lesson_units, lessons, people, units};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::unit::Unit;
use crate::revisions::merge::{OnStale, Version};
use crate::revisions::{Revisioned, Text};

pub fn lesson(conn: &mut AnyConnection, id: i64) -> AppResult<Lesson> {
    lessons::table
        .find(id)
        .select(Lesson::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The app's cache of the newest lessons, for the home page.
pub type RecentLessons = crate::db::head_cache::HeadCache<Vec<LessonSummary>>;

/// A lesson for listings, with its author's name.
#[derive(Debug, Clone, Queryable)]
pub struct LessonSummary {
    pub id: i64,
    pub title: String,
    pub source_kind: String,
    pub created_at: NaiveDateTime,
    pub author: Option<String>,
    pub author_username: Option<String>,
}

/// Filters of `/lessons`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub unit_id: Option<UnitId>,
    pub source_kind: Option<String>,
    pub tag: Option<String>,
    pub author_id: Option<PersonId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Applies a [`Filter`] to a boxed query over `lessons` (the list and its count share it).
macro_rules! filtered {
    ($q:expr, $f:expr) => {{
        let f: &Filter = $f;
        let mut q = $q.filter(lessons::deleted_at.is_null());
        if let Some(u) = f.unit_id {
            q = q.filter(
                lessons::id.eq_any(
                    lesson_units::table
                        .filter(lesson_units::unit_id.eq(u))
                        .select(lesson_units::lesson_id),
                ),
            );
        }
        if let Some(k) = &f.source_kind {
            q = q.filter(lessons::source_kind.eq(k.clone()));
        }
        if let Some(t) = &f.tag {
            q = q.filter(
                lessons::id.eq_any(
                    lesson_tags::table
                        .filter(lesson_tags::tag.eq(t.clone()))
                        .select(lesson_tags::lesson_id),
                ),
            );
        }
        if let Some(a) = f.author_id {
            q = q.filter(lessons::author_id.eq(a));
        }
        if let Some(d) = f.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            q = q.filter(lessons::created_at.ge(d));
        }
        if let Some(d) =
            f.to.and_then(|d| d.succ_opt())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        {
            q = q.filter(lessons::created_at.lt(d));
        }
        q
    }};
}

/// Live lessons, newest first, at most `limit`; with `after` (a lesson's id), those listed
/// after that lesson.
pub fn list_after(
    conn: &mut AnyConnection,
    f: &Filter,
    after: Option<i64>,
    limit: i64,
) -> AppResult<Vec<LessonSummary>> {
    let mut q = filtered!(
        lessons::table
            .left_join(people::table.on(lessons::author_id.eq(people::id.nullable())))
            .into_boxed(),
        f
    );
    if let Some(id) = after {
        let at: Option<NaiveDateTime> = lessons::table
            .find(id)
            .select(lessons::created_at)
            .first(conn)
            .optional()?;
        if let Some(at) = at {
            q = q.filter(
                lessons::created_at
                    .lt(at)
                    .or(lessons::created_at.eq(at).and(lessons::id.lt(id))),
            );
        }
    }
    Ok(q.select((
        lessons::id,
        lessons::title,
        lessons::source_kind,
        lessons::created_at,
        people::display_name.nullable(),
        people::username.nullable(),
    ))
    // The id breaks ties, so that pages of the list follow each other exactly.
    .order((lessons::created_at.desc(), lessons::id.desc()))
    .limit(limit)
    .load(conn)?)
}

/// Live lessons, newest first.
pub fn list(conn: &mut AnyConnection, f: &Filter, limit: i64) -> AppResult<Vec<LessonSummary>> {
    list_after(conn, f, None, limit)
}

/// How many live lessons the filter matches.
pub fn count(conn: &mut AnyConnection, f: &Filter) -> AppResult<i64> {
    Ok(filtered!(lessons::table.into_boxed(), f)
        .count()
        .get_result(conn)?)
}

pub fn tags_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<String>> {
    Ok(lesson_tags::table
        .filter(lesson_tags::lesson_id.eq(id))
        .order(lesson_tags::tag.asc())
        .select(lesson_tags::tag)
        .load(conn)?)
}

pub fn units_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<Unit>> {
    Ok(lesson_units::table
        .inner_join(units::table)
        .filter(lesson_units::lesson_id.eq(id))
        .order(units::name.asc())
        .select(Unit::as_select())
        .load(conn)?)
}

pub fn all_tags(conn: &mut AnyConnection) -> AppResult<Vec<(String, i64)>> {
    Ok(lesson_tags::table
        .inner_join(lessons::table)
        .filter(lessons::deleted_at.is_null())
        .group_by(lesson_tags::tag)
        .select((lesson_tags::tag, diesel::dsl::count_star()))
        .order(lesson_tags::tag.asc())
        .load(conn)?)
}

fn set_tags_units(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    id: i64,
    input: &LessonInput,
) -> AppResult<()> {
    diesel::delete(lesson_tags::table.filter(lesson_tags::lesson_id.eq(id))).execute(conn)?;
    for t in &input.tags {
        diesel::insert_into(lesson_tags::table)
            .values((lesson_tags::lesson_id.eq(id), lesson_tags::tag.eq(t)))
            .execute(conn)?;
    }
    diesel::delete(lesson_units::table.filter(lesson_units::lesson_id.eq(id))).execute(conn)?;
    for u in &input.units {
        diesel::insert_into(lesson_units::table)
            .values((lesson_units::lesson_id.eq(id), lesson_units::unit_id.eq(u)))
            .execute(conn)?;
    }
    Ok(())
}

fn add_revision(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    id: i64,
    number: i32,
    input: &LessonInput,
    author: Option<PersonId>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(lesson_revisions::table)
        .values((
            lesson_revisions::lesson_id.eq(id),
            lesson_revisions::number.eq(number),
            lesson_revisions::title.eq(&input.title),
            lesson_revisions::body.eq(&input.body),
            lesson_revisions::source_kind.eq(input.source.kind()),
            lesson_revisions::source_ref.eq(input.source.reference()),
            lesson_revisions::summary.eq(&input.summary),
            lesson_revisions::author_id.eq(author),
            lesson_revisions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn create(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    input: &LessonInput,
) -> AppResult<Lesson> {
    write_with_changes(conn, actor, |conn, log| {
        let now = Utc::now().naive_utc();
        let id: i64 = diesel::insert_into(lessons::table)
            .values((
                lessons::title.eq(&input.title),
                lessons::body.eq(&input.body),
                lessons::source_kind.eq(input.source.kind()),
                lessons::source_ref.eq(input.source.reference()),
                lessons::author_id.eq(actor),
                lessons::revision.eq(1),
                lessons::created_at.eq(now),
                lessons::updated_at.eq(now),
            ))
            // The new row itself: "the newest lesson" read back afterwards could be a
            // concurrent writer's.
            .returning(lessons::id)
            .get_result(conn)?;
        let l = lesson(conn, id)?;
        add_revision(conn, log, l.id, 1, input, actor, now)?;
        set_tags_units(conn, log, l.id, input)?;
        // Mentions first: who is named hears of that, not of a "new lesson" as well.
        events::written(conn, log, &subject(&l), &input.body, Readers::Everyone)?;
        let mut published = Event::new(EventKind::LessonPublished, subject(&l));
        published.summary = events::excerpt(&input.body, 280);
        published.units = input.units.clone();
        published.tags = input.tags.clone();
        events::emit(conn, log, &published)?;
        Ok((
            l.clone(),
            vec![Change::new(
                EntityKind::Lesson,
                l.id.to_string(),
                Op::Create,
            )],
        ))
    })
}

/// A lesson as events name it.
fn subject(l: &Lesson) -> Subject {
    Subject {
        kind: EntityKind::Lesson,
        key: l.id.to_string(),
        title: l.title.clone(),
        url: l.url(),
    }
}

/// How a lesson save went.
pub type Saved = crate::revisions::Saved<Lesson>;

/// Saves an edit that started from revision `base` (see [`crate::revisions::save`]).
pub fn save(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    base: i32,
    input: &LessonInput,
    on_stale: OnStale,
) -> AppResult<Saved> {
    crate::revisions::save::<Lesson>(conn, actor, id, base, input, on_stale)
}

impl Revisioned for Lesson {
    type Input = LessonInput;

    const DELETED_MEANWHILE: &'static str = "This lesson was deleted meanwhile.";

    fn lock(conn: &mut AnyConnection, id: i64) -> AppResult<Lesson> {
        diesel::update(lessons::table.find(id))
            .set(lessons::revision.eq(lessons::revision))
            .execute(conn)?;
        lesson(conn, id)
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
            key: "",
        }
    }

    fn text_at(conn: &mut AnyConnection, id: i64, number: i32) -> AppResult<Text> {
        let r = revision(conn, id, number)?;
        Ok((r.title, r.body, String::new()))
    }

    fn input_text(input: &LessonInput) -> Version<'_> {
        Version {
            title: &input.title,
            body: &input.body,
            key: "",
        }
    }

    fn set_text(input: &mut LessonInput, (title, body, _): Text) {
        (input.title, input.body) = (title, body);
    }

    fn summary(input: &mut LessonInput) -> &mut String {
        &mut input.summary
    }

    fn write(
        &self,
        conn: &mut AnyConnection,
        log: Logged<'_>,
        actor: Option<PersonId>,
        number: i32,
        input: &LessonInput,
        now: NaiveDateTime,
    ) -> AppResult<(Lesson, Vec<Change>)> {
        let id = self.id;
        diesel::update(lessons::table.find(id))
            .set((
                lessons::title.eq(&input.title),
                lessons::body.eq(&input.body),
                lessons::source_kind.eq(input.source.kind()),
                lessons::source_ref.eq(input.source.reference()),
                lessons::revision.eq(number),
                lessons::updated_at.eq(now),
            ))
            .execute(conn)?;
        add_revision(conn, log, id, number, input, actor, now)?;
        set_tags_units(conn, log, id, input)?;
        let saved = lesson(conn, id)?;
        events::written(conn, log, &subject(&saved), &input.body, Readers::Everyone)?;
        Ok((
            saved,
            vec![Change::new(EntityKind::Lesson, id.to_string(), Op::Update)],
        ))
    }
}

pub fn revision(conn: &mut AnyConnection, id: i64, number: i32) -> AppResult<LessonRevision> {
    lesson_revisions::table
        .filter(lesson_revisions::lesson_id.eq(id))
        .filter(lesson_revisions::number.eq(number))
        .select(LessonRevision::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn history(
    conn: &mut AnyConnection,
    id: i64,
) -> AppResult<Vec<(LessonRevision, Option<String>)>> {
    Ok(lesson_revisions::table
        .left_join(people::table.on(lesson_revisions::author_id.eq(people::id.nullable())))
        .filter(lesson_revisions::lesson_id.eq(id))
        .order(lesson_revisions::number.desc())
        .select((LessonRevision::as_select(), people::display_name.nullable()))
        .load(conn)?)
}

pub fn set_deleted(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    deleted: bool,
) -> AppResult<()> {
    write_with_changes(conn, actor, |conn, _| {
        let now = Utc::now().naive_utc();
        diesel::update(lessons::table.find(id))
            .set(lessons::deleted_at.eq(deleted.then_some(now)))
            .execute(conn)?;
        let op = if deleted { Op::Delete } else { Op::Update };
        Ok((
            (),
            vec![Change::new(EntityKind::Lesson, id.to_string(), op)],
        ))
    })
}

/// Lessons learned from a source (`experiment`, `postmortem`…): the other half of the
/// two-way link (a lesson names its source). (id, title), oldest first.
pub fn from_source(
    conn: &mut AnyConnection,
    kind: &str,
    reference: &str,
) -> AppResult<Vec<(i64, String)>> {
    Ok(lessons::table
        .filter(lessons::source_kind.eq(kind))
        .filter(lessons::source_ref.eq(reference))
        .filter(lessons::deleted_at.is_null())
        .order(lessons::created_at.asc())
        .select((lessons::id, lessons::title))
        .load(conn)?)
}
