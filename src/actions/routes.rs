//! `/actions`: every action item the viewer may see, by squad and tribe, overdue ones first;
//! `POST /actions/{id}` closes or reopens one. What the page and the API share lives here
//! too: which items a viewer may see and who may change one.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::model::{ActionItem, Kind, Status, sort_for_listing};
use super::repo;
use crate::app::AppState;
use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::experiments::filters::squads_of;
use crate::experiments::views::{Choice, UnitChoice, units_of};
use crate::org::cache::OrgView;
use crate::org::model::Person;
use crate::org::routes::org_view;
use crate::org::unit::UnitKind;
use crate::postmortems::flow;
use crate::postmortems::views::ActionView;
use crate::site::views::{Shell, html, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/actions", web::get().to(page))
        .route("/actions/{id}", web::post().to(set_status))
        .route("/api/v1/actions", web::get().to(super::api::list));
}

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

/// Items per page of `/actions`.
const PAGE: usize = 100;

/// An item with the title of where it came from.
pub struct Listed {
    pub item: ActionItem,
    pub source_title: String,
    /// Whether the viewer may close or reopen it.
    pub may_change: bool,
}

/// Who may close or reopen an item: the people of its post-mortem, the owner squad's members
/// and the person it is assigned to.
pub fn may_change(
    item: &ActionItem,
    source: crate::postmortems::repo::Involved<'_>,
    viewer: Option<&Person>,
    org: &OrgView,
) -> bool {
    viewer.is_some_and(|me| {
        flow::may_edit(source, Some(me), org)
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
    let squads = squads_of(org, &q.squad, &q.tribe);
    let (caches, org2, me) = (Caches::of(state), org.clone(), viewer.cloned());
    let overdue_only = !q.overdue.trim().is_empty();
    let today = crate::org::unit_repo::today();
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
/// follow their post-mortem's visibility: a draft's items are as private as it is.
pub fn visible(
    conn: &mut AnyConnection,
    caches: &Caches,
    org: &OrgView,
    viewer: Option<&Person>,
    status: Option<Status>,
    squads: Option<&[i64]>,
) -> AppResult<Vec<Listed>> {
    let all = flow::all(conn, &caches.postmortems)?;
    let items = all_items(conn, &caches.items)?;
    let sources: HashMap<i64, &crate::postmortems::repo::Summary> =
        flow::visible_summaries(&all, viewer, org)
            .map(|s| (s.id, s))
            .collect();
    let mut items: Vec<ActionItem> = items
        .iter()
        .filter(|i| {
            i.source_kind == crate::postmortems::repo::KIND && sources.contains_key(&i.source_id)
        })
        .filter(|i| status.is_none_or(|s| i.status == s))
        .filter(|i| squads.is_none_or(|q| q.contains(&i.squad_id)))
        .cloned()
        .collect();
    sort_for_listing(&mut items, crate::org::unit_repo::today());
    Ok(items
        .into_iter()
        .map(|item| {
            let source = sources.get(&item.source_id);
            Listed {
                source_title: source.map(|s| s.title.clone()).unwrap_or_default(),
                may_change: source.is_some_and(|s| may_change(&item, s.people(), viewer, org)),
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
}

impl Caches {
    pub fn of(state: &AppState) -> Caches {
        Caches {
            postmortems: state.postmortems.clone(),
            items: state.action_items.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "actions/list.html")]
struct Page {
    shell: Shell,
    actions: Vec<ActionView>,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    overdue: usize,
    q: Query,
    squads: Vec<UnitChoice>,
    tribes: Vec<UnitChoice>,
    kinds: Vec<Choice>,
    back: String,
    show_source: bool,
}

async fn page(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<Query>,
    req: actix_web::HttpRequest,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let org = org_view(&state).await?;
    let listed = select(&state, &org, viewer.person(), &q).await?;
    let today = crate::org::unit_repo::today();
    let overdue = listed.iter().filter(|l| l.item.overdue(today)).count();
    let pages = listed.len().div_ceil(PAGE).max(1);
    let page = q.page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
    let actions: Vec<ActionView> = listed
        .iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .map(|l| ActionView::of(l, &org.snap, today))
        .collect();
    let back = match req.query_string() {
        "" => "/actions".to_string(),
        qs => format!("/actions?{qs}"),
    };
    // The same filters on another page.
    let on_page = |p: usize| {
        let mut qs = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("status", &q.status),
            ("squad", &q.squad),
            ("tribe", &q.tribe),
            ("kind", &q.kind),
            ("overdue", &q.overdue),
        ] {
            if !v.trim().is_empty() {
                qs.append_pair(k, v.trim());
            }
        }
        qs.append_pair("page", &p.to_string());
        format!("/actions?{}", qs.finish())
    };
    html(&Page {
        shell: Shell::new(&viewer, "postmortems"),
        total: listed.len(),
        prev: (page > 1).then(|| on_page(page - 1)),
        next: (page < pages).then(|| on_page(page + 1)),
        overdue,
        actions,
        q,
        squads: units_of(&org, UnitKind::Squad),
        tribes: units_of(&org, UnitKind::Tribe),
        kinds: Kind::ALL.iter().map(|k| (k.key(), k.label())).collect(),
        back,
        show_source: true,
    })
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

/// Where a form may send the browser back to: a path on this site, and nothing a browser
/// could read as another site (`//x`, `/\\x`, control characters).
fn local_path(back: &str) -> bool {
    let mut chars = back.chars();
    chars.next() == Some('/')
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && !back
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

async fn set_status(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let f = form.into_inner();
    let status = Status::parse(&f.status)
        .ok_or_else(|| AppError::BadRequest(format!("{:?} is not a status.", f.status)))?;
    super::model::check_reason(status, &f.reason).map_err(AppError::Validation)?;
    let org = org_view(&state).await?;
    let id = id.into_inner();
    let item = state.db.run(move |c| repo::get(c, id)).await?;
    let pm = flow::load(&state, &org, &viewer, item.source_id).await?;
    if !may_change(&item, pm.people(), Some(&me), &org) {
        return Err(AppError::forbidden(
            "Only the owner squad, the person it is assigned to and the post-mortem's people \
             may change an action item.",
        ));
    }
    // A reason is for deciding against an item; text left in the box when "Done" is pressed
    // is not one.
    let reason = if status == Status::WontDo {
        f.reason
    } else {
        String::new()
    };
    state
        .db
        .run(move |c| repo::set_status(c, Some(me.id), &item, status, &reason))
        .await?;
    let back = if local_path(&f.back) {
        f.back
    } else {
        pm.url()
    };
    Ok(see_other(&back))
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed_back() {
        assert!(local_path("/actions"));
        assert!(local_path("/actions?status=open&squad=radio"));
        assert!(local_path("/postmortems/3"));
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/ evil",
            "actions",
        ] {
            assert!(!local_path(bad), "{bad:?}");
        }
    }
}
