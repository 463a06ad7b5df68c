//! Deleting a page (softly: an admin may bring it back) and undeleting it.

use actix_web::{HttpResponse, web};

use super::{live_page, load, may_delete};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::pages::repo;
use crate::site::views::see_other;
use crate::state::AppState;

pub(super) async fn delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let page = live_page(&state, slug.into_inner()).await?;
    let id = page.id;
    let units = state
        .db
        .run(move |c| Ok(repo::units_of(c, id)?.iter().map(|u| u.id).collect()))
        .await?;
    if !may_delete(&state, &viewer, id, units).await? {
        return Err(AppError::forbidden(
            "Only the page's creator, members of the teams it belongs to and admins may \
             delete it.",
        ));
    }
    state
        .db
        .run(move |c| repo::set_deleted(c, Some(me), id, true))
        .await?;
    Ok(see_other("/pages"))
}

pub(super) async fn undelete(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_admin()?.id;
    let page = match load(&state, slug.into_inner()).await? {
        Ok(p) => p,
        Err(_) => return Err(AppError::NotFound),
    };
    let id = page.id;
    let p = state
        .db
        .run(move |c| repo::set_deleted(c, Some(me), id, false))
        .await?;
    Ok(see_other(&p.url()))
}
