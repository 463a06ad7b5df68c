//! The indexer: the only writer of the index. It tails the change log by polling (so changes
//! written by another process — a CLI import, another instance — arrive too), turns each entry
//! into the current state of its record, and commits together with the id of the last entry,
//! so a crash at any point only means catching up from that id again.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tantivy::schema::Facet;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::records::{self, Units};
use super::schema::{Fields, TITLE_BOOST};
use super::{Payload, Rebuild, Search, schema, search_error};
use crate::db::{AnyConnection, Db, changelog};
use crate::error::AppResult;
use crate::ids::UnitId;
use crate::projection::{Projection, Record, Update};

/// How often the log is polled when there is nothing to do: well inside the one second a
/// saved record may take to become searchable, and a cheap indexed query.
const POLL: Duration = Duration::from_millis(100);
/// Log entries per commit while catching up.
const BATCH: i64 = 2000;
/// During a rebuild, make what is indexed so far searchable this often.
const REBUILD_COMMIT_EVERY: u64 = 25_000;
/// How the writer is set up. tantivy sizes each indexing thread's buffers from its memory
/// budget up front, so the big budget a fast rebuild wants would stay resident for the life
/// of the server; between rebuilds one thread with a small budget keeps up with any org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Size {
    Steady,
    Rebuild,
}

impl Size {
    fn threads_and_memory(self) -> (usize, usize) {
        match self {
            Size::Steady => (1, 20 * 1024 * 1024),
            Size::Rebuild => (2, 96 * 1024 * 1024),
        }
    }
}

/// Every feature's projection, from the composition (`app::projections`).
pub type Projections = Arc<[Box<dyn Projection>]>;

pub struct Indexer {
    search: Arc<Search>,
    projections: Projections,
    /// None only while switching sizes.
    writer: Option<IndexWriter>,
    size: Size,
}

/// Takes the index's writer lock: one writing process per index directory.
fn open_writer(search: &Search, size: Size) -> Result<IndexWriter, String> {
    let (threads, memory) = size.threads_and_memory();
    search
        .index
        .writer_with_num_threads(threads, memory)
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => format!(
                "the search index in {} is in use by another fika process; stop it first",
                search.dir.display()
            ),
            e => format!("cannot write the search index: {e}"),
        })
}

impl Indexer {
    pub fn new(search: Arc<Search>, projections: Projections) -> Result<Indexer, String> {
        let writer = open_writer(&search, Size::Steady)?;
        Ok(Indexer {
            search,
            projections,
            writer: Some(writer),
            size: Size::Steady,
        })
    }

    fn writer(&mut self) -> AppResult<&mut IndexWriter> {
        self.writer
            .as_mut()
            .ok_or_else(|| search_error("the index writer is being replaced"))
    }

    /// Replaces the writer by one of `size`, after its merges finish.
    fn resize(&mut self, size: Size) -> AppResult<()> {
        if self.size == size && self.writer.is_some() {
            return Ok(());
        }
        if let Some(w) = self.writer.take() {
            w.wait_merging_threads().map_err(search_error)?;
        }
        self.writer = Some(open_writer(&self.search, size).map_err(search_error)?);
        self.size = size;
        Ok(())
    }

    fn rollback(&mut self) {
        if let Some(w) = self.writer.as_mut() {
            let _ = w.rollback();
        }
    }

    /// Builds the whole index from the database. `progress(done, total)` is called after every
    /// batch. Returns the number of records indexed.
    pub fn rebuild(
        &mut self,
        conn: &mut AnyConnection,
        progress: &mut dyn FnMut(u64, u64),
    ) -> AppResult<u64> {
        crate::metrics::index_rebuilt();
        let search = self.search.clone();
        let status = &search.status;
        // The head is read first: whatever changes after it is applied again by catching up,
        // and applying a change twice gives the same index.
        let head = changelog::head(conn)?;
        let total = records::count_all(conn, &self.projections)?;
        status.to_build.store(total, Ordering::Relaxed);
        status.built.store(0, Ordering::Relaxed);
        status.building.store(true, Ordering::Relaxed);
        let result = self
            .resize(Size::Rebuild)
            .and_then(|_| self.rebuild_from(conn, head, total, progress));
        status.building.store(false, Ordering::Relaxed);
        if result.is_err() {
            self.rollback();
        }
        self.resize(Size::Steady)?;
        result
    }

