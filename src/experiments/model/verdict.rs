//! An experiment's three health checks (sample ratio, power, ran as designed) with the
//! figures behind them, and the EwL outcome computed from them and its results.

use chrono::NaiveDate;
use serde::Serialize;

use super::{ExperimentInput, MetricKind, MetricResult, Outcome, Reason, Status};
use crate::experiments::stats::{self, Srm};

/// A health check: passed, failed, or not possible yet (and why).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Check<T> {
    Pass(T),
    Fail(T),
    Unknown { why: String },
}

impl<T> Check<T> {
    pub fn failed(&self) -> bool {
        matches!(self, Check::Fail(_))
    }

    pub fn passed(&self) -> bool {
        matches!(self, Check::Pass(_))
    }

    pub fn state(&self) -> &'static str {
        match self {
            Check::Pass(_) => "pass",
            Check::Fail(_) => "fail",
            Check::Unknown { .. } => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SrmFigures {
    pub chi_square: f64,
    pub degrees: u32,
    pub p_value: f64,
    pub threshold: f64,
    pub observed: Vec<u64>,
    pub expected: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PowerFigures {
    pub planned_per_variant: u64,
    pub smallest_variant: u64,
    /// With a stored plan: the lowest power any treatment reached against the control at
    /// the plan's effect, and the power planned. Without one these are null, the check is
    /// the planned sample against the smallest arm, and `plan_complete` is false.
    pub achieved_power: Option<f64>,
    pub planned_power: Option<f64>,
    /// What the plan's design needs per arm with this many arms (null without a plan).
    pub required_per_variant: Option<u64>,
    pub plan_complete: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RunFigures {
    pub planned_end: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// Aborted on a regression: stopping early was the right call.
    pub stopped_for_regression: bool,
}

/// The three health checks, with the figures behind them.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub sample_ratio: Check<SrmFigures>,
    pub powered: Check<PowerFigures>,
    pub ran_as_designed: Check<RunFigures>,
}

/// The outcome fika computes, the one that counts (the owner's override when given), and
/// the reasons when it is non-informative.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Verdict {
    pub computed: Outcome,
    pub outcome: Outcome,
    pub reasons: Vec<Reason>,
}

impl ExperimentInput {
    fn any_regression(&self, results: &[MetricResult]) -> bool {
        results.iter().any(|r| {
            self.metrics
                .get(r.metric)
                .is_some_and(|m| r.significantly_worse(m))
        })
    }

    /// Units assigned to each variant: the typed counts, or, where none were typed, the units
    /// of the first metric (success metrics first) whose data covers every variant: the data
    /// of a conversion metric or a mean counts every unit assigned to the arm.
    pub fn assigned(&self) -> Option<Vec<u64>> {
        let typed: Option<Vec<u64>> = self.variants.iter().map(|v| v.observed).collect();
        if typed.is_some() || self.data.is_empty() {
            return typed;
        }
        let mut metrics: Vec<usize> = (0..self.metrics.len()).collect();
        metrics.sort_by_key(|&m| self.metrics[m].kind != MetricKind::Success);
        metrics.into_iter().find_map(|m| {
            (0..self.variants.len())
                .map(|v| {
                    self.data
                        .iter()
                        .find(|o| o.metric == m && o.variant == v)
                        .map(|o| o.data.units())
                })
                .collect()
        })
    }

    pub fn health(&self) -> Health {
        self.health_of(&self.all_results())
    }

    /// The health checks, given the results already computed (the verdict needs both, and
    /// computing results runs the tests).
    fn health_of(&self, results: &[MetricResult]) -> Health {
        let observed = self.assigned();
        let no_counts = || "No assignment counts yet.".to_string();
        let sample_ratio = match &observed {
            None => Check::Unknown { why: no_counts() },
            Some(counts) => {
                let weights: Vec<f64> = self.variants.iter().map(|v| v.weight).collect();
                match stats::srm(counts, &weights) {
                    None => Check::Unknown { why: no_counts() },
                    Some(s) => {
                        let figures = srm_figures(&s, counts, &weights);
                        match s.verdict() {
                            stats::SrmVerdict::Pass => Check::Pass(figures),
                            stats::SrmVerdict::Mismatch => Check::Fail(figures),
                            stats::SrmVerdict::NotEnoughData => Check::Unknown {
                                why: format!(
                                    "Not enough data: an arm expects {} units; the check needs \
                                     at least {} in every arm.",
                                    stats::trim_number(s.min_expected),
                                    stats::SRM_MIN_EXPECTED
                                ),
                            },
                        }
                    }
                }
            }
        };
        let powered = match (&observed, self.planned_sample) {
            (_, None) => Check::Unknown {
                why: "No planned sample size.".into(),
            },
            (None, _) => Check::Unknown { why: no_counts() },
            (Some(counts), Some(planned)) => self.powered(counts, planned),
        };
        let stopped_for_regression = self.status == Status::Aborted && self.any_regression(results);
        let ran_as_designed = if !self.status.ended() {
            Check::Unknown {
                why: "Still running.".into(),
            }
        } else {
            let figures = RunFigures {
                planned_end: self.planned_end,
                ended_on: self.ended_on,
                stopped_for_regression,
            };
            match (self.planned_end, self.ended_on) {
                (Some(planned), Some(ended)) if ended < planned && !stopped_for_regression => {
                    Check::Fail(figures)
                }
                (Some(_), Some(_)) => Check::Pass(figures),
                _ => Check::Unknown {
                    why: "The planned end or the end date is missing.".into(),
                },
            }
        };
        Health {
            sample_ratio,
            powered,
            ran_as_designed,
        }
    }

    /// The EwL outcome, once the experiment has ended (None before).
    ///
    /// Invalid first: a sample ratio mismatch means the groups are not comparable, so nothing
    /// it shows counts. Then a significant harm is a regression whatever the sample size — a
    /// regression needs no power to be real, and stopping early for it is what guardrails are
    /// for. Otherwise the experiment must have run as designed and be powered; then a
    /// success metric significantly better with every guardrail cleared (in the same
    /// treatment) is a success, and nothing significant is a conclusive neutral.
    pub fn verdict(&self) -> Option<Verdict> {
        if !self.status.ended() {
            return None;
        }
        let results = self.all_results();
        let health = self.health_of(&results);
        let mut reasons = Vec::new();
        match &health.sample_ratio {
            Check::Fail(_) => reasons.push(Reason::SampleRatioMismatch),
            Check::Unknown { .. } => reasons.push(Reason::NoAssignmentCounts),
            Check::Pass(_) => {}
        }
        let computed = if reasons.contains(&Reason::SampleRatioMismatch) {
            Outcome::NonInformative
        } else if self.any_regression(&results) {
            reasons.clear();
            Outcome::Regression
        } else {
            if health.ran_as_designed.failed() {
                reasons.push(Reason::StoppedEarly);
            }
            if !health.powered.passed() && !reasons.contains(&Reason::NoAssignmentCounts) {
                reasons.push(Reason::Underpowered);
            }
            if results.is_empty() {
                reasons.push(Reason::NoResults);
            }
            if !reasons.is_empty() {
                Outcome::NonInformative
            } else {
                let wins = (1..self.variants.len()).any(|v| self.wins(v, &results));
                let better = results.iter().any(|r| {
                    self.metrics
                        .get(r.metric)
                        .is_some_and(|m| m.kind == MetricKind::Success && r.significantly_better(m))
                });
                if wins {
                    Outcome::Success
                } else if better {
                    reasons.push(Reason::GuardrailNotCleared);
                    Outcome::NonInformative
                } else {
                    Outcome::Neutral
                }
            }
        };
        if computed != Outcome::NonInformative {
            reasons.clear();
        }
        let outcome = self.over.as_ref().map_or(computed, |o| o.outcome);
        // Every non-informative experiment says why, so the reasons cover every one of them:
        // made non-informative by its owner, the owner's judgement is the reason.
        if outcome == Outcome::NonInformative && reasons.is_empty() {
            reasons.push(Reason::OwnerOverride);
        }
        Some(Verdict {
            computed,
            outcome,
            reasons,
        })
    }

    /// Treatment `v` improved a success metric significantly and cleared every guardrail.
    fn wins(&self, v: usize, results: &[MetricResult]) -> bool {
        let of = |m: usize| results.iter().find(|r| r.variant == v && r.metric == m);
        let better = self.metrics.iter().enumerate().any(|(i, m)| {
            m.kind == MetricKind::Success && of(i).is_some_and(|r| r.significantly_better(m))
        });
        let cleared =
            self.metrics.iter().enumerate().all(|(i, m)| {
                m.kind != MetricKind::Guardrail || of(i).is_some_and(|r| r.clears(m))
            });
        better && cleared
    }
}

impl ExperimentInput {
    /// The plan with this experiment's own number of arms: a plan made for two arms does
    /// not power three.
    pub fn plan_for_arms(&self) -> Option<super::Design> {
        let mut plan = self.plan?;
        plan.variants = u32::try_from(self.variants.len()).unwrap_or(u32::MAX);
        Some(plan)
    }

    /// Powered: with a stored plan, the power each treatment reached against the control at
    /// the plan's effect reaches the planned power; without one (experiments planned before
    /// fika kept the design), every arm reached the planned sample, and the plan is said to
    /// be incomplete.
    fn powered(&self, counts: &[u64], planned: u64) -> Check<PowerFigures> {
        let smallest_variant = counts.iter().copied().min().unwrap_or(0);
        let plan = self.plan_for_arms().filter(|p| p.check().is_empty());
        let control = counts.first().copied().unwrap_or(0);
        let achieved_power = plan.and_then(|p| {
            counts
                .iter()
                .skip(1)
                .map(|&n| p.achieved_power(control, n))
                .try_fold(1.0_f64, |low, p| p.map(|p| low.min(p)))
        });
        let figures = PowerFigures {
            planned_per_variant: planned,
            smallest_variant,
            achieved_power,
            planned_power: plan.map(|p| p.power),
            required_per_variant: plan
                .and_then(|p| p.sample_size().ok())
                .map(|s| s.per_variant),
            plan_complete: plan.is_some(),
        };
        let pass = match (plan, achieved_power) {
            // A hair of tolerance: the planned size reaches the planned power up to rounding.
            (Some(p), Some(a)) => a >= p.power - 1e-9,
            (Some(_), None) => false,
            (None, _) => smallest_variant >= planned,
        };
        if pass {
            Check::Pass(figures)
        } else {
            Check::Fail(figures)
        }
    }
}

fn srm_figures(s: &Srm, counts: &[u64], weights: &[f64]) -> SrmFigures {
    let n: f64 = counts.iter().map(|&c| c as f64).sum();
    let total: f64 = weights.iter().sum();
    SrmFigures {
        chi_square: s.chi_square,
        degrees: s.degrees,
        p_value: s.p_value,
        threshold: stats::SRM_THRESHOLD,
        observed: counts.to_vec(),
        expected: weights.iter().map(|w| n * w / total).collect(),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::model::{
        Direction, Hypothesis, Metric, MetricResult, Override, Variant,
    };
    use crate::ids::UnitId;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn metric(name: &str, kind: MetricKind, margin: Option<f64>) -> Metric {
        Metric {
            name: name.into(),
            kind,
            metric_type: Default::default(),
            direction: Direction::Increase,
            margin,
        }
    }

    fn result(metric: usize, effect: f64, low: f64, high: f64, significant: bool) -> MetricResult {
        MetricResult {
            metric,
            variant: 1,
            effect,
            ci_low: low,
            ci_high: high,
            significant,
            p_value: None,
            relative: None,
            from_data: false,
        }
    }

    /// A healthy, powered, concluded A/B test with a success metric and a guardrail, and no
    /// results yet.
    fn concluded() -> ExperimentInput {
        ExperimentInput {
            title: "Shorter onboarding".into(),
            squad_id: UnitId(1),
            hypothesis: Hypothesis::default(),
            metrics: vec![
                metric("activation", MetricKind::Success, None),
                metric("crash-free sessions", MetricKind::Guardrail, Some(0.5)),
            ],
            variants: vec![
                Variant {
                    name: "control".into(),
                    weight: 50.0,
                    observed: Some(15_100),
                },
                Variant {
                    name: "short".into(),
                    weight: 50.0,
                    observed: Some(14_900),
                },
            ],
            results: vec![],
            data: vec![],
            plan: None,
            planned_sample: Some(14_751),
            planned_start: Some(day("2026-03-01")),
            planned_end: Some(day("2026-03-29")),
            status: Status::Concluded,
            ended_on: Some(day("2026-03-29")),
            decision: None,
            rationale: String::new(),
            learnings: String::new(),
            over: None,
        }
    }

    fn outcome(e: &ExperimentInput) -> (Outcome, Vec<Reason>) {
        let v = e.verdict().unwrap();
        (v.outcome, v.reasons)
    }

    #[test]
    fn a_significant_win_with_guardrails_cleared_is_a_success() {
        let mut e = concluded();
        e.results = vec![
            result(0, 2.0, 0.8, 3.2, true),
            result(1, 0.1, -0.3, 0.5, false),
        ];
        assert_eq!(outcome(&e), (Outcome::Success, vec![]));
        // The guardrail's interval reaches past its margin: harm is not ruled out.
        e.results[1] = result(1, -0.2, -0.9, 0.5, false);
        assert_eq!(
            outcome(&e),
            (Outcome::NonInformative, vec![Reason::GuardrailNotCleared])
        );
        // A guardrail without a result cannot be cleared either.
        e.results.truncate(1);
        assert_eq!(outcome(&e).0, Outcome::NonInformative);
    }

    #[test]
    fn any_significant_harm_is_a_regression() {
        let mut e = concluded();
        e.results = vec![
            result(0, 2.0, 0.8, 3.2, true),
            result(1, -1.0, -1.6, -0.4, true),
        ];
        assert_eq!(outcome(&e), (Outcome::Regression, vec![]));
        // Lower is better: a significant increase is the harm.
        let mut e = concluded();
        e.metrics[0].direction = Direction::Decrease;
        e.results = vec![result(0, 30.0, 10.0, 50.0, true)];
        assert_eq!(outcome(&e).0, Outcome::Regression);
        // Even underpowered and stopped early, when it was aborted for it.
        e.status = Status::Aborted;
        e.ended_on = Some(day("2026-03-10"));
        e.variants[0].observed = Some(3_000);
        e.variants[1].observed = Some(3_000);
        assert_eq!(outcome(&e).0, Outcome::Regression);
        assert!(e.health().ran_as_designed.passed());
        assert!(e.health().powered.failed());
    }

    #[test]
    fn nothing_significant_and_powered_is_neutral() {
        let mut e = concluded();
        e.results = vec![
            result(0, 0.2, -0.4, 0.8, false),
            result(1, 0.0, -0.3, 0.3, false),
        ];
        assert_eq!(outcome(&e), (Outcome::Neutral, vec![]));
    }

    #[test]
    fn invalid_underpowered_or_stopped_early_is_non_informative_with_reasons() {
        let mut e = concluded();
        e.results = vec![result(0, 0.2, -0.4, 0.8, false)];
        // Underpowered.
        e.variants[1].observed = Some(9_000);
        e.variants[0].observed = Some(9_000);
        assert_eq!(
            outcome(&e),
            (Outcome::NonInformative, vec![Reason::Underpowered])
        );
        // Stopped early too, without a regression.
        e.ended_on = Some(day("2026-03-20"));
        assert_eq!(
            outcome(&e),
            (
                Outcome::NonInformative,
                vec![Reason::StoppedEarly, Reason::Underpowered]
            )
        );
        // A sample ratio mismatch invalidates even a regression.
        let mut e = concluded();
        e.variants[0].observed = Some(15_600);
        e.variants[1].observed = Some(14_400);
        e.results = vec![result(0, -2.0, -3.0, -1.0, true)];
        assert!(e.health().sample_ratio.failed());
        assert_eq!(
            outcome(&e),
            (Outcome::NonInformative, vec![Reason::SampleRatioMismatch])
        );
        // No counts at all.
        let mut e = concluded();
        e.variants[0].observed = None;
        e.results = vec![result(0, 0.2, -0.4, 0.8, false)];
        assert_eq!(
            outcome(&e),
            (Outcome::NonInformative, vec![Reason::NoAssignmentCounts])
        );
        // No results.
        assert_eq!(
            outcome(&concluded()),
            (Outcome::NonInformative, vec![Reason::NoResults])
        );
    }

    #[test]
    fn the_owner_may_override_and_running_experiments_have_no_outcome() {
        let mut e = concluded();
        e.over = Some(Override {
            outcome: Outcome::Neutral,
            reason: "Counts were fixed later".into(),
        });
        let v = e.verdict().unwrap();
        assert_eq!(v.computed, Outcome::NonInformative);
        assert_eq!(v.outcome, Outcome::Neutral);
        e.status = Status::Running;
        assert_eq!(e.verdict(), None);
        assert!(matches!(e.health().ran_as_designed, Check::Unknown { .. }));
    }
}
