//! `/metrics` (issue 26): off unless asked for, opened by its own address or its bearer
//! token, and counting what really happened — read back by the test, checked by Prometheus's
//! own `promtool`, and scraped by a real Prometheus on 127.0.0.1.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestData, TestServer};

const TOKEN: &str = "metrics-token-0123456789abcdef";

/// The value of each series of a scrape, by its name and labels as written.
fn series(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let (name, value) = l.rsplit_once(' ')?;
            Some((name.to_string(), value.parse().ok()?))
        })
        .collect()
}

fn value(all: &BTreeMap<String, f64>, name: &str) -> f64 {
    *all.get(name)
        .unwrap_or_else(|| panic!("no series {name} in:\n{all:#?}"))
}

async fn scrape(url: &str, token: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("GET /metrics");
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

/// The address the metrics listener said it serves on.
async fn metrics_url(s: &TestServer) -> String {
    assert!(s.wait_for_log("metrics on http://").await, "{}", s.log());
    let log = s.log();
    let at = log.find("metrics on http://").unwrap() + "metrics on ".len();
    log[at..]
        .split(['"', ' ', '\n'])
        .next()
        .unwrap()
        .to_string()
}

fn token_file(data: &TestData) -> String {
    let path = data.dir.path().join("metrics-token");
    std::fs::write(&path, format!("{TOKEN}\n")).unwrap();
    path.display().to_string()
}

async fn metrics_are_off_until_asked_for_and_need_their_token(b: Backend) {
    let s = TestServer::start(b).await;
    let (status, _) = scrape(&s.url("/metrics"), Some(TOKEN)).await;
    assert_eq!(status, 404, "no metrics unless configured");
    let data = s.kill9();

    let file = token_file(&data);
    let s = TestServer::start_with(data, &["--metrics-token-file", &file]).await;
    let (status, body) = scrape(&s.url("/metrics"), None).await;
    assert_eq!(status, 401, "{body}");
    let (status, _) = scrape(&s.url("/metrics"), Some("not-the-token-at-all")).await;
    assert_eq!(status, 401);
    // A person's own API token opens the wiki, not the metrics.
    s.data.add_user("mia", PASSWORD, true);
    let personal = s.token_for("mia");
    assert_eq!(scrape(&s.url("/metrics"), Some(&personal)).await.0, 401);
    let (status, body) = scrape(&s.url("/metrics"), Some(TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("fika_build_info{version="));
}

/// What the counters say is what was done: one failed and one good sign-in, page views by
/// their route, a search; the gauges agree with the database.
async fn metrics_count_what_happened(b: Backend) {
    let data = Arc::new(TestData::new(&b));
    let file = token_file(&data);
    let s = TestServer::start_with(data, &["--metrics-token-file", &file]).await;
    s.data.add_user("mia", PASSWORD, true);
    let admin = s.token_for("mia");
    let (status, j) = s
        .post_json("/api/v1/units/tribe", &admin, json!({"name": "Core"}))
        .await;
    assert_eq!(status, 201, "{j}");

    let c = s.client();
    let res = c
        .post_form(
            "/login",
            &[("username", "mia"), ("password", "wrong"), ("next", "/")],
        )
        .await;
    assert_eq!(res.status(), 401);
    c.login("mia", PASSWORD).await;
    for _ in 0..3 {
        assert_eq!(c.get("/tribes/core").await.status(), 200);
    }
    assert_eq!(c.get("/search?q=core").await.status(), 200);
    assert_eq!(c.get("/no/such/page/4711").await.status(), 404);

    // The index catches up by itself; the scrape says when.
    let deadline = Instant::now() + Duration::from_secs(30);
    let all = loop {
        let (status, body) = scrape(&s.url("/metrics"), Some(TOKEN)).await;
        assert_eq!(status, 200, "{body}");
        let all = series(&body);
        if value(&all, "fika_index_lag_changes") == 0.0 || Instant::now() > deadline {
            break all;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(value(&all, r#"fika_sign_ins_total{outcome="failed"}"#), 1.0);
    assert_eq!(value(&all, r#"fika_sign_ins_total{outcome="ok"}"#), 1.0);
    let views = r#"fika_http_request_duration_seconds_count{method="GET",route="/tribes/{slug}",status="2xx"}"#;
    assert_eq!(value(&all, views), 3.0);
    let lost =
        r#"fika_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"}"#;
    assert_eq!(value(&all, lost), 1.0);
    assert!(
        !all.keys().any(|k| k.contains("4711")),
        "a path no route took makes no series of its own"
    );
    assert_eq!(value(&all, "fika_search_duration_seconds_count"), 1.0);
    assert_eq!(value(&all, "fika_database_up"), 1.0);
    assert_eq!(value(&all, "fika_index_lag_changes"), 0.0);
    assert_eq!(value(&all, "fika_index_lag_seconds"), 0.0);
    let head = fika::db::changelog::head(&mut s.data.connect()).unwrap();
    assert!(head > 0);
    assert_eq!(value(&all, "fika_changelog_head"), head as f64);
    assert_eq!(value(&all, "fika_index_applied"), head as f64);
    for queue in ["events", "mail", "webhooks"] {
        let pending = value(&all, &format!(r#"fika_outbox_pending{{queue="{queue}"}}"#));
        assert!(pending >= 0.0);
    }
    assert_eq!(value(&all, r#"fika_outbox_failed{queue="mail"}"#), 0.0);
    assert!(value(&all, "process_resident_memory_bytes") > 1e6);
    assert!(value(&all, r#"fika_db_connections{state="idle"}"#) >= 1.0);
}

/// The outbox gauges read the outboxes: a webhook delivery that cannot be made waits, and
/// shows as pending with its age.
async fn the_outbox_backlog_is_what_waits(b: Backend) {
    let data = Arc::new(TestData::new(&b));
    let file = token_file(&data);
    let s = TestServer::start_with(data, &["--metrics-token-file", &file]).await;
    let mut conn = s.data.connect();
    use diesel::connection::SimpleConnection;
    // Two deliveries waiting (one an hour old), one given up: written as the outbox keeps
    // them, to a webhook that exists.
    conn.batch_execute(
        "INSERT INTO webhooks (name, url, format, events, secret, active, created_at, \
         updated_at) VALUES ('chat', 'https://chat.example.com/hook', 'slack', \
         'lesson_published', 's', TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )
    .unwrap_or_else(|e| panic!("insert webhook: {e}"));
    for (key, attempts, age) in [("a", 0, 3600), ("b", 3, 10), ("c", 12, 7200)] {
        let created = (chrono::Utc::now() - chrono::Duration::seconds(age))
            .naive_utc()
            .format("%Y-%m-%d %H:%M:%S");
        conn.batch_execute(&format!(
            "INSERT INTO webhook_deliveries (webhook_id, delivery_key, event_kind, title, \
             payload, created_at, attempts, next_attempt_at, last_response) VALUES \
             ((SELECT id FROM webhooks WHERE name = 'chat'), '{key}', 'lesson_published', 't', '{{}}', '{created}', {attempts}, \
             '2999-01-01 00:00:00', '')"
        ))
        .unwrap_or_else(|e| panic!("insert delivery: {e}"));
    }
    let (_, body) = scrape(&s.url("/metrics"), Some(TOKEN)).await;
    let all = series(&body);
    assert_eq!(value(&all, r#"fika_outbox_pending{queue="webhooks"}"#), 2.0);
    assert_eq!(value(&all, r#"fika_outbox_failed{queue="webhooks"}"#), 1.0);
    let oldest = value(&all, r#"fika_outbox_oldest_seconds{queue="webhooks"}"#);
    assert!((3590.0..3700.0).contains(&oldest), "{oldest}");
}

backend_tests!(
    metrics_are_off_until_asked_for_and_need_their_token,
    metrics_count_what_happened,
    the_outbox_backlog_is_what_waits,
);

/// A free port on 127.0.0.1 for a program that takes its address as a flag.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Prometheus(Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tool(var: &str, default: &str) -> String {
    let path = std::env::var(var).unwrap_or_else(|_| default.into());
    assert!(
        std::path::Path::new(&path).exists(),
        "this test needs {path}: install Debian's prometheus (bash .ci/test-services start does)"
    );
    path
}

/// The metrics address serves `/metrics` without a token and nothing else; Prometheus's
/// `promtool` finds nothing to say about the text; and a real Prometheus scrapes both ways
/// in (the address, and the main port with the token) and answers a query with the change
/// log's head as the database has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Prometheus: see README, Run the tests"]
async fn a_real_prometheus_scrapes_fika() {
    let promtool = tool("FIKA_TEST_PROMTOOL", "/usr/bin/promtool");
    let prometheus = tool("FIKA_TEST_PROMETHEUS", "/usr/bin/prometheus");
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let file = token_file(&data);
    let s = TestServer::start_with(
        data,
        &[
            "--metrics-addr",
            "127.0.0.1:0",
            "--metrics-token-file",
            &file,
        ],
    )
    .await;
    s.data.add_user("mia", PASSWORD, true);
    let admin = s.token_for("mia");
    let (status, _) = s
        .post_json("/api/v1/units/tribe", &admin, json!({"name": "Core"}))
        .await;
    assert_eq!(status, 201);
    let url = metrics_url(&s).await;
    let (status, body) = scrape(&url, None).await;
    assert_eq!(status, 200, "{body}");
    let elsewhere = url.replace("/metrics", "/tribes/core");
    let (status, said) = scrape(&elsewhere, Some(&admin)).await;
    assert_eq!(
        status, 404,
        "the metrics address serves nothing else: {said}"
    );

    let mut check = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    check
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = check.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool: {said}"
    );

    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("token");
    std::fs::write(&secret, TOKEN).unwrap();
    let main = s.url.trim_start_matches("http://").to_string();
    let metrics = url
        .trim_start_matches("http://")
        .trim_end_matches("/metrics")
        .to_string();
    let config = format!(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n\
         - job_name: fika-metrics-addr\n  static_configs: [{{targets: ['{metrics}']}}]\n\
         - job_name: fika-token\n  authorization: {{credentials_file: '{}'}}\n  \
         static_configs: [{{targets: ['{main}']}}]\n",
        secret.display()
    );
    let config_file = dir.path().join("prometheus.yml");
    std::fs::write(&config_file, config).unwrap();
    let port = free_port();
    let _prometheus = Prometheus(
        Command::new(&prometheus)
            .arg(format!("--config.file={}", config_file.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("tsdb").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("prometheus.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let head = fika::db::changelog::head(&mut s.data.connect()).unwrap();
    assert!(head > 0);
    let query = |q: &str| {
        let q = q.to_string();
        async move {
            let url = format!("http://127.0.0.1:{port}/api/v1/query");
            let res = reqwest::Client::new()
                .get(url)
                .query(&[("query", q.as_str())])
                .send()
                .await
                .ok()?;
            let j: serde_json::Value = res.json().await.ok()?;
            let mut found = BTreeMap::new();
            for r in j["data"]["result"].as_array()? {
                let job = r["metric"]["job"].as_str()?.to_string();
                found.insert(job, r["value"][1].as_str()?.parse::<f64>().ok()?);
            }
            Some(found)
        }
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let found = loop {
        let found = query("fika_changelog_head").await.unwrap_or_default();
        if found.len() == 2 || Instant::now() > deadline {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let said = std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default();
    assert_eq!(
        found.get("fika-metrics-addr"),
        Some(&(head as f64)),
        "{found:?}; Prometheus said:\n{said}"
    );
    assert_eq!(found.get("fika-token"), Some(&(head as f64)), "{found:?}");
    let up = query("up").await.unwrap_or_default();
    assert_eq!(up.get("fika-token"), Some(&1.0), "{up:?}");
    assert_eq!(up.get("fika-metrics-addr"), Some(&1.0), "{up:?}");
}
