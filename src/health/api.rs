//! `GET /api/v1/squads/{slug}/health` (a contract): a squad's indicators and its health-check
//! sessions, newest first, with the result and the votes per indicator. A session that hides
//! its results while open has `"hidden": true`, no `results`, and the caller's own votes in
//! `mine`.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;

use super::flow::{self, Found};
use crate::auth::Viewer;
use crate::error::{AppResult, ErrorJson};
use crate::org::unit::UnitKind;
use crate::state::AppState;

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(squad))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/squads/{slug}/health", web::get().to(squad));
}

#[derive(Serialize, utoipa::ToSchema)]
struct HealthJson {
    squad: String,
    indicators: Vec<IndicatorJson>,
    sessions: Vec<SessionJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct IndicatorJson {
    id: i64,
    name: String,
    awesome: String,
    crappy: String,
    retired: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
struct SessionJson {
    id: i64,
    held_on: NaiveDate,
    closed: bool,
    facilitator: String,
    /// People who voted.
    votes: u32,
    /// The results are hidden until the session closes: `results` is empty.
    hidden: bool,
    results: Vec<ResultJson>,
    /// The caller's own votes in this session.
    mine: Vec<MineJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct MineJson {
    indicator: String,
    color: &'static str,
    trend: Option<&'static str>,
    comment: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = HealthResult)]
struct ResultJson {
    indicator: String,
    /// The majority colour (ties to the worse); null without votes.
    color: Option<&'static str>,
    /// The majority trend; null without votes.
    trend: Option<&'static str>,
    green: u32,
    yellow: u32,
    red: u32,
    better: u32,
    same: u32,
    worse: u32,
    comments: Vec<String>,
}

/// The asking person's own votes in session `id`, by indicator name.
fn mine(h: &flow::History, id: i64) -> Vec<MineJson> {
    let name_of = |indicator_id: i64| {
        h.indicators
            .iter()
            .find(|i| i.id == indicator_id)
            .map(|i| i.name.clone())
            .unwrap_or_default()
    };
    h.mine
        .get(&id)
        .into_iter()
        .flatten()
        .map(|v| MineJson {
            indicator: name_of(v.indicator_id),
            color: v.color.key(),
            trend: v.trend.map(|t| t.key()),
            comment: v.comment.clone(),
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/squads/{slug}/health", tag = "health", params(("slug" = String, Path, description = "The squad's slug")), responses((status = 200, description = "The squad's indicators and health-check sessions, newest first", body = HealthJson), (status = 301, description = "The squad was renamed: Location has its address now"), (status = 404, description = "No such squad", body = ErrorJson)))]
async fn squad(
    state: web::Data<AppState>,
    // Reading is checked by the auth middleware, as for the pages.
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (org, found) = flow::unit(&state, UnitKind::Squad, &slug).await?;
    let squad = match found {
        Found::Unit(u) => *u,
        Found::MovedTo(url) => {
            // `url` is `/squads/{new slug}`.
            return Ok(HttpResponse::MovedPermanently()
                .insert_header((header::LOCATION, format!("/api/v1{url}/health")))
                .finish());
        }
    };
    let id = squad.id;
    let asking = viewer.person().map(|p| p.id);
    let h = state.db.run(move |c| flow::history(c, id, asking)).await?;
    let columns = h.columns();
    let sessions = h
        .sessions
        .iter()
        .map(|(s, r)| SessionJson {
            id: s.id,
            held_on: s.held_on,
            closed: s.closed(),
            facilitator: org
                .snap
                .person(s.facilitator_id)
                .map(|p| p.username.clone())
                .unwrap_or_default(),
            votes: r.participants,
            hidden: r.hidden,
            mine: mine(&h, s.id),
            results: columns
                .iter()
                .filter(|_| !r.hidden)
                .map(|i| {
                    let t = r.tally(i.id);
                    ResultJson {
                        indicator: i.name.clone(),
                        color: t.result().map(|c| c.key()),
                        trend: t.result().map(|_| t.trend().key()),
                        green: t.green,
                        yellow: t.yellow,
                        red: t.red,
                        better: t.better,
                        same: t.same,
                        worse: t.worse,
                        comments: r.comments(i.id).to_vec(),
                    }
                })
                .collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(HealthJson {
        squad: squad.slug.clone(),
        indicators: h
            .indicators
            .iter()
            .map(|i| IndicatorJson {
                id: i.id,
                name: i.name.clone(),
                awesome: i.awesome.clone(),
                crappy: i.crappy.clone(),
                retired: i.retired,
            })
            .collect(),
        sessions,
    }))
}
