//! The backlog of an outbox table — events to dispatch, mail to send, webhook deliveries —
//! read the same way for each, for `/metrics`. Each feature names its own table
//! ([`Queue`]); this module only counts.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};

use super::AnyConnection;
use crate::error::AppResult;
use crate::metrics::Backlog;

/// An outbox table: its name, the column set when an item is done, and the retries after
/// which an item is given up (none for a queue that never gives up).
pub struct Queue {
    pub table: &'static str,
    pub done: &'static str,
    pub max_attempts: Option<i32>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    oldest: Option<chrono::NaiveDateTime>,
}

/// What waits in the queue, what it gave up, and the oldest waiting item's age. Both
/// counts read only the rows not done, through each table's partial index on them.
pub fn backlog(conn: &mut AnyConnection, q: &Queue) -> AppResult<Backlog> {
    // The names are the features' constants, never input.
    let select = |cond: &str| {
        format!(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM {} WHERE {} IS NULL{cond}",
            q.table, q.done
        )
    };
    let (waiting, failed) = match q.max_attempts {
        Some(max) => (
            select(&format!(" AND attempts < {max}")),
            Some(select(&format!(" AND attempts >= {max}"))),
        ),
        None => (select(""), None),
    };
    let pending: Row = diesel::sql_query(waiting).get_result(conn)?;
    let failed = match failed {
        Some(sql) => diesel::sql_query(sql).get_result::<Row>(conn)?.n,
        None => 0,
    };
    let oldest_seconds = pending.oldest.map_or(0, |t| {
        (chrono::Utc::now().naive_utc() - t).num_seconds().max(0)
    });
    Ok(Backlog {
        pending: pending.n,
        failed,
        oldest_seconds,
    })
}
