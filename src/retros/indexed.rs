//! What retrospectives give the search index: closed retros only (a live board is not
//! searched), filed under their squad.

use crate::db::EntityKind;
use crate::projection::ById;

/// Retros in the index.
pub const INDEXED: ById = ById {
    kinds: &[EntityKind::Retro],
    record_kind: "retro",
    count: super::repo::count_closed,
    ids_after: super::repo::ids_after,
    records: super::repo::records,
    filed_under: super::repo::ids_of_squads,
};
