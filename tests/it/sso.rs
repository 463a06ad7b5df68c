//! Single sign-on through a real OpenID provider: the `oidc-provider` package from the npm
//! registry (installed by `.ci/test-services`), started per test on 127.0.0.1 with
//! `fixtures/oidc-provider.mjs`, whose development login page takes any username. People are
//! made just in time or linked by verified e-mail, refused when they must be, and signed out
//! at the provider too; password sign-in can be turned off but for a break-glass admin.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, TestData, TestServer};

/// A running oidc-provider; stopped on drop.
pub struct OidcProvider {
    child: Child,
    pub issuer: String,
}

/// A free port on 127.0.0.1 (bound, then let go: fika must know its address before it starts).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl OidcProvider {
    /// Starts the provider with these accounts (login → claims) for a fika on `fika_port`.
    pub fn start(accounts: serde_json::Value, fika_port: u16) -> OidcProvider {
        let dir = std::env::var("FIKA_TEST_OIDC").unwrap_or_else(|_| {
            panic!(
                "this test needs an OpenID provider: set FIKA_TEST_OIDC to a directory with \
                 node_modules/oidc-provider, e.g. with eval \"$(bash .ci/test-services start)\""
            )
        });
        // The script is run from the package's directory so that Node finds the package.
        let script = std::path::Path::new(&dir).join(format!(
            "fika-provider-{}-{fika_port}.mjs",
            std::process::id()
        ));
        std::fs::write(&script, include_str!("fixtures/oidc-provider.mjs")).expect("script");
        let port = free_port();
        let mut child = Command::new("node")
            .arg(&script)
            .env("FIKA_OIDC_PORT", port.to_string())
            .env("FIKA_OIDC_ACCOUNTS", accounts.to_string())
            .env(
                "FIKA_OIDC_POST_LOGOUT_URIS",
                format!("http://127.0.0.1:{fika_port}/login"),
            )
            .stdout(Stdio::piped())
            // Its warnings about development-only settings are expected; shown on failure.
            .stderr(Stdio::piped())
            .spawn()
            .expect("start node (install nodejs)");
        let (tx, rx) = std::sync::mpsc::channel();
        let out: [Box<dyn std::io::Read + Send>; 2] = [
            Box::new(child.stdout.take().expect("stdout")),
            Box::new(child.stderr.take().expect("stderr")),
        ];
        for stream in out {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut said = String::new();
        loop {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
                if line.contains("listening on") {
                    break;
                }
                said.push_str(&line);
                said.push('\n');
            }
            assert!(
                Instant::now() < deadline,
                "oidc-provider did not start:\n{said}"
            );
        }
        let _ = std::fs::remove_file(&script);
        OidcProvider {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// fika with single sign-on through `issuer`, on `port`, with the secret in a file.
pub async fn sso_server(
    data: Arc<TestData>,
    issuer: &str,
    port: u16,
    extra: &[&str],
) -> TestServer {
    let secret = data.dir.path().join("oidc-secret");
    std::fs::write(&secret, "fika-test-secret\n").expect("secret file");
    let addr = format!("127.0.0.1:{port}");
    let public = format!("http://{addr}");
    let secret = secret.display().to_string();
    let mut args = vec![
        "--addr",
        &addr,
        "--public-url",
        &public,
        "--oidc-issuer",
        issuer,
        "--oidc-client-id",
        "fika",
        "--oidc-client-secret-file",
        &secret,
        "--oidc-admin-group",
        "fika-admins",
        "--oidc-label",
        "Example SSO",
        "--oidc-scopes",
        "openid email profile groups",
    ];
    args.extend_from_slice(extra);
    TestServer::start_with(data, &args).await
}

/// The absolute address a response sends the browser to.
fn location(res: &reqwest::Response, base: &str) -> String {
    let loc = res.headers()["location"].to_str().expect("location");
    if loc.starts_with("http") {
        loc.to_string()
    } else {
        format!("{base}{loc}")
    }
}

/// Starts a sign-in at fika and goes through the provider's login and consent pages as
/// `login`; returns the callback address the provider sends the browser back to (not yet
/// opened, so a test can open it twice, or changed).
pub async fn through_provider(c: &Client, issuer: &str, login: &str) -> String {
    let res = c.get("/auth/oidc/start?next=/lessons").await;
    assert_eq!(res.status(), 303, "the sign-in starts at the provider");
    let mut next = location(&res, &c.base);
    assert!(next.starts_with(issuer), "{next}");
    for _ in 0..12 {
        if next.starts_with(&c.base) {
            return next;
        }
        let res = c.http.get(&next).send().await.expect("provider");
        if res.status().is_redirection() {
            next = location(&res, issuer);
            continue;
        }
        // One of the provider's interaction pages: the login form, then the consent form.
        let body = res.text().await.expect("page");
        let action = body
            .split("action=\"")
            .nth(1)
            .and_then(|a| a.split('"').next())
            .unwrap_or_else(|| panic!("a form on the provider's page:\n{body}"))
            .to_string();
        let form: Vec<(&str, &str)> = if body.contains("name=\"login\"") {
            vec![("prompt", "login"), ("login", login), ("password", "any")]
        } else {
            vec![("prompt", "consent")]
        };
        let target = if action.starts_with("http") {
            action
        } else {
            format!("{issuer}{action}")
        };
        let res = c.http.post(&target).form(&form).send().await.expect("form");
        next = location(&res, issuer);
    }
    panic!("the provider did not send the browser back to fika");
}

/// Signs in through the provider; the callback's answer.
pub async fn sign_in(c: &Client, issuer: &str, login: &str) -> reqwest::Response {
    let back = through_provider(c, issuer, login).await;
    c.http.get(&back).send().await.expect("callback")
}

/// The username the client is signed in as, from the account page (`None`: not signed in).
async fn signed_in_as(c: &Client) -> Option<String> {
    let res = c.get("/account").await;
    if res.status() != 200 {
        return None;
    }
    let body = res.text().await.expect("account");
    let marker = "</strong> (";
    let start = body.find(marker)? + marker.len();
    Some(body[start..].split(')').next()?.to_string())
}

fn person(data: &TestData, username: &str) -> (bool, bool, Option<String>, Option<String>) {
    use diesel::prelude::*;
    use fika::db::schema::people::dsl as p;
    let mut c = data.connect();
    p::people
        .filter(p::username.eq(username))
        .select((p::is_admin, p::disabled, p::email, p::password_hash))
        .first(&mut c)
        .unwrap_or_else(|e| panic!("no person {username}: {e}"))
}

fn people_like(data: &TestData, pattern: &str) -> i64 {
    use diesel::prelude::*;
    use fika::db::schema::people::dsl as p;
    p::people
        .filter(p::username.like(pattern))
        .count()
        .get_result(&mut data.connect())
        .expect("count")
}

fn sql(data: &TestData, statement: &str) {
    diesel::sql_query(statement)
        .execute(&mut data.connect())
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

fn add(data: &TestData, username: &str, email: Option<&str>) {
    let mut args = vec!["user", "add", username, "--name", username];
    if let Some(e) = email {
        args.extend(["--email", e]);
    }
    let out = data.cli(&args, Some(PASSWORD));
    assert!(out.success, "{}", out.stderr);
}

async fn first_sign_in_makes_or_links_the_person(backend: Backend) {
    let data = Arc::new(TestData::new(&backend));
    add(&data, "ben", Some("Ben@Example.test"));
    add(&data, "carl", None);
    let port = free_port();
    let provider = OidcProvider::start(
        serde_json::json!({
            "ana": {"preferred_username": "Ana.Lima@corp.example", "name": "Ana Lima",
                    "email": "ana.lima@corp.example", "groups": ["fika-admins", "staff"]},
            "ben": {"email": "ben@example.test"},
            "carl": {"email": "carl@elsewhere.test", "name": "Carl from SSO"},
        }),
        port,
    );
    let s = sso_server(data.clone(), &provider.issuer, port, &[]).await;

    // Just in time: the username from the claim's local part, the admin group honoured,
    // no password; sent on to where the sign-in started.
    let c = s.client();
    let res = sign_in(&c, &provider.issuer, "ana").await;
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    assert_eq!(res.headers()["location"], "/lessons");
    assert_eq!(signed_in_as(&c).await.as_deref(), Some("ana.lima"));
    let (admin, _, email, hash) = person(&data, "ana.lima");
    assert!(admin, "the admin group makes an administrator");
    assert_eq!(email.as_deref(), Some("ana.lima@corp.example"));
    assert!(
        hash.is_none(),
        "a person from single sign-on has no password"
    );
    let account = c.get("/account").await.text().await.unwrap();
    assert!(
        account.contains("You sign in with Example SSO"),
        "{account}"
    );
    assert!(
        !account.contains("Change password"),
        "no password form to fail in"
    );
    // The administrator sees how each person signs in.
    let users = c.get("/admin/users").await.text().await.unwrap();
    let row = crate::harness::element(&users, "tr", "<td>ana.lima</td>");
    assert!(row.contains("<td>single sign-on</td>"), "{row}");
    let row = crate::harness::element(&users, "tr", "<td>ben</td>");
    assert!(row.contains("<td>password</td>"), "{row}");

    // The second time the same person, not a new one.
    let again = s.client();
    assert_eq!(sign_in(&again, &provider.issuer, "ana").await.status(), 303);
    assert_eq!(signed_in_as(&again).await.as_deref(), Some("ana.lima"));
    assert_eq!(people_like(&data, "ana%"), 1, "one person, not two");

    // Linked by verified e-mail, whatever its case.
    let c = s.client();
    assert_eq!(sign_in(&c, &provider.issuer, "ben").await.status(), 303);
    assert_eq!(signed_in_as(&c).await.as_deref(), Some("ben"));
    assert!(
        !person(&data, "ben").0,
        "outside the admin group, no administrator"
    );

    // "carl" is someone else's username (no e-mail to link by): a suffix.
    let c = s.client();
    assert_eq!(sign_in(&c, &provider.issuer, "carl").await.status(), 303);
    assert_eq!(signed_in_as(&c).await.as_deref(), Some("carl-2"));
    let page = c.get("/people/carl-2").await.text().await.unwrap();
    assert!(
        page.contains("Carl from SSO"),
        "the name claim is the display name"
    );
}

async fn sign_ins_fika_must_refuse_are_refused(backend: Backend) {
    let data = Arc::new(TestData::new(&backend));
    add(&data, "dup1", Some("shared@example.test"));
    add(&data, "dup2", Some("SHARED@example.test"));
    add(&data, "held", Some("held@example.test"));
    add(&data, "gone", Some("gone@example.test"));
    add(&data, "twin", Some("twin@example.test"));
    sql(
        &data,
        "UPDATE people SET disabled = TRUE WHERE username = 'gone'",
    );
    let port = free_port();
    let provider = OidcProvider::start(
        serde_json::json!({
            "shared": {"email": "shared@example.test"},
            "claimer": {"email": "held@example.test", "email_verified": false},
            "gone": {"email": "gone@example.test"},
            "twin-a": {"email": "twin@example.test"},
            "twin-b": {"email": "twin@example.test"},
            "fine": {},
        }),
        port,
    );
    let s = sso_server(data.clone(), &provider.issuer, port, &[]).await;
    // The first provider account with twin's address links to twin; a second never moves
    // into the same fika account by e-mail.
    let c = s.client();
    assert_eq!(sign_in(&c, &provider.issuer, "twin-a").await.status(), 303);
    assert_eq!(signed_in_as(&c).await.as_deref(), Some("twin"));
    let refused = [
        ("twin-b", 403, "already signs in with another account"),
        ("shared", 403, "2 people in fika have the e-mail address"),
        ("claimer", 403, "has not verified the e-mail address"),
        ("gone", 403, "is disabled"),
    ];
    for (login, status, says) in refused {
        let c = s.client();
        let res = sign_in(&c, &provider.issuer, login).await;
        assert_eq!(res.status(), status, "{login}");
        let opens_session = res.headers().get_all("set-cookie").iter().any(|v| {
            let v = v.to_str().unwrap();
            v.starts_with("fika_session=") && !v.starts_with("fika_session=;")
        });
        assert!(!opens_session, "{login}: no session");
        let body = res.text().await.unwrap();
        assert!(body.contains(says), "{login}: {body}");
        assert_eq!(signed_in_as(&c).await, None, "{login} is not signed in");
    }
    // A state that is not this browser's sign-in signs no one in.
    let c = s.client();
    let back = through_provider(&c, &provider.issuer, "fine").await;
    let forged = back.replace("state=", "state=x");
    let res = c.http.get(&forged).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("not started in this browser")
    );
    assert_eq!(signed_in_as(&c).await, None);

    // A callback opened twice (the same code and state, the state cookie sent again): the
    // second finds its sign-in used.
    let c = s.client();
    let back = through_provider(&c, &provider.issuer, "fine").await;
    let state = url::Url::parse(&back)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.to_string())
        .unwrap();
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let open = || {
        bare.get(&back)
            .header("cookie", format!("fika_sso_state={state}"))
            .send()
    };
    assert_eq!(
        open().await.unwrap().status(),
        303,
        "the first time signs in"
    );
    let replay = open().await.unwrap();
    assert_eq!(replay.status(), 400);
    assert!(replay.text().await.unwrap().contains("already used"));
    // The provider said no (the person cancelled at its page).
    let res = c
        .get("/auth/oidc/callback?error=access_denied&error_description=cancelled%20by%20you")
        .await;
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("cancelled by you"));
}

