//! An experiment's page: its design, variants and results, its health checks with their
//! figures, and its outcome.

use askama::Template;

use super::{Badge, grouped, reasons_text};
use crate::experiments::model::{
    ArmData, Check, Decision, Experiment, ExperimentInput, Health, MetricKind, MetricType, Outcome,
    Verdict,
};
use crate::experiments::stats::{percent, trim_number};
use crate::markdown::SafeHtml;
use crate::org::cache::OrgView;
use crate::search::aside::RelatedView;
use crate::site::views::Shell;

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
    /// Computed results: the p-value and the effect relative to the control.
    pub p_value: String,
    pub relative: String,
    pub from_data: bool,
    /// A typed result stored before fika checked that "significant" agrees with its
    /// interval, and does not.
    pub warning: Option<&'static str>,
}

/// One arm's data for one metric, in words.
pub struct DataView {
    pub metric: String,
    pub variant: String,
    /// "1,500 of 15,000" or "n = 5,000".
    pub counts: String,
    /// The rate or the mean (± sd).
    pub value: String,
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
    pub data: Vec<DataView>,
    /// How computed results were tested (level, alpha split), when there are any.
    pub method: Option<String>,
    /// The planned sample is below what the stored design needs.
    pub plan_warning: Option<String>,
    /// The stored design in words, when there is one.
    pub plan: Option<String>,
    pub checks: Vec<CheckView>,
    pub outcome: Option<Badge>,
    pub computed: Option<Badge>,
    pub reasons: String,
    pub override_reason: Option<String>,
    pub decision: Option<&'static str>,
    /// A decision the outcome does not back, in words that name the conflict.
    pub decision_conflict: Option<String>,
    pub learnings: SafeHtml,
    pub lessons: Vec<(i64, String)>,
    pub may_edit: bool,
    pub author: Option<(String, String)>,
    pub related: Vec<RelatedView>,
    pub planned_sample: Option<u64>,
    pub watch: Option<crate::notify::flow::WatchButton>,
    pub thread: Option<crate::comments::flow::Thread>,
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
        let health = i.health();
        let checks = health_checks(&health);
        let verdict = i.verdict();
        let decision_conflict = decision_conflict(i, verdict.as_ref(), &health);
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
            method: results.iter().any(|r| r.from_data).then(|| method_text(i)),
            results,
            data: data_views(i),
            plan_warning: plan_warning(i),
            plan: i.plan.as_ref().map(plan_text),
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
            decision_conflict,
            planned_sample: i.planned_sample,
            watch: None,
            thread: None,
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

/// A decision to ship what the outcome does not back: a result that cannot be told from
/// noise, or one that made things worse. Said next to the decision, naming both sides and,
/// when the plan was missed, by how much.
fn decision_conflict(i: &ExperimentInput, v: Option<&Verdict>, health: &Health) -> Option<String> {
    let v = v?;
    if i.decision != Some(Decision::Ship) {
        return None;
    }
    match v.outcome {
        Outcome::NonInformative => {
            let mut text = format!(
                "The decision is to ship, but the outcome is non-informative ({}): what was \
                 measured cannot be told from noise.",
                reasons_text(&v.reasons)
            );
            if let Check::Fail(f) = &health.powered
                && f.planned_per_variant > 0
            {
                let share = f.smallest_variant as f64 / f.planned_per_variant as f64;
                text.push_str(&format!(
                    " The smallest variant saw {} of the {} planned per variant ({:.2} %).",
                    grouped(f.smallest_variant),
                    grouped(f.planned_per_variant),
                    share * 100.0
                ));
            }
            text.push_str(
                " Ship knowingly and say why in the rationale, or run it to the planned sample.",
            );
            Some(text)
        }
        Outcome::Regression => Some(
            "The decision is to ship, but the outcome is a regression: a metric moved the \
             wrong way beyond its margin. Say in the rationale why shipping is right anyway."
                .into(),
        ),
        _ => None,
    }
}

/// The variants with their share of the traffic and what was observed.
/// Counts that come from the data, not typed, say so.
fn variant_views(i: &ExperimentInput) -> Vec<VariantView> {
    let weight_sum: f64 = i.variants.iter().map(|v| v.weight).sum();
    let from_data = i.variants.iter().any(|v| v.observed.is_none());
    let assigned = i.assigned();
    i.variants
        .iter()
        .enumerate()
        .map(|(n, v)| VariantView {
            name: v.name.clone(),
            weight: trim_number(v.weight),
            share: percent(v.weight / weight_sum.max(f64::MIN_POSITIVE)),
            observed: match assigned.as_ref().and_then(|a| a.get(n)) {
                Some(c) if from_data => format!("{} (from the data)", grouped(c)),
                Some(c) => grouped(c),
                None => "–".into(),
            },
        })
        .collect()
}

/// Each result in words, with whether it is better, worse, or clears its guardrail.
/// Computed effects of a rate are shown in percentage points.
fn result_views(i: &ExperimentInput) -> Vec<ResultView> {
    i.all_results()
        .into_iter()
        .filter_map(|r| {
            let m = i.metrics.get(r.metric)?;
            let v = i.variants.get(r.variant)?;
            let points = r.from_data && m.metric_type == MetricType::Conversion;
            let show = |x: f64| {
                if points {
                    format!("{} pp", trim_number(x * 100.0))
                } else {
                    trim_number(x)
                }
            };
            Some(ResultView {
                metric: m.name.clone(),
                kind: m.kind.label(),
                variant: v.name.clone(),
                effect: show(r.effect),
                interval: format!("[{}, {}]", show(r.ci_low), show(r.ci_high)),
                significant: r.significant,
                verdict: if r.significantly_better(m) {
                    "better"
                } else if r.significantly_worse(m) {
                    "worse"
                } else {
                    ""
                },
                cleared: (m.kind == MetricKind::Guardrail).then(|| r.clears(m)),
                p_value: r.p_value.map(p_value).unwrap_or_default(),
                relative: r
                    .relative
                    .map(|v| format!("{v:+.1} %", v = v * 100.0))
                    .unwrap_or_default(),
                from_data: r.from_data,
                warning: (!r.from_data)
                    .then(|| r.contradiction())
                    .flatten()
                    .map(|c| c.message()),
            })
        })
        .collect()
}

/// How the computed results were tested, in one sentence.
fn method_text(i: &ExperimentInput) -> String {
    let a = i.alpha_per_comparison();
    let treatments = i.variants.len().saturating_sub(1);
    let split = if treatments > 1 {
        format!(
            ", alpha {} split over {treatments} treatments",
            trim_number(i.alpha())
        )
    } else {
        String::new()
    };
    format!(
        "Computed from the data: two-proportion z-test for rates (effects in percentage \
         points), Welch's t-test for means; two-sided, {} intervals (alpha {}{split}).",
        percent(1.0 - a),
        trim_number(a)
    )
}

/// Every arm's data, metric by metric.
fn data_views(i: &ExperimentInput) -> Vec<DataView> {
    i.data
        .iter()
        .filter_map(|o| {
            let (counts, value) = match o.data {
                ArmData::Conversions(c) => (
                    format!("{} of {}", grouped(c.conversions), grouped(c.units)),
                    percent(o.data.value()),
                ),
                ArmData::Moments(m) => (
                    format!("n = {}", grouped(m.n)),
                    format!("{} ± {}", trim_number(m.mean), trim_number(m.sd)),
                ),
            };
            Some(DataView {
                metric: i.metrics.get(o.metric)?.name.clone(),
                variant: i.variants.get(o.variant)?.name.clone(),
                counts,
                value,
            })
        })
        .collect()
}

/// The calculator's inputs the plan was made with, as a reader checks them.
fn plan_text(d: &crate::experiments::stats::Design) -> String {
    let rate = d.metric == crate::experiments::model::MetricType::Conversion;
    let value = |x: f64| {
        if rate {
            format!("{} %", trim_number(x * 100.0))
        } else {
            trim_number(x)
        }
    };
    let effect = if d.relative {
        format!(
            "{}{} % of the baseline",
            if d.mde > 0.0 { "+" } else { "" },
            trim_number(d.mde * 100.0)
        )
    } else if rate {
        format!("{} percentage points", trim_number(d.mde * 100.0))
    } else {
        trim_number(d.mde)
    };
    let mut text = format!(
        "Planned for {}: baseline {}{}, minimum detectable effect {effect}, alpha {}, {}, power {}",
        if rate { "a rate" } else { "a mean" },
        value(d.baseline),
        d.sd.map(|sd| format!(" (standard deviation {})", trim_number(sd)))
            .unwrap_or_default(),
        trim_number(d.alpha),
        if d.two_sided {
            "two-sided"
        } else {
            "one-sided"
        },
        trim_number(d.power),
    );
    if let Some(c) = d.control_share {
        text.push_str(&format!(", control's share {} %", trim_number(c * 100.0)));
    }
    text.push('.');
    text
}

/// The planned sample falls short of what the stored design needs with this many arms.
fn plan_warning(i: &ExperimentInput) -> Option<String> {
    let needed = i.plan_for_arms()?.sample_size().ok()?.per_variant;
    let planned = i.planned_sample?;
    (planned < needed).then(|| {
        format!(
            "The planned sample ({} per variant) is below what the design needs with {} \
             arms: {} per variant.",
            grouped(planned),
            i.variants.len(),
            grouped(needed)
        )
    })
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
            let sizes = format!(
                "smallest variant {} of {} planned per variant",
                grouped(f.smallest_variant),
                grouped(f.planned_per_variant)
            );
            match (f.achieved_power, f.planned_power) {
                (Some(a), Some(p)) => format!(
                    "power reached {} at the planned effect (planned {}); {sizes}",
                    trim_number(a),
                    trim_number(p)
                ),
                _ if f.plan_complete => sizes,
                _ => format!(
                    "{sizes}. The plan is incomplete: without its design (baseline, effect, \
                     alpha, power) only the planned sample is compared"
                ),
            }
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
