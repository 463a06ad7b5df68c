//! `/metrics` for Prometheus: who may read it (whoever comes in on the metrics address, or
//! brings the metrics token), what a scrape reads besides the counters (the pool, the index's
//! lag behind the change log, every outbox's backlog), and the metrics address serving
//! nothing else.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::config::MetricsAccess;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::metrics::{Snapshot, Stored};
use crate::state::AppState;

/// How long a scrape waits for the database before it answers without its figures: a
/// scrape must answer in time to say what is wrong, the database's absence included.
const DB_WAIT: Duration = Duration::from_secs(2);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics));
}

/// Whether the request came in on the metrics address.
fn on_metrics_addr(req: &HttpRequest, access: &MetricsAccess) -> bool {
    access.addr == Some(req.app_config().local_addr())
}

/// `None` lets the scrape on; else the answer (404 when metrics are off, 401 without the
/// token).
fn refused(req: &HttpRequest, access: &MetricsAccess) -> Option<AppResult<HttpResponse>> {
    if on_metrics_addr(req, access) {
        return None;
    }
    let Some(digest) = &access.token_digest else {
        return Some(Err(AppError::NotFound));
    };
    let given = crate::request::bearer_token(req.headers());
    // Digests are compared, so the time taken says nothing about the token.
    match given {
        Some(t) if crate::auth::token::digest(t) == *digest => None,
        // Answered here, not as an error: fika's error pages would send a browser to sign
        // in, and a person's sign-in opens no metrics.
        _ => Some(Ok(HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .content_type("text/plain; charset=utf-8")
            .body("/metrics needs the metrics bearer token.\n"))),
    }
}

async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    if let Some(answer) = refused(&req, &state.settings.metrics) {
        return answer;
    }
    let applied = state.part::<crate::search::Search>()?.applied();
    let read = state.db.run(move |c| stored(c, applied));
    let stored = match tokio::time::timeout(DB_WAIT, read).await {
        Ok(Ok(s)) => Some(s),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "metrics: the database did not answer");
            None
        }
        Err(_) => {
            tracing::warn!("metrics: the database did not answer in time");
            None
        }
    };
    let snapshot = Snapshot {
        pool: state.db.pool_use(),
        index_applied: applied,
        stored,
    };
    let text = crate::metrics::render(&snapshot).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}

/// The figures read from the database: the change log's head and this instance's lag
/// behind it, and each outbox's backlog.
fn stored(c: &mut AnyConnection, applied: i64) -> AppResult<Stored> {
    let lag = crate::db::changelog::lag(c, applied)?;
    let queues = [
        ("events", &crate::db::events::QUEUE),
        ("mail", &crate::notify::outbox::QUEUE),
        ("webhooks", &crate::webhooks::repo::QUEUE),
    ];
    let outboxes = queues
        .into_iter()
        .map(|(name, q)| Ok((name, crate::db::outbox::backlog(c, q)?)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Stored {
        changelog_head: lag.head,
        index_lag_changes: lag.changes,
        index_lag_seconds: lag.seconds,
        outboxes,
    })
}

/// The metrics address serves `/metrics` and nothing else: it may be open to a whole
/// monitoring network, which has no business with the wiki.
pub async fn only_metrics_there(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let there = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| on_metrics_addr(req.request(), &s.settings.metrics));
    if there && req.path() != "/metrics" {
        let res = HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Only /metrics is served on this address.\n");
        return Ok(req.into_response(res));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