async fn password_sign_in_off_but_for_break_glass(backend: Backend) {
    let data = Arc::new(TestData::new(&backend));
    data.add_user("root", PASSWORD, true);
    data.add_user("pat", PASSWORD, false);
    let port = free_port();
    let provider = OidcProvider::start(serde_json::json!({}), port);
    let off = ["--password-sign-in", "off", "--break-glass-admin", "root"];
    let s = sso_server(data.clone(), &provider.issuer, port, &off).await;
    let token = s.token_for("pat");

    let page = s.client().get("/login").await.text().await.unwrap();
    let button = page
        .find("Sign in with Example SSO")
        .expect("the provider's button");
    let form = page
        .find("name=\"password\"")
        .expect("the break-glass form");
    assert!(button < form, "the provider's button comes first");
    assert!(
        page.contains("<details"),
        "the password form is folded away"
    );

    let c = s.client();
    let res = c
        .post_form("/login", &[("username", "pat"), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Password sign-in is turned off")
    );
    assert_eq!(signed_in_as(&c).await, None);
    // A wrong password for the break-glass username reads as any other username's answer.
    let res = s
        .client()
        .post_form(
            "/login",
            &[("username", "root"), ("password", "not-it-at-all")],
        )
        .await;
    assert_eq!(
        res.status(),
        403,
        "does not tell which username keeps a password"
    );
    s.client().login("root", PASSWORD).await;
    // With single sign-on the e-mail (which links accounts) is not the person's to change.
    let c = s.client();
    assert_eq!(sign_in(&c, &provider.issuer, "pat").await.status(), 303);
    let me = signed_in_as(&c).await.expect("signed in");
    let edit = format!("/people/{me}/edit");
    let csrf = c.csrf(&edit).await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("display_name", "Pat"),
        ("email", "root@example.test"),
    ];
    assert_eq!(c.post_form(&edit, &form).await.status(), 303);
    let email = person(&data, &me).2;
    assert_ne!(
        email.as_deref(),
        Some("root@example.test"),
        "the e-mail stayed"
    );
    // API tokens keep working.
    let (status, _) = s.get_json("/api/v1/lessons", &token).await;
    assert_eq!(status, 200);

    // A session opened by single sign-on ends at the provider too; a password one does not.
    let c = s.client();
    assert_eq!(sign_in(&c, &provider.issuer, "pat").await.status(), 303);
    let csrf = c.csrf("/account").await;
    let res = c.post_form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(res.status(), 200, "a page that goes on to the provider");
    let page = res.text().await.unwrap();
    let at = page.find("http-equiv=\"refresh\"").expect("a refresh");
    let refresh = &page[at..at + page[at..].find('>').unwrap()];
    let end = format!("url={}/session/end?", provider.issuer);
    assert!(refresh.contains(&end), "{refresh}");
    assert!(refresh.contains("id_token_hint="), "{refresh}");
    assert!(refresh.contains("post_logout_redirect_uri="), "{refresh}");
    assert_eq!(signed_in_as(&c).await, None, "fika's session is over");
    let c = s.client();
    c.login("root", PASSWORD).await;
    let csrf = c.csrf("/account").await;
    let res = c.post_form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(res.headers()["location"], "/login");
}

backend_tests!(
    #[ignore = "needs an OpenID provider: see README, Run the tests"]
    first_sign_in_makes_or_links_the_person,
    #[ignore = "needs an OpenID provider: see README, Run the tests"]
    sign_ins_fika_must_refuse_are_refused,
    #[ignore = "needs an OpenID provider: see README, Run the tests"]
    password_sign_in_off_but_for_break_glass,
);