    fn rebuild_from(
        &mut self,
        conn: &mut AnyConnection,
        head: i64,
        total: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> AppResult<u64> {
        self.writer()?
            .delete_all_documents()
            .map_err(search_error)?;
        let units = Units::load(conn)?;
        let mut done = 0u64;
        let mut since_commit = 0u64;
        let projections = self.projections.clone();
        records::for_all(conn, &units, &projections, 1000, |batch| {
            let fields = self.search.fields;
            let writer = self.writer()?;
            for r in &batch {
                writer
                    .add_document(document(&fields, &units, r))
                    .map_err(search_error)?;
            }
            done += batch.len() as u64;
            since_commit += batch.len() as u64;
            self.search.status.built.store(done, Ordering::Relaxed);
            progress(done, total.max(done));
            if since_commit >= REBUILD_COMMIT_EVERY {
                since_commit = 0;
                self.commit(0, false)?;
            }
            Ok(())
        })?;
        self.commit(head, true)?;
        Ok(done)
    }

    /// Lets background merges finish (a command that exits right after a rebuild).
    pub fn finish(mut self) -> Result<(), String> {
        match self.writer.take() {
            Some(w) => w
                .wait_merging_threads()
                .map_err(|e| format!("search index: {e}")),
            None => Ok(()),
        }
    }

    /// Applies the next batch of log entries; returns how many it applied (0: up to date).
    pub fn catch_up(&mut self, conn: &mut AnyConnection) -> AppResult<usize> {
        let applied = self.search.applied();
        let changes = changelog::changes_since(conn, applied, BATCH)?;
        let Some(last) = changes.last().map(|c| c.id) else {
            return Ok(0);
        };
        let units = Units::load(conn)?;
        let searcher = self.search.reader.searcher();
        let f = self.search.fields;
        let mut seen = HashSet::new();
        let mut cascaded = HashSet::new();
        // Newest first: the record's current state is read once, whatever its entries said.
        for c in changes.iter().rev() {
            if !seen.insert((c.entity_kind.as_str(), c.entity_key.as_str())) {
                continue;
            }
            // A kind this build does not know was written by a newer fika on the same
            // database; that fika's own indexer handles it.
            let Some(kind) = c.kind() else {
                continue;
            };
            for update in records::for_change(conn, &units, &self.projections, kind, &c.entity_key)?
            {
                match update {
                    Update::Put(r) => {
                        if r.kind == "unit"
                            && let Some(&id) = r.unit_ids.first()
                            && cascaded.insert(id)
                            && moved(&searcher, &f, &units, &r.key, id)
                        {
                            for filed in records::filed_under(
                                conn,
                                &self.projections,
                                &units.with_members(id),
                            )? {
                                self.put(&units, &filed)?;
                            }
                        }
                        self.put(&units, &r)?;
                    }
                    Update::Remove(key) => {
                        self.writer()?
                            .delete_term(Term::from_field_text(f.key, &key));
                    }
                }
            }
        }
        self.commit(last, true)?;
        Ok(changes.len())
    }

    pub(crate) fn put(&mut self, units: &Units, r: &Record) -> AppResult<()> {
        let f = self.search.fields;
        let writer = self.writer()?;
        writer.delete_term(Term::from_field_text(f.key, &r.key));
        writer
            .add_document(document(&f, units, r))
            .map_err(search_error)?;
        Ok(())
    }

    pub(crate) fn commit(&mut self, applied: i64, complete: bool) -> AppResult<()> {
        let payload = serde_json::to_string(&Payload {
            schema: schema::SCHEMA_VERSION,
            applied,
            complete,
        })
        .map_err(search_error)?;
        let mut prepared = self.writer()?.prepare_commit().map_err(search_error)?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(search_error)?;
        self.search.reader.reload().map_err(search_error)?;
        if complete {
            self.search.status.applied.store(applied, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Runs the indexer on its own thread for the life of the process: first the rebuild the
    /// index needs, then catching up with the log for ever. Errors (a database restart, a
    /// full disk) are logged and retried; they never stop the server.
    pub fn spawn(mut self, db: Db, mut rebuild: Option<Rebuild>) -> Result<(), String> {
        std::thread::Builder::new()
            .name("fika-indexer".into())
            .spawn(move || {
                crate::db::background(|| {
                    let mut conn = None;
                    let mut checked_head = false;
                    while !crate::db::stopping() {
                        let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            self.step(&db, &mut conn, &mut rebuild, &mut checked_head)
                        }));
                        let pause = match step {
                            Ok(Ok(0)) => POLL,
                            Ok(Ok(_)) => Duration::ZERO,
                            Ok(Err(e)) => {
                                tracing::warn!(error = %e, "search indexer will retry");
                                self.rollback();
                                conn = None;
                                Duration::from_secs(1)
                            }
                            Err(_) => {
                                tracing::error!("search indexer panicked; it will retry");
                                self.rollback();
                                conn = None;
                                Duration::from_secs(1)
                            }
                        };
                        crate::db::pause(pause);
                    }
                })
            })
            .map(|_| ())
            .map_err(|e| format!("cannot start the search indexer: {e}"))
    }

    fn step(
        &mut self,
        db: &Db,
        conn: &mut Option<AnyConnection>,
        rebuild: &mut Option<Rebuild>,
        checked_head: &mut bool,
    ) -> AppResult<usize> {
        let conn = match conn {
            Some(c) => c,
            None => conn.insert(db.dedicated()?),
        };
        if !*checked_head {
            if rebuild.is_none() && self.search.applied() > changelog::head(conn)? {
                *rebuild = Some(Rebuild::Ahead);
            }
            *checked_head = true;
        }
        if let Some(why) = rebuild.clone() {
            tracing::info!(reason = ?why, "rebuilding the search index from the database");
            let start = std::time::Instant::now();
            let n = self.rebuild(conn, &mut |_, _| {})?;
            *rebuild = None;
            let secs = start.elapsed().as_secs_f64();
            tracing::info!(records = n, seconds = secs, "search index rebuilt");
            return Ok(n.max(1) as usize);
        }
        self.catch_up(conn)
    }
}

/// Whether a unit's facet path differs from what the index holds for it (renamed, moved to
/// another tribe, or new), so that what is filed under it must be indexed again.
fn moved(searcher: &tantivy::Searcher, f: &Fields, units: &Units, key: &str, id: UnitId) -> bool {
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    let Some(path) = units.path(id).and_then(|p| Facet::from_text(&p).ok()) else {
        return true;
    };
    let q = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.key, key),
                tantivy::schema::IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_facet(f.unit, &path),
                tantivy::schema::IndexRecordOption::Basic,
            )),
        ),
    ]);
    !matches!(searcher.search(&q, &tantivy::collector::Count), Ok(n) if n > 0)
}

