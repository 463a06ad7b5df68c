//! Post-mortems: the form and the blameless check, draft visibility, dismissal, the review
//! rule and the publishing gate, lessons both ways, action items and `/actions`, the
//! Markdown export, the feed and the API.

use serde_json::json;

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, TestServer};
use crate::orgs::tribe;

fn base_form(t: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf_token", t),
        ("title", "Card payments declined in Norway"),
        ("severity", "SEV2"),
        ("squads", "payments"),
        ("authors", "paula"),
        ("facilitator", ""),
        ("started_at", "2026-03-28 23:50"),
        ("detected_at", "2026-03-29 00:02"),
        ("mitigated_at", "2026-03-29T01:15"),
        ("resolved_at", "2026-03-31 02:20"),
        (
            "summary",
            "A currency table update declined every NOK card payment.",
        ),
        ("impact", "4,100 payments declined over 85 minutes."),
        ("timeline_at_0", "2026-03-29 00:02"),
        ("timeline_text_0", "The decline-rate alert fired."),
        ("timeline_at_1", "23:50"),
        ("timeline_text_1", "The currency table update went out."),
        (
            "factor_0",
            "The on-call engineer should have checked the rates.",
        ),
        ("factor_1", "The update job had no canary."),
        ("detection", "An alert on the decline rate."),
        ("went_well", "The rollback took two minutes."),
        ("went_wrong", "Human error in the rate file."),
        ("lucky", "It was night in Norway."),
        ("lesson_title_0", "Canary every config table"),
        ("lesson_body_0", "Data changes break payments as code does."),
        ("action_id_0", ""),
        ("action_title_0", "Add a canary to the rate update job"),
        ("action_kind_0", "prevent"),
        ("action_squad_0", "payments"),
        ("action_person_0", "pia"),
        ("action_due_0", "2026-04-15"),
        ("action_status_0", "open"),
        ("action_reason_0", ""),
        ("action_tracker_0", "https://tracker.example/PAY-1"),
        ("action_id_1", ""),
        ("action_title_1", "Alert on decline rate per currency"),
        ("action_kind_1", "detect"),
        ("action_squad_1", "radio"),
        ("action_person_1", ""),
        ("action_due_1", "2099-01-01"),
        ("action_status_1", "open"),
        ("action_reason_1", ""),
        ("action_tracker_1", ""),
    ]
}

fn with<'a>(
    mut form: Vec<(&'a str, &'a str)>,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (k, v) in changes {
        match form.iter_mut().find(|(fk, _)| fk == k) {
            Some(f) => f.1 = v,
            None => form.push((k, v)),
        }
    }
    form
}

