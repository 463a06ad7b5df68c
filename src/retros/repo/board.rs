//! A retro's board: its cards, groups and votes, read whole and written one change at a
//! time. Every write here runs inside `board_write`, which first moves the retro's version on
//! (and locks its row); none is in the change log: they come at typing speed and nothing else
//! reads them until the retro closes (see the module above).

use chrono::Utc;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{retro_cards, retro_groups, retro_votes};
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::retros::model::{Card, Group, Topic, Vote};

#[derive(Queryable, Selectable)]
#[diesel(table_name = retro_cards)]
struct CardRow {
    id: i64,
    column_index: i32,
    body: String,
    author_id: Option<PersonId>,
    writer_key: Option<String>,
    group_id: Option<i64>,
}

/// Whether `topic` is on the retro's board now: one of its groups, or one of its cards in
/// no group.
pub fn has_topic(conn: &mut AnyConnection, retro_id: i64, topic: Topic) -> AppResult<bool> {
    let n: i64 = match topic {
        Topic::Group(g) => retro_groups::table
            .filter(retro_groups::id.eq(g))
            .filter(retro_groups::retro_id.eq(retro_id))
            .count()
            .get_result(conn)?,
        Topic::Card(k) => retro_cards::table
            .filter(retro_cards::id.eq(k))
            .filter(retro_cards::retro_id.eq(retro_id))
            .filter(retro_cards::group_id.is_null())
            .count()
            .get_result(conn)?,
    };
    Ok(n > 0)
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
    Person(PersonId),
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

/// Changes the text of a card (its writer, while writing).
pub fn edit_card(conn: &mut AnyConnection, retro_id: i64, card: i64, body: &str) -> AppResult<()> {
    diesel::update(
        retro_cards::table
            .filter(retro_cards::retro_id.eq(retro_id))
            .filter(retro_cards::id.eq(card)),
    )
    .set(retro_cards::body.eq(body))
    .execute(conn)?;
    Ok(())
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
