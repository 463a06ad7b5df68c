//! Learning rate next to win rate (EwL): counts of ended experiments per outcome, overall,
//! per quarter and per squad or tribe, and the SVG charts of `/experiments/insights`.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use serde::Serialize;

use super::model::{Outcome, Reason, quarter};
use super::repo::Summary;
use crate::ids::UnitId;
use crate::site::chart::{Chart, Line, Mark, pct};

/// Outcome counts of a set of ended experiments. `ended` is every one with an outcome, the
/// sum of `concluded` (ran to a conclusion) and `aborted` (stopped); rates are per ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    pub ended: u64,
    pub concluded: u64,
    pub aborted: u64,
    pub success: u64,
    pub regression: u64,
    pub neutral: u64,
    pub non_informative: u64,
}

impl Tally {
    /// Counts an ended experiment with outcome `o`, aborted or concluded.
    pub fn add(&mut self, o: Outcome, aborted: bool) {
        self.ended += 1;
        if aborted {
            self.aborted += 1;
        } else {
            self.concluded += 1;
        }
        match o {
            Outcome::Success => self.success += 1,
            Outcome::Regression => self.regression += 1,
            Outcome::Neutral => self.neutral += 1,
            Outcome::NonInformative => self.non_informative += 1,
        }
    }

    fn rate(&self, n: u64) -> Option<f64> {
        (self.ended > 0).then(|| n as f64 / self.ended as f64)
    }

    /// Successes per ended experiment.
    pub fn win_rate(&self) -> Option<f64> {
        self.rate(self.success)
    }

    /// Experiments that taught something decision-ready (success, regression, neutral) per
    /// ended experiment.
    pub fn learning_rate(&self) -> Option<f64> {
        self.rate(self.success + self.regression + self.neutral)
    }

    /// Adds another set's counts.
    pub fn merge(&mut self, other: &Tally) {
        self.ended += other.ended;
        self.concluded += other.concluded;
        self.aborted += other.aborted;
        self.success += other.success;
        self.regression += other.regression;
        self.neutral += other.neutral;
        self.non_informative += other.non_informative;
    }

    pub fn of(&self, o: Outcome) -> u64 {
        match o {
            Outcome::Success => self.success,
            Outcome::Regression => self.regression,
            Outcome::Neutral => self.neutral,
            Outcome::NonInformative => self.non_informative,
        }
    }
}

/// A row of a breakdown: a quarter, a squad or a tribe.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    /// `/squads/x` for units; empty for quarters.
    pub url: String,
    pub tally: Tally,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Insights {
    pub all: Tally,
    /// Non-informative experiments per reason (by its key).
    pub reasons: BTreeMap<&'static str, u64>,
    /// Oldest first, every quarter between the first and the last (empty ones included, so
    /// the chart's spacing is time).
    pub quarters: Vec<Row>,
    pub squads: Vec<Row>,
    pub tribes: Vec<Row>,
}

/// A squad's name and url, and its tribe's, by squad id.
pub type Names<'a> = &'a dyn Fn(UnitId) -> Option<(String, String, Option<(String, String)>)>;

/// The ended experiments of `squads` (all when None) that ended between `from` and `to`.
pub fn scoped<'a>(
    all: &'a [Summary],
    squads: Option<&'a [UnitId]>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> impl Iterator<Item = &'a Summary> {
    all.iter()
        .filter(move |s| squads.is_none_or(|q| q.contains(&s.squad_id)))
        .filter(move |s| {
            s.ended_on
                .is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t))
        })
}

/// What a squad's or tribe's page shows: the rates of the last twelve months and the most
/// recent experiments.
pub struct UnitExperiments {
    pub tally: Tally,
    pub recent: Vec<Summary>,
}

