//! The commands that work on a whole database: `fika reindex`, `fika backup` and `fika
//! restore`, with their progress bars.

use crate::config::DataArgs;

use super::open;

/// `fika reindex`: rebuilds the search index from the database.
pub(super) fn reindex(data: &DataArgs) -> Result<(), String> {
    let db = open(data, 1)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let start = std::time::Instant::now();
    let n = rebuild_index(&mut conn, &data.data_dir)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "indexed {n} records in {secs:.1} s ({:.0} records/s)",
        n as f64 / secs.max(0.001)
    );
    Ok(())
}

/// A progress bar on standard error when a person watches it, none in scripts and logs.
fn progress_bar(template: &str) -> Result<indicatif::ProgressBar, String> {
    let show = std::io::IsTerminal::is_terminal(&std::io::stderr());
    crate::progress::bar(0, show, template).map_err(|e| e.to_string())
}

/// Builds the data dir's search index from scratch; returns how many records it holds.
fn rebuild_index(
    conn: &mut crate::db::AnyConnection,
    data_dir: &std::path::Path,
) -> Result<u64, String> {
    let (search, _) = crate::search::Search::open(&data_dir.join("index"), true)?;
    let mut indexer = crate::search::indexer::Indexer::new(search, crate::app::projections())?;
    let bar = progress_bar("{bar:40} {pos}/{len} records  {elapsed_precise}  {per_sec}")?;
    let n = indexer
        .rebuild(conn, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .map_err(|e| e.to_string())?;
    indexer.finish()?;
    bar.finish_and_clear();
    Ok(n)
}

const ROWS_BAR: &str = "{bar:40} {pos}/{len} rows  {elapsed_precise}  {per_sec}";

/// `fika backup FILE`: every table and the data dir's own files, gzipped (`-` writes to
/// standard output).
pub(super) fn backup(file: &std::path::Path, data: &DataArgs) -> Result<(), String> {
    use std::io::Write;
    let db = open(data, 1)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let bar = progress_bar(ROWS_BAR)?;
    let start = std::time::Instant::now();
    let mut progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let to_stdout = file.as_os_str() == "-";
    let summary = if to_stdout {
        let stdout = std::io::BufWriter::new(std::io::stdout().lock());
        let (summary, mut out) =
            compressed_backup(&mut conn, &data.data_dir, stdout, &mut progress)?;
        out.flush()
            .map_err(|e| format!("cannot write the backup: {e}"))?;
        summary
    } else {
        // A failed or interrupted backup never leaves a file that looks like one.
        crate::files::write_atomically(file, |out| {
            compressed_backup(&mut conn, &data.data_dir, out, &mut progress)
        })?
    };
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    let size = if to_stdout {
        String::new()
    } else {
        std::fs::metadata(file)
            .map(|m| format!(", {:.1} MB", m.len() as f64 / 1e6))
            .unwrap_or_default()
    };
    let line = format!(
        "backed up {} rows of {} tables (schema {}){} to {}{size} in {secs:.1} s",
        summary.rows,
        summary.tables,
        summary.schema,
        if summary.files.is_empty() {
            String::new()
        } else {
            format!(" and {}", summary.files.join(", "))
        },
        if to_stdout {
            "standard output".to_string()
        } else {
            file.display().to_string()
        },
    );
    // With the backup itself on standard output, the report goes to standard error.
    if to_stdout {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
    Ok(())
}

/// A backup compressed into `out`, which comes back once the gzip stream is complete.
fn compressed_backup<W: std::io::Write>(
    conn: &mut crate::db::AnyConnection,
    data_dir: &std::path::Path,
    out: W,
    progress: crate::backup::Progress,
) -> Result<(crate::backup::Summary, W), String> {
    let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let summary = crate::backup::backup(conn, data_dir, &mut gz, progress)?;
    let out = gz
        .finish()
        .map_err(|e| format!("cannot write the backup: {e}"))?;
    Ok((summary, out))
}

/// `fika restore FILE`: a backup (gzipped or not) into an empty database, then a new index.
pub(super) fn restore(file: &std::path::Path, data: &DataArgs) -> Result<(), String> {
    use std::io::BufRead;
    let f =
        std::fs::File::open(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut raw = std::io::BufReader::new(f);
    // Compressed as `fika backup` writes it, or already unpacked with zcat.
    let gzip = raw
        .fill_buf()
        .map(|b| b.starts_with(&[0x1f, 0x8b]))
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut input: Box<dyn BufRead> = if gzip {
        Box::new(std::io::BufReader::new(
            flate2::bufread::MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(raw)
    };
    let target = data.prepare()?;
    let mut conn = target.establish()?;
    let bar = progress_bar(ROWS_BAR)?;
    let start = std::time::Instant::now();
    let restored =
        crate::backup::restore(&mut conn, &data.data_dir, &mut input, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .map_err(|e| format!("{}: {e}", file.display()))?;
    bar.finish_and_clear();
    let loaded = start.elapsed().as_secs_f64();
    let indexed = rebuild_index(&mut conn, &data.data_dir)?;
    let s = &restored.summary;
    println!(
        "restored {} rows of {} tables (schema {}) into {} in {loaded:.1} s; search index rebuilt ({indexed} records) in {:.1} s",
        s.rows,
        s.tables,
        s.schema,
        target.describe(),
        start.elapsed().as_secs_f64() - loaded
    );
    if restored.upgraded > 0 {
        println!(
            "applied {} newer migrations after the restore",
            restored.upgraded
        );
    }
    for f in &restored.kept_files {
        println!("kept the data dir's own {f}; the backup's differs (it was not written)");
    }
    Ok(())
}
