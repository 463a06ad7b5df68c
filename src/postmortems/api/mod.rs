//! Post-mortems' JSON API (a contract): `GET/POST /api/v1/postmortems`,
//! `GET/PUT /api/v1/postmortems/{id}`, plus `POST /api/v1/postmortems/{id}/reviews` for the
//! workflow and `POST /api/v1/blameless/check` for any text.
//!
//! Writes fill the same form as the pages and go through the same parsing, so both refuse the
//! same input with the same messages (keyed by the form's field names). Drafts are visible
//! through the API exactly as on the pages: to their people only.
//!
//! The handlers are here; what a script sends is read in `body`, and what it gets back is
//! built in `reply`.

mod body;
mod reply;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::blameless::Place;
use super::flow::{
    self, Acknowledge, ListQuery, ReviewInput, ReviewRefused, editable, load, store,
};
use super::model::{Postmortem, Status};
use super::repo::Verdict;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, ErrorJson};
use crate::org::cache::OrgCache;
use crate::org::cache::org_view;
use crate::postmortems::blameless::Finding;
use crate::postmortems::blameless::Rules;
use crate::postmortems::flow::PeopleCache;
use crate::postmortems::flow::SummaryCache;
use crate::site::forms::FieldErrors;
use crate::site::paging::{self, Page, PageQuery};
use crate::site::views::invalid;
use crate::state::AppState;
use body::PostmortemBody;
use reply::{PostmortemJson, SummaryJson, respond};

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, get, create, update, review, check))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/postmortems", web::get().to(list))
        .route("/api/v1/postmortems", web::post().to(create))
        .route("/api/v1/postmortems/{id}", web::get().to(get))
        .route("/api/v1/postmortems/{id}", web::put().to(update))
        .route("/api/v1/postmortems/{id}/reviews", web::post().to(review))
        .route("/api/v1/blameless/check", web::post().to(check));
}

#[utoipa::path(get, path = "/api/v1/postmortems", tag = "postmortems", params(("severity" = Option<String>, Query, description = "SEV1 to SEV4"), ("squad" = Option<String>, Query, description = "Only this squad's (slug)"), ("tribe" = Option<String>, Query, description = "Only the squads of this tribe (slug)"), ("status" = Option<String>, Query, description = "draft, in_review or published"), ("from" = Option<String>, Query, description = "Incidents that started on or after (YYYY-MM-DD)"), ("to" = Option<String>, Query, description = "Incidents that started on or before (YYYY-MM-DD)"), PageQuery), responses((status = 200, description = "A page of the post-mortems the asker may read", body = Page<SummaryJson>), (status = 422, description = "A filter is wrong", body = ErrorJson)))]
async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let cache = state.part::<SummaryCache>()?;
    let all = state.db.run(move |c| flow::all(c, &cache)).await?;
    let rows: Vec<SummaryJson> = q
        .select(&all, viewer.person(), &org)?
        .into_iter()
        .map(|s| SummaryJson::of(s, &org))
        .collect();
    paging::respond(&req, &page, rows, |p| p.id.to_string())
}

#[utoipa::path(get, path = "/api/v1/postmortems/{id}", tag = "postmortems", params(("id" = i64, Path, description = "The post-mortem's id")), responses((status = 200, description = "The post-mortem, its blameless findings and reviews", body = PostmortemJson), (status = 404, description = "No such post-mortem, or a draft not the asker's to read", body = ErrorJson)))]
async fn get(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let pm = load(&state, &org, &viewer, id.into_inner()).await?;
    respond(&state, &org, pm, false).await
}

/// The status a body asks to move to after saving, checked before anything is saved: the
/// current status is no move (so what `GET` answered can be `PUT` back), draft ⇄ review is,
/// and publishing is a reviewer's approval, never a `PUT`.
fn wanted_status(raw: Option<String>, current: Status) -> Result<Option<Status>, FieldErrors> {
    let Some(raw) = raw.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let refuse = |m: String| {
        let mut e = FieldErrors::new();
        e.insert("status", m);
        Err(e)
    };
    match Status::parse(&raw) {
        Some(s) if s == current => Ok(None),
        Some(Status::Published) => refuse(
            "A post-mortem is published by a reviewer's approval: POST \
             /api/v1/postmortems/{id}/reviews."
                .into(),
        ),
        Some(_) if current == Status::Published => {
            refuse("A published post-mortem stays published.".into())
        }
        Some(s) => Ok(Some(s)),
        None => refuse(format!("{raw:?} is not a status (draft or review).")),
    }
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    old: Option<Postmortem>,
    body: PostmortemBody,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let org = org_view(state).await?;
    let (form, status) = body.form();
    let parsed = form.parse(&org, me);
    let wanted = wanted_status(status, old.as_ref().map_or(Status::Draft, |p| p.status));
    let (input, to) = match (parsed, wanted) {
        (Ok(i), Ok(s)) => (i, s),
        (Err(mut e), w) => {
            e.extend(w.err().unwrap_or_default());
            return Ok(invalid(e));
        }
        (_, Err(e)) => return Ok(invalid(e)),
    };
    // Refused before anything is saved: the body is applied whole or not at all.
    if to == Some(Status::Review)
        && let Some(why) = input.ongoing()
    {
        return Ok(invalid(
            [("status", why)].into_iter().collect::<FieldErrors>(),
        ));
    }
    let created = old.is_none();
    let mut pm = match store(state, &org, viewer, old.as_ref(), input).await? {
        Ok(pm) => pm,
        Err(e) => return Ok(invalid(e)),
    };
    if let Some(to) = to {
        pm = flow::move_to(state, &org, viewer, pm.id, to).await?;
    }
    respond(state, &org, pm, created).await
}

