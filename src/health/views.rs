//! The askama structs of the health-check pages, the coloured cell every page shows for a
//! result, and the trend lines of a squad's history (drawn by the shared chart include).

use std::fmt::Write;

use askama::Template;

use super::flow::History;
use super::model::{Ballot, Color, Indicator, Results, Session, Tally};
use crate::site::chart::{Chart, Line, Mark};
use crate::site::views::Shell;

/// A result as a cell: its colour class, the colour in words and the trend arrow (so the
/// cell does not rely on colour alone), and the votes behind it in `title`.
pub struct Cell {
    /// `green`, `yellow`, `red`, or `none` without votes.
    pub class: &'static str,
    pub word: &'static str,
    pub arrow: &'static str,
    pub trend: &'static str,
    pub title: String,
}

impl Cell {
    /// The cell of one indicator in a session's results: hidden while the session hides
    /// them, else the tally's.
    pub fn in_results(indicator: &str, r: &Results, indicator_id: i64) -> Cell {
        if r.hidden {
            Cell {
                class: "hidden",
                word: "Hidden",
                arrow: "",
                trend: "",
                title: format!("{indicator}: hidden until the session closes"),
            }
        } else {
            Cell::of(indicator, &r.tally(indicator_id))
        }
    }

    pub fn of(indicator: &str, t: &Tally) -> Cell {
        match t.result() {
            Some(c) => Cell {
                class: c.key(),
                word: c.label(),
                arrow: t.trend().arrow(),
                trend: t.trend().label(),
                title: format!(
                    "{indicator}: {} {} — {}; {}",
                    c.label(),
                    t.trend().arrow(),
                    counts(t),
                    trends(t)
                ),
            },
            None => Cell {
                class: "none",
                word: "–",
                arrow: "",
                trend: "",
                title: format!("{indicator}: no votes"),
            },
        }
    }
}

/// "4 green · 2 yellow · 1 red", leaving out colours nobody chose.
pub fn counts(t: &Tally) -> String {
    join(&[(t.green, "green"), (t.yellow, "yellow"), (t.red, "red")])
}

/// "3 better · 2 same · 1 worse" (empty without trend votes).
pub fn trends(t: &Tally) -> String {
    join(&[(t.better, "better"), (t.same, "same"), (t.worse, "worse")])
}

fn join(parts: &[(u32, &str)]) -> String {
    let mut out = String::new();
    for (n, what) in parts.iter().filter(|(n, _)| *n > 0) {
        if !out.is_empty() {
            out.push_str(" · ");
        }
        let _ = write!(out, "{n} {what}");
    }
    out
}

/// A column of the history and the heatmap.
pub struct Column {
    pub name: String,
    pub retired: bool,
    pub awesome: String,
}

impl Column {
    pub fn of(i: &Indicator) -> Column {
        Column {
            name: i.name.clone(),
            retired: i.retired,
            awesome: i.awesome.clone(),
        }
    }
}

/// A unit as a link.
pub struct UnitLink {
    pub name: String,
    pub url: String,
}

/// The colours for the radio buttons: key and label.
pub fn colors() -> Vec<(&'static str, &'static str)> {
    Color::ALL.iter().map(|c| (c.key(), c.label())).collect()
}

/// The trends for the radio buttons: key, label and arrow.
pub fn trend_choices() -> Vec<(&'static str, &'static str, &'static str)> {
    super::model::Trend::ALL
        .iter()
        .map(|t| (t.key(), t.label(), t.arrow()))
        .collect()
}

// ---------------------------------------------------------------- a squad's history

pub struct HistoryRow {
    pub url: String,
    pub date: String,
    pub closed: bool,
    pub votes: u32,
    pub cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "health/squad.html")]
pub struct SquadPage {
    pub shell: Shell,
    pub squad: UnitLink,
    pub tribe: Option<UnitLink>,
    pub api: String,
    pub columns: Vec<Column>,
    pub rows: Vec<HistoryRow>,
    /// Per indicator its name and trend line.
    pub charts: Vec<(String, Chart)>,
    pub may_start: bool,
    pub held_on: String,
    /// The start form's choice: results shown as votes come in.
    pub results_shown: bool,
    pub error: Option<String>,
}

