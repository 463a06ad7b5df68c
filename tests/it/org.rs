//! The org: enforced rules, warnings, history, renames, permissions and the JSON API.

use serde_json::json;

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, TestServer};

/// A small org made through the API: tribe "core" with a trio and squad "payments",
/// chapter "core-backend", guild "web". `admin` is an admin; `tina` leads the tribe;
/// `paula` is the product owner of payments; `sam` is a member of payments; `omar` is in
/// nothing.
struct Org {
    s: TestServer,
    admin: String,
}

async fn org(b: Backend) -> Org {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    for u in ["tina", "paula", "sam", "omar", "pl", "dl"] {
        s.data.add_user(u, PASSWORD, false);
    }
    let admin = s.token_for("admin");
    let post = |path: &'static str, body: serde_json::Value| {
        let s = &s;
        let admin = admin.clone();
        async move {
            let (status, json) = s.post_json(path, &admin, body).await;
            assert_eq!(status, 201, "{path}: {json}");
            json
        }
    };
    post(
        "/api/v1/units/tribe",
        json!({"name": "Core", "mission": "The core of it all."}),
    )
    .await;
    post(
        "/api/v1/units/trio",
        json!({"name": "Core Trio", "tribe": "core"}),
    )
    .await;
    post(
        "/api/v1/units/squad",
        json!({"name": "Payments", "tribe": "core"}),
    )
    .await;
    post(
        "/api/v1/units/chapter",
        json!({"name": "Core Backend", "tribe": "core", "discipline": "backend"}),
    )
    .await;
    post("/api/v1/units/guild", json!({"name": "Web"})).await;
    for (unit, user, role) in [
        ("tribe/core", "tina", "tribe lead"),
        ("trio/core-trio", "tina", "tribe lead"),
        ("trio/core-trio", "pl", "product lead"),
        ("trio/core-trio", "dl", "design lead"),
        ("squad/payments", "paula", "product owner"),
        ("squad/payments", "sam", "member"),
        ("chapter/core-backend", "sam", "chapter lead"),
    ] {
        let (status, json) = s
            .post_json(
                &format!("/api/v1/units/{unit}/members"),
                &admin,
                json!({"username": user, "role": role, "since": "2025-01-01"}),
            )
            .await;
        assert_eq!(status, 201, "{unit} {user}: {json}");
    }
    Org { s, admin }
}

async fn enforced_rules_are_refused_with_the_rule_named(b: Backend) {
    let Org { s, admin } = org(b).await;
    let cases = [
        (
            "chapter",
            json!({"name": "Loose", "discipline": "qa"}),
            422,
            "exactly one tribe",
        ),
        (
            "trio",
            json!({"name": "Second Trio", "tribe": "core"}),
            409,
            "one trio per tribe",
        ),
        (
            "squad",
            json!({"name": "Inside guild", "tribe": "web"}),
            422,
            "no tribe",
        ),
        (
            "guild",
            json!({"name": "Tribal", "tribe": "core"}),
            422,
            "does not belong to a tribe",
        ),
        (
            "alliance",
            json!({"name": "Solo", "tribes": ["core"]}),
            422,
            "at least two",
        ),
        (
            "squad",
            json!({"name": "Payments", "tribe": "core"}),
            409,
            "already a squad",
        ),
        (
            "squad",
            json!({"name": "Evil", "links": ["x javascript:alert(1)"]}),
            422,
            "https://",
        ),
    ];
    for (kind, body, status, needle) in cases {
        let (got, json) = s
            .post_json(&format!("/api/v1/units/{kind}"), &admin, body)
            .await;
        assert_eq!(got, status, "{kind}: {json}");
        assert!(
            json["error"].as_str().unwrap().contains(needle),
            "{kind}: {json}"
        );
    }
    // A second tribe without a trio cannot be in an alliance; with one it can.
    s.post_json("/api/v1/units/tribe", &admin, json!({"name": "Edge"}))
        .await;
    let (got, json) = s
        .post_json(
            "/api/v1/units/alliance",
            &admin,
            json!({"name": "Pair", "tribes": ["core", "edge"]}),
        )
        .await;
    assert_eq!(got, 422, "{json}");
    assert!(
        json["error"].as_str().unwrap().contains("Edge has no trio"),
        "{json}"
    );
    s.post_json(
        "/api/v1/units/trio",
        &admin,
        json!({"name": "Edge Trio", "tribe": "edge"}),
    )
    .await;
    let (got, json) = s
        .post_json(
            "/api/v1/units/alliance",
            &admin,
            json!({"name": "Pair", "tribes": ["core", "edge"]}),
        )
        .await;
    assert_eq!(got, 201, "{json}");
    assert_eq!(json["tribes"], json!(["core", "edge"]));

    // Memberships: roles per kind, a trio of three distinct people, no duplicates.
    let member = |unit: &'static str, user: &'static str, role: &'static str| {
        let s = &s;
        let admin = admin.clone();
        async move {
            s.post_json(
                &format!("/api/v1/units/{unit}/members"),
                &admin,
                json!({"username": user, "role": role}),
            )
            .await
        }
    };
    let (got, json) = member("squad/payments", "omar", "tribe lead").await;
    assert_eq!(got, 422);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("its roles are member, product owner, agile coach")
    );
    let (got, json) = member("trio/core-trio", "omar", "product lead").await;
    assert_eq!(got, 409);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("already has a product lead")
    );
    let (got, json) = member("trio/edge-trio", "tina", "tribe lead").await;
    assert_eq!(got, 201, "{json}");
    let (got, json) = member("trio/edge-trio", "tina", "design lead").await;
    assert_eq!(got, 409);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("three distinct people")
    );
    let (got, _) = member("squad/payments", "sam", "member").await;
    assert_eq!(got, 409, "already a member");
    let (got, json) = member("squad/payments", "nobody", "member").await;
    assert_eq!(got, 422);
    assert!(json["error"].as_str().unwrap().contains("nobody"));
    let (got, _) = member("squad/nowhere", "sam", "member").await;
    assert_eq!(got, 404);
}

