//! `fika backup` and `fika restore`: a snapshot taken while the server writes, restored into
//! the other backend and compared record by record; and the files a restore must refuse.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Backend, PNG, TestData, TestServer};

const DEMO_PASSWORD: &str = "fika-demo-2026";

/// The backend a backup is restored into: the other one, or SQLite again when no
/// PostgreSQL server is configured.
fn other(b: &Backend) -> Backend {
    match b {
        Backend::Sqlite => Backend::configured_postgres().unwrap_or(Backend::Sqlite),
        Backend::Postgres(_) => Backend::Sqlite,
    }
}

/// A backup's rows by table, read without fika's code. Timestamps are compared to the
/// microsecond, PostgreSQL's precision (SQLite keeps what diesel wrote, nanoseconds).
fn rows_of(path: &std::path::Path) -> BTreeMap<String, Vec<Value>> {
    let file = std::fs::File::open(path).expect("backup file");
    let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file));
    let mut tables: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut current: Option<(String, Vec<String>)> = None;
    let mut ended = false;
    for line in reader.lines() {
        let v: Value = serde_json::from_str(&line.expect("line")).expect("JSON line");
        if v.get("format").is_some() || v.get("file").is_some() {
            continue;
        }
        if v.get("end").is_some() {
            ended = true;
            continue;
        }
        if let (Some(t), Some(cols)) = (v.get("table"), v.get("columns")) {
            let stamps = cols
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["type"] == "timestamp")
                .map(|c| c["name"].as_str().unwrap().to_string())
                .collect();
            let name = t.as_str().unwrap().to_string();
            tables.insert(name.clone(), Vec::new());
            current = Some((name, stamps));
            continue;
        }
        let (table, stamps) = current.as_ref().expect("rows follow a table line");
        let mut row = v;
        for s in stamps {
            if let Some(text) = row[s].as_str() {
                row[s] = json!({ "micros": micros(text) });
            }
        }
        tables.get_mut(table).unwrap().push(row);
    }
    assert!(ended, "the backup has its end line");
    tables
}

fn micros(text: &str) -> i64 {
    let t = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("timestamp {text:?}: {e}"));
    t.and_utc().timestamp_nanos_opt().unwrap() / 1000
}

/// Equal, except that a timestamp may differ by the one microsecond PostgreSQL's rounding
/// of SQLite's nanoseconds can move it.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if let (Some(p), Some(q)) = (x.get("micros"), y.get("micros")) {
                return (p.as_i64().unwrap() - q.as_i64().unwrap()).abs() <= 1;
            }
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

