//! The wiki: `/pages`, `/pages/new`, `/pages/{slug}` with edit, history, diff, restore and
//! (soft) delete, the live preview, and images. All the routes are registered here, with the
//! lookups the page groups share; reading a page is in `show`, the form in `edit`, history
//! and restore in `history`, deleting in `delete`, images in `images`.

use actix_web::web;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::ids::UnitId;
use crate::pages::model;
use crate::pages::repo::{self, Lookup};
use crate::state::AppState;

mod delete;
mod edit;
mod history;
mod images;
mod show;

pub use images::IMAGE_LIMIT;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/pages", web::get().to(show::list))
        .route("/pages/new", web::get().to(edit::new_form))
        .route("/pages/new", web::post().to(edit::create))
        .route("/pages/preview", web::post().to(edit::preview))
        .route("/pages/{slug}", web::get().to(show::show))
        .route("/pages/{slug}/edit", web::get().to(edit::edit_form))
        .route("/pages/{slug}/edit", web::post().to(edit::save))
        .route("/pages/{slug}/history", web::get().to(history::history))
        .route(
            "/pages/{slug}/revisions/{n}",
            web::get().to(history::old_revision),
        )
        .route("/pages/{slug}/diff", web::get().to(history::diff))
        .route(
            "/pages/{slug}/restore/{n}",
            web::post().to(history::restore),
        )
        .route("/pages/{slug}/delete", web::post().to(delete::delete))
        .route("/pages/{slug}/undelete", web::post().to(delete::undelete))
        .route("/images/{sha}", web::get().to(images::image));
    cfg.service(
        web::resource("/images")
            .app_data(
                actix_multipart::form::MultipartFormConfig::default()
                    .total_limit(IMAGE_LIMIT + 64 * 1024)
                    .memory_limit(IMAGE_LIMIT + 64 * 1024),
            )
            .route(web::post().to(images::upload_image)),
    );
}

/// The page at `slug`; an old slug redirects, a deleted page is gone (410) unless an admin asks.
pub(super) async fn load(state: &AppState, slug: String) -> AppResult<Result<model::Page, String>> {
    state
        .db
        .run(move |c| match repo::find(c, &slug)? {
            Lookup::Found(p) => Ok(Ok(p)),
            Lookup::MovedTo(s) => Ok(Err(s)),
        })
        .await
}

pub(super) fn gone() -> AppError {
    AppError::NotFound
}

pub(super) async fn live_page(state: &AppState, slug: String) -> AppResult<model::Page> {
    match load(state, slug).await? {
        Ok(p) if p.deleted_at.is_none() => Ok(p),
        _ => Err(gone()),
    }
}

/// Who may delete a page: its creator, current members of the units it is attached to, and
/// admins — as with lessons, not everyone who may edit it.
pub(super) async fn may_delete(
    state: &AppState,
    viewer: &Viewer,
    page_id: i64,
    units: Vec<UnitId>,
) -> AppResult<bool> {
    let Some(me) = viewer.person() else {
        return Ok(false);
    };
    if me.is_admin {
        return Ok(true);
    }
    let me = me.id;
    let org = crate::org::cache::org_view(state).await?;
    if units.iter().any(|u| org.snap.people_in(*u).contains(&me)) {
        return Ok(true);
    }
    let creator = state.db.run(move |c| repo::creator(c, page_id)).await?;
    Ok(creator == Some(me))
}
