//! The command line: help, user management, demo loading and clear errors on bad input.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::backend_tests;
use crate::harness::{BIN, Backend, CliOutput, PASSWORD, TestData, TestServer, run};

fn fika(args: &[&str]) -> CliOutput {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("FIKA_DATABASE_URL")
        .env_remove("FIKA_PASSWORD")
        .env("FIKA_LOG", "warn");
    run(cmd)
}

/// One line on stderr, non-zero exit.
fn assert_clear_failure(out: &CliOutput, needle: &str) {
    assert!(!out.success, "should fail: {}", out.stdout);
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got: {}", out.stderr);
    assert!(lines[0].starts_with("fika: "), "{}", lines[0]);
    assert!(
        lines[0].contains(needle),
        "{:?} should mention {needle:?}",
        lines[0]
    );
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "passwd", "--help"],
        vec!["user", "token", "--help"],
    ] {
        let out = fika(&args);
        assert!(out.success, "{args:?}: {}", out.stderr);
        assert!(out.stdout.contains("Usage:"), "{args:?}");
    }
    let out = fika(&["serve", "--help"]);
    for flag in [
        "--addr",
        "--data-dir",
        "--database-url",
        "--demo",
        "--public-read",
    ] {
        assert!(out.stdout.contains(flag), "serve --help lists {flag}");
    }
}

#[test]
fn bad_settings_fail_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = fika(&[
        "migrate",
        "--data-dir",
        d,
        "--database-url",
        "mysql://x@y/z",
    ]);
    assert_clear_failure(&out, "unsupported database URL");

    let out = fika(&[
        "migrate",
        "--data-dir",
        d,
        "--database-url",
        "postgres://fika:secret@127.0.0.1:1/none",
    ]);
    assert_clear_failure(&out, "cannot connect to PostgreSQL");
    assert!(
        !out.stderr.contains("secret"),
        "the password is not printed"
    );

    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let inside = file.join("data");
    let out = fika(&["migrate", "--data-dir", inside.to_str().unwrap()]);
    assert_clear_failure(&out, "cannot create data dir");

    let out = fika(&["serve", "--data-dir", d, "--addr", "not-an-address"]);
    assert!(!out.success);
    assert!(out.stderr.contains("invalid value"), "{}", out.stderr);

    // Single sign-on half set up is refused before anything starts.
    let serve = ["serve", "--data-dir", d, "--addr", "127.0.0.1:0"];
    let issuer = ["--oidc-issuer", "https://login.example.com"];
    let public = ["--public-url", "https://fika.example.com"];
    let client = ["--oidc-client-id", "fika"];
    let missing = dir.path().join("no-such-secret");
    let secret = ["--oidc-client-secret-file", missing.to_str().unwrap()];
    let off = ["--password-sign-in", "off"];
    let short = dir.path().join("short-token");
    std::fs::write(&short, "too-short\n").unwrap();
    let scim = ["--scim-token-file", short.to_str().unwrap()];
    let cases: [(Vec<&str>, &str); 5] = [
        (
            [&serve[..], &scim].concat(),
            "the SCIM token must have at least 32 characters",
        ),
        (
            [&serve[..], &issuer].concat(),
            "--oidc-issuer needs --public-url",
        ),
        (
            [&serve[..], &issuer, &public].concat(),
            "--oidc-issuer needs --oidc-client-id",
        ),
        (
            [&serve[..], &issuer, &public, &client, &secret].concat(),
            "cannot read the client secret file",
        ),
        (
            [&serve[..], &off].concat(),
            "--password-sign-in off needs single sign-on",
        ),
    ];
    for (args, says) in cases {
        assert_clear_failure(&fika(&args), says);
    }
}

async fn port_in_use_is_a_clear_error(b: Backend) {
    let s = TestServer::start(b).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let data = TestData::new(&Backend::Sqlite);
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--demo", "--addr", &addr])
        .args(data.args())
        .env("FIKA_LOG", "warn");
    let out = tokio::task::spawn_blocking(move || run(cmd)).await.unwrap();
    assert_clear_failure(&out, "cannot listen on");
    assert!(
        !data.dir.path().join("fika.db").exists(),
        "nothing was written before the port was known to be free"
    );
}

