//! The API described and held to it: `/api/v1/openapi.json` names every `/api/v1` route the
//! code registers, `/api` reads it as a page, an unknown query parameter is a 400 naming it
//! and a wrong method a 405 with `Allow`. Then tools no one here wrote check the document
//! (openapi-spec-validator) and a live demo server against it (schemathesis: no 5xx, no
//! answer the document does not describe).

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;

use crate::backend_tests;
use crate::harness::{Backend, TestData, TestServer, artifacts_dir};

/// (METHOD, path) of every `/api/v1` route in `src/`, read from the `configure` functions.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // `.route("/api/v1/…", web::get()…`, the path and method maybe on lines of their own.
            let compact: String = text.split_whitespace().collect::<Vec<_>>().join("");
            for part in compact.split(".route(\"/api/v1").skip(1) {
                let Some((rest, after)) = part.split_once('"') else {
                    continue;
                };
                let Some(method) = after
                    .strip_prefix(",web::")
                    .and_then(|m| m.split('(').next())
                else {
                    continue;
                };
                found.insert((method.to_uppercase(), format!("/api/v1{rest}")));
            }
        }
    }
    found
}

async fn the_api_is_described_and_held_to_it(backend: Backend) {
    let data = Arc::new(TestData::new(&backend));
    data.add_user("ana", crate::harness::PASSWORD, false);
    let s = TestServer::start_with(data, &[]).await;

    // Anyone may read the description; it is OpenAPI 3.1 and names every route.
    let doc: Value = reqwest::get(s.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let described: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let routes = routes_in_source();
    assert!(routes.len() >= 30, "the routes were read: {routes:?}");
    let missing: Vec<_> = routes
        .difference(&described)
        .filter(|(_, path)| path != "/api/v1/openapi.json")
        .collect();
    assert!(
        missing.is_empty(),
        "routes the description does not name: {missing:?}"
    );
    let page = reqwest::get(s.url("/api"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/api/v1/experiments/sample-size") && page.contains("ExperimentJson"));

    // Held to it: an unknown parameter, a wrong method.
    let token = s.token_for("ana");
    let (status, j) = s
        .get_json("/api/v1/lessons?tagg=retries&limit=5", &token)
        .await;
    assert_eq!(status, 400, "{j}");
    assert_eq!(j["code"], "bad_request");
    let said = j["error"].as_str().unwrap();
    assert!(
        said.contains("tagg") && said.contains("tag"),
        "names it and what is taken: {said}"
    );
    assert_eq!(
        s.get_json("/api/v1/lessons?tag=retries&limit=5", &token)
            .await
            .0,
        200
    );
    let res = reqwest::Client::new()
        .put(s.url("/api/v1/experiments/stats"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, HEAD");
    let res = reqwest::Client::new()
        .delete(s.url("/api/v1/lessons"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            res.status().as_u16(),
            res.headers()["allow"].to_str().unwrap()
        ),
        (405, "GET, HEAD, POST")
    );
}

/// openapi-spec-validator on the document, and schemathesis against a demo server with a
/// token: no failure of any check but "schema-valid data is accepted", which a document
/// cannot promise for rules only the server knows (a hypothesis needs every part).
async fn tools_find_nothing_wrong(backend: Backend) {
    let bin = std::env::var("FIKA_TEST_OPENAPI_BIN").unwrap_or_else(|_| {
        panic!("this test needs openapi-spec-validator and schemathesis: set FIKA_TEST_OPENAPI_BIN, e.g. with eval \"$(bash .ci/test-services start)\"")
    });
    let data = Arc::new(TestData::new(&backend));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let token = s.token_for("alice");
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("openapi.json");
    let text = reqwest::get(s.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    std::fs::write(&doc, &text).unwrap();
    let out = tokio::process::Command::new(format!("{bin}/openapi-spec-validator"))
        .arg(&doc)
        .output()
        .await
        .expect("run openapi-spec-validator");
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && said.contains("OK"),
        "openapi-spec-validator:\n{said}"
    );

    let out = tokio::process::Command::new(format!("{bin}/schemathesis"))
        .args(["run", &s.url("/api/v1/openapi.json")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args(["--max-examples", "25", "--seed", "20261204", "--no-color"])
        .current_dir(dir.path())
        .output()
        .await
        .expect("run schemathesis");
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    std::fs::write(artifacts_dir().join("schemathesis.txt"), &said).unwrap();
    assert!(out.status.success(), "schemathesis found failures:\n{said}");
    // "Selected: 34/34" and "Tested: 34": every operation the document describes was tried.
    let count = |label: &str| {
        let rest = said.split(label).nth(1)?;
        rest.split_whitespace()
            .next()?
            .split('/')
            .next()
            .map(str::to_string)
    };
    let described = doc_operations(&text).to_string();
    assert_eq!(count("Selected:").as_ref(), Some(&described), "{said}");
    assert_eq!(count("Tested:").as_ref(), Some(&described), "{said}");
    assert!(
        said.contains("passed") && !said.contains("Failures:"),
        "{said}"
    );
}

/// How many operations a document describes.
fn doc_operations(text: &str) -> usize {
    let doc: Value = serde_json::from_str(text).unwrap();
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum()
}

backend_tests!(
    the_api_is_described_and_held_to_it,
    #[ignore = "needs openapi-spec-validator and schemathesis: see README, Run the tests"]
    tools_find_nothing_wrong,
);
