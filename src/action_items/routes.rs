//! `/actions`: every action item the viewer may see, by squad and tribe, overdue ones first;
//! `POST /actions/{id}` closes or reopens one.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::flow::{ItemSources, Query, may_change, select};
use super::model::{Kind, Status};
use super::repo;
use crate::action_items::flow::ActionView;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::org_view;
use crate::org::forms::{Choice, UnitChoice, units_of};
use crate::org::unit::UnitKind;
use crate::site::views::{Shell, html, page_url, see_other};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/actions", web::get().to(page))
        .route("/actions/{id}", web::post().to(set_status));
}

/// Items per page of `/actions`.
const PAGE: usize = 100;

#[derive(Template)]
#[template(path = "action_items/list.html")]
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
    let today = crate::dates::today();
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
    let on_page = |p: usize| {
        page_url(
            "/actions",
            &[
                ("status", &q.status),
                ("squad", &q.squad),
                ("tribe", &q.tribe),
                ("kind", &q.kind),
                ("overdue", &q.overdue),
            ],
            p,
        )
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
    let (sources, me2, org2) = (state.part::<ItemSources>()?, me.clone(), org.clone());
    let (item, origin) = state
        .db
        .run(move |c| {
            let item = repo::get(c, id)?;
            let origin = sources.origin_of(c, &org2, Some(&me2), &item)?;
            Ok((item, origin))
        })
        .await?;
    let allowed = may_change(&item, origin.owned, Some(&me), &org);
    let source_url = item.source_url();
    if !allowed {
        return Err(AppError::forbidden(
            "Only the owner squad, the person it is assigned to and the people of where it \
             came from may change an action item.",
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
        source_url
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
