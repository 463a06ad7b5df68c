//! Watching, mentions and the inbox (issue 25): what reaches whom, once.

use std::time::Duration;

use serde_json::json;

use crate::backend_tests;
use crate::harness::{Backend, TestServer};
use crate::orgs::{User, tribe, user};

/// The inbox page of `u`, once it shows `needle` (the dispatcher runs beside the request
/// that made the news).
pub(crate) async fn inbox_with(u: &User, needle: &str) -> String {
    for _ in 0..100 {
        let (status, body) = u.get("/inbox").await;
        assert_eq!(status, 200);
        if body.contains(needle) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the inbox never showed {needle:?}");
}

/// The notifications in the inbox page: one `<li>` each.
fn count(inbox: &str) -> usize {
    inbox.matches("<li class=\"unread\">").count() + inbox.matches("<li class=\"read\">").count()
}

/// The unread count the header shows, if any.
fn header_count(html: &str) -> Option<String> {
    let at = html.find("class=\"inbox-link\"")?;
    let rest = &html[at..html[at..].find("</a>")? + at];
    let badge = rest.find("class=\"badge\">")? + "class=\"badge\">".len();
    Some(rest[badge..].split('<').next()?.to_string())
}

/// The watch form's target on a page.
fn watch_target(html: &str) -> String {
    let needle = "name=\"what\" value=\"";
    let at = html.find(needle).expect("a watch form") + needle.len();
    html[at..].split('"').next().unwrap().to_string()
}

async fn lesson(s: &TestServer, token: &str, title: &str, units: &[&str], tags: &[&str]) {
    let (status, j) = s
        .post_json(
            "/api/v1/lessons",
            token,
            json!({"title": title, "body": "What we learned.", "units": units, "tags": tags}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
}

async fn watching_brings_news_to_the_inbox(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let (paula, pia, otto, rita) = (
        user(&s, "paula").await,
        user(&s, "pia").await,
        user(&s, "otto").await,
        user(&s, "rita").await,
    );
    // Rita is in no team and watches Payments; pia, in Payments, stops watching it; otto
    // watches a tag.
    let (_, page) = rita.get("/squads/payments").await;
    assert!(page.contains(">Watch</button>"), "not watching yet");
    let target = watch_target(&page);
    let res = rita
        .post(
            "/watch",
            &[
                ("what", &target),
                ("watching", "on"),
                ("next", "/squads/payments"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/squads/payments");
    let (_, page) = rita.get("/squads/payments").await;
    assert!(page.contains(">Watching</button>"), "watching now");
    let (_, page) = pia.get("/squads/payments").await;
    assert!(
        page.contains(">Watching</button>"),
        "members watch their squad"
    );
    pia.post("/watch", &[("what", &target), ("watching", "off")])
        .await;
    let (_, page) = pia.get("/squads/payments").await;
    assert!(page.contains(">Watch</button>"), "pia stopped watching");
    otto.post("/watch", &[("what", "tag:caching"), ("watching", "on")])
        .await;

    lesson(
        &s,
        &paula.token,
        "Coalesce cache fills",
        &["squad/payments"],
        &["caching"],
    )
    .await;
    let inbox = inbox_with(&rita, "Coalesce cache fills").await;
    assert!(inbox.contains("You watch Payments"), "{inbox}");
    assert!(inbox.contains("New lesson"));
    let inbox = inbox_with(&otto, "Coalesce cache fills").await;
    assert!(inbox.contains("You watch the tag caching"), "{inbox}");
    // Dispatched in one go: those who do not hear of it have nothing.
    assert_eq!(count(&pia.get("/inbox").await.1), 0, "pia stopped watching");
    assert_eq!(
        count(&paula.get("/inbox").await.1),
        0,
        "the writer is not told"
    );

    // A lesson of Radio reaches otto, who is in it, and nobody else.
    lesson(&s, &paula.token, "Retry with jitter", &["squad/radio"], &[]).await;
    let inbox = inbox_with(&otto, "Retry with jitter").await;
    assert!(inbox.contains("You are in Radio"), "{inbox}");
    assert_eq!(count(&inbox), 2);
    assert_eq!(count(&rita.get("/inbox").await.1), 1);

    // The header counts unread news; opening one reads it.
    let (_, home) = otto.get("/").await;
    assert_eq!(header_count(&home).as_deref(), Some("2"), "{home}");
    let at = inbox.find("href=\"/inbox/").unwrap() + 6;
    let open: String = inbox[at..].split('"').next().unwrap().to_string();
    let res = otto.c.get(&open).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap();
    assert!(to.starts_with("/lessons/"), "{to}");
    let (_, home) = otto.get("/").await;
    assert_eq!(header_count(&home).as_deref(), Some("1"));
    let (_, unread) = otto.get("/inbox?unread=1").await;
    assert_eq!(count(&unread), 1);
    otto.post("/inbox/read", &[]).await;
    let (_, home) = otto.get("/").await;
    assert_eq!(header_count(&home), None, "all read");
    // Someone else's notification cannot be opened.
    let res = rita.c.get(&open).await;
    assert_eq!(res.status(), 404);
    // A target that is not one is refused.
    let res = rita
        .post(
            "/watch",
            &[("what", "health_session:1"), ("watching", "on")],
        )
        .await;
    assert_eq!(res.status(), 400);
}

async fn mentions_are_told_once(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let (paula, pia, otto, rita) = (
        user(&s, "paula").await,
        user(&s, "pia").await,
        user(&s, "otto").await,
        user(&s, "rita").await,
    );
    let body = "Ask @otto, or mail bob@example.com; @nobody knows. `@rita` is code.";
    let (status, j) = s
        .post_json(
            "/api/v1/pages",
            &paula.token,
            json!({"title": "Runbook", "body": body}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let inbox = inbox_with(&otto, "Runbook").await;
    assert!(inbox.contains("Mentioned you in a page"), "{inbox}");
    assert!(inbox.contains("You were mentioned"));
    // The mention links to the person; the code and the address stay as written.
    let (_, page) = otto.get("/pages/runbook").await;
    assert!(
        page.contains("<a href=\"/people/otto\" class=\"mention\""),
        "{page}"
    );
    assert!(page.contains("<code>@rita</code>"));
    assert!(page.contains("@nobody knows"));
    // An edit that keeps the mention tells nobody again; a new mention is told.
    let (status, j) = s
        .put_json(
            "/api/v1/pages/runbook",
            &paula.token,
            json!({"title": "Runbook", "body": format!("{body}\n\nAnd @pia."), "base_revision": 1}),
        )
        .await;
    assert_eq!(status, 200, "{j}");
    inbox_with(&pia, "Runbook").await;
    let inbox = otto.get("/inbox").await.1;
    assert_eq!(count(&inbox), 1, "{inbox}");
    assert_eq!(
        count(&rita.get("/inbox").await.1),
        0,
        "code is not a mention"
    );

    // Pia turns mentions off in the inbox; otto keeps them.
    let res = pia
        .post(
            "/account/notifications",
            &[("inbox", "watched"), ("mail", "mention")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, settings) = pia.get("/account/notifications").await;
    assert!(
        settings
            .contains("id=\"inbox-watched\" aria-label=\"News in what you watch: inbox\" checked")
    );
    assert!(
        !settings
            .contains("id=\"inbox-mention\" aria-label=\"Someone mentions you: inbox\" checked")
    );
    let (status, _) = s
        .post_json(
            "/api/v1/lessons",
            &paula.token,
            json!({"title": "Pair on incidents", "body": "@otto and @pia paired."}),
        )
        .await;
    assert_eq!(status, 201);
    inbox_with(&otto, "Pair on incidents").await;
    assert_eq!(
        count(&pia.get("/inbox").await.1),
        1,
        "pia turned mentions off"
    );
}

async fn page_edits_wait_unread_and_stop_when_unwatched(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let (paula, otto) = (user(&s, "paula").await, user(&s, "otto").await);
    let (status, _) = s
        .post_json(
            "/api/v1/pages",
            &paula.token,
            json!({"title": "Deploys", "body": "v1"}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, page) = paula.get("/pages/deploys").await;
    assert!(page.contains(">Watching</button>"), "the writer watches");
    let edit = |n: i32| {
        let token = otto.token.clone();
        let s = &s;
        async move {
            let (status, j) = s
                .put_json(
                    "/api/v1/pages/deploys",
                    &token,
                    json!({"title": "Deploys", "body": format!("v{}", n + 1), "base_revision": n, "summary": format!("edit {n}")}),
                )
                .await;
            assert_eq!(status, 200, "{j}");
        }
    };
    edit(1).await;
    inbox_with(&paula, "Page edited").await;
    edit(2).await;
    // The second edit waits behind the unread first one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(count(&paula.get("/inbox").await.1), 1);
    paula.post("/inbox/read", &[]).await;
    edit(3).await;
    let inbox = inbox_with(&paula, "edit 3").await;
    assert_eq!(count(&inbox), 2, "{inbox}");
    // Otto edited it, so otto watches it too, and hears of paula's edit.
    let (_, page) = otto.get("/pages/deploys").await;
    let target = watch_target(&page);
    paula
        .post("/watch", &[("what", &target), ("watching", "off")])
        .await;
    let (status, _) = s
        .put_json(
            "/api/v1/pages/deploys",
            &otto.token,
            json!({"title": "Deploys", "body": "v5", "base_revision": 4, "summary": "edit 4"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = s
        .put_json(
            "/api/v1/pages/deploys",
            &paula.token,
            json!({"title": "Deploys", "body": "v6", "base_revision": 5, "summary": "edit 5"}),
        )
        .await;
    assert_eq!(status, 200);
    inbox_with(&otto, "edit 5").await;
    let inbox = paula.get("/inbox").await.1;
    assert!(!inbox.contains("edit 4"), "paula stopped watching");
}

/// Several instances on one database: every event is told once, by whichever claims it.
async fn several_instances_tell_each_event_once(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let second = TestServer::start_with(std::sync::Arc::new(s.data.sharing()), &[]).await;
    let paula = s.token_for("paula");
    for i in 0..12 {
        let server = if i % 2 == 0 { &s } else { &second };
        let (status, j) = server
            .post_json(
                "/api/v1/lessons",
                &paula,
                json!({"title": format!("Lesson {i}"), "body": "x", "units": ["squad/payments"]}),
            )
            .await;
        assert_eq!(status, 201, "{j}");
    }
    let pia = user(&s, "pia").await;
    let inbox = inbox_with(&pia, "Lesson 11").await;
    for i in 0..12 {
        assert_eq!(
            inbox.matches(&format!(">Lesson {i}<")).count(),
            1,
            "{inbox}"
        );
    }
    use diesel::prelude::*;
    let mut conn = s.data.connect();
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        rows: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pending: i64,
    }
    let c: Counts = diesel::sql_query(
        "SELECT (SELECT COUNT(*) FROM notifications) AS rows, \
         (SELECT COUNT(*) FROM events WHERE dispatched_at IS NULL) AS pending",
    )
    .get_result(&mut conn)
    .unwrap();
    // Twelve lessons, each told to pia alone (paula wrote them; otto and rita are not in
    // Payments).
    assert_eq!(c.rows, 12);
    assert_eq!(c.pending, 0);
}

/// An instance killed the moment its news is written loses none of it: the event was
/// written with the lesson, and the next instance tells it.
async fn news_outlives_a_killed_instance(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let paula = s.token_for("paula");
    for i in 0..5 {
        let (status, j) = s
            .post_json(
                "/api/v1/lessons",
                &paula,
                json!({"title": format!("Written before the crash {i}"), "body": "x", "units": ["squad/payments"]}),
            )
            .await;
        assert_eq!(status, 201, "{j}");
    }
    let data = s.kill9();
    let s = TestServer::start_with(data, &[]).await;
    let pia = user(&s, "pia").await;
    let mut inbox = inbox_with(&pia, "Written before the crash 4").await;
    for i in 0..4 {
        inbox = inbox_with(&pia, &format!("Written before the crash {i}")).await;
    }
    assert_eq!(count(&inbox), 5, "each once: {inbox}");
}

/// A post-mortem sent to review asks its squad; once published, its overdue action items
/// remind their person (or the product owner), and a week on the product owner — once.
async fn reviews_and_overdue_items_reach_their_people(b: Backend) {
    let (s, admin) = tribe(b).await;
    let (status, j) = s
        .post_json(
            "/api/v1/units/squad/payments/members",
            &admin,
            json!({"username": "rita", "role": "product owner", "since": "2025-01-01"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let (paula, pia, rita, otto) = (
        user(&s, "paula").await,
        user(&s, "pia").await,
        user(&s, "rita").await,
        user(&s, "otto").await,
    );
    let body = json!({
        "title": "Card payments failed",
        "severity": "SEV2",
        "squads": ["payments"],
        "started_at": "2026-05-01T10:00",
        "detected_at": "2026-05-01T10:20",
        "mitigated_at": "2026-05-01T11:00",
        "resolved_at": "2026-05-01T12:00",
        "summary": "Card payments failed for an hour.",
        "timeline": [{"at": "10:20", "text": "Alert fired."}],
        "contributing_factors": ["The rates file had a new format."],
        "action_items": [
            {"title": "Add a canary", "type": "prevent", "squad": "payments", "person": "pia", "due": "2020-01-01"},
            {"title": "Validate the rates file", "type": "detect", "squad": "payments", "due": "2020-01-01"},
        ],
    });
    let (status, j) = s.post_json("/api/v1/postmortems", &paula.token, body).await;
    assert_eq!(status, 201, "{j}");
    let url = format!("/postmortems/{}", j["id"]);
    let res = paula
        .post(&format!("{url}/status"), &[("to", "review")])
        .await;
    assert_eq!(res.status(), 303);
    // The squad's people but its author are asked; otto, in another squad, is not.
    crate::notify::inbox_with(&pia, "Review requested").await;
    crate::notify::inbox_with(&rita, "Review requested").await;
    assert!(!paula.get("/inbox").await.1.contains("Review requested"));
    assert!(!otto.get("/inbox").await.1.contains("Review requested"));
    let res = pia
        .post(&format!("{url}/review"), &[("verdict", "approved")])
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());

    // The reminders are made when a dispatcher looks (at its start, then every ten
    // minutes): a second instance starting looks.
    let second = TestServer::start_with(std::sync::Arc::new(s.data.sharing()), &[]).await;
    let inbox = crate::notify::inbox_with(&pia, "Add a canary").await;
    assert!(inbox.contains("Action item overdue"), "{inbox}");
    assert!(!inbox.contains("Validate the rates file"), "not pia's");
    // Rita, the product owner: the item nobody took, and (a week on) pia's.
    let inbox = crate::notify::inbox_with(&rita, "Validate the rates file").await;
    let inbox = if inbox.contains("Add a canary") {
        inbox
    } else {
        crate::notify::inbox_with(&rita, "Add a canary").await
    };
    let reminders = inbox.matches("Action item overdue").count();
    assert_eq!(reminders, 2, "one each, not one per stage: {inbox}");
    // Once: another instance looking again makes none.
    drop(second);
    let _third = TestServer::start_with(std::sync::Arc::new(s.data.sharing()), &[]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        rita.get("/inbox")
            .await
            .1
            .matches("Action item overdue")
            .count(),
        2
    );
}

/// A retro page has the watch button too: someone outside the squad who watches a retro
/// hears when it closes.
async fn a_watched_retro_tells_its_close(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let (paula, rita) = (user(&s, "paula").await, user(&s, "rita").await);
    let (status, j) = s
        .post_json(
            "/api/v1/retros",
            &paula.token,
            json!({"squad": "payments", "title": "Sprint 12 retro"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let url = format!("/retros/{}", j["id"]);
    let (_, page) = rita.get(&url).await;
    assert!(page.contains(">Watch</button>"), "not watching yet");
    let target = watch_target(&page);
    assert_eq!(target, format!("retro:{}", j["id"]));
    let res = rita
        .post(
            "/watch",
            &[("what", &target), ("watching", "on"), ("next", &url)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], url.as_str());
    assert!(rita.get(&url).await.1.contains(">Watching</button>"));
    for (from, to) in [
        ("review", "write"),
        ("write", "reveal"),
        ("reveal", "group"),
        ("group", "vote"),
        ("vote", "discuss"),
        ("discuss", "close"),
    ] {
        let res = paula
            .post(
                &format!("{url}/phase"),
                &[("from", from), ("to", to), ("confirmed", "1")],
            )
            .await;
        assert_eq!(res.status(), 303, "{from} → {to}");
    }
    let inbox = inbox_with(&rita, "Sprint 12 retro").await;
    assert!(inbox.contains("You watch"), "{inbox}");
    // Signed out, there is nothing to watch with.
    let page = s.client().get(&url).await.text().await.unwrap();
    assert!(!page.contains("name=\"what\""), "{page}");
}

/// The inbox as JSON: the caller's own notifications, newest first, paged; the unread ones;
/// marking one read, or all; someone else's notification is not found, no token is 401.
async fn the_inbox_answers_in_json(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let (paula, rita) = (user(&s, "paula").await, user(&s, "rita").await);
    rita.post("/watch", &[("what", "tag:caching"), ("watching", "on")])
        .await;
    lesson(&s, &paula.token, "Coalesce cache fills", &[], &["caching"]).await;
    lesson(&s, &paula.token, "Warm the cache first", &[], &["caching"]).await;
    inbox_with(&rita, "Warm the cache first").await;
    inbox_with(&rita, "Coalesce cache fills").await;

    let (status, j) = s.get_json("/api/v1/inbox?limit=1", &rita.token).await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["total"], 2, "{j}");
    let first = &j["items"][0];
    assert_eq!(first["title"], "Warm the cache first", "newest first: {j}");
    assert_eq!(first["what"], "New lesson");
    assert_eq!(first["kind"], "lesson_published");
    assert_eq!(first["read"], false);
    assert!(
        first["reason"]
            .as_str()
            .unwrap()
            .contains("You watch the tag caching")
    );
    assert!(first["url"].as_str().unwrap().starts_with("/lessons/"));
    let cursor = j["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_string();
    let (_, j) = s
        .get_json(
            &format!("/api/v1/inbox?limit=1&cursor={cursor}"),
            &rita.token,
        )
        .await;
    assert_eq!(j["items"][0]["title"], "Coalesce cache fills", "{j}");
    assert!(j["next_cursor"].is_null(), "{j}");
    let older = j["items"][0]["id"].as_i64().unwrap();

    // Paula cannot read Rita's notification, nor mark it.
    let (status, j) = s.get_json("/api/v1/inbox", &paula.token).await;
    assert_eq!((status, j["total"].as_i64()), (200, Some(0)), "{j}");
    let (status, _) = s
        .post_json("/api/v1/inbox/read", &paula.token, json!({"id": older}))
        .await;
    assert_eq!(status, 404);
    let (status, j) = s
        .post_json("/api/v1/inbox/read", &rita.token, json!({"id": older}))
        .await;
    assert_eq!((status, j["read"].as_i64()), (200, Some(1)), "{j}");
    let (_, j) = s.get_json("/api/v1/inbox?unread=1", &rita.token).await;
    assert_eq!(j["total"], 1, "{j}");
    assert_eq!(j["items"][0]["title"], "Warm the cache first");
    let (_, j) = s
        .post_json("/api/v1/inbox/read", &rita.token, json!({}))
        .await;
    assert_eq!(j["read"], 1, "{j}");
    let (_, j) = s.get_json("/api/v1/inbox?unread=1", &rita.token).await;
    assert_eq!(j["total"], 0, "{j}");
    let (_, home) = rita.get("/").await;
    assert_eq!(header_count(&home), None, "the page agrees: all read");
    let res = s.client().get("/api/v1/inbox").await;
    assert_eq!(res.status(), 401);
}

backend_tests!(
    the_inbox_answers_in_json,
    a_watched_retro_tells_its_close,
    watching_brings_news_to_the_inbox,
    mentions_are_told_once,
    page_edits_wait_unread_and_stop_when_unwatched,
    several_instances_tell_each_event_once,
    news_outlives_a_killed_instance,
    reviews_and_overdue_items_reach_their_people,
);
