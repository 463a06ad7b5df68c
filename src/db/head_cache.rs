//! A value derived from content, kept in memory until the change log moves on: one indexed
//! `MAX(id)` per use decides whether it is still current. Several instances on one PostgreSQL
//! check the same log, so none serves stale data. After a write one caller rebuilds while the
//! others wait for its result.

use std::sync::{Arc, Mutex};

use super::{AnyConnection, changelog};
use crate::error::AppResult;

pub struct HeadCache<T, K = ()> {
    current: Mutex<Option<(i64, K, Arc<T>)>>,
    building: Mutex<()>,
}

impl<T, K> Default for HeadCache<T, K> {
    fn default() -> Self {
        HeadCache {
            current: Mutex::new(None),
            building: Mutex::new(()),
        }
    }
}

impl<T, K: PartialEq + Copy> HeadCache<T, K> {
    /// The value for the current change-log head and `key` (e.g. today's date, when the value
    /// also depends on the day); `build` makes it when there is none. Call on a blocking thread.
    pub fn get(
        &self,
        conn: &mut AnyConnection,
        key: K,
        build: impl FnOnce(&mut AnyConnection) -> AppResult<T>,
    ) -> AppResult<Arc<T>> {
        let head = changelog::head(conn)?;
        self.get_at(conn, head, key, build)
    }

    /// [`get`](Self::get) for a caller that already read the head this request, so that a
    /// page using several caches reads it once.
    pub fn get_at(
        &self,
        conn: &mut AnyConnection,
        head: i64,
        key: K,
        build: impl FnOnce(&mut AnyConnection) -> AppResult<T>,
    ) -> AppResult<Arc<T>> {
        if let Some(v) = self.fresh(head, key) {
            return Ok(v);
        }
        let _building = self.building.lock();
        // Someone may have built it while this caller waited.
        let head = changelog::head(conn)?;
        if let Some(v) = self.fresh(head, key) {
            return Ok(v);
        }
        let value = Arc::new(build(conn)?);
        if let Ok(mut guard) = self.current.lock() {
            let newer = guard.as_ref().is_some_and(|(h, _, _)| *h > head);
            if !newer {
                *guard = Some((head, key, value.clone()));
            }
        }
        Ok(value)
    }

    fn fresh(&self, head: i64, key: K) -> Option<Arc<T>> {
        let guard = self.current.lock().ok()?;
        let (h, k, v) = guard.as_ref()?;
        (*h == head && *k == key).then(|| v.clone())
    }
}
