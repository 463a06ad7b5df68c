//! Mail waiting to be sent, and the thread of every `fika serve` that sends it: at least once,
//! by whichever instance claims a message first. A claim lasts five minutes; an instance that
//! dies holding one lets it lapse and another sends the message again, with the same
//! `Message-ID`. A refused or failed send waits longer each time and gives up after ten.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::letters::MailContext;
use crate::comments::flow::Commentables;
use crate::db::schema::mail_outbox;
use crate::db::{AnyConnection, Db};
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::mail::{Mailer, Outgoing};

/// How long a claim keeps other instances off a message.
const CLAIM_MINUTES: i64 = 5;
/// Sends before a message is given up.
pub const MAX_ATTEMPTS: i32 = 10;

/// The outbox as `/metrics` counts it.
pub const QUEUE: crate::db::outbox::Queue = crate::db::outbox::Queue {
    table: "mail_outbox",
    done: "sent_at",
    max_attempts: Some(MAX_ATTEMPTS),
};
/// Messages claimed at once.
const BATCH: i64 = 20;

/// A message to queue.
pub struct Letter {
    pub person: PersonId,
    /// The notification kind (or `digest`) it belongs to.
    pub kind: &'static str,
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe: String,
}

/// Queues a message in the caller's transaction.
pub fn queue(conn: &mut AnyConnection, l: &Letter) -> AppResult<()> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::person_id.eq(l.person.0),
            mail_outbox::kind.eq(l.kind),
            mail_outbox::to_address.eq(&l.to),
            mail_outbox::to_name.eq(&l.to_name),
            mail_outbox::subject.eq(&l.subject),
            mail_outbox::text_body.eq(&l.text),
            mail_outbox::html_body.eq(&l.html),
            mail_outbox::unsubscribe.eq(&l.unsubscribe),
            mail_outbox::created_at.eq(now),
            mail_outbox::attempts.eq(0),
            mail_outbox::next_attempt_at.eq(now),
            mail_outbox::last_error.eq(""),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
struct Queued {
    id: i64,
    to_address: String,
    to_name: String,
    subject: String,
    text_body: String,
    html_body: String,
    unsubscribe: String,
    attempts: i32,
}

/// Claims due messages for this instance: unsent, due, unclaimed (or claimed by an instance
/// whose claim lapsed), not given up.
fn claim(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<Vec<Queued>> {
    crate::db::write_transaction(conn, |c| {
        macro_rules! due {
            () => {
                mail_outbox::table
                    .filter(mail_outbox::sent_at.is_null())
                    .filter(mail_outbox::attempts.lt(MAX_ATTEMPTS))
                    .filter(mail_outbox::next_attempt_at.le(now))
                    .filter(
                        mail_outbox::claimed_until
                            .is_null()
                            .or(mail_outbox::claimed_until.lt(now)),
                    )
                    .order(mail_outbox::id)
                    .limit(BATCH)
                    .select(Queued::as_select())
            };
        }
        let rows: Vec<Queued> = match c {
            AnyConnection::Postgresql(pg) => due!().for_update().skip_locked().load(pg)?,
            AnyConnection::Sqlite(lite) => due!().load(lite)?,
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        if !ids.is_empty() {
            diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(&ids)))
                .set(mail_outbox::claimed_until.eq(now + chrono::Duration::minutes(CLAIM_MINUTES)))
                .execute(c)?;
        }
        Ok(rows)
    })
}

/// What a send came to.
fn settle(conn: &mut AnyConnection, q: &Queued, result: Result<(), String>) -> AppResult<()> {
    let now = Utc::now().naive_utc();
    let row = mail_outbox::table.find(q.id);
    match result {
        Ok(()) => diesel::update(row)
            .set((
                mail_outbox::sent_at.eq(Some(now)),
                mail_outbox::attempts.eq(q.attempts + 1),
                mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
        Err(e) => {
            // 10 s, 20 s, 40 s … (ten tries span about three hours), at most a day apart.
            let wait = chrono::Duration::seconds(10 << q.attempts.clamp(0, 13))
                .min(chrono::Duration::days(1));
            tracing::warn!(mail = q.id, attempt = q.attempts + 1, error = %e, "mail not sent");
            diesel::update(row)
                .set((
                    mail_outbox::attempts.eq(q.attempts + 1),
                    mail_outbox::next_attempt_at.eq(now + wait),
                    mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
                    mail_outbox::last_error.eq(e.chars().take(500).collect::<String>()),
                ))
                .execute(conn)?
        }
    };
    Ok(())
}

/// Claims and sends one batch; how many it took. The messages of a batch go out side by
/// side, over the connections lettre pools: an SMTP exchange waits on the network more than
/// it works (about 45 ms a message to a local server, one at a time). What each send came to
/// is written in one transaction after the batch; a crash before it leaves the batch
/// claimed, and sent again once the claim lapses.
pub fn send_due(conn: &mut AnyConnection, mailer: &Mailer, site: &str) -> AppResult<usize> {
    let batch = claim(conn, Utc::now().naive_utc())?;
    let results: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let sending: Vec<_> = batch
            .iter()
            .map(|q| {
                let out = Outgoing {
                    to: q.to_address.clone(),
                    to_name: q.to_name.clone(),
                    subject: q.subject.clone(),
                    text: q.text_body.clone(),
                    html: q.html_body.clone(),
                    unsubscribe: Some(q.unsubscribe.clone()).filter(|u| !u.is_empty()),
                    message_id: format!("mail-{}.{site}@fika", q.id),
                };
                scope.spawn(move || mailer.send(&out))
            })
            .collect();
        sending
            .into_iter()
            .map(|s| s.join().unwrap_or_else(|_| Err("sending panicked".into())))
            .collect()
    });
    crate::db::write_transaction(conn, |c| {
        for (q, result) in batch.iter().zip(results) {
            settle(c, q, result)?;
        }
        Ok(())
    })?;
    Ok(batch.len())
}

/// How often the mail worker looks for digests to make.
const DIGEST_EVERY: Duration = Duration::from_secs(10);

/// Starts the sending thread, which also makes the week's digests when they are due.
pub fn spawn(
    db: Db,
    mailer: Mailer,
    site: String,
    ctx: MailContext,
    commentables: Arc<Commentables>,
) -> Result<(), String> {
    let mut looked: Option<Instant> = None;
    crate::db::worker("mail", db, Duration::from_secs(1), move |c| {
        if looked.is_none_or(|t| t.elapsed() >= DIGEST_EVERY) {
            looked = Some(Instant::now());
            super::digest::queue_due(c, &ctx, &commentables, Utc::now().naive_utc())?;
        }
        send_due(c, &mailer, &site)
    })
}
