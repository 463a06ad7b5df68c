//! Results computed from the data (issue 22): conversion and continuous metrics from counts,
//! typed results that contradict their interval refused, "powered" from the stored plan,
//! and the calculator's new questions, through the API and the pages.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::experiments::org;
use crate::harness::{Backend, Client, PASSWORD, TestServer};

/// A concluded A/B test on radio with a conversion success metric and a continuous
/// guardrail, its data as in the scipy/statsmodels fixtures.
fn body() -> Value {
    json!({
        "title": "Bigger play button",
        "squad": "radio",
        "status": "concluded",
        "hypothesis": {"change": "a bigger play button", "audience": "new listeners",
                       "effect": "start more sessions", "metric": "session starts", "moves": "rises"},
        "metrics": [{"name": "starts", "kind": "success", "type": "conversion"},
                    {"name": "minutes", "kind": "guardrail", "type": "continuous", "margin": 2.5}],
        "variants": [{"name": "control", "weight": 1, "observed": 15000},
                     {"name": "big", "weight": 1, "observed": 15000}],
        "data": [{"metric": "starts", "variant": "control", "units": 15000, "conversions": 1500},
                 {"metric": "starts", "variant": "big", "units": 15000, "conversions": 1650},
                 {"metric": "minutes", "variant": "control", "n": 5000, "mean": 52.3, "sd": 20.1},
                 {"metric": "minutes", "variant": "big", "n": 5000, "mean": 52.6, "sd": 20.8}],
        "plan": {"type": "conversion", "baseline": 0.1, "mde": 0.1, "alpha": 0.05, "power": 0.8,
                 "variants": 2},
        "planned_sample": 14751,
        "planned_start": "2026-05-01", "planned_end": "2026-05-29", "ended_on": "2026-05-29"
    })
}

/// A signed-in client for otto and the page at `path` as he sees it.
async fn page_as_otto(s: &TestServer, path: &str) -> (Client, String) {
    let c = s.client();
    c.login("otto", PASSWORD).await;
    let page = c.get(path).await.text().await.unwrap();
    (c, page)
}

fn close(got: &Value, want: f64, rel: f64) {
    let g = got
        .as_f64()
        .unwrap_or_else(|| panic!("{got} is not a number"));
    assert!((g - want).abs() <= rel * want.abs(), "{g} vs {want}");
}

async fn results_are_computed_from_the_data(b: Backend) {
    let (s, _) = org(b).await;
    let otto = s.token_for("otto");
    let (status, j) = s.post_json("/api/v1/experiments", &otto, body()).await;
    assert_eq!(status, 201, "{j}");
    let id = j["id"].as_i64().unwrap();
    let r = &j["results"];
    assert_eq!(r.as_array().unwrap().len(), 2, "{j}");
    // Two-proportion z-test: statsmodels' figures (tests/fixtures/stats/compare.json).
    assert_eq!(r[0]["source"], "data");
    close(&r[0]["effect"], 0.01, 1e-9);
    close(&r[0]["p_value"], 0.004721942113409423, 1e-6);
    close(&r[0]["ci_low"], 0.0030630933291155033, 1e-6);
    close(&r[0]["ci_high"], 0.01693690667088449, 1e-6);
    close(&r[0]["relative"], 0.1, 1e-9);
    assert_eq!(r[0]["significant"], true);
    // Welch's t-test: scipy's figures; the guardrail's interval lies inside its margin.
    close(&r[1]["p_value"], 0.4633384657817697, 1e-6);
    close(&r[1]["ci_low"], -0.5018398519852957, 1e-6);
    assert_eq!(r[1]["significant"], false);
    assert_eq!(j["outcome"], "success", "{j}");
    // Powered from the plan: 15,000 an arm reaches more than the planned 0.8.
    let p = &j["health"]["powered"];
    assert_eq!(p["status"], "pass", "{p}");
    assert!(p["achieved_power"].as_f64().unwrap() > 0.8, "{p}");
    assert_eq!(p["required_per_variant"], 14751);
    // What a script read goes back unchanged: computed results are computed again.
    let (status, again) = s
        .put_json(&format!("/api/v1/experiments/{id}"), &otto, j.clone())
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["results"], j["results"]);
    assert_eq!(again["data"], j["data"]);
    assert_eq!(again["plan"], j["plan"]);

    // The page shows the computed figures, with how they were computed.
    let (c, page) = page_as_otto(&s, &format!("/experiments/{id}")).await;
    assert!(page.contains("Computed from the data"), "{page}");
    assert!(page.contains("1 pp"), "the effect in percentage points");
    assert!(page.contains("0.0047"), "the p-value");
    assert!(page.contains("1,650 of 15,000"));
    assert!(page.contains("power reached"));
    // The edit form holds the data and the plan as stored (the plan in percent).
    let edit = c
        .get(&format!("/experiments/{id}/edit"))
        .await
        .text()
        .await
        .unwrap();
    for (name, value) in [
        ("data_0_1_conversions", "1650"),
        ("data_1_0_mean", "52.3"),
        ("data_1_1_sd", "20.8"),
        ("calc_baseline", "10"),
        ("calc_mde", "10"),
    ] {
        assert!(
            edit.contains(&format!("name=\"{name}\""))
                && edit.contains(&format!("value=\"{value}\"")),
            "{name} = {value}"
        );
    }
}

