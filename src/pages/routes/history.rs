//! A page's history: the list of revisions, an old revision, the diff between two, and
//! restoring one.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::live_page;
use super::show::render_show;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::pages::model::PageInput;
use crate::pages::repo::{self, Saved};
use crate::pages::views::HistoryPage;
use crate::revisions::merge::OnStale;
use crate::revisions::views::DiffPage;
use crate::site::views::see_other;
use crate::site::views::{Shell, html};
use crate::state::AppState;

pub(super) async fn history(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let page = live_page(&state, slug.into_inner()).await?;
    let id = page.id;
    let revisions = state.db.run(move |c| repo::history(c, id)).await?;
    html(&HistoryPage {
        shell: Shell::new(&viewer, "pages"),
        page,
        revisions,
    })
}

pub(super) async fn old_revision(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let (slug, n) = path.into_inner();
    let page = live_page(&state, slug).await?;
    let id = page.id;
    let rev = state.db.run(move |c| repo::revision(c, id, n)).await?;
    render_show(&state, &viewer, page, Some(rev)).await
}

#[derive(Deserialize)]
pub(super) struct DiffQuery {
    from: i32,
    to: i32,
}

pub(super) async fn diff(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    q: web::Query<DiffQuery>,
) -> AppResult<HttpResponse> {
    let page = live_page(&state, slug.into_inner()).await?;
    let (id, from, to) = (page.id, q.from, q.to);
    let (from, to) = state
        .db
        .run(move |c| Ok((repo::revision(c, id, from)?, repo::revision(c, id, to)?)))
        .await?;
    let lines = crate::revisions::merge::diff(&from.body, &to.body);
    html(&DiffPage {
        shell: Shell::new(&viewer, "pages"),
        title: page.title.clone(),
        url: page.url(),
        section: ("Pages", "/pages"),
        from: (from.number, from.title),
        to: (to.number, to.title),
        lines,
    })
}

/// Restoring makes a new revision with the old content: history only grows.
pub(super) async fn restore(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let (slug, n) = path.into_inner();
    let page = live_page(&state, slug).await?;
    let id = page.id;
    let saved = state
        .db
        .run(move |c| {
            let old = repo::revision(c, id, n)?;
            let input = PageInput {
                title: old.title,
                slug: page.slug.clone(),
                body: old.body,
                summary: format!("restored revision {n}"),
                tags: repo::tags_of(c, id)?,
                units: repo::units_of(c, id)?.iter().map(|u| u.id).collect(),
                slug_from_title: false,
            };
            repo::save(c, Some(me), id, page.revision, &input, OnStale::Refuse)
        })
        .await?;
    match saved {
        Saved::Ok { saved: page, .. } => Ok(see_other(&page.url())),
        Saved::Conflict { current, .. } => Ok(see_other(&format!("{}/history", current.url()))),
    }
}
