//! The experiment form as typed: every field kept as the person wrote it, so a form with a
//! mistake comes back exactly as sent, with each message next to its field. Parsing turns it
//! into an [`ExperimentInput`] (`parse`, one parser per section); the JSON API goes through the
//! same parsing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::model::{ArmData, Direction, ExperimentInput, MetricKind, MetricType, Status};
use super::stats::exact_number;
use crate::site::forms::Pairs;

pub use plan::CalcFields;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricRow {
    pub name: String,
    pub kind: String,
    /// `conversion` or `continuous`.
    pub metric_type: String,
    pub direction: String,
    pub margin: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariantRow {
    pub name: String,
    pub weight: String,
    pub observed: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultRow {
    pub effect: String,
    pub low: String,
    pub high: String,
    pub significant: bool,
}

/// One arm's data for one metric, as typed: units and conversions for a rate, n, mean and
/// standard deviation for a number.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataRow {
    pub units: String,
    pub conversions: String,
    pub n: String,
    pub mean: String,
    pub sd: String,
}

impl DataRow {
    pub const PARTS: [&'static str; 5] = ["units", "conversions", "n", "mean", "sd"];

    pub fn part(&self, name: &str) -> &str {
        match name {
            "units" => &self.units,
            "conversions" => &self.conversions,
            "n" => &self.n,
            "mean" => &self.mean,
            _ => &self.sd,
        }
    }

    fn of(d: &ArmData) -> DataRow {
        match d {
            ArmData::Conversions(c) => DataRow {
                units: c.units.to_string(),
                conversions: c.conversions.to_string(),
                ..DataRow::default()
            },
            ArmData::Moments(m) => DataRow {
                n: m.n.to_string(),
                mean: exact_number(m.mean),
                sd: exact_number(m.sd),
                ..DataRow::default()
            },
        }
    }
}

/// Everything the form holds, as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    pub title: String,
    /// The owning squad's slug.
    pub squad: String,
    pub status: String,
    pub change: String,
    pub audience: String,
    pub effect: String,
    pub metric: String,
    pub moves: String,
    pub metrics: Vec<MetricRow>,
    pub variants: Vec<VariantRow>,
    /// By (metric row, variant row); variant rows from 1 (the control has no result).
    pub results: BTreeMap<(usize, usize), ResultRow>,
    /// By (metric row, variant row), the control (row 0) included.
    pub data: BTreeMap<(usize, usize), DataRow>,
    /// The calculator's fields: the plan the planned sample comes from (none when blank).
    pub plan: CalcFields,
    pub planned_sample: String,
    pub planned_start: String,
    pub planned_end: String,
    pub ended_on: String,
    pub decision: String,
    pub rationale: String,
    pub learnings: String,
    pub override_outcome: String,
    pub override_reason: String,
}

/// Rows of each list the form reads (a form may not make more).
pub const MAX_METRICS: usize = 20;
pub const MAX_VARIANTS: usize = 10;

impl Form {
    /// A new experiment: a control and one treatment at 50/50, a row for a success metric
    /// and one for a guardrail.
    pub fn blank(squad: &str) -> Form {
        let row = |kind: MetricKind| MetricRow {
            kind: kind.key().into(),
            metric_type: MetricType::Conversion.key().into(),
            direction: Direction::Increase.key().into(),
            ..MetricRow::default()
        };
        Form {
            squad: squad.to_string(),
            status: Status::Design.key().into(),
            metrics: vec![row(MetricKind::Success), row(MetricKind::Guardrail)],
            variants: vec![
                VariantRow {
                    name: "control".into(),
                    weight: "50".into(),
                    observed: String::new(),
                },
                VariantRow {
                    name: "treatment".into(),
                    weight: "50".into(),
                    observed: String::new(),
                },
            ],
            plan: CalcFields::of_plan(None, 2),
            ..Form::default()
        }
    }

    /// The form as sent. Rows are numbered from 0 in field names (`metric_name_0`).
    pub fn from_pairs(p: &Pairs) -> Form {
        let get = |k: &str| p.get(k).to_string();
        let rows = |prefix: &str, max: usize| {
            (0..max)
                .take_while(|i| p.0.iter().any(|(k, _)| k == &format!("{prefix}_{i}")))
                .count()
        };
        let metrics = (0..rows("metric_name", MAX_METRICS))
            .map(|i| MetricRow {
                name: get(&format!("metric_name_{i}")),
                kind: get(&format!("metric_kind_{i}")),
                metric_type: get(&format!("metric_type_{i}")),
                direction: get(&format!("metric_direction_{i}")),
                margin: get(&format!("metric_margin_{i}")),
            })
            .collect::<Vec<_>>();
        let variants = (0..rows("variant_name", MAX_VARIANTS))
            .map(|i| VariantRow {
                name: get(&format!("variant_name_{i}")),
                weight: get(&format!("variant_weight_{i}")),
                observed: get(&format!("variant_observed_{i}")),
            })
            .collect::<Vec<_>>();
        let mut data = BTreeMap::new();
        for m in 0..metrics.len() {
            for v in 0..variants.len() {
                let f = |part: &str| get(&format!("data_{m}_{v}_{part}"));
                let row = DataRow {
                    units: f("units"),
                    conversions: f("conversions"),
                    n: f("n"),
                    mean: f("mean"),
                    sd: f("sd"),
                };
                if row != DataRow::default() {
                    data.insert((m, v), row);
                }
            }
        }
        let mut results = BTreeMap::new();
        for m in 0..metrics.len() {
            for v in 1..variants.len() {
                let f = |part: &str| get(&format!("result_{m}_{v}_{part}"));
                let row = ResultRow {
                    effect: f("effect"),
                    low: f("low"),
                    high: f("high"),
                    significant: !f("significant").is_empty(),
                };
                if row != ResultRow::default() {
                    results.insert((m, v), row);
                }
            }
        }
        Form {
            title: get("title"),
            squad: get("squad"),
            status: get("status"),
            change: get("change"),
            audience: get("audience"),
            effect: get("effect"),
            metric: get("metric"),
            moves: get("moves"),
            metrics,
            variants,
            results,
            data,
            plan: CalcFields::from_pairs(p, "calc_"),
            planned_sample: get("planned_sample"),
            planned_start: get("planned_start"),
            planned_end: get("planned_end"),
            ended_on: get("ended_on"),
            decision: get("decision"),
            rationale: get("rationale"),
            learnings: get("learnings"),
            override_outcome: get("override_outcome"),
            override_reason: get("override_reason"),
        }
    }

    /// The form of a saved experiment (`squad` is its squad's slug).
    pub fn of(e: &ExperimentInput, squad: &str) -> Form {
        let num = exact_number;
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Form {
            title: e.title.clone(),
            squad: squad.to_string(),
            status: e.status.key().into(),
            change: e.hypothesis.change.clone(),
            audience: e.hypothesis.audience.clone(),
            effect: e.hypothesis.effect.clone(),
            metric: e.hypothesis.metric.clone(),
            moves: e.hypothesis.moves.clone(),
            metrics: e
                .metrics
                .iter()
                .map(|m| MetricRow {
                    name: m.name.clone(),
                    kind: m.kind.key().into(),
                    metric_type: m.metric_type.key().into(),
                    direction: m.direction.key().into(),
                    margin: m.margin.map(num).unwrap_or_default(),
                })
                .collect(),
            variants: e
                .variants
                .iter()
                .map(|v| VariantRow {
                    name: v.name.clone(),
                    weight: num(v.weight),
                    observed: v.observed.map(|o| o.to_string()).unwrap_or_default(),
                })
                .collect(),
            results: e
                .results
                .iter()
                .map(|r| {
                    (
                        (r.metric, r.variant),
                        ResultRow {
                            effect: num(r.effect),
                            low: num(r.ci_low),
                            high: num(r.ci_high),
                            significant: r.significant,
                        },
                    )
                })
                .collect(),
            data: e
                .data
                .iter()
                .map(|o| ((o.metric, o.variant), DataRow::of(&o.data)))
                .collect(),
            plan: CalcFields::of_plan(e.plan.as_ref(), e.variants.len()),
            planned_sample: e.planned_sample.map(|n| n.to_string()).unwrap_or_default(),
            planned_start: date(e.planned_start),
            planned_end: date(e.planned_end),
            ended_on: date(e.ended_on),
            decision: e.decision.map(|d| d.key().to_string()).unwrap_or_default(),
            rationale: e.rationale.clone(),
            learnings: e.learnings.clone(),
            override_outcome: e
                .over
                .as_ref()
                .map(|o| o.outcome.key().to_string())
                .unwrap_or_default(),
            override_reason: e
                .over
                .as_ref()
                .map(|o| o.reason.clone())
                .unwrap_or_default(),
        }
    }

    /// The form with room for one more metric and one more variant: a page without
    /// JavaScript adds rows by filling the blank one and saving.
    pub fn with_blank_rows(mut self) -> Form {
        if self.metrics.len() < MAX_METRICS
            && self
                .metrics
                .last()
                .is_none_or(|m| !m.name.trim().is_empty())
        {
            self.metrics.push(MetricRow {
                kind: MetricKind::Guardrail.key().into(),
                metric_type: MetricType::Conversion.key().into(),
                direction: Direction::Increase.key().into(),
                ..MetricRow::default()
            });
        }
        if self.variants.len() < MAX_VARIANTS
            && self
                .variants
                .last()
                .is_none_or(|v| !v.name.trim().is_empty())
        {
            self.variants.push(VariantRow::default());
        }
        self
    }
}

/// A decimal number as people write it: `1,5` is not accepted (ambiguous), `-0.4`, `2.5`,
/// `+3` are.
pub fn number(raw: &str) -> Option<f64> {
    let s = raw.trim().trim_start_matches('+').replace(['_', ' '], "");
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A count, with optional thousands separators: `14,750`, `14 750`, `14750`.
pub fn count(raw: &str) -> Option<u64> {
    raw.trim().replace([',', '_', ' '], "").parse().ok()
}

mod data;
mod parse;
mod plan;

#[cfg(test)]
mod tests;
