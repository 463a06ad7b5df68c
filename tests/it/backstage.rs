//! Backstage catalog import and export, from the CLI and the upload form.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_yaml_ng::Value;

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestData, TestServer};

const CATALOG: &str = include_str!("fixtures/catalog.yaml");

fn write(data: &TestData, name: &str, text: &str) -> String {
    let path = data.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// A membership as a person reads it: username, unit kind, unit slug, role, start, end.
type Row = (String, String, String, String, NaiveDate, Option<NaiveDate>);

/// Every membership in the database, current and past, sorted.
fn memberships(data: &TestData) -> Vec<Row> {
    use diesel::prelude::*;
    use fika::db::schema::{memberships, people, units};
    let mut rows: Vec<Row> = memberships::table
        .inner_join(people::table)
        .inner_join(units::table)
        .select((
            people::username,
            units::kind,
            units::slug,
            memberships::role,
            memberships::start_date,
            memberships::end_date,
        ))
        .load(&mut data.connect())
        .expect("memberships");
    rows.sort();
    rows
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn row(user: &str, kind: &str, slug: &str, role: &str, start: &str, end: Option<&str>) -> Row {
    (
        user.into(),
        kind.into(),
        slug.into(),
        role.into(),
        day(start),
        end.map(day),
    )
}

/// `fika export backstage --out FILE`; the file's text.
fn export(data: &TestData, name: &str) -> String {
    let path = data.dir.path().join(name);
    let out = data.cli(
        &["export", "backstage", "--out", path.to_str().unwrap()],
        None,
    );
    assert!(out.success, "{}", out.stderr);
    std::fs::read_to_string(path).unwrap()
}

/// The documents of a catalog, each checked against what Backstage's catalog schema
/// requires: every Group has `spec.type` (not empty) and `spec.children` (a list, maybe
/// empty), every User `spec.memberOf` (a list, maybe empty).
fn valid_catalog(yaml: &str) -> Vec<Value> {
    let mut docs = Vec::new();
    for de in serde_yaml_ng::Deserializer::from_str(yaml) {
        let doc = Value::deserialize(de).expect("YAML");
        if doc.is_null() {
            continue;
        }
        let name = format!("{:?}", doc["metadata"]["name"]);
        assert_eq!(
            doc["apiVersion"].as_str(),
            Some("backstage.io/v1alpha1"),
            "{name}"
        );
        match doc["kind"].as_str() {
            Some("Group") => {
                assert!(
                    doc["spec"]["type"].as_str().is_some_and(|t| !t.is_empty()),
                    "Group {name} has no spec.type"
                );
                assert!(
                    doc["spec"]["children"].is_sequence(),
                    "Group {name} has no spec.children"
                );
            }
            Some("User") => assert!(
                doc["spec"]["memberOf"].is_sequence(),
                "User {name} has no spec.memberOf"
            ),
            other => panic!("an export has only Groups and Users, not {other:?}"),
        }
        docs.push(doc);
    }
    docs
}

/// The document of `kind` named `name` (`ns/name` outside the default namespace).
fn entity<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    let (ns, name) = name.split_once('/').unwrap_or(("default", name));
    docs.iter()
        .find(|d| {
            d["kind"].as_str() == Some(kind)
                && d["metadata"]["name"].as_str() == Some(name)
                && d["metadata"]["namespace"].as_str().unwrap_or("default") == ns
        })
        .unwrap_or_else(|| panic!("no {kind} {ns}/{name}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_sequence()
        .unwrap_or_else(|| panic!("not a list: {v:?}"))
        .iter()
        .map(|s| s.as_str().expect("a string"))
        .collect()
}

fn annotation<'a>(doc: &'a Value, key: &str) -> Option<&'a str> {
    doc["metadata"]["annotations"][key].as_str()
}

/// Whether the output has a line that starts and ends so (file paths differ per run).
fn has_line(out: &str, start: &str, end: &str) -> bool {
    out.lines()
        .any(|l| l.starts_with(start) && l.ends_with(end))
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
    // The demo's export is what Backstage accepts, and keeps everyone's dates: its ended
    // memberships come back ended, current ones with the day they began.
    valid_catalog(&first.stdout);
    let before = memberships(&s.data);
    assert!(
        before.iter().any(|m| m.5.is_some()),
        "the demo has ended memberships"
    );
    assert_eq!(
        before,
        memberships(&other),
        "every membership, with its dates"
    );
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

/// An org whose units and people come from a Backstage import (a `department` mapped to a
/// tribe, a `team`, a user of another namespace) and whose history is added below.
const HISTORY_ORG: &str = "apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: department, children: [checkout, ledger]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: checkout}
spec: {type: team, parent: payments, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: ledger}
spec: {type: squad, parent: payments, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: backend
  annotations: {fika.dev/discipline: backend}
spec: {type: chapter, parent: payments, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest, namespace: development}
spec:
  profile: {displayName: Guest User}
  memberOf: [group:default/checkout]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ada}
spec: {profile: {displayName: Ada Lovelace}, memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: bea}
spec: {profile: {displayName: Bea Smith}, memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: cid}
spec: {profile: {displayName: Cid Jones}, memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: dan}
spec: {profile: {displayName: Dan Berg}, memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: eve}
spec: {profile: {displayName: Eve Holm}, memberOf: []}
";

/// Adds a membership through fika's own code (rules included), ended on `end` if given.
fn join(
    c: &mut fika::db::AnyConnection,
    user: &str,
    kind: fika::org::unit::UnitKind,
    slug: &str,
    role: fika::org::unit::Role,
    start: &str,
    end: Option<&str>,
) {
    use fika::org::unit_repo as units;
    let person_id = fika::people::repo::by_username(c, user).expect("person").id;
    let unit_id = units::unit(c, kind, slug).expect("unit").id;
    let m = units::add_membership(
        c,
        None,
        &units::NewMembership {
            person_id,
            unit_id,
            role,
            start_date: day(start),
        },
    )
    .expect("add membership");
    if let Some(end) = end {
        units::end_membership(c, None, m.id, day(end)).expect("end membership");
    }
}

async fn export_keeps_membership_history_through_a_round_trip(b: Backend) {
    use fika::org::unit::{Role, UnitKind};
    let data = TestData::new(&b);
    let file = write(&data, "org.yaml", HISTORY_ORG);
    let out = data.cli(
        &["import", "backstage", &file, "--map", "department=tribe"],
        None,
    );
    assert!(out.success, "{}", out.stderr);
    let mut c = data.connect();
    // Ended memberships, someone who came back to the same squad, two current roles in one
    // squad, a chapter lead who stepped down, a planned end and a planned start.
    let history = [
        (
            "ada",
            UnitKind::Squad,
            "checkout",
            Role::Member,
            "2024-02-01",
            Some("2025-06-30"),
        ),
        (
            "ada",
            UnitKind::Squad,
            "ledger",
            Role::Member,
            "2025-07-01",
            None,
        ),
        (
            "ada",
            UnitKind::Squad,
            "ledger",
            Role::ProductOwner,
            "2025-09-01",
            None,
        ),
        (
            "bea",
            UnitKind::Squad,
            "checkout",
            Role::Member,
            "2023-01-10",
            Some("2023-12-31"),
        ),
        (
            "bea",
            UnitKind::Squad,
            "checkout",
            Role::Member,
            "2024-03-15",
            None,
        ),
        (
            "cid",
            UnitKind::Chapter,
            "backend",
            Role::ChapterLead,
            "2024-05-01",
            Some("2025-01-31"),
        ),
        (
            "cid",
            UnitKind::Chapter,
            "backend",
            Role::Member,
            "2025-02-01",
            None,
        ),
        (
            "dan",
            UnitKind::Tribe,
            "payments",
            Role::Member,
            "2024-02-01",
            Some("2099-12-31"),
        ),
        (
            "eve",
            UnitKind::Squad,
            "checkout",
            Role::Member,
            "2099-01-01",
            None,
        ),
    ];
    for (user, kind, slug, role, start, end) in history {
        join(&mut c, user, kind, slug, role, start, end);
    }
    drop(c);
    let before = memberships(&data);
    assert_eq!(
        before.len(),
        10,
        "the nine above and the guest's: {before:#?}"
    );

    let first = export(&data, "first.yaml");
    let docs = valid_catalog(&first);
    let member_of = |name: &str| strings(&entity(&docs, "User", name)["spec"]["memberOf"]);
    assert_eq!(
        member_of("ada"),
        ["group:default/ledger"],
        "current groups only, once"
    );
    assert_eq!(
        member_of("dan"),
        ["group:default/payments"],
        "a planned end is current"
    );
    assert!(member_of("eve").is_empty(), "a planned start is not (yet)");
    // The whole catalog, in the order it is written: each entity's type as it came (a kind
    // annotation where the type does not say it), the namespaced guest with its username,
    // members now, and every membership with its dates. The guest joined through the
    // import, today.
    insta::with_settings!({filters => vec![(
        r"development/guest=member from \d{4}-\d\d-\d\d",
        "development/guest=member from [today]",
    )]}, {
        insta::assert_snapshot!("catalog_with_membership_history_as_backstage_yaml", first);
    });

    // Into an empty database, without --map: the same org, the same history.
    let other = TestData::new(&b);
    let file = write(&other, "first.yaml", &first);
    let out = other.cli(&["import", "backstage", &file], None);
    assert!(out.success, "{}", out.stderr);
    assert!(!out.stdout.contains("skipped"), "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .any(|l| l == "add ada to squad checkout as member from 2024-02-01 to 2025-06-30"),
        "{}",
        out.stdout
    );
    let after = memberships(&other);
    assert_eq!(before, after, "record by record, dates included");
    for expected in [
        row(
            "ada",
            "squad",
            "checkout",
            "member",
            "2024-02-01",
            Some("2025-06-30"),
        ),
        row(
            "ada",
            "squad",
            "ledger",
            "product owner",
            "2025-09-01",
            None,
        ),
        row(
            "bea",
            "squad",
            "checkout",
            "member",
            "2023-01-10",
            Some("2023-12-31"),
        ),
        row(
            "cid",
            "chapter",
            "backend",
            "chapter lead",
            "2024-05-01",
            Some("2025-01-31"),
        ),
        row(
            "dan",
            "tribe",
            "payments",
            "member",
            "2024-02-01",
            Some("2099-12-31"),
        ),
        row("eve", "squad", "checkout", "member", "2099-01-01", None),
    ] {
        assert!(after.contains(&expected), "{expected:?} not in {after:#?}");
    }
    let second = export(&other, "second.yaml");
    assert_eq!(first, second, "export → import → export is the same text");
    // Over the org it came from: nothing to do, history included.
    let file = write(&data, "first.yaml", &first);
    let out = data.cli(&["import", "backstage", &file], None);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains("import: made 0 changes"),
        "{}",
        out.stdout
    );
    assert_eq!(memberships(&data), before);
}

/// Backstage's own example org (`fixtures/backstage-example`, copied unchanged), all files.
fn example_files() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/fixtures/backstage-example");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("example dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 10, "{files:?}");
    files
}

