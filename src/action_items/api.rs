//! `GET /api/v1/actions?status=open` (a contract): action items the caller may see, overdue
//! first, filtered like `/actions` (`status`, `squad`, `tribe`, `kind`, `overdue`).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;

use super::flow::{Query, select};
use crate::auth::Viewer;
use crate::error::{AppResult, ErrorJson};
use crate::org::cache::org_view;
use crate::site::paging::{self, Page, PageQuery};
use crate::state::AppState;

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/actions", web::get().to(list));
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ActionItem)]
struct ActionJson {
    id: i64,
    title: String,
    #[serde(rename = "type")]
    kind: &'static str,
    status: &'static str,
    squad: String,
    person: Option<String>,
    due: Option<NaiveDate>,
    overdue: bool,
    days_overdue: i64,
    reason: String,
    tracker: String,
    closed_on: Option<NaiveDate>,
    source: String,
    source_title: String,
    source_url: String,
}

#[utoipa::path(get, path = "/api/v1/actions", tag = "actions", params(("status" = Option<String>, Query, description = "open (the default), done, wontdo or all"), ("squad" = Option<String>, Query, description = "Only this squad's (slug)"), ("tribe" = Option<String>, Query, description = "Only the squads of this tribe (slug)"), ("kind" = Option<String>, Query, description = "Only this type of action item"), ("overdue" = Option<String>, Query, description = "Any value: only overdue ones"), PageQuery), responses((status = 200, description = "A page of action items the caller may see, overdue first", body = Page<ActionJson>), (status = 422, description = "A filter is wrong", body = ErrorJson)))]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<Query>,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let listed = select(&state, &org, viewer.person(), &q).await?;
    let today = crate::dates::today();
    let rows: Vec<ActionJson> = listed
        .into_iter()
        .map(|l| {
            let a = l.item;
            ActionJson {
                id: a.id,
                kind: a.kind.key(),
                status: a.status.key(),
                squad: org
                    .snap
                    .unit(a.squad_id)
                    .map(|u| u.slug.clone())
                    .unwrap_or_default(),
                person: a
                    .person_id
                    .and_then(|p| org.snap.person(p))
                    .map(|p| p.username.clone()),
                due: a.due_on,
                overdue: a.overdue(today),
                days_overdue: a.days_overdue(today),
                closed_on: a.closed_on,
                source: a.source_kind.clone(),
                source_url: a.source_url(),
                source_title: l.source_title,
                title: a.title,
                reason: a.reason,
                tracker: a.tracker,
            }
        })
        .collect();
    paging::respond(&req, &page, rows, |a| a.id.to_string())
}
