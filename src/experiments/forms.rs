//! The experiment form as typed: every field kept as the person wrote it, so a form with a
//! mistake comes back exactly as sent, with each message next to its field. Parsing turns it
//! into an [`ExperimentInput`]; the JSON API goes through the same parsing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::model::{
    Decision, Direction, ExperimentInput, Hypothesis, Metric, MetricKind, MetricResult, Outcome,
    Override, Status, Variant,
};
use super::stats::trim_number;
use crate::site::forms::{FieldErrors, Pairs, optional_date};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricRow {
    pub name: String,
    pub kind: String,
    pub direction: String,
    pub margin: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariantRow {
    pub name: String,
    pub weight: String,
    pub observed: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultRow {
    pub effect: String,
    pub low: String,
    pub high: String,
    pub significant: bool,
}

/// Everything the form holds, as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    pub title: String,
    /// The owning squad's slug.
    pub squad: String,
    pub status: String,
    pub change: String,
    pub audience: String,
    pub effect: String,
    pub metric: String,
    pub moves: String,
    pub metrics: Vec<MetricRow>,
    pub variants: Vec<VariantRow>,
    /// By (metric row, variant row); variant rows from 1 (the control has no result).
    pub results: BTreeMap<(usize, usize), ResultRow>,
    pub planned_sample: String,
    pub planned_start: String,
    pub planned_end: String,
    pub ended_on: String,
    pub decision: String,
    pub rationale: String,
    pub learnings: String,
    pub override_outcome: String,
    pub override_reason: String,
}

/// Rows of each list the form reads (a form may not make more).
pub const MAX_METRICS: usize = 20;
pub const MAX_VARIANTS: usize = 10;

impl Form {
    /// A new experiment: a control and one treatment at 50/50, a row for a success metric
    /// and one for a guardrail.
    pub fn blank(squad: &str) -> Form {
        let row = |kind: MetricKind| MetricRow {
            kind: kind.key().into(),
            direction: Direction::Increase.key().into(),
            ..MetricRow::default()
        };
        Form {
            squad: squad.to_string(),
            status: Status::Design.key().into(),
            metrics: vec![row(MetricKind::Success), row(MetricKind::Guardrail)],
            variants: vec![
                VariantRow {
                    name: "control".into(),
                    weight: "50".into(),
                    observed: String::new(),
                },
                VariantRow {
                    name: "treatment".into(),
                    weight: "50".into(),
                    observed: String::new(),
                },
            ],
            ..Form::default()
        }
    }

    /// The form as sent. Rows are numbered from 0 in field names (`metric_name_0`).
    pub fn from_pairs(p: &Pairs) -> Form {
        let get = |k: &str| p.get(k).to_string();
        let rows = |prefix: &str, max: usize| {
            (0..max)
                .take_while(|i| p.0.iter().any(|(k, _)| k == &format!("{prefix}_{i}")))
                .count()
        };
        let metrics = (0..rows("metric_name", MAX_METRICS))
            .map(|i| MetricRow {
                name: get(&format!("metric_name_{i}")),
                kind: get(&format!("metric_kind_{i}")),
                direction: get(&format!("metric_direction_{i}")),
                margin: get(&format!("metric_margin_{i}")),
            })
            .collect::<Vec<_>>();
        let variants = (0..rows("variant_name", MAX_VARIANTS))
            .map(|i| VariantRow {
                name: get(&format!("variant_name_{i}")),
                weight: get(&format!("variant_weight_{i}")),
                observed: get(&format!("variant_observed_{i}")),
            })
            .collect::<Vec<_>>();
        let mut results = BTreeMap::new();
        for m in 0..metrics.len() {
            for v in 1..variants.len() {
                let f = |part: &str| get(&format!("result_{m}_{v}_{part}"));
                let row = ResultRow {
                    effect: f("effect"),
                    low: f("low"),
                    high: f("high"),
                    significant: !f("significant").is_empty(),
                };
                if row != ResultRow::default() {
                    results.insert((m, v), row);
                }
            }
        }
        Form {
            title: get("title"),
            squad: get("squad"),
            status: get("status"),
            change: get("change"),
            audience: get("audience"),
            effect: get("effect"),
            metric: get("metric"),
            moves: get("moves"),
            metrics,
            variants,
            results,
            planned_sample: get("planned_sample"),
            planned_start: get("planned_start"),
            planned_end: get("planned_end"),
            ended_on: get("ended_on"),
            decision: get("decision"),
            rationale: get("rationale"),
            learnings: get("learnings"),
            override_outcome: get("override_outcome"),
            override_reason: get("override_reason"),
        }
    }

    /// The form of a saved experiment (`squad` is its squad's slug).
    pub fn of(e: &ExperimentInput, squad: &str) -> Form {
        let num = |v: f64| trim_number(v);
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Form {
            title: e.title.clone(),
            squad: squad.to_string(),
            status: e.status.key().into(),
            change: e.hypothesis.change.clone(),
            audience: e.hypothesis.audience.clone(),
            effect: e.hypothesis.effect.clone(),
            metric: e.hypothesis.metric.clone(),
            moves: e.hypothesis.moves.clone(),
            metrics: e
                .metrics
                .iter()
                .map(|m| MetricRow {
                    name: m.name.clone(),
                    kind: m.kind.key().into(),
                    direction: m.direction.key().into(),
                    margin: m.margin.map(num).unwrap_or_default(),
                })
                .collect(),
            variants: e
                .variants
                .iter()
                .map(|v| VariantRow {
                    name: v.name.clone(),
                    weight: num(v.weight),
                    observed: v.observed.map(|o| o.to_string()).unwrap_or_default(),
                })
                .collect(),
            results: e
                .results
                .iter()
                .map(|r| {
                    (
                        (r.metric, r.variant),
                        ResultRow {
                            effect: num(r.effect),
                            low: num(r.ci_low),
                            high: num(r.ci_high),
                            significant: r.significant,
                        },
                    )
                })
                .collect(),
            planned_sample: e.planned_sample.map(|n| n.to_string()).unwrap_or_default(),
            planned_start: date(e.planned_start),
            planned_end: date(e.planned_end),
            ended_on: date(e.ended_on),
            decision: e.decision.map(|d| d.key().to_string()).unwrap_or_default(),
            rationale: e.rationale.clone(),
            learnings: e.learnings.clone(),
            override_outcome: e
                .over
                .as_ref()
                .map(|o| o.outcome.key().to_string())
                .unwrap_or_default(),
            override_reason: e
                .over
                .as_ref()
                .map(|o| o.reason.clone())
                .unwrap_or_default(),
        }
    }

    /// The form with room for one more metric and one more variant: a page without
    /// JavaScript adds rows by filling the blank one and saving.
    pub fn with_blank_rows(mut self) -> Form {
        if self.metrics.len() < MAX_METRICS
            && self
                .metrics
                .last()
                .is_none_or(|m| !m.name.trim().is_empty())
        {
            self.metrics.push(MetricRow {
                kind: MetricKind::Guardrail.key().into(),
                direction: Direction::Increase.key().into(),
                ..MetricRow::default()
            });
        }
        if self.variants.len() < MAX_VARIANTS
            && self
                .variants
                .last()
                .is_none_or(|v| !v.name.trim().is_empty())
        {
            self.variants.push(VariantRow::default());
        }
        self
    }

    /// Checks everything; `squad_id` resolves the squad's slug (None: no such squad). Each
    /// section is read by its own parser, which adds its fields' messages to `errors`.
    pub fn parse(
        &self,
        squad_id: impl Fn(&str) -> Option<i64>,
    ) -> Result<ExperimentInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (title, squad, status) = self.head(squad_id, &mut errors);
        let hypothesis = self.hypothesis(&mut errors);
        let (metrics, metric_at) = self.metrics(&mut errors);
        let (variants, variant_at) = self.variants(&mut errors);
        let results = self.results(&metric_at, &variant_at, &mut errors);
        let (planned_sample, planned_start, planned_end, ended_on) =
            self.schedule(status, &mut errors);
        let (decision, over) = self.conclusion(status, &mut errors);
        errors.or_ok(ExperimentInput {
            title,
            squad_id: squad.unwrap_or_default(),
            hypothesis,
            metrics,
            variants,
            results,
            planned_sample,
            planned_start,
            planned_end,
            status,
            ended_on,
            decision,
            rationale: self.rationale.trim().to_string(),
            learnings: self.learnings.trim().to_string(),
            over,
        })
    }

    /// The title, the owning squad and the status.
    fn head(
        &self,
        squad_id: impl Fn(&str) -> Option<i64>,
        errors: &mut FieldErrors,
    ) -> (String, Option<i64>, Status) {
        let title = self.title.trim();
        if title.is_empty() {
            errors.add("title", "Give the experiment a title.");
        } else if title.chars().count() > 200 {
            errors.add("title", "A title has at most 200 characters.");
        }
        let squad = squad_id(self.squad.trim());
        if squad.is_none() {
            errors.add(
                "squad",
                if self.squad.trim().is_empty() {
                    "Choose the squad that owns the experiment.".to_string()
                } else {
                    format!("There is no squad {:?}.", self.squad.trim())
                },
            );
        }
        let status = Status::parse(&self.status).unwrap_or_else(|| {
            errors.add("status", "Choose a status.");
            Status::Design
        });
        (title.to_string(), squad, status)
    }

    /// The five parts of "We believe that … for … will …. We will know when … …".
    fn hypothesis(&self, errors: &mut FieldErrors) -> Hypothesis {
        let hypothesis = Hypothesis {
            change: self.change.trim().to_string(),
            audience: self.audience.trim().to_string(),
            effect: self.effect.trim().to_string(),
            metric: self.metric.trim().to_string(),
            moves: self.moves.trim().to_string(),
        };
        for (field, value, what) in [
            ("change", &hypothesis.change, "the change"),
            ("audience", &hypothesis.audience, "the audience"),
            ("effect", &hypothesis.effect, "the effect you expect"),
            ("metric", &hypothesis.metric, "the metric that will tell"),
            ("moves", &hypothesis.moves, "how it will move"),
        ] {
            if value.is_empty() {
                errors.add(
                    field,
                    format!("Say {what}: the hypothesis needs every part."),
                );
            } else if value.chars().count() > 500 {
                errors.add(field, "At most 500 characters.");
            }
        }

        hypothesis
    }

    /// The metrics, and where each typed row ended up (rows left blank are dropped).
    fn metrics(&self, errors: &mut FieldErrors) -> (Vec<Metric>, BTreeMap<usize, usize>) {
        // Rows left blank are dropped; results follow their rows to their new positions.
        let mut metrics = Vec::new();
        let mut metric_at = BTreeMap::new();
        for (i, row) in self.metrics.iter().enumerate() {
            if row.name.trim().is_empty() && row.margin.trim().is_empty() {
                continue;
            }
            let field = |part: &str| format!("metric_{part}_{i}");
            if row.name.trim().is_empty() {
                errors.add(field("name"), "Name the metric (or clear its row).");
            }
            let kind = MetricKind::parse(&row.kind).unwrap_or_else(|| {
                errors.add(field("kind"), "Success or guardrail?");
                MetricKind::Success
            });
            let direction = Direction::parse(&row.direction).unwrap_or_else(|| {
                errors.add(field("direction"), "Which way is better?");
                Direction::Increase
            });
            let margin = match (kind, row.margin.trim()) {
                (MetricKind::Guardrail, "") => {
                    errors.add(
                        field("margin"),
                        "A guardrail needs a non-inferiority margin: the largest harm you \
                         accept, in the unit of its results (0 for none).",
                    );
                    None
                }
                (_, "") => None,
                (_, raw) => match number(raw) {
                    Some(m) if m >= 0.0 => Some(m),
                    _ => {
                        errors.add(
                            field("margin"),
                            format!("{raw:?} is not a margin: a number of 0 or more."),
                        );
                        None
                    }
                },
            };
            metric_at.insert(i, metrics.len());
            metrics.push(Metric {
                name: row.name.trim().to_string(),
                kind,
                direction,
                margin,
            });
        }
        if !metrics.iter().any(|m| m.kind == MetricKind::Success) {
            errors.add(
                "metrics",
                "Name at least one success metric: the one the hypothesis is about.",
            );
        }

        (metrics, metric_at)
    }

    /// The variants, control first, and where each typed row ended up.
    fn variants(&self, errors: &mut FieldErrors) -> (Vec<Variant>, BTreeMap<usize, usize>) {
        let mut variants = Vec::new();
        let mut variant_at = BTreeMap::new();
        for (i, row) in self.variants.iter().enumerate() {
            if [&row.name, &row.weight, &row.observed]
                .iter()
                .all(|s| s.trim().is_empty())
            {
                continue;
            }
            let field = |part: &str| format!("variant_{part}_{i}");
            if row.name.trim().is_empty() {
                errors.add(field("name"), "Name the variant (or clear its row).");
            }
            let weight = match number(&row.weight) {
                Some(w) if w > 0.0 => w,
                _ => {
                    errors.add(
                        field("weight"),
                        format!(
                            "{:?} is not a weight: give a positive share of traffic, like 50.",
                            row.weight.trim()
                        ),
                    );
                    1.0
                }
            };
            let observed = match row.observed.trim() {
                "" => None,
                raw => match count(raw) {
                    Some(n) => Some(n),
                    None => {
                        errors.add(
                            field("observed"),
                            format!("{raw:?} is not a count: a whole number of 0 or more."),
                        );
                        None
                    }
                },
            };
            variant_at.insert(i, variants.len());
            variants.push(Variant {
                name: row.name.trim().to_string(),
                weight,
                observed,
            });
        }
        if variants.len() < 2 {
            errors.add(
                "variants",
                "An experiment compares at least two variants: the control first.",
            );
        }
        let mut names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            errors.add("variants", "Each variant needs its own name.");
        }

        (variants, variant_at)
    }

    /// Each treatment's result on each metric, following rows to their new positions.
    fn results(
        &self,
        metric_at: &BTreeMap<usize, usize>,
        variant_at: &BTreeMap<usize, usize>,
        errors: &mut FieldErrors,
    ) -> Vec<MetricResult> {
        let mut results = Vec::new();
        for (&(m, v), row) in &self.results {
            let (Some(&metric), Some(&variant)) = (metric_at.get(&m), variant_at.get(&v)) else {
                continue;
            };
            if variant == 0 {
                continue;
            }
            let field = |part: &str| format!("result_{m}_{v}_{part}");
            let mut read = |part: &str, raw: &str, what: &str| match number(raw) {
                Some(x) => Some(x),
                None => {
                    errors.add(
                        field(part),
                        if raw.trim().is_empty() {
                            format!("Give the {what} too (or clear the row).")
                        } else {
                            format!("{:?} is not a number.", raw.trim())
                        },
                    );
                    None
                }
            };
            let effect = read("effect", &row.effect, "estimate");
            let low = read("low", &row.low, "interval's low end");
            let high = read("high", &row.high, "interval's high end");
            let (Some(effect), Some(low), Some(high)) = (effect, low, high) else {
                continue;
            };
            if low > high {
                errors.add(
                    field("low"),
                    format!("The interval's low end ({low}) is above its high end ({high})."),
                );
            } else if effect < low || effect > high {
                errors.add(
                    field("effect"),
                    format!("The estimate {effect} lies outside its interval [{low}, {high}]."),
                );
            }
            results.push(MetricResult {
                metric,
                variant,
                effect,
                ci_low: low,
                ci_high: high,
                significant: row.significant,
            });
        }

        results
    }

    /// The planned sample and dates, and the end date, which only an ended one has.
    fn schedule(
        &self,
        status: Status,
        errors: &mut FieldErrors,
    ) -> (
        Option<u64>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    ) {
        let planned_sample = match self.planned_sample.trim() {
            "" => None,
            raw => match count(raw) {
                Some(n) if n > 0 => Some(n),
                _ => {
                    errors.add(
                        "planned_sample",
                        format!("{raw:?} is not a sample size: a whole number above 0."),
                    );
                    None
                }
            },
        };
        let mut day = |field: &str, raw: &str| {
            optional_date(raw).unwrap_or_else(|e| {
                errors.add(field, e);
                None
            })
        };
        let planned_start = day("planned_start", &self.planned_start);
        let planned_end = day("planned_end", &self.planned_end);
        let ended_on = day("ended_on", &self.ended_on);
        if let (Some(s), Some(e)) = (planned_start, planned_end)
            && e < s
        {
            errors.add(
                "planned_end",
                format!("The planned end ({e}) is before the planned start ({s})."),
            );
        }
        if let (Some(s), Some(e)) = (planned_start, ended_on)
            && e < s
        {
            errors.add(
                "ended_on",
                format!("It cannot end ({e}) before it was planned to start ({s})."),
            );
        }
        if status.ended() && ended_on.is_none() {
            errors.add(
                "ended_on",
                "Say when it stopped: an ended experiment needs its end date.",
            );
        }
        if !status.ended() && ended_on.is_some() {
            errors.add(
                "ended_on",
                "Only a concluded or aborted experiment has an end date.",
            );
        }
        (planned_sample, planned_start, planned_end, ended_on)
    }

    /// The decision with its rationale, an override of the computed outcome with its
    /// reason, and the lengths of the free texts.
    fn conclusion(
        &self,
        status: Status,
        errors: &mut FieldErrors,
    ) -> (Option<Decision>, Option<Override>) {
        let decision = match self.decision.trim() {
            "" => None,
            raw => Decision::parse(raw).or_else(|| {
                errors.add("decision", "Choose a decision from the list.");
                None
            }),
        };
        if decision.is_some() && self.rationale.trim().is_empty() {
            errors.add("rationale", "Say why: a decision needs its rationale.");
        }
        let over = match self.override_outcome.trim() {
            "" => None,
            raw => match Outcome::parse(raw) {
                Some(outcome) if !self.override_reason.trim().is_empty() => Some(Override {
                    outcome,
                    reason: self.override_reason.trim().to_string(),
                }),
                Some(_) => {
                    errors.add(
                        "override_reason",
                        "Overriding the computed outcome needs a written reason; it is shown \
                         next to the outcome.",
                    );
                    None
                }
                None => {
                    errors.add("override_outcome", "Choose an outcome from the list.");
                    None
                }
            },
        };
        if over.is_some() && !status.ended() {
            errors.add(
                "override_outcome",
                "Only an ended experiment has an outcome to override.",
            );
        }
        for (field, text, max) in [
            ("rationale", &self.rationale, 5_000),
            ("learnings", &self.learnings, 100_000),
            ("override_reason", &self.override_reason, 2_000),
        ] {
            if text.chars().count() > max {
                errors.add(field, format!("At most {max} characters."));
            }
        }
        (decision, over)
    }
}

