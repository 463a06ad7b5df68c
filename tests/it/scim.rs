//! Provisioning with SCIM 2.0 as identity providers do it: Okta's and Entra ID's request
//! shapes (find by userName or externalId, create, PATCH, PUT, DELETE), people already in fika
//! matched rather than made twice, and a deactivation that ends sessions and tokens at once
//! while keeping what the person wrote. Then scim2-tester (scim2-cli from PyPI, written by
//! others) checks the whole of `/scim/v2` for compliance.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestData, TestServer};

const TOKEN: &str = "scim-test-token-0123456789abcdef0123456789";

async fn scim_server(data: Arc<TestData>) -> TestServer {
    let file = data.dir.path().join("scim-token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let path = file.display().to_string();
    TestServer::start_with(data, &["--scim-token-file", &path]).await
}

/// A SCIM request with the provider's token; the status and the JSON answer.
async fn scim(s: &TestServer, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = reqwest::Client::new()
        .request(method, s.url(&format!("/scim/v2{path}")))
        .bearer_auth(TOKEN);
    if let Some(body) = body {
        req = req
            .header("content-type", "application/scim+json")
            .body(body.to_string());
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    if status != 204 {
        let kind = res.headers()["content-type"].to_str().unwrap().to_string();
        assert_eq!(kind, "application/scim+json", "{path}");
    }
    (status, res.json().await.unwrap_or(Value::Null))
}

fn person(data: &TestData, username: &str) -> Option<(bool, String, Option<String>)> {
    use diesel::prelude::*;
    use fika::db::schema::people::dsl as p;
    p::people
        .filter(p::username.eq(username))
        .select((p::disabled, p::display_name, p::email))
        .first(&mut data.connect())
        .optional()
        .unwrap()
}

async fn okta_and_entra_provision_people(backend: Backend) {
    let data = Arc::new(TestData::new(&backend));
    data.add_user("admin", PASSWORD, true);
    let out = data.cli(
        &[
            "user",
            "add",
            "ben",
            "--name",
            "Ben",
            "--email",
            "Ben@Corp.example",
        ],
        Some(PASSWORD),
    );
    assert!(out.success, "{}", out.stderr);
    let out = data.cli(
        &[
            "user",
            "add",
            "jsmith",
            "--name",
            "John Smith",
            "--email",
            "john@corp.example",
        ],
        Some(PASSWORD),
    );
    assert!(out.success, "{}", out.stderr);
    let s = scim_server(data.clone()).await;

    // Only the provider's token opens /scim/v2; an API token does not.
    let res = reqwest::get(s.url("/scim/v2/Users")).await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let api = s.token_for("admin");
    assert_eq!(s.get_with_token("/scim/v2/Users", &api).await.status(), 401);

    // Okta: look for the user, then create it.
    let (status, found) = scim(
        &s,
        "GET",
        "/Users?filter=userName%20eq%20%22ana.lima%40corp.example%22&startIndex=1&count=100",
        None,
    )
    .await;
    assert_eq!(
        (status, found["totalResults"].clone()),
        (200, json!(0)),
        "{found}"
    );
    let okta_user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "ana.lima@corp.example",
        "name": {"givenName": "Ana", "familyName": "Lima"},
        "emails": [{"primary": true, "value": "ana.lima@corp.example", "type": "work"}],
        "displayName": "Ana Lima", "locale": "en-US", "externalId": "00u1ana",
        "groups": [], "password": "never-kept-1", "active": true
    });
    let (status, ana) = scim(&s, "POST", "/Users", Some(okta_user.clone())).await;
    assert_eq!(status, 201, "{ana}");
    assert_eq!(ana["userName"], "ana.lima@corp.example");
    assert_eq!(ana["name"]["givenName"], "Ana");
    assert!(ana.get("password").is_none());
    let (_, made, email) = person(&data, "ana.lima").expect("made with a username from userName");
    assert_eq!(
        (made.as_str(), email.as_deref()),
        ("Ana Lima", Some("ana.lima@corp.example"))
    );
    let mut again = okta_user.clone();
    again["userName"] = json!("ANA.LIMA@corp.example");
    let (status, err) = scim(&s, "POST", "/Users", Some(again)).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (409, Some("uniqueness")),
        "{err}"
    );

    // Someone added by hand is matched by e-mail, not made twice.
    let mut ben_user = okta_user.clone();
    ben_user["userName"] = json!("ben@corp.example");
    ben_user["displayName"] = json!("Ben Okafor");
    ben_user["emails"] = json!([{"primary": true, "value": "ben@corp.example", "type": "work"}]);
    ben_user["externalId"] = json!("00u1ben");
    let (status, ben) = scim(&s, "POST", "/Users", Some(ben_user.clone())).await;
    assert_eq!(status, 201, "{ben}");
    assert!(person(&data, "ben-2").is_none(), "no second Ben");
    assert_eq!(person(&data, "ben").unwrap().1, "Ben Okafor");
    let ben_id = ben["id"].as_str().unwrap().to_string();

    // The same username with another person's e-mail is another person: John stays John.
    let jane = json!({"userName": "jsmith", "displayName": "Jane Smith",
                      "emails": [{"primary": true, "value": "jane@corp.example"}]});
    let (status, made) = scim(&s, "POST", "/Users", Some(jane)).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        person(&data, "jsmith").unwrap().2.as_deref(),
        Some("john@corp.example")
    );
    assert_eq!(person(&data, "jsmith-2").unwrap().1, "Jane Smith");

    // Ben is signed in, has a token, and wrote a lesson; Okta deactivates him.
    let c = s.client();
    c.login("ben", PASSWORD).await;
    let token = s.token_for("ben");
    let (status, lesson) = s
        .post_json(
            "/api/v1/lessons",
            &token,
            json!({"title": "Ben's lesson on retries", "body": "Back off."}),
        )
        .await;
    assert_eq!(status, 201, "{lesson}");
    let deactivate = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                            "Operations": [{"op": "replace", "value": {"active": false}}]});
    let (status, ben) = scim(&s, "PATCH", &format!("/Users/{ben_id}"), Some(deactivate)).await;
    assert_eq!(
        (status, ben["active"].clone()),
        (200, json!(false)),
        "{ben}"
    );
    assert!(person(&data, "ben").unwrap().0, "disabled");
    assert_eq!(c.get("/account").await.status(), 303, "his session ended");
    assert_eq!(
        s.get_with_token("/api/v1/lessons", &token).await.status(),
        401,
        "his token ended"
    );
    let lesson_path = format!("/api/v1/lessons/{}", lesson["id"]);
    let (status, kept) = s.get_json(&lesson_path, &api).await;
    assert_eq!(
        (status, kept["title"].as_str()),
        (200, Some("Ben's lesson on retries"))
    );

    // Okta's PUT brings him back; his old token stays revoked.
    ben_user["active"] = json!(true);
    let (status, ben) = scim(&s, "PUT", &format!("/Users/{ben_id}"), Some(ben_user)).await;
    assert_eq!((status, ben["active"].clone()), (200, json!(true)), "{ben}");
    assert!(!person(&data, "ben").unwrap().0);
    assert_eq!(
        s.get_with_token("/api/v1/lessons", &token).await.status(),
        401
    );

    // Entra ID: externalId, its PATCH spellings, string booleans, filtered paths.
    let entra_user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": "8f2c-jdoe", "userName": "jdoe@contoso.com", "active": true,
        "displayName": "John Doe",
        "emails": [{"primary": true, "type": "work", "value": "jdoe@contoso.com"}],
        "name": {"formatted": "John Doe", "familyName": "Doe", "givenName": "John"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}
    });
    let (status, jdoe) = scim(&s, "POST", "/Users", Some(entra_user)).await;
    assert_eq!(status, 201, "{jdoe}");
    let (_, found) = scim(
        &s,
        "GET",
        "/Users?filter=externalId+eq+%228f2c-jdoe%22",
        None,
    )
    .await;
    assert_eq!(found["Resources"][0]["id"], jdoe["id"], "{found}");
    let jdoe_path = format!("/Users/{}", jdoe["id"].as_str().unwrap());
    let entra_patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "john.doe@contoso.com"},
        {"op": "Replace", "path": "displayName", "value": "Johnny Doe"},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "x"},
        {"op": "Replace", "path": "active", "value": "False"}
    ]});
    let (status, jdoe) = scim(&s, "PATCH", &jdoe_path, Some(entra_patch)).await;
    assert_eq!(status, 200, "{jdoe}");
    assert_eq!(jdoe["active"], json!(false));
    assert_eq!(jdoe["emails"][0]["value"], "john.doe@contoso.com");
    let (disabled, name, email) = person(&data, "jdoe").unwrap();
    assert!(disabled);
    assert_eq!(
        (name.as_str(), email.as_deref()),
        ("Johnny Doe", Some("john.doe@contoso.com"))
    );

    // Pages, and refusals in SCIM's words.
    let (_, page) = scim(&s, "GET", "/Users?startIndex=2&count=1", None).await;
    assert_eq!(
        (page["totalResults"].clone(), page["itemsPerPage"].clone()),
        (json!(4), json!(1))
    );
    // In the order of fika's people: Ben was there before Ana was made.
    assert_eq!(page["Resources"][0]["userName"], "ana.lima@corp.example");
    let (status, err) = scim(&s, "GET", "/Users?filter=title+sw+%22a%22", None).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidFilter"))
    );
    let bad = json!({"Operations": [{"op": "move", "path": "active"}]});
    let (status, err) = scim(&s, "PATCH", &jdoe_path, Some(bad)).await;
    assert_eq!(
        (status, err["schemas"][0].as_str()),
        (400, Some("urn:ietf:params:scim:api:messages:2.0:Error"))
    );
    let (status, _) = scim(
        &s,
        "POST",
        "/Users",
        Some(json!({"displayName": "no userName"})),
    )
    .await;
    assert_eq!(status, 400);

    // DELETE: the user is gone from SCIM; the person stays, disabled.
    let (status, _) = scim(&s, "DELETE", &jdoe_path, None).await;
    assert_eq!(status, 204);
    assert_eq!(scim(&s, "GET", &jdoe_path, None).await.0, 404);
    assert!(person(&data, "jdoe").unwrap().0);
}

