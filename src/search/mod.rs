//! Full-text search (tantivy) over lessons, pages, people and units.
//!
//! A query is read by [`plan`] (concepts, synonyms, compounds, stop words), corrected by
//! `spell` only where a word is unknown, and run by [`run`]: records with every word first,
//! then, when those are few, records with most of them.
//!
//! The index in `DATA_DIR/index` is derived data (DESIGN.md): the [`indexer`] thread tails the
//! change log and commits, with every batch, the id of the last change it applied. A missing,
//! corrupt, half-built or outdated index is rebuilt from the database while the server serves.
//! Queries ([`run`]) filter by who may read each record inside the index, so counts, facets and
//! pages never include what the viewer may not open.

pub mod aside;
mod facets;
mod highlight;
pub mod indexer;
pub mod plan;
pub mod query;
pub mod records;
pub mod related;
pub mod routes;
pub mod run;
pub mod schema;
mod spell;
pub mod synonyms;
mod views;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::directory::{INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::{Directory, Index, IndexReader, ReloadPolicy};

use crate::error::{AppError, AppResult};
use schema::Fields;

/// What fika writes with every commit of the index.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Payload {
    pub schema: u32,
    /// The last change-log id whose effect is in the index.
    pub applied: i64,
    /// False while a rebuild is under way: a crash then means "rebuild again".
    pub complete: bool,
}

/// Related lessons of one record and the index generation they were found in.
pub type RelatedEntry = (u64, Arc<Vec<related::Related>>);

/// Why the index must be built from scratch, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuild {
    Missing,
    Corrupt(String),
    Outdated,
    Incomplete,
    /// The index is ahead of the database: it was built from another one.
    Ahead,
}

/// The index, shared by request handlers (reading) and the indexer thread (writing).
pub struct Search {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub dir: PathBuf,
    /// Set by the indexer; read by pages that say how fresh results are.
    pub status: Status,
    /// Related lessons per record, with the index generation they were found in.
    pub related_cache: Mutex<HashMap<String, RelatedEntry>>,
    facet_columns: facets::ColumnCache,
    /// Facets and counts of recent queries, per index generation: people page through the
    /// same results and ask the same popular questions.
    counts_cache: Memo<run::Facets>,
    totals_cache: Memo<usize>,
    /// fika's synonyms and the admin's `<data dir>/synonyms.txt`.
    pub synonyms: synonyms::Source,
    /// Typo corrections, per index generation, query and viewer.
    corrections: Memo<Option<query::Parsed>>,
}

#[derive(Default)]
pub struct Status {
    pub applied: AtomicI64,
    pub building: AtomicBool,
    pub built: AtomicU64,
    pub to_build: AtomicU64,
}

impl Status {
    /// `(done, total)` while a rebuild runs.
    pub fn building(&self) -> Option<(u64, u64)> {
        self.building.load(Ordering::Relaxed).then(|| {
            (
                self.built.load(Ordering::Relaxed),
                self.to_build.load(Ordering::Relaxed),
            )
        })
    }
}

/// Recent answers whose keys name the index generation they were found in, dropped all at
/// once when there are too many (answers of older generations are never asked again).
/// Always empty with `FIKA_SEARCH_CACHE=0` (for benchmarks).
struct Memo<V> {
    on: bool,
    map: Mutex<HashMap<String, V>>,
}

impl<V: Clone> Memo<V> {
    fn new(on: bool) -> Memo<V> {
        Memo {
            on,
            map: Mutex::default(),
        }
    }

    fn get(&self, key: &str) -> Option<V> {
        self.on.then(|| self.map.lock().ok()?.get(key).cloned())?
    }

    fn put(&self, key: String, value: V) {
        if self.on
            && let Ok(mut map) = self.map.lock()
        {
            if map.len() >= 4096 {
                map.clear();
            }
            map.insert(key, value);
        }
    }
}

fn search_error(e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("search index: {e}"))
}

