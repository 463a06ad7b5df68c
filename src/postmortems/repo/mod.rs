//! Queries on post-mortems, their squads, authors, reviews and dismissed findings. Every
//! write goes through the change-log helper; only published post-mortems reach search.
//!
//! Here: the stored row, reading one post-mortem whole, and holding its row for an edit
//! (kept in this file, where the list of writes that are deliberately not logged names it).
//! Writing drafts and edits is in `edit`, the review workflow in `review`, dismissed findings
//! in `dismissals`, the list every page filters in `summaries`, and what other features read
//! of published post-mortems (search records, lesson sources) in `published`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{
    LessonDraft, Postmortem, PostmortemInput, Severity, Status, TimelineEntry, Times,
};
use crate::action_items::model::ActionItem;
use crate::action_items::repo as action_repo;
use crate::db::AnyConnection;
use crate::db::schema::{postmortem_authors, postmortem_squads, postmortems};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};

mod dismissals;
mod edit;
mod published;
mod review;
mod summaries;

pub use dismissals::{Dismissal, carry, dismiss, dismissals, normal_phrase, with_dismissals};
pub use edit::{create, update};
pub use published::{count_published, ids_after, ids_of_squads, published_title, records};
pub use review::{Review, Verdict, review, reviews, set_published_at, set_status};
pub use summaries::{Summary, all};

/// The source kind of action items and lessons from a post-mortem.
pub const KIND: &str = "postmortem";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = postmortems)]
struct Row {
    id: i64,
    title: String,
    severity: i32,
    status: String,
    facilitator_id: Option<PersonId>,
    started_at: NaiveDateTime,
    detected_at: Option<NaiveDateTime>,
    mitigated_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    summary: String,
    impact: String,
    timeline: String,
    factors: String,
    detection: String,
    went_well: String,
    went_wrong: String,
    lucky: String,
    pending_lessons: String,
    author_id: Option<PersonId>,
    published_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

pub(super) fn bad(what: &str) -> AppError {
    AppError::internal(format!("a stored post-mortem has a broken {what}"))
}

impl Row {
    fn into_postmortem(
        self,
        squads: Vec<UnitId>,
        authors: Vec<PersonId>,
        items: Vec<ActionItem>,
    ) -> AppResult<Postmortem> {
        let timeline: Vec<TimelineEntry> =
            serde_json::from_str(&self.timeline).map_err(|_| bad("timeline"))?;
        let factors: Vec<String> =
            serde_json::from_str(&self.factors).map_err(|_| bad("list of factors"))?;
        let lessons: Vec<LessonDraft> =
            serde_json::from_str(&self.pending_lessons).map_err(|_| bad("list of lessons"))?;
        Ok(Postmortem {
            id: self.id,
            status: Status::parse(&self.status).ok_or_else(|| bad("status"))?,
            input: PostmortemInput {
                title: self.title,
                severity: Severity::from_level(self.severity).ok_or_else(|| bad("severity"))?,
                squads,
                authors,
                facilitator: self.facilitator_id,
                times: Times {
                    started: Some(self.started_at),
                    detected: self.detected_at,
                    mitigated: self.mitigated_at,
                    resolved: self.resolved_at,
                },
                summary: self.summary,
                impact: self.impact,
                timeline,
                factors,
                detection: self.detection,
                went_well: self.went_well,
                went_wrong: self.went_wrong,
                lucky: self.lucky,
                lessons,
                actions: items.iter().map(ActionItem::input).collect(),
            },
            items,
            creator_id: self.author_id,
            published_at: self.published_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn squads_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<UnitId>> {
    Ok(postmortem_squads::table
        .filter(postmortem_squads::postmortem_id.eq(id))
        .order(postmortem_squads::unit_id)
        .select(postmortem_squads::unit_id)
        .load(conn)?)
}

fn authors_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<PersonId>> {
    Ok(postmortem_authors::table
        .filter(postmortem_authors::postmortem_id.eq(id))
        .order(postmortem_authors::person_id)
        .select(postmortem_authors::person_id)
        .load(conn)?)
}

pub fn get(conn: &mut AnyConnection, id: i64) -> AppResult<Postmortem> {
    let row = postmortems::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let squads = squads_of(conn, id)?;
    let authors = authors_of(conn, id)?;
    let items = action_repo::of_source(conn, KIND, id)?;
    row.into_postmortem(squads, authors, items)
}

/// Reads a post-mortem holding its row (on PostgreSQL; SQLite's write transaction is already
/// serialised) until the caller's write transaction ends, refused unless it is still in the
/// status the editor saw: a review decided while the form was open changes what an edit may
/// do (a published post-mortem stays blameless, and its pending lessons became lessons).
pub fn lock_in_status(conn: &mut AnyConnection, id: i64, seen: Status) -> AppResult<Postmortem> {
    diesel::update(postmortems::table.find(id))
        .set(postmortems::updated_at.eq(postmortems::updated_at))
        .execute(conn)?;
    let current = get(conn, id)?;
    if current.status != seen {
        return Err(AppError::Conflict(format!(
            "This post-mortem moved to “{}” while you edited it; reload it and apply your \
             change again.",
            current.status.label()
        )));
    }
    Ok(current)
}