async fn backup_while_writing_restores_into_the_other_backend(b: Backend) {
    let data = Arc::new(TestData::new(&b));
    std::fs::write(
        data.dir.path().join("synonyms.txt"),
        "# ours\nkanelbulle, cinnamon bun\n",
    )
    .unwrap();
    let s = TestServer::start_with(data.clone(), &["--demo"]).await;
    let token = s.token_for("alice");

    // An image: binary data lives in the database and must come back byte for byte.
    let c = s.client();
    c.login("alice", DEMO_PASSWORD).await;
    let t = c.csrf("/pages/new").await;
    let image_url = c.upload_image(PNG, "dot.png", &t).await;

    // Writers keep going before, during and after the backup.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, url, token) = (stop.clone(), s.url("/api/v1/lessons"), token.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut made: Vec<(i64, std::time::Instant)> = Vec::new();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let res = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"title": format!("Written during the backup {i}"), "body": "Kept or not, never half."}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201);
                let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
                made.push((id, std::time::Instant::now()));
                i += 1;
            }
            made
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let file = data.dir.path().join("site.fika");
    let started = std::time::Instant::now();
    let out = {
        let (data, file) = (data.clone(), file.clone());
        tokio::task::spawn_blocking(move || data.cli(&["backup", file.to_str().unwrap()], None))
            .await
            .unwrap()
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let made = writer.await.unwrap();
    assert!(out.success, "{}", out.stderr);
    assert!(out.stdout.contains("backed up"), "{}", out.stdout);
    assert!(
        made.iter().any(|(_, at)| *at > started) && made.iter().any(|(_, at)| *at < started),
        "writes went on around the backup"
    );
    assert!(
        !data.dir.path().join("site.fika.partial").exists(),
        "no partial file is left"
    );

    let backed_up = rows_of(&file);
    let lesson_ids: Vec<i64> = backed_up["lessons"]
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    // Every lesson answered before the backup began is in it; the snapshot holds each
    // lesson with its revision, never one without the other.
    for (id, at) in &made {
        if *at < started {
            assert!(lesson_ids.contains(id), "lesson {id} was written before");
        }
    }
    let revised: std::collections::BTreeSet<i64> = backed_up["lesson_revisions"]
        .iter()
        .map(|r| r["lesson_id"].as_i64().unwrap())
        .collect();
    assert!(lesson_ids.iter().all(|id| revised.contains(id)));
    assert_eq!(backed_up["images"].len(), 1);
    drop(s);

    // Into the other backend, then out again: the same records, every column.
    let target = Arc::new(TestData::new(&other(&b)));
    let out = target.cli(&["restore", file.to_str().unwrap()], None);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains("search index rebuilt"),
        "{}",
        out.stdout
    );
    let again = target.dir.path().join("again.fika");
    let out = target.cli(&["backup", again.to_str().unwrap()], None);
    assert!(out.success, "{}", out.stderr);
    let restored = rows_of(&again);
    assert_eq!(
        backed_up.keys().collect::<Vec<_>>(),
        restored.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &backed_up {
        assert_eq!(rows.len(), restored[table].len(), "rows of {table}");
        for (a, b) in rows.iter().zip(&restored[table]) {
            assert!(same(a, b), "a record of {table}:\n{a}\n{b}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(target.dir.path().join("synonyms.txt")).unwrap(),
        "# ours\nkanelbulle, cinnamon bun\n",
        "the admin's files come along"
    );

    // The restored site works as the old one did: same password, same image, searchable,
    // and new records get new ids.
    let r = TestServer::start_with(target.clone(), &[]).await;
    let c = r.client();
    c.login("alice", DEMO_PASSWORD).await;
    let img = c.get(&image_url).await;
    assert_eq!(img.status(), 200);
    assert_eq!(img.bytes().await.unwrap().as_ref(), PNG);
    let token = r.token_for("alice");
    let (_, lessons) = r.get_items("/api/v1/lessons", &token).await;
    assert_eq!(
        lessons.as_array().unwrap().len(),
        lesson_ids.len(),
        "the API sees the backup's lessons"
    );
    let (status, found) = r
        .get_json("/api/v1/search?q=written%20during%20the%20backup", &token)
        .await;
    assert_eq!(status, 200);
    assert!(
        found.to_string().contains("Written during the backup"),
        "the search index was rebuilt: {found}"
    );
    let (status, new) = r
        .post_json(
            "/api/v1/lessons",
            &token,
            json!({"title": "After the restore", "body": "A new id."}),
        )
        .await;
    assert_eq!(status, 201, "{new}");
    assert!(new["id"].as_i64().unwrap() > *lesson_ids.iter().max().unwrap());
}

async fn restore_refuses_what_it_cannot_take(b: Backend) {
    let source = TestData::new(&b);
    source.add_user("ada", "correct horse battery", true);
    let file = source.dir.path().join("one.fika");
    assert!(
        source
            .cli(&["backup", file.to_str().unwrap()], None)
            .success
    );
    let bytes = std::fs::read(&file).unwrap();

    let target = TestData::new(&b);
    target.add_user("grace", "correct horse battery", true);
    // Into a database that holds data: refused, and nothing changes.
    let out = target.cli(&["restore", file.to_str().unwrap()], None);
    assert!(!out.success);
    assert!(
        out.stderr
            .contains("the target is not empty (table people has 1 row)"),
        "{}",
        out.stderr
    );
    let out = target.cli(&["user", "token", "grace"], None);
    assert!(out.success, "grace is still there");
    assert!(!target.cli(&["user", "token", "ada"], None).success);

    let empty = TestData::new(&b);
    let write = |name: &str, bytes: &[u8]| {
        let p = empty.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().into_owned()
    };
    // Cut short: refused, and the target stays empty (the good file restores afterwards).
    let cut = write("cut.fika", &bytes[..bytes.len() / 2]);
    let out = empty.cli(&["restore", &cut], None);
    assert!(!out.success);
    assert!(
        out.stderr.contains("cut short") || out.stderr.contains("cannot be read"),
        "{}",
        out.stderr
    );
    // Not a backup at all.
    let text = write("notes.txt", b"hello\n");
    let out = empty.cli(&["restore", &text], None);
    assert!(!out.success);
    assert!(out.stderr.contains("not a fika backup"), "{}", out.stderr);
    // From a newer fika.
    let mut lines: Vec<String> =
        std::io::BufReader::new(flate2::read::MultiGzDecoder::new(bytes.as_slice()))
            .lines()
            .map(Result::unwrap)
            .collect();
    let mut header: Value = serde_json::from_str(&lines[0]).unwrap();
    header["schema"] = json!("29991231000000");
    lines[0] = header.to_string();
    let newer = write("newer.jsonl", (lines.join("\n") + "\n").as_bytes());
    let out = empty.cli(&["restore", &newer], None);
    assert!(!out.success);
    assert!(
        out.stderr.contains("taken by a newer fika"),
        "{}",
        out.stderr
    );

    let out = empty.cli(&["restore", file.to_str().unwrap()], None);
    assert!(out.success, "{}", out.stderr);
    assert!(out.stdout.contains("restored"), "{}", out.stdout);
    assert!(empty.cli(&["user", "token", "ada"], None).success);
}

backend_tests!(
    backup_while_writing_restores_into_the_other_backend,
    restore_refuses_what_it_cannot_take,
);