impl Search {
    /// Opens the index in `dir`, or makes an empty one there; says whether it needs a rebuild.
    /// Fails only when the directory cannot be used at all, or another process writes to it.
    /// `caching` keeps search counts, facets and corrections per index generation (off only
    /// for benchmarks of the uncached path).
    pub fn open(dir: &Path, caching: bool) -> Result<(Arc<Search>, Option<Rebuild>), String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create index dir {}: {e}", dir.display()))?;
        let (index, rebuild) = match Self::open_existing(dir) {
            Ok((index, payload)) => {
                let rebuild = if payload.schema != schema::SCHEMA_VERSION {
                    Some(Rebuild::Outdated)
                } else if !payload.complete {
                    Some(Rebuild::Incomplete)
                } else {
                    None
                };
                match rebuild {
                    None => (index, None),
                    Some(why) => {
                        drop(index);
                        (Self::create_fresh(dir)?, Some(why))
                    }
                }
            }
            Err(why) => (Self::create_fresh(dir)?, Some(why)),
        };
        let (_, fields) = schema::build();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            // Decompressed blocks of stored text (16 KiB each): results of popular queries
            // are shown again and again.
            .doc_store_cache_num_blocks(512)
            .try_into()
            .map_err(|e| format!("cannot read the search index: {e}"))?;
        let synonyms = synonyms::Source::new(
            dir.parent().unwrap_or(dir).join(synonyms::ADMIN_FILE),
            index
                .tokenizers()
                .get(schema::QUERY_STEMMED)
                .ok_or_else(|| "the query analyzer is missing".to_string())?,
        );
        let search = Search {
            index,
            reader,
            fields,
            dir: dir.to_path_buf(),
            status: Status::default(),
            related_cache: Mutex::default(),
            facet_columns: Default::default(),
            counts_cache: Memo::new(caching),
            totals_cache: Memo::new(caching),
            synonyms,
            corrections: Memo::new(caching),
        };
        // Incomplete from now until the rebuild ends, not only once the indexer starts it.
        if rebuild.is_some() {
            search.status.building.store(true, Ordering::Relaxed);
        }
        if rebuild.is_none()
            && let Ok(p) = search.payload()
        {
            search.status.applied.store(p.applied, Ordering::Relaxed);
        }
        Ok((Arc::new(search), rebuild))
    }

    /// What the index in `dir` says of itself, read without opening it for writing (a
    /// running `fika serve` may hold it): its payload, or why it would be rebuilt.
    pub fn inspect(dir: &Path) -> Result<Payload, Rebuild> {
        Self::open_existing(dir).map(|(_, payload)| payload)
    }

    fn open_existing(dir: &Path) -> Result<(Index, Payload), Rebuild> {
        if !dir.join("meta.json").exists() {
            return Err(Rebuild::Missing);
        }
        let corrupt = |e: &dyn std::fmt::Display| Rebuild::Corrupt(e.to_string());
        let index = Index::open_in_dir(dir).map_err(|e| corrupt(&e))?;
        schema::register(index.tokenizers());
        let meta = index.load_metas().map_err(|e| corrupt(&e))?;
        let payload: Payload = meta
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .ok_or(Rebuild::Incomplete)?;
        let bad = index.validate_checksum().map_err(|e| corrupt(&e))?;
        if let Some(file) = bad.iter().next() {
            return Err(corrupt(&format!("{} fails its checksum", file.display())));
        }
        if schema::build().0 != index.schema() {
            return Err(Rebuild::Outdated);
        }
        Ok((index, payload))
    }

    /// Wipes `dir` and makes an empty index there, unless another process holds its writer
    /// lock (a running `fika serve`).
    fn create_fresh(dir: &Path) -> Result<Index, String> {
        let busy = || {
            format!(
                "the search index in {} is in use by another fika process; stop it first",
                dir.display()
            )
        };
        {
            let mmap = MmapDirectory::open(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let _lock = mmap.acquire_lock(&INDEX_WRITER_LOCK).map_err(|_| busy())?;
        }
        let wipe = |e: std::io::Error| format!("cannot clear {}: {e}", dir.display());
        for entry in std::fs::read_dir(dir).map_err(wipe)? {
            let path = entry.map_err(wipe)?.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path).map_err(wipe)?;
            } else {
                std::fs::remove_file(&path).map_err(wipe)?;
            }
        }
        let (schema, _) = schema::build();
        let index = Index::create_in_dir(dir, schema)
            .map_err(|e| format!("cannot create the search index: {e}"))?;
        schema::register(index.tokenizers());
        Ok(index)
    }

    /// The payload of the last commit.
    pub fn payload(&self) -> AppResult<Payload> {
        let meta = self.index.load_metas().map_err(search_error)?;
        meta.payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .ok_or_else(|| search_error("no payload"))
    }

    /// The change-log id the searchable index reflects.
    pub fn applied(&self) -> i64 {
        self.status.applied.load(Ordering::Relaxed)
    }
}