/// The index document of a record.
pub fn document(f: &Fields, units: &Units, r: &Record) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.key, &r.key);
    d.add_text(f.kind, r.kind);
    d.add_text(f.title, &r.title);
    d.add_text(f.body, &r.body);
    d.add_text(f.words, &r.title);
    d.add_text(f.words, &r.body);
    d.add_text(f.title_words, &r.title);
    for _ in 0..TITLE_BOOST {
        d.add_text(f.text, &r.title);
        d.add_text(f.pairs, &r.title);
    }
    d.add_text(f.text, &r.body);
    d.add_text(f.pairs, &r.body);
    for t in &r.tags {
        d.add_text(f.tags, t.to_lowercase());
    }
    // Tags are words of the record too ("postgres" finds what is tagged so), as later values
    // of the body: one field less for every word of a query to look in. Shown text is the
    // first value only.
    for t in &r.tags {
        d.add_text(f.body, t);
        d.add_text(f.text, t);
        d.add_text(f.pairs, t);
    }
    let mut tribes = Vec::new();
    for &id in &r.unit_ids {
        d.add_i64(f.unit_ids, id.get());
        if let Some(path) = units.path(id).and_then(|p| Facet::from_text(&p).ok()) {
            d.add_facet(f.unit, path);
        }
        if let Some(t) = units.tribe_of(id)
            && !tribes.contains(&t)
        {
            tribes.push(t);
            d.add_text(f.tribe, t);
        }
        if let Some(s) = units.squad_slug(id) {
            d.add_text(f.squad, s);
        }
    }
    if let Some(a) = &r.author {
        d.add_text(f.author, a);
    }
    d.add_i64(f.date, r.date.and_utc().timestamp());
    d.add_text(f.url, &r.url);
    d.add_text(f.context, &r.context);
    for reader in &r.readers {
        d.add_text(f.readers, reader);
    }
    if !r.readers.iter().any(|k| k == crate::projection::EVERYONE) {
        d.add_text(f.readers, schema::RESTRICTED);
    }
    d
}
