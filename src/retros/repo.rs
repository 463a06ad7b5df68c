//! Queries on retros and their boards. Every write to a board starts by moving the retro's
//! `version` on (an `UPDATE` that, on PostgreSQL, also locks the retro's row until the
//! transaction ends), so board writes to one retro never interleave: the phase read after it
//! is the phase the write happens in, and a vote counted against the limit stays counted.
//!
//! Board writes (cards, groups, votes) are not in the change log: they come at typing speed
//! and nothing else reads them until the retro closes; the version is their log. What other
//! features read — a retro's existence, its phase, its action items — is logged.
//!
//! The retro's action items and their review are in `actions`, what the search index reads
//! in `search`.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{Card, Format, Group, NewRetro, Phase, Retro, Topic, Vote};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{retro_cards, retro_groups, retro_votes, retros};
use crate::db::{AnyConnection, Change, write_transaction, write_with_changes};
use crate::error::{AppError, AppResult};

/// The change-log kind, the action items' `source_kind` and the lessons' source kind.
pub const KIND: &str = "retro";

mod actions;
mod search;

pub use actions::{add_action, earlier_of_squad, open_items_of, review_item, reviews};
pub use search::{count_closed, ids_after, ids_of_squads, records};

#[derive(Queryable, Selectable)]
#[diesel(table_name = retros)]
struct Row {
    id: i64,
    title: String,
    squad_id: i64,
    facilitator_id: i64,
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

pub fn create(conn: &mut AnyConnection, actor: Option<i64>, new: &NewRetro) -> AppResult<Retro> {
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
    actor: Option<i64>,
    id: i64,
    from: Phase,
    to: Phase,
) -> AppResult<Retro> {
    let now = Utc::now().naive_utc();
    write_with_changes(conn, actor, |c, _| {
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
        }
        Ok((
            (),
            vec![Change::new(EntityKind::Retro, id.to_string(), Op::Update)],
        ))
    })?;
    get(conn, id)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = retro_cards)]
struct CardRow {
    id: i64,
    column_index: i32,
    body: String,
    author_id: Option<i64>,
    writer_key: Option<String>,
    group_id: Option<i64>,
}

/// The board: cards in writing order, groups, votes.
pub fn board(conn: &mut AnyConnection, id: i64) -> AppResult<(Vec<Card>, Vec<Group>, Vec<Vote>)> {
    let cards = retro_cards::table
        .filter(retro_cards::retro_id.eq(id))
        .order(retro_cards::id)
        .select(CardRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| Card {
            id: r.id,
            column: r.column_index.max(0) as usize,
            body: r.body,
            author_id: r.author_id,
            writer_key: r.writer_key,
            group_id: r.group_id,
        })
        .collect();
    let groups = retro_groups::table
        .filter(retro_groups::retro_id.eq(id))
        .order(retro_groups::id)
        .select((retro_groups::id, retro_groups::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, title)| Group { id, title })
        .collect();
    let votes = retro_votes::table
        .filter(retro_votes::retro_id.eq(id))
        .select((
            retro_votes::card_id,
            retro_votes::group_id,
            retro_votes::voter,
        ))
        .load::<(Option<i64>, Option<i64>, String)>(conn)?
        .into_iter()
        .filter_map(|(card, group, voter)| {
            let topic = match (group, card) {
                (Some(g), _) => Topic::Group(g),
                (None, Some(c)) => Topic::Card(c),
                (None, None) => return None,
            };
            Some(Vote { topic, voter })
        })
        .collect();
    Ok((cards, groups, votes))
}

/// Who wrote a card: a person, or (anonymous retro) only a key.
pub enum Writer {
    Person(i64),
    Key(String),
}

pub fn add_card(
    conn: &mut AnyConnection,
    retro_id: i64,
    column: usize,
    body: &str,
    writer: &Writer,
) -> AppResult<i64> {
    let (author, key) = match writer {
        Writer::Person(id) => (Some(*id), None),
        Writer::Key(k) => (None, Some(k.as_str())),
    };
    Ok(diesel::insert_into(retro_cards::table)
        .values((
            retro_cards::retro_id.eq(retro_id),
            retro_cards::column_index.eq(column as i32),
            retro_cards::body.eq(body),
            retro_cards::author_id.eq(author),
            retro_cards::writer_key.eq(key),
            retro_cards::created_at.eq(Utc::now().naive_utc()),
        ))
        .returning(retro_cards::id)
        .get_result(conn)?)
}

pub fn delete_card(conn: &mut AnyConnection, retro_id: i64, card: i64) -> AppResult<()> {
    diesel::delete(retro_votes::table.filter(retro_votes::card_id.eq(card))).execute(conn)?;
    diesel::delete(
        retro_cards::table
            .filter(retro_cards::retro_id.eq(retro_id))
            .filter(retro_cards::id.eq(card)),
    )
    .execute(conn)?;
    Ok(())
}

