//! What post-mortems give the search index: published post-mortems only, filed under their
//! squads; a draft or one in review is not searched.

use crate::db::EntityKind;
use crate::projection::ById;

/// Post-mortems in the index.
pub const INDEXED: ById = ById {
    kinds: &[EntityKind::Postmortem],
    record_kind: "postmortem",
    count: super::repo::count_published,
    ids_after: super::repo::ids_after,
    records: super::repo::records,
    filed_under: super::repo::ids_of_squads,
};