async fn user_commands(b: Backend) {
    let data = TestData::new(&b);
    // From FIKA_PASSWORD.
    let out = data.cli(
        &[
            "user",
            "add",
            "Alice",
            "--name",
            "Alice Lindqvist",
            "--email",
            "alice@example.se",
            "--admin",
        ],
        Some(PASSWORD),
    );
    assert!(out.success, "{}", out.stderr);
    assert!(out.stdout.contains("added alice"), "{}", out.stdout);
    // From standard input.
    let mut cmd = Command::new(BIN);
    cmd.args(["user", "add", "bob", "--name", "Bob"])
        .args(data.args())
        .env_remove("FIKA_PASSWORD")
        .env("FIKA_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"bobs-long-password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert_clear_failure(
        &data.cli(&["user", "add", "alice", "--name", "Again"], Some(PASSWORD)),
        "already taken",
    );
    assert_clear_failure(
        &data.cli(&["user", "add", "bad name", "--name", "X"], Some(PASSWORD)),
        "username",
    );
    assert_clear_failure(
        &data.cli(&["user", "add", "carol", "--name", "Carol"], Some("short")),
        "at least 10",
    );
    assert_clear_failure(
        &data.cli(
            &["user", "add", "carol", "--name", "Carol", "--email", "nope"],
            Some(PASSWORD),
        ),
        "e-mail",
    );
    assert_clear_failure(
        &data.cli(&["user", "passwd", "nobody"], Some(PASSWORD)),
        "no user named",
    );
    assert_clear_failure(
        &data.cli(&["user", "token", "nobody"], None),
        "no user named",
    );

    let out = data.cli(&["user", "passwd", "bob"], Some("bobs-new-password"));
    assert!(out.success, "{}", out.stderr);

    // The CLI works next to a running server on the same data.
    let s = TestServer::start_with(std::sync::Arc::new(data), &[]).await;
    s.client().login("bob", "bobs-new-password").await;
    let out = s
        .data
        .cli(&["user", "token", "alice", "--name", "ci"], None);
    assert!(out.success, "{}", out.stderr);
    let token = out.stdout.trim().to_string();
    assert!(
        token.starts_with("fika_") && !token.contains(char::is_whitespace),
        "{token:?}"
    );
    let res = s.get_with_token("/account", &token).await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("Alice Lindqvist"));
    assert!(
        body.contains("<td>ci</td>"),
        "the token is listed by its label"
    );

    // List and revoke from the command line.
    let out = s.data.cli(&["user", "token", "alice", "--list"], None);
    assert!(out.success, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.ends_with("\tci"))
        .expect("listed");
    assert!(line.contains("\tactive\t"), "{line}");
    let id = line.split('\t').next().unwrap().to_string();
    assert_clear_failure(
        &s.data
            .cli(&["user", "token", "alice", "--revoke", "999999"], None),
        "no active token",
    );
    let out = s
        .data
        .cli(&["user", "token", "alice", "--revoke", &id], None);
    assert!(out.success, "{}", out.stderr);
    let res = s.get_with_token("/account", &token).await;
    assert_eq!(res.status(), 401, "a revoked token no longer works");
    assert_clear_failure(
        &s.data.cli(&["user", "token", "alice", "--name", ""], None),
        "Give the token a name",
    );
}

async fn demo_loads_once(b: Backend) {
    let data = std::sync::Arc::new(TestData::new(&b));
    let s = TestServer::start_with(data.clone(), &["--demo"]).await;
    assert!(
        s.wait_for_log("Sign in as alice").await,
        "the demo sign-in is printed: {}",
        s.log()
    );
    s.client().login("alice", "fika-demo-2026").await;
    let c = s.client();
    c.login("alice", "fika-demo-2026").await;
    let users = c.get("/admin/users").await.text().await.unwrap();
    assert!(users.contains("Björn Andersson"));
    // Change the admin's password, restart with --demo: nothing is touched.
    data.cli(&["user", "passwd", "alice"], Some("my-own-password"));
    drop(s);
    let s = TestServer::start_with(data, &["--demo"]).await;
    assert!(s.wait_for_log("already has content").await, "{}", s.log());
    s.client().login("alice", "my-own-password").await;
}

backend_tests!(
    port_in_use_is_a_clear_error,
    user_commands,
    demo_loads_once,
    check_says_what_is_wrong,
    sigterm_keeps_every_acknowledged_write,
);

