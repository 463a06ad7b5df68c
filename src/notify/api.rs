//! The inbox's JSON API: `GET /api/v1/inbox` (newest first; `?unread=1` for the unread ones)
//! and `POST /api/v1/inbox/read` (one notification, or all), for a chat bot or a desktop
//! notifier to show what the inbox page shows. Only the caller's own notifications.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{flow, repo};
use crate::auth::Viewer;
use crate::error::{AppResult, ErrorJson};
use crate::site::paging::{Page, PageQuery};
use crate::state::AppState;

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, mark_read))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/inbox", web::get().to(list))
        .route("/api/v1/inbox/read", web::post().to(mark_read));
}

/// One notification: what happened (`what`, and the event's `kind`), to what (`title`,
/// `url`), by whom, and why the caller hears of it (`reason`).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Notification)]
struct NotificationJson {
    id: i64,
    kind: String,
    what: &'static str,
    title: String,
    url: String,
    summary: String,
    actor: Option<String>,
    reason: String,
    read: bool,
    created_at: NaiveDateTime,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct InboxQuery {
    /// Any value but `0`: only the unread ones.
    unread: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/inbox", tag = "inbox", params(InboxQuery, PageQuery), responses((status = 200, description = "A page of the caller's notifications, newest first", body = Page<NotificationJson>), (status = 401, description = "Not signed in", body = ErrorJson), (status = 422, description = "A bad limit or cursor", body = ErrorJson)))]
async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<InboxQuery>,
    page: web::Query<PageQuery>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let unread = flow::unread_only(q.unread.as_deref());
    let paging = page.paging()?;
    let after = paging.after_id()?;
    let limit = i64::try_from(paging.limit).unwrap_or(i64::MAX) + 1;
    let (items, total) = state
        .db
        .run(move |c| {
            let items = repo::inbox(c, me, unread, after, limit)?;
            Ok((items, repo::inbox_count(c, me, unread)?))
        })
        .await?;
    let rows: Vec<NotificationJson> = items
        .into_iter()
        .map(|item| NotificationJson {
            id: item.id,
            what: flow::what(&item.event),
            kind: item.event.kind,
            title: item.event.title,
            url: item.event.url,
            summary: item.event.summary,
            actor: item.actor,
            reason: item.reason,
            read: item.read,
            created_at: item.event.created_at,
        })
        .collect();
    Ok(paging
        .window(rows, total, |n| n.id.to_string())
        .respond(&req))
}

/// Which notification to mark read: `{"id": 12}`, or `{}` for all of them.
#[derive(Deserialize, utoipa::ToSchema)]
struct ReadJson {
    #[serde(default)]
    id: Option<i64>,
}

/// How many notifications became read.
#[derive(Serialize, utoipa::ToSchema)]
struct ReadCount {
    read: usize,
}

#[utoipa::path(post, path = "/api/v1/inbox/read", tag = "inbox", request_body = ReadJson, responses((status = 200, description = "Marked read", body = ReadCount), (status = 401, description = "Not signed in", body = ErrorJson), (status = 404, description = "No such notification of the caller's", body = ErrorJson)))]
async fn mark_read(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<ReadJson>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let id = body.id;
    let read = state.db.run(move |c| flow::mark_read(c, me, id)).await?;
    Ok(HttpResponse::Ok().json(ReadCount { read }))
}
