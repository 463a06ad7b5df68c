//! A retro's action items: the ones its discussion agrees on, and the review of the open
//! items of the squad's earlier retros (logged writes: `/actions` and the unit pages list
//! them).

use std::collections::HashMap;

use diesel::prelude::*;

use super::KIND;
use crate::action_items::model::{ActionInput, Status};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{action_items, retro_action_topics, retro_reviews, retros};
use crate::db::{AnyConnection, Change, write_with_changes};
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::retros::model::{Retro, Topic};

/// The review marks of a retro: action item id → verdict.
pub fn reviews(conn: &mut AnyConnection, retro_id: i64) -> AppResult<Vec<(i64, String)>> {
    Ok(retro_reviews::table
        .filter(retro_reviews::retro_id.eq(retro_id))
        .select((retro_reviews::action_id, retro_reviews::verdict))
        .load(conn)?)
}

/// Records what the review said of an item and sets the item's status to match, in one
/// logged write (the item's list and its source's page move together). Pages call it inside
/// [`board_write`](super::board_write), which holds the retro.
pub fn review_item(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    retro: &Retro,
    item: &crate::action_items::model::ActionItem,
    verdict: crate::retros::model::Verdict,
) -> AppResult<()> {
    let (status, reason) = verdict.status(&retro.title);
    write_with_changes(conn, actor, |c, _| {
        diesel::delete(
            retro_reviews::table
                .filter(retro_reviews::retro_id.eq(retro.id))
                .filter(retro_reviews::action_id.eq(item.id)),
        )
        .execute(c)?;
        diesel::insert_into(retro_reviews::table)
            .values((
                retro_reviews::retro_id.eq(retro.id),
                retro_reviews::action_id.eq(item.id),
                retro_reviews::verdict.eq(verdict.key()),
            ))
            .execute(c)?;
        let reason = if status == Status::WontDo {
            reason
        } else {
            String::new()
        };
        crate::action_items::repo::set_status(c, actor, item, status, &reason)?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::Retro,
                retro.id.to_string(),
                Op::Update,
            )],
        ))
    })
}

/// Adds an action item to the retro, about one of its topics or none (logged: `/actions`
/// and the unit pages list it). Pages call it inside [`board_write`](super::board_write),
/// which holds the retro.
pub fn add_action(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    retro_id: i64,
    input: &ActionInput,
    topic: Option<Topic>,
) -> AppResult<()> {
    write_with_changes(conn, actor, |c, log| {
        let action_id = crate::action_items::repo::add(c, log, KIND, retro_id, input)?;
        if let Some(t) = topic {
            diesel::insert_into(retro_action_topics::table)
                .values((
                    retro_action_topics::action_id.eq(action_id),
                    retro_action_topics::retro_id.eq(retro_id),
                    retro_action_topics::topic.eq(t.key()),
                ))
                .execute(c)?;
        }
        Ok((
            (),
            vec![Change::new(
                EntityKind::Action,
                format!("{KIND}/{retro_id}"),
                Op::Create,
            )],
        ))
    })
}

/// The topic each of the retro's action items is about, by action item id (items about
/// no topic are not in it).
pub fn action_topics(conn: &mut AnyConnection, retro_id: i64) -> AppResult<HashMap<i64, Topic>> {
    let rows: Vec<(i64, String)> = retro_action_topics::table
        .filter(retro_action_topics::retro_id.eq(retro_id))
        .select((retro_action_topics::action_id, retro_action_topics::topic))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, key)| Topic::parse(&key).map(|t| (id, t)))
        .collect())
}

/// Retros of a squad held before `retro` (by date, then by id).
pub fn earlier_of_squad(conn: &mut AnyConnection, retro: &Retro) -> AppResult<Vec<i64>> {
    Ok(retros::table
        .filter(retros::squad_id.eq(retro.squad_id))
        .filter(
            retros::held_on.lt(retro.held_on).or(retros::held_on
                .eq(retro.held_on)
                .and(retros::id.lt(retro.id))),
        )
        .select(retros::id)
        .load(conn)?)
}

/// Open items of the retros in `sources`, for the review phase.
pub fn open_items_of(conn: &mut AnyConnection, sources: &[i64]) -> AppResult<Vec<i64>> {
    Ok(action_items::table
        .filter(action_items::source_kind.eq(KIND))
        .filter(action_items::source_id.eq_any(sources))
        .filter(action_items::status.eq(Status::Open.key()))
        .select(action_items::id)
        .load(conn)?)
}
