//! Queries on retros and their boards. Every write to a board starts by moving the retro's
//! `version` on (an `UPDATE` that, on PostgreSQL, also locks the retro's row until the
//! transaction ends), so board writes to one retro never interleave: the phase read after it
//! is the phase the write happens in, and a vote counted against the limit stays counted.
//!
//! Board writes (cards, groups, votes) are not in the change log: they come at typing speed
//! and nothing else reads them until the retro closes; the version is their log. What other
//! features read — a retro's existence, its phase, its action items — is logged.
//!
//! The board's reads and writes are in `board`, the retro's action items and their review in
//! `actions`, what the search index reads in `search`.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{Format, NewRetro, Phase, Retro};
use crate::db::changelog::{EntityKind, Op};
use crate::db::events::{self, Event, EventKind, Subject};
use crate::db::schema::{lessons, retros};
use crate::db::{AnyConnection, Change, Logged, write_transaction, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};

/// The change-log kind, the action items' `source_kind` and the lessons' source kind.
pub const KIND: &str = "retro";

mod actions;
mod board;
mod search;

pub use actions::{
    action_topics, add_action, earlier_of_squad, open_items_of, review_item, reviews,
};
pub use board::{
    GroupTarget, Writer, add_card, add_vote, board, delete_card, edit_card, group_cards, has_topic,
    remove_vote, ungroup,
};
pub use search::{count_closed, ids_after, ids_of_squads, records};

#[derive(Queryable, Selectable)]
#[diesel(table_name = retros)]
struct Row {
    id: i64,
    title: String,
    squad_id: UnitId,
    facilitator_id: PersonId,
    held_on: NaiveDate,
    format: String,
    column_names: String,
    anonymous: bool,
    vote_limit: i32,
    phase: String,
    vote_salt: String,
    version: i64,
    closed_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    hide_votes: bool,
}

impl Row {
    fn retro(self) -> AppResult<Retro> {
        let bad = || AppError::internal("a retro with an unknown format, phase or columns");
        Ok(Retro {
            id: self.id,
            title: self.title,
            squad_id: self.squad_id,
            facilitator_id: self.facilitator_id,
            held_on: self.held_on,
            format: Format::parse(&self.format).ok_or_else(bad)?,
            columns: serde_json::from_str(&self.column_names).map_err(|_| bad())?,
            anonymous: self.anonymous,
            vote_limit: self.vote_limit.max(1) as u32,
            phase: Phase::parse(&self.phase).ok_or_else(bad)?,
            version: self.version,
            closed_at: self.closed_at,
            created_at: self.created_at,
            vote_salt: self.vote_salt,
            hide_votes: self.hide_votes,
        })
    }
}

pub fn get(conn: &mut AnyConnection, id: i64) -> AppResult<Retro> {
    retros::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?
        .retro()
}

/// Every retro, newest first (lists filter them in memory).
pub fn all(conn: &mut AnyConnection) -> AppResult<Vec<Retro>> {
    retros::table
        .order((retros::held_on.desc(), retros::id.desc()))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::retro)
        .collect()
}

