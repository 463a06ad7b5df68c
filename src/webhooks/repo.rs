//! Webhooks and their deliveries in the database: setting up, the dispatcher's enqueueing,
//! the sender's claims, the delivery log and re-sending.

use std::collections::BTreeSet;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{Delivery, Hook, HookInput, MAX_ATTEMPTS, OFFERED};
use super::payload::{self, News, UnitRef};
use crate::db::AnyConnection;
use crate::db::events::{EventKind, EventRow};
use crate::db::schema::{units, webhook_deliveries, webhooks};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::unit::UnitKind;

/// The deliveries as `/metrics` counts them.
pub const QUEUE: crate::db::outbox::Queue = crate::db::outbox::Queue {
    table: "webhook_deliveries",
    done: "delivered_at",
    max_attempts: Some(MAX_ATTEMPTS),
};

/// Every webhook, the org's first, then by name.
pub fn all(c: &mut AnyConnection) -> AppResult<Vec<Hook>> {
    Ok(webhooks::table
        .order((
            webhooks::unit_id.is_not_null(),
            webhooks::name,
            webhooks::id,
        ))
        .select(Hook::as_select())
        .load(c)?)
}

pub fn get(c: &mut AnyConnection, id: i64) -> AppResult<Hook> {
    webhooks::table
        .find(id)
        .select(Hook::as_select())
        .first(c)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn create(c: &mut AnyConnection, input: &HookInput, by: PersonId) -> AppResult<i64> {
    let now = Utc::now().naive_utc();
    Ok(diesel::insert_into(webhooks::table)
        .values((
            webhooks::name.eq(&input.name),
            webhooks::unit_id.eq(input.unit_id),
            webhooks::url.eq(&input.url),
            webhooks::format.eq(input.format.key()),
            webhooks::events.eq(input.events_key()),
            webhooks::secret.eq(crate::auth::token::random_secret()),
            webhooks::active.eq(input.active),
            webhooks::created_by.eq(Some(by.0)),
            webhooks::created_at.eq(now),
            webhooks::updated_at.eq(now),
        ))
        .returning(webhooks::id)
        .get_result(c)?)
}

/// Saves a webhook. Turned off, it gives up what it had not sent yet: news meanwhile is not
/// posted later (each stays in the log, to be sent again by hand).
pub fn update(c: &mut AnyConnection, id: i64, input: &HookInput) -> AppResult<()> {
    if !input.active {
        diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::webhook_id.eq(id))
                .filter(webhook_deliveries::delivered_at.is_null())
                .filter(webhook_deliveries::attempts.lt(MAX_ATTEMPTS)),
        )
        .set((
            webhook_deliveries::attempts.eq(MAX_ATTEMPTS),
            webhook_deliveries::last_response.eq("Not sent: the webhook was turned off."),
        ))
        .execute(c)?;
    }
    diesel::update(webhooks::table.find(id))
        .set((
            webhooks::name.eq(&input.name),
            webhooks::unit_id.eq(input.unit_id),
            webhooks::url.eq(&input.url),
            webhooks::format.eq(input.format.key()),
            webhooks::events.eq(input.events_key()),
            webhooks::active.eq(input.active),
            webhooks::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(c)?;
    Ok(())
}

/// Deletes a webhook with its delivery log.
pub fn delete(c: &mut AnyConnection, id: i64) -> AppResult<()> {
    crate::db::write_transaction(c, |c| {
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id)))
            .execute(c)?;
        diesel::delete(webhooks::table.find(id)).execute(c)?;
        Ok(())
    })
}

/// A webhook's latest deliveries, newest first.
pub fn log(c: &mut AnyConnection, hook: i64, limit: i64) -> AppResult<Vec<Delivery>> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(hook))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(c)?)
}

/// The last delivery of each of `hooks`, for the list's "last sent" column.
pub fn latest(c: &mut AnyConnection, hooks: &[i64]) -> AppResult<Vec<Delivery>> {
    let mut out = Vec::new();
    for &h in hooks {
        out.extend(log(c, h, 1)?);
    }
    Ok(out)
}

