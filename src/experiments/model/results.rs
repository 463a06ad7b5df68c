//! Results from data: what a person enters per metric and variant (units and conversions, or
//! n, mean and standard deviation), the results fika computes from it, and the check that a
//! typed result's "significant" agrees with its interval.

use serde::{Deserialize, Serialize};

use super::{ExperimentInput, MetricResult, MetricType};
use crate::experiments::stats::{self, Comparison, Conversions, Moments};

/// One arm's data for one metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ArmData {
    Conversions(Conversions),
    Moments(Moments),
}

impl ArmData {
    pub fn metric_type(&self) -> MetricType {
        match self {
            ArmData::Conversions(_) => MetricType::Conversion,
            ArmData::Moments(_) => MetricType::Continuous,
        }
    }

    /// The units the arm's figures are over.
    pub fn units(&self) -> u64 {
        match self {
            ArmData::Conversions(c) => c.units,
            ArmData::Moments(m) => m.n,
        }
    }

    /// The arm's rate or mean.
    pub fn value(&self) -> f64 {
        match self {
            ArmData::Conversions(c) if c.units > 0 => c.rate(),
            ArmData::Conversions(_) => f64::NAN,
            ArmData::Moments(m) => m.mean,
        }
    }
}

/// The data of metric `metric` in variant `variant` (0 is the control).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub metric: usize,
    pub variant: usize,
    pub data: ArmData,
}

/// Alpha when the experiment has no stored plan: the usual 5 %.
pub const DEFAULT_ALPHA: f64 = 0.05;

/// How a typed result's "significant" disagrees with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contradiction {
    /// Marked significant while the interval spans zero.
    SignificantSpanningZero,
    /// Not marked significant while the whole interval lies on one side of zero.
    NotSignificantExcludingZero,
}

impl Contradiction {
    pub fn message(self) -> &'static str {
        match self {
            Contradiction::SignificantSpanningZero => {
                "It is marked significant, but its interval spans zero: at the interval's \
                 level, no effect is as likely as this one."
            }
            Contradiction::NotSignificantExcludingZero => {
                "It is not marked significant, but its whole interval lies on one side of \
                 zero: at the interval's level, that is a significant effect."
            }
        }
    }
}

impl MetricResult {
    /// Whether "significant" disagrees with the interval (an interval that only touches
    /// zero may go either way).
    pub fn contradiction(&self) -> Option<Contradiction> {
        let spans = self.ci_low < 0.0 && self.ci_high > 0.0;
        let excludes = self.ci_low > 0.0 || self.ci_high < 0.0;
        match (self.significant, spans, excludes) {
            (true, true, _) => Some(Contradiction::SignificantSpanningZero),
            (false, _, true) => Some(Contradiction::NotSignificantExcludingZero),
            _ => None,
        }
    }

    fn of(metric: usize, variant: usize, c: Comparison) -> MetricResult {
        MetricResult {
            metric,
            variant,
            effect: c.effect,
            ci_low: c.ci_low,
            ci_high: c.ci_high,
            significant: c.significant,
            p_value: Some(c.p_value),
            relative: c.relative,
            from_data: true,
        }
    }
}

impl ExperimentInput {
    /// The experiment's alpha: the plan's, else 5 %.
    pub fn alpha(&self) -> f64 {
        self.plan.map_or(DEFAULT_ALPHA, |p| p.alpha)
    }

    /// Each treatment is compared with the control at alpha split over the treatments
    /// (Bonferroni), as the calculator plans it.
    pub fn alpha_per_comparison(&self) -> f64 {
        self.alpha() / self.variants.len().saturating_sub(1).max(1) as f64
    }

    /// The data of a metric in a variant.
    pub fn data_of(&self, metric: usize, variant: usize) -> Option<&ArmData> {
        self.data
            .iter()
            .find(|o| o.metric == metric && o.variant == variant)
            .map(|o| &o.data)
    }

    /// The results fika computes: every treatment and metric with data in both it and the
    /// control.
    pub fn computed_results(&self) -> Vec<MetricResult> {
        let alpha = self.alpha_per_comparison();
        let mut out = Vec::new();
        for m in 0..self.metrics.len() {
            let Some(control) = self.data_of(m, 0) else {
                continue;
            };
            for v in 1..self.variants.len() {
                let compared = match (control, self.data_of(m, v)) {
                    (ArmData::Conversions(c), Some(ArmData::Conversions(t))) => {
                        stats::two_proportions(*c, *t, alpha)
                    }
                    (ArmData::Moments(c), Some(ArmData::Moments(t))) => {
                        stats::two_means(*c, *t, alpha)
                    }
                    _ => None,
                };
                if let Some(c) = compared {
                    out.push(MetricResult::of(m, v, c));
                }
            }
        }
        out
    }

    /// Every result the outcome is judged by: computed ones, and typed ones where there is
    /// no data, ordered by metric and variant.
    pub fn all_results(&self) -> Vec<MetricResult> {
        let mut all = self.computed_results();
        for r in &self.results {
            if !all
                .iter()
                .any(|c| c.metric == r.metric && c.variant == r.variant)
            {
                all.push(r.clone());
            }
        }
        all.sort_by_key(|r| (r.metric, r.variant));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(low: f64, high: f64, significant: bool) -> MetricResult {
        MetricResult {
            metric: 0,
            variant: 1,
            effect: (low + high) / 2.0,
            ci_low: low,
            ci_high: high,
            significant,
            p_value: None,
            relative: None,
            from_data: false,
        }
    }

    #[test]
    fn significance_must_agree_with_the_interval() {
        assert_eq!(
            typed(-0.1, 0.5, true).contradiction(),
            Some(Contradiction::SignificantSpanningZero)
        );
        assert_eq!(
            typed(0.1, 0.5, false).contradiction(),
            Some(Contradiction::NotSignificantExcludingZero)
        );
        assert_eq!(typed(0.1, 0.5, true).contradiction(), None);
        assert_eq!(typed(-0.1, 0.5, false).contradiction(), None);
        // Touching zero: either reading holds.
        assert_eq!(typed(0.0, 0.5, true).contradiction(), None);
        assert_eq!(typed(0.0, 0.5, false).contradiction(), None);
    }
}
