//! Experiments with Learning (DESIGN.md): an experiment's design and results, its health
//! checks and its outcome. Types and rules only, no I/O. The health checks and the outcome
//! computed from them are in `verdict`.
//!
//! Metrics, variants and results are one value of the experiment, always read and written
//! whole and never queried one by one, so they are stored as JSON next to its row.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::ids::{PersonId, UnitId};

mod results;
mod verdict;

pub use crate::experiments::stats::{Conversions, Design, MetricType, Moments};
pub use results::{ArmData, Contradiction, Observation};
pub use verdict::{Check, Health, PowerFigures, RunFigures, SrmFigures, Verdict};

labelled_enum!(
    /// Where an experiment is in its life.
    Status {
        Design = "design", "Design";
        Running = "running", "Running";
        Concluded = "concluded", "Concluded";
        Aborted = "aborted", "Aborted";
    }
);

labelled_enum!(
    /// What the team decided.
    Decision {
        Ship = "ship", "Ship";
        Abort = "abort", "Abort";
        Iterate = "iterate", "Iterate";
        KeepInvestigating = "keep_investigating", "Keep investigating";
    }
);

labelled_enum!(
    /// The EwL outcome of an ended experiment.
    Outcome {
        Success = "success", "Success";
        Regression = "regression", "Regression";
        Neutral = "neutral", "Neutral";
        NonInformative = "non_informative", "Non-informative";
    }
);

labelled_enum!(
    /// Why an experiment taught nothing decision-ready.
    Reason {
        SampleRatioMismatch = "sample_ratio_mismatch", "sample ratio mismatch";
        NoAssignmentCounts = "no_assignment_counts", "no assignment counts";
        Underpowered = "underpowered", "underpowered";
        StoppedEarly = "stopped_early", "stopped before its planned end";
        NoResults = "no_results", "no results entered";
        GuardrailNotCleared = "guardrail_not_cleared", "a guardrail could not rule out harm";
        OwnerOverride = "owner_override", "the owner judged it so";
    }
);

labelled_enum!(
    MetricKind {
        Success = "success", "Success";
        Guardrail = "guardrail", "Guardrail";
    }
);

labelled_enum!(
    /// Which way is better for a metric.
    Direction {
        Increase = "increase", "Higher is better";
        Decrease = "decrease", "Lower is better";
    }
);

impl Status {
    pub fn ended(self) -> bool {
        matches!(self, Status::Concluded | Status::Aborted)
    }

    /// Design → running → concluded, or aborted from design or running. An ended experiment
    /// may be reopened (running again) to correct it.
    pub fn may_become(self, next: Status) -> bool {
        use Status::*;
        self == next
            || matches!(
                (self, next),
                (Design, Running)
                    | (Design, Aborted)
                    | (Running, Concluded)
                    | (Running, Aborted)
                    | (Concluded, Running)
                    | (Aborted, Running)
            )
    }
}

impl Outcome {
    /// Success, regression and neutral teach something decision-ready.
    pub fn learned(self) -> bool {
        !matches!(self, Outcome::NonInformative)
    }
}

/// "We believe that \[change\] for \[audience\] will \[effect\]. We will know when \[metric\]
/// \[moves\]."
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hypothesis {
    pub change: String,
    pub audience: String,
    pub effect: String,
    pub metric: String,
    pub moves: String,
}

impl Hypothesis {
    pub fn sentence(&self) -> String {
        format!(
            "We believe that {} for {} will {}. We will know when {} {}.",
            self.change.trim_end_matches('.'),
            self.audience,
            self.effect.trim_end_matches('.'),
            self.metric,
            self.moves.trim_end_matches('.')
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub kind: MetricKind,
    /// What its data are: units and conversions, or n, mean and standard deviation.
    #[serde(default, rename = "type")]
    pub metric_type: MetricType,
    pub direction: Direction,
    /// Guardrails only: the largest harm, in the unit of the effect estimates, that still
    /// counts as "not worse" (non-inferiority margin).
    pub margin: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub name: String,
    /// Planned share of traffic, relative to the others (50/50, 1/1 and 0.5/0.5 agree).
    pub weight: f64,
    /// Units assigned to it, once known.
    pub observed: Option<u64>,
}

/// The result of one metric in one treatment, against the control (variant 0): typed by a
/// person (and stored), or computed by fika from the data (never stored; see `results`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricResult {
    /// Index into the metrics.
    pub metric: usize,
    /// Index into the variants, from 1.
    pub variant: usize,
    pub effect: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub significant: bool,
    /// Computed results only: the two-sided p-value, and the effect relative to the control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative: Option<f64>,
    /// Computed by fika from the data rather than typed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_data: bool,
}

impl MetricResult {
    /// The effect points the good way for `m` (ignoring significance).
    fn better(&self, m: &Metric) -> bool {
        match m.direction {
            Direction::Increase => self.effect > 0.0,
            Direction::Decrease => self.effect < 0.0,
        }
    }

