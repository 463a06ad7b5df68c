//! Reading the data section of the form (per metric and variant: units and conversions, or
//! n, mean and standard deviation) and the plan (the calculator's fields), and the rule that
//! a typed result's "significant" agrees with its interval.

use std::collections::BTreeMap;

use super::{DataRow, Form, count, number};
use crate::experiments::model::{
    ArmData, Conversions, Design, ExperimentInput, Metric, MetricResult, MetricType, Moments,
    Observation,
};
use crate::site::forms::FieldErrors;

impl Form {
    /// Each arm's data, following rows to their new positions. A metric with data in a
    /// treatment needs the control's too; the parts asked for follow the metric's type.
    pub(super) fn data(
        &self,
        metrics: &[Metric],
        metric_at: &BTreeMap<usize, usize>,
        variant_at: &BTreeMap<usize, usize>,
        errors: &mut FieldErrors,
    ) -> Vec<Observation> {
        let mut out = Vec::new();
        for (&(m, v), row) in &self.data {
            let (Some(&metric), Some(&variant)) = (metric_at.get(&m), variant_at.get(&v)) else {
                continue;
            };
            let field = |part: &str| format!("data_{m}_{v}_{part}");
            if metric >= metrics.len() {
                continue;
            }
            let Some(data) = arm(&metrics[metric], row, &field, errors) else {
                continue;
            };
            out.push(Observation {
                metric,
                variant,
                data,
            });
        }
        for o in &out {
            if o.variant > 0 && !out.iter().any(|c| c.metric == o.metric && c.variant == 0) {
                let row = metric_at
                    .iter()
                    .find(|(_, at)| **at == o.metric)
                    .map_or(0, |(r, _)| *r);
                errors.add(
                    format!("data_{row}_0_{}", if o.data.metric_type() == MetricType::Conversion { "units" } else { "n" }),
                    format!(
                        "Give the control's data for {} too: results compare each treatment with it.",
                        metrics[o.metric].name
                    ),
                );
            }
        }
        out.sort_by_key(|o| (o.metric, o.variant));
        out
    }

    /// The plan: the calculator's fields when a baseline or an effect was typed. Messages
    /// are keyed `calc_…`, where the form shows them.
    pub(super) fn plan(&self, errors: &mut FieldErrors) -> Option<Design> {
        if self.plan.is_blank() {
            return None;
        }
        match self.plan.design() {
            Ok((design, _)) => Some(design),
            Err(e) => {
                errors.extend(e.iter().map(|(k, v)| (format!("calc_{k}"), v.clone())));
                None
            }
        }
    }
}

/// One arm's data, with the parts its metric's type asks for, or None with the messages
/// added at their fields.
fn arm(
    metric: &Metric,
    row: &DataRow,
    field: &dyn Fn(&str) -> String,
    errors: &mut FieldErrors,
) -> Option<ArmData> {
    let kind = metric.metric_type;
    let (wanted, other): (&[&str], &[&str]) = match kind {
        MetricType::Conversion => (&["units", "conversions"], &["n", "mean", "sd"]),
        MetricType::Continuous => (&["n", "mean", "sd"], &["units", "conversions"]),
    };
    if let Some(stray) = other.iter().find(|p| !row.part(p).trim().is_empty()) {
        errors.add(
            field(stray),
            format!(
                "{} is a {}: give {} (or change its type).",
                metric.name,
                kind.label().to_lowercase(),
                wanted.join(", ")
            ),
        );
        return None;
    }
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|part| row.part(part).trim().is_empty())
        .collect();
    for part in &missing {
        errors.add(
            field(part),
            format!("Give the {part} too (or clear the row)."),
        );
    }
    if !missing.is_empty() {
        return None;
    }
    match kind {
        MetricType::Conversion => conversions(row, field, errors),
        MetricType::Continuous => moments(row, field, errors),
    }
}

/// A count typed in a part, or None with its message.
fn whole(
    row: &DataRow,
    part: &str,
    field: &dyn Fn(&str) -> String,
    errors: &mut FieldErrors,
) -> Option<u64> {
    count(row.part(part)).or_else(|| {
        errors.add(
            field(part),
            format!(
                "{:?} is not a count: a whole number of 0 or more.",
                row.part(part).trim()
            ),
        );
        None
    })
}

fn conversions(
    row: &DataRow,
    field: &dyn Fn(&str) -> String,
    errors: &mut FieldErrors,
) -> Option<ArmData> {
    let units = whole(row, "units", field, errors);
    let conversions = whole(row, "conversions", field, errors);
    let (units, conversions) = (units?, conversions?);
    if units == 0 {
        errors.add(field("units"), "An arm with data has at least one unit.");
        return None;
    }
    if conversions > units {
        errors.add(
            field("conversions"),
            format!("{conversions} conversions out of {units} units: at most one a unit."),
        );
        return None;
    }
    Some(ArmData::Conversions(Conversions { units, conversions }))
}

fn moments(
    row: &DataRow,
    field: &dyn Fn(&str) -> String,
    errors: &mut FieldErrors,
) -> Option<ArmData> {
    let n = whole(row, "n", field, errors);
    let mut real = |part: &str| {
        number(row.part(part)).or_else(|| {
            errors.add(
                field(part),
                format!("{:?} is not a number.", row.part(part).trim()),
            );
            None
        })
    };
    let (mean, sd) = (real("mean"), real("sd"));
    let (n, mean, sd) = (n?, mean?, sd?);
    if n < 2 {
        errors.add(field("n"), "A mean and its spread need at least 2 units.");
        return None;
    }
    if sd < 0.0 {
        errors.add(field("sd"), "A standard deviation is 0 or more.");
        return None;
    }
    Some(ArmData::Moments(Moments { n, mean, sd }))
}

/// A typed result whose "significant" contradicts its interval is refused, unless it is the
/// very result stored before fika checked this (same metric, variant and numbers): records
/// keep round-tripping unchanged, and their page warns instead.
pub(super) fn check_contradiction(
    r: &MetricResult,
    metrics: &[Metric],
    variant_name: &str,
    old: Option<&ExperimentInput>,
) -> Option<&'static str> {
    let c = r.contradiction()?;
    let same_as_stored = old.is_some_and(|old| {
        old.results.iter().any(|o| {
            old.metrics.get(o.metric).map(|m| m.name.as_str())
                == metrics.get(r.metric).map(|m| m.name.as_str())
                && old.variants.get(o.variant).map(|v| v.name.as_str()) == Some(variant_name)
                && (o.effect, o.ci_low, o.ci_high, o.significant)
                    == (r.effect, r.ci_low, r.ci_high, r.significant)
        })
    });
    (!same_as_stored).then(|| c.message())
}