pub fn compute<'a>(ended: impl IntoIterator<Item = &'a Summary>, names: Names<'_>) -> Insights {
    let mut out = Insights::default();
    let mut by_quarter: BTreeMap<String, Tally> = BTreeMap::new();
    // Counted per squad id first: names are looked up once per squad, not per experiment.
    let mut per_squad: BTreeMap<UnitId, (Tally, &Summary)> = BTreeMap::new();
    for s in ended {
        let (Some(o), Some(day)) = (s.outcome(), s.ended_on) else {
            continue;
        };
        let aborted = s.aborted();
        out.all.add(o, aborted);
        if o == Outcome::NonInformative {
            for r in s.reasons() {
                *out.reasons.entry(r.key()).or_default() += 1;
            }
        }
        by_quarter.entry(quarter(day)).or_default().add(o, aborted);
        per_squad
            .entry(s.squad_id)
            .or_insert_with(|| (Tally::default(), s))
            .0
            .add(o, aborted);
    }
    let mut squads: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut tribes: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for (id, (tally, s)) in per_squad {
        let (name, url, tribe) = names(id).unwrap_or_else(|| {
            (
                s.squad_name.clone(),
                format!("/squads/{}", s.squad_slug),
                None,
            )
        });
        squads.entry((name, url)).or_default().merge(&tally);
        let tribe = tribe.unwrap_or_else(|| ("No tribe".into(), String::new()));
        tribes.entry(tribe).or_default().merge(&tally);
    }
    if let (Some(first), Some(last)) = (by_quarter.keys().next(), by_quarter.keys().last()) {
        for q in quarters_between(first, last) {
            let tally = by_quarter.get(&q).cloned().unwrap_or_default();
            out.quarters.push(Row {
                label: q,
                url: String::new(),
                tally,
            });
        }
    }
    let rows = |m: BTreeMap<(String, String), Tally>| -> Vec<Row> {
        let mut rows: Vec<Row> = m
            .into_iter()
            .map(|((label, url), tally)| Row { label, url, tally })
            .collect();
        // Most experiments first: that is where the rates mean most.
        rows.sort_by(|a, b| {
            b.tally
                .ended
                .cmp(&a.tally.ended)
                .then(a.label.cmp(&b.label))
        });
        rows
    };
    out.squads = rows(squads);
    out.tribes = rows(tribes);
    out
}

/// `2025-Q3` … `2026-Q1`, inclusive.
fn quarters_between(first: &str, last: &str) -> Vec<String> {
    let parse = |q: &str| -> Option<(i32, u32)> {
        let (y, n) = q.split_once("-Q")?;
        Some((y.parse().ok()?, n.parse().ok()?))
    };
    let (Some(mut at), Some(end)) = (parse(first), parse(last)) else {
        return vec![];
    };
    let mut out = Vec::new();
    while at <= end && out.len() < 400 {
        out.push(format!("{}-Q{}", at.0, at.1));
        at = if at.1 == 4 {
            (at.0 + 1, 1)
        } else {
            (at.0, at.1 + 1)
        };
    }
    out
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// The x of quarter `i` of `n`, and the width each one has.
fn slot(i: usize, n: usize) -> (f64, f64) {
    let width = (W - LEFT - RIGHT) / n.max(1) as f64;
    (LEFT + width * (i as f64 + 0.5), width)
}

fn y_of(rate: f64) -> f64 {
    TOP + (H - TOP - BOTTOM) * (1.0 - rate.clamp(0.0, 1.0))
}

fn frame(title: &'static str, quarters: &[Row]) -> Chart {
    let every = quarters.len().div_ceil(8).max(1);
    Chart {
        title,
        width: W,
        height: H,
        left: LEFT,
        right: W - RIGHT,
        grid: [0, 25, 50, 75, 100]
            .into_iter()
            .map(|p| (y_of(f64::from(p) / 100.0), format!("{p} %")))
            .collect(),
        labels: quarters
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, q)| (slot(i, quarters.len()).0, q.label.clone()))
            .collect(),
        label_y: H - BOTTOM + 18.0,
        lines: vec![],
        bars: vec![],
    }
}

/// Learning rate and win rate per quarter, as two lines (quarters without an ended
/// experiment leave a gap).
pub fn rates_chart(quarters: &[Row]) -> Chart {
    let mut chart = frame("Learning rate and win rate per quarter", quarters);
    for (class, name, rate) in [
        (
            "learning",
            "Learning rate",
            Tally::learning_rate as fn(&Tally) -> Option<f64>,
        ),
        ("win", "Win rate", Tally::win_rate),
    ] {
        let mut line = Line {
            class,
            name,
            path: String::new(),
            points: vec![],
        };
        let mut pen_up = true;
        for (i, q) in quarters.iter().enumerate() {
            let Some(r) = rate(&q.tally) else {
                pen_up = true;
                continue;
            };
            let (x, _) = slot(i, quarters.len());
            let y = y_of(r);
            let _ = write!(
                line.path,
                "{}{x:.1},{y:.1} ",
                if pen_up { "M" } else { "L" }
            );
            pen_up = false;
            line.points.push(Mark {
                class,
                x,
                y,
                w: 0.0,
                h: 0.0,
                tip: format!(
                    "{name} {}: {} of {} ended",
                    q.label,
                    pct(Some(r)),
                    q.tally.concluded
                ),
            });
        }
        line.path = line.path.trim_end().to_string();
        chart.lines.push(line);
    }
    chart
}