async fn backstage_example_org_imports(b: Backend) {
    use diesel::prelude::*;
    use fika::db::schema::{people, units};
    let data = TestData::new(&b);
    let files = example_files();
    let import = |data: &TestData, map: &[&str], dry: bool| {
        let mut args = vec!["import", "backstage"];
        args.extend(files.iter().map(String::as_str));
        args.extend_from_slice(map);
        if dry {
            args.push("--dry-run");
        }
        data.cli(&args, None)
    };

    // Without a map nothing above the teams is a tribe: the report says so, team by team.
    let out = import(&data, &[], true);
    assert!(out.success, "the real catalog imports: {}", out.stderr);
    for (team, parent) in [("team-a", "backstage"), ("team-c", "boxoffice")] {
        assert!(
            has_line(
                &out.stdout,
                &format!("skipped: parent {parent} of {team} ("),
                &format!(
                    "): a skipped \"sub-department\" group, not a tribe, and no group above it is a tribe; {team} belongs to no tribe"
                ),
            ),
            "{}",
            out.stdout
        );
    }
    assert!(
        out.stdout.contains("use --map department=KIND"),
        "{}",
        out.stdout
    );

    // What a user would pass: departments are tribes.
    let map = ["--map", "department=tribe"];
    let out = import(&data, &map, false);
    assert!(out.success, "{}", out.stderr);
    let made = &out.stdout;
    for line in [
        "create person guest",
        "create person development-guest",
        "create tribe infrastructure",
        "create squad team-a",
        "create squad team-e",
        "add development-guest to squad team-a as member",
        "skipped: 2 entities of other kinds (Component, API, …)",
    ] {
        assert!(made.lines().any(|l| l == line), "{line:?} not in:\n{made}");
    }
    // Every group that does not fit fika's model has its line.
    for (group, type_) in [
        ("acme-corp", "organization"),
        ("backstage", "sub-department"),
        ("boxoffice", "sub-department"),
    ] {
        assert!(
            has_line(
                made,
                &format!("skipped: group {group} ("),
                &format!("): type \"{type_}\" is not mapped; use --map {type_}=KIND"),
            ),
            "{group}: {made}"
        );
    }
    for (team, parent) in [
        ("team-a", "backstage"),
        ("team-b", "backstage"),
        ("team-c", "boxoffice"),
        ("team-d", "boxoffice"),
        // Only its own spec.parent links team-e: boxoffice does not list it.
        ("team-e", "boxoffice"),
    ] {
        assert!(
            has_line(
                made,
                &format!("skipped: parent {parent} of {team} ("),
                "): a skipped \"sub-department\" group, not a tribe; placed in tribe infrastructure, its nearest tribe ancestor",
            ),
            "{team}: {made}"
        );
    }
    assert!(
        has_line(
            made,
            "skipped: parent acme-corp of infrastructure (",
            "): a skipped \"organization\" group; a tribe belongs to no other group in fika, so the link is not kept",
        ),
        "{made}"
    );

    // Two guests, two people; the one from `development` keeps their entity ref.
    let mut c = data.connect();
    let guests: Vec<(String, String)> = people::table
        .filter(people::username.like("%guest%"))
        .order(people::username.asc())
        .select((people::username, people::backstage_ref))
        .load(&mut c)
        .expect("guests");
    assert_eq!(
        guests,
        [
            (
                "development-guest".to_string(),
                "user:development/guest".to_string()
            ),
            ("guest".to_string(), String::new()),
        ]
    );
    let tribe: i64 = units::table
        .filter(units::kind.eq("tribe"))
        .filter(units::slug.eq("infrastructure"))
        .select(units::id)
        .first(&mut c)
        .expect("tribe");
    let squads: Vec<(String, Option<i64>, String)> = units::table
        .filter(units::kind.eq("squad"))
        .order(units::slug.asc())
        .select((units::slug, units::tribe_id, units::backstage_type))
        .load(&mut c)
        .expect("squads");
    assert_eq!(squads.len(), 5, "{squads:?}");
    for (slug, tribe_id, type_) in &squads {
        assert_eq!(
            *tribe_id,
            Some(tribe),
            "{slug} is in its nearest tribe ancestor"
        );
        assert_eq!(type_, "team", "{slug} keeps its type");
    }
    drop(c);
    let team_a: Vec<String> = memberships(&data)
        .into_iter()
        .filter(|m| m.2 == "team-a")
        .map(|m| m.0)
        .collect();
    assert_eq!(
        team_a,
        [
            "breanna.davison",
            "development-guest",
            "guest",
            "janelle.dawe",
            "nigel.manning"
        ]
    );

    // Idempotent: the same files again change nothing.
    let out = import(&data, &map, false);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains("import: made 0 changes"),
        "{}",
        out.stdout
    );

    // The export gives Backstage back its entities, types and namespaces, and imports into
    // an empty fika without a map.
    let first = export(&data, "first.yaml");
    let docs = valid_catalog(&first);
    let guest = entity(&docs, "User", "development/guest");
    assert_eq!(
        annotation(guest, "fika.dev/username"),
        Some("development-guest")
    );
    assert_eq!(
        strings(&guest["spec"]["memberOf"]),
        ["group:default/team-a"]
    );
    let team_a = entity(&docs, "Group", "team-a");
    assert_eq!(team_a["spec"]["type"].as_str(), Some("team"));
    assert_eq!(
        team_a["spec"]["parent"].as_str(),
        Some("group:default/infrastructure")
    );
    assert!(strings(&team_a["spec"]["members"]).contains(&"user:development/guest"));
    let infra = entity(&docs, "Group", "infrastructure");
    assert_eq!(infra["spec"]["type"].as_str(), Some("department"));
    assert_eq!(annotation(infra, "fika.dev/kind"), Some("tribe"));
    assert_eq!(strings(&infra["spec"]["children"]).len(), 5);
    let other = TestData::new(&b);
    let file = write(&other, "first.yaml", &first);
    let out = other.cli(&["import", "backstage", &file], None);
    assert!(out.success, "{}", out.stderr);
    assert!(!out.stdout.contains("skipped"), "{}", out.stdout);
    assert_eq!(first, export(&other, "second.yaml"));
}