/// Puts `cards` into a group: a new one titled `title`, or `into` an existing one. Votes on
/// a card that joins a group move to the group.
pub fn group_cards(
    conn: &mut AnyConnection,
    retro_id: i64,
    cards: &[i64],
    target: GroupTarget<'_>,
) -> AppResult<i64> {
    let group = match target {
        GroupTarget::New(title) => diesel::insert_into(retro_groups::table)
            .values((
                retro_groups::retro_id.eq(retro_id),
                retro_groups::title.eq(title),
                retro_groups::created_at.eq(Utc::now().naive_utc()),
            ))
            .returning(retro_groups::id)
            .get_result::<i64>(conn)?,
        GroupTarget::Existing(id) => id,
    };
    diesel::update(
        retro_cards::table
            .filter(retro_cards::retro_id.eq(retro_id))
            .filter(retro_cards::id.eq_any(cards)),
    )
    .set(retro_cards::group_id.eq(Some(group)))
    .execute(conn)?;
    diesel::update(retro_votes::table.filter(retro_votes::card_id.eq_any(cards)))
        .set((
            retro_votes::group_id.eq(Some(group)),
            retro_votes::card_id.eq(None::<i64>),
        ))
        .execute(conn)?;
    drop_empty_groups(conn, retro_id)?;
    Ok(group)
}

pub enum GroupTarget<'a> {
    New(&'a str),
    Existing(i64),
}

/// Takes a card out of its group; a group left empty goes (with its votes).
pub fn ungroup(conn: &mut AnyConnection, retro_id: i64, card: i64) -> AppResult<()> {
    diesel::update(
        retro_cards::table
            .filter(retro_cards::retro_id.eq(retro_id))
            .filter(retro_cards::id.eq(card)),
    )
    .set(retro_cards::group_id.eq(None::<i64>))
    .execute(conn)?;
    drop_empty_groups(conn, retro_id)
}

fn drop_empty_groups(conn: &mut AnyConnection, retro_id: i64) -> AppResult<()> {
    let used: Vec<Option<i64>> = retro_cards::table
        .filter(retro_cards::retro_id.eq(retro_id))
        .filter(retro_cards::group_id.is_not_null())
        .select(retro_cards::group_id)
        .distinct()
        .load(conn)?;
    let used: Vec<i64> = used.into_iter().flatten().collect();
    let empty: Vec<i64> = retro_groups::table
        .filter(retro_groups::retro_id.eq(retro_id))
        .filter(retro_groups::id.ne_all(&used))
        .select(retro_groups::id)
        .load(conn)?;
    if !empty.is_empty() {
        diesel::delete(retro_votes::table.filter(retro_votes::group_id.eq_any(&empty)))
            .execute(conn)?;
        diesel::delete(retro_groups::table.filter(retro_groups::id.eq_any(&empty)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn add_vote(
    conn: &mut AnyConnection,
    retro_id: i64,
    topic: Topic,
    voter: &str,
) -> AppResult<()> {
    let (card, group) = match topic {
        Topic::Card(c) => (Some(c), None),
        Topic::Group(g) => (None, Some(g)),
    };
    diesel::insert_into(retro_votes::table)
        .values((
            retro_votes::retro_id.eq(retro_id),
            retro_votes::card_id.eq(card),
            retro_votes::group_id.eq(group),
            retro_votes::voter.eq(voter),
            retro_votes::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes back one of `voter`'s votes on `topic` (none: nothing happens).
pub fn remove_vote(
    conn: &mut AnyConnection,
    retro_id: i64,
    topic: Topic,
    voter: &str,
) -> AppResult<()> {
    let mut q = retro_votes::table
        .filter(retro_votes::retro_id.eq(retro_id))
        .filter(retro_votes::voter.eq(voter))
        .select(retro_votes::id)
        .into_boxed();
    q = match topic {
        Topic::Card(c) => q.filter(retro_votes::card_id.eq(c)),
        Topic::Group(g) => q.filter(retro_votes::group_id.eq(g)),
    };
    if let Some(id) = q.first::<i64>(conn).optional()? {
        diesel::delete(retro_votes::table.find(id)).execute(conn)?;
    }
    Ok(())
}

/// The title of a retro whose cards are out (a lesson may name it as its source).
pub fn revealed_title(conn: &mut AnyConnection, id: i64) -> AppResult<Option<String>> {
    match get(conn, id) {
        Ok(r) if r.phase.revealed() => Ok(Some(r.title)),
        Ok(_) | Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
