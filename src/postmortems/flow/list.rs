//! The list of post-mortems: every summary (cached per change-log head), what the viewer
//! may see of it, the list's filters, and what action items see of their post-mortems.

use std::sync::Arc;

use super::super::model::Status;
use super::super::repo::{self, Summary};
use super::{may_edit, may_see};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgView;
use crate::people::model::Person;

/// Post-mortems the viewer may see, newest incident first.
pub fn visible_summaries<'a>(
    all: &'a [Summary],
    viewer: Option<&'a Person>,
    org: &'a OrgView,
) -> impl Iterator<Item = &'a Summary> + 'a {
    all.iter().filter(move |s| may_see(s.people(), viewer, org))
}

/// Every post-mortem's summary, kept until the change log moves on.
pub type SummaryCache = crate::db::head_cache::HeadCache<Vec<Summary>>;

pub fn all(conn: &mut AnyConnection, cache: &SummaryCache) -> AppResult<Arc<Vec<Summary>>> {
    cache.get(conn, (), repo::all)
}

/// What the list and its API filter by, as typed.
#[derive(serde::Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub tribe: String,
    #[serde(default)]
    pub status: String,
    /// Incidents that started on or after this date.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// The page of the list, from 1 (the API answers every match).
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    /// The list with these filters on another page.
    pub fn page_url(&self, page: usize) -> String {
        crate::site::views::page_url(
            "/postmortems",
            &[
                ("severity", &self.severity),
                ("squad", &self.squad),
                ("tribe", &self.tribe),
                ("status", &self.status),
                ("from", &self.from),
                ("to", &self.to),
            ],
            page,
        )
    }

    /// The post-mortems of `all` the viewer may see that match, newest incident first. An
    /// unknown squad or tribe matches nothing; an unreadable severity, status or date is a 400.
    pub fn select<'a>(
        &self,
        all: &'a [Summary],
        viewer: Option<&'a Person>,
        org: &'a OrgView,
    ) -> AppResult<Vec<&'a Summary>> {
        let bad = |what: &str, v: &str| AppError::Validation(format!("{v:?} is not a {what}."));
        let severity = match self.severity.trim() {
            "" => None,
            s => Some(super::super::model::Severity::parse(s).ok_or_else(|| bad("severity", s))?),
        };
        let status = match self.status.trim() {
            "" => None,
            s => Some(Status::parse(s).ok_or_else(|| bad("status", s))?),
        };
        let from = crate::site::forms::date_param(&self.from, "from:")?;
        let to = crate::site::forms::date_param(&self.to, "to:")?;
        let squads = org.squads_of(&self.squad, &self.tribe);
        Ok(visible_summaries(all, viewer, org)
            .filter(|s| severity.is_none_or(|v| s.severity == v))
            .filter(|s| status.is_none_or(|v| s.status == v))
            .filter(|s| {
                let day = s.times.started.map(|t| t.date());
                from.is_none_or(|f| day.is_some_and(|d| d >= f))
                    && to.is_none_or(|t| day.is_some_and(|d| d <= t))
            })
            .filter(|s| {
                squads
                    .as_ref()
                    .is_none_or(|q| s.squads.iter().any(|id| q.contains(id)))
            })
            .collect())
    }
}

/// Post-mortems as the source of action items: their items are visible where the
/// post-mortem is, and its people may change them.
pub struct ItemsFrom(pub Arc<SummaryCache>);

impl crate::action_items::flow::ItemSource for ItemsFrom {
    fn kind(&self) -> &'static str {
        repo::KIND
    }

    fn visible(
        &self,
        conn: &mut AnyConnection,
        org: &OrgView,
        viewer: Option<&Person>,
    ) -> AppResult<std::collections::HashMap<i64, crate::action_items::flow::Origin>> {
        let all = all(conn, &self.0)?;
        Ok(visible_summaries(&all, viewer, org)
            .map(|s| {
                let origin = crate::action_items::flow::Origin {
                    title: s.title.clone(),
                    owned: may_edit(s.people(), viewer, org),
                };
                (s.id, origin)
            })
            .collect())
    }
}
