//! Demo experiments: a few dozen across the squads and the last six quarters, with every
//! outcome (and every reason to be non-informative), some still running or in design, and a
//! few lessons learned from them.

use chrono::{Datelike, Duration, NaiveDate};

use crate::db::AnyConnection;
use crate::error::AppResult;
use crate::experiments::model::{
    Decision, Direction, ExperimentInput, Hypothesis, Metric, MetricKind, MetricResult, Status,
    Variant,
};
use crate::experiments::repo;
use crate::lessons::model::{LessonInput, Source};
use crate::org::unit::UnitKind;
use crate::org::unit_repo as units;

/// Ideas: title, change, audience, effect, metric, how it moves, success metric, guardrail,
/// learning.
const IDEAS: &[[&str; 9]] = &[
    [
        "Autoplay the next episode",
        "autoplaying the next episode",
        "podcast listeners",
        "make them listen longer",
        "minutes listened per day",
        "rises by 3 %",
        "minutes listened",
        "skips per session",
        "Listeners who binge want autoplay; listeners who sample want control. Offer the setting early.",
    ],
    [
        "Shorter sign-up",
        "a two-step sign-up",
        "new visitors on mobile",
        "let more of them finish signing up",
        "sign-up completion",
        "rises by 5 %",
        "sign-up completion",
        "payment failures",
        "Every field we removed paid off; the password rules were the biggest drop.",
    ],
    [
        "Daily mix on the home page",
        "a daily mix shelf at the top of home",
        "returning listeners",
        "help them find music faster",
        "time to first play",
        "falls by 10 %",
        "time to first play",
        "crash-free sessions",
        "Position matters more than content: the same shelf lower down did nothing.",
    ],
    [
        "Lyrics by default",
        "showing lyrics by default",
        "listeners in karaoke markets",
        "keep them in the app",
        "session length",
        "rises by 2 %",
        "session length",
        "battery complaints",
        "Lyrics help where people sing along; elsewhere they distract.",
    ],
    [
        "Offline nudge before flights",
        "a download nudge when a trip is in the calendar",
        "premium listeners",
        "make them download before they fly",
        "downloads per trip",
        "rise by 20 %",
        "downloads per trip",
        "notification opt-outs",
        "A nudge needs a reason the listener recognises; calendar context was that reason.",
    ],
    [
        "Creator stats in the upload flow",
        "showing last week's stats after an upload",
        "independent artists",
        "make them upload more often",
        "uploads per artist per month",
        "rise by 5 %",
        "uploads per artist",
        "support tickets",
        "Artists read stats but upload on their own schedule; stats did not change it.",
    ],
    [
        "Cheaper family plan trial",
        "a one-month family plan trial at half price",
        "individual subscribers with shared devices",
        "make them upgrade",
        "family plan conversion",
        "rises by 1 point",
        "family plan conversion",
        "churn of existing family plans",
        "Price was not the barrier; inviting the family was.",
    ],
    [
        "Smarter search ranking",
        "ranking search results by recent listening",
        "all listeners",
        "make them find what they meant",
        "search success rate",
        "rises by 2 %",
        "search success rate",
        "search latency p95",
        "Personal ranking helps short queries most; long queries already find their target.",
    ],
    [
        "Quieter ads",
        "loudness-normalised ads",
        "free-tier listeners",
        "make fewer of them quit during ads",
        "ad-break drop-off",
        "falls by 5 %",
        "ad-break drop-off",
        "ad revenue per user",
        "Loud ads were costing us listeners; normalising them did not cost revenue.",
    ],
    [
        "Playlist covers by AI",
        "generated playlist covers",
        "playlist creators",
        "make them share more playlists",
        "playlists shared per creator",
        "rise by 5 %",
        "playlists shared",
        "reports of offensive content",
        "Covers did not change sharing; titles do.",
    ],
];

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
    }
}

fn experiment(i: usize, squad_id: i64, scenario: Scenario, today: NaiveDate) -> ExperimentInput {
    let idea = IDEAS[i % IDEAS.len()];
    // Spread over the last six quarters, the oldest first; an ended one ended by yesterday.
    let mut start = quarter_start(today, 5 - (i % 6) as u32) + Duration::days((i * 7 % 50) as i64);
    if start + Duration::days(28) >= today {
        start -= Duration::days(91);
    }
    let planned_end = start + Duration::days(28);
    let planned: u64 = 12_000 + (i as u64 % 5) * 2_500;
    let lower_is_better = idea[5].starts_with("fall");
    let direction = if lower_is_better {
        Direction::Decrease
    } else {
        Direction::Increase
    };
    let good = if lower_is_better { -1.0 } else { 1.0 };
    let mut e = ExperimentInput {
        title: idea[0].to_string(),
        squad_id,
        hypothesis: Hypothesis {
            change: idea[1].into(),
            audience: idea[2].into(),
            effect: idea[3].into(),
            metric: idea[4].into(),
            moves: idea[5].into(),
        },
        metrics: vec![
            Metric {
                name: idea[6].into(),
                kind: MetricKind::Success,
                direction,
                margin: None,
            },
            Metric {
                name: idea[7].into(),
                kind: MetricKind::Guardrail,
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
        planned_sample: Some(planned),
        planned_start: Some(start),
        planned_end: Some(planned_end),
        status: Status::Concluded,
        ended_on: Some(planned_end),
        decision: None,
        rationale: String::new(),
        learnings: idea[8].into(),
        over: None,
    };
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
    if !matches!(scenario, Scenario::Design) {
        e.variants[0].observed = Some(counts.0);
        e.variants[1].observed = Some(counts.1);
    }
    e
}

/// Loads the demo experiments; returns how many.
pub fn load(conn: &mut AnyConnection, authors: &[i64]) -> AppResult<usize> {
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
        let e = repo::create(conn, author, &experiment(i, squad.id, scenario, today))?;
        n += 1;
        // Lessons from the experiments that taught something.
        if i % 4 == 0 && i < 2 * IDEAS.len() && e.input.status.ended() {
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
        let outcome = |s| {
            experiment(3, 1, s, today)
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
