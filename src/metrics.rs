//! What fika counts for its operators, in the Prometheus text format: requests and their
//! latency by route, searches, sign-ins, index rebuilds — counted as they happen — and the
//! figures read when Prometheus scrapes (the pool, the change log and the index's lag, the
//! outboxes' backlog), plus the standard `process_*` series.
//!
//! Counting is on only when `/metrics` is served (`--metrics-addr` or a metrics token):
//! [`init`] is called at start then, and every `record` below is a no-op without it.

use std::sync::OnceLock;

use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry,
};

/// Latency buckets, in seconds: a page is served in a few milliseconds, a slow one in a
/// second or more.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Methods kept as a label; any other word a client sends is counted as "other", so a
/// client cannot make new series at will. (Paths no route took are "unmatched" likewise.)
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The counters and the gauges set at each scrape, in one registry.
struct Metrics {
    registry: Registry,
    http: HistogramVec,
    search: Histogram,
    sign_ins: IntCounterVec,
    index_rebuilds: IntCounter,
    pool: IntGaugeVec,
    changelog_head: IntGauge,
    index_applied: IntGauge,
    index_lag_changes: IntGauge,
    index_lag_seconds: IntGauge,
    database_up: IntGauge,
    outbox_pending: IntGaugeVec,
    outbox_failed: IntGaugeVec,
    outbox_oldest: IntGaugeVec,
}

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// Turns counting on; called once at start when `/metrics` is served.
pub fn init() -> Result<(), String> {
    let m = Metrics::new().map_err(|e| format!("cannot set up metrics: {e}"))?;
    // A second call (tests start several apps in one process) keeps the first registry.
    let _ = METRICS.set(m);
    Ok(())
}

/// Whether counting is on.
pub fn enabled() -> bool {
    METRICS.get().is_some()
}

fn gauge(name: &str, help: &str) -> prometheus::Result<IntGauge> {
    IntGauge::new(name, help)
}

fn gauges(name: &str, help: &str, labels: &[&str]) -> prometheus::Result<IntGaugeVec> {
    IntGaugeVec::new(Opts::new(name, help), labels)
}

impl Metrics {
    fn new() -> prometheus::Result<Metrics> {
        let m = Metrics {
            registry: Registry::new(),
            http: HistogramVec::new(
                HistogramOpts::new(
                    "fika_http_request_duration_seconds",
                    "Time to answer an HTTP request, by method, route template and status class \
                     (its _count is the number of requests).",
                )
                .buckets(BUCKETS.to_vec()),
                &["method", "route", "status"],
            )?,
            search: Histogram::with_opts(
                HistogramOpts::new(
                    "fika_search_duration_seconds",
                    "Time to run a search against the index (results, facets and counts).",
                )
                .buckets(BUCKETS.to_vec()),
            )?,
            sign_ins: IntCounterVec::new(
                Opts::new(
                    "fika_sign_ins_total",
                    "Password sign-ins by outcome: ok, failed, throttled, or passwords_off.",
                ),
                &["outcome"],
            )?,
            index_rebuilds: IntCounter::new(
                "fika_index_rebuilds_total",
                "Full rebuilds of this instance's search index since it started.",
            )?,
            pool: gauges(
                "fika_db_connections",
                "Database connections of this instance: in_use, idle, and waiting (requests \
                 queued for a connection).",
                &["state"],
            )?,
            changelog_head: gauge(
                "fika_changelog_head",
                "The newest entry of the database's change log.",
            )?,
            index_applied: gauge(
                "fika_index_applied",
                "The newest change-log entry this instance's search index holds.",
            )?,
            index_lag_changes: gauge(
                "fika_index_lag_changes",
                "Change-log entries this instance's search index has not applied yet.",
            )?,
            index_lag_seconds: gauge(
                "fika_index_lag_seconds",
                "Age of the oldest change this instance's search index has not applied (0 when \
                 up to date).",
            )?,
            database_up: gauge(
                "fika_database_up",
                "1 when the database answered this scrape in time, else 0 (and the series read \
                 from it are left out).",
            )?,
            outbox_pending: gauges(
                "fika_outbox_pending",
                "Work waiting in an outbox: events to dispatch, mail to send, webhook deliveries.",
                &["queue"],
            )?,
            outbox_failed: gauges(
                "fika_outbox_failed",
                "Mail and webhook deliveries given up after their last retry.",
                &["queue"],
            )?,
            outbox_oldest: gauges(
                "fika_outbox_oldest_seconds",
                "Age of the oldest pending item of an outbox (0 when empty).",
                &["queue"],
            )?,
        };
        m.registered()
    }

