//! Starts the real `fika` binary on 127.0.0.1:0 with a temporary data dir (and, for the
//! PostgreSQL runs, a database of its own), and gives tests an HTTP client with a cookie jar
//! and no automatic redirects.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

pub const BIN: &str = env!("CARGO_BIN_EXE_fika");

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// The admin URL of a PostgreSQL server; each server gets its own database on it.
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL backend. Tests that need it are `#[ignore]`d, so a plain `cargo test`
    /// counts them as not run; asked for (`-- --include-ignored`) without a server, they fail
    /// rather than pass having done nothing.
    pub fn postgres() -> Backend {
        Self::configured_postgres().unwrap_or_else(|| {
            panic!(
                "this test needs PostgreSQL: set FIKA_TEST_DATABASE_URL, e.g. with \
                 eval \"$(bash .ci/test-services start)\""
            )
        })
    }

    /// PostgreSQL when `FIKA_TEST_DATABASE_URL` is set, for a test that also means something
    /// without it.
    pub fn configured_postgres() -> Option<Backend> {
        std::env::var("FIKA_TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.trim().is_empty())
            .map(Backend::Postgres)
    }
}

/// Generates `sqlite::NAME` and `postgres::NAME` tests for each `async fn NAME(Backend)`;
/// attributes written before a name (an `#[ignore]` for a test that needs nginx) go on its
/// SQLite test, and every PostgreSQL test is ignored unless asked for.
#[macro_export]
macro_rules! backend_tests {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                $(#[$attr])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[ignore = "needs PostgreSQL: see README, Run the tests"]
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::Backend::postgres()).await
                }
            )*
        }
    };
}

/// A database for one test: a temp data dir, plus a fresh PostgreSQL database when asked.
pub struct TestData {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
    pg_admin: Option<(String, String)>,
}

impl TestData {
    /// Another instance's data: its own data dir, the same PostgreSQL database (which the
    /// first `TestData` drops).
    pub fn same_database(&self) -> TestData {
        TestData {
            dir: tempfile::tempdir().expect("temp dir"),
            database_url: self.database_url.clone(),
            pg_admin: None,
        }
    }

    /// Another instance's data on the same database, on either backend: on SQLite it opens
    /// the first instance's database file (`sqlite://…`) from a data dir of its own.
    pub fn sharing(&self) -> TestData {
        let mut other = self.same_database();
        if other.database_url.is_none() {
            other.database_url = Some(format!(
                "sqlite://{}",
                self.dir.path().join("fika.db").display()
            ));
        }
        other
    }

    pub fn new(backend: &Backend) -> TestData {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => TestData {
                dir,
                database_url: None,
                pg_admin: None,
            },
            Backend::Postgres(admin_url) => {
                let name = format!("fika_test_{}", random_suffix());
                let mut conn = PgConnection::establish(admin_url)
                    .unwrap_or_else(|e| panic!("cannot reach test PostgreSQL: {e}"));
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                TestData {
                    dir,
                    database_url: Some(replace_db_name(admin_url, &name)),
                    pg_admin: Some((admin_url.clone(), name)),
                }
            }
        }
    }

    /// `--data-dir …` and, on PostgreSQL, `--database-url …`.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            "--data-dir".to_string(),
            self.dir.path().to_string_lossy().into_owned(),
        ];
        if let Some(url) = &self.database_url {
            args.push("--database-url".into());
            args.push(url.clone());
        }
        args
    }

    /// A direct database connection, for tests that must set up what no route can (e.g. an
    /// aged session).
    pub fn connect(&self) -> fika::db::AnyConnection {
        let target =
            fika::db::DbTarget::from_settings(self.database_url.as_deref(), self.dir.path())
                .expect("database target");
        target.establish().expect("connect to the test database")
    }

    /// Drops this test's PostgreSQL database now (used to make the database unreachable).
    pub fn drop_database(&self) {
        if let Some((admin, name)) = &self.pg_admin {
            let mut conn = PgConnection::establish(admin).expect("admin connection");
            conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .expect("drop test database");
        }
    }

    /// Runs a `fika` command on this data and returns (status, stdout, stderr).
    pub fn cli(&self, args: &[&str], password: Option<&str>) -> CliOutput {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .args(self.args())
            .env_remove("FIKA_DATABASE_URL")
            .env_remove("FIKA_DATA_DIR")
            .env_remove("FIKA_PASSWORD")
            .env("FIKA_LOG", "warn");
        if let Some(p) = password {
            cmd.env("FIKA_PASSWORD", p);
        }
        run(cmd)
    }

    /// Adds a user through the CLI (a real, supported way in).
    pub fn add_user(&self, username: &str, password: &str, admin: bool) {
        let name = format!("{username} Testperson");
        let mut args = vec!["user", "add", username, "--name", &name];
        if admin {
            args.push("--admin");
        }
        let out = self.cli(&args, Some(password));
        assert!(out.success, "user add failed: {}", out.stderr);
    }
}

