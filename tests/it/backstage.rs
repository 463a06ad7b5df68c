//! Backstage catalog import and export, from the CLI and the upload form.

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestData, TestServer};

const CATALOG: &str = include_str!("fixtures/catalog.yaml");

fn write(data: &TestData, name: &str, text: &str) -> String {
    let path = data.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

async fn import_reconciles_both_directions_and_is_idempotent(b: Backend) {
    let data = TestData::new(&b);
    let file = write(&data, "catalog.yaml", CATALOG);

    // A dry run reports and changes nothing.
    let out = data.cli(&["import", "backstage", &file, "--dry-run"], None);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains("create squad checkout"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("dry run: would make"), "{}", out.stdout);
    assert!(
        out.stdout.contains("skipped: group finance-dept"),
        "unmapped types are reported"
    );
    assert!(out.stdout.contains("--map department=KIND"));
    let again = data.cli(&["import", "backstage", &file, "--dry-run"], None);
    assert_eq!(out.stdout, again.stdout, "the dry run changed nothing");

    let out = data.cli(&["import", "backstage", &file], None);
    assert!(out.success, "{}", out.stderr);
    assert!(out.stdout.contains("import: made"));
    let out = data.cli(&["import", "backstage", &file], None);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains("import: made 0 changes"),
        "idempotent: {}",
        out.stdout
    );

    let s = TestServer::start_with(std::sync::Arc::new(data), &[]).await;
    s.data.add_user("admin", PASSWORD, true);
    let token = s.token_for("admin");
    let (_, checkout) = s.get_json("/api/v1/units/squad/checkout", &token).await;
    assert_eq!(
        checkout["tribe"], "payments-tribe",
        "from the tribe's children"
    );
    assert_eq!(checkout["name"], "Checkout");
    assert_eq!(checkout["mission"], "One-click checkout.");
    assert_eq!(checkout["links"][0]["url"], "https://git.example/checkout");
    let members: Vec<&str> = checkout["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    assert_eq!(members, vec!["ada", "bea"]);
    let (_, ledger) = s.get_json("/api/v1/units/squad/ledger", &token).await;
    assert_eq!(ledger["tribe"], "payments-tribe", "from the squad's parent");
    assert_eq!(
        ledger["members"][0]["username"], "ada",
        "from the user's memberOf"
    );
    let (_, chapter) = s
        .get_json("/api/v1/units/chapter/payments-backend", &token)
        .await;
    assert_eq!(chapter["tribe"], "payments-tribe");
    let (_, ada) = s.get_json("/api/v1/people/ada", &token).await;
    assert_eq!(ada["name"], "Ada Lovelace");
    assert_eq!(ada["email"], "ada@example.com");
    let (status, cid) = s.get_json("/api/v1/people/cid", &token).await;
    assert_eq!(
        status, 200,
        "members of skipped groups are still people: {cid}"
    );

    // A changed file updates in place: bea leaves checkout, a name changes, a squad moves.
    let changed = CATALOG
        .replace(
            "members: [user:default/ada, bea]",
            "members: [user:default/ada]",
        )
        .replace("displayName: Ledger", "displayName: General Ledger")
        .replace("children: [group:default/checkout]", "children: []");
    let file2 = write(&s.data, "changed.yaml", &changed);
    let out = s.data.cli(
        &["import", "backstage", &file2, "--map", "department=guild"],
        None,
    );
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains("end bea in squad checkout"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("update squad ledger"), "{}", out.stdout);
    assert!(
        out.stdout.contains("create guild finance-dept"),
        "mapped now: {}",
        out.stdout
    );
    let (_, checkout) = s.get_json("/api/v1/units/squad/checkout", &token).await;
    assert_eq!(checkout["tribe"], serde_json::Value::Null);
    assert_eq!(checkout["members"].as_array().unwrap().len(), 1);
    let (_, bea) = s.get_json("/api/v1/people/bea", &token).await;
    assert!(
        bea["memberships"][0]["until"].is_string(),
        "history kept: {bea}"
    );

    // Roles named in the file replace the ones it named before.
    let promoted = changed.replace(
        "  name: checkout\n",
        "  name: checkout\n  annotations:\n    fika.dev/roles: ada=product owner\n",
    );
    let file3 = write(&s.data, "promoted.yaml", &promoted);
    let out = s.data.cli(
        &["import", "backstage", &file3, "--map", "department=guild"],
        None,
    );
    assert!(
        out.stdout
            .contains("add ada to squad checkout as product owner"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("end ada as member in squad checkout"),
        "{}",
        out.stdout
    );
    let (_, checkout) = s.get_json("/api/v1/units/squad/checkout", &token).await;
    assert_eq!(checkout["members"][0]["role"], "product owner");
    assert_eq!(checkout["members"].as_array().unwrap().len(), 1);

    // A unit renamed in fika is still the same unit on the next import.
    let c = s.client();
    c.login("admin", PASSWORD).await;
    let t = c.csrf("/squads/ledger").await;
    let res = c
        .post_form(
            "/squads/ledger/edit",
            &[
                ("csrf_token", &t),
                ("name", "General Ledger"),
                ("slug", "gl"),
                ("tribe", "payments-tribe"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let out = s.data.cli(
        &["import", "backstage", &file3, "--map", "department=guild"],
        None,
    );
    assert!(out.success, "{}", out.stderr);
    assert!(
        !out.stdout.contains("create squad ledger"),
        "no duplicate: {}",
        out.stdout
    );
    let res = c.get("/squads/ledger").await;
    assert_eq!(
        res.status(),
        301,
        "the old slug still redirects to the one squad"
    );
}

async fn parents_that_are_not_tribes_are_passed_over(b: Backend) {
    let data = TestData::new(&b);
    let yaml = "apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: engineering}
spec: {type: department, children: [web]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: web}
spec: {type: team, parent: group:default/engineering, members: [zoe]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: api}
spec: {type: team, parent: somewhere-else}
";
    let file = write(&data, "depts.yaml", yaml);
    let out = data.cli(&["import", "backstage", &file], None);
    assert!(
        out.success,
        "a department parent is no error: {}",
        out.stderr
    );
    assert!(out.stdout.contains("create squad web"));
    assert!(
        out.stdout.contains("create person zoe"),
        "members without User documents are people"
    );
    assert!(
        out.stdout.contains("skipped: parent somewhere-else of api"),
        "{}",
        out.stdout
    );
}

async fn a_bad_document_rolls_back_everything(b: Backend) {
    let data = TestData::new(&b);
    // Document 4 is a chapter whose tribe does not exist: nothing of the file may land.
    let bad = format!(
        "{CATALOG}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {{name: lost}}\nspec: {{type: chapter, parent: nowhere}}\n"
    );
    let file = write(&data, "bad.yaml", &bad);
    let out = data.cli(&["import", "backstage", &file], None);
    assert!(!out.success);
    assert!(
        out.stderr.contains("bad.yaml, document 10"),
        "names file and document: {}",
        out.stderr
    );
    let out = data.cli(&["export", "backstage"], None);
    assert!(out.success, "{}", out.stderr);
    assert!(
        !out.stdout.contains("checkout"),
        "rolled back: {}",
        out.stdout
    );
    assert!(!out.stdout.contains("kind: User"), "not even the people");
    // Malformed YAML is named the same way.
    let file = write(
        &data,
        "broken.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: [\n",
    );
    let out = data.cli(&["import", "backstage", &file], None);
    assert!(!out.success);
    assert!(
        out.stderr.contains("broken.yaml, document 1"),
        "{}",
        out.stderr
    );
}

async fn export_round_trips(b: Backend) {
    let data = TestData::new(&b);
    let s = TestServer::start_with(std::sync::Arc::new(data), &["--demo"]).await;
    let first = s.data.cli(&["export", "backstage"], None);
    assert!(first.success, "{}", first.stderr);
    assert!(first.stdout.contains("fika.dev/roles"));
    let file = write(&s.data, "export.yaml", &first.stdout);
    // Into an empty database, and out again: the same catalog.
    let other = TestData::new(&Backend::Sqlite);
    let out = other.cli(&["import", "backstage", &file], None);
    assert!(out.success, "{}", out.stderr);
    let out_file = other.dir.path().join("again.yaml");
    let out = other.cli(
        &["export", "backstage", "--out", out_file.to_str().unwrap()],
        None,
    );
    assert!(out.success, "{}", out.stderr);
    let second = std::fs::read_to_string(out_file).unwrap();
    assert_eq!(first.stdout, second, "export → import → export is stable");
    // And importing it over the org it came from changes nothing.
    let out = s.data.cli(&["import", "backstage", &file], None);
    assert!(
        out.stdout.contains("import: made 0 changes"),
        "{}",
        out.stdout
    );
}

async fn upload_form(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    s.data.add_user("member", PASSWORD, false);
    let member = s.client();
    member.login("member", PASSWORD).await;
    assert_eq!(member.get("/admin/import").await.status(), 403);

    let admin = s.client();
    admin.login("admin", PASSWORD).await;
    let token = admin.csrf("/admin/import").await;
    let send = |dry: bool, with_token: bool| {
        let mut form = reqwest::multipart::Form::new();
        if with_token {
            form = form.text("csrf_token", token.clone());
        }
        form = form
            .part(
                "files",
                reqwest::multipart::Part::bytes(CATALOG.as_bytes().to_vec())
                    .file_name("catalog.yaml"),
            )
            .text("yaml", "")
            .text("map", "department=guild");
        if dry {
            form = form.text("dry_run", "1");
        }
        admin
            .http
            .post(s.url("/admin/import"))
            .multipart(form)
            .send()
    };
    assert_eq!(
        send(false, false).await.unwrap().status(),
        403,
        "CSRF on uploads too"
    );
    // The old way (a token in the query string) is not accepted.
    let form = reqwest::multipart::Form::new().text("yaml", CATALOG);
    let res = admin
        .http
        .post(s.url(&format!("/admin/import?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A multipart body anywhere else is refused for want of a token.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .text("name", "x");
    let res = admin
        .http
        .post(s.url("/account/tokens"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = send(true, true).await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("Preview: nothing was changed"));
    assert!(body.contains("create guild finance-dept"));
    assert_eq!(
        admin.get("/squads/checkout").await.status(),
        404,
        "the preview changed nothing"
    );
    let res = send(false, true).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Imported"));
    assert_eq!(admin.get("/squads/checkout").await.status(), 200);
    // A bad paste is refused with the input kept.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .text("yaml", "kind: Group\napiVersion: v9\nmetadata: {name: x}\n")
        .text("map", "oops");
    let res = admin
        .http
        .post(s.url("/admin/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("write TYPE=KIND"), "{body}");
    assert!(body.contains("apiVersion: v9"), "the pasted YAML is kept");
}

backend_tests!(
    import_reconciles_both_directions_and_is_idempotent,
    a_bad_document_rolls_back_everything,
    export_round_trips,
    upload_form,
    parents_that_are_not_tribes_are_passed_over,
);
