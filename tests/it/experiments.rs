//! Experiments: the form and its checks, who may edit, the EwL outcome and its override,
//! lessons both ways, search, insights and the API.

use serde_json::json;

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestServer};

/// Two squads in a tribe; paula is in payments, otto in radio.
pub(crate) async fn org(b: Backend) -> (TestServer, String) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    s.data.add_user("paula", PASSWORD, false);
    s.data.add_user("otto", PASSWORD, false);
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
    for (unit, user) in [("squad/payments", "paula"), ("squad/radio", "otto")] {
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

fn base_form(t: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf_token", t),
        ("title", "One-tap checkout"),
        ("squad", "payments"),
        ("status", "design"),
        ("change", "a one-tap checkout"),
        ("audience", "returning buyers"),
        ("effect", "raise conversion"),
        ("metric", "checkout conversion"),
        ("moves", "rises by 2 %"),
        ("metric_name_0", "conversion"),
        ("metric_kind_0", "success"),
        ("metric_direction_0", "increase"),
        ("metric_margin_0", ""),
        ("metric_name_1", "refunds"),
        ("metric_kind_1", "guardrail"),
        ("metric_direction_1", "decrease"),
        ("metric_margin_1", "0.5"),
        ("variant_name_0", "control"),
        ("variant_weight_0", "50"),
        ("variant_observed_0", ""),
        ("variant_name_1", "one-tap"),
        ("variant_weight_1", "50"),
        ("variant_observed_1", ""),
        ("planned_sample", "14751"),
        ("planned_start", "2026-03-01"),
        ("planned_end", "2026-03-29"),
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

async fn experiments_are_logged_checked_and_judged(b: Backend) {
    let (s, _) = org(b).await;
    let c = s.client();
    c.login("paula", PASSWORD).await;
    let t = c.csrf("/experiments/new").await;

    // Bad input: a message at each field, and what was typed comes back.
    let bad = with(
        base_form(&t),
        &[
            ("variant_weight_1", "0"),
            ("variant_observed_0", "-5"),
            ("planned_end", "2026-02-01"),
        ],
    );
    let res = c.post_form("/experiments/new", &bad).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("is not a weight"), "weight");
    assert!(page.contains("is not a count"), "count");
    assert!(page.contains("is before the planned start"), "dates");
    assert!(page.contains("value=\"One-tap checkout\""), "title kept");
    assert!(page.contains("value=\"-5\""), "count kept");
    assert_eq!(
        c.get("/api/v1/experiments").await.text().await.unwrap(),
        r#"{"items":[],"total":0,"next_cursor":null}"#
    );

    // The calculator inside the form fills in the planned sample, saving nothing.
    let calc = with(
        base_form(&t),
        &[
            ("calculate", "1"),
            ("planned_sample", ""),
            ("calc_baseline", "10"),
            ("calc_mde", "10"),
        ],
    );
    let page = c
        .post_form("/experiments/new", &calc)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("name=\"planned_sample\" inputmode=\"numeric\" size=\"10\" value=\"14751\"")
    );
    assert!(page.contains("14,751"));

    let res = c.post_form("/experiments/new", &base_form(&t)).await;
    assert_eq!(res.status(), 303);
    let url = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = url.trim_start_matches("/experiments/").parse().unwrap();
    let page = c.get(&url).await.text().await.unwrap();
    assert!(page.contains(
        "We believe that a one-tap checkout for returning buyers will raise conversion. \
         We will know when checkout conversion rises by 2 %."
    ));
    assert!(page.contains("No outcome until"));

    // Someone outside the squad may read but not change it.
    let o = s.client();
    o.login("otto", PASSWORD).await;
    assert_eq!(o.get(&url).await.status(), 200);
    assert_eq!(o.get(&format!("{url}/edit")).await.status(), 403);
    let ot = o.csrf("/experiments").await;
    let res = o
        .post_form(
            &format!("{url}/edit"),
            &with(base_form(&ot), &[("title", "Mine now")]),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(!o.get(&url).await.text().await.unwrap().contains("Edit</a>"));

    // Running, then concluded with results: a success.
    let edit = format!("{url}/edit");
    // Straight from design to concluded, with nothing that says it ran: the missing parts
    // are named, and nothing changes.
    let jump = with(
        base_form(&t),
        &[
            ("status", "concluded"),
            ("ended_on", "2026-03-29"),
            ("planned_start", ""),
        ],
    );
    let res = c.post_form(&edit, &jump).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("It ran before it concluded: say when it started."),
        "{page}"
    );
    assert!(page.contains("enter how many units each variant saw"));
    let running = with(base_form(&t), &[("status", "running")]);
    assert_eq!(c.post_form(&edit, &running).await.status(), 303);
    // It cannot go back to design.
    let back = with(base_form(&t), &[("status", "design")]);
    let res = c.post_form(&edit, &back).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("cannot become design"));
    let done = with(
        base_form(&t),
        &[
            ("status", "concluded"),
            ("ended_on", "2026-03-29"),
            ("variant_observed_0", "15100"),
            ("variant_observed_1", "14900"),
            ("result_0_1_effect", "1.5"),
            ("result_0_1_low", "0.4"),
            ("result_0_1_high", "2.6"),
            ("result_0_1_significant", "1"),
            ("result_1_1_effect", "0.1"),
            ("result_1_1_low", "-0.2"),
            ("result_1_1_high", "0.4"),
            ("decision", "ship"),
            ("rationale", "Clear win."),
            ("learnings", "Fewer taps, more buyers."),
        ],
    );
    let res = c.post_form(&edit, &done).await;
    assert_eq!(res.status(), 303);
    let page = c.get(&url).await.text().await.unwrap();
    assert!(
        page.contains("outcome-success\">Success"),
        "computed outcome"
    );
    assert!(page.contains("χ² = 1.33"), "SRM figures: {page}");
    assert_eq!(
        page.matches("check-pass").count(),
        4,
        "three checks and a cleared margin"
    );
    assert!(page.contains("significantly better"));
    assert!(page.contains("<p>Fewer taps, more buyers.</p>"));

    // An interval upside down is refused at its field.
    let res = c
        .post_form(&edit, &with(done.clone(), &[("result_0_1_low", "3")]))
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("is above its high end"));

    // The owner may override the outcome, with a reason that is shown.
    let over = with(done.clone(), &[("override_outcome", "neutral")]);
    let res = c.post_form(&edit, &over).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("needs a written reason"));
    let over = with(
        done.clone(),
        &[
            ("override_outcome", "neutral"),
            ("override_reason", "The win came from a pricing bug."),
        ],
    );
    assert_eq!(c.post_form(&edit, &over).await.status(), 303);
    let page = c.get(&url).await.text().await.unwrap();
    assert!(page.contains("outcome-neutral\">Neutral"));
    assert!(page.contains("fika computed <span class=\"badge outcome-success\">Success"));
    assert!(page.contains("The win came from a pricing bug."));
    assert_eq!(c.post_form(&edit, &done).await.status(), 303);

    // Lessons link both ways.
    let lt = c.csrf("/lessons/new").await;
    let id_s = id.to_string();
    let res = c
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &lt),
                ("title", "Every tap costs buyers"),
                ("source_kind", "experiment"),
                ("source_ref", &id_s),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let lesson = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        c.get(&url)
            .await
            .text()
            .await
            .unwrap()
            .contains(&format!("href=\"{lesson}\""))
    );
    let lesson_page = c.get(&lesson).await.text().await.unwrap();
    assert!(lesson_page.contains(&format!("href=\"{url}\">One-tap checkout")));
    let res = c
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &lt),
                ("title", "Nowhere"),
                ("source_kind", "experiment"),
                ("source_ref", "999999"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);

    // Filters, the squad's page, search.
    let list = |q: &'static str| {
        let c = &c;
        async move {
            c.get(&format!("/experiments{q}"))
                .await
                .text()
                .await
                .unwrap()
        }
    };
    assert!(list("?outcome=success").await.contains("One-tap checkout"));
    assert!(
        !list("?outcome=regression")
            .await
            .contains("One-tap checkout")
    );
    assert!(!list("?squad=radio").await.contains("One-tap checkout"));
    assert!(
        list("?tribe=core&quarter=2026-Q1")
            .await
            .contains("One-tap checkout")
    );
    assert!(!list("?quarter=2025-Q4").await.contains("One-tap checkout"));
    let squad = c.get("/squads/payments").await.text().await.unwrap();
    assert!(squad.contains("Learning rate") && squad.contains(&format!("href=\"{url}\"")));
    let mut found = false;
    for _ in 0..50 {
        let hits = c
            .get("/api/v1/search?q=one-tap+buyers&kind=experiment")
            .await;
        let j: serde_json::Value = hits.json().await.unwrap();
        if j["hits"]
            .as_array()
            .is_some_and(|h| h.iter().any(|h| h["url"] == url.as_str()))
        {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "the experiment is searchable");

    // Insights count it.
    let page = c
        .get("/experiments/insights?unit=tribe/core")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg"), "charts");
    assert!(page.contains("Learning rate 2026-Q1: 100 % of 1 ended"));
    assert!(page.contains("Win rate 2026-Q1: 100 % of 1 ended"));
    // Insights are kept until the next write, and follow it.
    assert_eq!(c.post_form(&edit, &over).await.status(), 303);
    let page = c
        .get("/experiments/insights?unit=tribe/core")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Win rate 2026-Q1: 0 % of 1 ended"));
    let page = c
        .get("/experiments/calculator?baseline=10&mde=10")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<strong>14,751</strong> per variant"));
}