    pub fn significantly_better(&self, m: &Metric) -> bool {
        self.significant && self.better(m)
    }

    pub fn significantly_worse(&self, m: &Metric) -> bool {
        self.significant && !self.better(m) && self.effect != 0.0
    }

    /// A guardrail is cleared when its whole interval lies on the safe side of the margin:
    /// harm larger than the margin is ruled out.
    pub fn clears(&self, m: &Metric) -> bool {
        let margin = m.margin.unwrap_or(0.0).abs();
        match m.direction {
            Direction::Increase => self.ci_low >= -margin,
            Direction::Decrease => self.ci_high <= margin,
        }
    }
}

/// What the owner says the outcome is, against what fika computed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    pub outcome: Outcome,
    pub reason: String,
}

/// Everything a person enters about an experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentInput {
    pub title: String,
    pub squad_id: UnitId,
    pub hypothesis: Hypothesis,
    pub metrics: Vec<Metric>,
    pub variants: Vec<Variant>,
    /// Typed results (numbers from elsewhere); results from `data` are computed.
    pub results: Vec<MetricResult>,
    /// Per metric and variant, the data fika computes results from.
    pub data: Vec<Observation>,
    /// The design the planned sample came from, when the calculator was used.
    pub plan: Option<Design>,
    /// Per variant.
    pub planned_sample: Option<u64>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub status: Status,
    /// When it actually stopped (concluded or aborted).
    pub ended_on: Option<NaiveDate>,
    pub decision: Option<Decision>,
    pub rationale: String,
    pub learnings: String,
    pub over: Option<Override>,
}

/// The quarter a date falls in, as `2026-Q3`.
pub fn quarter(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// The first and last day of a quarter written as `2026-Q3`.
pub fn quarter_bounds(q: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (year, n) = q.trim().split_once("-Q")?;
    let (year, n): (i32, u32) = (year.parse().ok()?, n.parse().ok()?);
    if !(1..=4).contains(&n) {
        return None;
    }
    let start = NaiveDate::from_ymd_opt(year, (n - 1) * 3 + 1, 1)?;
    let next = if n == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, n * 3 + 1, 1)?
    };
    Some((start, next.pred_opt()?))
}

/// A saved experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    pub id: i64,
    pub input: ExperimentInput,
    pub author_id: Option<PersonId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Experiment {
    pub fn url(&self) -> String {
        format!("/experiments/{}", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn status_moves_forward_or_reopens() {
        assert!(Status::Design.may_become(Status::Running));
        assert!(Status::Running.may_become(Status::Concluded));
        assert!(Status::Design.may_become(Status::Aborted));
        assert!(!Status::Design.may_become(Status::Concluded));
        assert!(!Status::Running.may_become(Status::Design));
        assert!(Status::Concluded.may_become(Status::Running));
    }

    #[test]
    fn quarters() {
        assert_eq!(quarter(day("2026-03-31")), "2026-Q1");
        assert_eq!(quarter(day("2026-10-01")), "2026-Q4");
        assert_eq!(
            quarter_bounds("2026-Q4"),
            Some((day("2026-10-01"), day("2026-12-31")))
        );
        assert_eq!(quarter_bounds("2026-Q5"), None);
        assert_eq!(quarter_bounds("soon"), None);
    }

    #[test]
    fn the_hypothesis_reads_as_a_sentence() {
        let h = Hypothesis {
            change: "a shorter sign-up".into(),
            audience: "new listeners".into(),
            effect: "make more of them finish it".into(),
            metric: "sign-up completion".into(),
            moves: "rises by 5 %".into(),
        };
        assert_eq!(
            h.sentence(),
            "We believe that a shorter sign-up for new listeners will make more of them finish it. \
             We will know when sign-up completion rises by 5 %."
        );
    }
}