async fn warnings_appear_on_pages_and_in_health(b: Backend) {
    let Org { s, .. } = org(b).await;
    let c = s.client();
    c.login("omar", PASSWORD).await;
    let page = c.get("/squads/payments").await.text().await.unwrap();
    assert!(
        page.contains("Payments has 2 people; squads work best with 6–12."),
        "squad size"
    );
    let health = c.get("/org/health").await.text().await.unwrap();
    assert!(health.contains("Payments has 2 people"));
    assert!(health.contains("omar Testperson is in no squad."));
    assert!(
        !health.contains("Payments has no product owner."),
        "it has one"
    );
    assert!(!health.contains("sam Testperson is in Core Backend but in no squad"));
    // tina leads the tribe's chapter-less... put her in the chapter: she is in no squad of Core.
    let admin = s.token_for("admin");
    s.post_json(
        "/api/v1/units/chapter/core-backend/members",
        &admin,
        json!({"username": "tina"}),
    )
    .await;
    s.post_json(
        "/api/v1/units/squad",
        &admin,
        json!({"name": "Orphan", "tribe": "core"}),
    )
    .await;
    let health = c.get("/org/health").await.text().await.unwrap();
    assert!(health.contains("tina Testperson is in Core Backend but in no squad of Core."));
    assert!(health.contains("Orphan has no product owner."));
    let chapter = c.get("/chapters/core-backend").await.text().await.unwrap();
    assert!(chapter.contains("tina Testperson is in Core Backend but in no squad of Core."));
    let tribe = c.get("/tribes/core").await.text().await.unwrap();
    assert!(
        tribe.contains("Orphan has no product owner."),
        "a tribe shows its squads' warnings"
    );
    let person = c.get("/people/omar").await.text().await.unwrap();
    assert!(person.contains("is in no squad"));
}