impl SquadPage {
    pub fn rows_and_charts(h: &History) -> (Vec<Column>, Vec<HistoryRow>, Vec<(String, Chart)>) {
        let columns = h.columns();
        let rows = h
            .sessions
            .iter()
            .map(|(s, r)| HistoryRow {
                url: s.url(),
                date: s.held_on.to_string(),
                closed: s.closed(),
                votes: r.participants,
                cells: columns
                    .iter()
                    .map(|i| Cell::in_results(&i.name, r, i.id))
                    .collect(),
            })
            .collect();
        let charts = if h.sessions.iter().any(|(_, r)| r.participants > 0) {
            columns
                .iter()
                .map(|i| {
                    let points: Vec<(&Session, Tally)> = h
                        .sessions
                        .iter()
                        .rev()
                        .map(|(s, r)| (s, r.tally(i.id)))
                        .collect();
                    (i.name.clone(), trend_chart(&points))
                })
                .collect()
        } else {
            vec![]
        };
        (columns.into_iter().map(Column::of).collect(), rows, charts)
    }
}

const W: f64 = 320.0;
const H: f64 = 150.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;
/// At most this many date labels under a line, so they do not overlap.
const MAX_LABELS: usize = 4;

fn slot(i: usize, n: usize) -> f64 {
    let width = (W - LEFT - RIGHT) / n.max(1) as f64;
    LEFT + width * (i as f64 + 0.5)
}

/// The y of a mean score (0 red … 2 green).
fn y_of(score: f64) -> f64 {
    TOP + (H - TOP - BOTTOM) * (1.0 - score.clamp(0.0, 2.0) / 2.0)
}

/// One indicator's mean score over sessions, oldest first; a session without votes on it
/// leaves a gap. Each point is coloured by the session's result and says its votes.
pub fn trend_chart(sessions: &[(&Session, Tally)]) -> Chart {
    let n = sessions.len();
    let every = n.div_ceil(MAX_LABELS).max(1);
    let mut line = Line {
        class: "health",
        name: "Mean score",
        path: String::new(),
        points: vec![],
    };
    let mut pen_up = true;
    for (i, (s, t)) in sessions.iter().enumerate() {
        let (Some(mean), Some(result)) = (t.mean(), t.result()) else {
            pen_up = true;
            continue;
        };
        let (x, y) = (slot(i, n), y_of(mean));
        let _ = write!(
            line.path,
            "{}{x:.1},{y:.1} ",
            if pen_up { "M" } else { "L" }
        );
        pen_up = false;
        line.points.push(Mark {
            class: result.key(),
            x,
            y,
            w: 0.0,
            h: 0.0,
            tip: format!(
                "{}: {} {}, mean {mean:.1} ({})",
                s.held_on,
                result.label(),
                t.trend().arrow(),
                counts(t)
            ),
        });
    }
    line.path = line.path.trim_end().to_string();
    Chart {
        title: "Mean score per session: green 2, yellow 1, red 0",
        width: W,
        height: H,
        left: LEFT,
        right: W - RIGHT,
        grid: [(2.0, "green"), (1.0, "yellow"), (0.0, "red")]
            .into_iter()
            .map(|(v, l)| (y_of(v), l.to_string()))
            .collect(),
        labels: sessions
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0 || *i + 1 == n)
            .map(|(i, (s, _))| (slot(i, n), s.held_on.format("%b %Y").to_string()))
            .collect(),
        label_y: H - BOTTOM + 18.0,
        lines: vec![line],
        bars: vec![],
    }
}

// ---------------------------------------------------------------- a session

/// One indicator on a session's page: its description, its result, and the viewer's vote.
pub struct Item {
    pub id: i64,
    pub name: String,
    pub awesome: String,
    pub crappy: String,
    pub retired: bool,
    pub cell: Cell,
    pub counts: String,
    pub trends: String,
    pub comments: Vec<String>,
    /// Whether the vote form asks about it (active indicators of an open session).
    pub in_form: bool,
    pub ballot: Ballot,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "health/session.html")]
