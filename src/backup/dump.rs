//! Taking a backup: every table read in one snapshot — a repeatable-read, read-only
//! transaction on PostgreSQL, one read transaction on SQLite (whose WAL keeps the snapshot
//! while the server goes on writing) — and written row by row, so memory stays flat.

use std::io::Write;
use std::path::Path;

use diesel::Connection;

use super::catalog::{self, Table};
use super::{
    DATA_DIR_FILES, DataFile, End, FORMAT, FORMAT_VERSION, Header, Progress, Summary, TABLES,
    TableCount, TableStart,
};
use crate::db::AnyConnection;
use crate::error::AppError;

/// Rows read per statement. Tables with binary columns (images) go a few at a time, so a
/// batch of large images does not sit in memory at once.
const BATCH: i64 = 1000;
const BINARY_BATCH: i64 = 8;

/// Writes the whole database (and the admin's files in `data_dir`) to `out`.
pub fn backup(
    conn: &mut AnyConnection,
    data_dir: &Path,
    out: &mut dyn Write,
    progress: Progress,
) -> Result<Summary, String> {
    let sqlite = conn.is_sqlite();
    conn.transaction::<_, AppError, _>(|c| {
        if !sqlite {
            // The first statement of the transaction, as PostgreSQL requires.
            catalog::execute_plain(
                c,
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
            )?;
        }
        write_snapshot(c, data_dir, out, progress)
    })
    .map_err(super::message)
}

fn write_snapshot(
    c: &mut AnyConnection,
    data_dir: &Path,
    out: &mut dyn Write,
    progress: Progress,
) -> Result<Summary, AppError> {
    let schema = catalog::schema_version(c)?
        .ok_or_else(|| AppError::Internal("the database has no schema".into()))?;
    let mut tables: Vec<(Table, u64)> = Vec::new();
    for name in TABLES {
        let t = catalog::table(c, name)?;
        let n = catalog::count(c, name)?;
        tables.push((t, n));
    }
    let total: u64 = tables.iter().map(|(_, n)| n).sum();
    write_json(out, &header(c, &schema, &tables))?;
    let mut done = 0u64;
    progress(done, total);
    for (t, n) in &tables {
        let before = done;
        done += write_table(c, out, t, *n, &mut |written| {
            progress(before + written, total)
        })?;
    }
    let files = write_files(data_dir, out)?;
    write_json(
        out,
        &End {
            end: true,
            rows: total,
        },
    )?;
    out.flush().map_err(write_error)?;
    Ok(Summary {
        schema,
        tables: tables.len(),
        rows: total,
        files,
    })
}

/// The first line: what this file is, from which database, and how many rows each table has.
fn header(c: &AnyConnection, schema: &str, tables: &[(Table, u64)]) -> Header {
    Header {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        schema: schema.to_string(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        source: if c.is_sqlite() {
            "sqlite"
        } else {
            "postgresql"
        }
        .into(),
        fika_version: env!("CARGO_PKG_VERSION").into(),
        tables: tables
            .iter()
            .map(|(t, n)| TableCount {
                name: t.name.clone(),
                rows: *n,
            })
            .collect(),
    }
}

/// One table: its start line, then its `n` rows in batches; `progress` hears how many rows
/// of it are written. Returns `n`, or fails when the table no longer has `n` rows.
fn write_table(
    c: &mut AnyConnection,
    out: &mut dyn Write,
    t: &Table,
    n: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, AppError> {
    write_json(
        out,
        &TableStart {
            table: t.name.clone(),
            columns: t.columns.clone(),
            rows: n,
        },
    )?;
    let batch = if t.columns.iter().any(|c| c.ty == super::ColType::Binary) {
        BINARY_BATCH
    } else {
        BATCH
    };
    // The count and the rows come from the same snapshot, so they agree; reading stops at
    // the count all the same, so the header never lies.
    let mut written = 0u64;
    let mut from = catalog::Cursor::start(t);
    while written < n {
        let rows = catalog::read_rows(c, t, batch, &from)?;
        if rows.is_empty() {
            break;
        }
        from = from.after(t, written + rows.len() as u64, rows.last())?;
        for row in rows.iter().take((n - written) as usize) {
            out.write_all(row.as_bytes())
                .and_then(|_| out.write_all(b"\n"))
                .map_err(write_error)?;
            written += 1;
        }
        progress(written);
    }
    if written != n {
        return Err(AppError::Internal(format!(
            "table {} changed during the backup ({written} of {n} rows read)",
            t.name
        )));
    }
    Ok(written)
}

/// The data dir's own files that exist; returns their names.
fn write_files(data_dir: &Path, out: &mut dyn Write) -> Result<Vec<String>, AppError> {
    let mut files = Vec::new();
    for name in DATA_DIR_FILES {
        let path = data_dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                write_json(
                    out,
                    &DataFile {
                        file: (*name).into(),
                        text,
                    },
                )?;
                files.push((*name).to_string());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(AppError::Internal(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        }
    }
    Ok(files)
}

fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), AppError> {
    serde_json::to_writer(&mut *out, value).map_err(AppError::internal)?;
    out.write_all(b"\n").map_err(write_error)
}

fn write_error(e: std::io::Error) -> AppError {
    AppError::Internal(format!("cannot write the backup: {e}"))
}
