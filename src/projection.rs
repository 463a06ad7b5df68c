//! What a feature gives the search index: its records in one shape, and what a change-log
//! entry means for them. Each indexed feature implements [`Projection`] (in its `indexed.rs`);
//! the composition hands the list to the indexer (`app::projections`). So `search/` reads every
//! feature's records without importing a feature, and a feature writes its records without
//! reaching into `search/`.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::{AnyConnection, EntityKind};
use crate::error::AppResult;
use crate::ids::UnitId;

/// Readers of a record everyone signed in (or, with `--public-read`, everyone) may open.
pub const EVERYONE: &str = "everyone";

/// One searchable record.
#[derive(Debug, Clone)]
pub struct Record {
    /// `kind:id`, unique in the index.
    pub key: String,
    pub kind: &'static str,
    pub title: String,
    /// Plain text (Markdown stripped).
    pub body: String,
    pub tags: Vec<String>,
    pub unit_ids: Vec<UnitId>,
    pub author: Option<String>,
    pub date: NaiveDateTime,
    pub url: String,
    pub context: String,
    pub readers: Vec<String>,
}

/// What to do to the index for one record.
#[derive(Debug)]
pub enum Update {
    Put(Box<Record>),
    Remove(String),
}

/// A record's key in the index: `lesson:12`, `page:onboarding`.
pub fn key(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

/// A feature's records as the index holds them.
pub trait Projection: Send + Sync {
    /// The change-log kinds whose entries may change this projection's records. Every kind
    /// is claimed by a projection or named as not indexed (`search::records::NOT_INDEXED`);
    /// a test in `app` holds the two lists to `EntityKind::ALL`.
    fn kinds(&self) -> &'static [EntityKind];

    /// What one entry of one of [`Self::kinds`] means: the record's current state, or its
    /// removal when it is gone (deleted, unpublished, disabled).
    fn for_change(
        &self,
        conn: &mut AnyConnection,
        kind: EntityKind,
        entity_key: &str,
    ) -> AppResult<Vec<Update>>;

    /// How many records a rebuild reads, for its progress bar.
    fn count(&self, conn: &mut AnyConnection) -> AppResult<u64>;

    /// Up to `n` ids after `after`, in order: a rebuild reads in batches.
    fn ids_after(&self, conn: &mut AnyConnection, after: i64, n: i64) -> AppResult<Vec<i64>>;

    /// The records of these ids that the index holds; ids of records it does not hold
    /// (deleted, unpublished) are left out.
    fn records(&self, conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>>;

    /// Ids of records filed under any of these units: their facet paths follow a unit that
    /// is renamed or moves to another tribe. None by default.
    fn filed_under(&self, _conn: &mut AnyConnection, _unit_ids: &[UnitId]) -> AppResult<Vec<i64>> {
        Ok(vec![])
    }
}

/// Pairs `(owner id, value)` grouped by owner.
pub fn grouped<V>(pairs: Vec<(i64, V)>) -> std::collections::HashMap<i64, Vec<V>> {
    let mut map: std::collections::HashMap<i64, Vec<V>> = Default::default();
    for (id, v) in pairs {
        map.entry(id).or_default().push(v);
    }
    map
}

/// The records found, or — when there are none — the updates that say the record is gone.
pub fn found_or(found: Vec<Record>, otherwise: Vec<Update>) -> Vec<Update> {
    if found.is_empty() {
        otherwise
    } else {
        found
            .into_iter()
            .map(|r| Update::Put(Box::new(r)))
            .collect()
    }
}

/// A projection made of a feature's own query functions, for records the change log keys by
/// their numeric id (`lesson:12`): experiments, post-mortems, retros, lessons. One entry
/// means the record as it is now, or its removal; a key that is not a number names no record.
pub struct ById {
    pub kinds: &'static [EntityKind],
    /// The record kind in the index (`experiment`).
    pub record_kind: &'static str,
    pub count: fn(&mut AnyConnection) -> AppResult<i64>,
    pub ids_after: fn(&mut AnyConnection, i64, i64) -> QueryResult<Vec<i64>>,
    pub records: fn(&mut AnyConnection, &[i64]) -> AppResult<Vec<Record>>,
    pub filed_under: fn(&mut AnyConnection, &[UnitId]) -> AppResult<Vec<i64>>,
}

impl Projection for ById {
    fn kinds(&self) -> &'static [EntityKind] {
        self.kinds
    }

    fn for_change(
        &self,
        conn: &mut AnyConnection,
        _kind: EntityKind,
        entity_key: &str,
    ) -> AppResult<Vec<Update>> {
        match entity_key.parse::<i64>() {
            Ok(id) => Ok(found_or(
                (self.records)(conn, &[id])?,
                vec![Update::Remove(key(self.record_kind, entity_key))],
            )),
            Err(_) => Ok(vec![]),
        }
    }

    fn count(&self, conn: &mut AnyConnection) -> AppResult<u64> {
        Ok((self.count)(conn)?.max(0) as u64)
    }

    fn ids_after(&self, conn: &mut AnyConnection, after: i64, n: i64) -> AppResult<Vec<i64>> {
        Ok((self.ids_after)(conn, after, n)?)
    }

    fn records(&self, conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
        (self.records)(conn, ids)
    }

    fn filed_under(&self, conn: &mut AnyConnection, unit_ids: &[UnitId]) -> AppResult<Vec<i64>> {
        (self.filed_under)(conn, unit_ids)
    }
}