async fn contradictions_and_bad_data_are_refused(b: Backend) {
    let (s, _) = org(b).await;
    let otto = s.token_for("otto");
    let refused = |j: &Value, field: &str, words: &str| {
        let msg = j["fields"][field]
            .as_str()
            .unwrap_or_else(|| panic!("no {field} in {j}"));
        assert!(msg.contains(words), "{msg}");
    };
    // Typed as significant while the interval spans zero.
    let mut e = body();
    e["data"] = json!([]);
    e["results"] = json!([{"metric": "starts", "variant": "big", "effect": 0.01, "ci_low": -0.002,
                           "ci_high": 0.022, "significant": true}]);
    let (status, j) = s.post_json("/api/v1/experiments", &otto, e.clone()).await;
    assert_eq!(status, 422, "{j}");
    refused(&j, "result_0_1_significant", "spans zero");
    // Not significant while the interval lies above zero.
    e["results"][0]["ci_low"] = json!(0.002);
    e["results"][0]["significant"] = json!(false);
    let (status, j) = s.post_json("/api/v1/experiments", &otto, e.clone()).await;
    assert_eq!(status, 422, "{j}");
    refused(&j, "result_0_1_significant", "one side of zero");
    // Agreeing, it is taken, and says it was typed.
    e["results"][0]["significant"] = json!(true);
    let (status, j) = s.post_json("/api/v1/experiments", &otto, e.clone()).await;
    assert_eq!(status, 201, "{j}");
    assert_eq!(j["results"][0]["source"], "typed");
    // Data and a typed result for the same pair: one or the other.
    let mut both = body();
    both["results"] = e["results"].clone();
    let (status, j) = s.post_json("/api/v1/experiments", &otto, both).await;
    assert_eq!(status, 422, "{j}");
    refused(&j, "result_0_1_effect", "clear either");
    // More conversions than units; a treatment without the control's data; the wrong parts.
    for (data, field, words) in [
        (
            json!([{"metric": "starts", "variant": "control", "units": 10, "conversions": 11},
                {"metric": "starts", "variant": "big", "units": 10, "conversions": 1}]),
            "data_0_0_conversions",
            "at most one a unit",
        ),
        (
            json!([{"metric": "starts", "variant": "big", "units": 10, "conversions": 1}]),
            "data_0_0_units",
            "control's data",
        ),
        (
            json!([{"metric": "starts", "variant": "control", "n": 10, "mean": 1.0, "sd": 1.0}]),
            "data_0_0_n",
            "conversion rate",
        ),
    ] {
        let mut e = body();
        e["data"] = data;
        let (status, j) = s.post_json("/api/v1/experiments", &otto, e).await;
        assert_eq!(status, 422, "{j}");
        refused(&j, field, words);
    }
}

async fn powered_means_the_planned_power_was_reached(b: Backend) {
    let (s, _) = org(b).await;
    let otto = s.token_for("otto");
    // Planned sample 1 with 1 / 1 units: the old rule called it powered.
    let mut e = body();
    e["planned_sample"] = json!(1);
    e["variants"][0]["observed"] = json!(1);
    e["variants"][1]["observed"] = json!(1);
    e["data"] = json!([]);
    let (status, j) = s.post_json("/api/v1/experiments", &otto, e.clone()).await;
    assert_eq!(status, 201, "{j}");
    assert_eq!(j["health"]["powered"]["status"], "fail", "{j}");
    // Without a plan, the old rule stands and says the plan is incomplete.
    e["plan"] = Value::Null;
    let (_, j) = s.post_json("/api/v1/experiments", &otto, e).await;
    assert_eq!(j["health"]["powered"]["status"], "pass", "{j}");
    assert_eq!(j["health"]["powered"]["plan_complete"], false);
    // Three arms run with the two-arm figure fall short of the planned power.
    let mut three = body();
    three["data"] = json!([]);
    three["variants"] = json!([{"name": "control", "weight": 1, "observed": 14751},
                               {"name": "big", "weight": 1, "observed": 14751},
                               {"name": "huge", "weight": 1, "observed": 14751}]);
    let (status, j) = s.post_json("/api/v1/experiments", &otto, three).await;
    assert_eq!(status, 201, "{j}");
    let p = &j["health"]["powered"];
    assert_eq!(p["status"], "fail", "{p}");
    assert_eq!(p["required_per_variant"], 17864, "{p}");
    let (_, page) = page_as_otto(&s, j["url"].as_str().unwrap()).await;
    assert!(
        page.contains("below what the design needs with 3"),
        "{page}"
    );
}

