//! The queries of promotion proposals and of the peer feedback asked on them. Each write is a
//! write to the person's record (see `repo`): it runs under their profile row's lock, so two
//! decisions on one proposal, or two proposals at once, run one after the other.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{EventKind, Status, Step};
use super::repo::{NewEvent, Who, event, now, record_write};
use crate::db::events::{self, Event, Subject};
use crate::db::schema::{step_feedback, step_profiles, step_proposals};
use crate::db::{AnyConnection, EntityKind, Logged};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = step_proposals)]
pub struct Proposal {
    pub id: i64,
    pub person_id: PersonId,
    pub from_step: String,
    pub to_step: String,
    pub evidence: String,
    pub proposed_by: PersonId,
    pub created_at: NaiveDateTime,
    pub status: String,
    pub decided_by: Option<PersonId>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: String,
}

impl Proposal {
    pub fn to(&self) -> Step {
        Step::parse(&self.to_step).unwrap_or(Step::Individual)
    }

    pub fn from(&self) -> Step {
        Step::parse(&self.from_step).unwrap_or(Step::Individual)
    }

    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Open)
    }
}

pub fn proposals_of(conn: &mut AnyConnection, person_id: PersonId) -> AppResult<Vec<Proposal>> {
    Ok(step_proposals::table
        .filter(step_proposals::person_id.eq(person_id))
        .order(step_proposals::id.desc())
        .select(Proposal::as_select())
        .load(conn)?)
}

pub fn proposal(conn: &mut AnyConnection, id: i64) -> AppResult<Proposal> {
    Ok(step_proposals::table
        .find(id)
        .select(Proposal::as_select())
        .first(conn)?)
}

/// Every open proposal (a handful): who waits for whom is decided per viewer.
pub fn open_proposals(conn: &mut AnyConnection) -> AppResult<Vec<Proposal>> {
    Ok(step_proposals::table
        .filter(step_proposals::status.eq(Status::Open.key()))
        .order(step_proposals::id.asc())
        .select(Proposal::as_select())
        .load(conn)?)
}

/// Tells people that something of a career record waits for them. The event names only
/// them and says no more than where to look: a career step is private to the person, their
/// leads and admins, and the event's words go to mail and the inbox as they are.
fn waiting(
    c: &mut AnyConnection,
    log: Logged<'_>,
    kind: events::EventKind,
    title: &str,
    url: String,
    key: i64,
    people: &[PersonId],
) -> AppResult<()> {
    if people.is_empty() {
        return Ok(());
    }
    let mut e = Event::new(
        kind,
        Subject {
            kind: EntityKind::Step,
            key: key.to_string(),
            title: title.to_string(),
            url,
        },
    );
    e.summary = "Open it in fika to read it.".into();
    e.people = people.to_vec();
    events::emit(c, log, &e)
}

/// Proposes `to` for the person; one open proposal at a time, from the step they are at.
/// `deciders`, who may decide it, hear that it waits for them.
pub fn propose(
    conn: &mut AnyConnection,
    actor: PersonId,
    who: &Who,
    to: Step,
    evidence: &str,
    deciders: &[PersonId],
) -> AppResult<i64> {
    record_write(conn, actor, who, |c, log, profile| {
        // Checked again under the lock: the step may have changed since the form was read.
        super::model::check_proposal(profile.step(), Some(to)).map_err(AppError::Conflict)?;
        let from = profile.step().ok_or(AppError::NotFound)?;
        let open: i64 = step_proposals::table
            .filter(step_proposals::person_id.eq(who.id))
            .filter(step_proposals::status.eq(Status::Open.key()))
            .count()
            .get_result(c)?;
        if open > 0 {
            return Err(AppError::Conflict(
                "There is already an open proposal: decide or withdraw it first.".into(),
            ));
        }
        let id: i64 = diesel::insert_into(step_proposals::table)
            .values((
                step_proposals::person_id.eq(who.id),
                step_proposals::from_step.eq(from.key()),
                step_proposals::to_step.eq(to.key()),
                step_proposals::evidence.eq(evidence.trim()),
                step_proposals::proposed_by.eq(actor),
                step_proposals::created_at.eq(now()),
                step_proposals::status.eq(Status::Open.key()),
            ))
            .returning(step_proposals::id)
            .get_result(c)?;
        event(
            c,
            log,
            &NewEvent {
                person_id: who.id,
                kind: EventKind::Proposed,
                step: Some(to),
                proposal_id: Some(id),
                actor,
                note: "",
            },
        )?;
        waiting(
            c,
            log,
            events::EventKind::DecisionWaiting,
            "A career step proposal",
            format!("/people/{}/steps/proposals/{id}", who.username),
            id,
            deciders,
        )?;
        Ok(id)
    })
}

