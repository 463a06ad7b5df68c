//! The app shell: health check, error pages, limits, static files and headers.

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestServer};

async fn healthz_reports_the_database(b: Backend) {
    let s = TestServer::start(b.clone()).await;
    let c = s.client();
    let res = c.get("/healthz").await;
    assert_eq!(res.status(), 200, "no sign-in needed");
    assert_eq!(res.text().await.unwrap(), r#"{"status":"ok","db":"ok"}"#);
    if let Backend::Postgres(_) = b {
        // Take the database away under the running server.
        s.data.drop_database();
        let res = c.get("/healthz").await;
        assert_eq!(res.status(), 503);
        let json: serde_json::Value = res.json().await.unwrap();
        assert_eq!(json["db"], "unreachable");
        // The server itself is still up and answering.
        assert_eq!(c.get("/static/fika.css").await.status(), 200);
        // The log names the database it cannot reach, not a bogus "invalid URL".
        assert!(
            s.wait_for_log("cannot connect to PostgreSQL at").await,
            "{}",
            s.log()
        );
        assert!(!s.log().contains("Invalid connection url"), "{}", s.log());
    }
}

async fn error_pages_show_no_internals(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("alice", PASSWORD, false);
    let c = s.client();
    c.login("alice", PASSWORD).await;
    let res = c.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("Not found"));
    assert!(
        body.contains("Sign out"),
        "the error page keeps the signed-in navigation"
    );
    let res = c.get("/api/v1/no-such-thing").await;
    assert_eq!(res.status(), 404);
    let json: serde_json::Value = res.json().await.unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("nothing at this address")
    );
    // A bad path parameter is a 404, not a parse error.
    let res = c
        .post_form("/account/tokens/not-a-number/revoke", &[])
        .await;
    assert_eq!(res.status(), 403, "CSRF is checked first");
    let token = c.csrf("/account").await;
    let res = c
        .post_form(
            "/account/tokens/not-a-number/revoke",
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = c
        .post_form("/account/tokens/999999/revoke", &[("csrf_token", &token)])
        .await;
    assert_eq!(res.status(), 404, "someone else's or a missing token");
}

