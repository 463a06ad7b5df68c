//! The indicators admins keep (`/health/indicators`): adding, editing, retiring and
//! restoring them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::health::model;
use crate::health::repo;
use crate::health::views::{IndicatorForm, IndicatorsPage};
use crate::site::views::{Shell, html_with_status, see_other};
use crate::state::AppState;

pub(super) async fn indicators_page(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    render_indicators(&state, &viewer, None).await
}

async fn render_indicators(
    state: &AppState,
    viewer: &Viewer,
    typed: Option<IndicatorForm>,
) -> AppResult<HttpResponse> {
    let all = state.db.run(repo::indicators).await?;
    let status = if typed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let failed = typed.as_ref().map(IndicatorForm::key);
    let mut typed = typed;
    let forms = all
        .iter()
        .map(|i| match typed.take_if(|t| t.id == Some(i.id)) {
            Some(t) => t,
            None => IndicatorForm::of(i),
        })
        .collect();
    html_with_status(
        &IndicatorsPage {
            shell: Shell::new(viewer, "admin"),
            forms,
            new: typed.unwrap_or_default(),
            failed,
        },
        status,
    )
}

#[derive(Deserialize)]
pub(super) struct IndicatorFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    awesome: String,
    #[serde(default)]
    crappy: String,
    #[serde(default)]
    position: String,
}

pub(super) async fn add_indicator(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<IndicatorFields>,
) -> AppResult<HttpResponse> {
    save(&state, &viewer, None, form.into_inner()).await
}

pub(super) async fn save_indicator(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<IndicatorFields>,
) -> AppResult<HttpResponse> {
    save(&state, &viewer, Some(id.into_inner()), form.into_inner()).await
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    id: Option<i64>,
    f: IndicatorFields,
) -> AppResult<HttpResponse> {
    let me = viewer.require_admin()?.id;
    let all = state.db.run(repo::indicators).await?;
    let current = match id {
        Some(id) => Some(all.iter().find(|i| i.id == id).ok_or(AppError::NotFound)?),
        None => None,
    };
    let taken = |name: &str| {
        all.iter()
            .any(|i| Some(i.id) != id && i.name.to_lowercase() == name.to_lowercase())
    };
    let typed = |errors| IndicatorForm {
        id,
        stored_name: current.map(|i| i.name.clone()).unwrap_or_default(),
        name: f.name.clone(),
        awesome: f.awesome.clone(),
        crappy: f.crappy.clone(),
        position: f.position.clone(),
        retired: current.is_some_and(|i| i.retired),
        errors,
    };
    let mut input = match model::check_indicator(&f.name, &f.awesome, &f.crappy, &f.position, taken)
    {
        Ok(input) => input,
        Err(errors) => return render_indicators(state, viewer, Some(typed(errors))).await,
    };
    // A new indicator goes last unless told otherwise.
    if id.is_none() && f.position.trim().is_empty() {
        input.position = all.iter().map(|i| i.position).max().unwrap_or(0) + 1;
    }
    let saved = state
        .db
        .run(move |c| repo::save_indicator(c, Some(me), id, &input))
        .await;
    match saved {
        Ok(id) => Ok(see_other(&format!("/health/indicators#i{id}"))),
        // Someone else took the name between the check and the save.
        Err(AppError::Database(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {
            let errors = vec![("name", "Another indicator has this name now.".to_string())];
            render_indicators(state, viewer, Some(typed(errors))).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct RetireForm {
    #[serde(default)]
    retired: String,
}

/// Retires (`retired=1`) or restores an indicator. Never deletes: history keeps its votes.
pub(super) async fn retire_indicator(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<RetireForm>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_admin()?.id;
    let id = id.into_inner();
    let retired = form.retired.trim() == "1";
    state
        .db
        .run(move |c| repo::set_retired(c, Some(me), id, retired))
        .await?;
    Ok(see_other(&format!("/health/indicators#i{id}")))
}