/// Data imported without typed assignment counts: the units of the success metric's data
/// are what the sample-ratio and power checks count, and the page says where they came from
/// and what the plan was made with.
async fn counts_come_from_the_data_when_none_were_typed(b: Backend) {
    let (s, _) = org(b).await;
    let otto = s.token_for("otto");
    let mut e = body();
    e["variants"][0]["observed"] = Value::Null;
    e["variants"][1]["observed"] = Value::Null;
    let (status, j) = s.post_json("/api/v1/experiments", &otto, e.clone()).await;
    assert_eq!(status, 201, "{j}");
    let h = &j["health"];
    assert_eq!(h["sample_ratio"]["status"], "pass", "{h}");
    assert_eq!(h["sample_ratio"]["observed"], json!([15000, 15000]), "{h}");
    assert_eq!(h["powered"]["status"], "pass", "{h}");
    // A mismatch in the data is one too.
    e["data"][1]["units"] = json!(13000);
    let (_, k) = s.post_json("/api/v1/experiments", &otto, e).await;
    assert_eq!(k["health"]["sample_ratio"]["status"], "fail", "{k}");
    let (_, page) = page_as_otto(&s, j["url"].as_str().unwrap()).await;
    assert!(page.contains("15,000 (from the data)"), "{page}");
    assert!(
        page.contains(
            "Planned for a rate: baseline 10 %, minimum detectable effect +10 % of the \
             baseline, alpha 0.05, two-sided, power 0.8."
        ),
        "{page}"
    );
}

async fn the_calculator_asks_the_whole_question(b: Backend) {
    let (s, _) = org(b).await;
    let otto = s.token_for("otto");
    let ask = |q: &str| {
        let path = format!("/api/v1/experiments/sample-size?{q}");
        let (s, otto) = (&s, &otto);
        async move { s.get_json(&path, otto).await }
    };
    let (status, j) = ask("baseline=0.1&mde=0.1&alternative=one-sided&control_share=0.2").await;
    assert_eq!(status, 200, "{j}");
    assert!(
        j["per_treatment"].as_u64().unwrap() > 3 * j["control"].as_u64().unwrap(),
        "{j}"
    );
    assert_eq!(j["target_rate"], json!(0.11), "no float noise");
    let (status, j) = ask("type=continuous&baseline=50&sd=20&mde=1&mde_type=absolute").await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["per_variant"], 6280, "{j}");
    let (status, j) = ask("baseline=0.3&mde=1").await;
    assert_eq!(status, 200, "{j}");
    assert!(
        j["warning"]
            .as_str()
            .unwrap()
            .contains("normal approximation"),
        "{j}"
    );
    let (status, j) = ask("baseline=0.1&mde=0.1&alpha=1e-300").await;
    assert_eq!(status, 200, "{j}");
    let (status, j) = ask("baseline=0.1&mde=0.1&ratio=2").await;
    assert_eq!(status, 400, "{j}");
    let (status, j) = ask("baseline=0.1&mde=0.1&alternative=left").await;
    assert_eq!(status, 422, "{j}");
    // The page takes percent, and says so when what was typed looks like a fraction.
    let (c, page) =
        page_as_otto(&s, "/experiments/calculator?calc_baseline=0.1&calc_mde=0.1").await;
    assert!(page.contains("This page takes percentages"), "{page}");
    let page = c
        .get("/experiments/calculator?calc_baseline=10&calc_mde=10&calc_control_share=20")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("in the control and"), "{page}");
    assert!(!page.contains("This page takes percentages"));
}

