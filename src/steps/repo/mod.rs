//! The queries of career steps. Every write to one person's record first touches their
//! profile row (creating it when missing): an `UPDATE` that, on PostgreSQL, locks the row, so
//! two writes to one record — two approvals of one proposal, two proposals at once — run one
//! after the other and the second sees the first. That opening, the history entry every write
//! adds and the people's names are here; the framework's texts and catalogue are in
//! `catalogue`, a person's record in `record`, assessments in `assessments`, the history's
//! reads in `history`.

use std::collections::HashMap;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{people, step_events, step_profiles};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::steps::model::{EventKind, Step};

mod assessments;
mod catalogue;
mod history;
mod record;

pub use assessments::{assessed, assessment, save_assessment};
pub use catalogue::{Entry, EntryInput, catalogue, save_entry, save_texts, texts};
pub use history::{Event, events_of, recent_events};
pub use record::{
    Profile, RecordInput, company_holders, first_start, first_starts, profile, profiles, roles_of,
    save_record, set_first_step, set_public,
};

/// The change-log kind of a person's career record (keyed by username): the search index
/// follows it.
pub const KIND: &str = "step";

pub(super) fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Opens a write to one person's record: creates the profile row when missing and touches
/// it (locking it on PostgreSQL), then reads it as it is now.
fn touch(conn: &mut AnyConnection, person_id: PersonId) -> AppResult<Profile> {
    let n = diesel::update(step_profiles::table.find(person_id))
        .set(step_profiles::updated_at.eq(now()))
        .execute(conn)?;
    if n == 0 {
        // Two first writes at once both find no row. The second insert fails on the key;
        // run in a savepoint, that failure leaves the transaction usable, and the update
        // below then waits for the first writer's lock.
        let inserted = conn.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::insert_into(step_profiles::table)
                .values((
                    step_profiles::person_id.eq(person_id),
                    step_profiles::public.eq(false),
                    step_profiles::updated_at.eq(now()),
                ))
                .execute(c)
        });
        match inserted {
            Ok(_)
            | Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) => return Err(e.into()),
        }
        diesel::update(step_profiles::table.find(person_id))
            .set(step_profiles::updated_at.eq(now()))
            .execute(conn)?;
    }
    profile(conn, person_id)?.ok_or(AppError::NotFound)
}

/// One entry of a record's history.
pub(super) struct NewEvent<'a> {
    pub person_id: PersonId,
    pub kind: EventKind,
    pub step: Option<Step>,
    pub proposal_id: Option<i64>,
    pub actor: PersonId,
    pub note: &'a str,
}

pub(super) fn event(conn: &mut AnyConnection, _: Logged<'_>, e: &NewEvent) -> AppResult<()> {
    diesel::insert_into(step_events::table)
        .values((
            step_events::person_id.eq(e.person_id),
            step_events::kind.eq(e.kind.key()),
            step_events::step.eq(e.step.map(Step::key)),
            step_events::proposal_id.eq(e.proposal_id),
            step_events::actor_id.eq(e.actor),
            step_events::note.eq(e.note),
            step_events::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One write to a person's record: touch it, run `f`, log the change under their username.
pub(super) fn record_write<T>(
    conn: &mut AnyConnection,
    actor: PersonId,
    who: &Who,
    f: impl for<'t> FnOnce(&mut AnyConnection, Logged<'t>, Profile) -> AppResult<T>,
) -> AppResult<T> {
    write_with_changes(conn, Some(actor), |c, log| {
        let profile = touch(c, who.id)?;
        let value = f(c, log, profile)?;
        Ok((
            value,
            vec![Change::new(
                EntityKind::Step,
                who.username.clone(),
                Op::Update,
            )],
        ))
    })
}

/// The person whose record is written.
#[derive(Debug, Clone)]
pub struct Who {
    pub id: PersonId,
    pub username: String,
}

/// Display names and usernames of these people.
pub fn names(
    conn: &mut AnyConnection,
    ids: impl IntoIterator<Item = PersonId>,
) -> AppResult<HashMap<PersonId, (String, String)>> {
    let ids: Vec<PersonId> = ids.into_iter().collect();
    let rows: Vec<(PersonId, String, String)> = people::table
        .filter(people::id.eq_any(&ids))
        .select((people::id, people::username, people::display_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(i, u, d)| (i, (u, d))).collect())
}
