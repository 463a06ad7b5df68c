//! What the pages, the API and the unit pages share about action items: which ones a viewer
//! may see (they follow their source's visibility), who may change one, and the in-memory
//! list they are filtered from.

use std::collections::HashMap;

use serde::Deserialize;

use super::model::{ActionItem, Kind, Status, sort_for_listing};
use super::repo;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgView;
use crate::people::model::Person;
use crate::postmortems::flow;
use crate::postmortems::flow::SummaryCache;
use crate::retros::flow::RetroCache;
use crate::state::AppState;

/// What `/actions` and its API filter by.
#[derive(Deserialize, Default, Clone)]
pub struct Query {
    /// `open` (the default), `done`, `wontdo` or `all`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub tribe: String,
    #[serde(default)]
    pub kind: String,
    /// Only overdue ones.
    #[serde(default)]
    pub overdue: String,
    /// The page of `/actions`, from 1 (the API answers every match).
    #[serde(default)]
    pub page: String,
}

/// An item with the title of where it came from.
pub struct Listed {
    pub item: ActionItem,
    pub source_title: String,
    /// Whether the viewer may close or reopen it.
    pub may_change: bool,
}

/// Where an item came from, as far as who may see and change it goes.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    Postmortem(crate::postmortems::repo::Involved<'a>),
    Retro(&'a crate::retros::model::Retro),
}

/// Who may close or reopen an item: the people of its post-mortem (or its retro's
/// facilitator), the owner squad's members and the person it is assigned to.
pub fn may_change(
    item: &ActionItem,
    source: Source<'_>,
    viewer: Option<&Person>,
    org: &OrgView,
) -> bool {
    viewer.is_some_and(|me| {
        let of_source = match source {
            Source::Postmortem(people) => flow::may_edit(people, Some(me), org),
            Source::Retro(r) => r.facilitator_id == me.id,
        };
        of_source
            || org.snap.people_in(item.squad_id).contains(&me.id)
            || item.person_id == Some(me.id)
    })
}

/// The items the viewer may see that match `q`, overdue first.
pub async fn select(
    state: &AppState,
    org: &std::sync::Arc<OrgView>,
    viewer: Option<&Person>,
    q: &Query,
) -> AppResult<Vec<Listed>> {
    let bad = |what: &str, v: &str| AppError::BadRequest(format!("{v:?} is not a {what}."));
    let status = match q.status.trim() {
        "" | "open" => Some(Status::Open),
        "all" => None,
        s => Some(Status::parse(s).ok_or_else(|| bad("status (open, done, wontdo, all)", s))?),
    };
    let kind = match q.kind.trim() {
        "" => None,
        k => Some(Kind::parse(k).ok_or_else(|| bad("type of action", k))?),
    };
    let squads = org.squads_of(&q.squad, &q.tribe);
    let (caches, org2, me) = (Caches::of(state)?, org.clone(), viewer.cloned());
    let overdue_only = !q.overdue.trim().is_empty();
    let today = crate::dates::today();
    let listed = state
        .db
        .run(move |c| visible(c, &caches, &org2, me.as_ref(), status, squads.as_deref()))
        .await?;
    Ok(listed
        .into_iter()
        .filter(|l| kind.is_none_or(|k| l.item.kind == k))
        .filter(|l| !overdue_only || l.item.overdue(today))
        .collect())
}

