//! Experiments' JSON API (a contract): `GET/POST /api/v1/experiments`,
//! `GET/PUT /api/v1/experiments/{id}` with the computed `health` and `outcome`,
//! `GET /api/v1/experiments/sample-size` and `GET /api/v1/experiments/stats`.
//!
//! Writes go through the same form parsing as the pages, so both refuse the same input with
//! the same messages (keyed by the form's field names).
//!
//! The JSON shapes are in `json`, what a script sends and the form it fills in in `body`.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::filters::{InsightsQuery, ListQuery};
use super::flow::{check_transition, compute_insights, editable, store, with_csv};
use super::model::Experiment;
use super::model::Outcome;
use super::repo;
use super::stats::{Design, MetricType, days_needed};
use crate::auth::Viewer;
use crate::error::{AppResult, ErrorJson};
use crate::org::cache::OrgView;
use crate::org::cache::org_view;
use crate::site::forms::FieldErrors;
use crate::site::paging::{self, Page, PageQuery};
use crate::site::views::invalid;
use crate::state::AppState;

mod body;
mod json;

use body::ExperimentBody;
use json::{ExperimentJson, experiment_json};

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, get, create, update, import, sample_size, stats))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/experiments", web::get().to(list))
        .route("/api/v1/experiments", web::post().to(create))
        .route(
            "/api/v1/experiments/sample-size",
            web::get().to(sample_size),
        )
        .route("/api/v1/experiments/stats", web::get().to(stats))
        .route("/api/v1/experiments/{id}", web::get().to(get))
        .route("/api/v1/experiments/{id}", web::put().to(update))
        .route("/api/v1/experiments/{id}/data", web::post().to(import));
}

async fn respond(
    state: &AppState,
    org: &OrgView,
    e: Experiment,
    created: bool,
) -> AppResult<HttpResponse> {
    let (id, author_id) = (e.id, e.author_id);
    let (lessons, author) = state
        .db
        .run(move |c| {
            let author = match author_id {
                Some(a) => crate::people::repo::name_of(c, a)?.map(|(u, _)| u),
                None => None,
            };
            Ok((
                crate::lessons::repo::from_source(c, "experiment", &id.to_string())?,
                author,
            ))
        })
        .await?;
    let json = experiment_json(org, e, lessons, author);
    Ok(if created {
        HttpResponse::Created()
            .insert_header((actix_web::http::header::LOCATION, json.url.clone()))
            .json(json)
    } else {
        HttpResponse::Ok().json(json)
    })
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ExperimentSummary)]
struct SummaryJson {
    id: i64,
    url: String,
    title: String,
    squad: String,
    status: String,
    outcome: Option<String>,
    planned_end: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
}

#[utoipa::path(get, path = "/api/v1/experiments", tag = "experiments", params(("squad" = Option<String>, Query, description = "Only this squad's (slug)"), ("tribe" = Option<String>, Query, description = "Only the squads of this tribe (slug)"), ("status" = Option<String>, Query, description = "Only experiments in this status"), ("outcome" = Option<String>, Query, description = "Only experiments with this outcome"), ("quarter" = Option<String>, Query, description = "Only experiments that ended in this quarter (2026-Q3)"), PageQuery), responses((status = 200, description = "A page of experiments", body = Page<SummaryJson>), (status = 404, description = "No such squad or tribe", body = ErrorJson), (status = 422, description = "A filter is wrong", body = ErrorJson)))]
async fn list(
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let filter = q.filter(&org)?;
    let rows = state
        .db
        .run(move |c| repo::list(c, &filter, i64::MAX))
        .await?;
    paging::respond(
        &req,
        &page,
        rows.into_iter()
            .map(|s| SummaryJson {
                url: format!("/experiments/{}", s.id),
                id: s.id,
                title: s.title,
                squad: s.squad_slug,
                status: s.status,
                outcome: s.outcome,
                planned_end: s.planned_end,
                ended_on: s.ended_on,
            })
            .collect::<Vec<_>>(),
        |e| e.id.to_string(),
    )
}

