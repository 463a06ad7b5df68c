//! The outbox (issue 25): what happened that people may want to hear of — a lesson published,
//! a post-mortem published, someone mentioned — written by the feature in the transaction of
//! the change, through the same [`Logged`] proof as the change log, so an event exists
//! exactly when its change committed. `notify::dispatch` turns events into notifications.
//!
//! An event carries what every reader of its subject may see at the time (title, address, a
//! plain summary): that is all a notification, a mail or a chat message built from it shows.

use std::collections::BTreeSet;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{events, mentions, people, watches};
use super::{AnyConnection, EntityKind, Logged};
use crate::error::AppResult;
use crate::ids::{PersonId, UnitId};

labelled_enum! {
    /// What happened. Stored as its key.
    EventKind {
        LessonPublished = "lesson_published", "New lesson";
        PostmortemPublished = "postmortem_published", "Post-mortem published";
        ExperimentConcluded = "experiment_concluded", "Experiment concluded";
        RetroClosed = "retro_closed", "Retro closed with lessons";
        PageEdited = "page_edited", "Page edited";
        Mentioned = "mentioned", "Mentioned you";
        Commented = "commented", "New comment";
        ReviewRequested = "review_requested", "Review requested";
        ActionOverdue = "action_overdue", "Action item overdue";
        DecisionWaiting = "decision_waiting", "Decision waiting";
        FeedbackAsked = "feedback_asked", "Feedback asked";
    }
}

/// Events not yet dispatched, as `/metrics` counts them.
pub const QUEUE: super::outbox::Queue = super::outbox::Queue {
    table: "events",
    done: "dispatched_at",
    max_attempts: None,
};

/// The record an event is about, as its readers see it.
#[derive(Debug, Clone)]
pub struct Subject {
    pub kind: EntityKind,
    /// The record's id (a page's too: it keeps it through a rename).
    pub key: String,
    pub title: String,
    /// Site-relative address (`/lessons/12`).
    pub url: String,
}

impl Subject {
    /// `lesson:12`: how watches and mentions name the record.
    pub fn target(&self) -> String {
        format!("{}:{}", self.kind.key(), self.key)
    }
}

/// One thing that happened.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    pub subject: Subject,
    /// Plain text every reader may see: an experiment's outcome, a lesson's first lines.
    pub summary: String,
    /// The units the subject is filed under.
    pub units: Vec<UnitId>,
    pub tags: Vec<String>,
    /// People the event names directly (the mentioned).
    pub people: Vec<PersonId>,
    /// Whether chat may be told of it: not of the second reminder of the same overdue item.
    pub announce: bool,
}

impl Event {
    pub fn new(kind: EventKind, subject: Subject) -> Self {
        Event {
            kind,
            subject,
            summary: String::new(),
            units: Vec::new(),
            tags: Vec::new(),
            people: Vec::new(),
            announce: true,
        }
    }
}

/// An event as it was written: what the dispatcher, the inbox and the webhooks read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub subject_kind: String,
    pub subject_key: String,
    pub actor_id: Option<PersonId>,
    pub title: String,
    pub url: String,
    pub summary: String,
    pub units: String,
    pub tags: String,
    pub people: String,
    pub created_at: NaiveDateTime,
    /// Whether chat may be told of it (webhooks).
    pub announce: bool,
}

impl EventRow {
    pub fn unit_ids(&self) -> Vec<UnitId> {
        self.units
            .split_whitespace()
            .filter_map(|u| u.parse().ok())
            .collect()
    }