async fn the_api_logs_and_judges_experiments(b: Backend) {
    let (s, admin) = org(b).await;
    let paula = s.token_for("paula");
    let otto = s.token_for("otto");
    let body = json!({
        "title": "Louder intro",
        "squad": "radio",
        "status": "concluded",
        "hypothesis": {"change": "a louder intro", "audience": "new listeners", "effect": "hook them",
                       "metric": "day-1 retention", "moves": "rises"},
        "metrics": [{"name": "retention", "kind": "success"},
                    {"name": "skips", "kind": "guardrail", "direction": "decrease", "margin": 1.0}],
        "variants": [{"name": "control", "weight": 1, "observed": 3300},
                     {"name": "loud", "weight": 1, "observed": 3400},
                     {"name": "louder", "weight": 1, "observed": 3300}],
        "results": [{"metric": "retention", "variant": "louder", "effect": -2.0, "ci_low": -3.1, "ci_high": -0.9, "significant": true}],
        "planned_sample": 3000,
        "planned_start": "2026-05-01", "planned_end": "2026-05-20", "ended_on": "2026-05-08"
    });
    // Only radio's people (or leads, admins) may log it.
    let (status, _) = s
        .post_json("/api/v1/experiments", &paula, body.clone())
        .await;
    assert_eq!(status, 403);
    let (status, j) = s
        .post_json("/api/v1/experiments", &otto, body.clone())
        .await;
    assert_eq!(status, 201, "{j}");
    let id = j["id"].as_i64().unwrap();
    // Three arms at 1/1/1: χ² = 2 with 2 degrees of freedom, p = e^-1.
    assert_eq!(j["health"]["sample_ratio"]["status"], "pass");
    assert_eq!(j["health"]["sample_ratio"]["degrees"], 2);
    let p = j["health"]["sample_ratio"]["p_value"].as_f64().unwrap();
    assert!((p - (-1.0f64).exp()).abs() < 1e-9);
    // Stopped early and underpowered, but a regression is a regression.
    assert_eq!(j["outcome"], "regression", "{j}");
    assert_eq!(j["health"]["ran_as_designed"]["status"], "fail");
    let (status, got) = s
        .get_json(&format!("/api/v1/experiments/{id}"), &paula)
        .await;
    assert_eq!(status, 200);
    assert_eq!(got["outcome"], "regression");
    // The whole answer, keys and all: the API is a contract.
    insta::assert_json_snapshot!("experiment_as_the_api_reads_it", got, {
        ".id" => "[id]",
        ".created_at" => "[time]",
        ".updated_at" => "[time]",
    });
    assert_eq!(
        got["hypothesis"]["text"],
        "We believe that a louder intro for new listeners will hook them. We will know when day-1 retention rises."
    );

    // PUT what was read, changed: the regression is gone, so stopping early now counts.
    let mut changed = got.clone();
    changed["results"] = json!([{"metric": "retention", "variant": "louder", "effect": 0.5, "ci_low": -0.6, "ci_high": 1.6, "significant": false}]);
    let (status, j) = s
        .put_json(&format!("/api/v1/experiments/{id}"), &otto, changed.clone())
        .await;
    assert_eq!(status, 200);
    assert_eq!(j["outcome"], "non_informative");
    assert_eq!(j["reasons"], json!(["stopped_early"]));
    let (status, _) = s
        .put_json(&format!("/api/v1/experiments/{id}"), &paula, changed)
        .await;
    assert_eq!(status, 403);

    // Bad input answers with the fields, and saves nothing.
    let mut bad = body.clone();
    bad["variants"][1]["weight"] = json!(-1);
    bad["results"][0]["ci_low"] = json!(5);
    bad["results"]
        .as_array_mut()
        .unwrap()
        .push(json!({"metric": "nope", "variant": "loud", "effect": 1, "ci_low": 0, "ci_high": 2}));
    let (status, j) = s.post_json("/api/v1/experiments", &admin, bad).await;
    assert_eq!(status, 422);
    let fields: Vec<&String> = j["fields"].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        ["result_0_2_low", "results", "variant_weight_1"],
        "{j}"
    );
    let (_, list) = s.get_items("/api/v1/experiments", &admin).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    // What is still in design or running lists before what ended, on either backend.
    let mut design = body.clone();
    design["title"] = json!("Quieter intro");
    design["status"] = json!("design");
    for k in ["results", "ended_on"] {
        design.as_object_mut().unwrap().remove(k);
    }
    let (status, j) = s.post_json("/api/v1/experiments", &otto, design).await;
    assert_eq!(status, 201, "{j}");
    let (_, list) = s.get_items("/api/v1/experiments", &admin).await;
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Quieter intro", "Louder intro"]);

    // The calculator and the stats.
    let (status, j) = s
        .get_json("/api/v1/experiments/sample-size?baseline=0.10&mde=0.10&alpha=0.05&power=0.8&variants=2&daily=1000", &admin)
        .await;
    assert_eq!(status, 200);
    assert_eq!(j["per_variant"], 14751);
    assert_eq!(j["total"], 29502);
    assert_eq!(j["days"], 30);
    let (status, j) = s
        .get_json(
            "/api/v1/experiments/sample-size?baseline=0.1&mde=0.1&ratio=2",
            &admin,
        )
        .await;
    assert_eq!(status, 400, "an unknown parameter is not ignored");
    assert!(j["error"].as_str().unwrap().contains("ratio"), "{j}");
    let (status, j) = s
        .get_json(
            "/api/v1/experiments/sample-size?baseline=0.1&mde=0.1&alternative=larger",
            &admin,
        )
        .await;
    assert_eq!(status, 422, "a value the calculator does not know is named");
    assert!(j["error"].as_str().unwrap().contains("alternative"), "{j}");
    let (status, j) = s
        .get_json("/api/v1/experiments/sample-size?baseline=10&mde=10", &admin)
        .await;
    assert_eq!(status, 422);
    assert!(j["error"].as_str().unwrap().contains("fractions"));
    let (status, j) = s
        .get_json(
            "/api/v1/experiments/stats?unit=squad/radio&from=2026-01-01&to=2026-12-31",
            &admin,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(j["concluded"], 1);
    assert_eq!(j["learning_rate"], 0.0);
    assert_eq!(j["win_rate"], 0.0);
    assert_eq!(j["outcomes"]["non_informative"], 1);
    let (_, j) = s
        .get_json("/api/v1/experiments/stats?unit=squad/payments", &admin)
        .await;
    assert_eq!(j["concluded"], 0);
    assert_eq!(j["learning_rate"], serde_json::Value::Null);
    let (status, _) = s
        .get_json("/api/v1/experiments/stats?unit=nonsense", &admin)
        .await;
    assert_eq!(status, 400);
    // A unit that does not exist is not a unit with nothing in it; a range that ends before
    // it starts is not an empty range.
    for unit in ["squad/nowhere", "tribe/nowhere"] {
        let (status, j) = s
            .get_json(&format!("/api/v1/experiments/stats?unit={unit}"), &admin)
            .await;
        assert_eq!(status, 404, "{unit}: {j}");
    }
    let (status, j) = s
        .get_json(
            "/api/v1/experiments/stats?from=2026-12-31&to=2026-01-01",
            &admin,
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        j["error"].as_str().unwrap().contains("before it starts"),
        "{j}"
    );
}

