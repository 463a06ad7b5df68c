//! Documents kept as revisions — wiki pages and lessons. An edit is saved against the
//! revision it started from: when the document moved on meanwhile, the edit is merged
//! three-way with what was saved since, and overlapping changes are a conflict that saves
//! nothing — never a silent overwrite. History only grows: a restore is a new revision. The
//! algorithm lives here once; each feature says how its rows are read and written
//! ([`Revisioned`]).

pub mod merge;
pub mod views;

use chrono::{NaiveDateTime, Utc};

use crate::db::{AnyConnection, Change, Logged, write_with_changes_if_any};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use merge::{OnStale, Version};

/// A document's editable text: title, body, and one short field that merges like the title
/// (a page's slug; empty for lessons).
pub type Text = (String, String, String);

/// A document that is saved as numbered revisions.
pub trait Revisioned: Sized {
    /// What an editor sends, checked.
    type Input: Clone;

    /// What the editor is told when the document was deleted while they edited it.
    const DELETED_MEANWHILE: &'static str;

    /// Locks the document's row until the transaction ends, then reads it. Locking first
    /// (a touch: an `UPDATE` that changes nothing, PostgreSQL's portable stand-in for
    /// `SELECT … FOR UPDATE`; SQLite's write is already serialised) makes two saves of one
    /// revision see each other: the second merges or conflicts instead of failing on the
    /// revision number.
    fn lock(conn: &mut AnyConnection, id: i64) -> AppResult<Self>;

    /// The revision the document is at.
    fn revision(&self) -> i32;

    fn deleted(&self) -> bool;

    /// The document's text now.
    fn text(&self) -> Version<'_>;

    /// The text of an earlier revision.
    fn text_at(conn: &mut AnyConnection, id: i64, number: i32) -> AppResult<Text>;

    /// The text of an edit.
    fn input_text(input: &Self::Input) -> Version<'_>;

    /// Puts the merged text into the edit.
    fn set_text(input: &mut Self::Input, text: Text);

    /// The edit's summary of what changed.
    fn summary(input: &mut Self::Input) -> &mut String;

    /// Writes revision `number` from `input` (the row, the revision, tags, units, links);
    /// returns the document as saved and the change-log entries to record with it.
    fn write(
        &self,
        conn: &mut AnyConnection,
        log: Logged<'_>,
        actor: Option<PersonId>,
        number: i32,
        input: &Self::Input,
        now: NaiveDateTime,
    ) -> AppResult<(Self, Vec<Change>)>;
}

/// How a save went.
pub enum Saved<D> {
    /// Saved as a new revision (`merged`: someone else's save in between was merged in).
    Ok { saved: D, merged: bool },
    /// Someone else changed the same lines since the edit's base (or the save refuses any
    /// later change): nothing was saved. `conflicted` is the body to show the editor.
    Conflict { current: D, conflicted: String },
}

/// Saves `input`, an edit of document `id` that started from revision `base`.
///
/// A conflict writes nothing and so logs nothing, hence `write_with_changes_if_any`.
pub fn save<D: Revisioned>(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    base: i32,
    input: &D::Input,
    on_stale: OnStale,
) -> AppResult<Saved<D>> {
    write_with_changes_if_any(conn, actor, |conn, log| {
        let current = D::lock(conn, id)?;
        if current.deleted() {
            return Err(AppError::Conflict(D::DELETED_MEANWHILE.into()));
        }
        let mut input = input.clone();
        let mut merged = false;
        if base != current.revision() {
            let conflicted = match on_stale {
                OnStale::Refuse => Some(D::input_text(&input).body.to_string()),
                OnStale::Merge => {
                    let (title, body, key) = D::text_at(conn, id, base)?;
                    let ancestor = Version {
                        title: &title,
                        body: &body,
                        key: &key,
                    };
                    match merge::rebase(&ancestor, &current.text(), &D::input_text(&input)) {
                        Ok(text) => {
                            D::set_text(&mut input, text);
                            merged = true;
                            None
                        }
                        Err(conflicted) => Some(conflicted),
                    }
                }
            };
            if let Some(conflicted) = conflicted {
                let conflict = Saved::Conflict {
                    current,
                    conflicted,
                };
                return Ok((conflict, vec![]));
            }
        }
        if merged && D::summary(&mut input).is_empty() {
            *D::summary(&mut input) = format!("merged with revision {}", current.revision());
        }
        let number = current.revision() + 1;
        let (saved, changes) =
            current.write(conn, log, actor, number, &input, Utc::now().naive_utc())?;
        Ok((Saved::Ok { saved, merged }, changes))
    })
}
