//! The workflow's forms: send to review or take back, review, dismiss a finding.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::super::flow::{self, Acknowledge, ReviewInput, ReviewRefused};
use super::super::model::Status;
use super::super::repo::Verdict;
use super::super::views::ShowPage;
use super::{shell, show_page};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::org_view;
use crate::site::views::{html_with_status, see_other};
use crate::state::AppState;

#[derive(Deserialize)]
pub(super) struct StatusForm {
    to: String,
}

pub(super) async fn status(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let to = Status::parse(&form.to)
        .ok_or_else(|| AppError::BadRequest(format!("{:?} is not a status.", form.to)))?;
    let org = org_view(&state).await?;
    let pm = flow::move_to(&state, &org, &viewer, id.into_inner(), to).await?;
    Ok(see_other(&pm.url()))
}

#[derive(Deserialize)]
pub(super) struct ReviewForm {
    verdict: String,
    #[serde(default)]
    comments: String,
    /// The number of open findings the page showed, when the reviewer ticked the box.
    #[serde(default)]
    acknowledge: String,
    /// The version the reviewer read.
    #[serde(default)]
    version: String,
}

pub(super) async fn review(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<ReviewForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let form = form.into_inner();
    let verdict = Verdict::parse(&form.verdict)
        .ok_or_else(|| AppError::BadRequest(format!("{:?} is not a verdict.", form.verdict)))?;
    let org = org_view(&state).await?;
    let input = ReviewInput {
        verdict,
        comments: form.comments.clone(),
        acknowledge: match form.acknowledge.trim().parse::<usize>() {
            Ok(n) => Acknowledge::Count(n),
            Err(_) => Acknowledge::None,
        },
        version: form.version.trim().parse().ok(),
    };
    let refused = match flow::review(&state, &org, &viewer, id, input).await? {
        Ok(pm) => return Ok(see_other(&pm.url())),
        Err(r) => r,
    };
    let (org, pm, data) = show_page(&state, &viewer, id).await?;
    let mut page = ShowPage::new(shell(&viewer), &org, pm, data, crate::dates::today());
    page.comments = form.comments;
    match refused {
        ReviewRefused::Findings(n) => page.errors.insert(
            "acknowledge",
            format!(
                "{n} blameless finding{} open: have them rewritten (request changes), or \
                 tick the box to publish anyway.",
                if n == 1 { " is" } else { "s are" }
            ),
        ),
        ReviewRefused::PersonFindings(n) => page.errors.insert(
            "acknowledge",
            format!(
                "{n} open finding{} at a person, which no tick accepts: dismiss {} with a \
                 reason below, or request changes so the authors rewrite {}.",
                if n == 1 { " points" } else { "s point" },
                if n == 1 { "it" } else { "each" },
                if n == 1 { "it" } else { "them" },
            ),
        ),
        ReviewRefused::Comments(m) => page.errors.insert("comments", m),
        ReviewRefused::Changed => page.errors.insert(
            "acknowledge",
            "It changed since you read it: read this version, then review again.",
        ),
        ReviewRefused::Ongoing(why) => page.errors.insert("verdict", why),
    };
    html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

#[derive(Deserialize)]
pub(super) struct DismissForm {
    field: String,
    rule: String,
    phrase: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn dismiss(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<DismissForm>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let org = org_view(&state).await?;
    let pm = flow::dismiss(
        &state,
        &org,
        &viewer,
        id.into_inner(),
        &f.field,
        &f.rule,
        &f.phrase,
        &f.reason,
    )
    .await?;
    Ok(see_other(&format!("{}#bl-h", pm.url())))
}