impl Drop for TestData {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg_admin
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

pub struct CliOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(mut cmd: Command) -> CliOutput {
    let out = cmd.output().expect("run fika");
    CliOutput {
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn random_suffix() -> String {
    use std::time::SystemTime;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// `postgres://u@h:p/admin?x` → `postgres://u@h:p/NAME?x`
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

/// A running `fika serve`. Killed when dropped.
pub struct TestServer {
    pub data: Arc<TestData>,
    pub url: String,
    child: Child,
    log: Arc<Mutex<String>>,
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(Arc::new(TestData::new(&backend)), &[]).await
    }

    /// Starts a server on existing data (e.g. again after a crash) with extra flags.
    pub async fn start_with(data: Arc<TestData>, extra: &[&str]) -> TestServer {
        let data2 = data.clone();
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        tokio::task::spawn_blocking(move || Self::spawn(data2, &extra))
            .await
            .expect("spawn server")
    }

    fn spawn(data: Arc<TestData>, extra: &[String]) -> TestServer {
        // A test that must know the port before the start (a public URL) gives its own --addr.
        let addr = if extra.iter().any(|a| a == "--addr") {
            vec![]
        } else {
            vec!["--addr", "127.0.0.1:0"]
        };
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(addr)
            .args(["--workers", "2"])
            .args(data.args())
            .args(extra)
            .env_remove("FIKA_DATABASE_URL")
            .env_remove("FIKA_DATA_DIR")
            .env_remove("FIKA_PUBLIC_READ")
            .env_remove("FIKA_DEMO")
            .env_remove("FIKA_PUBLIC_URL")
            .env_remove("FIKA_TRUSTED_PROXIES")
            .env_remove("FIKA_TRUSTED_PROXY")
            .env_remove("FIKA_COOKIE_SECURE")
            .env_remove("FIKA_OIDC_ISSUER")
            .env_remove("FIKA_OIDC_CLIENT_SECRET")
            .env_remove("FIKA_PASSWORD_SIGN_IN")
            .env_remove("FIKA_METRICS_ADDR")
            .env_remove("FIKA_METRICS_TOKEN")
            .env("FIKA_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fika serve");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let stderr = child.stderr.take().expect("stderr");
        let stdout = child.stdout.take().expect("stdout");
        for stream in [
            Box::new(stderr) as Box<dyn std::io::Read + Send>,
            Box::new(stdout),
        ] {
            let log = log.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(i) = line.find("listening on http://") {
                        // Up to a quote too: a JSON log line goes on after the address.
                        let rest = &line[i + "listening on ".len()..];
                        let url = rest.split(['"', ' ']).next().unwrap_or_default();
                        let _ = tx.send(url.to_string());
                    }
                    if let Ok(mut l) = log.lock() {
                        l.push_str(&line);
                        l.push('\n');
                    }
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = loop {
            if let Ok(url) = rx.recv_timeout(Duration::from_millis(100)) {
                break url;
            }
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "fika serve exited with {status}:\n{}",
                    log.lock().map(|l| l.clone()).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "fika serve did not start in time"
            );
        };
        TestServer {
            data,
            url,
            child,
            log,
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Waits (up to 10 s) until the server's output contains `needle`; stdout and stderr are
    /// read by separate threads, so a line may arrive after the "listening" line.
    pub async fn wait_for_log(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.log().contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// SIGTERM, as systemd or a container runtime stops fika; waits (at most a minute) for
    /// the process to end and gives its exit code and its log with the data.
    pub fn terminate(mut self) -> (Option<i32>, String, Arc<TestData>) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(60);
        let code = loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                break status.code();
            }
            assert!(Instant::now() < deadline, "fika did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        };
        // What it wrote last reaches the reader threads a moment after it ended.
        std::thread::sleep(Duration::from_millis(200));
        (code, self.log(), self.data.clone())
    }

    /// `kill -9`: no shutdown code runs.
    pub fn kill9(mut self) -> Arc<TestData> {
        let _ = self.child.kill(); // SIGKILL on Unix
        let _ = self.child.wait();
        self.data.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// GET with `Authorization: Bearer`, as a script would; no cookies, no redirects.
    pub async fn get_with_token(&self, path: &str, token: &str) -> reqwest::Response {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        http.get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET")
    }

    /// A personal API token for `username`, made with the CLI.
    pub fn token_for(&self, username: &str) -> String {
        let out = self.data.cli(&["user", "token", username], None);
        assert!(out.success, "token: {}", out.stderr);
        out.stdout.trim().to_string()
    }

    /// POSTs JSON with a bearer token; returns the status and the JSON answer.
    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.send_json(reqwest::Method::POST, path, token, body)
            .await
    }

    /// PUTs JSON with a bearer token; returns the status and the JSON answer.
    pub async fn put_json(
        &self,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.send_json(reqwest::Method::PUT, path, token, body)
            .await
    }

    async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let res = reqwest::Client::new()
            .request(method.clone(), self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// GETs every page of an API list (following `next_cursor`); the status and the items
    /// as one array. The pages must add up to the `total` each of them announced.
    pub async fn get_items(&self, path: &str, token: &str) -> (u16, serde_json::Value) {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                Some(c) => format!("{path}{sep}cursor={c}"),
                None => path.to_string(),
            };
            let (status, j) = self.get_json(&url, token).await;
            if status != 200 {
                return (status, j);
            }
            let page = j["items"]
                .as_array()
                .unwrap_or_else(|| panic!("{path}: not a list page: {j}"));
            items.extend(page.iter().cloned());
            match j["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => {
                    assert_eq!(j["total"].as_u64(), Some(items.len() as u64), "{path}: {j}");
                    return (status, serde_json::Value::Array(items));
                }
            }
        }
    }

    /// GETs JSON with a bearer token.
    pub async fn get_json(&self, path: &str, token: &str) -> (u16, serde_json::Value) {
        let res = self.get_with_token(path, token).await;
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A fresh browser-like client: cookie jar, no redirects followed.
    pub fn client(&self) -> Client {
        Client::new(&self.url)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client bound to one server.
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_string(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("GET")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{}", self.base, path))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in and checks that it worked.
    pub async fn login(&self, username: &str, password: &str) {
        let res = self
            .post_form(
                "/login",
                &[
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303, "sign-in of {username} failed");
    }

    /// The CSRF token from a page's forms.
    pub async fn csrf(&self, path: &str) -> String {
        let body = self.get(path).await.text().await.expect("body");
        csrf_in(&body).unwrap_or_else(|| panic!("no csrf_token on {path}"))
    }
}

/// A valid 1×1 PNG.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82";

impl Client {
    /// Uploads an image as the editor does and returns its address (`/images/<sha256>`).
    pub async fn upload_image(&self, bytes: &[u8], name: &str, csrf: &str) -> String {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", csrf.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
            );
        let res = self
            .http
            .post(format!("{}/images", self.base))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert_eq!(res.status(), 201, "image upload");
        let json: serde_json::Value = res.json().await.expect("upload answer");
        json["url"].as_str().expect("url").to_string()
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

/// The first `<tag …>…</tag>` element of a page that holds `needle`, tags included: the
/// delimited fragment a snapshot takes, so that the page's shell (navigation, footer) can
/// change without touching it. Elements of `tag` must not nest.
pub fn element<'a>(html: &'a str, tag: &str, needle: &str) -> &'a str {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut from = 0;
    while let Some(i) = html[from..].find(&open) {
        let start = from + i;
        let after = html[start + open.len()..].chars().next();
        if !matches!(after, Some(' ' | '>' | '\n')) {
            from = start + open.len();
            continue;
        }
        let end = html[start..]
            .find(&close)
            .map(|j| start + j + close.len())
            .unwrap_or_else(|| panic!("<{tag}> at {start} is not closed"));
        if html[start..end].contains(needle) {
            return &html[start..end];
        }
        from = end;
    }
    panic!("no <{tag}> holding {needle:?} in:\n{html}")
}

/// The directory where tests leave screenshots for people to look at.
pub fn artifacts_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

pub const PASSWORD: &str = "a-long-test-password";
