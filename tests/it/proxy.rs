//! fika behind Debian's nginx, configured with the README's example, in front of two
//! instances on one database: sign-in, a form post and the live retro board all work through
//! it, and requests reach both instances.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, TestData, TestServer, csrf_in};

/// A running nginx with its own prefix directory; stopped on drop.
struct Nginx {
    child: Child,
    bin: String,
    dir: tempfile::TempDir,
    url: String,
}

impl Nginx {
    /// The README's nginx example in front of `upstreams`, listening on `port`; fails the
    /// test when nginx is not installed (the test is `#[ignore]`d, so it only runs when asked).
    fn start(upstreams: [&str; 2], port: u16) -> Nginx {
        let bin = std::env::var("FIKA_TEST_NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into());
        assert!(
            Path::new(&bin).exists(),
            "this test needs {bin}: install nginx (bash .ci/test-services start does)"
        );
        let site = readme_example()
            .replace(
                "server 127.0.0.1:8080;",
                &format!("server {};", upstreams[0]),
            )
            .replace(
                "server 127.0.0.1:8081;",
                &format!("server {};", upstreams[1]),
            )
            .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
        let dir = tempfile::tempdir().expect("nginx dir");
        // Worker processes drop root's rights; they write their buffers here.
        set_mode(dir.path(), 0o777);
        let d = dir.path().display();
        let conf = format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n\
               log_format up '$request $status $upstream_addr';\n\
               access_log {d}/access.log up;\n\
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
               {site}\n\
             }}\n"
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("write nginx.conf");
        let child = Command::new(&bin)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not start: {}",
                std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            child,
            bin,
            dir,
            url,
        }
    }

    fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    /// Asks the master to stop: killing it outright would leave its worker running.
    fn drop(&mut self) {
        let stopped = Command::new(&self.bin)
            .arg("-p")
            .arg(self.dir.path())
            .arg("-c")
            .arg(self.dir.path().join("nginx.conf"))
            .args(["-s", "stop"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The ```nginx block of the README, as operators copy it.
fn readme_example() -> String {
    let readme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(readme).expect("README.md");
    let start = text
        .find("```nginx\n")
        .expect("an nginx example in the README")
        + 9;
    let len = text[start..].find("```").expect("the example's end");
    text[start..start + len].to_string()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// A POST as a browser sends it: with its page's origin.
async fn post(c: &Client, origin: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    c.http
        .post(format!("{}{path}", c.base))
        .header("origin", origin)
        .form(form)
        .send()
        .await
        .expect("POST through nginx")
}

/// The `data-version` of a retro board page.
fn board_version(html: &str) -> String {
    let at = html.find("data-version=\"").expect("a live board") + 14;
    html[at..].split('"').next().unwrap_or_default().to_string()
}

async fn sign_in_forms_and_the_live_board_work_through_nginx(b: Backend) {
    let port = free_port();
    let public = format!("http://127.0.0.1:{port}");
    let flags = ["--public-url", &public, "--trusted-proxies", "127.0.0.1"];
    let data = Arc::new(TestData::new(&b));
    let one = TestServer::start_with(data.clone(), &flags).await;
    let two = TestServer::start_with(Arc::new(data.sharing()), &flags).await;
    let nginx = Nginx::start(
        [
            one.url.trim_start_matches("http://"),
            two.url.trim_start_matches("http://"),
        ],
        port,
    );
    for u in ["admin", "paula"] {
        data.add_user(u, PASSWORD, u == "admin");
    }
    let admin = one.token_for("admin");
    let (status, j) = one
        .post_json(
            "/api/v1/units/tribe",
            &admin,
            serde_json::json!({"name": "Core"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let (status, j) = one
        .post_json(
            "/api/v1/units/squad",
            &admin,
            serde_json::json!({"name": "Payments", "tribe": "core"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");

    // Sign-in through the proxy; nginx sends `Host: 127.0.0.1` without the port, which only
    // the public URL setting reconciles with the browser's origin.
    let coach = Client::new(&nginx.url);
    let res = post(
        &coach,
        &public,
        "/login",
        &[("username", "admin"), ("password", PASSWORD), ("next", "/")],
    )
    .await;
    assert_eq!(res.status(), 303, "sign-in through nginx");
    let home = coach.get("/").await;
    assert_eq!(home.status(), 200);

    // A form: starting a retro.
    let new = coach.get("/retros/new").await.text().await.expect("page");
    let token = csrf_in(&new).expect("csrf token");
    let res = post(
        &coach,
        &public,
        "/retros/new",
        &[
            ("csrf_token", &token),
            ("squad", "payments"),
            ("format", "start_stop_continue"),
            ("title", "Through the proxy"),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let board_path = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let res = post(
        &coach,
        &public,
        &format!("{board_path}/phase"),
        &[("csrf_token", &token), ("from", "review"), ("to", "write")],
    )
    .await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );

    // The live board: polling with the version shown answers 204 until someone else writes
    // (through nginx, which sends them to either instance), then the new board.
    let member = Client::new(&nginx.url);
    let res = post(
        &member,
        &public,
        "/login",
        &[("username", "paula"), ("password", PASSWORD), ("next", "/")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = coach.get(&board_path).await.text().await.expect("board");
    let version = board_version(&page);
    for _ in 0..2 {
        let poll = coach.get(&format!("{board_path}?v={version}")).await;
        assert_eq!(poll.status(), 204, "nothing new yet");
    }
    let theirs = member.get(&board_path).await.text().await.expect("board");
    let token = csrf_in(&theirs).expect("csrf token");
    let res = post(
        &member,
        &public,
        &format!("{board_path}/cards"),
        &[
            ("csrf_token", &token),
            ("column", "0"),
            ("body", "Pairing helped"),
        ],
    )
    .await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let poll = coach.get(&format!("{board_path}?v={version}")).await;
    assert_eq!(poll.status(), 200, "the poll sees the new card");
    let fresh = poll.text().await.expect("board");
    assert_ne!(board_version(&fresh), version);
    assert!(fresh.contains("1 card written so far"), "{fresh}");

    // Both instances answered requests.
    let log = nginx.access_log();
    for upstream in [&one.url, &two.url] {
        let addr = upstream.trim_start_matches("http://");
        assert!(log.contains(addr), "{addr} never answered:\n{log}");
    }
    assert!(!log.contains(" 403 "), "no request was refused:\n{log}");
}

backend_tests!(
    #[ignore = "needs nginx: see README, Run the tests"]
    sign_in_forms_and_the_live_board_work_through_nginx
);
