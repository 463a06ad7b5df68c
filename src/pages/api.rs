//! The wiki's JSON API (a contract): `GET/POST /api/v1/pages`, `GET/PUT /api/v1/pages/{slug}`
//! (PUT carries `base_revision`; a stale one is a 409 with the current revision) and
//! `GET /api/v1/pages/{slug}/revisions`. Bodies carry the Markdown and the rendered HTML.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::flow::parse_input;
use super::model::Page;
use super::render::render;
use super::repo::{self, Lookup};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, ErrorJson};
use crate::org::cache::all_units;
use crate::org::unit::UnitKey;
use crate::revisions::merge::OnStale;
use crate::site::forms::Pairs;
use crate::site::paging::{self, PageQuery};
use crate::state::AppState;

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, get, create, update, revisions))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/pages", web::get().to(list))
        .route("/api/v1/pages", web::post().to(create))
        .route("/api/v1/pages/{slug}", web::get().to(get))
        .route("/api/v1/pages/{slug}", web::put().to(update))
        .route("/api/v1/pages/{slug}/revisions", web::get().to(revisions));
}

#[derive(Serialize, utoipa::ToSchema)]
struct PageJson {
    slug: String,
    title: String,
    revision: i32,
    body: String,
    html: String,
    tags: Vec<String>,
    units: Vec<UnitKey>,
    updated_at: NaiveDateTime,
    url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct PageSummaryJson {
    slug: String,
    title: String,
    revision: i32,
    updated_at: NaiveDateTime,
    url: String,
}

/// Fields a script sends; units as "squad/payments".
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PageBody {
    title: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    body: Option<String>,
    #[serde(default)]
    summary: String,
    tags: Option<Vec<String>>,
    units: Option<Vec<String>>,
    base_revision: Option<i32>,
    /// `true`: an edit from an older revision is merged with the changes since, when they
    /// touch other lines. Without it a stale `base_revision` is always a 409.
    #[serde(default)]
    merge: bool,
}

async fn page_json(state: &AppState, page: Page) -> AppResult<PageJson> {
    let html = render(state, page.body.clone()).await?;
    let id = page.id;
    let (tags, units) = state
        .db
        .run(move |c| Ok((repo::tags_of(c, id)?, repo::units_of(c, id)?)))
        .await?;
    Ok(PageJson {
        url: page.url(),
        slug: page.slug,
        title: page.title,
        revision: page.revision,
        body: page.body,
        html: html.to_string(),
        tags,
        units: units.into_iter().map(UnitKey::of).collect(),
        updated_at: page.updated_at,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only pages with this tag.
    tag: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/pages", tag = "pages", params(ListQuery, PageQuery), responses((status = 200, description = "A page of wiki pages", body = paging::Page<PageSummaryJson>)))]
async fn list(
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let tag = q.tag.clone().map(|t| t.to_lowercase());
    let pages = state
        .db
        .run(move |c| repo::list(c, None, tag.as_deref(), i64::MAX))
        .await?;
    let list: Vec<PageSummaryJson> = pages
        .into_iter()
        .map(|p| PageSummaryJson {
            url: format!("/pages/{}", p.slug),
            slug: p.slug,
            title: p.title,
            revision: p.revision,
            updated_at: p.updated_at,
        })
        .collect();
    paging::respond(&req, &page, list, |p| p.slug.clone())
}

async fn live(state: &AppState, slug: String) -> AppResult<Page> {
    match state.db.run(move |c| repo::find(c, &slug)).await? {
        Lookup::Found(p) if p.deleted_at.is_none() => Ok(p),
        _ => Err(AppError::NotFound),
    }
}

#[utoipa::path(get, path = "/api/v1/pages/{slug}", tag = "pages", params(("slug" = String, Path, description = "The page's slug")), responses((status = 200, description = "The page", body = PageJson), (status = 404, description = "No such page", body = ErrorJson)))]
async fn get(state: web::Data<AppState>, slug: web::Path<String>) -> AppResult<HttpResponse> {
    let page = live(&state, slug.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page_json(&state, page).await?))
}

/// The body as form pairs, so the API checks exactly what the form checks.
fn pairs(b: &PageBody, current: Option<(&Page, &[String], &[String])>) -> Pairs {
    let mut v = vec![
        (
            "title".to_string(),
            b.title
                .clone()
                .or(current.map(|c| c.0.title.clone()))
                .unwrap_or_default(),
        ),
        (
            "slug".to_string(),
            b.slug
                .clone()
                .or(current.map(|c| c.0.slug.clone()))
                .unwrap_or_default(),
        ),
        (
            "body".to_string(),
            b.body
                .clone()
                .or(current.map(|c| c.0.body.clone()))
                .unwrap_or_default(),
        ),
        ("summary".to_string(), b.summary.clone()),
        (
            "tags".to_string(),
            b.tags
                .clone()
                .or(current.map(|c| c.1.to_vec()))
                .unwrap_or_default()
                .join(","),
        ),
    ];
    let units = b
        .units
        .clone()
        .or(current.map(|c| c.2.to_vec()))
        .unwrap_or_default();
    v.extend(units.into_iter().map(|u| ("units".to_string(), u)));
    Pairs(v)
}

#[utoipa::path(post, path = "/api/v1/pages", tag = "pages", request_body = PageBody, responses((status = 201, description = "The page made", body = PageJson), (status = 409, description = "The slug is taken", body = ErrorJson), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: crate::request::JsonBody<PageBody>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let units = all_units(&state).await?;
    let input = parse_input(&pairs(&body, None), &units)?;
    let page = state
        .db
        .run(move |c| repo::create(c, Some(me), &input))
        .await?;
    let json = page_json(&state, page).await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, json.url.clone()))
        .json(json))
}