/// The version alone: what a live page polls.
pub fn version(conn: &mut AnyConnection, id: i64) -> AppResult<i64> {
    retros::table
        .find(id)
        .select(retros::version)
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn create(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    new: &NewRetro,
) -> AppResult<Retro> {
    let now = Utc::now().naive_utc();
    let columns = serde_json::to_string(&new.columns).map_err(AppError::internal)?;
    let id = write_with_changes(conn, actor, |c, _| {
        let id: i64 = diesel::insert_into(retros::table)
            .values((
                retros::title.eq(new.title.trim()),
                retros::squad_id.eq(new.squad_id),
                retros::facilitator_id.eq(new.facilitator_id),
                retros::held_on.eq(new.held_on),
                retros::format.eq(new.format.key()),
                retros::column_names.eq(&columns),
                retros::anonymous.eq(new.anonymous),
                retros::vote_limit.eq(new.vote_limit as i32),
                retros::hide_votes.eq(new.hide_votes),
                retros::phase.eq(Phase::Review.key()),
                retros::vote_salt.eq(crate::auth::token::random_secret()),
                retros::created_at.eq(now),
                retros::updated_at.eq(now),
            ))
            .returning(retros::id)
            .get_result(c)?;
        Ok((
            id,
            vec![Change::new(EntityKind::Retro, id.to_string(), Op::Create)],
        ))
    })?;
    get(conn, id)
}

/// Opens a board write: moves the version on (locking the row on PostgreSQL) and reads the
/// retro as it is now.
fn touch(conn: &mut AnyConnection, id: i64) -> AppResult<Retro> {
    let n = diesel::update(retros::table.find(id))
        .set((
            retros::version.eq(retros::version + 1),
            retros::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    get(conn, id)
}

/// Runs a board write in one transaction, refused unless the retro (as read under the lock)
/// passes `allowed`.
pub fn board_write<T>(
    conn: &mut AnyConnection,
    id: i64,
    allowed: impl FnOnce(&Retro) -> AppResult<()>,
    f: impl FnOnce(&mut AnyConnection, &Retro) -> AppResult<T>,
) -> AppResult<T> {
    write_transaction(conn, |c| {
        let retro = touch(c, id)?;
        allowed(&retro)?;
        f(c, &retro)
    })
}

/// Moves the retro from `from` to `to`; closing wipes the vote salt, after which no vote
/// can be traced to anyone. Refused (409) when someone else moved it meanwhile.
pub fn set_phase(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    from: Phase,
    to: Phase,
) -> AppResult<Retro> {
    let now = Utc::now().naive_utc();
    write_with_changes(conn, actor, |c, log| {
        let closing = to == Phase::Close;
        let n = diesel::update(retros::table.find(id).filter(retros::phase.eq(from.key())))
            .set((
                retros::phase.eq(to.key()),
                retros::version.eq(retros::version + 1),
                retros::updated_at.eq(now),
                retros::closed_at.eq(closing.then_some(now)),
            ))
            .execute(c)?;
        if n == 0 {
            return Err(AppError::Conflict(
                "The retro moved to another phase meanwhile; here it is as it is now.".into(),
            ));
        }
        if closing {
            diesel::update(retros::table.find(id))
                .set(retros::vote_salt.eq(""))
                .execute(c)?;
            let retro = get(c, id)?;
            closed(c, log, &retro)?;
        }
        Ok((
            (),
            vec![Change::new(EntityKind::Retro, id.to_string(), Op::Update)],
        ))
    })?;
    get(conn, id)
}

/// Tells the squad and the retro's watchers that it closed, with the lessons it drew.
fn closed(c: &mut AnyConnection, log: Logged<'_>, retro: &Retro) -> AppResult<()> {
    let learned: Vec<String> = lessons::table
        .filter(lessons::source_kind.eq("retro"))
        .filter(lessons::source_ref.eq(retro.id.to_string()))
        .filter(lessons::deleted_at.is_null())
        .order(lessons::id)
        .select(lessons::title)
        .load(c)?;
    let mut event = Event::new(
        EventKind::RetroClosed,
        Subject {
            kind: EntityKind::Retro,
            key: retro.id.to_string(),
            title: retro.title.clone(),
            url: format!("/retros/{}", retro.id),
        },
    );
    event.units = vec![retro.squad_id];
    event.summary = match learned.len() {
        0 => String::new(),
        1 => format!("Lesson: {}", learned[0]),
        _ => format!("Lessons: {}", learned.join("; ")),
    };
    events::emit(c, log, &event)
}

/// The title of a retro whose cards are out (a lesson may name it as its source).
pub fn revealed_title(conn: &mut AnyConnection, id: i64) -> AppResult<Option<String>> {
    match get(conn, id) {
        Ok(r) if r.phase.revealed() => Ok(Some(r.title)),
        Ok(_) | Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