/// An experiment logged after the fact goes from design to concluded in one edit when its
/// data says it ran; shipping what the data cannot back says so next to the decision.
async fn logged_after_the_fact_and_a_decision_the_data_does_not_back(b: Backend) {
    let (s, _) = org(b).await;
    let c = s.client();
    c.login("paula", PASSWORD).await;
    let t = c.csrf("/experiments/new").await;
    let res = c.post_form("/experiments/new", &base_form(&t)).await;
    assert_eq!(res.status(), 303);
    let url = res.headers()["location"].to_str().unwrap().to_string();
    // One arm 0.13 % short of the plan: non-informative (underpowered), decided "ship".
    let done = with(
        base_form(&t),
        &[
            ("status", "concluded"),
            ("ended_on", "2026-03-29"),
            ("variant_observed_0", "14732"),
            ("variant_observed_1", "14760"),
            ("result_0_1_effect", "1.5"),
            ("result_0_1_low", "0.4"),
            ("result_0_1_high", "2.6"),
            ("result_0_1_significant", "1"),
            ("decision", "ship"),
            ("rationale", "It won."),
        ],
    );
    let res = c.post_form(&format!("{url}/edit"), &done).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let page = c.get(&url).await.text().await.unwrap();
    assert!(page.contains("outcome-non_informative"), "{page}");
    assert!(
        page.contains("The decision is to ship, but the outcome is non-informative (underpowered)"),
        "{page}"
    );
    assert!(
        page.contains(
            "The smallest variant saw 14,732 of the 14,751 planned per variant (99.87 %)."
        ),
        "{page}"
    );
}