/// Items in `status` of `squads` (None: all) that the viewer may see, overdue first. Items
/// follow their source's visibility: a draft post-mortem's items are as private as it is.
pub fn visible(
    conn: &mut AnyConnection,
    caches: &Caches,
    org: &OrgView,
    viewer: Option<&Person>,
    status: Option<Status>,
    squads: Option<&[i64]>,
) -> AppResult<Vec<Listed>> {
    let all = flow::all(conn, &caches.postmortems)?;
    let retros = crate::retros::flow::all(conn, &caches.retros)?;
    let items = all_items(conn, &caches.items)?;
    let sources: HashMap<i64, &crate::postmortems::repo::Summary> =
        flow::visible_summaries(&all, viewer, org)
            .map(|s| (s.id, s))
            .collect();
    let retros: HashMap<i64, &crate::retros::model::Retro> = retros
        .iter()
        .filter(|r| crate::retros::flow::may_see_as(r, viewer))
        .map(|r| (r.id, r))
        .collect();
    // Each item with its source's title and change rule, if the viewer may see the source.
    let source_of = |i: &ActionItem| -> Option<(String, Source<'_>)> {
        match i.source_kind.as_str() {
            crate::postmortems::repo::KIND => sources
                .get(&i.source_id)
                .map(|s| (s.title.clone(), Source::Postmortem(s.people()))),
            crate::retros::repo::KIND => retros
                .get(&i.source_id)
                .map(|r| (r.title.clone(), Source::Retro(r))),
            _ => None,
        }
    };
    let mut items: Vec<ActionItem> = items
        .iter()
        .filter(|i| source_of(i).is_some())
        .filter(|i| status.is_none_or(|s| i.status == s))
        .filter(|i| squads.is_none_or(|q| q.contains(&i.squad_id)))
        .cloned()
        .collect();
    sort_for_listing(&mut items, crate::dates::today());
    Ok(items
        .into_iter()
        .map(|item| {
            let source = source_of(&item);
            Listed {
                may_change: source
                    .as_ref()
                    .is_some_and(|(_, s)| may_change(&item, *s, viewer, org)),
                source_title: source.map(|(t, _)| t).unwrap_or_default(),
                item,
            }
        })
        .collect())
}

/// Every action item, kept until the change log moves on: pages and the API filter it in
/// memory (thousands of rows cost microseconds to filter, milliseconds to read).
pub type ItemCache = crate::db::head_cache::HeadCache<Vec<ActionItem>>;

pub fn all_items(
    conn: &mut AnyConnection,
    cache: &ItemCache,
) -> AppResult<std::sync::Arc<Vec<ActionItem>>> {
    cache.get(conn, (), repo::all)
}

/// The caches action items are listed from.
#[derive(Clone)]
pub struct Caches {
    pub postmortems: std::sync::Arc<flow::SummaryCache>,
    pub items: std::sync::Arc<ItemCache>,
    pub retros: std::sync::Arc<crate::retros::flow::RetroCache>,
}

impl Caches {
    pub fn of(state: &AppState) -> AppResult<Caches> {
        Ok(Caches {
            postmortems: state.part::<SummaryCache>()?,
            items: state.part::<ItemCache>()?,
            retros: state.part::<RetroCache>()?,
        })
    }
}

/// An action item as the pages show it: `/actions`, a post-mortem's and a unit's page.
pub struct ActionView {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub status: super::model::Status,
    pub squad: Option<(String, String)>,
    pub person: Option<(String, String)>,
    pub due: String,
    pub overdue: i64,
    pub reason: String,
    pub tracker: String,
    pub source_url: String,
    pub source_title: String,
    pub may_change: bool,
}

impl ActionView {
    /// An item as listed (with where it came from and whether the viewer may change it).
    pub fn of(l: &Listed, snap: &crate::org::rules::Snapshot, today: chrono::NaiveDate) -> Self {
        let a = &l.item;
        ActionView {
            id: a.id,
            title: a.title.clone(),
            kind: a.kind.label(),
            status: a.status,
            squad: snap.unit(a.squad_id).map(|u| (u.name.clone(), u.url())),
            person: a
                .person_id
                .and_then(|p| snap.person(p))
                .map(|p| (p.username.clone(), p.display_name.clone())),
            due: a.due_on.map(|d| d.to_string()).unwrap_or_default(),
            overdue: a.days_overdue(today),
            reason: a.reason.clone(),
            tracker: a.tracker.clone(),
            source_url: a.source_url(),
            source_title: l.source_title.clone(),
            may_change: l.may_change,
        }
    }
}
