//! The org snapshot (every unit, current membership and person, plus the warnings) is what
//! most org pages need, and rebuilding it costs milliseconds at thousands of people: it is kept
//! in a [`HeadCache`] until the change log moves on or the day changes.

use std::sync::Arc;

use chrono::NaiveDate;

use super::rules::{self, Snapshot, Warning};
use super::unit_repo as repo;
use crate::db::AnyConnection;
use crate::db::head_cache::HeadCache;
use crate::error::AppResult;

/// A snapshot with what is derived from it.
pub struct OrgView {
    pub snap: Snapshot,
    pub warnings: Vec<Warning>,
    pub alliance_links: Vec<(i64, i64)>,
    /// The org chart, drawn once per snapshot (it is the same for every viewer).
    pub chart: std::sync::OnceLock<String>,
}

/// The org view, per change-log head and day (memberships start and end on dates).
#[derive(Default)]
pub struct OrgCache(HeadCache<OrgView, NaiveDate>);

impl OrgCache {
    /// The org as of now; call on a blocking thread (it may query).
    pub fn get(&self, conn: &mut AnyConnection) -> AppResult<Arc<OrgView>> {
        let head = crate::db::changelog::head(conn)?;
        self.get_at(conn, head)
    }

    /// [`get`](Self::get) at a change-log head the caller already read.
    pub fn get_at(&self, conn: &mut AnyConnection, head: i64) -> AppResult<Arc<OrgView>> {
        let today = repo::today();
        self.0.get_at(conn, head, today, |conn| {
            let snap = repo::snapshot(conn, today)?;
            Ok(OrgView {
                warnings: rules::warnings(&snap),
                alliance_links: repo::alliance_links(conn)?,
                chart: Default::default(),
                snap,
            })
        })
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