#[utoipa::path(post, path = "/api/v1/postmortems", tag = "postmortems", request_body = PostmortemBody, responses((status = 201, description = "The draft made", body = PostmortemJson), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: crate::request::JsonBody<PostmortemBody>,
) -> AppResult<HttpResponse> {
    save(&state, &viewer, None, body.into_inner()).await
}

#[utoipa::path(put, path = "/api/v1/postmortems/{id}", tag = "postmortems", request_body = PostmortemBody, params(("id" = i64, Path, description = "The post-mortem's id")), responses((status = 200, description = "The post-mortem saved", body = PostmortemJson), (status = 403, description = "Not an author", body = ErrorJson), (status = 404, description = "No such post-mortem", body = ErrorJson), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn update(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    body: crate::request::JsonBody<PostmortemBody>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let old = editable(&state, &org, &viewer, id.into_inner()).await?;
    save(&state, &viewer, Some(old), body.into_inner()).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    verdict: String,
    #[serde(default)]
    comments: String,
    /// Publish although blameless findings are open (not those that point at a person).
    #[serde(default)]
    acknowledge_findings: bool,
    /// Findings the reviewer dismisses first, each with a reason: the way past a finding
    /// that points at a person, short of requesting changes.
    #[serde(default)]
    dismiss: Vec<DismissBody>,
}

/// One finding to dismiss, named as `findings` in the post-mortem's JSON name it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DismissBody {
    field: String,
    rule: String,
    phrase: String,
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/postmortems/{id}/reviews", tag = "postmortems", request_body = ReviewBody, params(("id" = i64, Path, description = "The post-mortem's id")), responses((status = 200, description = "The post-mortem after the review (published when approved)", body = PostmortemJson), (status = 403, description = "Not a reviewer", body = ErrorJson), (status = 404, description = "No such post-mortem", body = ErrorJson), (status = 409, description = "It changed meanwhile", body = ErrorJson), (status = 422, description = "Open findings, or a field is wrong", body = ErrorJson)))]
async fn review(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    body: crate::request::JsonBody<ReviewBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let mut e = FieldErrors::new();
    let Some(verdict) = Verdict::parse(&b.verdict) else {
        e.insert(
            "verdict",
            format!("{:?} is not a verdict (approved or changes).", b.verdict),
        );
        return Ok(invalid(e));
    };
    let org = org_view(&state).await?;
    let id = id.into_inner();
    for d in &b.dismiss {
        flow::dismiss(
            &state, &org, &viewer, id, &d.field, &d.rule, &d.phrase, &d.reason,
        )
        .await?;
    }
    let input = ReviewInput {
        verdict,
        comments: b.comments,
        acknowledge: if b.acknowledge_findings {
            Acknowledge::All
        } else {
            Acknowledge::None
        },
        version: None,
    };
    match flow::review(&state, &org, &viewer, id, input).await? {
        Ok(pm) => respond(&state, &org, pm, false).await,
        Err(ReviewRefused::Findings(n)) => {
            e.insert(
                "acknowledge_findings",
                format!(
                    "{n} blameless finding(s) are open: request changes, or send \
                     \"acknowledge_findings\": true to publish anyway."
                ),
            );
            Ok(invalid(e))
        }
        Err(ReviewRefused::PersonFindings(n)) => {
            e.insert(
                "acknowledge_findings",
                format!(
                    "{n} open blameless finding(s) point at a person, and \
                     \"acknowledge_findings\" does not cover them: request changes so the \
                     authors rewrite them, or dismiss each with a reason in \"dismiss\"."
                ),
            );
            Ok(invalid(e))
        }
        Err(ReviewRefused::Comments(m)) => {
            e.insert("comments", m);
            Ok(invalid(e))
        }
        Err(ReviewRefused::Changed) => Err(AppError::Conflict(
            "It changed while it was being reviewed; read it again.".into(),
        )),
        Err(ReviewRefused::Ongoing(why)) => {
            e.insert("verdict", why);
            Ok(invalid(e))
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CheckBody {
    text: String,
    /// `contributing_factors` also flags people named as the cause; `action_items` reads a
    /// plan, not a story (the model of `narrative-blame` stays out).
    #[serde(default)]
    place: Option<String>,
}

/// The findings of any text: `[{"rule","phrase","start","end","reason","suggestion"}]`, with
/// `start`/`end` in characters.
#[utoipa::path(post, path = "/api/v1/blameless/check", tag = "postmortems", request_body = CheckBody, responses((status = 200, description = "The blameless findings of the text, start and end in characters", body = Vec<Finding>), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn check(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: crate::request::JsonBody<CheckBody>,
) -> AppResult<HttpResponse> {
    if !viewer.may_browse() {
        return Err(AppError::Unauthorized);
    }
    let b = body.into_inner();
    let place = match b.place.as_deref().map(str::trim) {
        None | Some("") | Some("anywhere") => Place::Anywhere,
        Some("contributing_factors") => Place::ContributingFactors,
        Some("action_items") => Place::ActionItems,
        Some(other) => {
            let mut e = FieldErrors::new();
            e.insert(
                "place",
                format!(
                    "{other:?} is not a place (anywhere, contributing_factors or action_items)."
                ),
            );
            return Ok(invalid(e));
        }
    };
    let (org_cache, people, rules) = (
        state.part::<OrgCache>()?,
        state.part::<PeopleCache>()?,
        state.part::<Rules>()?,
    );
    let findings = state
        .db
        .run(move |c| {
            let org = org_cache.get(c)?;
            let known = flow::known(c, &people, &org)?;
            Ok(rules.check_known(&b.text, place, &known))
        })
        .await?;
    Ok(HttpResponse::Ok().json(findings))
}
