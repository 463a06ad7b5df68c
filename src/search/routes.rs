//! `/search` (the page), `/search/suggest` (search as you type) and `/api/v1/search`. The
//! middleware already decided who may search; the index decides what each viewer sees.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::run::{Params, Readers, Request, Results};
use super::views::SearchPage;
use crate::auth::Viewer;
use crate::error::{AppResult, ErrorJson};
use crate::org::cache::OrgCache;
use crate::search::Search;
use crate::site::views::{Shell, html};
use crate::state::AppState;

/// The search API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(api))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/search", web::get().to(page))
        .route("/search/suggest", web::get().to(suggest))
        .route("/api/v1/search", web::get().to(api));
}

/// Runs the search off the actix worker.
async fn run(state: &AppState, viewer: &Viewer, req: &Request) -> AppResult<Results> {
    let search = state.part::<Search>()?;
    let readers = Readers::of(viewer);
    let req = req.clone();
    web::block(move || search.search(&req, &readers)).await?
}

async fn page(
    state: web::Data<AppState>,
    viewer: Viewer,
    params: web::Query<Params>,
) -> AppResult<HttpResponse> {
    let req = Request::new(&params);
    // One trip to a blocking thread for both: the results and the org names they show.
    let (search, org_cache, readers, r) = (
        state.part::<Search>()?,
        state.part::<OrgCache>()?,
        Readers::of(&viewer),
        req.clone(),
    );
    let (results, org) = state
        .db
        .run(move |c| Ok((search.search(&r, &readers)?, org_cache.get(c)?)))
        .await?;
    let building = state.part::<Search>()?.status.building();
    html(&SearchPage::new(
        Shell::new(&viewer, "search"),
        &params,
        &req,
        results,
        &org,
        building,
    ))
}

#[derive(serde::Deserialize)]
struct SuggestQuery {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct SuggestJson {
    q: String,
    suggestions: Vec<super::run::Suggestion>,
}

async fn suggest(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<SuggestQuery>,
) -> AppResult<HttpResponse> {
    let text: String = q.q.chars().take(200).collect();
    let search = state.part::<Search>()?;
    let readers = Readers::of(&viewer);
    let asked = text.clone();
    let suggestions = web::block(move || search.suggest(&asked, &readers, 8)).await??;
    Ok(HttpResponse::Ok().json(SuggestJson {
        q: text,
        suggestions,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
struct HitJson {
    kind: String,
    title: String,
    url: String,
    snippet: String,
    score: Option<f32>,
    date: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct SearchJson {
    total: usize,
    page: usize,
    per_page: usize,
    hits: Vec<HitJson>,
    facets: BTreeMap<&'static str, BTreeMap<String, u64>>,
    /// The query as typed.
    typed: String,
    /// The query the hits are for, when fika corrected a typo.
    corrected: Option<String>,
    /// A better query, when fika thinks the one asked has a typo.
    did_you_mean: Option<String>,
    /// Not every word had to match (fewer than ten records hold all of them); the records
    /// with all of them come first (when sorted by relevance).
    relaxed: bool,
    /// How many records hold every word.
    all_words: usize,
    /// Words no record the viewer may read holds (in a relaxed search).
    missing: Vec<String>,
    /// The index is being rebuilt: results are incomplete for a little while.
    incomplete: bool,
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(Params), responses((status = 200, description = "The hits the asker may read, with facets and typo corrections", body = SearchJson), (status = 422, description = "A parameter is wrong", body = ErrorJson)))]
async fn api(
    state: web::Data<AppState>,
    viewer: Viewer,
    params: web::Query<Params>,
) -> AppResult<HttpResponse> {
    let req = Request::new(&params);
    let r = run(&state, &viewer, &req).await?;
    let facet = |values: &[(String, u64)]| values.iter().cloned().collect::<BTreeMap<_, _>>();
    let (corrected, did_you_mean) = match r.correction {
        Some(super::run::Correction::Showing { used, .. }) => (Some(used), None),
        Some(super::run::Correction::DidYouMean(used)) => (None, Some(used)),
        None => (None, None),
    };
    Ok(HttpResponse::Ok().json(SearchJson {
        total: r.total,
        page: req.page,
        per_page: req.per_page,
        hits: r
            .hits
            .into_iter()
            .map(|h| HitJson {
                kind: h.kind,
                title: h.title.text,
                url: h.url,
                snippet: h.snippet.text,
                score: h.score,
                date: h.date.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            })
            .collect(),
        facets: BTreeMap::from([
            ("kind", facet(&r.facets.kind)),
            ("tribe", facet(&r.facets.tribe)),
            ("squad", facet(&r.facets.squad)),
            ("tag", facet(&r.facets.tag)),
        ]),
        typed: req.q.clone(),
        corrected,
        did_you_mean,
        relaxed: r.relaxed,
        all_words: r.all_words,
        missing: r.missing,
        incomplete: state.part::<Search>()?.status.building().is_some(),
    }))
}