/// Closes an open proposal as approved, declined or withdrawn; an approval moves the person
/// to the proposed step as of today. A proposal closed meanwhile is a conflict.
pub fn close_proposal(
    conn: &mut AnyConnection,
    actor: PersonId,
    who: &Who,
    id: i64,
    to: Status,
    note: &str,
) -> AppResult<()> {
    record_write(conn, actor, who, |c, log, profile| {
        let p = proposal(c, id)?;
        if p.person_id != who.id {
            return Err(AppError::NotFound);
        }
        if p.status() != Status::Open {
            return Err(AppError::Conflict(format!(
                "This proposal was already closed: {}.",
                p.status().label().to_lowercase()
            )));
        }
        diesel::update(step_proposals::table.find(id))
            .set((
                step_proposals::status.eq(to.key()),
                step_proposals::decided_by.eq(actor),
                step_proposals::decided_at.eq(now()),
                step_proposals::decision_note.eq(note.trim()),
            ))
            .execute(c)?;
        let kind = match to {
            Status::Approved => {
                if profile.step() != Some(p.from()) {
                    return Err(AppError::Conflict(
                        "The step changed since this proposal was made.".into(),
                    ));
                }
                diesel::update(step_profiles::table.find(who.id))
                    .set((
                        step_profiles::step.eq(p.to().key()),
                        step_profiles::step_since.eq(now().date()),
                    ))
                    .execute(c)?;
                EventKind::Approved
            }
            Status::Declined => EventKind::Declined,
            Status::Withdrawn | Status::Open => EventKind::Withdrawn,
        };
        event(
            c,
            log,
            &NewEvent {
                person_id: who.id,
                kind,
                step: Some(p.to()),
                proposal_id: Some(id),
                actor,
                note: note.trim(),
            },
        )
    })
}

// ---------------------------------------------------------------- peer feedback

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = step_feedback)]
pub struct Feedback {
    pub id: i64,
    pub proposal_id: i64,
    pub peer_id: PersonId,
    pub asked_by: PersonId,
    pub asked_at: NaiveDateTime,
    pub answer: String,
    pub answered_at: Option<NaiveDateTime>,
}

pub fn feedback_on(conn: &mut AnyConnection, proposal_id: i64) -> AppResult<Vec<Feedback>> {
    Ok(step_feedback::table
        .filter(step_feedback::proposal_id.eq(proposal_id))
        .order(step_feedback::id.asc())
        .select(Feedback::as_select())
        .load(conn)?)
}

pub fn feedback(conn: &mut AnyConnection, id: i64) -> AppResult<Feedback> {
    Ok(step_feedback::table
        .find(id)
        .select(Feedback::as_select())
        .first(conn)?)
}

/// What a peer was asked, with the proposal it is about (open proposals only).
pub fn asked_of(
    conn: &mut AnyConnection,
    peer_id: PersonId,
) -> AppResult<Vec<(Feedback, Proposal)>> {
    Ok(step_feedback::table
        .inner_join(step_proposals::table)
        .filter(step_feedback::peer_id.eq(peer_id))
        .filter(step_proposals::status.eq(Status::Open.key()))
        .order(step_feedback::id.desc())
        .select((Feedback::as_select(), Proposal::as_select()))
        .load(conn)?)
}

pub fn ask_feedback(
    conn: &mut AnyConnection,
    actor: PersonId,
    who: &Who,
    proposal_id: i64,
    peer_id: PersonId,
) -> AppResult<()> {
    record_write(conn, actor, who, |c, log, _| {
        let p = proposal(c, proposal_id)?;
        if p.person_id != who.id || p.status() != Status::Open {
            return Err(AppError::Conflict(
                "Feedback is asked on an open proposal only.".into(),
            ));
        }
        let asked: i64 = step_feedback::table
            .filter(step_feedback::proposal_id.eq(proposal_id))
            .filter(step_feedback::peer_id.eq(peer_id))
            .count()
            .get_result(c)?;
        if asked > 0 {
            return Err(AppError::Conflict(
                "That person was already asked for feedback on this proposal.".into(),
            ));
        }
        let asked: i64 = diesel::insert_into(step_feedback::table)
            .values((
                step_feedback::proposal_id.eq(proposal_id),
                step_feedback::peer_id.eq(peer_id),
                step_feedback::asked_by.eq(actor),
                step_feedback::asked_at.eq(now()),
            ))
            .returning(step_feedback::id)
            .get_result(c)?;
        waiting(
            c,
            log,
            events::EventKind::FeedbackAsked,
            "A colleague's career step proposal",
            format!("/steps/feedback/{asked}"),
            asked,
            &[peer_id],
        )?;
        event(
            c,
            log,
            &NewEvent {
                person_id: who.id,
                kind: EventKind::FeedbackAsked,
                step: None,
                proposal_id: Some(proposal_id),
                actor,
                note: "",
            },
        )
    })
}

/// The peer's answer; it may be rewritten while the proposal is open.
pub fn answer_feedback(
    conn: &mut AnyConnection,
    peer: PersonId,
    who: &Who,
    feedback_id: i64,
    answer: &str,
) -> AppResult<()> {
    record_write(conn, peer, who, |c, log, _| {
        let f = feedback(c, feedback_id)?;
        let p = proposal(c, f.proposal_id)?;
        if f.peer_id != peer || p.person_id != who.id {
            return Err(AppError::NotFound);
        }
        if p.status() != Status::Open {
            return Err(AppError::Conflict(
                "The proposal was decided meanwhile: feedback is closed.".into(),
            ));
        }
        diesel::update(step_feedback::table.find(feedback_id))
            .set((
                step_feedback::answer.eq(answer.trim()),
                step_feedback::answered_at.eq(now()),
            ))
            .execute(c)?;
        event(
            c,
            log,
            &NewEvent {
                person_id: who.id,
                kind: EventKind::FeedbackGiven,
                step: None,
                proposal_id: Some(p.id),
                actor: peer,
                note: "",
            },
        )
    })
}
