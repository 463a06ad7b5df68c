//! The sample-size calculator, on its own page and inside the experiment form.

use askama::Template;

use super::grouped;
use crate::experiments::forms::{count, number};
use crate::experiments::stats::{Design, days_needed, percent, trim_number};
use crate::site::forms::{FieldErrors, Pairs};
use crate::site::views::Shell;

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
        let design = Design::conversion(
            num("baseline", &self.baseline) / 100.0,
            num("mde", &self.mde) / 100.0,
            num("alpha", &self.alpha),
            num("power", &self.power),
            count(&self.variants)
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0),
        );
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
                Ok(s) => {
                    self.result = Some(CalcResult {
                        per_variant: s.per_variant,
                        total: s.total,
                        days: daily.and_then(|d| days_needed(s.total, d)),
                        alpha_per_comparison: trim_number(s.alpha_per_comparison),
                        rates: format!("{} → {}", percent(design.baseline), percent(s.target)),
                    })
                }
                Err(errors) => self.errors.extend(errors),
            },
            Err(errors) => self.errors = errors,
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
}

#[derive(Template)]
#[template(path = "experiments/calculator.html")]
pub struct CalculatorPage {
    pub shell: Shell,
    pub calc: CalcView,
}
