//! The review workflow: moving between draft and review, a reviewer's verdict (an approval
//! publishes), the reviews as stored, and back-dating a publication.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::super::model::{Postmortem, Status};
use super::edit::{create_lessons, subject, told};
use crate::db::changelog::{EntityKind, Op};
use crate::db::events::{self, Event, EventKind};
use crate::db::schema::{people, postmortem_reviews, postmortems};
use crate::db::{AnyConnection, Change, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// Moves a post-mortem between draft and review.
pub fn set_status(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    from: Status,
    to: Status,
) -> AppResult<()> {
    write_with_changes(conn, actor, |c, log| {
        // Only from the status the caller saw: a review decided meanwhile (say, published)
        // must not be undone by a "take back to draft" sent from an older page.
        let n = diesel::update(
            postmortems::table
                .find(id)
                .filter(postmortems::status.eq(from.key())),
        )
        .set((
            postmortems::status.eq(to.key()),
            postmortems::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(c)?;
        if n == 0 {
            return Err(AppError::Conflict(
                "This post-mortem changed status meanwhile; reload it to see where it is.".into(),
            ));
        }
        if to == Status::Review {
            ask_for_review(c, log, id)?;
        }
        Ok((
            (),
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Status,
            )],
        ))
    })
}

labelled_enum!(
    /// What a reviewer decided.
    Verdict {
        Approved = "approved", "Approved and published";
        Changes = "changes", "Changes requested";
    }
);

/// A review as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = postmortem_reviews)]
pub struct Review {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub postmortem_id: i64,
    #[serde(skip)]
    pub reviewer_id: PersonId,
    pub verdict: String,
    pub comments: String,
    /// How many open findings the reviewer accepted.
    pub acknowledged: i32,
    pub created_at: NaiveDateTime,
}

/// Tells the people who may review a post-mortem that it waits for them: its squads'
/// members and its facilitator, not its authors or whoever made it.
fn ask_for_review(c: &mut AnyConnection, log: crate::db::Logged<'_>, id: i64) -> AppResult<()> {
    let pm = super::get(c, id)?;
    let today = crate::dates::today();
    let mut people: Vec<PersonId> = crate::org::unit_repo::current_in(c, &pm.input.squads, today)?
        .iter()
        .map(|m| m.person_id)
        .collect();
    people.extend(pm.input.facilitator);
    people.sort();
    people.dedup();
    people.retain(|p| {
        !pm.input.authors.contains(p) && Some(*p) != pm.creator_id && Some(*p) != log.actor()
    });
    let mut asked = Event::new(EventKind::ReviewRequested, subject(id, &pm.input));
    asked.summary = events::excerpt(&pm.input.summary, 280);
    asked.people = people;
    events::emit(c, log, &asked)
}

/// Records a review; an approval publishes (and makes the pending lessons Lesson records),
/// a request for changes sends the post-mortem back to draft.
pub fn review(
    conn: &mut AnyConnection,
    reviewer: PersonId,
    pm: &Postmortem,
    verdict: Verdict,
    comments: &str,
    acknowledged: i32,
) -> AppResult<()> {
    let id = pm.id;
    write_with_changes(conn, Some(reviewer), |c, log| {
        let now = Utc::now().naive_utc();
        diesel::insert_into(postmortem_reviews::table)
            .values((
                postmortem_reviews::postmortem_id.eq(id),
                postmortem_reviews::reviewer_id.eq(reviewer),
                postmortem_reviews::verdict.eq(verdict.key()),
                postmortem_reviews::comments.eq(comments.trim()),
                postmortem_reviews::acknowledged.eq(acknowledged),
                postmortem_reviews::created_at.eq(now),
            ))
            .execute(c)?;
        let mut changes = vec![Change::new(
            EntityKind::Postmortem,
            id.to_string(),
            Op::Review,
        )];
        // Only from review, and only the version that was read: a second reviewer, or an
        // edit meanwhile, finds nothing to change and the whole review rolls back.
        let current = postmortems::table
            .find(id)
            .filter(postmortems::status.eq(Status::Review.key()))
            .filter(postmortems::updated_at.eq(pm.updated_at));
        let n = match verdict {
            Verdict::Approved => {
                // The lessons are the authors': credited to the first of them.
                let author = pm.input.authors.first().copied().or(pm.creator_id);
                changes.extend(create_lessons(c, author, id, &pm.input)?);
                told(c, log, id, &pm.input, true)?;
                let mut published =
                    Event::new(EventKind::PostmortemPublished, subject(id, &pm.input));
                published.summary = events::excerpt(&pm.input.summary, 280);
                published.units = pm.input.squads.clone();
                events::emit(c, log, &published)?;
                diesel::update(current)
                    .set((
                        postmortems::status.eq(Status::Published.key()),
                        postmortems::published_at.eq(now),
                        postmortems::pending_lessons.eq("[]"),
                        postmortems::updated_at.eq(now),
                    ))
                    .execute(c)?
            }
            Verdict::Changes => diesel::update(current)
                .set((
                    postmortems::status.eq(Status::Draft.key()),
                    postmortems::updated_at.eq(now),
                ))
                .execute(c)?,
        };
        if n != 1 {
            return Err(AppError::Conflict(
                "This post-mortem changed while you were reviewing it; read it again.".into(),
            ));
        }
        Ok(((), changes))
    })
}

/// Back-dates a publication (the demo's post-mortems were published days after their
/// incidents, not all at the moment the demo loaded).
pub fn set_published_at(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> AppResult<()> {
    write_with_changes(conn, None, |c, _| {
        diesel::update(postmortems::table.find(id))
            .set(postmortems::published_at.eq(at))
            .execute(c)?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Update,
            )],
        ))
    })
}

/// Reviews, newest first, with the reviewer's username and name.
pub fn reviews(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<(Review, String, String)>> {
    Ok(postmortem_reviews::table
        .inner_join(people::table.on(people::id.eq(postmortem_reviews::reviewer_id)))
        .filter(postmortem_reviews::postmortem_id.eq(id))
        .order(postmortem_reviews::id.desc())
        .select((Review::as_select(), people::username, people::display_name))
        .load(conn)?)
}
