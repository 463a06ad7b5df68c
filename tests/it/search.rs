//! Search end to end: what is written becomes findable (and edits and deletions too), the
//! page, the API and the suggestions, related lessons, and the index surviving a `kill -9`, a
//! deleted or corrupted directory, and writes by other processes.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{BIN, Backend, PASSWORD, TestServer};

/// Asks the API until `done` holds (the index follows the log within a second; the deadline
/// only keeps a broken build from hanging). Returns the last answer.
async fn search_until(
    s: &TestServer,
    token: &str,
    query: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = s.get_json(&format!("/api/v1/search?{query}"), token).await;
        assert_eq!(status, 200, "{body}");
        if done(&body) || Instant::now() > deadline {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn urls(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|h| h["url"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

async fn lesson(s: &TestServer, token: &str, body: Value) -> i64 {
    let (status, l) = s.post_json("/api/v1/lessons", token, body).await;
    assert_eq!(status, 201, "{l}");
    l["id"].as_i64().expect("lesson id")
}

async fn written_records_are_found_and_follow_edits(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    s.data.add_user("bea", PASSWORD, false);
    let admin = s.token_for("admin");
    let token = s.token_for("bea");
    for name in ["Payments", "Player"] {
        let (status, _) = s
            .post_json("/api/v1/units/squad", &admin, json!({ "name": name }))
            .await;
        assert_eq!(status, 201);
    }
    let stampede = lesson(
        &s,
        &token,
        json!({"title": "Coalesce cache misses", "body": "A cache stampede took the database down when keys expired together.", "tags": ["caching"], "units": ["squad/payments"]}),
    )
    .await;
    let deploy = lesson(
        &s,
        &token,
        json!({"title": "Deployments need a rollback plan", "body": "Roll back first, debug later.", "tags": ["deploys"], "units": ["squad/player"]}),
    )
    .await;
    let (status, _) = s
        .post_json(
            "/api/v1/pages",
            &token,
            json!({"title": "Stampede runbook", "body": "What to do when a **cache stampede** starts."}),
        )
        .await;
    assert_eq!(status, 201);

    // Found, with the contract's keys; the title match ranks first.
    let body = search_until(&s, &token, "q=stampede", |b| b["total"] == 2).await;
    assert_eq!(body["total"], 2, "{body}");
    assert_eq!(
        urls(&body),
        ["/pages/stampede-runbook", &format!("/lessons/{stampede}")]
    );
    // A score is the index's own figure: only its sign is part of the contract.
    for hit in body["hits"].as_array().unwrap() {
        assert!(hit["score"].as_f64().unwrap() > 0.0, "{hit}");
    }
    // The whole answer: every hit's kind, title and snippet, the facets.
    let lesson_url = format!("/lessons/{stampede}\"");
    insta::with_settings!({filters => vec![(lesson_url.as_str(), "/lessons/[stampede]\"")]}, {
        insta::assert_json_snapshot!("stampede_search_as_the_api_reads_it", body, {
            ".hits[].score" => "[score]",
            ".hits[].date" => "[time]",
        });
    });
    // Stemming, people and units are in the index too.
    let body = search_until(&s, &token, "q=deploy", |b| b["total"] == 1).await;
    assert_eq!(urls(&body), [format!("/lessons/{deploy}")]);
    // Two words only one person has both of: first, the others who have one follow.
    let body = search_until(&s, &token, "q=testperson+bea", |b| b["all_words"] == 1).await;
    assert_eq!(urls(&body)[0], "/people/bea");
    assert_eq!(body["relaxed"], true, "{body}");
    // On the page, a person's hit does not repeat its own name line as a snippet.
    let c = s.client();
    c.login("bea", crate::harness::PASSWORD).await;
    let page = c
        .get("/search?q=testperson+bea")
        .await
        .text()
        .await
        .unwrap();
    let hit = &page[page.find(r#"<h2><a href="/people/bea">"#).unwrap()..];
    let hit = &hit[..hit.find("</li>").unwrap()];
    assert!(!hit.contains(r#"class="snippet""#), "{hit}");
    let body = search_until(&s, &token, "q=payments&kind=unit", |b| b["total"] == 1).await;
    assert_eq!(urls(&body), ["/squads/payments"]);
    // Filters: a squad's facet path, a tag.
    let body = search_until(&s, &token, "q=cache&unit=/squad/player", |_| true).await;
    assert_eq!(body["total"], 0);
    let body = search_until(&s, &token, "tag=caching", |_| true).await;
    assert_eq!(urls(&body), [format!("/lessons/{stampede}")]);

    // The page: highlighted, escaped, with facets; bad syntax is searched as words.
    let c = s.client();
    c.login("bea", PASSWORD).await;
    let html = c.get("/search?q=stampede").await.text().await.unwrap();
    assert!(html.contains("<mark>Stampede</mark> runbook"), "{html}");
    assert!(html.contains("1–2 of 2 results"));
    assert!(html.contains(">Payments</a>"), "squad facet by name");
    for bad in ["%22unclosed", "title%3A", "AND+(+OR", "%3Cscript%3E", "-"] {
        let res = c.get(&format!("/search?q={bad}")).await;
        assert_eq!(res.status(), 200, "{bad}");
        let text = res.text().await.unwrap();
        assert!(!text.contains("<script>"), "escaped");
    }
    // A typo: the corrected results, said so.
    let html = c.get("/search?q=stampeed").await.text().await.unwrap();
    assert!(html.contains("Showing results for"), "{html}");
    let body = search_until(&s, &token, "q=stampeed", |_| true).await;
    assert_eq!(body["corrected"], "stampede");
    assert_eq!(body["total"], 2);

    // Search as you type.
    let (status, sug) = s.get_json("/search/suggest?q=coal", &token).await;
    assert_eq!(status, 200);
    assert_eq!(sug["suggestions"][0]["title"], "Coalesce cache misses");
    assert_eq!(sug["suggestions"][0]["url"], format!("/lessons/{stampede}"));

    // An edit: the old title is gone from the index, the new one found.
    let (status, _) = s
        .put_json(
            "/api/v1/pages/stampede-runbook",
            &token,
            json!({"title": "Thundering herd runbook", "body": "Herds.", "base_revision": 1}),
        )
        .await;
    assert_eq!(status, 200);
    let body = search_until(&s, &token, "q=herd", |b| b["total"] == 1).await;
    assert_eq!(body["total"], 1, "{body}");
    let body = search_until(&s, &token, "q=stampede", |b| b["total"] == 1).await;
    assert_eq!(urls(&body), [format!("/lessons/{stampede}")]);

    // A deletion: gone from results and from suggestions.
    let t = c.csrf("/lessons/new").await;
    let res = c
        .post_form(
            &format!("/lessons/{stampede}/delete"),
            &[("csrf_token", &t)],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let body = search_until(&s, &token, "q=stampede", |b| b["total"] == 0).await;
    assert_eq!(body["total"], 0, "{body}");
    let (_, sug) = s.get_json("/search/suggest?q=coal", &token).await;
    assert_eq!(sug["suggestions"], json!([]));

    // Nobody signed in: no search.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = anon.get(s.url("/api/v1/search?q=x")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = anon.get(s.url("/search?q=x")).send().await.unwrap();
    assert!(res.status().is_redirection());
    let res = anon.get(s.url("/search/suggest?q=x")).send().await.unwrap();
    assert_ne!(res.status(), 200);
}

async fn questions_synonyms_and_missing_words_are_answered(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    let token = s.token_for("admin");
    let (status, _) = s
        .post_json(
            "/api/v1/pages",
            &token,
            json!({"title": "Deploy checklist", "body": "Before every release: a rollback plan, a canary, a quiet pager."}),
        )
        .await;
    assert_eq!(status, 201);
    let failover = lesson(&s, &token, json!({"title": "Database failover took too long", "body": "The primary database was promoted after twenty minutes because the DNS TTL was an hour."})).await;
    let oncall = lesson(&s, &token, json!({"title": "Small squads burn out on on-call", "body": "Share the rota across squads."})).await;
    search_until(&s, &token, "q=rota", |b| b["total"] == 1).await;

    // Question words never make a query fail.
    let body = search_until(&s, &token, "q=how+do+we+deploy", |_| true).await;
    assert_eq!(urls(&body)[0], "/pages/deploy-checklist", "{body}");
    assert_eq!(body["relaxed"], false);
    assert_eq!(body["typed"], "how do we deploy");
    // Synonyms and compounds both ways.
    let body = search_until(&s, &token, "q=why+did+the+db+failover+take+so+long", |_| {
        true
    })
    .await;
    assert_eq!(urls(&body)[0], format!("/lessons/{failover}"), "{body}");
    for q in ["oncall+rota", "on+call+rota", "on-call"] {
        let body = search_until(&s, &token, &format!("q={q}"), |_| true).await;
        assert_eq!(urls(&body)[0], format!("/lessons/{oncall}"), "{q}: {body}");
    }

    // Relaxed: no record has all words; the API and the page say so, and which is missing.
    let body = search_until(&s, &token, "q=deploy+checklist+zanzibar", |_| true).await;
    assert_eq!(body["relaxed"], true, "{body}");
    assert_eq!(body["all_words"], 0);
    assert_eq!(body["missing"], json!(["zanzibar"]));
    assert_eq!(body["total"], 1);
    assert_eq!(
        body["corrected"],
        Value::Null,
        "zanzibar is no typo of anything"
    );
    assert_eq!(body["incomplete"], false);
    let c = s.client();
    c.login("admin", PASSWORD).await;
    let html = c
        .get("/search?q=deploy+checklist+zanzibar")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("No record has all of <strong>deploy</strong>, <strong>checklist</strong> and <strong>zanzibar</strong>; showing records with most of them."),
        "{html}"
    );
    assert!(html.contains("No record mentions <strong>zanzibar</strong>."));

    // per_page: honoured within 1–100.
    for (asked, per_page, hits) in [("1", 1, 1), ("0", 1, 1), ("500", 100, 3), ("x", 10, 3)] {
        let body = search_until(
            &s,
            &token,
            &format!("q=the+database+rota+checklist&per_page={asked}"),
            |_| true,
        )
        .await;
        assert_eq!(body["per_page"], per_page, "{asked}");
        assert_eq!(
            body["hits"].as_array().unwrap().len(),
            hits,
            "{asked}: {body}"
        );
    }

    // A typo with no results as typed: corrected, and "Search instead" searches as typed.
    let body = search_until(&s, &token, "q=failovre", |_| true).await;
    assert_eq!(body["corrected"], "failover", "{body}");
    assert_eq!(body["typed"], "failovre");
    let html = c.get("/search?q=failovre").await.text().await.unwrap();
    assert!(
        html.contains("Search instead for <a href=\"/search?q=failovre&#38;correct=0\">"),
        "{html}"
    );
    let body = search_until(&s, &token, "q=failovre&correct=0", |_| true).await;
    assert_eq!(
        (body["total"].clone(), body["corrected"].clone()),
        (json!(0), Value::Null)
    );

    // A rare word spelled right is never "corrected" into a common one (retry → retro).
    let retry = lesson(
        &s,
        &token,
        json!({"title": "Retry with idempotency keys", "body": "A retry charged the card twice."}),
    )
    .await;
    for i in 0..12 {
        lesson(&s, &token, json!({"title": format!("Retro notes {i}"), "body": "The retro found a change to make."})).await;
    }
    let body = search_until(&s, &token, "q=retry+double+charge", |b| b["all_words"] == 1).await;
    assert_eq!(urls(&body)[0], format!("/lessons/{retry}"), "{body}");
    assert_eq!(body["corrected"], Value::Null);
    assert_eq!(body["did_you_mean"], Value::Null);

    // The admin's synonym file is picked up without a restart.
    let body = search_until(&s, &token, "q=okapi", |_| true).await;
    assert_eq!(body["total"], 0);
    std::fs::write(s.data.dir.path().join("synonyms.txt"), "okapi, rota\n").unwrap();
    let body = search_until(&s, &token, "q=okapi", |b| b["total"] == 1).await;
    assert_eq!(urls(&body), [format!("/lessons/{oncall}")], "{body}");
}

async fn lessons_and_pages_show_related_lessons_from_other_teams(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    let token = s.token_for("admin");
    for name in ["Payments", "Player", "Search"] {
        s.post_json("/api/v1/units/squad", &token, json!({ "name": name }))
            .await;
    }
    let mine = lesson(&s, &token, json!({"title": "Retry storms after an outage", "body": "Clients retried without jitter and the retry storm kept the payment service down.", "units": ["squad/payments"]})).await;
    let same_team = lesson(&s, &token, json!({"title": "Jitter every retry", "body": "Retry storms again: add jitter to each retry.", "units": ["squad/payments"]})).await;
    let other_team = lesson(&s, &token, json!({"title": "Retry budgets", "body": "A retry storm from the player flooded search; budgets and jitter fixed it.", "units": ["squad/player"]})).await;
    let unrelated = lesson(&s, &token, json!({"title": "Design review rituals", "body": "Weekly critique sessions.", "units": ["squad/search"]})).await;
    search_until(&s, &token, "q=design", |b| b["total"] == 1).await;
    let c = s.client();
    c.login("admin", PASSWORD).await;
    let html = c
        .get(&format!("/lessons/{mine}"))
        .await
        .text()
        .await
        .unwrap();
    let related = html
        .split("Related lessons from other teams")
        .nth(1)
        .expect("a related section")
        .split("</section>")
        .next()
        .unwrap();
    assert!(
        related.contains(&format!("/lessons/{other_team}")),
        "{related}"
    );
    assert!(related.contains("Player"), "its team is named");
    assert!(
        !related.contains(&format!("/lessons/{same_team}\"")),
        "own unit left out"
    );
    assert!(
        !related.contains(&format!("/lessons/{unrelated}\"")),
        "not similar"
    );
    assert!(
        !related.contains(&format!("/lessons/{mine}\"")),
        "not itself"
    );
    // A page about the same thing shows it too.
    s.post_json(
        "/api/v1/pages",
        &token,
        json!({"title": "Retries", "body": "How we retry: jitter, budgets, no retry storm."}),
    )
    .await;
    search_until(&s, &token, "q=retries&kind=page", |b| b["total"] == 1).await;
    let html = c.get("/pages/retries").await.text().await.unwrap();
    assert!(html.contains("Related lessons from other teams"));
    assert!(html.contains(&format!("/lessons/{other_team}")));
}

async fn the_index_catches_up_after_kill_9_and_writes_by_other_processes(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    let token = s.token_for("admin");
    let out = s.data.cli(&["seed", "--people", "40"], None);
    assert!(out.success, "{}", out.stderr);
    // Another process writes while the server indexes; the server dies mid-way.
    let mut seed = std::process::Command::new(BIN);
    seed.args(["seed", "--lessons", "600"])
        .args(s.data.args())
        .env_remove("FIKA_DATABASE_URL")
        .env_remove("FIKA_DATA_DIR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let child = seed.spawn().expect("seed");
    search_until(&s, &token, "kind=lesson", |b| b["total"].as_u64() > Some(0)).await;
    let data = s.kill9();
    let out = child.wait_with_output().expect("seed finished");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let s = TestServer::start_with(data, &[]).await;
    let body = search_until(&s, &token, "kind=lesson", |b| b["total"] == 600).await;
    assert_eq!(
        body["total"], 600,
        "every lesson in the database is searchable"
    );
    let body = search_until(&s, &token, "kind=person", |b| b["total"] == 41).await;
    assert_eq!(body["total"], 41);
    assert!(
        !s.log().contains("rebuilding the search index"),
        "caught up, not rebuilt"
    );
}

async fn a_missing_or_corrupt_index_is_rebuilt(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    let token = s.token_for("admin");
    lesson(
        &s,
        &token,
        json!({"title": "Pin your dependencies", "body": "Lockfiles."}),
    )
    .await;
    search_until(&s, &token, "q=lockfiles", |b| b["total"] == 1).await;
    let index = s.data.dir.path().join("index");

    // Deleted.
    let data = s.kill9();
    std::fs::remove_dir_all(&index).unwrap();
    let s = TestServer::start_with(data, &[]).await;
    assert!(s.wait_for_log("reason=Missing").await, "{}", s.log());
    let body = search_until(&s, &token, "q=lockfiles", |b| b["total"] == 1).await;
    assert_eq!(body["total"], 1);

    // A segment file overwritten with garbage.
    let data = s.kill9();
    let victim = std::fs::read_dir(&index)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .expect("a segment's store file");
    let len = std::fs::metadata(&victim).unwrap().len() as usize;
    std::fs::write(&victim, vec![0x5a; len]).unwrap();
    let s = TestServer::start_with(data, &[]).await;
    assert!(s.wait_for_log("reason=Corrupt").await, "{}", s.log());
    let body = search_until(&s, &token, "q=lockfiles", |b| b["total"] == 1).await;
    assert_eq!(body["total"], 1);

    // meta.json unreadable.
    let data = s.kill9();
    std::fs::write(index.join("meta.json"), b"{ not json").unwrap();
    let s = TestServer::start_with(data, &[]).await;
    assert!(s.wait_for_log("reason=Corrupt").await, "{}", s.log());
    let body = search_until(&s, &token, "q=pin", |b| b["total"] == 1).await;
    assert_eq!(body["total"], 1);

    // `fika reindex` refuses while the server runs, and works once it is stopped.
    let out = s.data.cli(&["reindex"], None);
    assert!(!out.success);
    assert!(
        out.stderr.contains("in use by another fika process"),
        "{}",
        out.stderr
    );
    let data = s.kill9();
    let out = data.cli(&["reindex"], None);
    assert!(out.success, "{}", out.stderr);
    assert!(out.stdout.contains("indexed 2 records"), "{}", out.stdout);
    let s = TestServer::start_with(data, &[]).await;
    let body = search_until(&s, &token, "q=pin", |b| b["total"] == 1).await;
    assert_eq!(body["total"], 1);
    assert!(
        !s.log().contains("rebuilding the search index"),
        "{}",
        s.log()
    );
}

/// Two instances on one PostgreSQL each keep their own index from the same log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: see README, Run the tests"]
async fn instances_on_one_postgresql_each_index_the_shared_log() {
    let b = Backend::postgres();
    let a = TestServer::start(b).await;
    let other = std::sync::Arc::new(a.data.same_database());
    let b = TestServer::start_with(other, &[]).await;
    a.data.add_user("admin", PASSWORD, true);
    let token = a.token_for("admin");
    lesson(
        &a,
        &token,
        json!({"title": "Written on instance A", "body": "Quorum reads."}),
    )
    .await;
    let body = search_until(&b, &token, "q=quorum", |b| b["total"] == 1).await;
    assert_eq!(body["total"], 1, "instance B indexed A's write");
    assert!(b.data.dir.path().join("index").is_dir());
    assert_ne!(a.data.dir.path(), b.data.dir.path());
}

backend_tests!(
    written_records_are_found_and_follow_edits,
    questions_synonyms_and_missing_words_are_answered,
    lessons_and_pages_show_related_lessons_from_other_teams,
    the_index_catches_up_after_kill_9_and_writes_by_other_processes,
    a_missing_or_corrupt_index_is_rebuilt,
);