#[utoipa::path(get, path = "/api/v1/experiments/{id}", tag = "experiments", params(("id" = i64, Path, description = "The experiment's id")), responses((status = 200, description = "The experiment with its computed results, health and outcome", body = ExperimentJson), (status = 404, description = "No such experiment", body = ErrorJson)))]
async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let org = org_view(&state).await?;
    let e = state.db.run(move |c| repo::get(c, id)).await?;
    respond(&state, &org, e, false).await
}

#[utoipa::path(post, path = "/api/v1/experiments", tag = "experiments", request_body = ExperimentBody, responses((status = 201, description = "The experiment made", body = ExperimentJson), (status = 403, description = "Not allowed to add to this squad", body = ErrorJson), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: crate::request::JsonBody<ExperimentBody>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let org = org_view(&state).await?;
    match checked(body.into_inner(), &org, None) {
        Ok(input) => {
            let e = store(&state, &org, &viewer, None, input).await?;
            respond(&state, &org, e, true).await
        }
        Err(errors) => Ok(invalid(errors)),
    }
}

/// The body parsed as the form would be (and, for an update, the status move checked).
fn checked(
    body: ExperimentBody,
    org: &OrgView,
    old: Option<&Experiment>,
) -> Result<super::model::ExperimentInput, FieldErrors> {
    let (form, mut errors) = body.form();
    let parsed = form
        .parse(|slug| org.squad_id(slug), old.map(|o| &o.input))
        .and_then(|i| match old {
            Some(old) => check_transition(old.input.status, &i).map(|_| i),
            None => Ok(i),
        });
    match parsed {
        Ok(input) if errors.is_empty() => Ok(input),
        Ok(_) => Err(errors),
        Err(e) => {
            errors.extend(e);
            Err(errors)
        }
    }
}

#[utoipa::path(put, path = "/api/v1/experiments/{id}", tag = "experiments", request_body = ExperimentBody, params(("id" = i64, Path, description = "The experiment's id")), responses((status = 200, description = "The experiment saved", body = ExperimentJson), (status = 403, description = "Not allowed to change it", body = ErrorJson), (status = 404, description = "No such experiment", body = ErrorJson), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn update(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    body: crate::request::JsonBody<ExperimentBody>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let org = org_view(&state).await?;
    let old = editable(&state, &org, &viewer, id.into_inner()).await?;
    match checked(body.into_inner(), &org, Some(&old)) {
        Ok(input) => {
            let e = store(&state, &org, &viewer, Some(&old), input).await?;
            respond(&state, &org, e, false).await
        }
        Err(errors) => Ok(invalid(errors)),
    }
}

/// A CSV body (`metric,variant,units,conversions` or `metric,variant,n,mean,sd`) sets the
/// data it names: the experiment as `GET` answers it, or a 422 with each message at its
/// line and nothing changed.
#[utoipa::path(post, path = "/api/v1/experiments/{id}/data", tag = "experiments", request_body(content = String, content_type = "text/csv", description = "metric,variant,units,conversions or metric,variant,n,mean,sd"), params(("id" = i64, Path, description = "The experiment's id")), responses((status = 200, description = "The experiment with the data set", body = ExperimentJson), (status = 404, description = "No such experiment", body = ErrorJson), (status = 422, description = "A line is wrong; nothing changed", body = ErrorJson)))]
async fn import(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    body: String,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let org = org_view(&state).await?;
    let old = editable(&state, &org, &viewer, id.into_inner()).await?;
    match with_csv(&org, &old, &body) {
        Ok(input) => {
            let e = store(&state, &org, &viewer, Some(&old), input).await?;
            respond(&state, &org, e, false).await
        }
        Err(errors) => Ok(invalid(errors)),
    }
}

// A parameter this calculator does not know is a 400 naming it, never silently ignored:
// the answer would be for a different question.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleSizeQuery {
    #[serde(default, rename = "type")]
    metric_type: Option<String>,
    baseline: f64,
    #[serde(default)]
    sd: Option<f64>,
    mde: f64,
    #[serde(default)]
    mde_type: Option<String>,
    #[serde(default = "default_alpha")]
    alpha: f64,
    #[serde(default = "default_power")]
    power: f64,
    #[serde(default = "default_variants")]
    variants: u32,
    #[serde(default)]
    alternative: Option<String>,
    #[serde(default)]
    control_share: Option<f64>,
    #[serde(default)]
    daily: Option<u64>,
}

