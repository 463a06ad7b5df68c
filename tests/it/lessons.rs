//! Lessons: sources, filters, history, and where they show up.

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestServer};

async fn lessons_have_sources_filters_and_history(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    s.data.add_user("bea", PASSWORD, false);
    let admin_token = s.token_for("admin");
    let (status, _) = s
        .post_json(
            "/api/v1/units/squad",
            &admin_token,
            serde_json::json!({"name": "Payments"}),
        )
        .await;
    assert_eq!(status, 201);
    let c = s.client();
    c.login("bea", PASSWORD).await;
    let t = c.csrf("/lessons/new").await;
    c.post_form(
        "/pages/new",
        &[
            ("csrf_token", &t),
            ("title", "Cache incident"),
            ("body", "What happened."),
            ("base_revision", "0"),
        ],
    )
    .await;
    // A page source must exist.
    let res = c
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &t),
                ("title", "Coalesce requests"),
                ("source_kind", "page"),
                ("source_ref", "no-such-page"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("There is no page"));
    assert!(body.contains("value=\"Coalesce requests\""), "input kept");
    // A page source with nothing named is refused too.
    let res = c
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &t),
                ("title", "x"),
                ("source_kind", "page"),
                ("source_ref", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = c
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &t),
                ("title", "Coalesce requests, do not grow the cache"),
                (
                    "body",
                    "A bigger cache only moved the stampede. See [[Cache incident]].",
                ),
                ("source_kind", "page"),
                ("source_ref", "cache-incident"),
                ("tags", "caching, incidents"),
                ("units", "squad/payments"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let url = res.headers()["location"].to_str().unwrap().to_string();
    let page = c.get(&url).await.text().await.unwrap();
    assert!(
        page.contains("href=\"/pages/cache-incident\""),
        "the source is linked"
    );
    assert!(
        page.contains("href=\"/squads/payments\""),
        "the unit it concerns"
    );
    assert!(page.contains("#caching"));
    let res = c
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &t),
                ("title", "Standalone wisdom"),
                ("source_kind", "alone"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);

    // The home page shows what was learned lately.
    let home = c.get("/").await.text().await.unwrap();
    assert!(
        home.contains("Lately learned")
            && home.contains("Coalesce requests, do not grow the cache")
    );
    // Filters.
    let by_unit = c
        .get("/lessons?unit=squad/payments")
        .await
        .text()
        .await
        .unwrap();
    assert!(by_unit.contains("Coalesce requests") && !by_unit.contains("Standalone wisdom"));
    let by_source = c.get("/lessons?source=alone").await.text().await.unwrap();
    assert!(by_source.contains("Standalone wisdom") && !by_source.contains("Coalesce requests"));
    let by_tag = c.get("/lessons?tag=caching").await.text().await.unwrap();
    assert!(by_tag.contains("Coalesce requests") && !by_tag.contains("Standalone wisdom"));
    let by_author = c.get("/lessons?author=admin").await.text().await.unwrap();
    assert!(!by_author.contains("Coalesce requests"));
    let by_date = c
        .get("/lessons?from=2000-01-01&to=2000-12-31")
        .await
        .text()
        .await
        .unwrap();
    assert!(by_date.contains("No lessons match"));
    assert_eq!(c.get("/lessons?from=yesterday").await.status(), 400);

    // History and diff, like pages.
    let id = url.trim_start_matches("/lessons/").to_string();
    let res = c
        .post_form(
            &format!("/lessons/{id}/edit"),
            &[
                ("csrf_token", &t),
                ("title", "Coalesce requests, do not grow the cache"),
                (
                    "body",
                    "A bigger cache only moved the stampede.\n\nUse single-flight.",
                ),
                ("source_kind", "page"),
                ("source_ref", "cache-incident"),
                ("tags", "caching, incidents"),
                ("units", "squad/payments"),
                ("base_revision", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let diff = c
        .get(&format!("/lessons/{id}/diff?from=1&to=2"))
        .await
        .text()
        .await
        .unwrap();
    assert!(diff.contains("Use single-flight."));
    // Restoring revision 1 makes revision 3 with its text.
    let res = c
        .post_form(&format!("/lessons/{id}/restore/1"), &[("csrf_token", &t)])
        .await;
    assert_eq!(res.status(), 303);
    let restored = c.get(&url).await.text().await.unwrap();
    assert!(restored.contains("revision 3") && !restored.contains("Use single-flight."));
    assert!(!restored.contains("Someone else saved"));
    // The page a merged save leads to says so, with the diffs (pages test a real merge).
    let merged = c
        .get(&format!("{url}?merged=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        merged.contains("Someone else saved this lesson while you were editing (revision 2)."),
        "{merged}"
    );
    assert!(merged.contains(&format!(
        r#"<a href="/lessons/{id}/diff?from=2&#38;to=3">your edit, merged</a>"#
    )));
    let history = c
        .get(&format!("/lessons/{id}/history"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("restored revision 1"));
    // It shows on the squad's page and on its author's page.
    let squad = c.get("/squads/payments").await.text().await.unwrap();
    assert!(
        squad.contains(&format!("href=\"/lessons/{id}\"")),
        "the unit lists its lessons"
    );
    let bea = c.get("/people/bea").await.text().await.unwrap();
    assert!(
        bea.contains(&format!("href=\"/lessons/{id}\"")),
        "the person lists lessons written"
    );
    // Only its author or an admin deletes it.
    s.data.add_user("carl", PASSWORD, false);
    let carl = s.client();
    carl.login("carl", PASSWORD).await;
    let ct = carl.csrf("/lessons").await;
    assert_eq!(
        carl.post_form(&format!("/lessons/{id}/delete"), &[("csrf_token", &ct)])
            .await
            .status(),
        403
    );
    assert_eq!(
        c.post_form(&format!("/lessons/{id}/delete"), &[("csrf_token", &t)])
            .await
            .status(),
        303
    );
    assert_eq!(c.get(&url).await.status(), 404);
}

backend_tests!(lessons_have_sources_filters_and_history);