async fn namespaces_keep_people_and_groups_apart(b: Backend) {
    use diesel::prelude::*;
    use fika::db::schema::people;
    let data = TestData::new(&b);
    // A default-namespace user whose name is what `guest` of `development` would get.
    let yaml = "apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a, namespace: development}
spec: {type: team, children: [], members: [guest]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest, namespace: development}
spec: {profile: {displayName: Dev Guest}, memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: development-guest}
spec: {profile: {displayName: Default Guest}, memberOf: [team-a]}
";
    let file = write(&data, "ns.yaml", yaml);
    let out = data.cli(&["import", "backstage", &file], None);
    assert!(out.success, "{}", out.stderr);
    for line in [
        "create person development-guest",
        "create person development-guest-2",
        "create squad team-a",
        "create squad development-team-a",
        "add development-guest to squad team-a as member",
        "add development-guest-2 to squad development-team-a as member",
    ] {
        assert!(
            out.stdout.lines().any(|l| l == line),
            "{line:?} not in:\n{}",
            out.stdout
        );
    }
    let refs = |data: &TestData| -> Vec<(String, String, String)> {
        people::table
            .order(people::username.asc())
            .select((
                people::username,
                people::display_name,
                people::backstage_ref,
            ))
            .load(&mut data.connect())
            .expect("people")
    };
    let expected = [
        (
            "development-guest".to_string(),
            "Default Guest".to_string(),
            String::new(),
        ),
        (
            "development-guest-2".to_string(),
            "Dev Guest".to_string(),
            "user:development/guest".to_string(),
        ),
    ];
    assert_eq!(refs(&data), expected);
    let out = data.cli(&["import", "backstage", &file], None);
    assert!(
        out.stdout.contains("import: made 0 changes"),
        "found again by their refs: {}",
        out.stdout
    );

    let first = export(&data, "first.yaml");
    let docs = valid_catalog(&first);
    let dev_a = entity(&docs, "Group", "development/team-a");
    assert_eq!(
        annotation(dev_a, "fika.dev/slug"),
        Some("development-team-a")
    );
    assert_eq!(
        strings(&dev_a["spec"]["members"]),
        ["user:development/guest"]
    );
    let guest = entity(&docs, "User", "development/guest");
    assert_eq!(
        annotation(guest, "fika.dev/username"),
        Some("development-guest-2")
    );
    // A fresh fika makes the same people of it, whatever order it meets them in.
    let other = TestData::new(&b);
    let file = write(&other, "first.yaml", &first);
    let out = other.cli(&["import", "backstage", &file], None);
    assert!(out.success, "{}", out.stderr);
    assert_eq!(refs(&other), expected);
    assert_eq!(first, export(&other, "second.yaml"));
}

backend_tests!(
    export_keeps_membership_history_through_a_round_trip,
    backstage_example_org_imports,
    namespaces_keep_people_and_groups_apart,
    import_reconciles_both_directions_and_is_idempotent,
    a_bad_document_rolls_back_everything,
    export_round_trips,
    upload_form,
    parents_that_are_not_tribes_are_passed_over,
);
