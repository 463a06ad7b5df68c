//! The org snapshot (every unit, current membership and person, plus the warnings) is what
//! most org pages need, and rebuilding it costs milliseconds at thousands of people: it is kept
//! in a [`HeadCache`] until the change log moves on or the day changes.

use std::sync::Arc;

use chrono::NaiveDate;

use super::rules::{self, Snapshot, Warning};
use super::unit::UnitKind;
use super::unit_repo as repo;
use crate::db::AnyConnection;
use crate::db::head_cache::HeadCache;
use crate::error::AppResult;
use crate::ids::UnitId;
use crate::state::AppState;

/// The org as of now, from the app's cache, for a handler: one trip to the blocking pool.
pub async fn org_view(state: &AppState) -> AppResult<Arc<OrgView>> {
    let cache = state.part::<OrgCache>()?;
    state.db.run(move |c| cache.get(c)).await
}

/// Every unit, for attaching pages and lessons to them.
pub async fn all_units(state: &AppState) -> AppResult<Vec<super::views::UnitRef>> {
    let view = org_view(state).await?;
    Ok(view
        .snap
        .units
        .iter()
        .map(super::views::UnitRef::of)
        .collect())
}

/// A snapshot with what is derived from it.
pub struct OrgView {
    pub snap: Snapshot,
    pub warnings: Vec<Warning>,
    pub alliance_links: Vec<(UnitId, UnitId)>,
    /// The org chart, drawn once per snapshot (it is the same for every viewer).
    pub chart: std::sync::OnceLock<String>,
    /// Units by `(kind, slug)` and people by username, indexed on first use.
    keys: std::sync::OnceLock<Keys>,
}

#[derive(Default)]
struct Keys {
    units: std::collections::HashMap<(String, String), usize>,
    people: std::collections::HashMap<String, usize>,
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
        let today = crate::dates::today();
        self.0.get_at(conn, head, today, |conn| {
            let snap = repo::snapshot(conn, today)?;
            Ok(OrgView {
                warnings: rules::warnings(&snap),
                alliance_links: repo::alliance_links(conn)?,
                chart: Default::default(),
                keys: Default::default(),
                snap,
            })
        })
    }
}

impl OrgView {
    /// The id of the squad with this slug.
    pub fn squad_id(&self, slug: &str) -> Option<UnitId> {
        self.unit_by_key(UnitKind::Squad.as_str(), slug)
            .map(|u| u.id)
    }

    /// The squads a filter of `squad=`/`tribe=` (or `unit=kind/slug`) means; an unknown one
    /// matches nothing rather than everything.
    pub fn squads_of(&self, squad: &str, tribe: &str) -> Option<Vec<UnitId>> {
        if !squad.trim().is_empty() {
            return Some(self.squad_id(squad.trim()).into_iter().collect());
        }
        if !tribe.trim().is_empty() {
            return Some(
                match self.unit_by_key(UnitKind::Tribe.as_str(), tribe.trim()) {
                    Some(t) => self
                        .snap
                        .in_tribe(t.id, UnitKind::Squad)
                        .map(|u| u.id)
                        .collect(),
                    None => vec![],
                },
            );
        }
        None
    }

    fn keys(&self) -> &Keys {
        self.keys.get_or_init(|| Keys {
            units: (self.snap.units.iter().enumerate())
                .map(|(i, u)| ((u.kind.clone(), u.slug.clone()), i))
                .collect(),
            people: (self.snap.people.iter().enumerate())
                .map(|(i, p)| (p.username.clone(), i))
                .collect(),
        })
    }

    /// A unit by kind and slug, without scanning them all.
    pub fn unit_by_key(&self, kind: &str, slug: &str) -> Option<&super::unit::Unit> {
        let i = *self
            .keys()
            .units
            .get(&(kind.to_string(), slug.to_string()))?;
        self.snap.units.get(i)
    }

    /// A current person by username.
    pub fn person_by_username(&self, username: &str) -> Option<&super::unit_repo::PersonBrief> {
        let i = *self.keys().people.get(username)?;
        self.snap.people.get(i)
    }

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
