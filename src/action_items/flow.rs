//! What the pages, the API and the unit pages share about action items: which ones a viewer
//! may see (they follow their source's visibility), who may change one, and the in-memory
//! list they are filtered from.
//!
//! Post-mortems and retros create action items, so action items may not import them back:
//! each registers an `ItemSource` with the composition (`app::state`), which says which of
//! its records a viewer may see and whether the viewer is one of its people.

use std::collections::HashMap;

use serde::Deserialize;

use super::model::{ActionItem, Kind, Status, sort_for_listing};
use super::repo;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::UnitId;
use crate::org::cache::OrgView;
use crate::people::model::Person;
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

/// A source record of action items, as one viewer sees it.
pub struct Origin {
    pub title: String,
    /// Whether the viewer is one of the source's people, who may change its items: a
    /// post-mortem's authors, facilitator and squads, a retro's facilitator.
    pub owned: bool,
}

/// A feature whose records action items come from. An item follows its source's
/// visibility: a draft post-mortem's items are as private as it is.
pub trait ItemSource: Send + Sync {
    /// The `source_kind` of its items.
    fn kind(&self) -> &'static str;

    /// The records of this kind the viewer may see, by id.
    fn visible(
        &self,
        conn: &mut AnyConnection,
        org: &OrgView,
        viewer: Option<&Person>,
    ) -> AppResult<HashMap<i64, Origin>>;
}

/// The sources of action items, registered by the composition.
pub struct ItemSources(pub Vec<Box<dyn ItemSource>>);

impl ItemSources {
    /// Every source the viewer may see, by kind and id.
    pub fn visible(
        &self,
        conn: &mut AnyConnection,
        org: &OrgView,
        viewer: Option<&Person>,
    ) -> AppResult<HashMap<&'static str, HashMap<i64, Origin>>> {
        let mut all = HashMap::new();
        for source in &self.0 {
            all.insert(source.kind(), source.visible(conn, org, viewer)?);
        }
        Ok(all)
    }

    /// The item's source as the viewer sees it; `NotFound` when they may not see it.
    pub fn origin_of(
        &self,
        conn: &mut AnyConnection,
        org: &OrgView,
        viewer: Option<&Person>,
        item: &ActionItem,
    ) -> AppResult<Origin> {
        let source = self
            .0
            .iter()
            .find(|s| s.kind() == item.source_kind)
            .ok_or(AppError::NotFound)?;
        source
            .visible(conn, org, viewer)?
            .remove(&item.source_id)
            .ok_or(AppError::NotFound)
    }
}

/// Who may close or reopen an item: the people of its source (`owns_source`), the owner
/// squad's members and the person it is assigned to.
pub fn may_change(
    item: &ActionItem,
    owns_source: bool,
    viewer: Option<&Person>,
    org: &OrgView,
) -> bool {
    owns_source
        || viewer.is_some_and(|me| {
            org.snap.people_in(item.squad_id).contains(&me.id) || item.person_id == Some(me.id)
        })
}

/// The items the viewer may see that match `q`, overdue first.
pub async fn select(
    state: &AppState,
    org: &std::sync::Arc<OrgView>,
    viewer: Option<&Person>,
    q: &Query,
) -> AppResult<Vec<Listed>> {
    let bad = |what: &str, v: &str| AppError::Validation(format!("{v:?} is not a {what}."));
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
    squads: Option<&[UnitId]>,
) -> AppResult<Vec<Listed>> {
    let items = all_items(conn, &caches.items)?;
    let origins = caches.sources.visible(conn, org, viewer)?;
    let source_of = |i: &ActionItem| {
        origins
            .get(i.source_kind.as_str())
            .and_then(|of_kind| of_kind.get(&i.source_id))
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
                may_change: source.is_some_and(|s| may_change(&item, s.owned, viewer, org)),
                source_title: source.map(|s| s.title.clone()).unwrap_or_default(),
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
    pub items: std::sync::Arc<ItemCache>,
    pub sources: std::sync::Arc<ItemSources>,
}

impl Caches {
    pub fn of(state: &AppState) -> AppResult<Caches> {
        Ok(Caches {
            items: state.part::<ItemCache>()?,
            sources: state.part::<ItemSources>()?,
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
