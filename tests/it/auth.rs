//! Sign-in, throttling, sessions, CSRF, API tokens, redirects and user administration.

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, TestServer, csrf_in};

async fn server_with_user(b: Backend, admin: bool) -> TestServer {
    let s = TestServer::start(b).await;
    s.data.add_user("alice", PASSWORD, admin);
    s
}

async fn sign_in_success(b: Backend) {
    let s = server_with_user(b, false).await;
    let c = s.client();
    let res = c
        .post_form(
            "/login",
            &[
                ("username", "Alice"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("fika_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "Secure only when FIKA_COOKIE_SECURE=1: {cookie}"
    );
    let home = c.get("/").await;
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(body.contains("alice Testperson"), "home greets the person");
    assert!(body.contains("Sign out"));
}

async fn sign_in_failure(b: Backend) {
    let s = server_with_user(b, false).await;
    let c = s.client();
    let res = c
        .post_form(
            "/login",
            &[("username", "alice"), ("password", "wrong-password!")],
        )
        .await;
    assert_eq!(res.status(), 401);
    assert!(res.headers().get("set-cookie").is_none());
    let body = res.text().await.unwrap();
    assert!(body.contains("Wrong username or password."));
    assert!(
        body.contains("value=\"alice\""),
        "the username is kept in the form"
    );
    // An unknown user gets exactly the same answer.
    let res = c
        .post_form(
            "/login",
            &[("username", "nobody"), ("password", "whatever-password")],
        )
        .await;
    assert_eq!(res.status(), 401);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Wrong username or password.")
    );
    assert_eq!(c.get("/").await.status(), 303, "still signed out");
}

async fn throttling_per_username_and_address(b: Backend) {
    let s = server_with_user(b, false).await;
    let c = s.client();
    for i in 0..5 {
        let res = c
            .post_form(
                "/login",
                &[("username", "alice"), ("password", "wrong-password!")],
            )
            .await;
        assert_eq!(res.status(), 401, "attempt {i}");
    }
    // The sixth attempt is refused even with the right password.
    let res = c
        .post_form("/login", &[("username", "alice"), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Too many failed sign-in attempts")
    );
    assert_eq!(c.get("/").await.status(), 303, "no session was opened");

    // One person's typos do not lock out the others at the same address (an office behind
    // one NAT): six of them sign in at once.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..6 {
        let name = format!("colleague{i}");
        s.data.add_user(&name, PASSWORD, false);
        let c = s.client();
        set.spawn(async move {
            c.post_form("/login", &[("username", &name), ("password", PASSWORD)])
                .await
                .status()
                .as_u16()
        });
    }
    assert_eq!(set.join_all().await, vec![303; 6]);
    // A successful sign-in gave its attempt back: these six do not count against the address.
    let counted = failures_from(&s, "127.0.0.1");
    assert_eq!(counted, 5, "only alice's five failures count");

    // An address is throttled once it failed 50 times within the window, across usernames.
    add_failures(&s, "127.0.0.1", 45);
    let res = c
        .post_form(
            "/login",
            &[("username", "colleague0"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 429, "address-wide throttle");
}

/// Sign-in failures recorded for a client address.
fn failures_from(s: &TestServer, addr: &str) -> i64 {
    use diesel::prelude::*;
    use fika::db::schema::login_failures;
    login_failures::table
        .filter(login_failures::client_addr.eq(addr))
        .count()
        .get_result(&mut s.data.connect())
        .expect("count failures")
}

/// Records `n` failed sign-ins from `addr` (for as many unknown usernames) just now.
fn add_failures(s: &TestServer, addr: &str, n: usize) {
    use diesel::prelude::*;
    use fika::db::schema::login_failures;
    let mut conn = s.data.connect();
    for i in 0..n {
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::username.eq(format!("guess{i}")),
                login_failures::client_addr.eq(addr),
                login_failures::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(&mut conn)
            .expect("record failure");
    }
}

/// Signs in as bob with a forged or forwarded X-Forwarded-For; the status code.
async fn sign_in_forwarded(s: &TestServer, forwarded_for: &str) -> u16 {
    s.client()
        .http
        .post(s.url("/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("username", "bob"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

async fn client_address_comes_from_trusted_proxies_only(b: Backend) {
    let data = std::sync::Arc::new(crate::harness::TestData::new(&b));
    // Behind one proxy: the client is the entry that proxy appended, the right-most.
    let s = TestServer::start_with(data.clone(), &["--trusted-proxies", "1"]).await;
    s.data.add_user("bob", PASSWORD, false);
    add_failures(&s, "203.0.113.9", 50);
    assert_eq!(sign_in_forwarded(&s, "203.0.113.9").await, 429);
    assert_eq!(
        sign_in_forwarded(&s, "198.51.100.1, 203.0.113.9").await,
        429,
        "a forged left-most entry does not dodge the throttle"
    );
    assert_eq!(
        sign_in_forwarded(&s, "203.0.113.9, 198.51.100.1").await,
        303,
        "nor lock out another address"
    );
    drop(s);

    // A list of proxy ranges: trusted hops are skipped from the right.
    let s = TestServer::start_with(
        data.clone(),
        &["--trusted-proxies", "127.0.0.0/8,10.0.0.0/8"],
    )
    .await;
    assert_eq!(sign_in_forwarded(&s, "203.0.113.9, 10.1.1.1").await, 429);
    drop(s);

    // Without trusted proxies the header is the client's own say and is ignored.
    let s = TestServer::start_with(data, &[]).await;
    assert_eq!(sign_in_forwarded(&s, "203.0.113.9").await, 303);
}

/// The change feed fetched with a token and extra request headers.
async fn changes_feed(s: &TestServer, token: &str, headers: &[(&str, &str)]) -> String {
    let mut req = s
        .client()
        .http
        .get(s.url(&format!("/feeds/changes.atom?token={token}")));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.expect("GET").text().await.expect("body")
}

async fn public_url_decides_the_origin_and_links(b: Backend) {
    let data = std::sync::Arc::new(crate::harness::TestData::new(&b));
    let s =
        TestServer::start_with(data.clone(), &["--public-url", "https://fika.example:8443"]).await;
    s.data.add_user("alice", PASSWORD, false);
    let post = |origin: &'static str, host: &'static str| {
        let c = s.client();
        async move {
            c.http
                .post(format!("{}/login", c.base))
                .header("origin", origin)
                .header("host", host)
                .form(&[("username", "alice"), ("password", PASSWORD)])
                .send()
                .await
                .expect("POST")
        }
    };
    // nginx with `proxy_set_header Host $host` on a non-default port: the Host lacks it.
    let res = post("https://fika.example:8443", "fika.example").await;
    assert_eq!(res.status(), 303, "a sign-in through the proxy works");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        cookie.contains("Secure"),
        "https public URL: Secure cookie ({cookie})"
    );
    assert_eq!(
        post("https://evil.example", "fika.example").await.status(),
        403
    );
    assert_eq!(
        post("https://evil.example", "evil.example").await.status(),
        403,
        "a forged Host does not make another origin ours"
    );
    // Feeds link to the public URL whatever Host and X-Forwarded-Host say.
    let token = s.token_for("alice");
    let feed = changes_feed(
        &s,
        &token,
        &[
            ("host", "evil.example"),
            ("x-forwarded-host", "evil.example"),
        ],
    )
    .await;
    assert!(!feed.contains("evil.example"), "{feed}");
    assert!(feed.contains("https://fika.example:8443/"), "{feed}");
    drop(s);

    // Without a public URL a forwarded host counts only from a trusted proxy, and an origin on
    // the request's host is accepted when the Host header dropped the port.
    let s = TestServer::start_with(data, &[]).await;
    let feed = changes_feed(&s, &token, &[("x-forwarded-host", "evil.example")]).await;
    assert!(!feed.contains("evil.example"), "{feed}");
    assert!(feed.contains(&s.url("/")), "{feed}");
    let c = s.client();
    let res = c
        .http
        .post(format!("{}/login", c.base))
        .header("origin", "http://localhost:8443")
        .header("host", "localhost")
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), 303);
}

async fn csrf_is_required_with_a_session(b: Backend) {
    let s = server_with_user(b, false).await;
    let c = s.client();
    c.login("alice", PASSWORD).await;

    let res = c.post_form("/logout", &[]).await;
    assert_eq!(res.status(), 403);
    let body = res.text().await.unwrap();
    assert!(body.contains("security token"), "the page says why");
    let res = c.post_form("/logout", &[("csrf_token", "forged")]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(c.get("/").await.status(), 200, "still signed in");

    // A request from another site is refused even with the right token.
    let token = c.csrf("/account").await;
    let res = c
        .http
        .post(format!("{}/logout", c.base))
        .header("origin", "http://evil.example")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // The header works as well as the form field.
    let res = c
        .http
        .post(format!("{}/account/tokens", c.base))
        .header("x-csrf-token", &token)
        .form(&[("name", "via header")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn logout_revokes_the_session(b: Backend) {
    let s = server_with_user(b, false).await;
    let c = s.client();
    let res = c
        .post_form("/login", &[("username", "alice"), ("password", PASSWORD)])
        .await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let token = c.csrf("/").await;
    let res = c.post_form("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login");

    // Replaying the old cookie by hand: the session is gone on the server.
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = raw
        .get(s.url("/"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}

async fn api_tokens_work_and_can_be_revoked(b: Backend) {
    let s = server_with_user(b, false).await;
    let c = s.client();
    c.login("alice", PASSWORD).await;
    let token = c.csrf("/account").await;
    let res = c
        .post_form(
            "/account/tokens",
            &[("csrf_token", &token), ("name", "sync script")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let start = body.find("fika_").expect("the new token is shown");
    let secret: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert_eq!(secret.len(), 5 + 64);

    let bearer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = s.get_with_token("/", &secret).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("alice Testperson"));
    // Bearer requests need no CSRF token, but a token cannot make another (it could outlive
    // or outrank its maker).
    let res = bearer
        .post(s.url("/account/tokens"))
        .bearer_auth(&secret)
        .form(&[("name", "made by a script")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = c
        .post_form(
            "/account/tokens",
            &[("csrf_token", &token), ("name", "second script")],
        )
        .await;
    assert_eq!(res.status(), 200);

    // The account page lists the token; revoke it.
    let page = c.get("/account").await.text().await.unwrap();
    assert!(page.contains("sync script"));
    let marker = "/account/tokens/";
    let ids: Vec<&str> = page
        .match_indices(marker)
        .map(|(i, _)| {
            let rest = &page[i + marker.len()..];
            &rest[..rest.find('/').unwrap()]
        })
        .collect();
    assert_eq!(ids.len(), 2, "two active tokens with revoke buttons");
    for id in ids {
        let res = c
            .post_form(
                &format!("/account/tokens/{id}/revoke"),
                &[("csrf_token", &token)],
            )
            .await;
        assert_eq!(res.status(), 303);
    }
    let res = s.get_with_token("/", &secret).await;
    assert_eq!(res.status(), 401);
    let res = s
        .get_with_token("/api/v1/anything", "fika_not-a-token")
        .await;
    assert_eq!(res.status(), 401);
    let json: serde_json::Value = res.json().await.unwrap();
    assert!(json["error"].as_str().is_some());
}

async fn anonymous_visitors_are_sent_to_sign_in(b: Backend) {
    let s = server_with_user(b, false).await;
    let c = s.client();
    let res = c.get("/account?tab=tokens").await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/login?next=%2Faccount%3Ftab%3Dtokens"
    );
    let res = c.get("/login?next=%2Faccount%3Ftab%3Dtokens").await;
    let body = res.text().await.unwrap();
    assert!(
        body.contains("value=\"/account?tab=tokens\""),
        "next is carried in the form"
    );
    // Signing in lands on the page asked for.
    let res = c
        .post_form(
            "/login",
            &[
                ("username", "alice"),
                ("password", PASSWORD),
                ("next", "/account?tab=tokens"),
            ],
        )
        .await;
    assert_eq!(res.headers()["location"], "/account?tab=tokens");
    // Writes are refused to anonymous visitors even with --public-read.
    let data = s.data.clone();
    drop(s);
    let s = TestServer::start_with(data, &["--public-read"]).await;
    let anon = s.client();
    let home = anon.get("/").await;
    assert_eq!(home.status(), 200, "public read");
    let body = home.text().await.unwrap();
    assert!(
        body.contains("class=\"sections\""),
        "readers get the navigation"
    );
    assert!(body.contains("Sign in"));
    let res = anon.get("/account").await;
    assert_eq!(res.status(), 303, "the account page still needs sign-in");
    let res = anon.post_form("/account/tokens", &[("name", "x")]).await;
    assert_eq!(res.status(), 401);
}

async fn open_redirects_are_refused(b: Backend) {
    let s = server_with_user(b, false).await;
    for next in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let c = s.client();
        let res = c
            .post_form(
                "/login",
                &[
                    ("username", "alice"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/", "next={next}");
        // And on the sign-in page of a signed-in person.
        let res = c.get(&format!("/login?next={}", urlencode(next))).await;
        assert_eq!(res.headers()["location"], "/", "next={next}");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn admins_manage_users(b: Backend) {
    let s = server_with_user(b, true).await;
    s.data.add_user("bob", PASSWORD, false);
    let bob = s.client();
    bob.login("bob", PASSWORD).await;
    assert_eq!(
        bob.get("/admin/users").await.status(),
        403,
        "members are refused"
    );

    let admin = s.client();
    admin.login("alice", PASSWORD).await;
    let token = admin.csrf("/admin/users").await;
    // Bad input re-shows the form with what was typed.
    let res = admin
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("username", "carol"),
                ("display_name", "Carol <b>Doe</b>"),
                ("email", "carol@example.se"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("at least 10 characters"));
    assert!(body.contains("value=\"carol\""));
    assert!(
        body.contains("Carol &lt;b&gt;Doe&lt;/b&gt;")
            || body.contains("Carol &#60;b&#62;Doe&#60;/b&#62;"),
        "kept, and escaped: {body}"
    );
    // A taken username is a conflict, with the input kept.
    let res = admin
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("username", "Bob"),
                ("display_name", "Another Bob"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("already taken"));
    // A good one is added and can sign in.
    let res = admin
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("username", "carol"),
                ("display_name", "Carol Doe"),
                ("password", PASSWORD),
                ("is_admin", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Added Carol Doe"));
    s.client().login("carol", PASSWORD).await;

    // Disabling bob signs him out at once and keeps him out.
    let res = admin
        .post_form("/admin/users/bob/disable", &[("csrf_token", &token)])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(bob.get("/").await.status(), 303);
    let res = s
        .client()
        .post_form("/login", &[("username", "bob"), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 401);
    // Admins cannot lock themselves out.
    let res = admin
        .post_form("/admin/users/alice/remove-admin", &[("csrf_token", &token)])
        .await;
    assert_eq!(res.status(), 422);
    let res = admin
        .post_form("/admin/users/nobody/disable", &[("csrf_token", &token)])
        .await;
    assert_eq!(res.status(), 404);
}

async fn password_change_signs_out_other_sessions(b: Backend) {
    let s = server_with_user(b, false).await;
    let laptop = s.client();
    laptop.login("alice", PASSWORD).await;
    let phone = s.client();
    phone.login("alice", PASSWORD).await;
    let token = laptop.csrf("/account").await;
    let res = laptop
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current", "not-my-password"),
                ("new", "new-password-123"),
                ("confirm", "new-password-123"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("current password is not right")
    );
    let res = laptop
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current", PASSWORD),
                ("new", "new-password-123"),
                ("confirm", "new-password-123"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(laptop.get("/").await.status(), 200, "this session stays");
    assert_eq!(phone.get("/").await.status(), 303, "the other one ends");
    Client::new(&s.url).login("alice", "new-password-123").await;
    let token2 = csrf_in(&laptop.get("/account").await.text().await.unwrap());
    assert_eq!(token2.as_deref(), Some(token.as_str()));
}

async fn concurrent_attempts_cannot_outrun_the_throttle(b: Backend) {
    let s = server_with_user(b, false).await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let http = s.client().http;
        let url = s.url("/login");
        set.spawn(async move {
            http.post(url)
                .form(&[("username", "alice"), ("password", "wrong-password!")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = set.join_all().await;
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(wrong + throttled, 16, "{statuses:?}");
    assert!(wrong <= 5, "at most 5 attempts were checked: {statuses:?}");
}

async fn used_sessions_are_extended_in_the_browser_too(b: Backend) {
    use diesel::prelude::*;
    use fika::db::schema::sessions;
    let s = server_with_user(b, false).await;
    let c = s.client();
    c.login("alice", PASSWORD).await;
    let res = c.get("/").await;
    assert!(
        res.headers().get("set-cookie").is_none(),
        "a fresh session is not re-sent"
    );
    // Age the session by two days, as if it were signed in the day before yesterday.
    let mut conn = s.data.connect();
    let soon = chrono::Utc::now().naive_utc() + chrono::Duration::days(28);
    diesel::update(sessions::table)
        .set(sessions::expires_at.eq(soon))
        .execute(&mut conn)
        .unwrap();
    let res = c.get("/").await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
}

async fn admin_self_protection_ignores_letter_case(b: Backend) {
    let s = server_with_user(b, true).await;
    let admin = s.client();
    admin.login("alice", PASSWORD).await;
    let token = admin.csrf("/admin/users").await;
    for action in ["ALICE/remove-admin", "Alice/disable"] {
        let res = admin
            .post_form(&format!("/admin/users/{action}"), &[("csrf_token", &token)])
            .await;
        assert_eq!(res.status(), 422, "{action}");
    }
    assert_eq!(
        admin.get("/admin/users").await.status(),
        200,
        "still an admin"
    );
}

async fn token_scopes_and_expiry_are_enforced(b: Backend) {
    use diesel::prelude::*;
    use fika::db::schema::api_tokens;
    let s = server_with_user(b, true).await;
    let make = |scope: &str, name: &str| {
        let out = s.data.cli(
            &["user", "token", "alice", "--scope", scope, "--name", name],
            None,
        );
        assert!(out.success, "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("the {scope} scope")),
            "{}",
            out.stderr
        );
        out.stdout.trim().to_string()
    };
    let (read, write, admin) = (make("read", "r"), make("write", "w"), make("admin", "a"));

    // A read token reads and changes nothing.
    assert_eq!(
        s.get_with_token("/api/v1/lessons", &read).await.status(),
        200
    );
    let (status, j) = s
        .post_json("/api/v1/lessons", &read, serde_json::json!({"title": "x"}))
        .await;
    assert_eq!(status, 403, "{j}");
    assert!(j["error"].as_str().unwrap().contains("read scope"), "{j}");

    // An administrator's write token is not an administrator's.
    let res = s.get_with_token("/admin/users", &write).await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("admin scope"));
    assert_eq!(s.get_with_token("/admin/users", &admin).await.status(), 200);

    // No admin scope for someone who is not an administrator.
    s.data.add_user("bob", PASSWORD, false);
    let out = s
        .data
        .cli(&["user", "token", "bob", "--scope", "admin"], None);
    assert!(!out.success);
    assert!(out.stderr.contains("Only administrators"), "{}", out.stderr);
    // A write token of someone who is no administrator opens no admin page either.
    let out = s.data.cli(
        &[
            "user",
            "token",
            "bob",
            "--scope",
            "write",
            "--expires-days",
            "30",
        ],
        None,
    );
    assert!(out.success, "{}", out.stderr);
    let bobs = out.stdout.trim().to_string();
    assert_eq!(s.get_with_token("/admin/users", &bobs).await.status(), 403);

    // The account page shows scope and expiry.
    let c = s.client();
    c.login("alice", PASSWORD).await;
    let page = c.get("/account").await.text().await.unwrap();
    assert!(
        page.contains("<td>read</td>") && page.contains("<td>admin</td>"),
        "{page}"
    );
    let csrf = c.csrf("/account").await;
    let res = c
        .post_form(
            "/account/tokens",
            &[
                ("csrf_token", &csrf),
                ("name", "ci"),
                ("scope", "read"),
                ("expires_days", "30"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    let in_30 = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    assert!(page.contains(&in_30), "the expiry date is shown");
    let res = c
        .post_form(
            "/account/tokens",
            &[
                ("csrf_token", &csrf),
                ("name", "too long"),
                ("expires_days", "9999"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text().await.unwrap().contains("value=\"too long\""),
        "the form keeps what was typed"
    );

    // An admin token of someone who is no longer an administrator is a write token.
    s.data.add_user("carol", PASSWORD, true);
    let carol = s.client();
    carol.login("carol", PASSWORD).await;
    let csrf_c = carol.csrf("/admin/users").await;
    let res = carol
        .post_form(
            "/admin/users/alice/remove-admin",
            &[("csrf_token", &csrf_c)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(s.get_with_token("/admin/users", &admin).await.status(), 403);
    assert_eq!(
        s.get_with_token("/api/v1/lessons", &admin).await.status(),
        200
    );

    // An expired token is refused and says so.
    let mut conn = s.data.connect();
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::days(1);
    diesel::update(api_tokens::table.filter(api_tokens::name.eq("w")))
        .set(api_tokens::expires_at.eq(Some(past)))
        .execute(&mut conn)
        .unwrap();
    let res = s.get_with_token("/api/v1/lessons", &write).await;
    assert_eq!(res.status(), 401);
    let j: serde_json::Value = res.json().await.unwrap();
    assert!(j["error"].as_str().unwrap().contains("expired"), "{j}");
    let out = s.data.cli(&["user", "token", "alice", "--list"], None);
    assert!(
        out.stdout.lines().any(|l| l.contains("\texpired\twrite\t")),
        "{}",
        out.stdout
    );
}

backend_tests!(
    sign_in_success,
    sign_in_failure,
    throttling_per_username_and_address,
    csrf_is_required_with_a_session,
    logout_revokes_the_session,
    api_tokens_work_and_can_be_revoked,
    anonymous_visitors_are_sent_to_sign_in,
    open_redirects_are_refused,
    admins_manage_users,
    password_change_signs_out_other_sessions,
    concurrent_attempts_cannot_outrun_the_throttle,
    client_address_comes_from_trusted_proxies_only,
    public_url_decides_the_origin_and_links,
    used_sessions_are_extended_in_the_browser_too,
    admin_self_protection_ignores_letter_case,
    token_scopes_and_expiry_are_enforced,
);