/// The outcome mix per quarter, as stacked bars of shares.
pub fn mix_chart(quarters: &[Row]) -> Chart {
    let mut chart = frame("Outcome mix per quarter", quarters);
    for (i, q) in quarters.iter().enumerate() {
        let n = q.tally.concluded;
        if n == 0 {
            continue;
        }
        let (x, width) = slot(i, quarters.len());
        let bar = (width * 0.6).min(48.0);
        let mut done = 0u64;
        for o in Outcome::ALL {
            let k = q.tally.of(*o);
            if k == 0 {
                continue;
            }
            let top = y_of((done + k) as f64 / n as f64);
            let bottom = y_of(done as f64 / n as f64);
            chart.bars.push(Mark {
                class: o.key(),
                x: x - bar / 2.0,
                y: top,
                w: bar,
                h: bottom - top,
                tip: format!("{} {}: {k} of {n}", q.label, o.label()),
            });
            done += k;
        }
    }
    chart
}

/// The reasons, in their canonical order, with counts (zeros left out).
pub fn reasons(i: &Insights) -> Vec<(&'static str, u64)> {
    Reason::ALL
        .iter()
        .filter_map(|r| i.reasons.get(r.key()).map(|n| (r.label(), *n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(id: i64, squad: i64, day: &str, outcome: Outcome, reasons: &str) -> Summary {
        Summary {
            id,
            title: format!("e{id}"),
            squad_id: UnitId(squad),
            squad_name: format!("Squad {squad}"),
            squad_slug: format!("s{squad}"),
            status: "concluded".into(),
            outcome: Some(outcome.key().into()),
            reasons: reasons.into(),
            planned_end: None,
            ended_on: NaiveDate::parse_from_str(day, "%Y-%m-%d").ok(),
            updated_at: Default::default(),
        }
    }

    #[test]
    fn rates_per_quarter_and_unit() {
        use Outcome::*;
        let list = vec![
            ended(1, 1, "2026-01-10", Success, ""),
            ended(2, 1, "2026-02-10", Neutral, ""),
            ended(3, 2, "2026-03-10", NonInformative, "underpowered"),
            ended(4, 2, "2026-08-01", Regression, ""),
            ended(
                5,
                2,
                "2026-08-02",
                NonInformative,
                "underpowered,stopped_early",
            ),
        ];
        let names = |id: UnitId| {
            Some((
                format!("Squad {id}"),
                format!("/squads/s{id}"),
                Some(("Tribe".to_string(), "/tribes/t".to_string())),
            ))
        };
        let i = compute(&list, &names);
        assert_eq!(i.all.concluded, 5);
        assert_eq!(i.all.win_rate(), Some(0.2));
        assert_eq!(i.all.learning_rate(), Some(0.6));
        assert_eq!(i.reasons.get("underpowered"), Some(&2));
        assert_eq!(i.reasons.get("stopped_early"), Some(&1));
        // Q1 to Q3 with the empty Q2 in between.
        let labels: Vec<&str> = i.quarters.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["2026-Q1", "2026-Q2", "2026-Q3"]);
        assert_eq!(
            i.quarters[0]
                .tally
                .learning_rate()
                .map(|r| (r * 1e4).round()),
            Some(6667.0)
        );
        assert_eq!(i.quarters[1].tally.learning_rate(), None);
        assert_eq!(i.quarters[2].tally.win_rate(), Some(0.0));
        // Squad 2 has the most experiments, so it comes first.
        assert_eq!(i.squads[0].label, "Squad 2");
        assert_eq!(
            i.squads[0].tally.learning_rate().map(|r| (r * 3.0).round()),
            Some(1.0)
        );
        assert_eq!(i.tribes.len(), 1);
        assert_eq!(i.tribes[0].tally.concluded, 5);
        // The charts draw what they count: a gap for Q2, one bar part per outcome.
        let rates = rates_chart(&i.quarters);
        assert_eq!(rates.lines[0].points.len(), 2);
        assert_eq!(rates.lines[0].path.matches('M').count(), 2);
        assert_eq!(rates.lines[0].points[0].y, y_of(2.0 / 3.0));
        let mix = mix_chart(&i.quarters);
        assert_eq!(mix.bars.len(), 5);
        assert!(
            mix.bars
                .iter()
                .any(|b| b.tip == "2026-Q3 Regression: 1 of 2")
        );
        // Stacked to the top: Q3's two parts fill 0–100 %.
        let q3: Vec<&Mark> = mix
            .bars
            .iter()
            .filter(|b| b.tip.starts_with("2026-Q3"))
            .collect();
        assert!((q3.iter().map(|b| b.h).sum::<f64>() - (y_of(0.0) - y_of(1.0))).abs() < 1e-9);
    }

    #[test]
    fn nothing_ended_gives_no_rates() {
        let i = compute(&[], &|_| None);
        assert_eq!(i.all.learning_rate(), None);
        assert_eq!(pct(i.all.win_rate()), "–");
        assert!(i.quarters.is_empty());
        assert!(
            rates_chart(&i.quarters)
                .lines
                .iter()
                .all(|l| l.points.is_empty())
        );
    }
}