/// Gives a webhook a new signing secret (when someone who knew the old one should not).
pub fn new_secret(c: &mut AnyConnection, id: i64) -> AppResult<()> {
    diesel::update(webhooks::table.find(id))
        .set((
            webhooks::secret.eq(crate::auth::token::random_secret()),
            webhooks::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(c)?;
    Ok(())
}

/// Sends a delivery again, with the same id and body, as soon as a sender is free: after
/// it was given up, or when the receiver lost what it got. Not while an instance is sending
/// it: two posts at once would be two answers for one log line.
pub fn resend(c: &mut AnyConnection, hook: i64, delivery: i64) -> AppResult<()> {
    let now = Utc::now().naive_utc();
    let row = webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(delivery))
        .filter(webhook_deliveries::webhook_id.eq(hook));
    let claimed: Option<NaiveDateTime> = row
        .select(webhook_deliveries::claimed_until)
        .first(c)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if claimed.is_some_and(|until| until > now) {
        return Err(AppError::Conflict(
            "It is being sent right now; its answer shows in the log in a moment.".into(),
        ));
    }
    let n = diesel::update(
        row.filter(
            webhook_deliveries::claimed_until
                .is_null()
                .or(webhook_deliveries::claimed_until.le(now)),
        ),
    )
    .set((
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::delivered_at.eq(None::<NaiveDateTime>),
        webhook_deliveries::next_attempt_at.eq(now),
        webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(c)?;
    if n == 0 {
        return Err(AppError::Conflict(
            "It was just claimed for sending; its answer shows in the log in a moment.".into(),
        ));
    }
    Ok(())
}

/// Units an event is filed under, with their tribes, as payloads name them.
struct Filed {
    refs: Vec<UnitRef>,
    /// The units and their tribes: a unit's webhook hears of what is filed under it or,
    /// for a tribe, under its squads and chapters.
    reach: BTreeSet<UnitId>,
}

fn filed(c: &mut AnyConnection, ids: &[UnitId]) -> AppResult<Filed> {
    let rows: Vec<(i64, String, String, String, Option<i64>)> = units::table
        .filter(units::id.eq_any(ids.iter().map(|u| u.0).collect::<Vec<_>>()))
        .select((
            units::id,
            units::name,
            units::kind,
            units::slug,
            units::tribe_id,
        ))
        .load(c)?;
    let mut reach = BTreeSet::new();
    let mut refs = Vec::new();
    for (id, name, kind, slug, tribe) in rows {
        reach.insert(UnitId(id));
        reach.extend(tribe.map(UnitId));
        let url = UnitKind::parse(&kind).map_or_else(String::new, |k| k.url(&slug));
        refs.push(UnitRef { name, url });
    }
    Ok(Filed { refs, reach })
}

/// Where the public URL an instance serves at is recorded, for the links of deliveries an
/// instance without one enqueues.
pub const ORIGIN_KEY: &str = "public_origin";

/// A fresh delivery id: 128 random bits.
fn delivery_key() -> String {
    crate::auth::token::random_secret()[..32].to_string()
}

/// Writes the deliveries of one event, in the dispatcher's transaction: one to each active
/// webhook that wants its kind, reaches one of its units and existed when it happened.
/// Only news every signed-in person may read is offered at all (see [`OFFERED`]); the second
/// reminder of an overdue item, and a retro closed without lessons, are not news.
pub fn enqueue(c: &mut AnyConnection, event: &EventRow, origin: Option<&str>) -> AppResult<usize> {
    let Some(kind) = EventKind::parse(&event.kind) else {
        return Ok(0);
    };
    if !event.announce
        || !OFFERED.contains(&kind)
        || (kind == EventKind::RetroClosed && event.summary.is_empty())
    {
        return Ok(0);
    }
    let hooks: Vec<Hook> = webhooks::table
        .filter(webhooks::active.eq(true))
        .filter(webhooks::created_at.le(event.created_at))
        .select(Hook::as_select())
        .load::<Hook>(c)?
        .into_iter()
        .filter(|h| h.wants(kind))
        .collect();
    if hooks.is_empty() {
        return Ok(0);
    }
    let origin = match origin {
        Some(o) => o.to_string(),
        None => crate::db::site_meta(c, ORIGIN_KEY)?.unwrap_or_default(),
    };
    let origin = origin.as_str();
    let units = filed(c, &event.unit_ids())?;
    let now = Utc::now().naive_utc();
    let mut made = 0;
    for hook in hooks
        .iter()
        .filter(|h| h.unit_id.is_none_or(|u| units.reach.contains(&u)))
    {
        let key = delivery_key();
        let news = News {
            kind: Some(kind),
            event,
            units: &units.refs,
            origin,
            delivery: &key,
        };
        let body = payload::body(hook.format(), &news);
        made += crate::per_backend!(c, |pc| diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::webhook_id.eq(hook.id),
                webhook_deliveries::event_id.eq(Some(event.id)),
                webhook_deliveries::delivery_key.eq(&key),
                webhook_deliveries::event_kind.eq(kind.key()),
                webhook_deliveries::title.eq(&event.title),
                webhook_deliveries::payload.eq(&body),
                webhook_deliveries::created_at.eq(now),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(now),
                webhook_deliveries::last_response.eq(""),
            ))
            .on_conflict((webhook_deliveries::webhook_id, webhook_deliveries::event_id))
            .do_nothing()
            .execute(pc))?;
    }
    Ok(made)
}

/// Queues a test message to one webhook, so whoever set it up sees it arrive (or why not).
pub fn queue_test(c: &mut AnyConnection, hook: &Hook, origin: &str) -> AppResult<()> {
    let now = Utc::now().naive_utc();
    let key = delivery_key();
    let event = EventRow {
        id: 0,
        kind: "test".into(),
        subject_kind: "webhook".into(),
        subject_key: hook.id.to_string(),
        actor_id: None,
        title: format!("“{}” is set up", hook.name),
        url: format!("/webhooks/{}", hook.id),
        summary: "fika will post here what you chose to hear of.".into(),
        units: String::new(),
        tags: String::new(),
        people: String::new(),
        created_at: now,
        announce: true,
    };
    let news = News {
        kind: None,
        event: &event,
        units: &[],
        origin,
        delivery: &key,
    };
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::webhook_id.eq(hook.id),
            webhook_deliveries::event_id.eq(None::<i64>),
            webhook_deliveries::delivery_key.eq(&key),
            webhook_deliveries::event_kind.eq("test"),
            webhook_deliveries::title.eq(&event.title),
            webhook_deliveries::payload.eq(payload::body(hook.format(), &news)),
            webhook_deliveries::created_at.eq(now),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::last_response.eq(""),
        ))
        .execute(c)?;
    Ok(())
}

