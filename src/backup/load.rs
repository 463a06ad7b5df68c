//! Restoring a backup into an empty database of either backend. The schema is first built
//! exactly as the backup's (so its columns are the ones the rows were written for), the rows
//! go in in one transaction — a damaged or cut-short file changes nothing — and only then do
//! the newer migrations run, with their data repairs, as after any upgrade.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;

use diesel::Connection;
use serde_json::{Map, Value};

use super::catalog::{self, Table};
use super::{
    ColType, DATA_DIR_FILES, DataFile, End, FORMAT, FORMAT_VERSION, Header, Progress, SEEDED,
    Summary, TABLES, TableStart, message,
};
use crate::db::AnyConnection;
use crate::error::AppError;

/// Rows per insert statement, and the most JSON text one statement carries.
const BATCH_ROWS: usize = 1000;
const BATCH_BYTES: usize = 8 << 20;

/// What a restore did beyond the rows.
#[derive(Debug, Clone, Default)]
pub struct Restored {
    pub summary: Summary,
    /// Migrations applied after the rows, when the backup came from an older fika.
    pub upgraded: usize,
    /// The admin's files that were already in the data dir and were left as they are.
    pub kept_files: Vec<String>,
}

/// Reads a backup from `input` into the database behind `conn`, which must hold no data.
pub fn restore(
    conn: &mut AnyConnection,
    data_dir: &Path,
    input: &mut dyn BufRead,
    progress: Progress,
) -> Result<Restored, String> {
    let mut lines = Lines::new(input);
    let header = lines.header()?;
    check_header(&header)?;
    prepare_target(conn, &header.schema)?;

    let total: u64 = header.tables.iter().map(|t| t.rows).sum();
    let mut files: Vec<DataFile> = Vec::new();
    let summary = conn
        .transaction::<_, AppError, _>(|c| {
            // The rows the migrations put in (default catalogue, a new site id) give way to
            // the backup's.
            for t in SEEDED.iter().rev() {
                catalog::execute_plain(c, &format!("DELETE FROM {t}"))?;
            }
            load_sections(c, &header, &mut lines, &mut files, total, progress)
        })
        .map_err(message)?;
    let upgraded = crate::db::run_migrations(conn)?;
    let mut kept_files = Vec::new();
    for f in &files {
        let path = data_dir.join(&f.file);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == f.text => {}
            Ok(_) => kept_files.push(f.file.clone()),
            Err(_) => std::fs::write(&path, &f.text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        }
    }
    Ok(Restored {
        summary,
        upgraded,
        kept_files,
    })
}

fn check_header(h: &Header) -> Result<(), String> {
    if h.format != FORMAT {
        return Err("this file is not a fika backup".into());
    }
    if h.version > FORMAT_VERSION {
        return Err(format!(
            "this backup is in format {} and this fika reads format {FORMAT_VERSION}: restore it with a newer fika",
            h.version
        ));
    }
    let latest = crate::db::latest_version()?;
    if h.schema > latest {
        return Err(format!(
            "this backup was taken by a newer fika (database schema {}, fika {}); this fika knows schemas up to {latest}: restore it with fika {} or newer",
            h.schema, h.fika_version, h.fika_version
        ));
    }
    if !crate::db::knows_version(&h.schema)? {
        return Err(format!(
            "this backup's database schema {} is not one this fika knows",
            h.schema
        ));
    }
    Ok(())
}

