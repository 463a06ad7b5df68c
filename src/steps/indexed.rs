//! What career steps give the search index: a person's step record, readable by them and
//! admins, and by everyone once they make it public. It follows its person: a disabled
//! person's record leaves the index.

use crate::db::{AnyConnection, EntityKind};
use crate::error::AppResult;
use crate::projection::{Projection, Record, Update, found_or, key};

/// Step records in the index.
pub struct Indexed;

impl Projection for Indexed {
    fn kinds(&self) -> &'static [EntityKind] {
        &[EntityKind::Step, EntityKind::Person]
    }

    fn for_change(
        &self,
        conn: &mut AnyConnection,
        _kind: EntityKind,
        entity_key: &str,
    ) -> AppResult<Vec<Update>> {
        // Keyed by username under both kinds: the record of that person, or its removal.
        Ok(found_or(
            super::flow::records_of(conn, entity_key)?,
            vec![Update::Remove(key("step", entity_key))],
        ))
    }

    fn count(&self, conn: &mut AnyConnection) -> AppResult<u64> {
        Ok(super::flow::count(conn)?.max(0) as u64)
    }

    fn ids_after(&self, conn: &mut AnyConnection, after: i64, n: i64) -> AppResult<Vec<i64>> {
        Ok(super::flow::ids_after(conn, after, n)?)
    }

    fn records(&self, conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
        super::flow::records(conn, ids)
    }
}
