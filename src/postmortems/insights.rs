//! `/postmortems/insights`: published post-mortems per severity per quarter, median time to
//! detect and to resolve, and how the action items are going (completion rate, overdue).
//! Drafts do not count: they are private, and their figures may still change.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::model::{Severity, Status, format_duration};
use super::repo::Summary;
use crate::action_items::model::{ActionItem, completion_rate};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::experiments::model::quarter;
use crate::org::cache::org_view;
use crate::org::forms::{UnitChoice, units_of};
use crate::org::unit::UnitKind;
use crate::site::chart::{Chart, Mark, pct};
use crate::site::views::{Shell, html};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct Query {
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub tribe: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(mut v: Vec<i64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    })
}

/// One quarter's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterRow {
    pub label: String,
    /// Post-mortems by severity, SEV1 first.
    pub by_severity: [u64; 4],
    pub detect: Option<f64>,
    pub resolve: Option<f64>,
}

impl QuarterRow {
    pub fn total(&self) -> u64 {
        self.by_severity.iter().sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Insights {
    pub count: usize,
    pub quarters: Vec<QuarterRow>,
    /// Medians in minutes.
    pub detect: Option<f64>,
    pub resolve: Option<f64>,
    pub completion: Option<f64>,
    pub open: usize,
    pub overdue: usize,
    pub done: usize,
    pub wont_do: usize,
}

/// The figures of these published post-mortems and their action items.
pub fn compute(pms: &[&Summary], items: &[ActionItem], today: NaiveDate) -> Insights {
    // Per quarter: counts by severity, minutes to detect, minutes to resolve.
    type Figures = (Vec<u64>, Vec<i64>, Vec<i64>);
    let mut quarters: BTreeMap<String, Figures> = BTreeMap::new();
    let (mut detect, mut resolve) = (Vec::new(), Vec::new());
    for s in pms {
        let Some(started) = s.times.started else {
            continue;
        };
        let q = quarters
            .entry(quarter(started.date()))
            .or_insert_with(|| (vec![0; 4], vec![], vec![]));
        q.0[(s.severity.level() - 1) as usize] += 1;
        let d = s.times.durations();
        if let Some(t) = d.detect {
            q.1.push(t.num_minutes());
            detect.push(t.num_minutes());
        }
        if let Some(t) = d.resolve {
            q.2.push(t.num_minutes());
            resolve.push(t.num_minutes());
        }
    }
    let ids: std::collections::HashSet<i64> = pms.iter().map(|s| s.id).collect();
    let items: Vec<ActionItem> = items
        .iter()
        .filter(|i| i.source_kind == super::repo::KIND && ids.contains(&i.source_id))
        .cloned()
        .collect();
    let count =
        |st: crate::action_items::model::Status| items.iter().filter(|i| i.status == st).count();
    // Quarters without an incident are shown too: a quiet quarter is news.
    if let (Some(first), Some(last)) = (
        quarters
            .keys()
            .next()
            .and_then(|q| crate::experiments::model::quarter_bounds(q)),
        quarters
            .keys()
            .last()
            .and_then(|q| crate::experiments::model::quarter_bounds(q)),
    ) {
        let mut d = first.0;
        while d <= last.0 {
            quarters
                .entry(quarter(d))
                .or_insert_with(|| (vec![0; 4], vec![], vec![]));
            d = d
                .checked_add_months(chrono::Months::new(3))
                .unwrap_or(last.1);
        }
    }
    Insights {
        count: pms.len(),
        quarters: quarters
            .into_iter()
            .map(|(label, (sev, d, r))| QuarterRow {
                label,
                by_severity: [sev[0], sev[1], sev[2], sev[3]],
                detect: median(d),
                resolve: median(r),
            })
            .collect(),
        detect: median(detect),
        resolve: median(resolve),
        completion: completion_rate(&items),
        open: count(crate::action_items::model::Status::Open),
        done: count(crate::action_items::model::Status::Done),
        wont_do: count(crate::action_items::model::Status::WontDo),
        overdue: items.iter().filter(|i| i.overdue(today)).count(),
    }
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// A round top for an axis and its grid lines (four steps).
fn axis(max: f64, label: impl Fn(f64) -> String) -> (f64, Vec<(f64, f64, String)>) {
    let step = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 240.0, 480.0, 1440.0,
    ]
    .into_iter()
    .chain((1..).map(|k| 2880.0 * f64::from(k)).take(60))
    .find(|s| s * 4.0 >= max)
    .unwrap_or(max / 4.0);
    let top = step * 4.0;
    let ticks = (0..=4)
        .map(|i| {
            let v = step * f64::from(i);
            (v, TOP + (H - TOP - BOTTOM) * (1.0 - v / top), label(v))
        })
        .collect();
    (top, ticks)
}

fn frame(title: &'static str, rows: &[QuarterRow], ticks: &[(f64, f64, String)]) -> Chart {
    let every = rows.len().div_ceil(8).max(1);
    let width = (W - LEFT - RIGHT) / rows.len().max(1) as f64;
    Chart {
        title,
        width: W,
        height: H,
        left: LEFT,
        right: W - RIGHT,
        grid: ticks.iter().map(|(_, y, l)| (*y, l.clone())).collect(),
        labels: rows
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, q)| (LEFT + width * (i as f64 + 0.5), q.label.clone()))
            .collect(),
        label_y: H - BOTTOM + 18.0,
        lines: vec![],
        bars: vec![],
    }
}

