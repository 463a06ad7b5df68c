//! A post-mortem as Markdown, and the Atom feed of published ones.

use actix_web::{HttpRequest, HttpResponse, web};

use super::super::export;
use super::super::flow::{self, load};
use super::super::model::Status;
use super::super::repo;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::org::cache::org_view;
use crate::pages::changes::{Feed, FeedEntry, absolute_links, entry_id, rfc3339};
use crate::postmortems::flow::SummaryCache;
use crate::request::site_origin;
use crate::state::AppState;

pub(super) async fn markdown(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let org = org_view(&state).await?;
    let pm = load(&state, &org, &viewer, id).await?;
    let lessons = state
        .db
        .run(move |c| crate::lessons::repo::from_source(c, repo::KIND, &id.to_string()))
        .await?;
    let text = export::markdown(&pm, &org, &lessons, &site_origin(&req, &state.settings));
    Ok(HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"postmortem-{id}.md\""),
        ))
        .body(text))
}

/// Published post-mortems, newest first (drafts never reach a feed).
pub(super) async fn feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let cache = state.part::<SummaryCache>()?;
    let all = state.db.run(move |c| flow::all(c, &cache)).await?;
    let mut published: Vec<_> = all
        .iter()
        .filter(|s| s.status == Status::Published)
        .collect();
    published.sort_by_key(|s| std::cmp::Reverse(s.published_at));
    published.truncate(30);
    let ids: Vec<i64> = published.iter().map(|s| s.id).collect();
    let pms = state
        .db
        .run(move |c| {
            ids.iter()
                .map(|id| repo::get(c, *id))
                .collect::<AppResult<Vec<_>>>()
        })
        .await?;
    let base = site_origin(&req, &state.settings);
    let entries: Vec<FeedEntry> = pms
        .iter()
        .map(|pm| FeedEntry {
            id: entry_id(&state.settings.site_id, &format!("postmortem/{}", pm.id)),
            title: format!("{}: {}", pm.input.severity.key(), pm.input.title),
            url: format!("{base}{}", pm.url()),
            updated: rfc3339(pm.published_at.unwrap_or(pm.updated_at)),
            author: "fika".into(),
            html: absolute_links(
                &crate::markdown::render(&pm.input.summary).to_string(),
                &base,
            ),
        })
        .collect();
    Feed::new(
        &base,
        &state.settings.site_id,
        "/feeds/postmortems.atom",
        "/postmortems",
        "Post-mortems".into(),
        entries,
    )
    .response(&req)
}
