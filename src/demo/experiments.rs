//! Demo experiments: a few dozen across the squads and the last six quarters, with every
//! outcome (and every reason to be non-informative), some still running or in design, and a
//! few lessons learned from them.

use chrono::{Datelike, Duration, NaiveDate};

use crate::db::AnyConnection;
use crate::ids::{PersonId, UnitId};
use serde::Deserialize;

use crate::error::AppResult;
use crate::experiments::model::{
    ArmData, Conversions, Decision, Design, Direction, ExperimentInput, Hypothesis, Metric,
    MetricKind, MetricResult, MetricType, Moments, Observation, Status, Variant,
};
use crate::experiments::repo;
use crate::lessons::model::{LessonInput, Source};
use crate::org::unit::UnitKind;
use crate::org::unit_repo as units;

/// An experiment idea; `data/experiments.yaml` says what each field means.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Idea {
    title: String,
    change: String,
    audience: String,
    effect: String,
    metric: String,
    moves: String,
    success_metric: String,
    guardrail: String,
    learning: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ideas {
    ideas: Vec<Idea>,
}

fn ideas() -> AppResult<Vec<Idea>> {
    demo_data!("experiments").map(|d: Ideas| d.ideas)
}

#[derive(Clone, Copy)]
enum Scenario {
    Success,
    Regression,
    Neutral,
    Underpowered,
    Srm,
    StoppedEarly,
    GuardrailUnclear,
    Running,
    Design,
}

/// The mix: most end, some with learning, some without, a few still going.
const SCENARIOS: &[Scenario] = &[
    Scenario::Success,
    Scenario::Neutral,
    Scenario::Regression,
    Scenario::Underpowered,
    Scenario::Success,
    Scenario::Neutral,
    Scenario::Srm,
    Scenario::StoppedEarly,
    Scenario::Neutral,
    Scenario::GuardrailUnclear,
    Scenario::Regression,
    Scenario::Success,
];

fn quarter_start(today: NaiveDate, back: u32) -> NaiveDate {
    let q = (today.month0() / 3) as i32 - back as i32;
    let year = today.year() + q.div_euclid(4);
    let month = (q.rem_euclid(4) * 3 + 1) as u32;
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(today)
}

fn result(metric: usize, effect: f64, half: f64, significant: bool) -> MetricResult {
    MetricResult {
        metric,
        variant: 1,
        effect,
        ci_low: effect - half,
        ci_high: effect + half,
        significant,
        p_value: None,
        relative: None,
        from_data: false,
    }
}

fn experiment(
    i: usize,
    idea: &Idea,
    squad_id: UnitId,
    scenario: Scenario,
    today: NaiveDate,
) -> ExperimentInput {
    // Spread over the last six quarters, the oldest first; an ended one ended by yesterday.
    let mut start = quarter_start(today, 5 - (i % 6) as u32) + Duration::days((i * 7 % 50) as i64);
    if start + Duration::days(28) >= today {
        start -= Duration::days(91);
    }
    let plan = Plan {
        i,
        start,
        planned: 12_000 + (i as u64 % 5) * 2_500,
        lower_is_better: idea.moves.starts_with("fall"),
        today,
    };
    let mut e = as_planned(idea, squad_id, &plan);
    let counts = play(&mut e, scenario, &plan);
    if !matches!(scenario, Scenario::Design) {
        e.variants[0].observed = Some(counts.0);
        e.variants[1].observed = Some(counts.1);
    }
    if i.is_multiple_of(2) && matches!(scenario, Scenario::Success | Scenario::Neutral) {
        from_data(
            &mut e,
            counts,
            matches!(scenario, Scenario::Success),
            plan.lower_is_better,
        );
    }
    e
}