/// A delivery claimed for sending, with what sending needs of its webhook.
pub struct Claimed {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

/// Claims due deliveries of active webhooks for this instance, for `lease`: unsent, due,
/// unclaimed (or claimed by an instance whose claim lapsed), not given up.
pub fn claim(
    c: &mut AnyConnection,
    now: NaiveDateTime,
    lease: chrono::Duration,
    limit: i64,
) -> AppResult<Vec<Claimed>> {
    crate::db::write_transaction(c, |c| {
        macro_rules! due {
            () => {
                webhook_deliveries::table
                    .inner_join(webhooks::table)
                    .filter(webhooks::active.eq(true))
                    .filter(webhook_deliveries::delivered_at.is_null())
                    .filter(webhook_deliveries::attempts.lt(MAX_ATTEMPTS))
                    .filter(webhook_deliveries::next_attempt_at.le(now))
                    .filter(
                        webhook_deliveries::claimed_until
                            .is_null()
                            .or(webhook_deliveries::claimed_until.lt(now)),
                    )
                    .order(webhook_deliveries::id)
                    .limit(limit)
                    .select((Delivery::as_select(), webhooks::url, webhooks::secret))
            };
        }
        let rows: Vec<(Delivery, String, String)> = match c {
            // Locks the webhook's row too, but not against the key-share locks the
            // dispatcher's inserts of new deliveries hold on it: an edit waits for a claim,
            // new deliveries do not, and a claim skips none of them.
            AnyConnection::Postgresql(pg) => due!().for_no_key_update().skip_locked().load(pg)?,
            AnyConnection::Sqlite(lite) => due!().load(lite)?,
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
        if !ids.is_empty() {
            diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
                .set(webhook_deliveries::claimed_until.eq(now + lease))
                .execute(c)?;
        }
        Ok(rows
            .into_iter()
            .map(|(delivery, url, secret)| Claimed {
                delivery,
                url,
                secret,
            })
            .collect())
    })
}

/// What one attempt came to: the receiver's status and the start of its answer, or why
/// there was none.
pub struct Outcome {
    pub status: Option<u16>,
    pub response: String,
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Writes what an attempt came to. A failure waits longer each time: 10 s, 20 s, 40 s …
/// at most an hour apart, [`MAX_ATTEMPTS`] in all.
pub fn settle(c: &mut AnyConnection, d: &Delivery, outcome: &Outcome) -> AppResult<()> {
    let now = Utc::now().naive_utc();
    let attempts = d.attempts + 1;
    let wait =
        chrono::Duration::seconds(10 << d.attempts.clamp(0, 12)).min(chrono::Duration::hours(1));
    let delivered = outcome.delivered();
    diesel::update(webhook_deliveries::table.find(d.id))
        .set((
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::last_attempt_at.eq(Some(now)),
            webhook_deliveries::delivered_at.eq(delivered.then_some(now)),
            webhook_deliveries::next_attempt_at.eq(if delivered { now } else { now + wait }),
            webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_status.eq(outcome.status.map(i32::from)),
            webhook_deliveries::last_response.eq(outcome
                .response
                .chars()
                .take(1000)
                .collect::<String>()),
        ))
        .execute(c)?;
    Ok(())
}
