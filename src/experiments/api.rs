//! Experiments' JSON API (a contract): `GET/POST /api/v1/experiments`,
//! `GET/PUT /api/v1/experiments/{id}` with the computed `health` and `outcome`,
//! `GET /api/v1/experiments/sample-size` and `GET /api/v1/experiments/stats`.
//!
//! Writes go through the same form parsing as the pages, so both refuse the same input with
//! the same messages (keyed by the form's field names).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::filters::{InsightsQuery, ListQuery};
use super::flow::{check_transition, compute_insights, editable, store};
use super::forms::{Form, MetricRow, ResultRow, VariantRow};
use super::model::Experiment;
use super::model::{Health, Hypothesis, Outcome};
use super::repo;
use super::stats::{Design, days_needed, trim_number};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::org::cache::OrgView;
use crate::org::cache::org_view;
use crate::site::forms::FieldErrors;
use crate::site::paging::{self, PageQuery};
use crate::site::views::invalid;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/experiments", web::get().to(list))
        .route("/api/v1/experiments", web::post().to(create))
        .route(
            "/api/v1/experiments/sample-size",
            web::get().to(sample_size),
        )
        .route("/api/v1/experiments/stats", web::get().to(stats))
        .route("/api/v1/experiments/{id}", web::get().to(get))
        .route("/api/v1/experiments/{id}", web::put().to(update));
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HypothesisJson {
    #[serde(default)]
    change: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    effect: String,
    #[serde(default)]
    metric: String,
    #[serde(default)]
    moves: String,
    /// The sentence, on the way out; ignored on the way in.
    #[serde(default)]
    text: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricJson {
    name: String,
    kind: String,
    #[serde(default = "increase")]
    direction: String,
    #[serde(default)]
    margin: Option<f64>,
}

fn increase() -> String {
    "increase".into()
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantJson {
    name: String,
    weight: f64,
    #[serde(default)]
    observed: Option<i64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultJson {
    /// The metric's name.
    metric: String,
    /// The treatment's name.
    variant: String,
    effect: f64,
    ci_low: f64,
    ci_high: f64,
    #[serde(default)]
    significant: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideJson {
    outcome: String,
    reason: String,
}

/// What a script sends. The fields `GET` adds (`id`, `health`, `outcome`…) may be sent back
/// and are ignored, so a script can change what it read and `PUT` it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExperimentBody {
    title: String,
    /// The owning squad's slug.
    squad: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    hypothesis: HypothesisJson,
    #[serde(default)]
    metrics: Vec<MetricJson>,
    #[serde(default)]
    variants: Vec<VariantJson>,
    #[serde(default)]
    results: Vec<ResultJson>,
    #[serde(default)]
    planned_sample: Option<i64>,
    #[serde(default)]
    planned_start: Option<String>,
    #[serde(default)]
    planned_end: Option<String>,
    #[serde(default)]
    ended_on: Option<String>,
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    rationale: String,
    #[serde(default)]
    learnings: String,
    #[serde(default, rename = "override")]
    over: Option<OverrideJson>,
    // Read-only fields of the response.
    #[serde(default, rename = "id")]
    _id: Option<IgnoredAny>,
    #[serde(default, rename = "url")]
    _url: Option<IgnoredAny>,
    #[serde(default, rename = "health")]
    _health: Option<IgnoredAny>,
    #[serde(default, rename = "outcome")]
    _outcome: Option<IgnoredAny>,
    #[serde(default, rename = "computed_outcome")]
    _computed_outcome: Option<IgnoredAny>,
    #[serde(default, rename = "reasons")]
    _reasons: Option<IgnoredAny>,
    #[serde(default, rename = "lessons")]
    _lessons: Option<IgnoredAny>,
    #[serde(default, rename = "author")]
    _author: Option<IgnoredAny>,
    #[serde(default, rename = "created_at")]
    _created_at: Option<IgnoredAny>,
    #[serde(default, rename = "updated_at")]
    _updated_at: Option<IgnoredAny>,
}

impl ExperimentBody {
    /// The form these fields would have filled in. Results name their metric and variant;
    /// a name that is not in the lists is an error at `results`.
    fn form(self) -> (Form, FieldErrors) {
        let mut errors = FieldErrors::new();
        let num = |v: f64| trim_number(v);
        let metrics: Vec<MetricRow> = self
            .metrics
            .iter()
            .map(|m| MetricRow {
                name: m.name.clone(),
                kind: m.kind.clone(),
                direction: m.direction.clone(),
                margin: m.margin.map(num).unwrap_or_default(),
            })
            .collect();
        let variants: Vec<VariantRow> = self
            .variants
            .iter()
            .map(|v| VariantRow {
                name: v.name.clone(),
                weight: num(v.weight),
                observed: v.observed.map(|o| o.to_string()).unwrap_or_default(),
            })
            .collect();
        let mut results = BTreeMap::new();
        for r in &self.results {
            let m = self
                .metrics
                .iter()
                .position(|m| m.name.trim() == r.metric.trim());
            let v = self
                .variants
                .iter()
                .position(|v| v.name.trim() == r.variant.trim());
            match (m, v) {
                (Some(m), Some(v)) if v > 0 => {
                    results.insert(
                        (m, v),
                        ResultRow {
                            effect: num(r.effect),
                            low: num(r.ci_low),
                            high: num(r.ci_high),
                            significant: r.significant,
                        },
                    );
                }
                _ => {
                    errors.insert(
                        "results",
                        format!(
                            "A result names metric {:?} and variant {:?}: both must be in the \
                             lists, and the variant must not be the control.",
                            r.metric, r.variant
                        ),
                    );
                }
            }
        }
        let opt = |s: Option<String>| s.unwrap_or_default();
        let form = Form {
            title: self.title,
            squad: self.squad,
            status: self.status.unwrap_or_else(|| "design".into()),
            change: self.hypothesis.change,
            audience: self.hypothesis.audience,
            effect: self.hypothesis.effect,
            metric: self.hypothesis.metric,
            moves: self.hypothesis.moves,
            metrics,
            variants,
            results,
            planned_sample: self
                .planned_sample
                .map(|n| n.to_string())
                .unwrap_or_default(),
            planned_start: opt(self.planned_start),
            planned_end: opt(self.planned_end),
            ended_on: opt(self.ended_on),
            decision: opt(self.decision),
            rationale: self.rationale,
            learnings: self.learnings,
            override_outcome: self
                .over
                .as_ref()
                .map(|o| o.outcome.clone())
                .unwrap_or_default(),
            override_reason: self.over.map(|o| o.reason).unwrap_or_default(),
        };
        (form, errors)
    }
}

#[derive(Serialize)]
struct LessonLink {
    id: i64,
    title: String,
    url: String,
}

#[derive(Serialize)]
struct ExperimentJson {
    id: i64,
    url: String,
    title: String,
    squad: String,
    status: &'static str,
    hypothesis: HypothesisJson,
    metrics: Vec<MetricJson>,
    variants: Vec<VariantJson>,
    results: Vec<ResultJson>,
    planned_sample: Option<u64>,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    decision: Option<&'static str>,
    rationale: String,
    learnings: String,
    #[serde(rename = "override")]
    over: Option<OverrideJson>,
    health: Health,
    /// The outcome that counts (the owner's override, else the computed one); null until
    /// the experiment ends.
    outcome: Option<&'static str>,
    computed_outcome: Option<&'static str>,
    reasons: Vec<&'static str>,
    lessons: Vec<LessonLink>,
    author: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn experiment_json(
    org: &OrgView,
    e: Experiment,
    lessons: Vec<(i64, String)>,
    author: Option<String>,
) -> ExperimentJson {
    let i = e.input;
    let verdict = i.verdict();
    let health = i.health();
    let name_of = |list: &[String], at: usize| list.get(at).cloned().unwrap_or_default();
    let metric_names: Vec<String> = i.metrics.iter().map(|m| m.name.clone()).collect();
    let variant_names: Vec<String> = i.variants.iter().map(|v| v.name.clone()).collect();
    let Hypothesis {
        change,
        audience,
        effect,
        metric,
        moves,
    } = i.hypothesis.clone();
    ExperimentJson {
        url: format!("/experiments/{}", e.id),
        id: e.id,
        squad: org
            .snap
            .unit(i.squad_id)
            .map(|u| u.slug.clone())
            .unwrap_or_default(),
        status: i.status.key(),
        hypothesis: HypothesisJson {
            text: i.hypothesis.sentence(),
            change,
            audience,
            effect,
            metric,
            moves,
        },
        metrics: i
            .metrics
            .iter()
            .map(|m| MetricJson {
                name: m.name.clone(),
                kind: m.kind.key().into(),
                direction: m.direction.key().into(),
                margin: m.margin,
            })
            .collect(),
        variants: i
            .variants
            .iter()
            .map(|v| VariantJson {
                name: v.name.clone(),
                weight: v.weight,
                observed: v.observed.map(|o| o.min(i64::MAX as u64) as i64),
            })
            .collect(),
        results: i
            .results
            .iter()
            .map(|r| ResultJson {
                metric: name_of(&metric_names, r.metric),
                variant: name_of(&variant_names, r.variant),
                effect: r.effect,
                ci_low: r.ci_low,
                ci_high: r.ci_high,
                significant: r.significant,
            })
            .collect(),
        planned_sample: i.planned_sample,
        planned_start: i.planned_start,
        planned_end: i.planned_end,
        ended_on: i.ended_on,
        decision: i.decision.map(|d| d.key()),
        over: i.over.as_ref().map(|o| OverrideJson {
            outcome: o.outcome.key().into(),
            reason: o.reason.clone(),
        }),
        outcome: verdict.as_ref().map(|v| v.outcome.key()),
        computed_outcome: verdict.as_ref().map(|v| v.computed.key()),
        reasons: verdict
            .map(|v| v.reasons.iter().map(|r| r.key()).collect())
            .unwrap_or_default(),
        health,
        lessons: lessons
            .into_iter()
            .map(|(id, title)| LessonLink {
                url: format!("/lessons/{id}"),
                id,
                title,
            })
            .collect(),
        author,
        rationale: i.rationale,
        learnings: i.learnings,
        title: i.title,
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
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

#[derive(Serialize)]
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

async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let org = org_view(&state).await?;
    let e = state.db.run(move |c| repo::get(c, id)).await?;
    respond(&state, &org, e, false).await
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<ExperimentBody>,
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
        .parse(|slug| org.squad_id(slug))
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

async fn update(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    body: web::Json<ExperimentBody>,
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

#[derive(Deserialize)]
struct SampleSizeQuery {
    baseline: f64,
    mde: f64,
    #[serde(default = "default_alpha")]
    alpha: f64,
    #[serde(default = "default_power")]
    power: f64,
    #[serde(default = "default_variants")]
    variants: u32,
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

/// Rates are fractions here (`baseline=0.10` for 10 %), as scripts compute them.
async fn sample_size(q: web::Query<SampleSizeQuery>) -> AppResult<HttpResponse> {
    let design = Design {
        baseline: q.baseline,
        mde: q.mde,
        alpha: q.alpha,
        power: q.power,
        variants: q.variants,
    };
    let mut errors: FieldErrors = design
        .check()
        .into_iter()
        .map(|(f, m)| (f.to_string(), m))
        .collect();
    if q.baseline >= 1.0 {
        errors.insert(
            "baseline",
            "Rates are fractions here: baseline=0.10 for 10 %.",
        );
    }
    let Some(s) = design.sample_size().filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.insert("mde", "That effect is too small to detect.");
        }
        return Err(errors.into());
    };
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "baseline": q.baseline,
        "mde": q.mde,
        "alpha": q.alpha,
        "power": q.power,
        "variants": q.variants,
        "per_variant": s.per_variant,
        "total": s.total,
        "alpha_per_comparison": s.alpha_per_comparison,
        "target_rate": s.target_rate,
        "daily": q.daily,
        "days": q.daily.and_then(|d| days_needed(s.total, d)),
    })))
}

async fn stats(
    state: web::Data<AppState>,
    q: web::Query<InsightsQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let org = org_view(&state).await?;
    let i = compute_insights(&state, &org, &q).await?;
    let rows = |rows: &[super::insights::Row]| -> Vec<serde_json::Value> {
        rows.iter()
            .map(|r| {
                serde_json::json!({
                    "label": r.label,
                    "concluded": r.tally.concluded,
                    "win_rate": r.tally.win_rate(),
                    "learning_rate": r.tally.learning_rate(),
                    "outcomes": outcomes(&r.tally),
                })
            })
            .collect()
    };
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "unit": q.unit,
        "from": q.from,
        "to": q.to,
        "concluded": i.all.concluded,
        "win_rate": i.all.win_rate(),
        "learning_rate": i.all.learning_rate(),
        "outcomes": outcomes(&i.all),
        "non_informative_reasons": i.reasons,
        "quarters": rows(&i.quarters),
        "tribes": rows(&i.tribes),
        "squads": rows(&i.squads),
    })))
}

fn outcomes(t: &super::insights::Tally) -> BTreeMap<&'static str, u64> {
    Outcome::ALL.iter().map(|o| (o.key(), t.of(*o))).collect()
}
