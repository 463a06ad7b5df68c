//! What the pages share: whether a person watches something (by choice, or by default as a
//! member of a team), and the watch button every watchable page shows.

use super::model::Target;
use super::repo;
use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::state::AppState;

/// The watch button of a page: what it watches and whether the viewer does.
#[derive(Debug, Clone)]
pub struct WatchButton {
    /// The target's key (`unit:12`), sent back by the form.
    pub target: String,
    pub watching: bool,
    /// Why they watch without having chosen to ("You are in this team"), if so.
    pub by_default: Option<&'static str>,
    /// Where the form comes back to.
    pub next: String,
    /// What is watched where the page alone does not say ("their lessons" on a person's
    /// page); empty for the page's own record or team.
    pub noun: &'static str,
}

/// Whether `person` watches `target`: their choice, or else the default — their own squad,
/// tribe and chapter.
pub fn watching(
    conn: &mut AnyConnection,
    person: PersonId,
    target: &Target,
) -> AppResult<(bool, Option<&'static str>)> {
    let default = match target {
        Target::Unit(id) => repo::own_units(conn, person)?
            .contains(id)
            .then_some("You watch your own teams"),
        _ => None,
    };
    Ok(match repo::watch_choice(conn, person, &target.key())? {
        Some(choice) => (choice, None),
        None => (default.is_some(), default),
    })
}

/// The watch button for `target` on the page at `next`; none for a visitor who is not
/// signed in.
pub fn button(
    conn: &mut AnyConnection,
    person: Option<PersonId>,
    target: Target,
    next: &str,
) -> AppResult<Option<WatchButton>> {
    let Some(person) = person else {
        return Ok(None);
    };
    let (watching, by_default) = watching(conn, person, &target)?;
    let noun = match target {
        Target::Person(_) => "their lessons",
        Target::Tag(_) => "this tag",
        Target::Unit(_) | Target::Record(..) => "",
    };
    Ok(Some(WatchButton {
        noun,
        target: target.key(),
        watching,
        by_default,
        next: next.to_string(),
    }))
}

/// [`button`] in its own trip to the database, for pages that gather their parts elsewhere.
pub async fn button_for(
    state: &AppState,
    viewer: &Viewer,
    target: Target,
    next: String,
) -> AppResult<Option<WatchButton>> {
    let Some(me) = viewer.person().map(|p| p.id) else {
        return Ok(None);
    };
    state
        .db
        .run(move |c| button(c, Some(me), target, &next))
        .await
}

/// What a notification says happened, in the inbox's words ("Commented on a lesson").
pub fn what(event: &crate::db::events::EventRow) -> &'static str {
    use crate::db::EntityKind;
    use crate::db::events::EventKind;
    match EventKind::parse(&event.kind) {
        Some(EventKind::Mentioned) => match EntityKind::parse(&event.subject_kind) {
            Some(EntityKind::Page) => "Mentioned you in a page",
            Some(EntityKind::Lesson) => "Mentioned you in a lesson",
            Some(EntityKind::Postmortem) => "Mentioned you in a post-mortem",
            Some(EntityKind::Experiment) => "Mentioned you in an experiment",
            _ => "Mentioned you",
        },
        Some(EventKind::Commented) => match EntityKind::parse(&event.subject_kind) {
            Some(EntityKind::Page) => "Commented on a page",
            Some(EntityKind::Lesson) => "Commented on a lesson",
            Some(EntityKind::Postmortem) => "Commented on a post-mortem",
            Some(EntityKind::Experiment) => "Commented on an experiment",
            Some(EntityKind::Retro) => "Commented on a retro",
            _ => "New comment",
        },
        Some(EventKind::ReviewRequested) => "Review requested: a post-mortem",
        Some(EventKind::ActionOverdue) => "Action item overdue",
        Some(EventKind::DecisionWaiting) => "Decision waiting: a career step",
        Some(EventKind::FeedbackAsked) => "Feedback asked: a career step",
        Some(kind) => kind.label(),
        None => "News",
    }
}

/// Whether an inbox's `?unread=` asks for the unread ones only: any value but empty or `0`.
pub fn unread_only(unread: Option<&str>) -> bool {
    unread.is_some_and(|u| !u.is_empty() && u != "0")
}

/// Marks `person`'s notification `id` read, or all of theirs with none: how many became
/// read. Someone else's id is not found (an id already read marks none and is no error), and
/// costs a second query only then.
pub fn mark_read(conn: &mut AnyConnection, person: PersonId, id: Option<i64>) -> AppResult<usize> {
    let read = repo::mark_read(conn, person, id)?;
    match id {
        Some(id) if read == 0 && !repo::is_theirs(conn, person, id)? => Err(AppError::NotFound),
        _ => Ok(read),
    }
}
