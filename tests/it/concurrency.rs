//! Many writers at once. On PostgreSQL three `fika serve` processes share one database and
//! every request of a race goes to a different one; on SQLite one process takes them all.
//! Every kind of create, start, join, vote and edit is raced; the tests assert that nothing
//! is duplicated, no request fails that should not, and nothing is lost.

use std::sync::Arc;

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, TestServer};

/// Writers per race: enough for real overlap on two cores, few enough to stay quick.
const WRITERS: usize = 12;

/// The post-mortem tests' org (tribe core; squads payments with paula and pia, radio with
/// otto; admin) served by one instance per backend process.
struct Cluster {
    servers: Vec<TestServer>,
    admin: String,
}

impl Cluster {
    async fn start(b: Backend) -> Cluster {
        let instances = match b {
            Backend::Sqlite => 1,
            Backend::Postgres(_) => 3,
        };
        let (first, admin) = crate::orgs::tribe(b).await;
        let mut servers = vec![first];
        for _ in 1..instances {
            let data = Arc::new(servers[0].data.same_database());
            servers.push(TestServer::start_with(data, &[]).await);
        }
        Cluster { servers, admin }
    }

    /// The instance the `i`th writer talks to.
    fn on(&self, i: usize) -> &TestServer {
        &self.servers[i % self.servers.len()]
    }

    fn first(&self) -> &TestServer {
        &self.servers[0]
    }

    /// `user` signed in on every instance: a browser session and its CSRF token each.
    async fn sessions(&self, user: &str) -> Vec<(Client, String)> {
        let mut out = Vec::new();
        for s in &self.servers {
            let c = s.client();
            c.login(user, PASSWORD).await;
            let t = c.csrf("/org").await;
            out.push((c, t));
        }
        out
    }

    async fn get(&self, path: &str) -> Value {
        let (status, j) = self.first().get_json(path, &self.admin).await;
        assert_eq!(status, 200, "GET {path}: {j}");
        j
    }

    /// Every item of an API list.
    async fn list(&self, path: &str) -> Value {
        let (status, j) = self.first().get_items(path, &self.admin).await;
        assert_eq!(status, 200, "GET {path}: {j}");
        j
    }

    /// Adds `n` more members to squad payments, named `w0`…; their API tokens.
    async fn writers(&self, n: usize) -> Vec<(String, String)> {
        let s = self.first();
        let mut out = Vec::new();
        for i in 0..n {
            let name = format!("w{i}");
            s.data.add_user(&name, PASSWORD, false);
            let (status, j) = s
                .post_json(
                    "/api/v1/units/squad/payments/members",
                    &self.admin,
                    json!({"username": name, "role": "member", "since": "2025-01-01"}),
                )
                .await;
            assert_eq!(status, 201, "{j}");
            let token = s.token_for(&name);
            out.push((name, token));
        }
        out
    }
}