/// Builds the backup's schema in the target and checks that the target holds no data.
fn prepare_target(conn: &mut AnyConnection, schema: &str) -> Result<(), String> {
    if let Some(current) = crate::db::applied_version(conn)?
        && current.as_str() > schema
    {
        return Err(format!(
            "the target database already has schema {current}, newer than the backup's {schema}: \
             restore into a new, empty database (fika brings it up to date after the restore)"
        ));
    }
    crate::db::migrate_until(conn, Some(schema))?;
    for t in TABLES.iter().filter(|t| !SEEDED.contains(t)) {
        let n = catalog::count(conn, t).map_err(message)?;
        if n > 0 {
            return Err(format!(
                "the target is not empty (table {t} has {n} row{}): restore only into an empty data dir or database, so that nothing is overwritten",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    Ok(())
}

fn load_sections(
    c: &mut AnyConnection,
    header: &Header,
    lines: &mut Lines<'_>,
    files: &mut Vec<DataFile>,
    total: u64,
    progress: Progress,
) -> Result<Summary, AppError> {
    let sqlite = c.is_sqlite();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut done = 0u64;
    progress(done, total);
    loop {
        let Some(line) = lines.next_value()? else {
            return Err(bad(format!(
                "the backup ends early{}: it was cut short, and nothing was restored",
                seen.last()
                    .map(|t| format!(" (after table {t})"))
                    .unwrap_or_default()
            )));
        };
        if line.get("end").is_some() {
            let end: End = serde_json::from_value(line).map_err(|e| bad(e.to_string()))?;
            let missing: Vec<&str> = header
                .tables
                .iter()
                .map(|t| t.name.as_str())
                .filter(|t| !seen.contains(*t))
                .collect();
            if !missing.is_empty() || end.rows != done {
                return Err(bad(format!(
                    "the backup is incomplete ({done} of {} rows; missing tables: {}): nothing was restored",
                    end.rows,
                    missing.join(", ")
                )));
            }
            return Ok(Summary {
                schema: header.schema.clone(),
                tables: seen.len(),
                rows: done,
                files: files.iter().map(|f| f.file.clone()).collect(),
            });
        }
        if line.get("file").is_some() {
            let f: DataFile = serde_json::from_value(line).map_err(|e| bad(e.to_string()))?;
            // Only the known names: a file name from a backup never becomes a path of its own.
            if DATA_DIR_FILES.contains(&f.file.as_str()) {
                files.push(f);
            }
            continue;
        }
        let start: TableStart =
            serde_json::from_value(line).map_err(|e| bad(format!("line {}: {e}", lines.number)))?;
        if !TABLES.contains(&start.table.as_str()) || !seen.insert(start.table.clone()) {
            return Err(bad(format!(
                "line {}: table {} is unknown or comes twice",
                lines.number, start.table
            )));
        }
        let t = catalog::table(c, &start.table)?;
        check_columns(&t, &start)?;
        load_table(c, sqlite, &t, start.rows, lines, &mut |n| {
            done += n;
            progress(done, total);
        })?;
    }
}

/// The backup's columns must be the target's: both are at the same schema version.
fn check_columns(t: &Table, start: &TableStart) -> Result<(), AppError> {
    let mut ours: Vec<_> = t.columns.iter().map(|c| (&c.name, c.ty)).collect();
    let mut theirs: Vec<_> = start.columns.iter().map(|c| (&c.name, c.ty)).collect();
    ours.sort();
    theirs.sort();
    if ours != theirs {
        return Err(bad(format!(
            "table {}: the backup's columns do not match this database's at the same schema",
            t.name
        )));
    }
    Ok(())
}

fn load_table(
    c: &mut AnyConnection,
    sqlite: bool,
    t: &Table,
    rows: u64,
    lines: &mut Lines<'_>,
    loaded: &mut dyn FnMut(u64),
) -> Result<(), AppError> {
    let insert = catalog::insert_sql(sqlite, t);
    let timestamps: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| c.ty == ColType::Timestamp)
        .map(|c| c.name.as_str())
        .collect();
    let mut self_refs: Vec<Vec<Value>> = vec![Vec::new(); t.self_refs.len()];
    let mut batch = String::from("[");
    let mut in_batch = 0usize;
    let mut flush = |c: &mut AnyConnection, batch: &mut String, in_batch: &mut usize| {
        if *in_batch == 0 {
            return Ok(());
        }
        batch.push(']');
        catalog::execute_json(c, &insert, batch)
            .map_err(|e| bad(format!("table {}: {}", t.name, message(e))))?;
        loaded(*in_batch as u64);
        batch.clear();
        batch.push('[');
        *in_batch = 0;
        Ok::<(), AppError>(())
    };
    for _ in 0..rows {
        let Some(Value::Object(mut row)) = lines.next_value()? else {
            return Err(bad(format!(
                "line {}: table {} has fewer rows than its header says: the file was cut short",
                lines.number, t.name
            )));
        };
        if sqlite {
            for name in &timestamps {
                sqlite_timestamp(&mut row, name)
                    .map_err(|e| bad(format!("line {}: {e}", lines.number)))?;
            }
        }
        for (i, col) in t.self_refs.iter().enumerate() {
            if let Some(v) = row.get(col).filter(|v| !v.is_null()) {
                let mut pair = Map::new();
                pair.insert(
                    "k".into(),
                    row.get(&t.key[0]).cloned().unwrap_or(Value::Null),
                );
                pair.insert("v".into(), v.clone());
                self_refs[i].push(Value::Object(pair));
            }
        }
        if in_batch > 0 {
            batch.push(',');
        }
        batch.push_str(&Value::Object(row).to_string());
        in_batch += 1;
        if in_batch >= BATCH_ROWS || batch.len() >= BATCH_BYTES {
            flush(c, &mut batch, &mut in_batch)?;
        }
    }
    flush(c, &mut batch, &mut in_batch)?;
    for (col, pairs) in t.self_refs.iter().zip(self_refs) {
        let sql = catalog::fill_self_ref_sql(sqlite, t, col);
        for chunk in pairs.chunks(BATCH_ROWS) {
            catalog::execute_json(c, &sql, &Value::Array(chunk.to_vec()).to_string())?;
        }
    }
    catalog::advance_identity(c, t)?;
    Ok(())
}

/// SQLite keeps timestamps as text and compares them as text, so a restored one must be
/// written exactly as diesel writes it (`2026-12-03 10:00:00.5`, no trailing zeros), whatever
/// backend the backup came from.
fn sqlite_timestamp(row: &mut Map<String, Value>, name: &str) -> Result<(), String> {
    if let Some(Value::String(s)) = row.get(name) {
        let parsed = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
            .map_err(|_| format!("{name}: {s:?} is not a timestamp"))?;
        let text = parsed.format("%Y-%m-%d %H:%M:%S%.f").to_string();
        row.insert(name.to_string(), Value::String(text));
    }
    Ok(())
}

fn bad(msg: String) -> AppError {
    AppError::Validation(msg)
}

/// The backup's lines, with the line number for messages.
struct Lines<'a> {
    input: &'a mut dyn BufRead,
    buf: String,
    number: u64,
}

impl<'a> Lines<'a> {
    fn new(input: &'a mut dyn BufRead) -> Self {
        Lines {
            input,
            buf: String::new(),
            number: 0,
        }
    }

    fn next_value(&mut self) -> Result<Option<Value>, AppError> {
        self.buf.clear();
        let n = self
            .input
            .read_line(&mut self.buf)
            .map_err(|e| bad(format!("the backup cannot be read: {e}")))?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        serde_json::from_str(&self.buf)
            .map(Some)
            .map_err(|e| bad(format!("line {} is not JSON: {e}", self.number)))
    }

    /// The first line, which says whether this is a backup at all.
    fn header(&mut self) -> Result<Header, String> {
        let not_a_backup = || "this file is not a fika backup".to_string();
        match self.next_value() {
            Ok(Some(v)) => serde_json::from_value(v).map_err(|_| not_a_backup()),
            Ok(None) => Err(not_a_backup()),
            // Unreadable (not gzip, not text) says so; text that is not JSON is not a backup.
            Err(AppError::Validation(m)) if m.starts_with("the backup cannot be read") => Err(m),
            Err(_) => Err(not_a_backup()),
        }
    }
}
