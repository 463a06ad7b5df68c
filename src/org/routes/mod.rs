//! The org pages: `/org`, `/org/health`, `/people`, the tribe matrix, and the forms that
//! create and change units and memberships. Unit and person pages, which gather several
//! features, are in `overview`. Here: the routes and the org-wide pages; the people pages in
//! `people`, the unit forms in `units`, membership changes in `members`, an alliance's
//! initiatives in `alliances`.

mod alliances;
mod members;
mod people;
mod units;

use actix_web::{HttpResponse, web};

use crate::auth::Viewer;
use crate::error::AppResult;
use crate::org::cache::{OrgCache, org_view};
use crate::org::unit::UnitKind;
use crate::org::unit_repo::{self as repo, Lookup};
use crate::org::views;
use crate::site::views::{Shell, html, moved_permanently};
use crate::state::AppState;

/// Catalog uploads may be large (thousands of people).
pub const IMPORT_LIMIT: usize = 20 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/import")
            .app_data(
                actix_multipart::form::MultipartFormConfig::default()
                    .total_limit(IMPORT_LIMIT)
                    .memory_limit(IMPORT_LIMIT),
            )
            .route(web::get().to(super::import_page::form))
            .route(web::post().to(super::import_page::upload)),
    );
    cfg.route("/org", web::get().to(org))
        .route("/org/health", web::get().to(health))
        .route("/org/chart.svg", web::get().to(super::chart::chart))
        .route("/org/chart", web::get().to(super::chart::chart_page))
        .route("/org/new", web::get().to(units::new_unit_form))
        .route("/org/new", web::post().to(units::create_unit))
        .route("/people", web::get().to(people::people_list))
        .route(
            "/people/{username}/edit",
            web::get().to(people::edit_person_form),
        )
        .route(
            "/people/{username}/edit",
            web::post().to(people::edit_person),
        )
        .route("/tribes/{slug}/matrix", web::get().to(matrix))
        .route("/guilds/{slug}/join", web::post().to(members::join_guild))
        .route("/squads/{slug}/move", web::post().to(units::move_squad))
        .route(
            "/alliances/{slug}/initiatives",
            web::post().to(alliances::add_initiative),
        )
        .route(
            "/alliances/{slug}/initiatives/{id}/stage",
            web::post().to(alliances::set_stage),
        );
    for kind in UnitKind::ALL {
        let base = format!("/{}/{{slug}}", kind.plural());
        cfg.route(
            &format!("{base}/edit"),
            web::get().to(units::edit_unit_form),
        )
        .route(&format!("{base}/edit"), web::post().to(units::edit_unit))
        .route(
            &format!("{base}/members/{{id}}/end"),
            web::post().to(members::end_member),
        );
    }
}

async fn org(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let view = org_view(&state).await?;
    html(&views::org_page(
        Shell::new(&viewer, "org"),
        &view.snap,
        &view.alliance_links,
        view.warnings.len(),
        viewer.is_admin(),
    ))
}

async fn health(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let view = org_view(&state).await?;
    html(&views::health_page(
        Shell::new(&viewer, "org"),
        &view.snap,
        &view.warnings,
    ))
}

async fn matrix(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let cache = state.part::<OrgCache>()?;
    let (tribe, view) = state
        .db
        .run(move |c| {
            let tribe = match repo::find_unit(c, UnitKind::Tribe, &slug)? {
                Lookup::Found(t) => Ok(*t),
                Lookup::MovedTo(url) => Err(url),
            };
            Ok((tribe, cache.get(c)?))
        })
        .await?;
    match tribe {
        Ok(tribe) => html(&views::matrix_page(
            Shell::new(&viewer, "org"),
            &view.snap,
            &tribe,
        )),
        Err(url) => Ok(moved_permanently(&format!("{url}/matrix"))),
    }
}