/// A decimal number as people write it: `1,5` is not accepted (ambiguous), `-0.4`, `2.5`,
/// `+3` are.
pub fn number(raw: &str) -> Option<f64> {
    let s = raw.trim().trim_start_matches('+').replace(['_', ' '], "");
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A count, with optional thousands separators: `14,750`, `14 750`, `14750`.
pub fn count(raw: &str) -> Option<u64> {
    raw.trim().replace([',', '_', ' '], "").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> Form {
        let mut f = Form::blank("payments");
        f.title = "One-tap checkout".into();
        f.change = "a one-tap checkout".into();
        f.audience = "returning buyers".into();
        f.effect = "raise conversion".into();
        f.metric = "checkout conversion".into();
        f.moves = "rises by 2 %".into();
        f.metrics[0].name = "conversion".into();
        f
    }

    fn squads(slug: &str) -> Option<i64> {
        (slug == "payments").then_some(7)
    }

    #[test]
    fn a_complete_form_parses() {
        let mut f = filled();
        f.variants[0].observed = "10,000".into();
        f.planned_sample = "14 751".into();
        f.results.insert(
            (0, 1),
            ResultRow {
                effect: "+1.5".into(),
                low: "0.2".into(),
                high: "2.8".into(),
                significant: true,
            },
        );
        let e = f.parse(squads).unwrap();
        assert_eq!(e.squad_id, 7);
        assert_eq!(e.variants[0].observed, Some(10_000));
        assert_eq!(e.planned_sample, Some(14_751));
        assert_eq!(e.results[0].effect, 1.5);
        // Shown again, it reads the same.
        let again = Form::of(&e, "payments");
        assert_eq!(again.parse(squads).unwrap(), e);
    }

    #[test]
    fn bad_input_gets_a_message_at_its_field() {
        let mut f = filled();
        f.variants[1].weight = "0".into();
        f.variants[0].observed = "-5".into();
        f.planned_start = "2026-03-10".into();
        f.planned_end = "2026-03-01".into();
        f.results.insert(
            (0, 1),
            ResultRow {
                effect: "1".into(),
                low: "3".into(),
                high: "2".into(),
                significant: false,
            },
        );
        f.metrics[1] = MetricRow {
            name: "latency".into(),
            kind: "guardrail".into(),
            direction: "decrease".into(),
            margin: String::new(),
        };
        let errors = f.parse(squads).unwrap_err();
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "metric_margin_1",
                "planned_end",
                "result_0_1_low",
                "variant_observed_0",
                "variant_weight_1"
            ]
        );
        assert!(errors["result_0_1_low"].contains("above its high end"));
    }

    #[test]
    fn blank_rows_are_dropped_and_results_follow_their_rows() {
        let mut f = filled();
        f.metrics.truncate(1);
        f.metrics.insert(0, MetricRow::default());
        f.variants.insert(1, VariantRow::default());
        // Metric row 1 (the only metric) against variant row 2 (the treatment).
        f.results.insert(
            (1, 2),
            ResultRow {
                effect: "1".into(),
                low: "0.5".into(),
                high: "1.5".into(),
                significant: true,
            },
        );
        let e = f.parse(squads).unwrap();
        assert_eq!(e.metrics.len(), 1);
        assert_eq!(e.variants.len(), 2);
        assert_eq!((e.results[0].metric, e.results[0].variant), (0, 1));
    }

    #[test]
    fn ending_deciding_and_overriding_need_their_reasons() {
        let mut f = filled();
        f.status = "concluded".into();
        f.decision = "ship".into();
        f.override_outcome = "success".into();
        let errors = f.parse(squads).unwrap_err();
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(fields, ["ended_on", "override_reason", "rationale"]);
        f.squad = "nowhere".into();
        assert!(f.parse(squads).unwrap_err()["squad"].contains("no squad"));
    }

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(number(" -0.4 "), Some(-0.4));
        assert_eq!(number("+3"), Some(3.0));
        assert_eq!(number("1,5"), None);
        assert_eq!(number("NaN"), None);
        assert_eq!(count("14,750"), Some(14_750));
        assert_eq!(count("-1"), None);
    }
}
