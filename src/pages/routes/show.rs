//! Reading the wiki: the list of pages (by tag or unit) and one page, at its current or an
//! old revision, with its related pages.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{gone, may_delete};
use crate::auth::Viewer;
use crate::comments::flow::thread_for;
use crate::db::EntityKind;
use crate::error::AppResult;
use crate::notify::model::Target;
use crate::org::cache::all_units;
use crate::pages::model;
use crate::pages::render::{PageParts, Renderer};
use crate::pages::repo::{self, Lookup};
use crate::pages::views::{ListPage, ShowPage};
use crate::revisions::views::{Merged, MergedQuery};
use crate::site::views::{Shell, html};
use crate::state::AppState;

#[derive(Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    tag: String,
    /// "squad/payments"
    #[serde(default)]
    unit: String,
}

pub(super) async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let units = all_units(&state).await?;
    let unit = units.iter().find(|u| u.key() == q.unit).cloned();
    let (unit_id, tag) = (unit.as_ref().map(|u| u.id), q.tag.trim().to_lowercase());
    let tag2 = tag.clone();
    let (pages, tags) = state
        .db
        .run(move |c| {
            let tag = (!tag2.is_empty()).then_some(tag2.as_str());
            Ok((repo::list(c, unit_id, tag, 500)?, repo::all_tags(c)?))
        })
        .await?;
    html(&ListPage {
        shell: Shell::new(&viewer, "pages"),
        pages,
        tags,
        tag,
        unit,
        all_units: units,
    })
}

pub(super) async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    q: web::Query<MergedQuery>,
) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let (renderer, admin) = (Renderer::of(&state)?, viewer.is_admin());
    // One trip to the blocking pool: the page and, from the cache, everything it shows.
    let found = state
        .db
        .run(move |c| match repo::find(c, &slug)? {
            Lookup::MovedTo(s) => Ok(Err(s)),
            Lookup::Found(p) if p.deleted_at.is_some() && !admin => Err(gone()),
            Lookup::Found(p) => {
                let parts = renderer.page_parts(c, &p, None)?;
                Ok(Ok((p, parts)))
            }
        })
        .await?;
    match found {
        Ok((page, parts)) => {
            let merged = q.notice(page.revision, &page.url());
            show_page(&state, &viewer, page, parts, None, merged).await
        }
        Err(new_slug) => Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/pages/{new_slug}")))
            .finish()),
    }
}

pub(super) async fn render_show(
    state: &AppState,
    viewer: &Viewer,
    page: model::Page,
    old: Option<model::Revision>,
) -> AppResult<HttpResponse> {
    let renderer = Renderer::of(state)?;
    let (p, o) = (page.clone(), old.clone());
    let parts = state
        .db
        .run(move |c| renderer.page_parts(c, &p, o.as_ref()))
        .await?;
    show_page(state, viewer, page, parts, old, None).await
}

async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    page: model::Page,
    parts: std::sync::Arc<PageParts>,
    old: Option<model::Revision>,
    merged: Option<Merged>,
) -> AppResult<HttpResponse> {
    let related = if page.deleted_at.is_none() {
        crate::search::aside::related(
            state,
            crate::projection::key("page", &page.slug),
            page.title.clone(),
            page.body.clone(),
            parts.units.iter().map(|u| u.id).collect(),
        )
        .await
    } else {
        vec![]
    };
    let can_delete = page.deleted_at.is_none()
        && may_delete(
            state,
            viewer,
            page.id,
            parts.units.iter().map(|u| u.id).collect(),
        )
        .await?;
    let target = Target::Record(EntityKind::Page, page.id.to_string());
    let watch = match page.deleted_at {
        None => crate::notify::flow::button_for(state, viewer, target, page.url()).await?,
        Some(_) => None,
    };
    let thread = match (&page.deleted_at, &old) {
        (None, None) => Some(thread_for(state, viewer, EntityKind::Page, page.id).await?),
        _ => None,
    };
    html(&ShowPage {
        thread,
        watch,
        related,
        shell: Shell::new(viewer, "pages"),
        can_undelete: viewer.is_admin() && page.deleted_at.is_some(),
        can_delete,
        page,
        html: parts.html.clone(),
        tags: parts.tags.clone(),
        units: parts.units.clone(),
        backlinks: parts.backlinks.clone(),
        old_revision: old,
        merged,
    })
}
