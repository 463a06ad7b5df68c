//! The experiment pages: what each template shows, prepared here so templates only print.

use askama::Template;

use super::filters::{InsightsQuery, ListQuery};
use super::forms::{Form, ResultRow, count, number};
use super::insights::{self, Insights};
use super::model::Experiment;
use super::model::{
    Check, Decision, Direction, ExperimentInput, Health, MetricKind, Outcome, Reason, Status,
    quarter,
};
use super::repo::Summary;
use super::stats::{Design, days_needed, percent, trim_number};
use crate::markdown::SafeHtml;
use crate::org::cache::OrgView;
use crate::org::forms::{Choice, UnitChoice, units_of};
use crate::org::unit::UnitKind;
use crate::search::aside::RelatedView;
use crate::site::chart::{Chart, pct};
use crate::site::forms::{FieldErrors, Pairs};
use crate::site::views::Shell;

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

/// The sample-size calculator: inputs as typed (baseline and MDE in percent) and the answer.
#[derive(Debug, Clone, Default)]
pub struct CalcView {
    pub baseline: String,
    pub mde: String,
    pub alpha: String,
    pub power: String,
    pub variants: String,
    pub daily: String,
    pub result: Option<CalcResult>,
    pub errors: FieldErrors,
}

#[derive(Debug, Clone)]
pub struct CalcResult {
    pub per_variant: u64,
    pub total: u64,
    pub days: Option<u64>,
    pub alpha_per_comparison: String,
    pub rates: String,
}

impl CalcView {
    pub fn from_pairs(p: &Pairs) -> CalcView {
        let mut c = CalcView {
            baseline: p.get("calc_baseline").into(),
            mde: p.get("calc_mde").into(),
            alpha: p.get("calc_alpha").into(),
            power: p.get("calc_power").into(),
            variants: p.get("calc_variants").into(),
            daily: p.get("calc_daily").into(),
            ..CalcView::default()
        };
        c.defaults();
        c
    }

    /// The usual alpha and power when left empty.
    pub fn defaults(&mut self) {
        if self.alpha.trim().is_empty() {
            self.alpha = "0.05".into();
        }
        if self.power.trim().is_empty() {
            self.power = "0.8".into();
        }
        if self.variants.trim().is_empty() {
            self.variants = "2".into();
        }
    }

