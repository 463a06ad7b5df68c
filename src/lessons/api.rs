//! Lessons' JSON API (a contract): `GET/POST /api/v1/lessons`, `GET /api/v1/lessons/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::flow::parse_input;
use super::model::Lesson;
use super::repo::{self, Filter};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, ErrorJson};
use crate::org::cache::all_units;
use crate::org::unit::UnitKey;
use crate::pages::render::render;
use crate::site::forms::Pairs;
use crate::site::paging::{Page, PageQuery};
use crate::state::AppState;

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, get, create))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/lessons", web::get().to(list))
        .route("/api/v1/lessons", web::post().to(create))
        .route("/api/v1/lessons/{id}", web::get().to(get));
}

/// Where a lesson was learned: `kind` is experiment, postmortem, retro, page or none; `ref`
/// the source's id or slug.
#[derive(Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct SourceJson {
    pub kind: String,
    #[serde(default, rename = "ref")]
    pub reference: String,
}

/// A lesson: its Markdown `body` and the `html` fika renders from it.
#[derive(Serialize, utoipa::ToSchema)]
struct LessonJson {
    id: i64,
    title: String,
    body: String,
    html: String,
    source: SourceJson,
    tags: Vec<String>,
    units: Vec<UnitKey>,
    author: Option<String>,
    revision: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct LessonSummaryJson {
    id: i64,
    title: String,
    source_kind: String,
    author: Option<String>,
    created_at: NaiveDateTime,
    url: String,
}

async fn lesson_json(state: &AppState, l: Lesson) -> AppResult<LessonJson> {
    let html = render(state, l.body.clone()).await?;
    let (id, author_id) = (l.id, l.author_id);
    let (tags, units, author) = state
        .db
        .run(move |c| {
            let author = match author_id {
                Some(a) => crate::people::repo::name_of(c, a)?.map(|(username, _)| username),
                None => None,
            };
            Ok((repo::tags_of(c, id)?, repo::units_of(c, id)?, author))
        })
        .await?;
    Ok(LessonJson {
        url: l.url(),
        source: SourceJson {
            kind: l.source_kind.clone(),
            reference: l.source_ref.clone(),
        },
        id: l.id,
        title: l.title,
        body: l.body,
        html: html.to_string(),
        tags,
        units: units.into_iter().map(UnitKey::of).collect(),
        author,
        revision: l.revision,
        created_at: l.created_at,
        updated_at: l.updated_at,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only lessons with this tag.
    tag: Option<String>,
    /// Only lessons from this kind of source (experiment, postmortem, retro, page, none).
    source: Option<String>,
}

/// Lessons, newest first.
#[utoipa::path(get, path = "/api/v1/lessons", tag = "lessons",
    params(ListQuery, PageQuery),
    responses((status = 200, description = "A page of lessons", body = Page<LessonSummaryJson>)))]
async fn list(
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let filter = Filter {
        tag: q.tag.clone().map(|t| t.to_lowercase()),
        source_kind: q.source.clone(),
        ..Default::default()
    };
    // Cut in the database: a busy site has tens of thousands of lessons.
    let paging = page.paging()?;
    let after = paging.after_id()?;
    let limit = paging.limit as i64 + 1;
    let (lessons, total) = state
        .db
        .run(move |c| {
            Ok((
                repo::list_after(c, &filter, after, limit)?,
                repo::count(c, &filter)?,
            ))
        })
        .await?;
    let list: Vec<LessonSummaryJson> = lessons
        .into_iter()
        .map(|l| LessonSummaryJson {
            url: format!("/lessons/{}", l.id),
            id: l.id,
            title: l.title,
            source_kind: l.source_kind,
            author: l.author_username,
            created_at: l.created_at,
        })
        .collect();
    Ok(paging
        .window(list, total as usize, |l| l.id.to_string())
        .respond(&req))
}

/// One lesson.
#[utoipa::path(get, path = "/api/v1/lessons/{id}", tag = "lessons",
    params(("id" = i64, Path, description = "The lesson's id")),
    responses((status = 200, description = "The lesson", body = LessonJson),
              (status = 404, description = "No such lesson", body = ErrorJson)))]
async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let l = state.db.run(move |c| repo::lesson(c, id)).await?;
    if l.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::Ok().json(lesson_json(&state, l).await?))
}

/// A new lesson; `units` are `kind:slug` or slugs.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LessonBody {
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    source: SourceJson,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    units: Vec<String>,
}

/// Adds a lesson.
#[utoipa::path(post, path = "/api/v1/lessons", tag = "lessons", request_body = LessonBody,
    responses((status = 201, description = "The lesson made", body = LessonJson),
              (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: crate::request::JsonBody<LessonBody>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let b = body.into_inner();
    let mut pairs = vec![
        ("title".to_string(), b.title),
        ("body".to_string(), b.body),
        ("source_kind".to_string(), b.source.kind),
        ("source_ref".to_string(), b.source.reference),
        ("tags".to_string(), b.tags.join(",")),
    ];
    pairs.extend(b.units.into_iter().map(|u| ("units".to_string(), u)));
    let units = all_units(&state).await?;
    let input = parse_input(&state, &Pairs(pairs), &units).await??;
    let l = state
        .db
        .run(move |c| repo::create(c, Some(me), &input))
        .await?;
    let json = lesson_json(&state, l).await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, json.url.clone()))
        .json(json))
}
