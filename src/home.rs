//! The home page, the health check and the static files. The home page gathers several
//! features (the viewer's teams, the newest lessons), so it sits with the composition,
//! above the features, not in the shell it is drawn in.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Serialize;

use crate::auth::Viewer;
use crate::error::AppResult;
use crate::lessons::repo::RecentLessons;
use crate::org::cache::OrgCache;
use crate::site::views::{Shell, html};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/healthz", web::get().to(healthz))
        .route("/favicon.ico", web::get().to(crate::site::assets::favicon))
        .route("/robots.txt", web::get().to(robots))
        .route("/static/{name}", web::get().to(crate::site::assets::serve));
}

#[derive(Template)]
#[template(path = "site/home.html")]
struct HomePage {
    shell: Shell,
    /// The viewer's teams now.
    teams: Vec<crate::org::views::UnitRef>,
    /// The newest lessons from anywhere in the organization.
    lessons: Vec<crate::lessons::repo::LessonSummary>,
}

/// How many lessons the home page shows.
const HOME_LESSONS: usize = 6;

async fn home(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let me = viewer.person().map(|p| p.id);
    let (org, recent) = (state.part::<OrgCache>()?, state.part::<RecentLessons>()?);
    // Both from caches kept until the change log moves on: the home page stays one cheap
    // trip to the blocking pool.
    let (teams, lessons) = state
        .db
        .run(move |c| {
            // Both caches are checked against one read of the change-log head.
            let head = crate::db::changelog::head(c)?;
            let view = org.get_at(c, head)?;
            // Their teams, the tribe they are in through a squad or chapter included.
            let teams = match me {
                Some(id) => crate::org::leads::teams_of(&view.snap, id)
                    .into_iter()
                    .map(|t| t.unit)
                    .collect(),
                None => vec![],
            };
            let lessons = recent.get_at(c, head, (), |c| {
                crate::lessons::repo::list(c, &Default::default(), HOME_LESSONS as i64)
            })?;
            Ok((teams, lessons.as_ref().clone()))
        })
        .await?;
    html(&HomePage {
        shell: Shell::new(&viewer, "home"),
        teams,
        lessons,
    })
}

/// The health answer; a struct so the keys keep their documented order.
#[derive(Serialize)]
struct Health {
    status: &'static str,
    db: &'static str,
}

/// 200 `{"status":"ok","db":"ok"}`, or 503 with `"db":"unreachable"`, for load balancers.
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping(Duration::from_secs(2)).await {
        Ok(()) => HttpResponse::Ok().json(Health {
            status: "ok",
            db: "ok",
        }),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            HttpResponse::ServiceUnavailable().json(Health {
                status: "error",
                db: "unreachable",
            })
        }
    }
}

/// An intranet wiki has nothing for crawlers.
async fn robots() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain")
        .body("User-agent: *\nDisallow: /\n")
}
