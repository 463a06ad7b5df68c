//! Comments (issue 25): on the records people may see, edited for a while, hidden by
//! administrators, told to the record's watchers, found by search.

use std::time::Duration;

use serde_json::json;

use crate::backend_tests;
use crate::harness::Backend;
use crate::orgs::{tribe, user};

/// The search page for `q`, once it does (or no longer does) show `needle`: the index
/// follows writes a moment later.
async fn search_until(u: &crate::orgs::User, q: &str, needle: &str, shown: bool) {
    for _ in 0..100 {
        let (_, page) = u.get(&format!("/search?q={q}")).await;
        if page.contains(needle) == shown {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "search for {q:?} never {} {needle:?}",
        if shown { "showed" } else { "stopped showing" }
    );
}

async fn comments_follow_their_record(b: Backend) {
    let (s, _admin) = tribe(b).await;
    s.data.add_user("mod", crate::harness::PASSWORD, true);
    let (paula, otto, pia, rita, admin) = (
        user(&s, "paula").await,
        user(&s, "otto").await,
        user(&s, "pia").await,
        user(&s, "rita").await,
        user(&s, "mod").await,
    );
    let (status, j) = s
        .post_json(
            "/api/v1/lessons",
            &paula.token,
            json!({"title": "Cap retries", "body": "Retries doubled the load."}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let id = j["id"].as_i64().unwrap();
    let on = format!("lesson:{id}");

    // A comment: Markdown, sanitized, a mention linked; back to it on the lesson's page.
    let res = otto
        .post(
            "/comments",
            &[
                ("on", &on),
                (
                    "body",
                    "Why not **backoff**? Ask @pia. <script>x()</script> zebrafish",
                ),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&format!("/lessons/{id}#comment-")), "{to}");
    let anchor = to.split('#').nth(1).unwrap().to_string();
    let comment: i64 = anchor.trim_start_matches("comment-").parse().unwrap();
    let (_, page) = rita.get(&format!("/lessons/{id}")).await;
    assert!(page.contains(&format!("id=\"{anchor}\"")), "{page}");
    assert!(page.contains("<strong>backoff</strong>"));
    assert!(page.contains("href=\"/people/pia\" class=\"mention\""));
    assert!(!page.contains("<script>x()"), "sanitized");
    // Rita may not edit or delete it.
    assert!(!page.contains(&format!("/comments/{comment}/edit")));

    // The lesson's writer watches it and hears; the mentioned hear of the mention.
    let inbox = crate::notify::inbox_with(&paula, "Commented on a lesson").await;
    assert!(inbox.contains("Why not backoff?"), "{inbox}");
    crate::notify::inbox_with(&pia, "Mentioned you in a lesson").await;
    // Search finds the lesson by what its comments say.
    search_until(&rita, "zebrafish", "Cap retries", true).await;

    // Bad input: the comment comes back as typed.
    let long = "y".repeat(10_001);
    let res = otto
        .post("/comments", &[("on", &on), ("body", &long)])
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("at most 10000 characters"), "{body}");
    assert!(body.contains(&long), "kept");
    let res = otto
        .post("/comments", &[("on", "lesson:999999"), ("body", "x")])
        .await;
    assert_eq!(res.status(), 404);

    // Its author edits it; nobody else may.
    let (status, form) = otto.get(&format!("/comments/{comment}/edit")).await;
    assert_eq!(status, 200);
    assert!(form.contains("zebrafish"));
    let res = otto
        .post(
            &format!("/comments/{comment}/edit"),
            &[("body", "Why not backoff? quokka")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, page) = rita.get(&format!("/lessons/{id}")).await;
    assert!(
        page.contains("quokka") && page.contains("· edited"),
        "{page}"
    );
    for path in ["edit", "delete"] {
        let res = pia
            .post(
                &format!("/comments/{comment}/{path}"),
                &[("body", "mine now")],
            )
            .await;
        assert_eq!(res.status(), 403, "{path}");
    }
    let res = otto.post(&format!("/comments/{comment}/hide"), &[]).await;
    assert_eq!(res.status(), 403, "only administrators hide");

    // An administrator hides it: kept, with who and why; gone from search.
    let res = admin
        .post(
            &format!("/comments/{comment}/hide"),
            &[("reason", "off-topic")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, page) = rita.get(&format!("/lessons/{id}")).await;
    assert!(
        page.contains("Hidden by") && page.contains("off-topic"),
        "{page}"
    );
    assert!(!page.contains("quokka"), "hidden from readers");
    let (_, page) = admin.get(&format!("/lessons/{id}")).await;
    assert!(page.contains("quokka"), "administrators still read it");
    search_until(&rita, "quokka", "Cap retries", false).await;
    admin.post(&format!("/comments/{comment}/show"), &[]).await;
    search_until(&rita, "quokka", "Cap retries", true).await;

    // Its author deletes it.
    let res = otto.post(&format!("/comments/{comment}/delete"), &[]).await;
    assert_eq!(res.status(), 303);
    let (_, page) = rita.get(&format!("/lessons/{id}")).await;
    assert!(!page.contains(&anchor));
    search_until(&rita, "quokka", "Cap retries", false).await;
}

async fn comments_are_for_those_who_see_the_record(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let (paula, rita) = (user(&s, "paula").await, user(&s, "rita").await);
    // A draft post-mortem is its squad's: rita, in no squad, cannot comment or see comments.
    let (status, j) = s
        .post_json(
            "/api/v1/postmortems",
            &paula.token,
            json!({"title": "Card outage", "severity": "SEV2", "squads": ["payments"], "started_at": "2026-05-01T10:00"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let pm = j["id"].as_i64().unwrap();
    let on = format!("postmortem:{pm}");
    let res = rita.post("/comments", &[("on", &on), ("body", "hm")]).await;
    assert_eq!(res.status(), 404);
    let res = paula
        .post("/comments", &[("on", &on), ("body", "Draft note @otto")])
        .await;
    assert_eq!(res.status(), 303);
    let (_, page) = paula.get(&format!("/postmortems/{pm}")).await;
    assert!(page.contains("Draft note"));
    // A running retro has its board, not comments.
    let (status, j) = s
        .post_json(
            "/api/v1/retros",
            &paula.token,
            json!({"squad": "payments", "format": "custom", "columns": ["Good", "Bad"]}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let retro = j["id"].as_i64().unwrap();
    let res = paula
        .post(
            "/comments",
            &[("on", &format!("retro:{retro}")), ("body", "x")],
        )
        .await;
    assert_eq!(res.status(), 404);
    // Not a kind that takes comments.
    let res = paula
        .post("/comments", &[("on", "person:1"), ("body", "x")])
        .await;
    assert_eq!(res.status(), 404);
    // Otto, not involved in the draft, is not told of a mention he could not follow.
    let otto = user(&s, "otto").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, inbox) = otto.get("/inbox").await;
    assert!(!inbox.contains("Card outage"), "{inbox}");
}

backend_tests!(
    comments_follow_their_record,
    comments_are_for_those_who_see_the_record,
);