pub struct SessionPage {
    pub shell: Shell,
    pub url: String,
    pub squad: UnitLink,
    pub history: String,
    pub date: String,
    pub facilitator: Option<UnitLink>,
    pub closed: bool,
    /// The results are hidden until the session closes.
    pub hidden: bool,
    pub participants: u32,
    pub may_close: bool,
    pub may_vote: bool,
    /// Why the viewer sees no form (signed in but not a voter).
    pub voter_note: Option<&'static str>,
    pub voted: bool,
    pub items: Vec<Item>,
    pub error: Option<String>,
    pub colors: Vec<(&'static str, &'static str)>,
    pub trends: Vec<(&'static str, &'static str, &'static str)>,
    pub comment_max: usize,
}

// ---------------------------------------------------------------- a tribe's heatmap

pub struct HeatRow {
    pub squad: UnitLink,
    pub history: String,
    /// The session shown: date, address, closed.
    pub session: Option<(String, String, bool)>,
    pub cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "health/heatmap.html")]
pub struct HeatmapPage {
    pub shell: Shell,
    pub tribe: UnitLink,
    pub columns: Vec<Column>,
    pub rows: Vec<HeatRow>,
}

// ---------------------------------------------------------------- indicators (admins)

/// An indicator's edit form, as stored or as typed.
#[derive(Default)]
pub struct IndicatorForm {
    pub id: Option<i64>,
    /// The name as stored, for the heading (the field may hold a new one as typed).
    pub stored_name: String,
    pub name: String,
    pub awesome: String,
    pub crappy: String,
    pub position: String,
    pub retired: bool,
    pub errors: Vec<(&'static str, String)>,
}

impl IndicatorForm {
    pub fn of(i: &Indicator) -> IndicatorForm {
        IndicatorForm {
            id: Some(i.id),
            stored_name: i.name.clone(),
            name: i.name.clone(),
            awesome: i.awesome.clone(),
            crappy: i.crappy.clone(),
            position: i.position.to_string(),
            retired: i.retired,
            errors: vec![],
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The prefix of this form's element ids, unique on the page.
    pub fn key(&self) -> String {
        match self.id {
            Some(id) => format!("i{id}"),
            None => "new".into(),
        }
    }

    pub fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/health/indicators/{id}"),
            None => "/health/indicators".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "health/indicators.html")]
pub struct IndicatorsPage {
    pub shell: Shell,
    pub forms: Vec<IndicatorForm>,
    pub new: IndicatorForm,
    /// The id prefix of the form that was sent back with problems.
    pub failed: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{PersonId, UnitId};
    use chrono::NaiveDate;

    fn session(id: i64, day: &str) -> Session {
        let held_on: NaiveDate = day.parse().unwrap();
        Session {
            id,
            squad_id: UnitId(1),
            held_on,
            facilitator_id: PersonId(1),
            closed_at: None,
            created_at: held_on.and_hms_opt(9, 0, 0).unwrap(),
            hide_votes: false,
        }
    }

    fn tally(green: u32, yellow: u32, red: u32) -> Tally {
        Tally {
            green,
            yellow,
            red,
            better: 1,
            ..Default::default()
        }
    }

    #[test]
    fn cells_say_colour_arrow_and_votes() {
        let c = Cell::of("Speed", &tally(4, 2, 1));
        assert_eq!((c.class, c.word, c.arrow), ("green", "Green", "↑"));
        assert_eq!(
            c.title,
            "Speed: Green ↑ — 4 green · 2 yellow · 1 red; 1 better"
        );
        let none = Cell::of("Fun", &Tally::default());
        assert_eq!((none.class, none.arrow), ("none", ""));
        assert_eq!(counts(&tally(0, 3, 0)), "3 yellow");
    }

    #[test]
    fn the_trend_line_follows_the_mean_and_leaves_gaps() {
        let (a, b, c) = (
            session(1, "2026-01-15"),
            session(2, "2026-04-15"),
            session(3, "2026-07-15"),
        );
        let chart = trend_chart(&[
            (&a, tally(0, 0, 2)),
            (&b, Tally::default()),
            (&c, tally(2, 0, 0)),
        ]);
        let line = &chart.lines[0];
        assert_eq!(line.points.len(), 2);
        // Red is the bottom of the plot, green its top.
        assert_eq!(line.points[0].y, H - BOTTOM);
        assert_eq!(line.points[1].y, TOP);
        assert_eq!(line.points[0].class, "red");
        assert!(
            line.path.starts_with('M') && line.path.matches('M').count() == 2,
            "{}",
            line.path
        );
        assert!(line.points[1].tip.starts_with("2026-07-15: Green"));
        assert_eq!(chart.labels.len(), 3);
        assert_eq!(chart.labels[0].1, "Jan 2026");
    }
}