#[utoipa::path(put, path = "/api/v1/pages/{slug}", tag = "pages", request_body = PageBody, params(("slug" = String, Path, description = "The page's slug")), responses((status = 200, description = "The page saved, and whether edits since base_revision were merged in", body = SavedJson), (status = 404, description = "No such page", body = ErrorJson), (status = 409, description = "The page changed since base_revision (and could not be merged)", body = StaleJson), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn update(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    body: crate::request::JsonBody<PageBody>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let page = live(&state, slug.into_inner()).await?;
    let base = body.base_revision.ok_or_else(|| {
        AppError::validation("base_revision: say which revision this edit starts from.")
    })?;
    if base != page.revision && !body.merge {
        return stale(&state, page, base).await;
    }
    let id = page.id;
    let (tags, units) = state
        .db
        .run(move |c| Ok((repo::tags_of(c, id)?, repo::units_of(c, id)?)))
        .await?;
    let unit_keys: Vec<String> = units
        .iter()
        .map(|u| format!("{}/{}", u.kind, u.slug))
        .collect();
    let all = all_units(&state).await?;
    let input = parse_input(&pairs(&body, Some((&page, &tags, &unit_keys))), &all)?;
    // Scripts get no silent merge: unless they asked for one, an edit from an older revision
    // is refused inside the save's transaction too, where a concurrent save is seen.
    let on_stale = if body.merge {
        OnStale::Merge
    } else {
        OnStale::Refuse
    };
    match state
        .db
        .run(move |c| repo::save(c, Some(me), id, base, &input, on_stale))
        .await?
    {
        repo::Saved::Ok {
            saved: page,
            merged,
        } => {
            let page = page_json(&state, page).await?;
            Ok(HttpResponse::Ok().json(SavedJson { page, merged }))
        }
        repo::Saved::Conflict { current, .. } => stale(&state, current, base).await,
    }
}

/// A saved page, and whether changes made since `base_revision` were merged in.
#[derive(Serialize, utoipa::ToSchema)]
struct SavedJson {
    #[serde(flatten)]
    page: PageJson,
    merged: bool,
}

/// The 409 for an edit that did not start from the current revision (or, with `merge`,
/// changed the same lines as the edits since): what is current, so the script can decide.
async fn stale(state: &AppState, current: Page, base: i32) -> AppResult<HttpResponse> {
    let current = page_json(state, current).await?;
    Ok(HttpResponse::Conflict().json(StaleJson {
        error: format!(
            "The page is at revision {}, not {base}: fetch it and apply your change again, \
             or send \"merge\": true to merge it with the changes since.",
            current.revision
        ),
        code: "conflict",
        current_revision: current.revision,
        current,
    }))
}

/// A 409 for a stale edit: the error, and the page as it is now.
#[derive(Serialize, utoipa::ToSchema)]
struct StaleJson {
    error: String,
    code: &'static str,
    current_revision: i32,
    current: PageJson,
}

#[derive(Serialize, utoipa::ToSchema)]
struct RevisionJson {
    number: i32,
    title: String,
    summary: String,
    author: Option<String>,
    created_at: NaiveDateTime,
}

#[utoipa::path(get, path = "/api/v1/pages/{slug}/revisions", tag = "pages", params(("slug" = String, Path, description = "The page's slug"), PageQuery), responses((status = 200, description = "The page's revisions, newest first", body = paging::Page<RevisionJson>), (status = 404, description = "No such page", body = ErrorJson)))]
async fn revisions(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
    pq: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let page = live(&state, slug.into_inner()).await?;
    let id = page.id;
    let list: Vec<RevisionJson> = state
        .db
        .run(move |c| repo::history(c, id))
        .await?
        .into_iter()
        .map(|(r, author)| RevisionJson {
            number: r.number,
            title: r.title,
            summary: r.summary,
            author,
            created_at: r.created_at,
        })
        .collect();
    paging::respond(&req, &pq, list, |r| r.number.to_string())
}