/// Numbers go in and come out as sent (issue 22): a tiny arm, a tiny effect and a tiny harm
/// decide the outcome and the checks as they are, and the edit page holds them unrounded.
async fn numbers_are_kept_exactly(b: Backend) {
    let (s, _) = org(b).await;
    let otto = s.token_for("otto");
    let body = json!({
        "title": "A sliver of traffic",
        "squad": "radio",
        "status": "concluded",
        "hypothesis": {"change": "a new codec", "audience": "everyone", "effect": "save bandwidth",
                       "metric": "completion", "moves": "rises"},
        "metrics": [{"name": "completion", "kind": "success"},
                    {"name": "stalls", "kind": "guardrail", "direction": "decrease", "margin": 0.00003}],
        "variants": [{"name": "control", "weight": 0.99875, "observed": 9987500},
                     {"name": "codec", "weight": 0.00125, "observed": 12500}],
        "results": [{"metric": "completion", "variant": "codec", "effect": 0.000045, "ci_low": 0.00002, "ci_high": 0.00007, "significant": true},
                    {"metric": "stalls", "variant": "codec", "effect": 0.00002, "ci_low": -0.00004, "ci_high": 0.00008, "significant": false}],
        "planned_sample": 12000,
        "planned_start": "2026-05-01", "planned_end": "2026-05-20", "ended_on": "2026-05-20"
    });
    let (status, j) = s.post_json("/api/v1/experiments", &otto, body).await;
    assert_eq!(status, 201, "{j}");
    let id = j["id"].as_i64().unwrap();
    let check = |j: &serde_json::Value| {
        assert_eq!(j["variants"][1]["weight"], json!(0.00125), "{j}");
        assert_eq!(j["variants"][0]["weight"], json!(0.99875));
        assert_eq!(j["metrics"][1]["margin"], json!(0.00003));
        assert_eq!(j["results"][0]["effect"], json!(0.000045));
        assert_eq!(j["results"][1]["ci_low"], json!(-0.00004));
        // The split matches the plan exactly: no sample ratio mismatch.
        assert_eq!(j["health"]["sample_ratio"]["status"], "pass", "{j}");
        assert!(j["health"]["sample_ratio"]["p_value"].as_f64().unwrap() > 0.99);
        // A significant win that the guardrail (its interval reaching −0.00004, past the
        // margin of 0.00003 for a "decrease" metric) does not clear.
        assert_ne!(j["outcome"], "neutral", "{j}");
    };
    check(&j);
    // The edit page holds them as stored (the form's round trip is a unit test).
    let c = s.client();
    c.login("otto", PASSWORD).await;
    let edit = c
        .get(&format!("/experiments/{id}/edit"))
        .await
        .text()
        .await
        .unwrap();
    for v in ["0.00125", "0.99875", "0.00003", "0.000045", "-0.00004"] {
        assert!(edit.contains(&format!("value=\"{v}\"")), "{v} in the form");
    }
    let (_, j) = s
        .get_json(&format!("/api/v1/experiments/{id}"), &otto)
        .await;
    check(&j);
}

backend_tests!(
    logged_after_the_fact_and_a_decision_the_data_does_not_back,
    experiments_are_logged_checked_and_judged,
    the_api_logs_and_judges_experiments,
    numbers_are_kept_exactly,
);
