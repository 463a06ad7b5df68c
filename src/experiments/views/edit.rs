//! The experiment form's page: the form with its blank rows, the grid of results, and the
//! calculator beside it.

use askama::Template;

use super::{CalcView, choices, grouped, outcomes, statuses};
use crate::experiments::forms::{DataRow, Form, ResultRow};
use crate::experiments::model::{Decision, Direction, Experiment, MetricKind, MetricType};
use crate::org::cache::OrgView;
use crate::org::forms::{Choice, UnitChoice, units_of};
use crate::org::unit::UnitKind;
use crate::site::forms::FieldErrors;
use crate::site::views::Shell;

/// One arm of one metric in the data grid of the form (the control included).
pub struct ArmCell {
    pub m: usize,
    pub v: usize,
    pub metric: String,
    pub variant: String,
    pub continuous: bool,
    pub row: DataRow,
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
    pub arms: Vec<ArmCell>,
    pub errors: FieldErrors,
    pub squads: Vec<UnitChoice>,
    pub statuses: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    pub decisions: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub directions: Vec<Choice>,
    pub types: Vec<Choice>,
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
        // The plan's fields with their messages (keyed `calc_…` by the form's parser).
        let mut arms = Vec::new();
        for (m, metric) in form.metrics.iter().enumerate() {
            for (v, variant) in form.variants.iter().enumerate() {
                if metric.name.trim().is_empty() || variant.name.trim().is_empty() {
                    continue;
                }
                arms.push(ArmCell {
                    m,
                    v,
                    metric: metric.name.clone(),
                    variant: variant.name.clone(),
                    continuous: metric.metric_type == MetricType::Continuous.key(),
                    row: form.data.get(&(m, v)).cloned().unwrap_or_default(),
                });
            }
        }
        let calc = calc.unwrap_or_else(|| {
            let mut c = CalcView::of(form.plan.clone());
            c.errors.extend(
                errors
                    .iter()
                    .filter_map(|(k, v)| Some((k.strip_prefix("calc_")?.to_string(), v.clone()))),
            );
            c
        });
        EditPage {
            shell,
            editing: editing.map(|e| (e.id, e.url())),
            form,
            cells,
            arms,
            errors,
            squads: units_of(org, UnitKind::Squad),
            statuses: statuses(),
            outcomes: outcomes(),
            decisions: choices(Decision::ALL, Decision::key, Decision::label),
            kinds: choices(MetricKind::ALL, MetricKind::key, MetricKind::label),
            directions: choices(Direction::ALL, Direction::key, Direction::label),
            types: choices(MetricType::ALL, MetricType::key, MetricType::label),
            calc,
        }
    }

    pub fn arm_error(&self, a: &ArmCell, part: &str) -> Option<&str> {
        self.error(&format!("data_{}_{}_{part}", a.m, a.v))
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

/// Importing data from a CSV: the columns, with this experiment's own metric and variant
/// names as the example, and the text as sent with its messages when refused.
#[derive(Template)]
#[template(path = "experiments/import.html")]
pub struct ImportPage {
    pub shell: Shell,
    pub id: i64,
    pub url: String,
    pub title: String,
    pub conversion_example: String,
    pub continuous_example: String,
    pub text: String,
    pub errors: FieldErrors,
}

impl ImportPage {
    pub fn new(shell: Shell, e: &Experiment, text: String, errors: FieldErrors) -> ImportPage {
        let i = &e.input;
        let example = |t: MetricType, header: &str, figures: [&str; 2]| {
            let mut lines = vec![header.to_string()];
            for m in i.metrics.iter().filter(|m| m.metric_type == t) {
                for (k, v) in i.variants.iter().enumerate() {
                    lines.push(format!(
                        "{},{},{}",
                        quoted(&m.name),
                        quoted(&v.name),
                        figures[k.min(1)]
                    ));
                }
            }
            if lines.len() == 1 {
                String::new()
            } else {
                lines.join("\n")
            }
        };
        ImportPage {
            shell,
            id: e.id,
            url: e.url(),
            title: i.title.clone(),
            conversion_example: example(
                MetricType::Conversion,
                "metric,variant,units,conversions",
                ["15000,1500", "15000,1650"],
            ),
            continuous_example: example(
                MetricType::Continuous,
                "metric,variant,n,mean,sd",
                ["5000,52.3,20.1", "5000,53.4,20.8"],
            ),
            text,
            errors,
        }
    }
}

/// A CSV field, quoted when it holds a comma or a quote.
fn quoted(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