fn default_alpha() -> f64 {
    0.05
}

fn default_power() -> f64 {
    0.8
}

fn default_variants() -> u32 {
    2
}

/// One of `choices` (the first when left out), or a message naming the field.
fn choice(
    raw: Option<&str>,
    field: &'static str,
    choices: [&'static str; 2],
    errors: &mut FieldErrors,
) -> bool {
    match raw.map(str::trim) {
        None => true,
        Some(v) if v == choices[0] => true,
        Some(v) if v == choices[1] => false,
        Some(v) => {
            errors.insert(
                field,
                format!("{v:?}: give {} or {}.", choices[0], choices[1]),
            );
            true
        }
    }
}

/// Rates, relative effects and the control's share are fractions here (`baseline=0.10` for
/// 10 %), as scripts compute them; the page takes percent.
#[utoipa::path(get, path = "/api/v1/experiments/sample-size", tag = "experiments", params(("baseline" = f64, Query, description = "The control's rate as a fraction (0.10), or its mean"), ("mde" = f64, Query, description = "The smallest effect worth detecting (a fraction of the baseline unless mde_type=absolute)"), ("type" = Option<String>, Query, description = "conversion (the default) or continuous"), ("sd" = Option<f64>, Query, description = "Continuous metrics: the standard deviation"), ("mde_type" = Option<String>, Query, description = "relative (the default) or absolute"), ("alpha" = Option<f64>, Query, description = "Significance level (0.05)"), ("power" = Option<f64>, Query, description = "Power (0.8)"), ("variants" = Option<u32>, Query, description = "Arms including the control (2)"), ("alternative" = Option<String>, Query, description = "two-sided (the default) or one-sided"), ("control_share" = Option<f64>, Query, description = "The control's share of units (equal split when not given)"), ("daily" = Option<u64>, Query, description = "Units a day, to say how many days it takes")), responses((status = 200, description = "The sample needed", body = SampleSizeJson), (status = 400, description = "A parameter it does not know", body = ErrorJson), (status = 422, description = "A parameter is wrong", body = ErrorJson)))]
async fn sample_size(q: web::Query<SampleSizeQuery>) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::new();
    let metric = match q.metric_type.as_deref() {
        None => MetricType::Conversion,
        Some(raw) => MetricType::parse(raw).unwrap_or_else(|| {
            errors.insert("type", format!("{raw:?}: give conversion or continuous."));
            MetricType::Conversion
        }),
    };
    let relative = choice(
        q.mde_type.as_deref(),
        "mde_type",
        ["relative", "absolute"],
        &mut errors,
    );
    let two_sided = choice(
        q.alternative.as_deref(),
        "alternative",
        ["two-sided", "one-sided"],
        &mut errors,
    );
    let design = Design {
        metric,
        baseline: q.baseline,
        sd: q.sd,
        mde: q.mde,
        relative,
        alpha: q.alpha,
        power: q.power,
        variants: q.variants,
        two_sided,
        control_share: q.control_share,
    };
    let answer = design.sample_size();
    if let Err(e) = &answer {
        errors.extend(e.iter().cloned());
    }
    // Said last, so it is the baseline's message: the likeliest mistake is percent.
    if metric == MetricType::Conversion && q.baseline >= 1.0 {
        errors.insert(
            "baseline",
            "Rates are fractions here: baseline=0.10 for 10 %.",
        );
    }
    let s = match answer {
        Ok(s) if errors.is_empty() => s,
        _ => return Err(errors.into()),
    };
    Ok(HttpResponse::Ok().json(SampleSizeJson {
        metric_type: metric.key(),
        baseline: q.baseline,
        sd: q.sd,
        mde: q.mde,
        mde_type: if relative { "relative" } else { "absolute" },
        alpha: q.alpha,
        power: q.power,
        variants: q.variants,
        alternative: if two_sided { "two-sided" } else { "one-sided" },
        control_share: q.control_share,
        per_variant: s.per_variant,
        control: s.control,
        per_treatment: s.per_treatment,
        total: s.total,
        alpha_per_comparison: s.alpha_per_comparison,
        target_rate: s.target,
        warning: s.warning,
        daily: q.daily,
        days: q.daily.and_then(|d| days_needed(s.total, d)),
    }))
}