async fn postmortems_follow_the_blameless_workflow(b: Backend) {
    let (s, admin, paula, t) = drafting(b).await;

    // Out-of-order times: a message, and everything typed comes back; nothing is saved.
    let bad = with(base_form(&t), &[("resolved_at", "2026-03-29T00:00")]);
    let res = paula.post_form("/postmortems/new", &bad).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("before it was mitigated"), "times");
    assert!(page.contains("value=\"Card payments declined in Norway\""));
    assert!(page.contains("The on-call engineer should have checked the rates."));
    let (_, list) = s.get_items("/api/v1/postmortems", &admin).await;
    assert_eq!(list, json!([]));

    // "Check the wording" shows the findings with their rewrite, and saves nothing.
    let check = with(base_form(&t), &[("check", "1")]);
    let page = paula
        .post_form("/postmortems/new", &check)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<mark>should have</mark>"), "{page}");
    assert!(page.contains("Contributing factor 1"));
    assert!(page.contains("<mark>Human error</mark>"));
    assert!(page.contains("Try:"));
    let (_, list) = s.get_items("/api/v1/postmortems", &admin).await;
    assert_eq!(list, json!([]));
    // ...and so it does where another field does not read yet: the wording is still read,
    // and the form's own mistakes are shown beside it.
    let both = with(bad.clone(), &[("check", "1")]);
    let page = paula
        .post_form("/postmortems/new", &both)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<mark>should have</mark>"), "{page}");
    assert!(page.contains("before it was mitigated"), "{page}");
    assert!(!page.contains("No findings"), "{page}");

    let res = paula.post_form("/postmortems/new", &base_form(&t)).await;
    assert_eq!(res.status(), 303);
    let (url, id) = created(&res);
    let page = paula.get(&url).await.text().await.unwrap();
    assert!(page.contains("Draft"));
    // The timeline reads in time order, across midnight; durations count from the start.
    let first = page.find("The currency table update went out.").unwrap();
    let second = page.find("The decline-rate alert fired.").unwrap();
    assert!(first < second, "timeline sorted");
    assert!(page.contains("12 min"), "time to detect");
    assert!(page.contains("1 h 25 min"), "time to mitigate");
    assert!(page.contains("2 d 2 h"), "time to resolve");
    assert!(page.contains("2 open findings"), "{page}");

    // A draft is seen by its people only: the squad's other member, not another squad.
    let pia = s.client();
    pia.login("pia", PASSWORD).await;
    assert_eq!(pia.get(&url).await.status(), 200);
    let otto = s.client();
    otto.login("otto", PASSWORD).await;
    assert_eq!(otto.get(&url).await.status(), 404);
    assert_eq!(otto.get(&format!("{url}.md")).await.status(), 404);
    let listed = otto.get("/postmortems").await.text().await.unwrap();
    assert!(!listed.contains("Card payments declined"));
    let otto_token = s.token_for("otto");
    let (status, _) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &otto_token)
        .await;
    assert_eq!(status, 404);
    let (_, items) = s.get_items("/api/v1/actions", &otto_token).await;
    assert_eq!(
        items,
        json!([]),
        "a draft's action items are as private as it is"
    );
    assert_ne!(
        s.client().get(&url).await.status(),
        200,
        "anonymous visitors do not see it"
    );

    // Dismissal needs a reason, and is recorded.
    let res = paula
        .post_form(
            &format!("{url}/dismiss"),
            &[
                ("csrf_token", &t),
                ("field", "went_wrong"),
                ("rule", "human-error"),
                ("phrase", "Human error"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = paula
        .post_form(
            &format!("{url}/dismiss"),
            &[
                ("csrf_token", &t),
                ("field", "went_wrong"),
                ("rule", "human-error"),
                ("phrase", "Human error"),
                ("reason", "quotes the vendor's report"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = paula.get(&url).await.text().await.unwrap();
    assert!(page.contains("1 open finding"), "{page}");
    assert!(page.contains("Dismissed: quotes the vendor"), "{page}");

    // A lesson may not name a draft as its source (that would publish its title).
    let id_text = id.to_string();
    let pairs = [
        ("csrf_token", t.as_str()),
        ("title", "Rates are code"),
        ("source_kind", "postmortem"),
        ("source_ref", id_text.as_str()),
    ];
    let res = paula.post_form("/lessons/new", &pairs).await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("There is no published post-mortem")
    );

    // To review; the author cannot approve.
    let res = paula
        .post_form(
            &format!("{url}/status"),
            &[("csrf_token", &t), ("to", "review")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = paula
        .post_form(
            &format!("{url}/review"),
            &[("csrf_token", &t), ("verdict", "approved")],
        )
        .await;
    assert_eq!(res.status(), 403);

    // The gate: an open finding stops publishing until the reviewer acknowledges it.
    let pt = pia.csrf(&url).await;
    let res = pia
        .post_form(
            &format!("{url}/review"),
            &[
                ("csrf_token", &pt),
                ("verdict", "approved"),
                ("comments", "Good."),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("1 blameless finding is open"), "{page}");
    assert!(page.contains(">Good.</textarea>"), "comments kept");
    let res = pia
        .post_form(
            &format!("{url}/review"),
            &[("csrf_token", &pt), ("verdict", "changes")],
        )
        .await;
    assert_eq!(res.status(), 422, "changes need a comment");
    let res = pia
        .post_form(
            &format!("{url}/review"),
            &[
                ("csrf_token", &pt),
                ("verdict", "approved"),
                ("comments", "Good; the factor wording is accepted."),
                ("acknowledge", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);

    // Published: everyone sees it; its lesson exists and links back.
    let (status, j) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &otto_token)
        .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["status"], "published");
    assert_eq!(j["reviews"][0]["reviewer"], "pia");
    assert_eq!(j["reviews"][0]["acknowledged"], 1);
    assert_eq!(j["lessons"], json!([]));
    let lesson_url = j["published_lessons"][0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let lesson = otto.get(&lesson_url).await.text().await.unwrap();
    assert!(lesson.contains("Canary every config table"));
    assert!(
        lesson.contains(&format!("href=\"{url}\"")),
        "lesson links back"
    );
    let page = otto.get(&url).await.text().await.unwrap();
    assert!(
        page.contains(&format!("href=\"{lesson_url}\"")),
        "and forth"
    );

    // Now a lesson may name it; search finds it; the squad page shows its open items.
    let res = paula.post_form("/lessons/new", &pairs).await;
    assert_eq!(res.status(), 303);
    let mut found = false;
    for _ in 0..50 {
        let j: serde_json::Value = otto
            .get("/api/v1/search?q=currency+table&kind=postmortem")
            .await
            .json()
            .await
            .unwrap();
        if j["hits"]
            .as_array()
            .is_some_and(|h| h.iter().any(|h| h["url"] == url.as_str()))
        {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "the published post-mortem is searchable");
    let squad = otto.get("/squads/payments").await.text().await.unwrap();
    assert!(
        squad.contains("Add a canary to the rate update job"),
        "{squad}"
    );
    assert!(squad.contains("d overdue"));

    // Markdown export and the feed.
    let md = otto.get(&format!("{url}.md")).await.text().await.unwrap();
    // The whole document: what an organization keeps when it exports its post-mortems.
    insta::with_settings!({filters => vec![
        (r"http://127\.0\.0\.1:\d+", "http://[server]"),
        (r"Published \(\d{4}-\d\d-\d\d\)", "Published ([today])"),
    ]}, {
        insta::assert_snapshot!("postmortem_as_markdown", md);
    });
    let feed = otto
        .get("/feeds/postmortems.atom")
        .await
        .text()
        .await
        .unwrap();
    // A feed reader with a token, at the new address and the old one; without one, a 401
    // (never a redirect that would carry the token to the sign-in page).
    for path in ["/feeds/postmortems.atom", "/postmortems/feed.atom"] {
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let with = res
            .get(s.url(&format!("{path}?token={otto_token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(with.status(), 200, "{path}");
        assert_eq!(with.text().await.unwrap(), feed, "{path}");
        let without = res.get(s.url(path)).send().await.unwrap();
        assert_eq!(without.status(), 401, "{path}");
        let bad = res
            .get(s.url(&format!("{path}?token=forged")))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 401, "{path}");
    }
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text())
        .collect();
    assert_eq!(titles, vec!["SEV2: Card payments declined in Norway"]);

    // Action items: overdue first; who may close them.
    let (_, items) = s
        .get_items("/api/v1/actions?status=open", &otto_token)
        .await;
    assert_eq!(items.as_array().unwrap().len(), 2);
    assert_eq!(items[0]["title"], "Add a canary to the rate update job");
    assert_eq!(items[0]["overdue"], true);
    assert_eq!(items[0]["person"], "pia");
    assert_eq!(items[1]["overdue"], false);
    let first = items[0]["id"].as_i64().unwrap();
    let page = otto.get("/actions").await.text().await.unwrap();
    assert!(page.contains("1 overdue"), "{page}");
    let rita = s.client();
    rita.login("rita", PASSWORD).await;
    // Buttons only for those who may use them: otto's squad owns one item, rita none.
    let done_button = "name=\"status\" value=\"done\"";
    let page = rita.get("/actions").await.text().await.unwrap();
    assert!(page.contains("Add a canary") && !page.contains(done_button));
    let page = otto.get("/actions").await.text().await.unwrap();
    assert_eq!(page.matches(done_button).count(), 1, "{page}");
    let rt = rita.csrf("/actions").await;
    let res = rita
        .post_form(
            &format!("/actions/{first}"),
            &[("csrf_token", &rt), ("status", "done")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = pia
        .post_form(
            &format!("/actions/{first}"),
            &[("csrf_token", &pt), ("status", "wontdo"), ("reason", "")],
        )
        .await;
    assert_eq!(res.status(), 422, "won't do needs a reason");
    let res = pia
        .post_form(
            &format!("/actions/{first}"),
            &[
                ("csrf_token", &pt),
                ("status", "done"),
                ("back", "/actions"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/actions");
    let (_, items) = s.get_items("/api/v1/actions?status=done", &admin).await;
    assert_eq!(items[0]["id"], first);
    assert!(items[0]["closed_on"].is_string());
    let (_, items) = s
        .get_items("/api/v1/actions?status=open&squad=radio", &admin)
        .await;
    assert_eq!(items.as_array().unwrap().len(), 1);
    let insights = otto
        .get("/postmortems/insights")
        .await
        .text()
        .await
        .unwrap();
    assert!(insights.contains("50 %"), "one of two items done");
    assert!(insights.contains("2026-Q1"));
}

async fn the_api_writes_checks_and_publishes_postmortems(b: Backend) {
    let (s, admin) = tribe(b).await;
    let paula = s.token_for("paula");
    let pia = s.token_for("pia");

    // The checker on any text: exact keys, character offsets.
    let (status, j) = s
        .post_json(
            "/api/v1/blameless/check",
            &paula,
            json!({"text": "Åsa should have rolled back; she simply forgot."}),
        )
        .await;
    assert_eq!(status, 200, "{j}");
    // Offsets count characters, not bytes: "Åsa " is four characters and five bytes.
    assert_eq!(
        (&j[0]["start"], &j[0]["end"]),
        (&json!(4), &json!(15)),
        "{j}"
    );
    // Every finding whole: its keys, the phrase, why it is flagged and what to write instead.
    insta::assert_json_snapshot!("blameless_findings_as_the_api_reads_them", j);
    let (_, j) = s
        .post_json(
            "/api/v1/blameless/check",
            &paula,
            json!({"text": "The shoulder of the graph; justify the simplified plan."}),
        )
        .await;
    assert_eq!(j, json!([]));
    let (_, j) = s
        .post_json(
            "/api/v1/blameless/check",
            &paula,
            json!({"text": "@otto deployed it", "place": "contributing_factors"}),
        )
        .await;
    assert_eq!(j, json!([]), "a mention alone is not blame");
    let (_, j) = s
        .post_json(
            "/api/v1/blameless/check",
            &paula,
            json!({"text": "it was caused by @otto", "place": "contributing_factors"}),
        )
        .await;
    assert_eq!(j[0]["rule"], "person-as-cause");

    // Bad input: 422 with the fields, nothing saved.
    let body = json!({
        "title": "",
        "severity": "SEV9",
        "squads": ["payments"],
        "started_at": "2026-05-01T10:00",
    });
    let (status, j) = s.post_json("/api/v1/postmortems", &paula, body).await;
    assert_eq!(status, 422, "{j}");
    assert!(j["fields"]["title"].is_string());
    assert!(j["fields"]["severity"].is_string());

    let body = json!({
        "title": "Radio stations stalled",
        "severity": "SEV3",
        "squads": ["payments", "radio"],
        "started_at": "2026-05-01T10:00",
        "detected_at": "2026-05-01T10:20",
        "mitigated_at": "2026-05-01T11:00",
        "resolved_at": "2026-05-01T12:00",
        "summary": "Stations stalled after a cache change.",
        "timeline": [{"at": "10:20", "text": "Alert fired."}],
        "contributing_factors": ["The cache key changed format."],
        "action_items": [{"title": "Version cache keys", "type": "prevent", "squad": "radio", "due": "2026-06-01"}],
    });
    let (status, j) = s.post_json("/api/v1/postmortems", &paula, body).await;
    assert_eq!(status, 201, "{j}");
    let id = j["id"].as_i64().unwrap();
    // The whole draft as written: its author, the durations from the start (none to mitigate
    // without a mitigation time), the timeline's time on the start's day, the item's squad,
    // and no findings in blameless text. Whether the item is overdue depends on the day the
    // test runs.
    insta::assert_json_snapshot!("postmortem_draft_as_the_api_reads_it", j, {
        ".id" => "[id]",
        ".url" => "/postmortems/[id]",
        ".created_at" => "[time]",
        ".updated_at" => "[time]",
        ".action_items[].id" => "[id]",
        ".action_items[].overdue" => "[against today]",
    });
    // otto is in radio, an involved squad: he sees the draft; rita does not.
    let otto = s.token_for("otto");
    let (status, _) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &otto)
        .await;
    assert_eq!(status, 200);
    let rita = s.token_for("rita");
    let (status, _) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &rita)
        .await;
    assert_eq!(status, 404);
    let (_, list) = s.get_items("/api/v1/postmortems", &rita).await;
    assert_eq!(list, json!([]));

    // What GET gives can be PUT back; publishing is not a PUT.
    let mut doc = j.clone();
    doc["status"] = json!("published");
    let (status, e) = s
        .put_json(&format!("/api/v1/postmortems/{id}"), &paula, doc.clone())
        .await;
    assert_eq!(status, 422);
    assert!(e["fields"]["status"].as_str().unwrap().contains("reviews"));
    doc["status"] = json!("review");
    doc["severity"] = json!("SEV2");
    let (status, j) = s
        .put_json(&format!("/api/v1/postmortems/{id}"), &paula, doc)
        .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["status"], "review");
    assert_eq!(j["severity"], "SEV2");
    assert_eq!(
        j["action_items"].as_array().unwrap().len(),
        1,
        "the item was kept, not duplicated"
    );
    // rita may not change it; the author may not approve it.
    let (status, _) = s
        .put_json(
            &format!("/api/v1/postmortems/{id}"),
            &rita,
            json!({"title": "x", "severity": "SEV1", "squads": ["radio"], "started_at": "2026-05-01T10:00"}),
        )
        .await;
    assert_eq!(status, 404);
    let review = format!("/api/v1/postmortems/{id}/reviews");
    let (status, _) = s
        .post_json(&review, &paula, json!({"verdict": "approved"}))
        .await;
    assert_eq!(status, 403);
    let (status, j) = s
        .post_json(
            &review,
            &pia,
            json!({"verdict": "approved", "comments": "Clear."}),
        )
        .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["status"], "published");
    assert!(j["published_at"].is_string());

    // Filters.
    let (_, list) = s
        .get_items("/api/v1/postmortems?severity=SEV2", &rita)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, list) = s
        .get_items("/api/v1/postmortems?severity=SEV1", &rita)
        .await;
    assert_eq!(list, json!([]));
    let (_, list) = s
        .get_items("/api/v1/postmortems?squad=radio&status=published", &rita)
        .await;
    assert_eq!(list[0]["id"], id);
    let (_, list) = s
        .get_items("/api/v1/postmortems?from=2026-06-01", &rita)
        .await;
    assert_eq!(list, json!([]));
    let (status, _) = s
        .get_items("/api/v1/postmortems?severity=high", &rita)
        .await;
    assert_eq!(status, 422, "a wrong filter value, as in every feature");
    let (_, items) = s.get_items("/api/v1/actions?status=open", &admin).await;
    assert_eq!(items[0]["source_url"], format!("/postmortems/{id}"));
    assert_eq!(items[0]["type"], "prevent");
}

/// The tribe's server, its admin token, and paula signed in at a new post-mortem's form with
/// its CSRF token.
async fn drafting(b: Backend) -> (TestServer, String, Client, String) {
    let (s, admin) = tribe(b).await;
    let paula = s.client();
    paula.login("paula", PASSWORD).await;
    let t = paula.csrf("/postmortems/new").await;
    (s, admin, paula, t)
}

/// The page and id of the post-mortem a form just created, from its redirect.
fn created(res: &reqwest::Response) -> (String, i64) {
    let location = res.headers()["location"].to_str().unwrap();
    (
        location.trim_end_matches("#bl-h").to_string(),
        id_of(location),
    )
}

/// The id in a `/postmortems/{id}` location.
fn id_of(location: &str) -> i64 {
    location
        .trim_end_matches("#bl-h")
        .trim_start_matches("/postmortems/")
        .parse()
        .unwrap()
}

async fn misuse_of_the_workflow_is_refused(b: Backend) {
    let (s, admin, paula, t) = drafting(b).await;
    let res = paula.post_form("/postmortems/new", &base_form(&t)).await;
    let first = id_of(res.headers()["location"].to_str().unwrap());
    let url = format!("/postmortems/{first}");

    // A member of an involved squad may improve the text, not change who is involved.
    let pia = s.client();
    pia.login("pia", PASSWORD).await;
    let pt = pia.csrf(&url).await;
    let res = pia
        .post_form(
            &format!("{url}/edit"),
            &with(base_form(&pt), &[("squads", "radio")]),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Only its authors"));

    // The creator cannot approve, even after leaving the authors to someone else.
    let res = paula
        .post_form(
            &format!("{url}/edit"),
            &with(base_form(&t), &[("authors", "pia")]),
        )
        .await;
    assert_eq!(res.status(), 303);
    paula
        .post_form(
            &format!("{url}/status"),
            &[("csrf_token", &t), ("to", "review")],
        )
        .await;
    let res = paula
        .post_form(
            &format!("{url}/review"),
            &[
                ("csrf_token", &t),
                ("verdict", "approved"),
                ("acknowledge", "2"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);

    // A review of a version that changed meanwhile is refused, and changes nothing.
    let otto = s.client();
    otto.login("otto", PASSWORD).await;
    let admin_c = s.client();
    s.data.add_user("boss", PASSWORD, true);
    admin_c.login("boss", PASSWORD).await;
    let bt = admin_c.csrf(&url).await;
    let res = admin_c
        .post_form(
            &format!("{url}/review"),
            &[
                ("csrf_token", &bt),
                ("verdict", "approved"),
                ("acknowledge", "2"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("It changed since you read it")
    );
    // Acknowledging fewer findings than are open does not publish.
    let res = admin_c
        .post_form(
            &format!("{url}/review"),
            &[
                ("csrf_token", &bt),
                ("verdict", "approved"),
                ("acknowledge", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let (_, j) = s
        .get_json(&format!("/api/v1/postmortems/{first}"), &admin)
        .await;
    assert_eq!(j["status"], "review");
    let res = admin_c
        .post_form(
            &format!("{url}/review"),
            &[
                ("csrf_token", &bt),
                ("verdict", "approved"),
                ("acknowledge", "2"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);

    // Published, it stays blameless: an edit that adds blame is refused with the findings.
    let res = paula
        .post_form(
            &format!("{url}/edit"),
            &with(
                base_form(&t),
                &[("authors", "pia"), ("lucky", "It was all Pia's fault.")],
            ),
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("stays blameless"), "{page}");
    assert!(page.contains("<mark>Pia&#39;s fault</mark>") || page.contains("fault</mark>"));
    let (_, j) = s
        .get_json(&format!("/api/v1/postmortems/{first}"), &admin)
        .await;
    assert_eq!(j["lucky"], "It was night in Norway.", "nothing was saved");
    // What GET answers can be PUT back, published or not.
    let (status, j) = s
        .put_json(&format!("/api/v1/postmortems/{first}"), &admin, j.clone())
        .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["status"], "published");

    // A second, private draft: its items are out of reach of the uninvolved.
    let res = paula.post_form("/postmortems/new", &base_form(&t)).await;
    let second = id_of(res.headers()["location"].to_str().unwrap());
    let (_, j) = s
        .get_json(&format!("/api/v1/postmortems/{second}"), &admin)
        .await;
    let hidden_item = j["action_items"][0]["id"].as_i64().unwrap();
    let ot = otto.csrf("/actions").await;
    let res = otto
        .post_form(
            &format!("/actions/{hidden_item}"),
            &[("csrf_token", &ot), ("status", "done")],
        )
        .await;
    assert_eq!(res.status(), 404);
    // An item of the first post-mortem cannot be pulled into the second through the form.
    let (_, j1) = s
        .get_json(&format!("/api/v1/postmortems/{first}"), &admin)
        .await;
    let foreign = j1["action_items"][0]["id"].as_i64().unwrap().to_string();
    let res = paula
        .post_form(
            &format!("/postmortems/{second}/edit"),
            &with(base_form(&t), &[("action_id_0", &foreign)]),
        )
        .await;
    assert_eq!(res.status(), 409);
    let (_, j1) = s
        .get_json(&format!("/api/v1/postmortems/{first}"), &admin)
        .await;
    assert_eq!(j1["action_items"].as_array().unwrap().len(), 2);
    // Closing an item sends the browser back only within fika.
    let item = j1["action_items"][1]["id"].as_i64().unwrap();
    let res = pia
        .post_form(
            &format!("/actions/{item}"),
            &[
                ("csrf_token", &pt),
                ("status", "done"),
                ("back", "/\\evil.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], url.as_str());
}

/// Years no organisation means (`-2026`, `0000`, before 1900) are refused like 2026-02-30,
/// by the post-mortem and the retro APIs alike.
async fn dates_outside_the_calendar_are_refused(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let paula = s.token_for("paula");
    for bad in [
        "-2026-11-01T10:00",
        "0000-01-01T10:00",
        "1899-12-31T10:00",
        "2026-02-30T10:00",
    ] {
        let (status, j) = s
            .post_json(
                "/api/v1/postmortems",
                &paula,
                json!({"title": "Dates", "severity": "SEV3", "squads": ["payments"],
                       "started_at": bad}),
            )
            .await;
        assert_eq!(status, 422, "{bad}: {j}");
    }
    for bad in ["-2026-11-01", "0000-01-01", "2026-02-30"] {
        let (status, j) = s
            .post_json(
                "/api/v1/retros",
                &paula,
                json!({"squad": "payments", "held_on": bad}),
            )
            .await;
        assert_eq!(status, 422, "{bad}: {j}");
        assert!(j.to_string().contains("is not a date"), "{j}");
    }
    let (status, j) = s
        .post_json(
            "/api/v1/postmortems",
            &paula,
            json!({"title": "Dates", "severity": "SEV3", "squads": ["payments"],
                   "started_at": "1999-12-31T23:30"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
}

/// Times are typed, never defaulted; a time alone that lands past midnight is shown with its
/// date before anything is saved; the zone is chosen and shown; UTC is what is kept.
async fn incident_times_are_entered_without_surprises(b: Backend) {
    let (s, admin) = tribe(b).await;
    let paula = s.client();
    paula.login("paula", PASSWORD).await;
    let blank = paula.get("/postmortems/new").await.text().await.unwrap();
    assert!(
        blank.contains(r#"name="started_at" value="""#),
        "the start is not filled in with the moment the form opened"
    );
    assert!(blank.contains(r#"<option value="UTC" selected>UTC</option>"#));
    assert!(blank.contains(r#"<option value="+05:30">UTC+05:30</option>"#));
    let t = paula.csrf("/postmortems/new").await;

    // 14:05 and 14:40 with a start at 15:51: the rule puts them on the next day, and the form
    // says so with the date instead of saving.
    let afternoon = with(
        base_form(&t),
        &[
            ("started_at", "2026-03-28 15:51"),
            ("detected_at", ""),
            ("mitigated_at", ""),
            ("resolved_at", ""),
            ("timeline_at_0", "14:05"),
            ("timeline_at_1", "14:40"),
        ],
    );
    let res = paula.post_form("/postmortems/new", &afternoon).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Past midnight: this is Sun 29 Mar, the day after the incident started."),
        "{page}"
    );
    assert!(page.contains(r#"value="2026-03-29 14:05""#));
    assert!(page.contains(r#"value="2026-03-29 14:40""#));
    let (_, list) = s.get_items("/api/v1/postmortems", &admin).await;
    assert_eq!(
        list,
        json!([]),
        "nothing saved before the writer saw the dates"
    );

    // The writer meant the same day: they type the date, and it is kept.
    let same_day = with(
        afternoon.clone(),
        &[
            ("started_at", "2026-03-28 13:51"),
            ("timeline_at_0", "2026-03-28 14:05"),
        ],
    );
    let res = paula.post_form("/postmortems/new", &same_day).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());

    // Written in UTC+02:00, kept and shown in UTC; a value may name its own zone.
    let zoned = with(
        base_form(&t),
        &[
            ("title", "Search timed out in Finland"),
            ("zone", "+02:00"),
            ("started_at", "2026-03-28 10:00"),
            ("detected_at", "2026-03-28 08:30 UTC"),
            ("mitigated_at", ""),
            ("resolved_at", ""),
            ("timeline_at_0", "10:20"),
            ("timeline_at_1", ""),
            ("timeline_text_1", ""),
        ],
    );
    let res = paula.post_form("/postmortems/new", &zoned).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let (url, id) = created(&res);
    let (_, pm) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &admin)
        .await;
    assert_eq!(pm["started_at"], "2026-03-28T08:00");
    assert_eq!(pm["detected_at"], "2026-03-28T08:30");
    assert_eq!(pm["timeline"][0]["at"], "2026-03-28T08:20");
    let page = paula.get(&url).await.text().await.unwrap();
    assert!(page.contains("When (UTC)"));
    assert!(page.contains("2026-03-28 08:00 UTC"), "{page}");
    // Edited again, the form shows UTC and says so.
    let edit = paula
        .get(&format!("{url}/edit"))
        .await
        .text()
        .await
        .unwrap();
    assert!(edit.contains(r#"name="started_at" value="2026-03-28 08:00""#));
    assert!(edit.contains(r#"<option value="UTC" selected>UTC</option>"#));

    // An offset nobody uses is refused by name, and the form comes back as typed.
    let odd = with(zoned, &[("zone", "+05:17")]);
    let res = paula.post_form("/postmortems/new", &odd).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("is not a UTC offset"));
}

/// A post-mortem of an incident not known to be over (no detection, mitigation or resolution
/// time) stays a draft: it cannot go to review, nor be approved if its times are cleared in
/// review; and one that finds nothing went wrong says so to its reviewer.
async fn an_ongoing_incident_cannot_be_published(b: Backend) {
    let (s, admin, paula, t) = drafting(b).await;
    let ongoing = with(
        base_form(&t),
        &[
            ("detected_at", ""),
            ("mitigated_at", ""),
            ("resolved_at", ""),
            ("went_wrong", ""),
            ("factor_0", ""),
            ("factor_1", ""),
        ],
    );
    let res = paula.post_form("/postmortems/new", &ongoing).await;
    assert_eq!(res.status(), 303, "a draft may be ongoing");
    let (url, id) = created(&res);
    let page = paula.get(&url).await.text().await.unwrap();
    assert!(
        page.contains(
            "Still ongoing: say when the incident was detected, mitigated and resolved before \
             it goes to review."
        ),
        "{page}"
    );
    assert!(!page.contains(r#"value="review""#), "no button to send it");
    assert!(page.contains("A review that concludes everything went perfectly has not looked"));

    let res = paula
        .post_form(
            &format!("{url}/status"),
            &[("csrf_token", &t), ("to", "review")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Still ongoing"));
    let (_, j) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &admin)
        .await;
    assert_eq!(j["status"], "draft");
    // Through the API: refused by field, and nothing of the body is saved.
    let mut doc = j.clone();
    doc["status"] = json!("review");
    doc["severity"] = json!("SEV1");
    let (status, e) = s
        .put_json(
            &format!("/api/v1/postmortems/{id}"),
            &s.token_for("paula"),
            doc,
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(
        e["fields"]["status"]
            .as_str()
            .unwrap()
            .contains("Still ongoing")
    );
    let (_, j) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &admin)
        .await;
    assert_eq!(j["severity"], "SEV2");

    // Complete, it goes to review; cleared again while in review, it cannot be approved.
    let done = with(
        ongoing.clone(),
        &[
            ("detected_at", "2026-03-29 00:02"),
            ("mitigated_at", "2026-03-29 01:15"),
            ("resolved_at", "2026-03-29 02:20"),
            ("went_wrong", "The rate file had no check."),
        ],
    );
    let res = paula.post_form(&format!("{url}/edit"), &done).await;
    assert_eq!(res.status(), 303);
    let page = paula.get(&url).await.text().await.unwrap();
    assert!(!page.contains("has not looked"), "something went wrong now");
    let res = paula
        .post_form(
            &format!("{url}/status"),
            &[("csrf_token", &t), ("to", "review")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = paula.post_form(&format!("{url}/edit"), &ongoing).await;
    assert_eq!(res.status(), 303);
    let pia = s.client();
    pia.login("pia", PASSWORD).await;
    let pt = pia.csrf(&url).await;
    let res = pia
        .post_form(
            &format!("{url}/review"),
            &[
                ("csrf_token", &pt),
                ("verdict", "approved"),
                ("comments", "Fine."),
                ("acknowledge", "9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("Still ongoing"), "{page}");
    let (_, j) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &admin)
        .await;
    assert_ne!(j["status"], "published");
    // The API says the same, by field.
    let (status, j) = s
        .post_json(
            &format!("/api/v1/postmortems/{id}/reviews"),
            &s.token_for("pia"),
            json!({"verdict": "approved", "comments": "Fine.", "acknowledge_findings": true}),
        )
        .await;
    assert_eq!(status, 422, "{j}");
    assert!(
        j["fields"]["verdict"]
            .as_str()
            .unwrap()
            .contains("Still ongoing")
    );
}

/// A finding that points at a person is not accepted with the tick: the authors rewrite it,
/// or the reviewer dismisses it with a reason, which the published page shows.
async fn findings_that_point_at_a_person_are_not_waved_through(b: Backend) {
    let (s, admin, paula, t) = drafting(b).await;
    let form = with(
        base_form(&t),
        &[
            ("went_wrong", "It was Goran's fault."),
            ("factor_0", "The engineer should have checked the rates."),
        ],
    );
    let res = paula.post_form("/postmortems/new", &form).await;
    assert_eq!(res.status(), 303);
    let (url, id) = created(&res);
    let (_, j) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &admin)
        .await;
    let findings = j["findings"].as_array().unwrap();
    let personal: Vec<_> = findings
        .iter()
        .filter(|f| f["points_at_person"] == true)
        .collect();
    assert_eq!(personal.len(), 1, "{j}");
    assert_eq!(personal[0]["rule"], "person-as-cause");
    let phrase = personal[0]["phrase"].as_str().unwrap().to_string();
    let others = findings.len() - 1;
    assert!(others >= 1, "the counterfactual is still a finding: {j}");

    // The authors cannot dismiss it; they are told to rewrite it.
    let page = paula.get(&url).await.text().await.unwrap();
    assert!(page.contains("points at a person"));
    assert!(page.contains("Rewrite this one"), "{page}");
    let dismiss = [
        ("csrf_token", t.as_str()),
        ("field", "went_wrong"),
        ("rule", "person-as-cause"),
        ("phrase", phrase.as_str()),
        ("reason", "It is a quote."),
    ];
    let res = paula.post_form(&format!("{url}/dismiss"), &dismiss).await;
    assert_eq!(res.status(), 403);
    let res = paula
        .post_form(
            &format!("{url}/status"),
            &[("csrf_token", &t), ("to", "review")],
        )
        .await;
    assert_eq!(res.status(), 303);

    // The reviewer's tick covers the other findings only.
    let pia = s.client();
    pia.login("pia", PASSWORD).await;
    let pt = pia.csrf(&url).await;
    let page = pia.get(&url).await.text().await.unwrap();
    assert!(
        page.contains("1 finding points at a person. No tick accepts it"),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"name="acknowledge" value="{others}""#)),
        "{page}"
    );
    let ack = others.to_string();
    let approve = [
        ("csrf_token", pt.as_str()),
        ("verdict", "approved"),
        ("comments", "Good."),
        ("acknowledge", ack.as_str()),
    ];
    let res = pia.post_form(&format!("{url}/review"), &approve).await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("at a person, which no tick accepts")
    );
    // Nor does the API's acknowledge_findings.
    let (status, e) = s
        .post_json(
            &format!("/api/v1/postmortems/{id}/reviews"),
            &s.token_for("pia"),
            json!({"verdict": "approved", "comments": "Good.", "acknowledge_findings": true}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(
        e["fields"]["acknowledge_findings"]
            .as_str()
            .unwrap()
            .contains("point at a person")
    );

    // The reviewer may dismiss it, with a reason: on the page, or in the review's "dismiss".
    assert!(page.contains("Dismiss as reviewer"), "{page}");
    let (status, j) = s
        .post_json(
            &format!("/api/v1/postmortems/{id}/reviews"),
            &s.token_for("pia"),
            json!({
                "verdict": "approved", "comments": "Good.", "acknowledge_findings": true,
                "dismiss": [{"field": "went_wrong", "rule": "person-as-cause", "phrase": phrase,
                             "reason": "Goran is the name of the deploy bot."}],
            }),
        )
        .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["status"], "published");
    let otto = s.client();
    otto.login("otto", PASSWORD).await;
    let page = otto.get(&url).await.text().await.unwrap();
    assert!(page.contains("Published"), "{page}");
    assert!(page.contains("Dismissed by the reviewer"));
    assert!(page.contains("Goran is the name of the deploy bot."));
}

/// A dismissal made under earlier rules follows its finding when the rules change: "didn't
/// bother", a counterfactual until issue 23, is an omission now, and stays dismissed.
async fn dismissals_follow_a_change_of_rules(b: Backend) {
    use diesel::prelude::*;
    use fika::db::schema::{blameless_dismissals as bd, site_meta};

    let (s, admin, paula, t) = drafting(b).await;
    let form = with(
        base_form(&t),
        &[("went_wrong", "Sven didn't bother to run the tests.")],
    );
    let res = paula.post_form("/postmortems/new", &form).await;
    assert_eq!(res.status(), 303);
    let (_, id) = created(&res);
    // The database as the earlier rules left it.
    let mut c = s.data.connect();
    fika::per_backend!(&mut c, |c| diesel::insert_into(bd::table)
        .values((
            bd::postmortem_id.eq(id),
            bd::field.eq("went_wrong"),
            bd::rule.eq("counterfactual"),
            bd::phrase.eq("didn't bother"),
            bd::reason.eq("quoted from the vendor's report"),
            bd::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(c))
    .unwrap();
    fika::per_backend!(&mut c, |c| diesel::delete(
        site_meta::table.filter(site_meta::key.eq("blameless_rules"))
    )
    .execute(c))
    .unwrap();
    drop(c);
    let s = TestServer::start_with(s.kill9(), &[]).await;
    let (_, j) = s
        .get_json(&format!("/api/v1/postmortems/{id}"), &admin)
        .await;
    let f = &j["findings"];
    let bother: Vec<_> = f
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["phrase"] == "didn't bother")
        .collect();
    assert_eq!(bother.len(), 1, "{f}");
    assert_eq!(bother[0]["rule"], "omission", "{f}");
    assert_eq!(
        bother[0]["dismissed"], "quoted from the vendor's report",
        "{f}"
    );
    // Carried once: a second start with the same rules adds nothing.
    let s = TestServer::start_with(s.kill9(), &[]).await;
    let mut c = s.data.connect();
    let n: i64 = fika::per_backend!(&mut c, |c| bd::table
        .filter(bd::postmortem_id.eq(id))
        .count()
        .get_result(c))
    .unwrap();
    assert_eq!(n, 2);
}

backend_tests!(
    an_ongoing_incident_cannot_be_published,
    findings_that_point_at_a_person_are_not_waved_through,
    dates_outside_the_calendar_are_refused,
    incident_times_are_entered_without_surprises,
    postmortems_follow_the_blameless_workflow,
    the_api_writes_checks_and_publishes_postmortems,
    misuse_of_the_workflow_is_refused,
    dismissals_follow_a_change_of_rules
);
