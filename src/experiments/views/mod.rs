//! The experiment pages: what each template shows, prepared here so templates only print.
//! The list is here with what the pages share; the calculator, the form, the experiment's
//! own page and the insights each have their file.

use askama::Template;

use super::filters::ListQuery;
use super::model::{Outcome, Reason, Status, quarter};
use super::repo::Summary;
use crate::org::cache::OrgView;
use crate::org::forms::{Choice, UnitChoice, units_of};
use crate::org::unit::UnitKind;
use crate::site::views::Shell;

mod calculator;
mod edit;
mod rates;
mod show;

pub use calculator::{CalcResult, CalcView, CalculatorPage};
pub use edit::{EditPage, ImportPage, ResultCell};
pub use rates::{InsightsPage, RateRow};
pub use show::{CheckView, ResultView, ShowPage, VariantView};

fn choices<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter().map(|v| (key(*v), label(*v))).collect()
}

pub fn statuses() -> Vec<Choice> {
    choices(Status::ALL, Status::key, Status::label)
}

pub fn outcomes() -> Vec<Choice> {
    choices(Outcome::ALL, Outcome::key, Outcome::label)
}

/// An outcome badge: key (for its colour) and label.
pub struct Badge {
    pub key: &'static str,
    pub label: &'static str,
}

impl Badge {
    fn of(o: Outcome) -> Badge {
        Badge {
            key: o.key(),
            label: o.label(),
        }
    }
}

pub struct ListRow {
    pub url: String,
    pub title: String,
    pub squad: String,
    pub squad_url: String,
    pub status: &'static str,
    pub outcome: Option<Badge>,
    pub reasons: String,
    pub when: String,
}

fn reasons_text(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Template)]
#[template(path = "experiments/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<ListRow>,
    pub squads: Vec<UnitChoice>,
    pub tribes: Vec<UnitChoice>,
    pub statuses: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    pub quarters: Vec<String>,
    pub q: ListQuery,
    pub signed_in: bool,
}

impl ListPage {
    pub fn new(
        shell: Shell,
        org: &OrgView,
        rows: Vec<Summary>,
        q: ListQuery,
        today: chrono::NaiveDate,
    ) -> ListPage {
        // The last eight quarters, newest first, and the one asked for.
        let mut quarters: Vec<String> = (0..8)
            .filter_map(|i| today.checked_sub_months(chrono::Months::new(3 * i)))
            .map(quarter)
            .collect();
        if !q.quarter.is_empty() && !quarters.contains(&q.quarter) {
            quarters.push(q.quarter.clone());
        }
        ListPage {
            signed_in: shell.user.is_some(),
            shell,
            rows: rows
                .into_iter()
                .map(|s| ListRow {
                    url: format!("/experiments/{}", s.id),
                    squad_url: format!("/squads/{}", s.squad_slug),
                    status: s.status().map_or("", Status::label),
                    outcome: s.outcome().map(Badge::of),
                    reasons: reasons_text(&s.reasons()),
                    when: match (s.ended_on, s.planned_end) {
                        (Some(d), _) => format!("ended {d}"),
                        (None, Some(d)) => format!("planned to end {d}"),
                        _ => String::new(),
                    },
                    title: s.title,
                    squad: s.squad_name,
                })
                .collect(),
            squads: units_of(org, UnitKind::Squad),
            tribes: units_of(org, UnitKind::Tribe),
            statuses: statuses(),
            outcomes: outcomes(),
            quarters,
            q,
        }
    }
}

/// Thousands separated by commas: 14,751.
pub fn grouped(n: impl std::fmt::Display) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
