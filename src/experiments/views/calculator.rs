//! The sample-size calculator, on its own page and inside the experiment form.

use askama::Template;

use super::grouped;
use crate::experiments::forms::CalcFields;
use crate::experiments::stats::{MetricType, days_needed, percent, trim_number};
use crate::site::forms::{FieldErrors, Pairs};
use crate::site::views::Shell;

/// The sample-size calculator: inputs as typed (rates and relative effects in percent) and
/// the answer.
#[derive(Debug, Clone, Default)]
pub struct CalcView {
    pub f: CalcFields,
    pub result: Option<CalcResult>,
    pub errors: FieldErrors,
    /// What was typed looks like a fraction on a page that takes percent.
    pub units_warning: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CalcResult {
    pub control: u64,
    pub per_treatment: u64,
    pub per_variant: u64,
    pub total: u64,
    pub days: Option<u64>,
    pub alpha_per_comparison: String,
    pub rates: String,
    pub warning: Option<String>,
}

impl CalcView {
    /// The calculator's fields as sent (`calc_` in the experiment form).
    pub fn from_pairs(p: &Pairs) -> CalcView {
        CalcView::of(CalcFields::from_pairs(p, "calc_"))
    }

    pub fn of(f: CalcFields) -> CalcView {
        CalcView {
            f,
            ..CalcView::default()
        }
    }

    pub fn run(&mut self) {
        self.units_warning = self.f.fraction_warning();
        let (design, daily) = match self.f.design() {
            Ok(d) => d,
            Err(errors) => {
                self.errors = errors;
                return;
            }
        };
        match design.sample_size() {
            Ok(s) => {
                let show = |v: f64| match design.metric {
                    MetricType::Conversion => percent(v),
                    MetricType::Continuous => trim_number(v),
                };
                let what = match design.metric {
                    MetricType::Conversion => "Rates",
                    MetricType::Continuous => "Means",
                };
                self.result = Some(CalcResult {
                    control: s.control,
                    per_treatment: s.per_treatment,
                    per_variant: s.per_variant,
                    total: s.total,
                    days: daily.and_then(|d| days_needed(s.total, d)),
                    alpha_per_comparison: trim_number(s.alpha_per_comparison),
                    rates: format!("{what} {} → {}", show(design.baseline), show(s.target)),
                    warning: s.warning,
                })
            }
            Err(errors) => self.errors.extend(errors),
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    /// The answer splits unequally between the control and each treatment.
    pub fn unequal(&self) -> bool {
        self.result
            .as_ref()
            .is_some_and(|r| r.control != r.per_treatment)
    }
}

#[derive(Template)]
#[template(path = "experiments/calculator.html")]
pub struct CalculatorPage {
    pub shell: Shell,
    pub calc: CalcView,
}