/// The service unit in `contrib/` is one systemd accepts, and as hardened as the README
/// says: `systemd-analyze verify` finds nothing to say, and `systemd-analyze security`
/// rates its exposure "OK" (below 2 of 10) — judged by systemd's own tools, not ours.
#[test]
#[ignore = "needs systemd-analyze: see README, Run the tests"]
fn the_service_unit_is_valid_and_hardened() {
    let analyze = std::env::var("FIKA_TEST_SYSTEMD_ANALYZE")
        .unwrap_or_else(|_| "/usr/bin/systemd-analyze".into());
    assert!(
        std::path::Path::new(&analyze).exists(),
        "this test needs {analyze}: install systemd (bash .ci/test-services start does)"
    );
    let unit =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/contrib/fika.service"))
            .expect("contrib/fika.service");
    for needed in [
        "User=fika",
        "StateDirectory=fika",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
    ] {
        assert!(unit.contains(needed), "{needed} is missing");
    }
    // systemd checks that ExecStart names a program: this build's, where the unit has the
    // installed path.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fika.service");
    std::fs::write(&path, unit.replace("/usr/local/bin/fika", BIN)).unwrap();
    let out = Command::new(&analyze)
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze runs");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("fika.service"), "verify complains: {said}");
    let out = Command::new(&analyze)
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(&path)
        .output()
        .expect("systemd-analyze security runs");
    let report = String::from_utf8_lossy(&out.stdout);
    let level: f64 = report
        .lines()
        .find_map(|l| l.split("exposure level for fika.service: ").nth(1))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in {report}"));
    assert!(level < 2.0, "exposure {level}: {report}");
}

/// `fika check` beside a running fika: what is fine reads "ok", the index's lag is measured,
/// nothing is changed; a database that cannot be reached fails it, in words and in the exit
/// status.
async fn check_says_what_is_wrong(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("alice", PASSWORD, false);
    // Open to every user of the machine, the data dir is worth a warning; private, it is fine.
    let said = s.data.cli(&["check"], None).stdout;
    assert!(said.contains("warn  data dir"), "{said}");
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o750);
        std::fs::set_permissions(s.data.dir.path(), private).unwrap();
    }
    let out = s.data.cli(&["check"], None);
    assert!(out.success, "{}\n{}", out.stdout, out.stderr);
    for line in ["ok    database", "ok    sign-in", "ok    data dir"] {
        assert!(out.stdout.contains(line), "{line}: {}", out.stdout);
    }
    // The index: there once the server built it, and caught up soon after.
    let mut said = String::new();
    for _ in 0..100 {
        said = s.data.cli(&["check"], None).stdout;
        if said.contains("ok    index       0 changes behind") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        said.contains("ok    index       0 changes behind"),
        "{said}"
    );
    assert!(said.contains("warn  public URL"), "{said}");

    // A data dir fika makes itself is private from the start.
    let made = s.data.dir.path().join("made-by-fika");
    let mut cmd = Command::new(BIN);
    cmd.args(["migrate", "--data-dir"])
        .arg(&made)
        .env_remove("FIKA_DATABASE_URL")
        .env("FIKA_LOG", "warn");
    assert!(run(cmd).success);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&made).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o750, "{mode:o}");
    }

    // Settings that cannot work fail the check, each in its own words.
    let mut cmd = Command::new(BIN);
    cmd.args(["check", "--data-dir"])
        .arg(s.data.dir.path())
        .args(["--database-url", "postgres://nobody@127.0.0.1:1/none"])
        .args([
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            "1",
            "--smtp-tls",
            "none",
        ])
        .args(["--mail-from", "fika <fika@example.com>"])
        .args(["--public-url", "https://fika.example.com"])
        .env_remove("FIKA_DATABASE_URL")
        .env("FIKA_LOG", "warn");
    let out = run(cmd);
    assert!(!out.success);
    assert!(out.stdout.contains("FAIL  database"), "{}", out.stdout);
    assert!(out.stdout.contains("FAIL  mail"), "{}", out.stdout);
    assert!(out.stderr.contains("2 checks failed"), "{}", out.stderr);
}