/// scim2-tester's checks, run by `scim2 test`; every check must pass.
async fn scim2_tester_finds_nothing_wrong(backend: Backend) {
    let cmd = std::env::var("FIKA_TEST_SCIM2").unwrap_or_else(|_| {
        panic!("this test needs scim2-cli: set FIKA_TEST_SCIM2, e.g. with eval \"$(bash .ci/test-services start)\"")
    });
    let data = Arc::new(TestData::new(&backend));
    let s = scim_server(data).await;
    let out = tokio::process::Command::new(&cmd)
        .args(["--url", &s.url("/scim/v2"), "test", "--verbose"])
        .env("SCIM_CLI_HEADERS", format!("Authorization: Bearer {TOKEN}"))
        .output()
        .await
        .expect("run scim2");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    std::fs::write(
        crate::harness::artifacts_dir().join("scim2-test.txt"),
        &text,
    )
    .unwrap();
    assert!(out.status.success(), "scim2 test failed:\n{text}");
    assert!(!text.contains("ERROR"), "scim2 test found errors:\n{text}");
    assert!(text.contains("SUCCESS"), "scim2 test ran no check:\n{text}");
}

backend_tests!(
    okta_and_entra_provision_people,
    #[ignore = "needs scim2-cli: see README, Run the tests"]
    scim2_tester_finds_nothing_wrong,
);