/// The success metric's result computed from the data rather than typed, with the plan the
/// planned sample came from: half the successes and neutrals show how fika computes. A rate
/// gets units and conversions; a number (minutes, time, things per person) n, mean and sd.
fn from_data(e: &mut ExperimentInput, counts: (u64, u64), success: bool, lower_is_better: bool) {
    let name = e.metrics[0].name.to_lowercase();
    let rate = ["completion", "conversion", "rate", "drop-off", "shared"]
        .iter()
        .any(|w| name.contains(w));
    let change = match (success, lower_is_better) {
        (false, _) => 0.003,
        (true, false) => 0.12,
        (true, true) => -0.12,
    };
    let (base, arm): (f64, Box<dyn Fn(u64, f64) -> ArmData>) = if rate {
        let arm = |units: u64, rate: f64| {
            ArmData::Conversions(Conversions {
                units,
                conversions: (units as f64 * rate).round() as u64,
            })
        };
        (0.12, Box::new(arm))
    } else {
        let arm = |n: u64, mean: f64| ArmData::Moments(Moments { n, mean, sd: 24.0 });
        (30.0, Box::new(arm))
    };
    e.metrics[0].metric_type = if rate {
        MetricType::Conversion
    } else {
        MetricType::Continuous
    };
    e.results.retain(|r| r.metric != 0);
    e.data = vec![
        Observation {
            metric: 0,
            variant: 0,
            data: arm(counts.0, base),
        },
        Observation {
            metric: 0,
            variant: 1,
            data: arm(counts.1, base * (1.0 + change)),
        },
    ];
    let mut plan = Design::conversion(base, 0.15, 0.05, 0.8, 2);
    if !rate {
        (plan.metric, plan.sd, plan.mde) = (MetricType::Continuous, Some(24.0), 0.05);
    }
    if lower_is_better {
        plan.mde = -plan.mde;
    }
    e.plan = Some(plan);
}

/// When an experiment runs and how many people it plans for.
struct Plan {
    i: usize,
    start: NaiveDate,
    planned: u64,
    lower_is_better: bool,
    today: NaiveDate,
}

/// An idea as an experiment that ran four weeks as planned, with no results yet.
fn as_planned(idea: &Idea, squad_id: UnitId, plan: &Plan) -> ExperimentInput {
    let planned_end = plan.start + Duration::days(28);
    let direction = if plan.lower_is_better {
        Direction::Decrease
    } else {
        Direction::Increase
    };
    ExperimentInput {
        title: idea.title.clone(),
        squad_id,
        hypothesis: Hypothesis {
            change: idea.change.clone(),
            audience: idea.audience.clone(),
            effect: idea.effect.clone(),
            metric: idea.metric.clone(),
            moves: idea.moves.clone(),
        },
        metrics: vec![
            Metric {
                name: idea.success_metric.clone(),
                kind: MetricKind::Success,
                metric_type: Default::default(),
                direction,
                margin: None,
            },
            Metric {
                name: idea.guardrail.clone(),
                kind: MetricKind::Guardrail,
                metric_type: Default::default(),
                direction: Direction::Decrease,
                margin: Some(0.5),
            },
        ],
        variants: vec![
            Variant {
                name: "control".into(),
                weight: 50.0,
                observed: None,
            },
            Variant {
                name: "treatment".into(),
                weight: 50.0,
                observed: None,
            },
        ],
        results: vec![],
        data: vec![],
        plan: None,
        planned_sample: Some(plan.planned),
        planned_start: Some(plan.start),
        planned_end: Some(planned_end),
        status: Status::Concluded,
        ended_on: Some(planned_end),
        decision: None,
        rationale: String::new(),
        learnings: idea.learning.clone(),
        over: None,
    }
}

/// Plays the scenario out on the experiment: its results, decision and end; returns the
/// units assigned to control and treatment.
fn play(e: &mut ExperimentInput, scenario: Scenario, plan: &Plan) -> (u64, u64) {
    let (i, start, planned, today) = (plan.i, plan.start, plan.planned, plan.today);
    let good = if plan.lower_is_better { -1.0 } else { 1.0 };
    // Assignments a little above plan and well balanced, unless the scenario says otherwise.
    let assigned = planned + 300 + (i as u64 % 7) * 40;
    let mut counts = (assigned + 31, assigned - 29);
    let safe = result(1, -0.1, 0.3, false);
    match scenario {
        Scenario::Success => {
            e.results = vec![result(0, 2.4 * good, 1.1, true), safe];
            e.decision = Some(Decision::Ship);
            e.rationale = "A clear win with the guardrail well inside its margin.".into();
        }
        Scenario::Regression => {
            e.results = vec![result(0, -1.9 * good, 0.9, true), safe];
            e.status = Status::Aborted;
            e.ended_on = Some(start + Duration::days(12));
            counts = (planned / 2 + 11, planned / 2 - 7);
            e.decision = Some(Decision::Abort);
            e.rationale = "It made things worse; we stopped as soon as we saw it.".into();
        }
        Scenario::Neutral => {
            e.results = vec![result(0, 0.2 * good, 0.9, false), safe];
            e.decision = Some(Decision::Iterate);
            e.rationale = "No effect at a size we could have seen; try a bolder change.".into();
        }
        Scenario::Underpowered => {
            e.results = vec![result(0, 0.8 * good, 1.6, false), safe];
            counts = (planned * 6 / 10, planned * 6 / 10 - 40);
            e.decision = Some(Decision::KeepInvestigating);
            e.rationale = "Traffic was lower than planned; rerun in a busier month.".into();
        }
        Scenario::Srm => {
            e.results = vec![result(0, 3.1 * good, 1.0, true), safe];
            counts = (assigned + assigned / 25, assigned - assigned / 25);
            e.decision = Some(Decision::KeepInvestigating);
            e.rationale =
                "The split was off: the treatment lost users on an old app version.".into();
        }
        Scenario::StoppedEarly => {
            e.results = vec![result(0, 1.2 * good, 1.5, false), safe];
            e.ended_on = Some(start + Duration::days(15));
            counts = (planned * 7 / 10, planned * 7 / 10 + 20);
            e.decision = Some(Decision::Iterate);
            e.rationale = "Stopped for a launch freeze before it had run its course.".into();
        }
        Scenario::GuardrailUnclear => {
            e.results = vec![result(0, 1.8 * good, 0.9, true), result(1, 0.3, 0.6, false)];
            e.decision = Some(Decision::KeepInvestigating);
            e.rationale = "The win is real but the guardrail could still be hurt.".into();
        }
        Scenario::Running => {
            e.status = Status::Running;
            e.ended_on = None;
            e.planned_start = Some(today - Duration::days(10));
            e.planned_end = Some(today + Duration::days(18));
            counts = (planned / 3, planned / 3 - 12);
            e.learnings = String::new();
        }
        Scenario::Design => {
            e.status = Status::Design;
            e.ended_on = None;
            e.planned_start = Some(today + Duration::days(7));
            e.planned_end = Some(today + Duration::days(35));
            e.learnings = String::new();
        }
    }
    counts
}

