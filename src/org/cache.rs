//! The org snapshot (every unit, current membership and person, plus the warnings) is what
//! most org pages need, and rebuilding it costs milliseconds at thousands of people. It is
//! kept in memory and reused until the change log moves on — one indexed `MAX(id)` per request
//! decides — or the day changes (memberships start and end on dates). Several instances on
//! one PostgreSQL each check the same log, so none serves a stale org.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::rules::{self, Snapshot, Warning};
use super::unit_repo as repo;
use crate::db::{AnyConnection, changelog};
use crate::error::AppResult;

/// A snapshot with what is derived from it.
pub struct OrgView {
    pub snap: Snapshot,
    pub warnings: Vec<Warning>,
    pub alliance_links: Vec<(i64, i64)>,
    /// The org chart, drawn once per snapshot (it is the same for every viewer).
    pub chart: std::sync::OnceLock<String>,
}

#[derive(Default)]
pub struct OrgCache {
    current: Mutex<Option<(i64, NaiveDate, Arc<OrgView>)>>,
    /// Held while a snapshot is built, so that after a write one request rebuilds and the
    /// others wait for its result instead of each building their own.
    building: Mutex<()>,
}

impl OrgCache {
    /// The org as of now; call on a blocking thread (it may query).
    pub fn get(&self, conn: &mut AnyConnection) -> AppResult<Arc<OrgView>> {
        let today = repo::today();
        if let Some(view) = self.fresh(changelog::head(conn)?, today) {
            return Ok(view);
        }
        let _building = self.building.lock();
        // Someone may have built it while this request waited.
        let head = changelog::head(conn)?;
        if let Some(view) = self.fresh(head, today) {
            return Ok(view);
        }
        let snap = repo::snapshot(conn, today)?;
        let view = Arc::new(OrgView {
            warnings: rules::warnings(&snap),
            alliance_links: repo::alliance_links(conn)?,
            chart: Default::default(),
            snap,
        });
        if let Ok(mut guard) = self.current.lock() {
            let newer = guard
                .as_ref()
                .is_some_and(|(h, d, _)| *h > head || *d > today);
            if !newer {
                *guard = Some((head, today, view.clone()));
            }
        }
        Ok(view)
    }

    fn fresh(&self, head: i64, today: NaiveDate) -> Option<Arc<OrgView>> {
        let guard = self.current.lock().ok()?;
        let (h, day, view) = guard.as_ref()?;
        (*h == head && *day == today).then(|| view.clone())
    }
}

impl OrgView {
    /// The org chart SVG, drawn on first use (call on a blocking thread).
    pub fn chart_svg(&self) -> AppResult<String> {
        if let Some(svg) = self.chart.get() {
            return Ok(svg.clone());
        }
        let svg = askama::Template::render(&super::chart::layout(&self.snap))
            .map_err(crate::error::AppError::internal)?;
        Ok(self.chart.get_or_init(|| svg).clone())
    }
}
