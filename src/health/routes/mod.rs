//! The health-check pages: a squad's history (`/squads/{slug}/health`, where a session
//! starts), a session (`/health/{id}`: vote, results, close), a tribe's heatmap
//! (`/tribes/{slug}/health`) and the indicators admins keep (`/health/indicators`).
//!
//! Each group of pages has its file: `squad` (a squad's history and starting a session),
//! `session`, `heatmap` and `indicators`; all are registered here.

use actix_web::web;

use super::views::UnitLink;
use crate::auth::Viewer;
use crate::org::unit::Unit;
use crate::site::views::Shell;

mod heatmap;
mod indicators;
mod session;
mod squad;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // The fixed path before `{id}`; ids are digits only anyway.
    cfg.route(
        "/health/indicators",
        web::get().to(indicators::indicators_page),
    )
    .route(
        "/health/indicators",
        web::post().to(indicators::add_indicator),
    )
    .route(
        "/health/indicators/{id:\\d+}",
        web::post().to(indicators::save_indicator),
    )
    .route(
        "/health/indicators/{id:\\d+}/retire",
        web::post().to(indicators::retire_indicator),
    )
    .route("/health/{id:\\d+}", web::get().to(session::session_page))
    .route("/health/{id:\\d+}", web::post().to(session::vote))
    .route("/health/{id:\\d+}/close", web::post().to(session::close))
    .route("/squads/{slug}/health", web::get().to(squad::squad_page))
    .route("/squads/{slug}/health", web::post().to(squad::start))
    .route("/tribes/{slug}/health", web::get().to(heatmap::heatmap));
}

fn shell(viewer: &Viewer) -> Shell {
    Shell::new(viewer, "org")
}

fn link(u: &Unit) -> UnitLink {
    UnitLink {
        name: u.name.clone(),
        url: u.url(),
    }
}