/// Post-mortems per quarter, stacked by severity.
pub fn severity_chart(rows: &[QuarterRow]) -> Chart {
    let max = rows.iter().map(QuarterRow::total).max().unwrap_or(0) as f64;
    let (top, ticks) = axis(max.max(1.0), |v| format!("{v:.0}"));
    let mut chart = frame("Post-mortems per quarter, by severity", rows, &ticks);
    let width = (W - LEFT - RIGHT) / rows.len().max(1) as f64;
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / top);
    for (i, q) in rows.iter().enumerate() {
        let bar = (width * 0.6).min(48.0);
        let x = LEFT + width * (i as f64 + 0.5) - bar / 2.0;
        let mut done = 0u64;
        for (s, n) in Severity::ALL.iter().zip(q.by_severity) {
            if n == 0 {
                continue;
            }
            let (t, b) = (y((done + n) as f64), y(done as f64));
            chart.bars.push(Mark {
                class: ["sev1", "sev2", "sev3", "sev4"][(s.level() - 1) as usize],
                x,
                y: t,
                w: bar,
                h: b - t,
                tip: format!("{} {}: {n}", q.label, s.key()),
            });
            done += n;
        }
    }
    chart
}

/// An axis label: "45 min", "1.5 h", "2 d" (short enough for the margin).
fn short_duration(minutes: f64) -> String {
    let trim = |v: f64| format!("{v:.1}").trim_end_matches(".0").to_string();
    match minutes {
        0.0 => "0".into(),
        m if m < 60.0 => format!("{m:.0} min"),
        m if m < 1440.0 => format!("{} h", trim(m / 60.0)),
        m => format!("{} d", trim(m / 1440.0)),
    }
}

/// The median time to detect, or to resolve, per quarter (each on its own scale: detection
/// takes minutes, resolution hours or days).
pub fn duration_chart(rows: &[QuarterRow], resolve: bool) -> Chart {
    let (title, class, what): (&'static str, &'static str, &str) = if resolve {
        ("Median time to resolve", "resolve", "to resolve")
    } else {
        ("Median time to detect", "detect", "to detect")
    };
    let value = |q: &QuarterRow| if resolve { q.resolve } else { q.detect };
    let max = rows.iter().filter_map(value).fold(0.0, f64::max);
    let (top, ticks) = axis(max.max(1.0), short_duration);
    let mut chart = frame(title, rows, &ticks);
    let width = (W - LEFT - RIGHT) / rows.len().max(1) as f64;
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / top);
    for (i, q) in rows.iter().enumerate() {
        let Some(v) = value(q) else { continue };
        let bar = (width * 0.6).min(48.0);
        chart.bars.push(Mark {
            class,
            x: LEFT + width * (i as f64 + 0.5) - bar / 2.0,
            y: y(v),
            w: bar,
            h: y(0.0) - y(v),
            tip: format!(
                "{}: median time {what} {}",
                q.label,
                format_duration(chrono::Duration::minutes(v as i64))
            ),
        });
    }
    chart
}

