//! Squad health checks: voting through the form (members and the facilitator only, one vote
//! each, replaced when sent again), the majority and its ties in the API, closing, the tribe
//! heatmap, the squad history, and the indicators only admins change.

use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, TestServer, element};

/// A tribe with three squads: paula and pia are in payments, otto in radio, nobody in
/// search; cora (a coach) and rita are in no squad. The post-mortem tests' org, plus search
/// and cora.
async fn org(b: Backend) -> (TestServer, String) {
    let (s, admin) = crate::orgs::tribe(b).await;
    s.data.add_user("cora", PASSWORD, false);
    let (status, j) = s
        .post_json(
            "/api/v1/units/squad",
            &admin,
            json!({"name": "Search", "tribe": "core"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    (s, admin)
}

async fn signed_in(s: &TestServer, user: &str) -> (Client, String) {
    let c = s.client();
    c.login(user, PASSWORD).await;
    let t = c.csrf("/org").await;
    (c, t)
}

/// Starts a session of `squad` on `held_on` ("" for today) that hides its results until
/// it closes; returns its id.
async fn start(c: &Client, t: &str, squad: &str, held_on: &str) -> i64 {
    start_with(c, t, squad, held_on, "").await
}

/// Starts a session with `results` (`hidden`, `shown`, or "" for the default).
async fn start_with(c: &Client, t: &str, squad: &str, held_on: &str, results: &str) -> i64 {
    let res = c
        .post_form(
            &format!("/squads/{squad}/health"),
            &[
                ("csrf_token", t),
                ("held_on", held_on),
                ("results", results),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "start a session of {squad}");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    location
        .strip_prefix("/health/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{location}"))
}

/// Sends a whole vote: (indicator id, colour, trend, comment) per indicator voted on.
async fn vote(
    c: &Client,
    t: &str,
    session: i64,
    votes: &[(i64, &str, &str, &str)],
) -> reqwest::Response {
    let fields: Vec<(String, String)> = votes
        .iter()
        .flat_map(|(id, color, trend, comment)| {
            [
                (format!("color_{id}"), color.to_string()),
                (format!("trend_{id}"), trend.to_string()),
                (format!("comment_{id}"), comment.to_string()),
            ]
        })
        .chain([("csrf_token".to_string(), t.to_string())])
        .collect();
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(&format!("/health/{session}"), &form).await
}

async fn health(s: &TestServer, token: &str, squad: &str) -> Value {
    let (status, j) = s
        .get_json(&format!("/api/v1/squads/{squad}/health"), token)
        .await;
    assert_eq!(status, 200, "{j}");
    j
}

fn indicator(j: &Value, name: &str) -> i64 {
    j["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .and_then(|i| i["id"].as_i64())
        .unwrap_or_else(|| panic!("no indicator {name} in {j}"))
}

fn result<'a>(session: &'a Value, name: &str) -> &'a Value {
    session["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == name)
        .unwrap_or_else(|| panic!("no result for {name} in {session}"))
}

async fn members_vote_and_the_majority_ties_to_the_worse(b: Backend) {
    let (s, admin) = org(b).await;
    let (cora, ct) = signed_in(&s, "cora").await;
    // A coach from outside the squad starts the session and facilitates it, with the
    // results shown as votes come in.
    let id = start_with(&cora, &ct, "payments", "", "shown").await;
    let j = health(&s, &admin, "payments").await;
    assert_eq!(j["squad"], "payments");
    assert_eq!(
        j["indicators"].as_array().unwrap().len(),
        10,
        "the defaults"
    );
    assert_eq!(j["indicators"][0]["name"], "Easy to release");
    assert_eq!(j["indicators"][0]["retired"], false);
    assert_eq!(j["sessions"][0]["facilitator"], "cora");
    assert_eq!(j["sessions"][0]["closed"], false);
    assert_eq!(j["sessions"][0]["votes"], 0);
    assert_eq!(result(&j["sessions"][0], "Speed")["color"], Value::Null);
    let (speed, fun) = (indicator(&j, "Speed"), indicator(&j, "Fun"));
    // Clicking "Start" twice the same day opens the same session.
    assert_eq!(start_with(&cora, &ct, "payments", "", "shown").await, id);

    let (paula, pt) = signed_in(&s, "paula").await;
    let (pia, it) = signed_in(&s, "pia").await;
    for (c, t, votes) in [
        (
            &paula,
            &pt,
            vec![
                (speed, "green", "better", "Fast enough"),
                (fun, "green", "same", ""),
            ],
        ),
        (
            &pia,
            &it,
            vec![(speed, "green", "better", ""), (fun, "yellow", "worse", "")],
        ),
        (
            &cora,
            &ct,
            vec![
                (speed, "red", "worse", "Too many meetings"),
                (fun, "", "", ""),
            ],
        ),
    ] {
        let res = vote(c, t, id, &votes).await;
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    }
    let j = health(&s, &admin, "payments").await;
    let session = &j["sessions"][0];
    assert_eq!(session["votes"], 3);
    let r = result(session, "Speed");
    assert_eq!(
        (r["color"].clone(), r["trend"].clone()),
        (json!("green"), json!("better"))
    );
    assert_eq!(
        (r["green"].clone(), r["yellow"].clone(), r["red"].clone()),
        (json!(2), json!(0), json!(1))
    );
    assert_eq!(
        (r["better"].clone(), r["worse"].clone()),
        (json!(2), json!(1))
    );
    // Comments come without names.
    assert_eq!(r["comments"], json!(["Fast enough", "Too many meetings"]));
    let r = result(session, "Fun");
    assert_eq!(
        r["color"], "yellow",
        "one green, one yellow: the tie goes to the worse"
    );
    assert_eq!(r["trend"], "same", "one same, one worse: a tie is the same");
    assert_eq!(result(session, "Value")["color"], Value::Null);

    // The page shows the result in words with the arrow and the counts.
    let page = paula
        .get(&format!("/health/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("2 green · 1 red"), "{page}");
    assert!(page.contains("Too many meetings"));
    assert!(page.contains("Replace my vote"), "paula has voted");
    assert!(
        page.contains("value=\"Fast enough\""),
        "her own vote is filled in"
    );

    // Voting again replaces the whole vote: pia now only votes on Fun.
    let res = vote(&pia, &it, id, &[(fun, "green", "better", "")]).await;
    assert_eq!(res.status(), 303);
    let j = health(&s, &admin, "payments").await;
    let session = &j["sessions"][0];
    assert_eq!(session["votes"], 3);
    assert_eq!(result(session, "Fun")["color"], "green");
    assert_eq!(result(session, "Fun")["green"], 2);
    let r = result(session, "Speed");
    assert_eq!((r["green"].clone(), r["red"].clone()), (json!(1), json!(1)));
    assert_eq!(r["color"], "red", "a tie between green and red is red");

    // A trend without a colour is refused, with the form as typed.
    let res = vote(&paula, &pt, id, &[(speed, "", "worse", "Slow builds")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("Pick a colour too"), "{page}");
    assert!(page.contains("value=\"Slow builds\""));
    let res = vote(&paula, &pt, id, &[(speed, "green", "", &"x".repeat(501))]).await;
    assert_eq!(res.status(), 422);

    // People outside the squad do not vote, and are told why.
    for user in ["rita", "otto"] {
        let (c, t) = signed_in(&s, user).await;
        let page = c.get(&format!("/health/{id}")).await.text().await.unwrap();
        assert!(page.contains("Only the members of this squad"), "{user}");
        assert!(!page.contains("name=\"color_"), "{user} gets no form");
        let res = vote(&c, &t, id, &[(speed, "red", "worse", "")]).await;
        assert_eq!(res.status(), 403, "{user}");
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Only the members of this squad")
        );
    }
    let j = health(&s, &admin, "payments").await;
    assert_eq!(j["sessions"][0]["votes"], 3);

    // Only the facilitator (or an admin) closes it; a closed session takes no votes.
    let res = paula
        .post_form(&format!("/health/{id}/close"), &[("csrf_token", &pt)])
        .await;
    assert_eq!(res.status(), 403);
    // Open, it is on the squad's page to join; closed, it is not.
    let squad = paula.get("/squads/payments").await.text().await.unwrap();
    assert!(
        squad.contains(&format!(
            r#"<a class="button small" href="/health/{id}">Join</a>"#
        )),
        "{squad}"
    );
    let res = cora
        .post_form(&format!("/health/{id}/close"), &[("csrf_token", &ct)])
        .await;
    assert_eq!(res.status(), 303);
    let squad = paula.get("/squads/payments").await.text().await.unwrap();
    assert!(!squad.contains(&format!(r#"href="/health/{id}">Join"#)));
    let res = vote(&paula, &pt, id, &[(speed, "green", "better", "")]).await;
    assert_eq!(res.status(), 409);
    let j = health(&s, &admin, "payments").await;
    assert_eq!(j["sessions"][0]["closed"], true);
    assert_eq!(
        result(&j["sessions"][0], "Speed")["color"],
        "red",
        "unchanged"
    );
    let page = paula
        .get(&format!("/health/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("name=\"color_"),
        "no form on a closed session"
    );

    // A session cannot be held in the future; the form comes back with the date typed.
    let res = paula
        .post_form(
            "/squads/payments/health",
            &[("csrf_token", &pt), ("held_on", "2999-01-01")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("value=\"2999-01-01\""));

    // The API: the same reading rules as the pages, and errors as JSON.
    let res = reqwest::get(s.url("/api/v1/squads/payments/health"))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let (status, j) = s.get_json("/api/v1/squads/nope/health", &admin).await;
    assert_eq!(status, 404);
    assert!(j["error"].is_string(), "{j}");
}

async fn the_tribe_heatmap_shows_each_squads_latest_result(b: Backend) {
    let (s, admin) = org(b).await;
    let (paula, pt) = signed_in(&s, "paula").await;
    let (pia, it) = signed_in(&s, "pia").await;
    let (otto, ot) = signed_in(&s, "otto").await;
    let earlier = (chrono::Utc::now().date_naive() - chrono::Duration::days(90)).to_string();
    let today = chrono::Utc::now().date_naive().to_string();

    // Payments: a closed session 90 days ago and a newer one still open.
    let old = start(&paula, &pt, "payments", &earlier).await;
    let speed = indicator(&health(&s, &admin, "payments").await, "Speed");
    let res = vote(&paula, &pt, old, &[(speed, "red", "worse", "")]).await;
    assert_eq!(res.status(), 303);
    let res = paula
        .post_form(&format!("/health/{old}/close"), &[("csrf_token", &pt)])
        .await;
    assert_eq!(res.status(), 303, "the facilitator closes it");
    let new = start(&pia, &it, "payments", "").await;
    assert_ne!(new, old);
    assert_eq!(
        vote(&pia, &it, new, &[(speed, "green", "better", "")])
            .await
            .status(),
        303
    );
    // Radio: only an open session.
    let radio = start(&otto, &ot, "radio", "").await;
    assert_eq!(
        vote(&otto, &ot, radio, &[(speed, "yellow", "better", "")])
            .await
            .status(),
        303
    );

    let res = paula.get("/tribes/core/health").await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    // The closed session is preferred over the newer open one, and the cell says so.
    assert!(page.contains(&format!("<a href=\"/health/{old}\">{earlier}</a>")));
    assert!(!page.contains(&format!("/health/{new}\"")));
    // The whole table: a row per squad (one without a session says so), each linking its
    // history; per indicator the colour as a class, in words with an arrow, and the votes
    // with the session's date in the cell's title. Sessions and dates by name.
    let table = element(&page, "table", "Squad");
    let named = [
        (format!("/health/{old}\""), "/health/[old]\""),
        (format!("/health/{new}\""), "/health/[new]\""),
        (format!("/health/{radio}\""), "/health/[radio]\""),
        (earlier.clone(), "[90 days ago]"),
        (today.clone(), "[today]"),
    ];
    let filters: Vec<(&str, &str)> = named.iter().map(|(f, r)| (f.as_str(), *r)).collect();
    insta::with_settings!({filters => filters}, {
        insta::assert_snapshot!("tribe_health_heatmap_as_a_table", table);
    });
    assert!(page.contains("getting worse"), "a legend");
    let (status, _) = s.get_json("/tribes/nope/health", &admin).await;
    assert_eq!(status, 404);

    // The squad history: newest first, a trend line per indicator, links to the sessions.
    let page = paula
        .get("/squads/payments/health")
        .await
        .text()
        .await
        .unwrap();
    let (at_new, at_old) = (
        page.find(&format!("href=\"/health/{new}\""))
            .expect("new session"),
        page.find(&format!("href=\"/health/{old}\""))
            .expect("old session"),
    );
    assert!(at_new < at_old, "newest first");
    assert!(page.contains("Trend per indicator"));
    assert!(page.contains("<svg"));
    assert!(
        page.contains("class=\"dot-red\""),
        "the old session's point is red"
    );
    // The unit pages link to the health pages.
    let unit = paula.get("/squads/payments").await.text().await.unwrap();
    assert!(unit.contains("href=\"/squads/payments/health\""));
    let unit = paula.get("/tribes/core").await.text().await.unwrap();
    assert!(unit.contains("href=\"/tribes/core/health\">Health heatmap"));
}

async fn only_admins_change_the_indicators_and_history_keeps_retired_ones(b: Backend) {
    let (s, admin) = org(b).await;
    let (paula, pt) = signed_in(&s, "paula").await;
    assert_eq!(paula.get("/health/indicators").await.status(), 403);
    let res = paula
        .post_form(
            "/health/indicators",
            &[
                ("csrf_token", &pt),
                ("name", "Coffee"),
                ("awesome", "a"),
                ("crappy", "b"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);

    // A session with a vote on Fun, before Fun is retired.
    let id = start_with(&paula, &pt, "payments", "", "shown").await;
    let j = health(&s, &admin, "payments").await;
    let (fun, speed) = (indicator(&j, "Fun"), indicator(&j, "Speed"));
    let res = vote(&paula, &pt, id, &[(fun, "red", "worse", "Boring sprint")]).await;
    assert_eq!(res.status(), 303);

    let (boss, bt) = signed_in(&s, "admin").await;
    let page = boss.get("/health/indicators").await.text().await.unwrap();
    assert!(page.contains("value=\"Easy to release\""));
    // Mistakes come back with what was typed and a message per field.
    let res = boss
        .post_form(
            &format!("/health/indicators/{fun}"),
            &[
                ("csrf_token", &bt),
                ("name", " "),
                ("awesome", "We laugh a lot, together."),
                ("crappy", ""),
                ("position", "7"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("Give the indicator a name."), "{page}");
    assert!(page.contains("We laugh a lot, together."));
    assert!(page.contains("Describe what crappy looks like"));
    let res = boss
        .post_form(
            &format!("/health/indicators/{fun}"),
            &[
                ("csrf_token", &bt),
                ("name", "speed"),
                ("awesome", "a"),
                ("crappy", "b"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("already an indicator called")
    );

    // An edit, an addition (last by default), a retirement.
    let res = boss
        .post_form(
            &format!("/health/indicators/{speed}"),
            &[
                ("csrf_token", &bt),
                ("name", "Flow"),
                ("awesome", "Work flows."),
                ("crappy", "Work waits."),
                ("position", "5"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = boss
        .post_form(
            "/health/indicators",
            &[
                ("csrf_token", &bt),
                ("name", "Psychological safety"),
                ("awesome", "We can say anything."),
                ("crappy", "We keep quiet."),
                ("position", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = boss
        .post_form(
            &format!("/health/indicators/{fun}/retire"),
            &[("csrf_token", &bt), ("retired", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);

    let j = health(&s, &admin, "payments").await;
    let names: Vec<&str> = j["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 11, "{names:?}");
    assert_eq!(names[4], "Flow");
    assert_eq!(names[10], "Psychological safety");
    let retired = |j: &Value, name: &str| {
        j["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .map(|i| i["retired"].clone())
    };
    assert_eq!(retired(&j, "Fun"), Some(json!(true)));
    // History keeps the retired indicator's votes.
    let r = result(&j["sessions"][0], "Fun");
    assert_eq!(r["color"], "red");
    assert_eq!(r["comments"], json!(["Boring sprint"]));
    let page = paula
        .get(&format!("/health/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Fun <span class=\"hint\">(retired)</span>"),
        "{page}"
    );
    assert!(!page.contains("Your vote on Fun"), "but no new votes on it");
    assert!(page.contains("Your vote on Psychological safety"));
    // A new session of another squad does not show it at all.
    let (otto, ot) = signed_in(&s, "otto").await;
    let radio = start(&otto, &ot, "radio", "").await;
    let page = otto
        .get(&format!("/health/{radio}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(">Fun"), "{page}");
    assert!(page.contains("Flow"));
    // Voting again on the old session keeps paula's vote on the retired indicator.
    let res = vote(&paula, &pt, id, &[(speed, "green", "same", "")]).await;
    assert_eq!(res.status(), 303);
    let j = health(&s, &admin, "payments").await;
    assert_eq!(result(&j["sessions"][0], "Fun")["red"], 1);
    assert_eq!(result(&j["sessions"][0], "Flow")["green"], 1);

    // Restored, it is back in new sessions.
    let res = boss
        .post_form(
            &format!("/health/indicators/{fun}/retire"),
            &[("csrf_token", &bt), ("retired", "0")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let j = health(&s, &admin, "payments").await;
    assert_eq!(retired(&j, "Fun"), Some(json!(false)));
}

/// A database from before one open session per squad and day was enforced, with sessions
/// that several people started at once: upgrading merges them into the earliest, votes and
/// all, keeps the earliest vote where one person voted twice, and says so in the log.
async fn concurrent_sessions_from_before_the_index_are_merged(b: Backend) {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use fika::db::schema::{health_indicators, health_sessions, health_votes, people, units};

    let (s, admin) = org(b).await;
    let _ = health(&s, &admin, "payments").await; // writes the default indicators
    let data = s.kill9();
    let mut c = data.connect();
    c.batch_execute(
        "DROP INDEX health_sessions_one_open; \
         DELETE FROM __diesel_schema_migrations WHERE version = '20261202000009';",
    )
    .expect("back to the old schema");
    let id_of = |c: &mut fika::db::AnyConnection, name: &str| -> i64 {
        people::table
            .filter(people::username.eq(name))
            .select(people::id)
            .first(c)
            .expect("person")
    };
    let (paula, pia) = (id_of(&mut c, "paula"), id_of(&mut c, "pia"));
    let squad: i64 = units::table
        .filter(units::slug.eq("payments"))
        .select(units::id)
        .first(&mut c)
        .expect("squad");
    let ind: Vec<i64> = health_indicators::table
        .order(health_indicators::position)
        .select(health_indicators::id)
        .load(&mut c)
        .expect("indicators");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
    let at = |h: u32, m: u32, sec: u32| day.and_hms_opt(h, m, sec).expect("time");
    let mut session = |created, closed| -> i64 {
        diesel::insert_into(health_sessions::table)
            .values((
                health_sessions::squad_id.eq(squad),
                health_sessions::held_on.eq(day),
                health_sessions::facilitator_id.eq(paula),
                health_sessions::closed_at.eq(closed),
                health_sessions::created_at.eq(created),
                // Sessions from before hiding existed showed their results.
                health_sessions::hide_votes.eq(false),
            ))
            .returning(health_sessions::id)
            .get_result(&mut c)
            .expect("session")
    };
    // A morning check, closed before the afternoon's three concurrent starts.
    let morning = session(at(8, 0, 0), Some(at(8, 30, 0)));
    let first = session(at(14, 0, 0), None);
    let second = session(at(14, 0, 1), None);
    let third = session(at(14, 0, 1), None);
    let mut c = data.connect();
    for (session, person, indicator, color) in [
        (first, paula, ind[0], "green"),
        (second, paula, ind[0], "red"), // paula voted this one twice: the earliest stays
        (second, pia, ind[0], "yellow"),
        (third, pia, ind[1], "green"),
        (third, paula, ind[1], "red"),
    ] {
        diesel::insert_into(health_votes::table)
            .values((
                health_votes::session_id.eq(session),
                health_votes::indicator_id.eq(indicator),
                health_votes::person_id.eq(person),
                health_votes::color.eq(color),
                health_votes::comment.eq(""),
            ))
            .execute(&mut c)
            .expect("vote");
    }
    drop(c);

    let s = TestServer::start_with(data, &[]).await;
    assert!(
        s.wait_for_log("merged 2 duplicate health-check sessions into 1")
            .await,
        "{}",
        s.log()
    );
    assert!(
        s.log().contains(&format!(
            "session {second} person {paula} indicator {}",
            ind[0]
        )),
        "the dropped vote is named: {}",
        s.log()
    );
    let j = health(&s, &admin, "payments").await;
    let ids: Vec<i64> = j["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "the morning check and the merged one: {j}");
    assert!(ids.contains(&morning) && ids.contains(&first), "{ids:?}");
    let merged = j["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == first)
        .unwrap();
    assert_eq!(merged["closed"], false, "{merged}");
    assert_eq!(merged["votes"], 2, "{merged}");
    let names: Vec<String> = j["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    let r0 = result(merged, &names[0]);
    assert_eq!(
        (
            r0["green"].as_i64(),
            r0["yellow"].as_i64(),
            r0["red"].as_i64()
        ),
        (Some(1), Some(1), Some(0)),
        "{r0}"
    );
    let r1 = result(merged, &names[1]);
    assert_eq!(
        (r1["green"].as_i64(), r1["red"].as_i64()),
        (Some(1), Some(1)),
        "{r1}"
    );

    // The index holds from now on: starting again joins the merged session.
    let (c, t) = signed_in(&s, "pia").await;
    assert_eq!(start(&c, &t, "payments", "2026-11-30").await, first);
}

async fn results_stay_hidden_until_the_session_closes(b: Backend) {
    let (s, admin) = org(b).await;
    let (cora, ct) = signed_in(&s, "cora").await;
    // A bad date comes back with the choice as made.
    let res = cora
        .post_form(
            "/squads/payments/health",
            &[
                ("csrf_token", &ct),
                ("held_on", "2999-01-01"),
                ("results", "shown"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(r#"<option value="shown" selected>"#),
        "{page}"
    );

    let id = start(&cora, &ct, "payments", "").await;
    let speed = indicator(&health(&s, &admin, "payments").await, "Speed");
    let (paula, pt) = signed_in(&s, "paula").await;
    let (pia, it) = signed_in(&s, "pia").await;
    let res = vote(
        &paula,
        &pt,
        id,
        &[(speed, "green", "better", "Secret comment")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = vote(&pia, &it, id, &[(speed, "red", "worse", "")]).await;
    assert_eq!(res.status(), 303);

    // While open: how many voted, each person's own vote, and nothing of the others'.
    let j = health(&s, &admin, "payments").await;
    let session = &j["sessions"][0];
    assert_eq!(
        (session["hidden"].clone(), session["votes"].clone()),
        (json!(true), json!(2))
    );
    assert_eq!(session["results"], json!([]), "{session}");
    assert_eq!(session["mine"], json!([]), "the admin did not vote");
    let j = health(&s, &s.token_for("paula"), "payments").await;
    assert_eq!(
        j["sessions"][0]["mine"],
        json!([{"indicator": "Speed", "color": "green", "trend": "better", "comment": "Secret comment"}])
    );
    let page = pia
        .get(&format!("/health/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("stay hidden until the session is closed"),
        "{page}"
    );
    assert!(page.contains("2 voters"));
    assert!(
        !page.contains("Secret comment") && !page.contains("1 green"),
        "{page}"
    );
    assert!(page.contains(r#"class="hc hc-hidden result""#));
    let history = pia
        .get("/squads/payments/health")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        history.contains("hc hc-hidden")
            && !history.contains("hc hc-green")
            && !history.contains("hc hc-red"),
        "{history}"
    );

    // Closed: everything is out.
    let res = cora
        .post_form(&format!("/health/{id}/close"), &[("csrf_token", &ct)])
        .await;
    assert_eq!(res.status(), 303);
    let j = health(&s, &admin, "payments").await;
    let session = &j["sessions"][0];
    assert_eq!(session["hidden"], false);
    let r = result(session, "Speed");
    assert_eq!((r["green"].clone(), r["red"].clone()), (json!(1), json!(1)));
    assert_eq!(r["comments"], json!(["Secret comment"]));
    let page = pia
        .get(&format!("/health/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Secret comment") && !page.contains("hc-hidden"));
}

backend_tests!(
    concurrent_sessions_from_before_the_index_are_merged,
    members_vote_and_the_majority_ties_to_the_worse,
    the_tribe_heatmap_shows_each_squads_latest_result,
    only_admins_change_the_indicators_and_history_keeps_retired_ones,
    results_stay_hidden_until_the_session_closes,
);