/// POSTs a form with owned fields, so that many can be in flight at once.
async fn post(c: &Client, path: String, fields: Vec<(&'static str, String)>) -> reqwest::Response {
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post_form(&path, &form).await
}

/// Every voter adds `each` dots to `topic` of retro `id` at once; the status codes.
async fn dots(voters: &[(Client, String)], each: usize, id: i64, topic: &str) -> Vec<u16> {
    join_all(voters.iter().flat_map(|(c, t)| {
        (0..each).map(move |_| async move {
            post(
                c,
                format!("/retros/{id}/votes"),
                vec![
                    ("csrf_token", t.clone()),
                    ("topic", topic.to_string()),
                    ("op", "add".into()),
                ],
            )
            .await
            .status()
            .as_u16()
        })
    }))
    .await
}

fn statuses(results: &[(u16, Value)]) -> Vec<u16> {
    results.iter().map(|(s, _)| *s).collect()
}

/// Exactly one of `statuses` is `won`, every other is `lost`.
fn one_winner(statuses: &[u16], won: u16, lost: u16) {
    assert_eq!(
        statuses.iter().filter(|s| **s == won).count(),
        1,
        "one winner: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == won || *s == lost),
        "the others are told {lost}: {statuses:?}"
    );
}

async fn creates_race_without_spurious_errors(b: Backend) {
    let cl = Cluster::start(b).await;
    let admin = cl.admin.clone();

    // Lessons: every create succeeds and answers with its own lesson.
    let made = join_all((0..WRITERS * 2).map(|i| {
        cl.on(i).post_json(
            "/api/v1/lessons",
            &admin,
            json!({"title": format!("Lesson number {i}"), "body": format!("Body {i}")}),
        )
    }))
    .await;
    assert_eq!(statuses(&made), vec![201; WRITERS * 2], "{made:?}");
    for (i, (_, j)) in made.iter().enumerate() {
        assert_eq!(
            j["title"],
            format!("Lesson number {i}"),
            "its own lesson back"
        );
    }
    let lessons = cl.list("/api/v1/lessons").await;
    assert_eq!(lessons.as_array().map(Vec::len), Some(WRITERS * 2));

    // Pages: distinct titles all land; one title sent by many lands as many pages, each at a
    // slug of its own; one typed slug sent by many lands once, the rest are told.
    let made = join_all((0..WRITERS).map(|i| {
        cl.on(i).post_json(
            "/api/v1/pages",
            &admin,
            json!({"title": format!("Runbook {i}"), "body": "steps"}),
        )
    }))
    .await;
    assert_eq!(statuses(&made), vec![201; WRITERS], "{made:?}");
    let same = join_all((0..WRITERS).map(|i| {
        cl.on(i).post_json(
            "/api/v1/pages",
            &admin,
            json!({"title": "On-call handbook", "body": format!("version {i}")}),
        )
    }))
    .await;
    assert_eq!(statuses(&same), vec![201; WRITERS], "{same:?}");
    let slugs: std::collections::BTreeSet<&str> = same
        .iter()
        .filter_map(|(_, j)| j["slug"].as_str())
        .collect();
    assert_eq!(slugs.len(), WRITERS, "{slugs:?}");
    let typed = join_all((0..WRITERS).map(|i| {
        cl.on(i).post_json(
            "/api/v1/pages",
            &admin,
            json!({"title": format!("Escalation {i}"), "slug": "escalation", "body": "x"}),
        )
    }))
    .await;
    one_winner(&statuses(&typed), 201, 409);
    let pages = cl.list("/api/v1/pages").await;
    assert_eq!(pages.as_array().map(Vec::len), Some(WRITERS * 2 + 1));

    // Retros: each create is a retro of its own.
    let made = join_all((0..WRITERS).map(|i| {
        cl.on(i)
            .post_json("/api/v1/retros", &admin, json!({"squad": "payments"}))
    }))
    .await;
    assert_eq!(statuses(&made), vec![201; WRITERS], "{made:?}");
    let retros = cl.list("/api/v1/retros?squad=payments").await;
    assert_eq!(retros.as_array().map(Vec::len), Some(WRITERS));
}

async fn starts_joins_and_votes_come_to_one_outcome(b: Backend) {
    let cl = Cluster::start(b).await;
    let writers = cl.writers(6).await;

    // Health check: everyone pressing "Start" for the same squad and day joins one session.
    let mut starters = Vec::new();
    for (name, _) in &writers {
        starters.extend(cl.sessions(name).await);
    }
    let started = join_all(starters.iter().map(|(c, t)| {
        post(
            c,
            "/squads/payments/health".into(),
            vec![("csrf_token", t.clone()), ("held_on", String::new())],
        )
    }))
    .await;
    let locations: Vec<String> = started
        .iter()
        .map(|r| {
            assert_eq!(r.status(), 303, "start");
            r.headers()["location"]
                .to_str()
                .expect("location")
                .to_string()
        })
        .collect();
    assert!(
        locations.iter().all(|l| *l == locations[0]),
        "one session: {locations:?}"
    );
    let health = cl.get("/api/v1/squads/payments/health").await;
    let sessions = health["sessions"].as_array().expect("sessions");
    assert_eq!(sessions.len(), 1, "{health}");
    let indicator = health["indicators"][0]["id"].as_i64().expect("indicator");

    // Their votes, all at once from every instance, are all counted in that session.
    let votes = join_all(starters.iter().map(|(c, t)| {
        let color = format!("color_{indicator}");
        let location = locations[0].clone();
        async move {
            c.post_form(&location, &[("csrf_token", t), (&color, "green")])
                .await
                .status()
                .as_u16()
        }
    }))
    .await;
    assert!(votes.iter().all(|s| *s == 303), "{votes:?}");
    let health = cl.get("/api/v1/squads/payments/health").await;
    assert_eq!(health["sessions"][0]["votes"], writers.len(), "{health}");

    // A guild: one person joining from every instance at once is a member once; many
    // different people joining at once are all members.
    let (status, j) = cl
        .first()
        .post_json("/api/v1/units/guild", &cl.admin, json!({"name": "Web"}))
        .await;
    assert_eq!(status, 201, "{j}");
    let twice: Vec<(Client, String)> = cl
        .sessions("paula")
        .await
        .into_iter()
        .chain(cl.sessions("paula").await)
        .collect();
    let joined = join_all(twice.iter().map(|(c, t)| {
        post(
            c,
            "/guilds/web/join".into(),
            vec![("csrf_token", t.clone())],
        )
    }))
    .await;
    let codes: Vec<u16> = joined.iter().map(|r| r.status().as_u16()).collect();
    one_winner(&codes, 303, 409);
    let joined = join_all(starters.iter().map(|(c, t)| {
        post(
            c,
            "/guilds/web/join".into(),
            vec![("csrf_token", t.clone())],
        )
    }))
    .await;
    let codes: Vec<u16> = joined.iter().map(|r| r.status().as_u16()).collect();
    // Each writer is signed in once per instance: one join each wins.
    assert_eq!(codes.iter().filter(|s| **s == 303).count(), writers.len());
    let guild = cl.get("/api/v1/units/guild/web").await;
    let members = guild["members"].as_array().expect("members");
    assert_eq!(members.len(), writers.len() + 1, "{guild}");

    // A squad membership added by several admins' scripts at once exists once.
    cl.first().data.add_user("newcomer", PASSWORD, false);
    let added = join_all((0..WRITERS).map(|i| {
        cl.on(i).post_json(
            "/api/v1/units/squad/radio/members",
            &cl.admin,
            json!({"username": "newcomer", "role": "member", "since": "2026-01-01"}),
        )
    }))
    .await;
    one_winner(&statuses(&added), 201, 409);
    let radio = cl.get("/api/v1/units/squad/radio").await;
    let newcomer = radio["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter(|m| m["username"] == "newcomer")
        .count();
    assert_eq!(newcomer, 1, "{radio}");

    // Retro dots: one person clicking "+" from every instance at once spends exactly their
    // limit; everyone else's dots are all counted.
    let (status, j) = cl
        .first()
        .post_json(
            "/api/v1/retros",
            &cl.admin,
            json!({"squad": "payments", "facilitator": "paula", "vote_limit": 3}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let id = j["id"].as_i64().expect("id");
    let paula = cl.sessions("paula").await;
    let (pc, pt) = &paula[0];
    let phase = |from: &'static str, to: &'static str| {
        post(
            pc,
            format!("/retros/{id}/phase"),
            vec![
                ("csrf_token", pt.clone()),
                ("from", from.into()),
                ("to", to.into()),
                // The facilitator answered "yes" to the reveal's question.
                ("confirmed", "1".into()),
            ],
        )
    };
    assert_eq!(phase("review", "write").await.status(), 303);
    let card = pc
        .post_form(
            &format!("/retros/{id}/cards"),
            &[
                ("csrf_token", pt),
                ("column", "0"),
                ("body", "Pairing helped"),
            ],
        )
        .await;
    assert_eq!(card.status(), 303);
    for (from, to) in [("write", "reveal"), ("reveal", "group"), ("group", "vote")] {
        assert_eq!(phase(from, to).await.status(), 303, "{from} → {to}");
    }
    let board = cl.get(&format!("/api/v1/retros/{id}")).await;
    let topic = format!("c{}", board["cards"][0]["id"]);
    let pauls = dots(&paula, 4, id, &topic).await;
    assert_eq!(
        pauls.iter().filter(|s| **s == 303).count(),
        3,
        "paula's limit: {pauls:?}"
    );
    let board = cl.get(&format!("/api/v1/retros/{id}")).await;
    assert_eq!(board["votes_cast"], 3, "{board}");
    let one_each: Vec<(Client, String)> = join_all(writers.iter().map(|(name, _)| async {
        let c = cl.first().client();
        c.login(name, PASSWORD).await;
        let t = c.csrf("/org").await;
        (c, t)
    }))
    .await;
    let theirs = dots(&one_each, 2, id, &topic).await;
    assert!(theirs.iter().all(|s| *s == 303), "{theirs:?}");
    let board = cl.get(&format!("/api/v1/retros/{id}")).await;
    assert_eq!(board["votes_cast"], 3 + 2 * writers.len(), "{board}");
}

async fn reviews_proposals_and_edits_come_to_one_outcome(b: Backend) {
    let cl = Cluster::start(b).await;
    let s = cl.first();
    let writers = cl.writers(4).await;

    // A post-mortem in review, approved by several reviewers at once: published once.
    let paula = s.token_for("paula");
    let (status, j) = s
        .post_json(
            "/api/v1/postmortems",
            &paula,
            json!({
                "title": "Radio stations stalled", "severity": "SEV3", "squads": ["payments"],
                "started_at": "2026-05-01T10:00", "detected_at": "2026-05-01T10:05",
                "mitigated_at": "2026-05-01T10:20", "resolved_at": "2026-05-01T10:40",
                "status": "review",
                "lessons": [{"title": "Alert on stalled streams", "body": "Page on a stall."}],
            }),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let pm = j["id"].as_i64().expect("id");
    let path = format!("/api/v1/postmortems/{pm}/reviews");
    let reviews = join_all(writers.iter().enumerate().map(|(i, (_, token))| {
        cl.on(i).post_json(
            &path,
            token,
            json!({"verdict": "approved", "comments": "Clear.", "acknowledge_findings": true}),
        )
    }))
    .await;
    one_winner(&statuses(&reviews), 200, 403);
    let after = cl.get(&format!("/api/v1/postmortems/{pm}")).await;
    assert_eq!(after["status"], "published", "{after}");
    assert_eq!(
        after["reviews"].as_array().map(Vec::len),
        Some(1),
        "{after}"
    );
    let lessons = cl.list("/api/v1/lessons").await;
    let from_pm = lessons
        .as_array()
        .expect("lessons")
        .iter()
        .filter(|l| l["title"] == "Alert on stalled streams")
        .count();
    assert_eq!(from_pm, 1, "its lesson published once: {lessons}");

    // A career-step proposal sent by the person and their chapter lead at once: one is open.
    s.data.add_user("lena", PASSWORD, false);
    let (status, j) = s
        .post_json(
            "/api/v1/units/chapter",
            &cl.admin,
            json!({"name": "Backend", "tribe": "core", "discipline": "backend"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    for (user, role) in [("lena", "chapter lead"), ("paula", "member")] {
        let (status, j) = s
            .post_json(
                "/api/v1/units/chapter/backend/members",
                &cl.admin,
                json!({"username": user, "role": role, "since": "2025-01-01"}),
            )
            .await;
        assert_eq!(status, 201, "{j}");
    }
    let lena = crate::orgs::user(s, "lena").await;
    let first = lena
        .first_step("paula", "squad", "Six-month review: settled into Payments.")
        .await;
    assert_eq!(first.status(), 303);
    let mut proposers = cl.sessions("paula").await;
    proposers.extend(cl.sessions("lena").await);
    let proposed = join_all(proposers.iter().map(|(c, t)| {
        post(
            c,
            "/people/paula/steps/proposals".into(),
            vec![
                ("csrf_token", t.clone()),
                ("to", "tribe".into()),
                ("evidence", crate::orgs::EVIDENCE.into()),
            ],
        )
    }))
    .await;
    let codes: Vec<u16> = proposed.iter().map(|r| r.status().as_u16()).collect();
    one_winner(&codes, 303, 409);
    let (status, step) = s.get_json("/api/v1/people/paula/step", &paula).await;
    assert_eq!(status, 200, "{step}");
    let open = step["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .filter(|p| p["status"] == "open")
        .count();
    assert_eq!(open, 1, "{step}");

    // Page edits through the API from the same revision: without "merge" exactly one lands
    // and every other script is told the current revision — no silent merge.
    let body: String = (0..WRITERS).map(|i| format!("line {i}\n\n")).collect();
    let (status, j) = s
        .post_json(
            "/api/v1/pages",
            &cl.admin,
            json!({"title": "Shared notes", "body": body}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let edit = |i: usize, base: i64, merge: bool| {
        let body = body.replace(&format!("line {i}\n"), &format!("line {i} edited\n"));
        cl.on(i).put_json(
            "/api/v1/pages/shared-notes",
            &cl.admin,
            json!({"body": body, "base_revision": base, "merge": merge}),
        )
    };
    let plain = join_all((0..WRITERS).map(|i| edit(i, 1, false))).await;
    one_winner(&statuses(&plain), 200, 409);
    for (status, j) in &plain {
        if *status == 409 {
            assert_eq!(j["current_revision"], 2, "{j}");
        }
    }
    let page = cl.get("/api/v1/pages/shared-notes").await;
    assert_eq!(page["revision"], 2, "{page}");

    // With "merge": true, edits of different lines from the same revision all land.
    let base: Vec<String> = page["body"]
        .as_str()
        .expect("body")
        .split("\n\n")
        .map(str::to_string)
        .collect();
    let merged = join_all((0..WRITERS).map(|i| {
        let mut body = base.clone();
        body[i] = format!("line {i} merged");
        let body = body.join("\n\n");
        cl.on(i).put_json(
            "/api/v1/pages/shared-notes",
            &cl.admin,
            json!({"body": body, "base_revision": 2, "merge": true}),
        )
    }))
    .await;
    assert_eq!(statuses(&merged), vec![200; WRITERS], "{merged:?}");
    assert_eq!(
        merged.iter().filter(|(_, j)| j["merged"] == true).count(),
        WRITERS - 1,
        "all but the first were merged"
    );
    let page = cl.get("/api/v1/pages/shared-notes").await;
    assert_eq!(page["revision"], 2 + WRITERS as i64, "{page}");
    let text = page["body"].as_str().expect("body");
    for i in 0..WRITERS {
        assert!(
            text.contains(&format!("line {i} merged")),
            "edit {i} kept: {text}"
        );
    }
}

backend_tests!(
    creates_race_without_spurious_errors,
    starts_joins_and_votes_come_to_one_outcome,
    reviews_proposals_and_edits_come_to_one_outcome,
);