    /// The inputs as numbers: baseline and MDE are written in percent here (the API takes
    /// fractions), alpha and power as fractions, daily traffic optional.
    fn design(&self) -> Result<(Design, Option<u64>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut num = |field: &str, raw: &str| match number(raw.trim_end_matches('%')) {
            Some(v) => v,
            None => {
                errors.insert(field, format!("{:?} is not a number.", raw.trim()));
                f64::NAN
            }
        };
        let design = Design {
            baseline: num("baseline", &self.baseline) / 100.0,
            mde: num("mde", &self.mde) / 100.0,
            alpha: num("alpha", &self.alpha),
            power: num("power", &self.power),
            variants: count(&self.variants)
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0),
        };
        let daily = match self.daily.trim() {
            "" => None,
            raw => match count(raw) {
                Some(d) if d > 0 => Some(d),
                _ => {
                    errors.insert(
                        "daily",
                        format!("{raw:?} is not a daily traffic: a whole number above 0."),
                    );
                    None
                }
            },
        };
        if errors.is_empty() {
            errors.extend(design.check());
        }
        if errors.is_empty() {
            Ok((design, daily))
        } else {
            Err(errors)
        }
    }

    pub fn run(&mut self) {
        match self.design() {
            Ok((design, daily)) => match design.sample_size() {
                Some(s) => {
                    self.result = Some(CalcResult {
                        per_variant: s.per_variant,
                        total: s.total,
                        days: daily.and_then(|d| days_needed(s.total, d)),
                        alpha_per_comparison: trim_number(s.alpha_per_comparison),
                        rates: format!("{} → {}", percent(design.baseline), percent(s.target_rate)),
                    })
                }
                None => {
                    self.errors
                        .insert("mde", "That effect is too small to detect.");
                }
            },
            Err(errors) => self.errors = errors,
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
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

#[derive(Template)]
#[template(path = "experiments/calculator.html")]
pub struct CalculatorPage {
    pub shell: Shell,
    pub calc: CalcView,
}

/// One cell of the results grid of the form: a metric row against a treatment row.
pub struct ResultCell {
    pub m: usize,
    pub v: usize,
    pub metric: String,
    pub variant: String,
    pub row: ResultRow,
}

#[derive(Template)]
#[template(path = "experiments/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    pub editing: Option<(i64, String)>,
    pub form: Form,
    pub cells: Vec<ResultCell>,
    pub errors: FieldErrors,
    pub squads: Vec<UnitChoice>,
    pub statuses: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    pub decisions: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub directions: Vec<Choice>,
    pub calc: CalcView,
}

impl EditPage {
    pub fn new(
        shell: Shell,
        org: &OrgView,
        editing: Option<&Experiment>,
        form: Form,
        errors: FieldErrors,
        calc: Option<CalcView>,
    ) -> EditPage {
        let form = form.with_blank_rows();
        // Results can be given for every named metric against every named treatment.
        let mut cells = Vec::new();
        for (m, metric) in form.metrics.iter().enumerate() {
            for (v, variant) in form.variants.iter().enumerate().skip(1) {
                if metric.name.trim().is_empty() || variant.name.trim().is_empty() {
                    continue;
                }
                cells.push(ResultCell {
                    m,
                    v,
                    metric: metric.name.clone(),
                    variant: variant.name.clone(),
                    row: form.results.get(&(m, v)).cloned().unwrap_or_default(),
                });
            }
        }
        let calc = calc.unwrap_or_else(|| {
            let mut c = CalcView::default();
            c.defaults();
            c
        });
        EditPage {
            shell,
            editing: editing.map(|e| (e.id, e.url())),
            form,
            cells,
            errors,
            squads: units_of(org, UnitKind::Squad),
            statuses: statuses(),
            outcomes: outcomes(),
            decisions: choices(Decision::ALL, Decision::key, Decision::label),
            kinds: choices(MetricKind::ALL, MetricKind::key, MetricKind::label),
            directions: choices(Direction::ALL, Direction::key, Direction::label),
            calc,
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    /// The message of a field of row `i` (`variant_weight` and 2 → `variant_weight_2`).
    pub fn row_error(&self, field: &str, i: &usize) -> Option<&str> {
        self.error(&format!("{field}_{i}"))
    }

    pub fn cell_error(&self, c: &ResultCell, part: &str) -> Option<&str> {
        self.error(&format!("result_{}_{}_{part}", c.m, c.v))
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some((_, url)) => format!("{url}/edit"),
            None => "/experiments/new".into(),
        }
    }
}

/// A health check as a badge with the figures behind it.
pub struct CheckView {
    pub name: &'static str,
    pub state: &'static str,
    pub figures: String,
}

impl CheckView {
    /// The figures in words, or why the check could not be made yet.
    fn of<T>(name: &'static str, check: &Check<T>, words: impl Fn(&T) -> String) -> CheckView {
        CheckView {
            name,
            state: check.state(),
            figures: match check {
                Check::Unknown { why } => why.clone(),
                Check::Pass(f) | Check::Fail(f) => words(f),
            },
        }
    }
}

pub struct ResultView {
    pub metric: String,
    pub kind: &'static str,
    pub variant: String,
    pub effect: String,
    pub interval: String,
    pub significant: bool,
    /// "better", "worse" or "" (not significant).
    pub verdict: &'static str,
    /// Guardrails: whether harm beyond the margin is ruled out.
    pub cleared: Option<bool>,
}

pub struct VariantView {
    pub name: String,
    pub weight: String,
    pub share: String,
    pub observed: String,
}

#[derive(Template)]
#[template(path = "experiments/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub e: Experiment,
    pub squad: Option<(String, String)>,
    /// `squad/slug`, to file a lesson written from it under the squad.
    pub squad_key: String,
    pub tribe: Option<(String, String)>,
    pub status: &'static str,
    pub hypothesis: String,
    pub metrics: Vec<(String, &'static str, &'static str, String)>,
    pub variants: Vec<VariantView>,
    pub results: Vec<ResultView>,
    pub checks: Vec<CheckView>,
    pub outcome: Option<Badge>,
    pub computed: Option<Badge>,
    pub reasons: String,
    pub override_reason: Option<String>,
    pub decision: Option<&'static str>,
    pub learnings: SafeHtml,
    pub lessons: Vec<(i64, String)>,
    pub may_edit: bool,
    pub author: Option<(String, String)>,
    pub related: Vec<RelatedView>,
    pub planned_sample: Option<u64>,
}

impl ShowPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        shell: Shell,
        org: &OrgView,
        e: Experiment,
        learnings: SafeHtml,
        lessons: Vec<(i64, String)>,
        may_edit: bool,
        author: Option<(String, String)>,
        related: Vec<RelatedView>,
    ) -> ShowPage {
        let i = &e.input;
        let squad_unit = org.snap.unit(i.squad_id);
        let squad = squad_unit.map(|u| (u.name.clone(), u.url()));
        let tribe = squad_unit
            .and_then(|u| u.tribe_id)
            .and_then(|t| org.snap.unit(t))
            .map(|t| (t.name.clone(), t.url()));
        let variants = variant_views(i);
        let results = result_views(i);
        let checks = health_checks(&i.health());
        let verdict = i.verdict();
        ShowPage {
            squad_key: squad_unit
                .map(|u| format!("squad/{}", u.slug))
                .unwrap_or_default(),
            status: i.status.label(),
            hypothesis: i.hypothesis.sentence(),
            metrics: i
                .metrics
                .iter()
                .map(|m| {
                    (
                        m.name.clone(),
                        m.kind.label(),
                        m.direction.label(),
                        m.margin.map(trim_number).unwrap_or_default(),
                    )
                })
                .collect(),
            variants,
            results,
            checks,
            outcome: verdict.as_ref().map(|v| Badge::of(v.outcome)),
            computed: verdict
                .as_ref()
                .filter(|v| v.computed != v.outcome)
                .map(|v| Badge::of(v.computed)),
            reasons: verdict
                .as_ref()
                .map(|v| reasons_text(&v.reasons))
                .unwrap_or_default(),
            override_reason: i.over.as_ref().map(|o| o.reason.clone()),
            decision: i.decision.map(Decision::label),
            planned_sample: i.planned_sample,
            squad,
            tribe,
            learnings,
            lessons,
            may_edit,
            author,
            related,
            shell,
            e,
        }
    }
}

