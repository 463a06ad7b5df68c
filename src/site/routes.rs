//! Home page, health check and static files.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Serialize;

use super::views::{Shell, html};
use crate::app::AppState;
use crate::auth::Viewer;
use crate::error::AppResult;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/healthz", web::get().to(healthz))
        .route("/favicon.ico", web::get().to(super::assets::favicon))
        .route("/robots.txt", web::get().to(robots))
        .route("/static/{name}", web::get().to(super::assets::serve));
}

#[derive(Template)]
#[template(path = "site/home.html")]
struct HomePage {
    shell: Shell,
}

async fn home(viewer: Viewer) -> AppResult<HttpResponse> {
    html(&HomePage {
        shell: Shell::new(&viewer, "home"),
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