/// The calculator's answer: the question as understood, and the sample it needs.
#[derive(Serialize, utoipa::ToSchema)]
struct SampleSizeJson {
    #[serde(rename = "type")]
    metric_type: &'static str,
    baseline: f64,
    sd: Option<f64>,
    mde: f64,
    mde_type: &'static str,
    alpha: f64,
    power: f64,
    variants: u32,
    alternative: &'static str,
    control_share: Option<f64>,
    /// The larger arm's units.
    per_variant: u64,
    control: u64,
    per_treatment: u64,
    total: u64,
    alpha_per_comparison: f64,
    /// The treatment's rate or mean the effect aims at.
    target_rate: f64,
    warning: Option<String>,
    daily: Option<u64>,
    /// Days to reach the total at `daily` units a day.
    days: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/experiments/stats", tag = "experiments", params(("unit" = Option<String>, Query, description = "squad/slug or tribe/slug; the whole org when not given"), ("from" = Option<String>, Query, description = "Ended on or after (YYYY-MM-DD)"), ("to" = Option<String>, Query, description = "Ended on or before (YYYY-MM-DD)")), responses((status = 200, description = "How experiments ended: win and learning rates, outcomes, by quarter, tribe and squad", body = StatsJson), (status = 404, description = "No such unit", body = ErrorJson), (status = 422, description = "A date is wrong, or from is after to", body = ErrorJson)))]
async fn stats(
    state: web::Data<AppState>,
    q: web::Query<InsightsQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let org = org_view(&state).await?;
    let i = compute_insights(&state, &org, &q).await?;
    let rows = |rows: &[super::insights::Row]| -> Vec<RowJson> {
        rows.iter()
            .map(|r| RowJson {
                label: r.label.clone(),
                tally: tally(&r.tally),
            })
            .collect()
    };
    Ok(HttpResponse::Ok().json(StatsJson {
        unit: q.unit.clone(),
        from: q.from.clone(),
        to: q.to.clone(),
        all: tally(&i.all),
        non_informative_reasons: i.reasons.clone(),
        quarters: rows(&i.quarters),
        tribes: rows(&i.tribes),
        squads: rows(&i.squads),
    }))
}

/// How experiments ended, in a scope.
#[derive(Serialize, utoipa::ToSchema)]
struct TallyJson {
    concluded: u64,
    aborted: u64,
    ended: u64,
    win_rate: Option<f64>,
    learning_rate: Option<f64>,
    outcomes: BTreeMap<&'static str, u64>,
}

fn tally(t: &super::insights::Tally) -> TallyJson {
    TallyJson {
        concluded: t.concluded,
        aborted: t.aborted,
        ended: t.ended,
        win_rate: t.win_rate(),
        learning_rate: t.learning_rate(),
        outcomes: outcomes(t),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
struct RowJson {
    label: String,
    #[serde(flatten)]
    tally: TallyJson,
}

/// Experiment insights for a unit and dates: the whole, and by quarter, tribe and squad.
#[derive(Serialize, utoipa::ToSchema)]
struct StatsJson {
    unit: String,
    from: String,
    to: String,
    #[serde(flatten)]
    all: TallyJson,
    non_informative_reasons: BTreeMap<&'static str, u64>,
    quarters: Vec<RowJson>,
    tribes: Vec<RowJson>,
    squads: Vec<RowJson>,
}

fn outcomes(t: &super::insights::Tally) -> BTreeMap<&'static str, u64> {
    Outcome::ALL.iter().map(|o| (o.key(), t.of(*o))).collect()
}