    /// The series that are always there, registered; the rest are added to a scrape when
    /// the database answered it.
    fn registered(self) -> prometheus::Result<Metrics> {
        let (m, r) = (&self, &self.registry);
        r.register(Box::new(m.http.clone()))?;
        r.register(Box::new(m.search.clone()))?;
        r.register(Box::new(m.sign_ins.clone()))?;
        r.register(Box::new(m.index_rebuilds.clone()))?;
        r.register(Box::new(m.database_up.clone()))?;
        r.register(Box::new(m.index_applied.clone()))?;
        r.register(Box::new(m.pool.clone()))?;
        let info = IntGaugeVec::new(
            Opts::new("fika_build_info", "The running fika's version; always 1."),
            &["version"],
        )?;
        info.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        r.register(Box::new(info))?;
        r.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(self)
    }
}

/// One request answered.
pub fn http_request(method: &str, route: Option<&str>, status: u16, seconds: f64) {
    let Some(m) = METRICS.get() else { return };
    let method = METHODS
        .iter()
        .find(|&&k| k == method)
        .copied()
        .unwrap_or("other");
    let class = match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    m.http
        .with_label_values(&[method, route.unwrap_or("unmatched"), class])
        .observe(seconds);
}

/// One search run against the index.
pub fn search(seconds: f64) {
    if let Some(m) = METRICS.get() {
        m.search.observe(seconds);
    }
}

/// One password sign-in and how it ended.
pub fn sign_in(outcome: &'static str) {
    if let Some(m) = METRICS.get() {
        m.sign_ins.with_label_values(&[outcome]).inc();
    }
}

/// One full rebuild of the search index begun.
pub fn index_rebuilt() {
    if let Some(m) = METRICS.get() {
        m.index_rebuilds.inc();
    }
}

/// The database pool at one instant.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolUse {
    pub in_use: i64,
    pub idle: i64,
    pub waiting: i64,
}

/// An outbox's state: what waits, what was given up, and since when the oldest waits.
#[derive(Debug, Clone, Copy, Default)]
pub struct Backlog {
    pub pending: i64,
    pub failed: i64,
    pub oldest_seconds: i64,
}

/// What is read from the database at a scrape.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    pub changelog_head: i64,
    pub index_lag_changes: i64,
    pub index_lag_seconds: i64,
    /// (queue, its backlog): "events", "mail", "webhooks".
    pub outboxes: Vec<(&'static str, Backlog)>,
}

/// What a scrape reads besides the counters.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub pool: PoolUse,
    pub index_applied: i64,
    /// None when the database did not answer in time.
    pub stored: Option<Stored>,
}

/// The text Prometheus scrapes: every series, with the snapshot's figures. Empty when
/// counting is off.
pub fn render(snapshot: &Snapshot) -> Result<String, String> {
    let Some(m) = METRICS.get() else {
        return Ok(String::new());
    };
    let p = snapshot.pool;
    for (state, n) in [
        ("in_use", p.in_use),
        ("idle", p.idle),
        ("waiting", p.waiting),
    ] {
        m.pool.with_label_values(&[state]).set(n);
    }
    m.index_applied.set(snapshot.index_applied);
    m.database_up.set(i64::from(snapshot.stored.is_some()));
    let mut families = m.registry.gather();
    // The series read from the database are gathered only when it answered: a stale or
    // zero figure would read as "all is well" on a dashboard.
    if let Some(s) = &snapshot.stored {
        m.changelog_head.set(s.changelog_head);
        m.index_lag_changes.set(s.index_lag_changes);
        m.index_lag_seconds.set(s.index_lag_seconds);
        for (queue, b) in &s.outboxes {
            m.outbox_pending.with_label_values(&[queue]).set(b.pending);
            m.outbox_oldest
                .with_label_values(&[queue])
                .set(b.oldest_seconds);
            if *queue != "events" {
                m.outbox_failed.with_label_values(&[queue]).set(b.failed);
            }
        }
        use prometheus::core::Collector;
        let stored: [&dyn Collector; 6] = [
            &m.changelog_head,
            &m.index_lag_changes,
            &m.index_lag_seconds,
            &m.outbox_pending,
            &m.outbox_failed,
            &m.outbox_oldest,
        ];
        families.extend(
            stored
                .into_iter()
                .flat_map(Collector::collect)
                .filter(|f| !f.get_metric().is_empty()),
        );
        families.sort_by(|a, b| a.name().cmp(b.name()));
    }
    prometheus::TextEncoder::new()
        .encode_to_string(&families)
        .map_err(|e| format!("cannot write the metrics: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_or_path_of_the_clients_choosing_makes_no_new_series() {
        init().unwrap();
        http_request("BREW", None, 418, 0.01);
        http_request("GET", Some("/lessons/{id}"), 200, 0.002);
        let text = render(&Snapshot::default()).unwrap();
        assert!(text.contains(
            r#"fika_http_request_duration_seconds_count{method="other",route="unmatched",status="4xx"}"#
        ));
        assert!(text.contains(
            r#"fika_http_request_duration_seconds_count{method="GET",route="/lessons/{id}",status="2xx"}"#
        ));
        assert!(!text.contains("BREW"));
        assert!(text.contains("fika_database_up 0"));
        assert!(
            !text.contains("fika_changelog_head"),
            "no figure from a database that did not answer"
        );
    }
}
