//! The experiment as the API's JSON (a contract: keys and their order do not change): the
//! parts a script both reads and sends (hypothesis, metrics, variants, results, override)
//! and the whole experiment as `GET` answers it, with its health, outcome and lessons.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::experiments::model::{
    ArmData, Design, Experiment, ExperimentInput, Health, Hypothesis, Metric, Override, Variant,
};
use crate::org::cache::OrgView;

#[derive(Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct HypothesisJson {
    #[serde(default)]
    pub(super) change: String,
    #[serde(default)]
    pub(super) audience: String,
    #[serde(default)]
    pub(super) effect: String,
    #[serde(default)]
    pub(super) metric: String,
    #[serde(default)]
    pub(super) moves: String,
    /// The sentence, on the way out; ignored on the way in.
    #[serde(default)]
    text: String,
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MetricJson {
    pub(super) name: String,
    pub(super) kind: String,
    /// `conversion` (the default) or `continuous`.
    #[serde(rename = "type", default = "conversion")]
    pub(super) metric_type: String,
    #[serde(default = "increase")]
    pub(super) direction: String,
    #[serde(default)]
    pub(super) margin: Option<f64>,
}

fn increase() -> String {
    "increase".into()
}

fn conversion() -> String {
    "conversion".into()
}

fn typed() -> String {
    "typed".into()
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VariantJson {
    pub(super) name: String,
    pub(super) weight: f64,
    #[serde(default)]
    pub(super) observed: Option<i64>,
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ExperimentResult)]
#[serde(deny_unknown_fields)]
pub(super) struct ResultJson {
    /// The metric's name.
    pub(super) metric: String,
    /// The treatment's name.
    pub(super) variant: String,
    pub(super) effect: f64,
    pub(super) ci_low: f64,
    pub(super) ci_high: f64,
    #[serde(default)]
    pub(super) significant: bool,
    /// Computed results only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) p_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) relative: Option<f64>,
    /// `typed` (sent by a person or script) or `data` (computed by fika from `data`; such
    /// results are ignored when sent back).
    #[serde(default = "typed")]
    pub(super) source: String,
    /// Why a typed result stored before fika checked it disagrees with its interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) warning: Option<String>,
}

/// One arm's data for one metric: `units` and `conversions` for a conversion metric, `n`,
/// `mean` and `sd` for a continuous one.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DataJson {
    pub(super) metric: String,
    pub(super) variant: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) units: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) conversions: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) n: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) sd: Option<f64>,
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OverrideJson {
    pub(super) outcome: String,
    pub(super) reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ExperimentLesson)]
struct LessonLink {
    id: i64,
    title: String,
    url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ExperimentJson {
    id: i64,
    pub(super) url: String,
    title: String,
    squad: String,
    status: &'static str,
    hypothesis: HypothesisJson,
    metrics: Vec<MetricJson>,
    variants: Vec<VariantJson>,
    results: Vec<ResultJson>,
    data: Vec<DataJson>,
    /// The design behind the planned sample (rates and relative effects as fractions).
    plan: Option<Design>,
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

/// The experiment as `GET` answers it. Its keys come in the order of `ExperimentJson`'s
/// fields, whatever the order here.
pub(super) fn experiment_json(
    org: &OrgView,
    e: Experiment,
    lessons: Vec<(i64, String)>,
    author: Option<String>,
) -> ExperimentJson {
    let i = e.input;
    let verdict = i.verdict();
    let health = i.health();
    ExperimentJson {
        url: format!("/experiments/{}", e.id),
        id: e.id,
        squad: org
            .snap
            .unit(i.squad_id)
            .map(|u| u.slug.clone())
            .unwrap_or_default(),
        status: i.status.key(),
        hypothesis: HypothesisJson::of(&i.hypothesis),
        metrics: i.metrics.iter().map(MetricJson::of).collect(),
        variants: i.variants.iter().map(VariantJson::of).collect(),
        results: results_json(&i),
        data: data_json(&i),
        plan: i.plan,
        planned_sample: i.planned_sample,
        planned_start: i.planned_start,
        planned_end: i.planned_end,
        ended_on: i.ended_on,
        decision: i.decision.map(|d| d.key()),
        over: i.over.as_ref().map(OverrideJson::of),
        outcome: verdict.as_ref().map(|v| v.outcome.key()),
        computed_outcome: verdict.as_ref().map(|v| v.computed.key()),
        reasons: verdict
            .map(|v| v.reasons.iter().map(|r| r.key()).collect())
            .unwrap_or_default(),
        health,
        lessons: lessons.into_iter().map(LessonLink::of).collect(),
        author,
        rationale: i.rationale,
        learnings: i.learnings,
        title: i.title,
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
}

impl HypothesisJson {
    /// The five parts, and the sentence they make.
    fn of(h: &Hypothesis) -> HypothesisJson {
        let Hypothesis {
            change,
            audience,
            effect,
            metric,
            moves,
        } = h.clone();
        HypothesisJson {
            text: h.sentence(),
            change,
            audience,
            effect,
            metric,
            moves,
        }
    }
}

impl MetricJson {
    fn of(m: &Metric) -> MetricJson {
        MetricJson {
            name: m.name.clone(),
            kind: m.kind.key().into(),
            metric_type: m.metric_type.key().into(),
            direction: m.direction.key().into(),
            margin: m.margin,
        }
    }
}

impl VariantJson {
    fn of(v: &Variant) -> VariantJson {
        VariantJson {
            name: v.name.clone(),
            weight: v.weight,
            observed: v.observed.map(|o| o.min(i64::MAX as u64) as i64),
        }
    }
}

impl OverrideJson {
    fn of(o: &Override) -> OverrideJson {
        OverrideJson {
            outcome: o.outcome.key().into(),
            reason: o.reason.clone(),
        }
    }
}

impl LessonLink {
    fn of((id, title): (i64, String)) -> LessonLink {
        LessonLink {
            url: format!("/lessons/{id}"),
            id,
            title,
        }
    }
}

/// The name at `at` of a list (none for an index out of it).
fn name_at<T>(list: &[T], at: usize, name: impl Fn(&T) -> &String) -> String {
    list.get(at).map(name).cloned().unwrap_or_default()
}

/// Every result the outcome is judged by (computed from data, and typed), naming their
/// metric and variant.
fn results_json(i: &ExperimentInput) -> Vec<ResultJson> {
    i.all_results()
        .into_iter()
        .map(|r| ResultJson {
            metric: name_at(&i.metrics, r.metric, |m| &m.name),
            variant: name_at(&i.variants, r.variant, |v| &v.name),
            effect: r.effect,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            significant: r.significant,
            p_value: r.p_value,
            relative: r.relative,
            source: if r.from_data { "data" } else { "typed" }.into(),
            warning: (!r.from_data)
                .then(|| r.contradiction())
                .flatten()
                .map(|c| c.message().to_string()),
        })
        .collect()
}

fn data_json(i: &ExperimentInput) -> Vec<DataJson> {
    i.data
        .iter()
        .map(|o| {
            let mut d = DataJson {
                metric: name_at(&i.metrics, o.metric, |m| &m.name),
                variant: name_at(&i.variants, o.variant, |v| &v.name),
                units: None,
                conversions: None,
                n: None,
                mean: None,
                sd: None,
            };
            match o.data {
                ArmData::Conversions(c) => {
                    (d.units, d.conversions) = (Some(c.units), Some(c.conversions))
                }
                ArmData::Moments(m) => (d.n, d.mean, d.sd) = (Some(m.n), Some(m.mean), Some(m.sd)),
            }
            d
        })
        .collect()
}
