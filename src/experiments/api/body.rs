//! What a script sends to create or change an experiment, and the form it would have filled
//! in: the API's writes go through the same parsing as the pages.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::json::{DataJson, HypothesisJson, MetricJson, OverrideJson, ResultJson, VariantJson};
use crate::experiments::forms::{CalcFields, DataRow, Form, MetricRow, ResultRow, VariantRow};
use crate::experiments::model::Design;
use crate::experiments::stats::exact_number;
use crate::site::forms::FieldErrors;

/// What a script sends. The fields `GET` adds (`id`, `health`, `outcome`…) may be sent back
/// and are ignored, so a script can change what it read and `PUT` it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ExperimentBody {
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
    data: Vec<DataJson>,
    #[serde(default)]
    plan: Option<Design>,
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
    // Read-only fields of the response: accepted so that what GET answers can be sent back,
    // and ignored.
    #[serde(default, rename = "id")]
    #[schema(value_type = Option<Object>)]
    _id: Option<IgnoredAny>,
    #[serde(default, rename = "url")]
    #[schema(value_type = Option<Object>)]
    _url: Option<IgnoredAny>,
    #[serde(default, rename = "health")]
    #[schema(value_type = Option<Object>)]
    _health: Option<IgnoredAny>,
    #[serde(default, rename = "outcome")]
    #[schema(value_type = Option<Object>)]
    _outcome: Option<IgnoredAny>,
    #[serde(default, rename = "computed_outcome")]
    #[schema(value_type = Option<Object>)]
    _computed_outcome: Option<IgnoredAny>,
    #[serde(default, rename = "reasons")]
    #[schema(value_type = Option<Object>)]
    _reasons: Option<IgnoredAny>,
    #[serde(default, rename = "lessons")]
    #[schema(value_type = Option<Object>)]
    _lessons: Option<IgnoredAny>,
    #[serde(default, rename = "author")]
    #[schema(value_type = Option<Object>)]
    _author: Option<IgnoredAny>,
    #[serde(default, rename = "created_at")]
    #[schema(value_type = Option<Object>)]
    _created_at: Option<IgnoredAny>,
    #[serde(default, rename = "updated_at")]
    #[schema(value_type = Option<Object>)]
    _updated_at: Option<IgnoredAny>,
}

impl ExperimentBody {
    /// The form these fields would have filled in. Results name their metric and variant;
    /// a name that is not in the lists is an error at `results`.
    pub(super) fn form(self) -> (Form, FieldErrors) {
        let mut errors = FieldErrors::new();
        let metrics: Vec<MetricRow> = self.metrics.iter().map(metric_row).collect();
        let variants: Vec<VariantRow> = self.variants.iter().map(variant_row).collect();
        let results = self.result_rows(&mut errors);
        let data = self.data_rows(&mut errors);
        let plan = self
            .plan
            .map_or_else(CalcFields::default, |d| CalcFields::of_fractions(&d));
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
            data,
            plan,
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

    /// The results by (metric row, variant row), found by name; a result whose metric or
    /// treatment is not in the lists is an error at `results`.
    fn result_rows(&self, errors: &mut FieldErrors) -> BTreeMap<(usize, usize), ResultRow> {
        let num = exact_number;
        let mut results = BTreeMap::new();
        // Results fika computed from `data` come back when a script sends what it read;
        // they are computed again from the data sent.
        for r in self.results.iter().filter(|r| r.source != "data") {
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
        results
    }

    /// The data by (metric row, variant row), found by name; a name not in the lists is
    /// an error at `data`.
    fn data_rows(&self, errors: &mut FieldErrors) -> BTreeMap<(usize, usize), DataRow> {
        let mut rows = BTreeMap::new();
        for d in &self.data {
            let m = self
                .metrics
                .iter()
                .position(|m| m.name.trim() == d.metric.trim());
            let v = self
                .variants
                .iter()
                .position(|v| v.name.trim() == d.variant.trim());
            let (Some(m), Some(v)) = (m, v) else {
                errors.insert(
                    "data",
                    format!(
                        "Data names metric {:?} and variant {:?}: both must be in the lists.",
                        d.metric, d.variant
                    ),
                );
                continue;
            };
            let int = |x: Option<u64>| x.map(|x| x.to_string()).unwrap_or_default();
            let real = |x: Option<f64>| x.map(exact_number).unwrap_or_default();
            rows.insert(
                (m, v),
                DataRow {
                    units: int(d.units),
                    conversions: int(d.conversions),
                    n: int(d.n),
                    mean: real(d.mean),
                    sd: real(d.sd),
                },
            );
        }
        rows
    }
}

fn metric_row(m: &MetricJson) -> MetricRow {
    MetricRow {
        name: m.name.clone(),
        kind: m.kind.clone(),
        metric_type: m.metric_type.clone(),
        direction: m.direction.clone(),
        margin: m.margin.map(exact_number).unwrap_or_default(),
    }
}

fn variant_row(v: &VariantJson) -> VariantRow {
    VariantRow {
        name: v.name.clone(),
        weight: exact_number(v.weight),
        observed: v.observed.map(|o| o.to_string()).unwrap_or_default(),
    }
}
