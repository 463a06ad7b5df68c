//! The organizations several test modules start from, and a signed-in person to act in
//! them: shared here rather than borrowed from one feature's tests.

use serde_json::json;

use crate::harness::{Backend, Client, PASSWORD, TestData, TestServer};

/// A tribe with two squads: paula and pia are in payments, otto in radio; rita is in none;
/// and an admin, whose API token comes back with the server.
pub(crate) async fn tribe(b: Backend) -> (TestServer, String) {
    tribe_with(b, &[]).await
}

/// [`tribe`], with fika started with `extra` flags.
pub(crate) async fn tribe_with(b: Backend, extra: &[&str]) -> (TestServer, String) {
    let s = TestServer::start_with(std::sync::Arc::new(TestData::new(&b)), extra).await;
    s.data.add_user("admin", PASSWORD, true);
    for u in ["paula", "pia", "otto", "rita"] {
        s.data.add_user(u, PASSWORD, false);
    }
    let admin = s.token_for("admin");
    for (kind, body) in [
        ("tribe", json!({"name": "Core"})),
        ("squad", json!({"name": "Payments", "tribe": "core"})),
        ("squad", json!({"name": "Radio", "tribe": "core"})),
    ] {
        let (status, j) = s
            .post_json(&format!("/api/v1/units/{kind}"), &admin, body)
            .await;
        assert_eq!(status, 201, "{j}");
    }
    for (unit, user) in [
        ("squad/payments", "paula"),
        ("squad/payments", "pia"),
        ("squad/radio", "otto"),
    ] {
        let (status, j) = s
            .post_json(
                &format!("/api/v1/units/{unit}/members"),
                &admin,
                json!({"username": user, "role": "member", "since": "2025-01-01"}),
            )
            .await;
        assert_eq!(status, 201, "{j}");
    }
    (s, admin)
}

pub(crate) const EVIDENCE: &str = "Paula led the card-tokenisation migration across Payments and Radio, \
     ran the cross-squad design review every week, and mentored two new backend engineers \
     through their first on-call rotation.";

/// [`tribe`] (tribe core; squads payments with paula and pia, radio with
/// otto; rita in none; admin), plus: tess leads the tribe, chapter "backend" in core with
/// chapter lead lena and members paula and pia, and cato holds the CTO role, given by an
/// admin through the record form.
pub(crate) async fn tribe_with_chapter(b: Backend) -> TestServer {
    let (s, admin) = tribe(b).await;
    for u in ["tess", "lena", "cato"] {
        s.data.add_user(u, PASSWORD, false);
    }
    let (status, j) = s
        .post_json(
            "/api/v1/units/chapter",
            &admin,
            json!({"name": "Backend", "tribe": "core", "discipline": "backend"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    assert_eq!(j["url"], "/chapters/backend", "{j}");
    for (unit, user, role) in [
        ("tribe/core", "tess", "tribe lead"),
        ("chapter/backend", "lena", "chapter lead"),
        ("chapter/backend", "paula", "member"),
        ("chapter/backend", "pia", "member"),
    ] {
        let (status, j) = s
            .post_json(
                &format!("/api/v1/units/{unit}/members"),
                &admin,
                json!({"username": user, "role": role, "since": "2025-01-01"}),
            )
            .await;
        assert_eq!(status, 201, "{unit} {user}: {j}");
    }
    let cto = catalogue_id(&s, "role", "CTO").to_string();
    let a = user(&s, "admin").await;
    let res = a
        .post(
            "/people/cato/steps/record",
            &[("discipline", ""), ("role", &cto), ("started_on", "")],
        )
        .await;
    assert_eq!(res.status(), 303, "admin gives cato the CTO role");
    s
}

/// The id of a seeded discipline or role (`kind` = "discipline" | "role").
pub(crate) fn catalogue_id(s: &TestServer, kind: &str, name: &str) -> i64 {
    let mut conn = s.data.connect();
    fika::steps::repo::catalogue(&mut conn)
        .expect("catalogue")
        .into_iter()
        .find(|e| e.kind == kind && e.name == name)
        .unwrap_or_else(|| panic!("no {kind} {name:?} in the catalogue"))
        .id
}

/// One signed-in person: a browser session with its CSRF token, and an API token.
pub(crate) struct User {
    pub(crate) c: Client,
    pub(crate) csrf: String,
    pub(crate) token: String,
}

pub(crate) async fn user(s: &TestServer, name: &str) -> User {
    let c = s.client();
    c.login(name, PASSWORD).await;
    let csrf = c.csrf("/org").await;
    User {
        c,
        csrf,
        token: s.token_for(name),
    }
}

impl User {
    pub(crate) async fn get(&self, path: &str) -> (u16, String) {
        let res = self.c.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// POSTs a form with the session's CSRF token.
    pub(crate) async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.c.post_form(path, &form).await
    }
}
