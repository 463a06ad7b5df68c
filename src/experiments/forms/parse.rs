//! Reading the typed experiment form into an [`ExperimentInput`]: one parser per section
//! (head, hypothesis, metrics, variants, results, schedule, conclusion), each adding its
//! fields' messages to the one `FieldErrors`.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Form, count, number};
use crate::experiments::model::{
    Decision, Direction, ExperimentInput, Hypothesis, Metric, MetricKind, MetricResult, MetricType,
    Outcome, Override, Status, Variant,
};
use crate::ids::UnitId;
use crate::site::forms::{FieldErrors, optional_date};

impl Form {
    /// Checks everything; `squad_id` resolves the squad's slug (None: no such squad). Each
    /// section is read by its own parser, which adds its fields' messages to `errors`.
    ///
    /// `old` is the stored experiment when this edits one: a typed result stored before
    /// fika checked it against its interval is let through unchanged.
    pub fn parse(
        &self,
        squad_id: impl Fn(&str) -> Option<UnitId>,
        old: Option<&ExperimentInput>,
    ) -> Result<ExperimentInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (title, squad, status) = self.head(squad_id, &mut errors);
        let hypothesis = self.hypothesis(&mut errors);
        let (metrics, metric_at) = self.metrics(&mut errors);
        let (variants, variant_at) = self.variants(&mut errors);
        let data = self.data(&metrics, &metric_at, &variant_at, &mut errors);
        let results = self.results(&metric_at, &variant_at, &mut errors);
        for r in &results {
            let (m, v) = rows_of(&metric_at, &variant_at, r);
            let field = |part: &str| format!("result_{m}_{v}_{part}");
            if data
                .iter()
                .any(|o| o.metric == r.metric && o.variant == r.variant)
            {
                errors.add(
                    field("effect"),
                    "This treatment has data for this metric, from which fika computes the \
                     result: clear either the typed result or the data.",
                );
            } else if r.ci_low <= r.effect
                && r.effect <= r.ci_high
                && let Some(why) =
                    super::data::check_contradiction(r, &metrics, &variants[r.variant].name, old)
            {
                errors.add(field("significant"), why);
            }
        }
        let plan = self.plan(&mut errors);
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
            data,
            plan,
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
        squad_id: impl Fn(&str) -> Option<UnitId>,
        errors: &mut FieldErrors,
    ) -> (String, Option<UnitId>, Status) {
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
            let metric_type = match row.metric_type.trim() {
                // Rows sent before metrics had a type (an older page, a script) are rates.
                "" => MetricType::Conversion,
                raw => MetricType::parse(raw).unwrap_or_else(|| {
                    errors.add(field("type"), "A conversion rate or a mean?");
                    MetricType::Conversion
                }),
            };
            metrics.push(Metric {
                name: row.name.trim().to_string(),
                kind,
                metric_type,
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
                p_value: None,
                relative: None,
                from_data: false,
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

/// The form rows a result came from (its metric and variant before blank rows were dropped).
fn rows_of(
    metric_at: &BTreeMap<usize, usize>,
    variant_at: &BTreeMap<usize, usize>,
    r: &MetricResult,
) -> (usize, usize) {
    let back = |map: &BTreeMap<usize, usize>, at: usize| {
        map.iter()
            .find(|(_, v)| **v == at)
            .map_or(at, |(row, _)| *row)
    };
    (back(metric_at, r.metric), back(variant_at, r.variant))
}