async fn history_is_kept_across_moves_ends_and_renames(b: Backend) {
    let Org { s, admin } = org(b).await;
    s.post_json("/api/v1/units/tribe", &admin, json!({"name": "Edge"}))
        .await;
    let c = s.client();
    c.login("admin", PASSWORD).await;
    let token = c.csrf("/squads/payments").await;
    // Move payments to Edge: one action, recorded.
    let res = c
        .post_form(
            "/squads/payments/move",
            &[("csrf_token", &token), ("tribe", "edge")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, json) = s.get_json("/api/v1/units/squad/payments", &admin).await;
    assert_eq!(json["tribe"], "edge");
    let page = c.get("/squads/payments").await.text().await.unwrap();
    assert!(
        page.contains("moved: Core → Edge"),
        "the move is in the history"
    );
    // End sam's membership: he becomes a former member, nothing is deleted.
    let member_id = {
        let marker = "/squads/payments/members/";
        let i = page.find(marker).expect("an end button") + marker.len();
        page[i..].split('/').next().unwrap().to_string()
    };
    let (_, before) = s.get_json("/api/v1/units/squad/payments", &admin).await;
    let sams = before["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["username"] == "sam")
        .count();
    assert_eq!(sams, 1);
    let ids: Vec<String> = page
        .match_indices("/squads/payments/members/")
        .map(|(i, m)| page[i + m.len()..].split('/').next().unwrap().to_string())
        .collect();
    assert!(ids.contains(&member_id));
    for id in ids {
        let res = c
            .post_form(
                &format!("/squads/payments/members/{id}/end"),
                &[("csrf_token", &token), ("until", "2026-01-31")],
            )
            .await;
        assert_eq!(res.status(), 303);
    }
    let (_, after) = s.get_json("/api/v1/units/squad/payments", &admin).await;
    assert_eq!(after["members"], json!([]), "nobody is current");
    let page = c.get("/squads/payments").await.text().await.unwrap();
    assert!(page.contains("Former members (2)"));
    let (_, sam) = s.get_json("/api/v1/people/sam", &admin).await;
    let ended = sam["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["slug"] == "payments")
        .unwrap();
    assert_eq!(ended["since"], "2025-01-01");
    assert_eq!(ended["until"], "2026-01-31");
    // A year ago sam was in payments; today he is not.
    let then = c
        .get("/people/sam?on=2025-06-01")
        .await
        .text()
        .await
        .unwrap();
    assert!(then.contains("On 2025-06-01:"));
    let section = &then[then.find("On 2025-06-01:").unwrap()..];
    assert!(section.contains("/squads/payments"));
    // A past end cannot be rewritten, not even to an earlier day.
    let res = c
        .post_form(
            &format!("/squads/payments/members/{member_id}/end"),
            &[("csrf_token", &token), ("until", "2025-06-01")],
        )
        .await;
    assert_eq!(res.status(), 409, "history is not rewritten");
    // Ending twice is refused.
    let res = c
        .post_form(
            &format!("/squads/payments/members/{member_id}/end"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(res.status(), 409);

    // Rename: the old slug redirects for good.
    let res = c
        .post_form(
            "/squads/payments/edit",
            &[
                ("csrf_token", &token),
                ("name", "Billing"),
                ("slug", "billing"),
                ("tribe", "edge"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/squads/billing");
    let res = c.get("/squads/payments").await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], "/squads/billing");
    let page = c.get("/squads/billing").await.text().await.unwrap();
    assert!(page.contains("renamed: Payments (payments) → Billing (billing)"));
}

async fn who_may_edit_what(b: Backend) {
    let Org { s, admin } = org(b).await;
    s.post_json("/api/v1/units/tribe", &admin, json!({"name": "Edge"}))
        .await;
    s.post_json(
        "/api/v1/units/squad",
        &admin,
        json!({"name": "Radar", "tribe": "edge"}),
    )
    .await;
    let form = |c: &'static str| {
        let s = &s;
        async move {
            let client = s.client();
            client.login(c, PASSWORD).await;
            let token = client.csrf("/org").await;
            (client, token)
        }
    };
    // sam (a member) may not edit his squad, nor add people to it.
    let (sam, t) = form("sam").await;
    assert_eq!(sam.get("/squads/payments/edit").await.status(), 403);
    let res = sam
        .post_form(
            "/squads/payments/members",
            &[("csrf_token", &t), ("username", "omar")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let page = sam.get("/squads/payments").await.text().await.unwrap();
    assert!(
        !page.contains("/squads/payments/edit"),
        "no edit button for members"
    );
    // paula (product owner) edits her squad but not the tribe or another squad.
    let (paula, t) = form("paula").await;
    let res = paula
        .post_form(
            "/squads/payments/edit",
            &[
                ("csrf_token", &t),
                ("name", "Payments"),
                ("mission", "Pay!"),
                ("tribe", "core"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(paula.get("/tribes/core/edit").await.status(), 403);
    assert_eq!(paula.get("/squads/radar/edit").await.status(), 403);
    // ...nor move it to another tribe.
    let res = paula
        .post_form(
            "/squads/payments/move",
            &[("csrf_token", &t), ("tribe", "edge")],
        )
        .await;
    assert_eq!(res.status(), 403);
    // tina (tribe lead of Core) edits the tribe, its squads and chapter, creates squads in it.
    let (tina, t) = form("tina").await;
    assert_eq!(tina.get("/tribes/core/edit").await.status(), 200);
    assert_eq!(tina.get("/chapters/core-backend/edit").await.status(), 200);
    assert_eq!(
        tina.get("/squads/radar/edit").await.status(),
        403,
        "another tribe's squad"
    );
    let res = tina
        .post_form(
            "/org/new",
            &[
                ("csrf_token", &t),
                ("kind", "squad"),
                ("name", "Ledger"),
                ("tribe", "core"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "a squad in her tribe");
    let res = tina
        .post_form(
            "/org/new",
            &[
                ("csrf_token", &t),
                ("kind", "squad"),
                ("name", "Sneaky"),
                ("tribe", "edge"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403, "not in another tribe");
    let res = tina
        .post_form(
            "/org/new",
            &[("csrf_token", &t), ("kind", "tribe"), ("name", "Mine")],
        )
        .await;
    assert_eq!(res.status(), 403, "tribes are for admins");
    // Anyone joins and leaves a guild themselves, but cannot remove others.
    let (omar, t) = form("omar").await;
    let res = omar
        .post_form("/guilds/web/join", &[("csrf_token", &t)])
        .await;
    assert_eq!(res.status(), 303);
    let (_, web) = s.get_json("/api/v1/units/guild/web", &admin).await;
    assert_eq!(web["members"][0]["username"], "omar");
    let page = omar.get("/guilds/web").await.text().await.unwrap();
    assert!(page.contains("Leave this guild"));
    let (sam, t_sam) = form("sam").await;
    sam.post_form("/guilds/web/join", &[("csrf_token", &t_sam)])
        .await;
    let page = sam.get("/guilds/web").await.text().await.unwrap();
    let marker = "action=\"/guilds/web/members/";
    let sams_id = page[page.find(marker).unwrap() + marker.len()..]
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let omars_page = omar.get("/guilds/web").await.text().await.unwrap();
    let omars_id = omars_page[omars_page.find(marker).unwrap() + marker.len()..]
        .split('/')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(sams_id, omars_id);
    let res = omar
        .post_form(
            &format!("/guilds/web/members/{sams_id}/end"),
            &[("csrf_token", &t)],
        )
        .await;
    assert_eq!(res.status(), 403, "omar cannot remove sam");
    let res = omar
        .post_form(
            &format!("/guilds/web/members/{omars_id}/end"),
            &[("csrf_token", &t)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, web) = s.get_json("/api/v1/units/guild/web", &admin).await;
    let names: Vec<&str> = web["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["sam"]);
    // ...but nobody makes themselves a guild's coordinator.
    let res = omar
        .post_form(
            "/guilds/web/members",
            &[
                ("csrf_token", &t),
                ("username", "omar"),
                ("role", "coordinator"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403, "self-service is for plain members");
    // Moving: tina may move her chapter out of Core, but neither take Edge's squad nor move
    // her trio (its tribe lead leads the tribe it belongs to).
    let (tina, t) = form("tina").await;
    let res = tina
        .post_form(
            "/squads/radar/edit",
            &[("csrf_token", &t), ("name", "Radar"), ("tribe", "core")],
        )
        .await;
    assert_eq!(res.status(), 403, "not another tribe's squad");
    let res = tina
        .post_form(
            "/squads/radar/move",
            &[("csrf_token", &t), ("tribe", "core")],
        )
        .await;
    assert_eq!(res.status(), 403, "not by the move form either");
    let res = tina
        .post_form(
            "/trios/core-trio/edit",
            &[("csrf_token", &t), ("name", "Core Trio"), ("tribe", "edge")],
        )
        .await;
    assert_eq!(res.status(), 403, "trios move only by an admin");
    let res = tina
        .post_form(
            "/chapters/core-backend/edit",
            &[
                ("csrf_token", &t),
                ("name", "Core Backend"),
                ("tribe", "edge"),
                ("discipline", "backend"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "her own chapter, out of her tribe");
    // The API follows the same rules.
    let sam_token = s.token_for("sam");
    let (got, json) = s
        .post_json("/api/v1/units/guild", &sam_token, json!({"name": "Mine"}))
        .await;
    assert_eq!(got, 403, "{json}");
    let (got, _) = s
        .post_json(
            "/api/v1/units/squad/payments/members",
            &sam_token,
            json!({"username": "omar"}),
        )
        .await;
    assert_eq!(got, 403);
    let paula_token = s.token_for("paula");
    let (got, json) = s
        .post_json(
            "/api/v1/units/squad/payments/members",
            &paula_token,
            json!({"username": "omar"}),
        )
        .await;
    assert_eq!(got, 201, "the unit's lead: {json}");
    // Profiles: yourself or an admin.
    assert_eq!(omar.get("/people/omar/edit").await.status(), 200);
    assert_eq!(omar.get("/people/sam/edit").await.status(), 403);
}

async fn api_shapes(b: Backend) {
    let Org { s, admin } = org(b).await;
    let (status, unit) = s.get_json("/api/v1/units/squad/payments", &admin).await;
    assert_eq!(status, 200);
    for key in ["kind", "slug", "name", "mission", "tribe", "members"] {
        assert!(unit.get(key).is_some(), "unit has {key}: {unit}");
    }
    assert_eq!(unit["kind"], "squad");
    assert_eq!(unit["tribe"], "core");
    let member = &unit["members"][0];
    for key in ["username", "role", "since"] {
        assert!(member.get(key).is_some(), "member has {key}: {member}");
    }
    let (_, tribe) = s.get_json("/api/v1/units/tribe/core", &admin).await;
    assert_eq!(tribe["tribe"], serde_json::Value::Null);
    let (_, squads) = s.get_items("/api/v1/units?kind=squad", &admin).await;
    let slugs: Vec<&str> = squads
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, vec!["payments"]);
    let (_, all) = s.get_items("/api/v1/units", &admin).await;
    assert_eq!(all.as_array().unwrap().len(), 5);
    // A value that is not one of a filter's choices is a wrong value: 422, as everywhere.
    let (status, json) = s.get_items("/api/v1/units?kind=team", &admin).await;
    assert_eq!(status, 422);
    assert!(json["error"].as_str().unwrap().contains("Unknown kind"));
    let (_, people) = s.get_items("/api/v1/people", &admin).await;
    assert_eq!(people.as_array().unwrap().len(), 7);
    let (status, sam) = s.get_json("/api/v1/people/sam", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(sam["username"], "sam");
    assert_eq!(sam["memberships"].as_array().unwrap().len(), 2);
    let (status, json) = s.get_json("/api/v1/people/nobody", &admin).await;
    assert_eq!(status, 404);
    assert!(json["error"].is_string());
    // An unknown field is a 422 that names it (issue 24: the same answer on every route).
    let (status, json) = s
        .post_json("/api/v1/units/squad", &admin, json!({"nme": "typo"}))
        .await;
    assert_eq!(status, 422, "{json}");
    assert_eq!(json["code"], "invalid");
    assert!(json["fields"]["nme"].is_string(), "{json}");
    // No token, no API.
    let res = reqwest::Client::new()
        .get(s.url("/api/v1/people"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn forms_keep_input_and_show_errors_by_field(b: Backend) {
    let Org { s, .. } = org(b).await;
    let c = s.client();
    c.login("admin", PASSWORD).await;
    let token = c.csrf("/org/new?kind=chapter").await;
    let res = c
        .post_form(
            "/org/new",
            &[
                ("csrf_token", &token),
                ("kind", "chapter"),
                ("name", "Core <QA>"),
                ("mission", "Quality first"),
                ("links", "Docs javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("value=\"Core &#60;QA&#62;\"") || body.contains("value=\"Core &lt;QA&gt;\""),
        "name kept, escaped"
    );
    assert!(body.contains("value=\"Quality first\""));
    assert!(
        body.contains("Docs javascript:alert(1)</textarea>"),
        "links kept"
    );
    assert!(body.contains("class=\"field-error\">A chapter belongs to exactly one tribe"));
    assert!(body.contains("class=\"field-error\">A chapter gathers one discipline"));
    assert!(body.contains("class=\"field-error\">Link 1"));
    // A rule found in the database (one trio per tribe) is shown the same way.
    let res = c
        .post_form(
            "/org/new",
            &[
                ("csrf_token", &token),
                ("kind", "trio"),
                ("name", "Another Trio"),
                ("tribe", "core"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("one trio per tribe"));
    assert!(body.contains("value=\"Another Trio\""));
    // The add-member form too.
    let res = c
        .post_form(
            "/squads/payments/members",
            &[
                ("csrf_token", &token),
                ("username", "sam"),
                ("role", "member"),
                ("since", "2025-02-30"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("is not a date"));
    assert!(body.contains("value=\"2025-02-30\""));
    // And the profile form.
    let res = c
        .post_form(
            "/people/sam/edit",
            &[
                ("csrf_token", &token),
                ("display_name", ""),
                ("email", "not-mail"),
                ("title", "Engineer"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("Please give a name."));
    assert!(body.contains("is not an e-mail address"));
    assert!(body.contains("value=\"Engineer\""));
    let (_, sam) = s
        .get_json("/api/v1/people/sam", &s.token_for("admin"))
        .await;
    assert_eq!(sam["name"], "sam Testperson", "nothing was saved");
}

async fn org_pages_render(b: Backend) {
    let Org { s, .. } = org(b).await;
    let c: Client = s.client();
    c.login("sam", PASSWORD).await;
    let home = c.get("/").await.text().await.unwrap();
    let teams = &home[home
        .find("Your teams")
        .expect("the home page lists sam's teams")..];
    assert!(
        teams.contains("href=\"/squads/payments\"")
            && teams.contains("href=\"/chapters/core-backend\"")
            && teams.contains("href=\"/tribes/core\""),
        "the tribe, through the squad: {teams}"
    );
    // Who leads sam: each team with its leads; his own name leads to his profile, and
    // from there to the account settings.
    assert!(home.contains(r#"<a href="/people/sam" title="Your profile"#));
    let me = c.get("/people/sam").await.text().await.unwrap();
    assert!(me.contains(r#"<a href="/account">Account settings</a>"#));
    let teams = &me[me.find("Teams now").unwrap()..me.find("Teams on a day").unwrap()];
    assert!(
        teams.contains(
            r#"<span>product owner: <a href="/people/paula">paula Testperson</a></span>"#
        ),
        "{teams}"
    );
    assert!(
        teams.contains(r#"<span class="hint">through Payments</span>"#),
        "{teams}"
    );
    for lead in [
        r#"tribe lead: <a href="/people/tina">"#,
        r#"product lead: <a href="/people/pl">"#,
        r#"design lead: <a href="/people/dl">"#,
    ] {
        assert!(teams.contains(lead), "{lead} in {teams}");
    }
    let paula = c.get("/people/paula").await.text().await.unwrap();
    assert!(
        !paula.contains("Account settings"),
        "only on one's own page"
    );
    let org = c.get("/org").await.text().await.unwrap();
    assert!(org.contains("href=\"/tribes/core\""));
    assert!(org.contains("href=\"/squads/payments\""));
    assert!(org.contains("href=\"/chapters/core-backend\""));
    assert!(org.contains("href=\"/trios/core-trio\""));
    assert!(org.contains("href=\"/guilds/web\""));
    // The tribe's page counts what /org counts: everyone in its trio, squads and chapters
    // (tina, pl, dl, paula, sam), listing who is in which unit, and the tribe's own members
    // apart.
    assert!(org.contains("5 people"), "{org}");
    let tribe = c.get("/tribes/core").await.text().await.unwrap();
    assert!(
        tribe.contains(r#"<h2>People <span class="hint">(5)</span></h2>"#),
        "{tribe}"
    );
    assert!(
        tribe.contains(r#"sam Testperson</a> <span class="hint">Core Backend · Payments</span>"#),
        "{tribe}"
    );
    assert!(
        tribe.contains(r#"In the tribe itself <span class="hint">(1)</span>"#),
        "{tribe}"
    );
    let matrix = c.get("/tribes/core/matrix").await.text().await.unwrap();
    assert!(
        matrix.contains("href=\"/people/sam\""),
        "sam: backend chapter × payments"
    );
    // The chart inside the site's page, framed; its boxes open their pages in the window.
    let page = c.get("/org/chart").await.text().await.unwrap();
    assert!(
        page.contains(r#"<iframe src="/org/chart.svg" title="Org chart"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<nav class="sections""#),
        "with the site's navigation"
    );
    assert!(org.contains(r#"<a href="/org/chart">Org chart</a>"#));
    let svg = c.get("/org/chart.svg").await;
    assert_eq!(
        svg.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    let svg = svg.text().await.unwrap();
    for href in [
        "/tribes/core",
        "/squads/payments",
        "/chapters/core-backend",
        "/guilds/web",
        "/trios/core-trio",
    ] {
        assert!(
            svg.contains(&format!("href=\"{href}\" target=\"_top\"")),
            "chart links {href}"
        );
    }
    let people = c.get("/people?q=pau").await.text().await.unwrap();
    assert!(people.contains("/people/paula") && !people.contains("href=\"/people/sam\">"));
    assert_eq!(c.get("/squads/nope").await.status(), 404);
    assert_eq!(c.get("/people/nope").await.status(), 404);
    assert_eq!(c.get("/people/sam?on=yesterday").await.status(), 400);
    // People who left are history only admins browse.
    let (status, j) = s
        .post_json(
            "/api/v1/units/squad/payments/members",
            &s.token_for("admin"),
            json!({"username": "omar", "role": "member", "since": "2025-01-01"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let admin = s.client();
    admin.login("admin", PASSWORD).await;
    let t = admin.csrf("/admin/users").await;
    admin
        .post_form("/admin/users/omar/disable", &[("csrf_token", &t)])
        .await;
    assert_eq!(c.get("/people/omar").await.status(), 404);
    assert_eq!(admin.get("/people/omar").await.status(), 200);
    // Their squad shows them among former members, without a link that would 404.
    let squad = c.get("/squads/payments").await.text().await.unwrap();
    let people = &squad[squad.find("<h2>People").unwrap()..squad.find("Former members").unwrap()];
    assert!(!people.contains("omar"), "not a current member: {people}");
    let former = &squad[squad.find("Former members").unwrap()..];
    assert!(
        former.contains("omar Testperson <span class=\"kind\">left the company"),
        "{former}"
    );
    assert!(!squad.contains("href=\"/people/omar\""));
    let (_, unit) = s
        .get_json("/api/v1/units/squad/payments", &s.token_for("admin"))
        .await;
    assert!(!unit["members"].to_string().contains("omar"), "{unit}");
    let token = s.token_for("sam");
    let (status, _) = s.get_json("/api/v1/people/omar", &token).await;
    assert_eq!(status, 404);
}

async fn seed_builds_a_valid_org_and_big_tribes_are_flagged(b: Backend) {
    let s = TestServer::start(b).await;
    let out = s.data.cli(&["seed", "--people", "160"], None);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains("seeded 160 people in 2 tribes"),
        "{}",
        out.stdout
    );
    s.data.add_user("admin", PASSWORD, true);
    let admin = s.token_for("admin");
    let (_, squads) = s.get_items("/api/v1/units?kind=squad", &admin).await;
    assert!(squads.as_array().unwrap().len() >= 13);
    let (_, trios) = s.get_items("/api/v1/units?kind=trio", &admin).await;
    assert_eq!(trios.as_array().unwrap().len(), 2, "a trio per tribe");
    let c = s.client();
    c.login("admin", PASSWORD).await;
    let health = c.get("/org/health").await.text().await.unwrap();
    assert!(
        !health.contains("Squads outside 6–12 people"),
        "seeded squads have 6–12 people"
    );
    assert!(!health.contains("Tribes over 150 people"));
    // Put every seeded person into the first tribe: it passes Dunbar's number.
    let (_, people) = s.get_items("/api/v1/people", &admin).await;
    let (_, tribes) = s.get_items("/api/v1/units?kind=tribe", &admin).await;
    let tribe = tribes[0]["slug"].as_str().unwrap().to_string();
    for p in people.as_array().unwrap() {
        let username = p["username"].as_str().unwrap();
        let (status, json) = s
            .post_json(
                &format!("/api/v1/units/tribe/{tribe}/members"),
                &admin,
                json!({"username": username}),
            )
            .await;
        assert!(status == 201 || status == 409, "{json}");
    }
    let health = c.get("/org/health").await.text().await.unwrap();
    assert!(
        health.contains("Tribes over 150 people"),
        "tribe-size warning shown"
    );
    assert!(
        health.contains("more than 150 (Dunbar&#39;s number)")
            || health.contains("more than 150 (Dunbar's number)")
    );
}

backend_tests!(
    enforced_rules_are_refused_with_the_rule_named,
    warnings_appear_on_pages_and_in_health,
    history_is_kept_across_moves_ends_and_renames,
    who_may_edit_what,
    api_shapes,
    forms_keep_input_and_show_errors_by_field,
    org_pages_render,
    seed_builds_a_valid_org_and_big_tribes_are_flagged,
);