/// The variants with their share of the traffic and what was observed.
fn variant_views(i: &ExperimentInput) -> Vec<VariantView> {
    let weight_sum: f64 = i.variants.iter().map(|v| v.weight).sum();
    i.variants
        .iter()
        .map(|v| VariantView {
            name: v.name.clone(),
            weight: trim_number(v.weight),
            share: percent(v.weight / weight_sum.max(f64::MIN_POSITIVE)),
            observed: v
                .observed
                .as_ref()
                .map(grouped)
                .unwrap_or_else(|| "–".into()),
        })
        .collect()
}

/// Each result in words, with whether it is better, worse, or clears its guardrail.
fn result_views(i: &ExperimentInput) -> Vec<ResultView> {
    i.results
        .iter()
        .filter_map(|r| {
            let m = i.metrics.get(r.metric)?;
            let v = i.variants.get(r.variant)?;
            Some(ResultView {
                metric: m.name.clone(),
                kind: m.kind.label(),
                variant: v.name.clone(),
                effect: trim_number(r.effect),
                interval: format!("[{}, {}]", trim_number(r.ci_low), trim_number(r.ci_high)),
                significant: r.significant,
                verdict: if r.significantly_better(m) {
                    "better"
                } else if r.significantly_worse(m) {
                    "worse"
                } else {
                    ""
                },
                cleared: (m.kind == MetricKind::Guardrail).then(|| r.clears(m)),
            })
        })
        .collect()
}

/// The three health checks as badges with their figures.
fn health_checks(health: &Health) -> Vec<CheckView> {
    vec![
        CheckView::of("Sample ratio", &health.sample_ratio, |f| {
            let list =
                |v: &mut dyn Iterator<Item = u64>| v.map(grouped).collect::<Vec<_>>().join(" / ");
            format!(
                "χ² = {:.2} ({} df), p = {} (fails below {}); observed {} vs expected {}",
                f.chi_square,
                f.degrees,
                p_value(f.p_value),
                f.threshold,
                list(&mut f.observed.iter().copied()),
                list(&mut f.expected.iter().map(|x| x.round() as u64)),
            )
        }),
        CheckView::of("Powered", &health.powered, |f| {
            format!(
                "smallest variant {} of {} planned per variant",
                grouped(f.smallest_variant),
                grouped(f.planned_per_variant)
            )
        }),
        CheckView::of("Ran as designed", &health.ran_as_designed, |f| {
            let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            let why = if f.stopped_for_regression {
                ": aborted on a regression"
            } else {
                ""
            };
            format!(
                "ended {}, planned {}{why}",
                day(f.ended_on),
                day(f.planned_end)
            )
        }),
    ]
}

/// A p-value as people read it: 0.0455, or 6.3e-5 when tiny.
fn p_value(p: f64) -> String {
    if p >= 0.0001 {
        trim_number(p)
    } else {
        format!("{p:.1e}")
    }
}

pub struct RateRow {
    pub label: String,
    pub url: String,
    pub concluded: u64,
    pub learning: String,
    pub win: String,
    pub mix: Vec<(&'static str, &'static str, u64)>,
}

fn rate_rows(rows: &[insights::Row]) -> Vec<RateRow> {
    rows.iter()
        .map(|r| RateRow {
            label: r.label.clone(),
            url: r.url.clone(),
            concluded: r.tally.concluded,
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