/// SIGTERM in the middle of a stream of writes: fika stops taking new connections, finishes
/// the requests it has, and exits 0; every write it acknowledged is there after a restart,
/// and no request it took was cut off — those that came too late were refused a connection.
/// (One the kernel had queued in the instant the socket closed is reset unread: then fika's
/// log has no line of it and its write is nowhere.)
async fn sigterm_keeps_every_acknowledged_write(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("alice", PASSWORD, true);
    let token = s.token_for("alice");
    let url = s.url("/api/v1/lessons");
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (url, token) = (url.clone(), token.clone());
            tokio::spawn(async move {
                // A connection per request: a pooled one closing at shutdown is the client's
                // race, not what this test is about.
                let http = reqwest::Client::builder()
                    .pool_max_idle_per_host(0)
                    .build()
                    .unwrap();
                let (mut acknowledged, mut unread) = (Vec::new(), Vec::new());
                for i in 0.. {
                    let title = format!("Write {w}.{i}");
                    let body = serde_json::json!({"title": title, "body": "x"});
                    let sent = http
                        .post(&url)
                        .bearer_auth(&token)
                        .header("x-request-id", format!("write-{w}-{i}"))
                        .json(&body)
                        .send()
                        .await;
                    match sent {
                        Ok(res) => {
                            assert_eq!(res.status(), 201, "writer {w}, write {i}");
                            let j: serde_json::Value = res.json().await.expect("a whole answer");
                            acknowledged.push(j["id"].as_i64().unwrap());
                        }
                        Err(e) if e.is_connect() => break,
                        Err(_) => {
                            unread.push((format!("id=write-{w}-{i} "), title));
                            break;
                        }
                    }
                }
                (acknowledged, unread)
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let (code, log, data) = tokio::task::spawn_blocking(move || s.terminate())
        .await
        .unwrap();
    assert_eq!(code, Some(0), "a clean exit: {log}");
    let (mut acknowledged, mut unread) = (Vec::new(), Vec::new());
    for w in writers {
        let (a, u) = w.await.unwrap();
        acknowledged.extend(a);
        unread.extend(u);
    }
    assert!(
        acknowledged.len() > 8,
        "the stream ran: {}",
        acknowledged.len()
    );
    assert!(log.contains("finishing the requests in flight"), "{log}");
    // Refusing connections while stopping is the plan, not an error for the operator.
    assert!(
        !log.contains(" ERROR "),
        "a clean stop logs no error: {log}"
    );
    // The indexer and the notification workers finished their step and ended.
    assert!(
        log.contains("stopped") && !log.contains("unfinished"),
        "{log}"
    );
    let s = TestServer::start_with(data, &[]).await;
    for id in acknowledged {
        let (status, j) = s.get_json(&format!("/api/v1/lessons/{id}"), &token).await;
        assert_eq!(status, 200, "lesson {id}: {j}");
    }
    let (_, all) = s.get_items("/api/v1/lessons", &token).await;
    let all = all.to_string();
    for (line, title) in unread {
        assert!(
            !log.contains(&line),
            "fika took {line} and cut it off: {log}"
        );
        assert!(
            !all.contains(&format!("\"{title}\"")),
            "{title} was written"
        );
    }
}

/// `contrib/release.sh` splits a build into the binary to ship, without debug info, and
/// `fika.debug`, which the binary names (.gnu_debuglink) so backtraces and gdb find it. Run
/// here on this test build's binary (a release build is the script's default).
#[test]
fn the_release_script_ships_a_lean_binary_with_its_debug_info_beside() {
    let out = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/contrib/release.sh");
    let done = Command::new("bash")
        .arg(script)
        .arg(out.path())
        .env("FIKA_BIN", BIN)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let (lean, debug) = (out.path().join("fika"), out.path().join("fika.debug"));
    let size = |p: &std::path::Path| std::fs::metadata(p).unwrap().len();
    // Judged by the sections, not by a ratio of sizes: how much debug info a build holds
    // is the profile's choice (line tables only, since the debug builds shrank).
    assert!(size(&lean) < size(std::path::Path::new(BIN)), "not lean");
    let version = Command::new(&lean).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("fika "));
    let sections = |p: &std::path::Path| {
        let out = Command::new("objdump").arg("-h").arg(p).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let (shipped, kept) = (sections(&lean), sections(&debug));
    assert!(shipped.contains(".gnu_debuglink"), "{shipped}");
    assert!(!shipped.contains(".debug_line"), "{shipped}");
    assert!(
        kept.contains(".debug_line"),
        "the debug info went missing: {kept}"
    );
}

/// `fika healthcheck`, the container's HEALTHCHECK: 0 while fika answers `/healthz`, also
/// when it listens on every address; a clear failure once it is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthcheck_says_whether_fika_answers() {
    let s = TestServer::start(Backend::Sqlite).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let out = fika(&["healthcheck", "--addr", &addr]);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains(r#"healthy: {"status":"ok","db":"ok"}"#),
        "{}",
        out.stdout
    );
    let port = addr.rsplit(':').next().unwrap();
    let everywhere = format!("0.0.0.0:{port}");
    let out = fika(&["healthcheck", "--addr", &everywhere]);
    assert!(out.success, "asked on loopback: {}", out.stderr);
    drop(s);
    let out = fika(&["healthcheck", "--addr", &addr]);
    assert_clear_failure(&out, "fika does not answer on");
}
