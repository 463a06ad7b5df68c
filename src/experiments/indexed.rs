//! What experiment learning logs give the search index: every experiment, filed under its
//! squad.

use crate::db::{AnyConnection, EntityKind};
use crate::error::AppResult;
use crate::projection::{Projection, Record, Update, by_id};

/// Experiments in the index.
pub struct Indexed;

impl Projection for Indexed {
    fn kinds(&self) -> &'static [EntityKind] {
        &[EntityKind::Experiment]
    }

    fn for_change(
        &self,
        conn: &mut AnyConnection,
        _kind: EntityKind,
        entity_key: &str,
    ) -> AppResult<Vec<Update>> {
        by_id(self, conn, "experiment", entity_key)
    }

    fn count(&self, conn: &mut AnyConnection) -> AppResult<u64> {
        Ok(super::repo::count(conn)?.max(0) as u64)
    }

    fn ids_after(&self, conn: &mut AnyConnection, after: i64, n: i64) -> AppResult<Vec<i64>> {
        Ok(super::repo::ids_after(conn, after, n)?)
    }

    fn records(&self, conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
        super::repo::records(conn, ids)
    }

    fn filed_under(&self, conn: &mut AnyConnection, unit_ids: &[i64]) -> AppResult<Vec<i64>> {
        super::repo::ids_of_squads(conn, unit_ids)
    }
}