    pub fn person_ids(&self) -> Vec<PersonId> {
        self.people
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    pub fn tag_list(&self) -> Vec<&str> {
        self.tags.split_whitespace().collect()
    }

    /// `lesson:12`: the subject as watches name it.
    pub fn target(&self) -> String {
        format!("{}:{}", self.subject_kind, self.subject_key)
    }
}

/// Who may read a subject, for deciding whom a mention may reach.
pub enum Readers<'a> {
    Everyone,
    /// Only these people (a draft's authors and reviewers, say).
    Only(&'a [PersonId]),
}

/// Writes `event` into the outbox of the caller's logged write.
pub fn emit(conn: &mut AnyConnection, log: Logged<'_>, event: &Event) -> AppResult<()> {
    insert(conn, log.actor(), event)
}

fn insert(conn: &mut AnyConnection, actor: Option<PersonId>, event: &Event) -> AppResult<()> {
    let joined = |ids: Vec<String>| ids.join(" ");
    diesel::insert_into(events::table)
        .values((
            events::kind.eq(event.kind.key()),
            events::subject_kind.eq(event.subject.kind.key()),
            events::subject_key.eq(&event.subject.key),
            events::actor_id.eq(actor),
            events::title.eq(&event.subject.title),
            events::url.eq(&event.subject.url),
            events::summary.eq(&event.summary),
            events::units.eq(joined(event.units.iter().map(|u| u.to_string()).collect())),
            events::tags.eq(joined(event.tags.clone())),
            events::people.eq(joined(event.people.iter().map(|p| p.to_string()).collect())),
            events::created_at.eq(Utc::now().naive_utc()),
            events::announce.eq(event.announce),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes `event` for something no content write makes — a reminder that a date passed —
/// in the transaction of the bookkeeping row that says it was made (so it is made once).
pub fn emit_reminder(conn: &mut AnyConnection, event: &Event) -> AppResult<()> {
    insert(conn, None, event)
}

/// Mentions in `markdown`, the body of `subject` just saved: the people mentioned here for
/// the first time — who exist, are active, may read the subject and are not the writer — are
/// remembered and told in one event. A mention already told is not told again on the next
/// save, nor after it was taken out and put back.
///
/// `place` is what a mention is remembered by: the record's target for its body
/// (`lesson:12`), a comment's own place for a comment (`lesson:12#comment-3`).
pub fn mentions(
    conn: &mut AnyConnection,
    log: Logged<'_>,
    subject: &Subject,
    place: &str,
    markdown: &str,
    readers: Readers<'_>,
) -> AppResult<()> {
    let names = crate::markdown::mentions::mentioned(markdown);
    if names.is_empty() {
        return Ok(());
    }
    let target = place;
    let named: Vec<PersonId> = people::table
        .filter(people::username.eq_any(names.iter().collect::<Vec<_>>()))
        .filter(people::disabled.eq(false))
        .select(people::id)
        .load::<i64>(conn)?
        .into_iter()
        .map(PersonId)
        .filter(|p| Some(*p) != log.actor())
        .filter(|p| match &readers {
            Readers::Everyone => true,
            Readers::Only(some) => some.contains(p),
        })
        .collect();
    let told: BTreeSet<i64> = mentions::table
        .filter(mentions::subject.eq(target))
        .select(mentions::person_id)
        .load(conn)?
        .into_iter()
        .collect();
    let new: Vec<PersonId> = named.into_iter().filter(|p| !told.contains(&p.0)).collect();
    if new.is_empty() {
        return Ok(());
    }
    let now = Utc::now().naive_utc();
    for p in &new {
        diesel::insert_into(mentions::table)
            .values((
                mentions::subject.eq(target),
                mentions::person_id.eq(p.0),
                mentions::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    let mut event = Event::new(EventKind::Mentioned, subject.clone());
    event.people = new;
    // What was said around the mention: the first lines of the text.
    event.summary = excerpt(markdown, 280);
    emit(conn, log, &event)
}

/// After a record's text is written: its writer watches it, and the people its body
/// mentions for the first time hear of it.
pub fn written(
    conn: &mut AnyConnection,
    log: Logged<'_>,
    about: &Subject,
    body: &str,
    readers: Readers<'_>,
) -> AppResult<()> {
    watch_own(conn, log, &about.target())?;
    mentions(conn, log, about, &about.target(), body, readers)
}

/// The writer of `target` (`lesson:12`, `page:3`) watches it from now on — unless
/// they once chose to stop watching it, which stands.
pub fn watch_own(conn: &mut AnyConnection, log: Logged<'_>, target: &str) -> AppResult<()> {
    let Some(person) = log.actor() else {
        return Ok(());
    };
    let now = Utc::now().naive_utc();
    crate::per_backend!(conn, |c| diesel::insert_into(watches::table)
        .values((
            watches::person_id.eq(person.0),
            watches::target.eq(target),
            watches::watching.eq(true),
            watches::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// The first words of a Markdown text as plain text, at most `max` characters (an event's
/// summary).
pub fn excerpt(markdown: &str, max: usize) -> String {
    let text = crate::markdown::plain_text(markdown);
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// Marks every event dispatched without telling anyone: content loaded in bulk (the demo,
/// `fika seed`) is history, not news, and must not fill a hundred inboxes at once.
pub fn settle(conn: &mut AnyConnection) -> AppResult<usize> {
    Ok(
        diesel::update(events::table.filter(events::dispatched_at.is_null()))
            .set(events::dispatched_at.eq(Utc::now().naive_utc()))
            .execute(conn)?,
    )
}
