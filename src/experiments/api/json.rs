//! The experiment as the API's JSON (a contract: keys and their order do not change): the
//! parts a script both reads and sends (hypothesis, metrics, variants, results, override)
//! and the whole experiment as `GET` answers it, with its health, outcome and lessons.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::experiments::model::{
    Experiment, ExperimentInput, Health, Hypothesis, Metric, Override, Variant,
};
use crate::org::cache::OrgView;

#[derive(Serialize, Deserialize, Default)]
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

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MetricJson {
    pub(super) name: String,
    pub(super) kind: String,
    #[serde(default = "increase")]
    pub(super) direction: String,
    #[serde(default)]
    pub(super) margin: Option<f64>,
}

fn increase() -> String {
    "increase".into()
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VariantJson {
    pub(super) name: String,
    pub(super) weight: f64,
    #[serde(default)]
    pub(super) observed: Option<i64>,
}

#[derive(Serialize, Deserialize)]
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
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OverrideJson {
    pub(super) outcome: String,
    pub(super) reason: String,
}

#[derive(Serialize)]
struct LessonLink {
    id: i64,
    title: String,
    url: String,
}

#[derive(Serialize)]
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

/// The results, naming their metric and variant (an index out of the lists names none).
fn results_json(i: &ExperimentInput) -> Vec<ResultJson> {
    let name_of = |list: &[String], at: usize| list.get(at).cloned().unwrap_or_default();
    let metric_names: Vec<String> = i.metrics.iter().map(|m| m.name.clone()).collect();
    let variant_names: Vec<String> = i.variants.iter().map(|v| v.name.clone()).collect();
    i.results
        .iter()
        .map(|r| ResultJson {
            metric: name_of(&metric_names, r.metric),
            variant: name_of(&variant_names, r.variant),
            effect: r.effect,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            significant: r.significant,
        })
        .collect()
}
