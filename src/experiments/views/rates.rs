//! The insights page: learning and win rates, overall and per quarter, tribe and squad.

use askama::Template;

use crate::experiments::filters::InsightsQuery;
use crate::experiments::insights::{self, Insights};
use crate::experiments::model::Outcome;
use crate::org::cache::OrgView;
use crate::org::forms::units_of;
use crate::org::unit::UnitKind;
use crate::site::chart::{Chart, pct};
use crate::site::views::Shell;

pub struct RateRow {
    pub label: String,
    pub url: String,
    pub ended: u64,
    pub learning: String,
    pub win: String,
    pub mix: Vec<(&'static str, &'static str, u64)>,
}

fn rate_rows(rows: &[insights::Row]) -> Vec<RateRow> {
    rows.iter()
        .map(|r| RateRow {
            label: r.label.clone(),
            url: r.url.clone(),
            ended: r.tally.ended,
            learning: pct(r.tally.learning_rate()),
            win: pct(r.tally.win_rate()),
            mix: Outcome::ALL
                .iter()
                .map(|o| (o.key(), o.label(), r.tally.of(*o)))
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "experiments/insights.html")]
pub struct InsightsPage {
    pub shell: Shell,
    pub q: InsightsQuery,
    pub units: Vec<(String, String)>,
    pub all: RateRow,
    pub reasons: Vec<(&'static str, u64)>,
    /// Title, first column's heading and rows: per quarter (newest first), tribe and squad.
    pub tables: Vec<(&'static str, &'static str, Vec<RateRow>)>,
    pub charts: Vec<Chart>,
}

impl InsightsPage {
    pub fn new(shell: Shell, org: &OrgView, i: Insights, q: InsightsQuery) -> InsightsPage {
        let mut units: Vec<(String, String)> = units_of(org, UnitKind::Tribe)
            .into_iter()
            .map(|u| (format!("tribe/{}", u.slug), format!("Tribe: {}", u.name)))
            .collect();
        units.extend(
            units_of(org, UnitKind::Squad)
                .into_iter()
                .map(|u| (format!("squad/{}", u.slug), format!("Squad: {}", u.name))),
        );
        let all = rate_rows(&[insights::Row {
            label: "All".into(),
            url: String::new(),
            tally: i.all.clone(),
        }])
        .remove(0);
        InsightsPage {
            shell,
            units,
            reasons: insights::reasons(&i),
            charts: vec![
                insights::rates_chart(&i.quarters),
                insights::mix_chart(&i.quarters),
            ],
            tables: vec![
                (
                    "Per quarter",
                    "Quarter",
                    rate_rows(&i.quarters).into_iter().rev().collect(),
                ),
                ("Per tribe", "Tribe", rate_rows(&i.tribes)),
                ("Per squad", "Squad", rate_rows(&i.squads)),
            ],
            all,
            q,
        }
    }
}
