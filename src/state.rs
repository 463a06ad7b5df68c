//! The state every handler shares: the database, the settings, and the parts that features
//! register at start-up (their caches, the search index, the blameless rules), found by type.
//!
//! It names no feature type. That is the point: when the struct listed every feature's cache,
//! each feature imported the module that imported every feature, and the whole tree was one
//! import cycle. Now features depend on this foundation module, and only the composition
//! (`app::state`) knows them all.

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Settings;
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// Shared by all workers; built once by `app::state`, read-only afterwards (so no lock).
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    parts: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        AppState {
            db,
            settings,
            parts: HashMap::new(),
        }
    }

    /// Registers a part: one value per type, so a cache is its own type (or a newtype).
    pub fn with<T: Any + Send + Sync>(self, part: T) -> Self {
        self.with_shared(Arc::new(part))
    }

    /// Registers a part that something outside the server holds too (the search index,
    /// which the indexer thread writes). Start-up only: a type registered twice stops it,
    /// since the second would silently stand in for the first.
    pub fn with_shared<T: Any + Send + Sync>(mut self, part: Arc<T>) -> Self {
        let previous = self.parts.insert(TypeId::of::<T>(), part);
        assert!(
            previous.is_none(),
            "{} is registered twice; give one of them its own type",
            type_name::<T>()
        );
        self
    }

    /// The part of type `T`, shared. Registration happens once at start-up, so a missing
    /// part is a bug in the composition: an internal error, never a panic on a worker.
    pub fn part<T: Any + Send + Sync>(&self) -> AppResult<Arc<T>> {
        self.parts
            .get(&TypeId::of::<T>())
            .cloned()
            .and_then(|part| part.downcast::<T>().ok())
            .ok_or_else(|| AppError::Internal(format!("{} is not registered", type_name::<T>())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Counter(u32);
    struct Other;

    fn state() -> AppState {
        let target = crate::db::DbTarget::Sqlite(":memory:".into());
        AppState::new(Db::open(target, 1).unwrap(), Settings::default())
    }

    #[test]
    fn a_part_is_found_by_its_type_and_shared() {
        let state = state().with(Counter(7));
        let first = state.part::<Counter>().unwrap();
        let second = state.part::<Counter>().unwrap();
        assert_eq!(first.0, 7);
        assert!(Arc::ptr_eq(&first, &second));
    }

    #[test]
    fn a_missing_part_is_an_internal_error_naming_it() {
        let state = state().with(Counter::default());
        match state.part::<Other>() {
            Err(AppError::Internal(message)) => assert!(message.contains("Other"), "{message}"),
            other => panic!("expected an internal error, got {:?}", other.map(|_| ())),
        }
    }
}