#[derive(Template)]
#[template(path = "postmortems/insights.html")]
struct Page {
    shell: Shell,
    i: Insights,
    charts: Vec<Chart>,
    q: Query,
    squads: Vec<UnitChoice>,
    tribes: Vec<UnitChoice>,
}

impl Page {
    fn minutes(v: &Option<f64>) -> String {
        v.map(|m| format_duration(chrono::Duration::minutes(m as i64)))
            .unwrap_or_else(|| "–".into())
    }
}

pub async fn page(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<Query>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let org = org_view(&state).await?;
    let list = super::flow::ListQuery {
        squad: q.squad.clone(),
        tribe: q.tribe.clone(),
        status: Status::Published.key().into(),
        from: q.from.clone(),
        to: q.to.clone(),
        severity: String::new(),
        page: String::new(),
    };
    let summaries = state.part::<super::flow::SummaryCache>()?;
    let items = state.part::<crate::action_items::flow::ItemCache>()?;
    let (all, items) = state
        .db
        .run(move |c| {
            Ok((
                super::flow::all(c, &summaries)?,
                crate::action_items::flow::all_items(c, &items)?,
            ))
        })
        .await?;
    let pms = list.select(&all, viewer.person(), &org)?;
    let i = compute(&pms, &items, crate::dates::today());
    let charts = if i.quarters.is_empty() {
        vec![]
    } else {
        vec![
            severity_chart(&i.quarters),
            duration_chart(&i.quarters, false),
            duration_chart(&i.quarters, true),
        ]
    };
    html(&Page {
        shell: Shell::new(&viewer, "postmortems"),
        i,
        charts,
        q,
        squads: units_of(&org, UnitKind::Squad),
        tribes: units_of(&org, UnitKind::Tribe),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{PersonId, UnitId};
    use crate::postmortems::model::Times;

    fn at(s: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn pm(id: i64, sev: i32, start: &str, detect_min: i64, resolve_min: Option<i64>) -> Summary {
        let s = at(start);
        Summary {
            id,
            title: format!("pm {id}"),
            severity: Severity::from_level(sev).unwrap(),
            status: Status::Published,
            times: Times {
                started: Some(s),
                detected: Some(s + chrono::Duration::minutes(detect_min)),
                mitigated: None,
                resolved: resolve_min.map(|m| s + chrono::Duration::minutes(m)),
            },
            facilitator: None,
            squads: vec![UnitId(1)],
            authors: vec![PersonId(1)],
            published_at: None,
            updated_at: s,
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5.0));
        assert_eq!(median(vec![9, 1, 5]), Some(5.0));
        assert_eq!(median(vec![10, 1, 4, 6]), Some(5.0));
    }

    #[test]
    fn quarters_severities_and_medians() {
        let a = pm(1, 1, "2026-01-10 10:00", 10, Some(100));
        let b = pm(2, 3, "2026-02-10 10:00", 30, None);
        let c = pm(3, 3, "2026-04-01 00:00", 4, Some(60));
        let i = compute(&[&a, &b, &c], &[], "2026-11-21".parse().unwrap());
        assert_eq!(i.count, 3);
        assert_eq!(i.quarters.len(), 2);
        assert_eq!(i.quarters[0].label, "2026-Q1");
        assert_eq!(i.quarters[0].by_severity, [1, 0, 1, 0]);
        assert_eq!(i.quarters[0].detect, Some(20.0));
        assert_eq!(i.quarters[0].resolve, Some(100.0));
        assert_eq!(i.quarters[1].by_severity, [0, 0, 1, 0]);
        assert_eq!(i.detect, Some(10.0));
        assert_eq!(i.resolve, Some(80.0));
        let chart = severity_chart(&i.quarters);
        assert_eq!(chart.bars.len(), 3);
        assert!(chart.bars.iter().all(|b| b.h > 0.0));
    }
}
