//! Membership changes made from a unit's page: joining a guild, ending a membership.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::access::Access;
use crate::org::flow::{self, MemberInput};
use crate::org::unit::UnitKind;
use crate::org::unit_repo as repo;
use crate::site::views::see_other;
use crate::state::AppState;

pub(super) async fn join_guild(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let slug = slug.into_inner();
    let url = state
        .db
        .run(move |c| {
            let input = MemberInput::parse(UnitKind::Guild, &me.username, "member", "")
                .map_err(AppError::Validation)?;
            Ok(flow::add_member(c, &me, UnitKind::Guild, &slug, &input)?
                .0
                .url())
        })
        .await?;
    Ok(see_other(&url))
}

#[derive(Deserialize)]
pub(super) struct EndFields {
    #[serde(default)]
    until: String,
}

pub(super) async fn end_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: web::Form<EndFields>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let kind = UnitKind::of_path(req.path())?;
    let (slug, id) = path.into_inner();
    let until = crate::site::forms::date_or_today(&form.until, crate::dates::today())
        .map_err(AppError::Validation)?;
    let url = state
        .db
        .run(move |c| {
            let unit = repo::unit(c, kind, &slug)?;
            let m = repo::membership(c, id)?;
            if m.unit_id != unit.id {
                return Err(AppError::NotFound);
            }
            if !Access::load(c, Some(&me))?.can_change_membership_of(&unit, m.person_id, m.role()) {
                return Err(AppError::forbidden(format!(
                    "Only an admin or a lead of {} (or of its tribe) may change its members.",
                    unit.name
                )));
            }
            repo::end_membership(c, Some(me.id), id, until)?;
            Ok(unit.url())
        })
        .await?;
    Ok(see_other(&url))
}
