//! An alliance's initiatives: adding one, moving one to another stage.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::access::Access;
use crate::org::unit::{Stage, UnitKind};
use crate::org::unit_repo as repo;
use crate::site::views::see_other;
use crate::state::AppState;

#[derive(Deserialize)]
pub(super) struct InitiativeFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    description: String,
}

pub(super) async fn add_initiative(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<InitiativeFields>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let slug = slug.into_inner();
    let f = form.into_inner();
    let name = f.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::validation(
            "An initiative has a name of 1–120 characters.",
        ));
    }
    let stage = Stage::parse(&f.stage).unwrap_or(Stage::ThinkIt);
    let url = state
        .db
        .run(move |c| {
            let alliance = repo::unit(c, UnitKind::Alliance, &slug)?;
            Access::load(c, Some(&me))?.require_edit(&alliance)?;
            repo::add_initiative(
                c,
                Some(me.id),
                &alliance,
                &name,
                stage,
                f.description.trim(),
            )?;
            Ok(alliance.url())
        })
        .await?;
    Ok(see_other(&url))
}

#[derive(Deserialize)]
pub(super) struct StageFields {
    #[serde(default)]
    stage: String,
}

pub(super) async fn set_stage(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: web::Form<StageFields>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let (slug, id) = path.into_inner();
    let stage = Stage::parse(&form.stage).ok_or_else(|| {
        AppError::validation("Choose a stage: Think it, Build it, Ship it or Tweak it.")
    })?;
    let url = state
        .db
        .run(move |c| {
            let alliance = repo::unit(c, UnitKind::Alliance, &slug)?;
            Access::load(c, Some(&me))?.require_edit(&alliance)?;
            repo::set_initiative_stage(c, Some(me.id), &alliance, id, stage)?;
            Ok(alliance.url())
        })
        .await?;
    Ok(see_other(&url))
}