async fn oversized_and_malformed_bodies(b: Backend) {
    let s = TestServer::start(b).await;
    let c = s.client();
    let big = "x".repeat(2 * 1024 * 1024);
    let res = c
        .http
        .post(s.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("username=a&password={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("larger than fika accepts")
    );
    // A form route sent JSON is a readable 400.
    let res = c
        .http
        .post(s.url("/login"))
        .header("content-type", "application/json")
        .body(r#"{"username":"a"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("could not be read"));
}

async fn static_files_and_headers(b: Backend) {
    let s = TestServer::start(b).await;
    let c = s.client();
    let login = c.get("/login").await;
    assert_eq!(login.headers()["x-content-type-options"], "nosniff");
    assert_eq!(login.headers()["x-frame-options"], "DENY");
    assert!(
        login.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    let body = login.text().await.unwrap();
    let start = body
        .find("/static/fika.css?v=")
        .expect("versioned stylesheet link");
    let href: String = body[start..].chars().take_while(|c| *c != '"').collect();
    let css = c.get(&href).await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(
        css.text()
            .await
            .unwrap()
            .contains("prefers-color-scheme: dark")
    );
    assert_eq!(c.get("/static/..%2FCargo.toml").await.status(), 404);
    assert_eq!(c.get("/static/nothing.css").await.status(), 404);
}

/// The access-log line of the request with this id, once it is written.
async fn access_line(s: &TestServer, id: &str) -> String {
    let needle = format!("id={id}");
    assert!(
        s.wait_for_log(&needle).await,
        "the request's line: {}",
        s.log()
    );
    s.log()
        .lines()
        .find(|l| l.contains(&needle) && l.contains("fika::access"))
        .expect("an access line")
        .to_string()
}

/// Every request gets one log line and an id on the response; a proxy's id is kept, one
/// that could smuggle anything into the log is replaced.
async fn requests_are_logged_with_an_id(b: Backend) {
    let s = TestServer::start(b).await;
    let c = s.client();
    let res = c
        .http
        .get(s.url("/pages?q=secret+plans"))
        .header("x-request-id", "edge-7f3a.1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "edge-7f3a.1");
    let status = res.status().as_u16();
    let line = access_line(&s, "edge-7f3a.1").await;
    assert!(line.contains("method=GET"), "{line}");
    assert!(line.contains("route=/pages"), "{line}");
    assert!(line.contains(&format!("status={status}")), "{line}");
    assert!(line.contains(" ms="), "{line}");
    assert!(
        !line.contains("secret"),
        "the query stays out of the log: {line}"
    );

    let res = c
        .http
        .get(s.url("/healthz"))
        .header("x-request-id", "bad id forged=1")
        .send()
        .await
        .unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 16, "a new id: {id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    let plain = c.get("/healthz").await;
    assert_ne!(
        plain.headers()["x-request-id"].to_str().unwrap(),
        id,
        "ids differ"
    );

    // A route's template is logged, not its path: an unsubscribe link's signature stays out.
    let res = c
        .http
        .get(s.url("/unsubscribe/1/mention/s3cr3tsig"))
        .header("x-request-id", "unsub-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // The error page names the id, for the person to quote.
    let page = res.text().await.unwrap();
    assert!(page.contains("<code>unsub-1</code>"), "{page}");
    let line = access_line(&s, "unsub-1").await;
    assert!(
        line.contains("route=/unsubscribe/{person}/{kind}/{sig}") && !line.contains("s3cr3t"),
        "{line}"
    );
    // A signed-in request names its person (by id).
    s.data.add_user("alice", PASSWORD, false);
    let token = s.token_for("alice");
    let res = c
        .http
        .get(s.url("/api/v1/lessons"))
        .bearer_auth(&token)
        .header("x-request-id", "api-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let line = access_line(&s, "api-1").await;
    assert!(line.contains("user=1"), "{line}");
    assert!(line.contains("route=/api/v1/lessons"), "{line}");
    // An API error carries the id in its body too.
    let res = c
        .http
        .get(s.url("/api/v1/lessons/999999"))
        .bearer_auth(&token)
        .header("x-request-id", "api-2")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let j: serde_json::Value = res.json().await.unwrap();
    assert_eq!(j["request_id"], "api-2", "{j}");
}

/// With `--log-format json`, every line is one JSON object a collector can read, the
/// request's line with its fields.
async fn logs_can_be_json(b: Backend) {
    let s = TestServer::start_with(
        std::sync::Arc::new(crate::harness::TestData::new(&b)),
        &["--log-format", "json"],
    )
    .await;
    let res = s
        .client()
        .http
        .get(s.url("/healthz"))
        .header("x-request-id", "json-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(s.wait_for_log("json-1").await, "{}", s.log());
    let log = s.log();
    let mut lines = log.lines().filter(|l| l.starts_with('{'));
    let access: serde_json::Value = lines
        .clone()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect(l))
        .find(|v| v["target"] == "fika::access" && v["fields"]["id"] == "json-1")
        .expect("the request's line");
    assert_eq!(access["fields"]["route"], "/healthz", "{access}");
    assert_eq!(access["fields"]["status"], 200, "{access}");
    assert!(access["fields"]["ms"].is_number(), "{access}");
    assert!(lines.all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
}

/// The same situation gets the same status and `code` on every route: a method an address
/// does not take is a 405 (not a 404), HEAD answers as GET does, without a body.
async fn methods_and_error_codes_follow_http(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("alice", PASSWORD, false);
    let token = s.token_for("alice");
    let http = reqwest::Client::new();
    let send =
        |m: reqwest::Method, path: &str| http.request(m, s.url(path)).bearer_auth(&token).send();
    for (method, path, status, code) in [
        (
            reqwest::Method::DELETE,
            "/api/v1/lessons",
            405,
            "method_not_allowed",
        ),
        (
            reqwest::Method::PUT,
            "/api/v1/search",
            405,
            "method_not_allowed",
        ),
        (
            reqwest::Method::GET,
            "/api/v1/no-such-thing",
            404,
            "not_found",
        ),
    ] {
        let res = send(method.clone(), path).await.unwrap();
        assert_eq!(res.status(), status, "{method} {path}");
        let j: serde_json::Value = res.json().await.unwrap();
        assert_eq!(j["code"], code, "{method} {path}: {j}");
        assert!(j["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let res = s
        .get_with_token("/api/v1/lessons", "fika_not-a-token")
        .await;
    let j: serde_json::Value = res.json().await.unwrap();
    assert_eq!(j["code"], "unauthorized");
    // A browser gets the page, with the status.
    let c = s.client();
    c.login("alice", PASSWORD).await;
    let csrf = c.csrf("/account").await;
    let res = c
        .http
        .delete(s.url("/lessons"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert!(res.text().await.unwrap().contains("Not allowed here"));
    // HEAD is GET without the body, wherever GET works.
    for path in ["/healthz", "/api/v1/lessons", "/lessons"] {
        let res = http
            .head(s.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "HEAD {path}");
        assert!(res.bytes().await.unwrap().is_empty());
    }
    let res = http
        .head(s.url("/no/such/page"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // A JSON body: not JSON is a 400, missing or wrong fields a 422 naming each.
    for (body, status, code, field) in [
        ("{}", 422, "invalid", Some(("title", "is required"))),
        (
            r#"{"title": 5}"#,
            422,
            "invalid",
            Some(("title", "invalid type")),
        ),
        ("not json", 400, "bad_request", None),
    ] {
        let res = http
            .post(s.url("/api/v1/experiments"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{body}");
        let j: serde_json::Value = res.json().await.unwrap();
        assert_eq!(j["code"], code, "{body}: {j}");
        match field {
            Some((name, problem)) => {
                let said = j["fields"][name].as_str().unwrap_or_default();
                assert!(said.contains(problem), "{body}: {j}");
            }
            None => assert!(j.get("fields").is_none(), "{j}"),
        }
    }
    let res = http
        .post(s.url("/api/v1/lessons"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

backend_tests!(
    methods_and_error_codes_follow_http,
    requests_are_logged_with_an_id,
    logs_can_be_json,
    healthz_reports_the_database,
    error_pages_show_no_internals,
    oversized_and_malformed_bodies,
    static_files_and_headers,
);

/// A form field named like a property of the form element hides that property from scripts:
/// with `<input name="action">`, `form.action` is the input, and fika.js once posted retro
/// verdicts to "/retros/[object HTMLInputElement]". fika.js reads the attributes instead, and
/// no template names a field so. ("name" is allowed: nothing reads `form.name`.)
#[test]
fn no_form_field_shadows_a_property_of_its_form() {
    const PROPERTIES: &[&str] = &[
        "action",
        "method",
        "target",
        "enctype",
        "encoding",
        "elements",
        "length",
        "submit",
        "reset",
        "id",
        "acceptCharset",
        "autocomplete",
        "noValidate",
        "requestSubmit",
        "checkValidity",
        "reportValidity",
    ];
    let mut found = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split(" name=\"").skip(1) {
                let name = part.split('"').next().unwrap_or_default();
                if PROPERTIES.contains(&name) {
                    found.push(format!("{}: name=\"{name}\"", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "fields that shadow a form property:\n{}",
        found.join("\n")
    );
}
