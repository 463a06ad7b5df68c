//! What experiment learning logs give the search index: every experiment, filed under its
//! squad.

use crate::db::EntityKind;
use crate::projection::ById;

/// Experiments in the index.
pub const INDEXED: ById = ById {
    kinds: &[EntityKind::Experiment],
    record_kind: "experiment",
    count: super::repo::count,
    ids_after: super::repo::ids_after,
    records: super::repo::records,
    filed_under: super::repo::ids_of_squads,
};