/// Loads the demo experiments; returns how many.
pub fn load(conn: &mut AnyConnection, authors: &[PersonId]) -> AppResult<usize> {
    let ideas = ideas()?;
    let today = crate::dates::today();
    let squads = units::units_of_kind(conn, UnitKind::Squad)?;
    if squads.is_empty() {
        return Ok(0);
    }
    let mut n = 0;
    for (i, squad) in squads
        .iter()
        .cycle()
        .take(squads.len().max(1) * 3)
        .enumerate()
    {
        if n >= 36 {
            break;
        }
        let scenario = if i % 13 == 5 {
            Scenario::Running
        } else if i % 17 == 9 {
            Scenario::Design
        } else {
            // Shifted every round of six, so each quarter gets a mix.
            SCENARIOS[(i + i / 6) % SCENARIOS.len()]
        };
        let author = authors.get(i % authors.len().max(1)).copied();
        let e = repo::create(
            conn,
            author,
            &experiment(i, &ideas[i % ideas.len()], squad.id, scenario, today),
        )?;
        n += 1;
        // Lessons from the experiments that taught something.
        if i % 4 == 0 && i < 2 * ideas.len() && e.input.status.ended() {
            crate::lessons::repo::create(
                conn,
                author,
                &LessonInput {
                    title: e.input.learnings.clone(),
                    body: format!(
                        "From the experiment *{}*: {}\n\n{}",
                        e.input.title,
                        e.input.hypothesis.sentence(),
                        e.input.rationale
                    ),
                    source: Source::Experiment(e.id.to_string()),
                    summary: "first version".into(),
                    tags: vec!["experiments".into()],
                    units: vec![squad.id],
                },
            )?;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::model::{Outcome, Reason};

    #[test]
    fn every_scenario_gets_its_outcome() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let ideas = ideas().unwrap();
        assert!(ideas.len() >= 10);
        let outcome = |s| {
            experiment(3, &ideas[3], UnitId(1), s, today)
                .verdict()
                .map(|v| (v.outcome, v.reasons))
        };
        assert_eq!(outcome(Scenario::Success), Some((Outcome::Success, vec![])));
        assert_eq!(
            outcome(Scenario::Regression),
            Some((Outcome::Regression, vec![]))
        );
        assert_eq!(outcome(Scenario::Neutral), Some((Outcome::Neutral, vec![])));
        let non = |r| Some((Outcome::NonInformative, vec![r]));
        assert_eq!(outcome(Scenario::Underpowered), non(Reason::Underpowered));
        assert_eq!(outcome(Scenario::Srm), non(Reason::SampleRatioMismatch));
        assert_eq!(
            outcome(Scenario::StoppedEarly),
            Some((
                Outcome::NonInformative,
                vec![Reason::StoppedEarly, Reason::Underpowered]
            ))
        );
        assert_eq!(
            outcome(Scenario::GuardrailUnclear),
            non(Reason::GuardrailNotCleared)
        );
        assert_eq!(outcome(Scenario::Running), None);
        assert_eq!(
            quarter_start(today, 5),
            NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()
        );
    }
}