/// POSTs a CSV body with a bearer token.
async fn post_csv(
    s: &crate::harness::TestServer,
    path: &str,
    token: &str,
    csv: &str,
) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(s.url(path))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .expect("POST");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn data_are_imported_from_a_csv(b: Backend) {
    let (s, _) = org(b).await;
    let otto = s.token_for("otto");
    let mut e = body();
    e["data"] = json!([]);
    let (status, j) = s.post_json("/api/v1/experiments", &otto, e).await;
    assert_eq!(status, 201, "{j}");
    let id = j["id"].as_i64().unwrap();
    let path = format!("/api/v1/experiments/{id}/data");
    // A file with one bad line changes nothing, and says which line.
    let (status, j) = post_csv(
        &s,
        &path,
        &otto,
        "metric,variant,units,conversions\nstarts,control,15000,1500\nstarts,big,15000,16500\n",
    )
    .await;
    assert_eq!(status, 422, "{j}");
    assert!(
        j["fields"]["line 3"]
            .as_str()
            .unwrap()
            .contains("at most one a unit"),
        "{j}"
    );
    let (status, j) = post_csv(
        &s,
        &path,
        &otto,
        "metric,variant,units,conversions\nstarts,huge,1,0\n",
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        j["fields"]["line 2"]
            .as_str()
            .unwrap()
            .contains("no variant \"huge\""),
        "{j}"
    );
    let (status, j) = post_csv(&s, &path, &otto, "metric,arm,units\n").await;
    assert_eq!(status, 422);
    assert!(
        j["fields"]["csv"]
            .as_str()
            .unwrap()
            .contains("names the columns"),
        "{j}"
    );
    let (_, j) = s
        .get_json(&format!("/api/v1/experiments/{id}"), &otto)
        .await;
    assert_eq!(j["data"], json!([]), "nothing was imported");
    // Both layouts, one after the other; the second keeps what the first set.
    let (status, j) = post_csv(
        &s,
        &path,
        &otto,
        "metric,variant,units,conversions\nstarts,control,15000,1500\nstarts,big,15000,1650\n",
    )
    .await;
    assert_eq!(status, 200, "{j}");
    let (status, j) = post_csv(
        &s,
        &path,
        &otto,
        "metric,variant,n,mean,sd\r\nminutes,control,5000,52.3,20.1\r\n\r\nminutes,big,5000,52.6,20.8\r\n",
    )
    .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["data"].as_array().unwrap().len(), 4, "{j}");
    assert_eq!(j["outcome"], "success", "{j}");
    close(&j["results"][0]["p_value"], 0.004721942113409423, 1e-6);
    // Someone outside the squad may not.
    let paula = s.token_for("paula");
    let (status, _) = post_csv(&s, &path, &paula, "metric,variant,n,mean,sd\n").await;
    assert_eq!(status, 403);

    // On the page: pasted, refused with the text kept, then taken.
    let c = s.client();
    c.login("otto", PASSWORD).await;
    let page = format!("/experiments/{id}/data");
    let t = c.csrf(&page).await;
    let bad = "metric,variant,units,conversions\nstarts,control,10,x\n";
    let res = c
        .post_form(&page, &[("csrf_token", &t), ("csv", bad)])
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("line 2"), "{html}");
    assert!(html.contains("starts,control,10,x"), "the text is kept");
    let good = "metric,variant,units,conversions\nstarts,control,15000,1400\n";
    let res = c
        .post_form(&page, &[("csrf_token", &t), ("csv", good)])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, j) = s
        .get_json(&format!("/api/v1/experiments/{id}"), &otto)
        .await;
    assert_eq!(j["data"][0]["conversions"], 1400, "{j}");
}

async fn insights_count_what_they_say(b: Backend) {
    let (s, _) = org(b).await;
    let otto = s.token_for("otto");
    // A success its owner overrides to non-informative, and an aborted regression.
    let mut won = body();
    won["override"] = json!({"outcome": "non_informative", "reason": "A holiday skewed it."});
    let (status, j) = s.post_json("/api/v1/experiments", &otto, won).await;
    assert_eq!(status, 201, "{j}");
    assert_eq!(j["reasons"], json!(["owner_override"]), "{j}");
    let mut lost = body();
    lost["status"] = json!("aborted");
    lost["data"][1]["conversions"] = json!(1300);
    let (status, j) = s.post_json("/api/v1/experiments", &otto, lost).await;
    assert_eq!(status, 201, "{j}");
    assert_eq!(j["outcome"], "regression", "{j}");
    let (_, st) = s.get_json("/api/v1/experiments/stats", &otto).await;
    assert_eq!(
        (
            st["ended"].as_u64(),
            st["concluded"].as_u64(),
            st["aborted"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{st}"
    );
    assert_eq!(st["outcomes"]["non_informative"], 1);
    assert_eq!(
        st["non_informative_reasons"],
        json!({"owner_override": 1}),
        "{st}"
    );
    assert_eq!(st["learning_rate"], json!(0.5));
    assert_eq!(st["squads"][0]["ended"], 2, "{st}");
}

backend_tests!(
    insights_count_what_they_say,
    data_are_imported_from_a_csv,
    results_are_computed_from_the_data,
    contradictions_and_bad_data_are_refused,
    powered_means_the_planned_power_was_reached,
    the_calculator_asks_the_whole_question,
    counts_come_from_the_data_when_none_were_typed,
);
