//! The calculator's fields as typed, shared by the calculator page and the experiment form,
//! where they are the plan the experiment keeps. The page takes rates, relative effects and
//! shares in percent (10 for 10 %); the API takes fractions. Both say so, and the page warns
//! when what was typed looks like a fraction.

use super::{count, number};
use crate::experiments::stats::{Design, MetricType, exact_number, significant_digits};
use crate::site::forms::{FieldErrors, Pairs};

/// Every field of the calculator, as typed (percentages where the page says so).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CalcFields {
    /// `conversion` or `continuous`.
    pub metric_type: String,
    pub baseline: String,
    pub sd: String,
    pub mde: String,
    /// `relative` or `absolute`.
    pub mde_type: String,
    pub alpha: String,
    pub power: String,
    pub variants: String,
    /// `two-sided` or `one-sided`.
    pub sides: String,
    /// The control's share of units in percent; empty for an equal split.
    pub control_share: String,
    pub daily: String,
    /// Rates, relative effects and shares are fractions (the API) rather than percent.
    pub fractions: bool,
}

/// Percent to a fraction, and back without float noise (7 % stays 7, not 7.000000000000001).
fn from_percent(v: f64) -> f64 {
    v / 100.0
}

fn to_percent(v: f64) -> String {
    exact_number(significant_digits(v * 100.0, 12))
}

impl CalcFields {
    /// The fields named `{prefix}baseline` and so on; `calc_` in the experiment form.
    pub fn from_pairs(p: &Pairs, prefix: &str) -> CalcFields {
        let get = |k: &str| {
            let v = p.get(&format!("{prefix}{k}"));
            if v.is_empty() { p.get(k) } else { v }.to_string()
        };
        let mut f = CalcFields {
            metric_type: get("type"),
            baseline: get("baseline"),
            sd: get("sd"),
            mde: get("mde"),
            mde_type: get("mde_type"),
            alpha: get("alpha"),
            power: get("power"),
            variants: get("variants"),
            sides: get("sides"),
            control_share: get("control_share"),
            daily: get("daily"),
            fractions: false,
        };
        f.defaults();
        f
    }

    /// The fields of a stored plan.
    pub fn of(d: &Design, daily: &str) -> CalcFields {
        let pct = d.metric == MetricType::Conversion;
        let show = |v: f64, percent: bool| {
            if percent {
                to_percent(v)
            } else {
                exact_number(v)
            }
        };
        CalcFields {
            metric_type: d.metric.key().into(),
            baseline: show(d.baseline, pct),
            sd: d.sd.map(exact_number).unwrap_or_default(),
            mde: show(d.mde, d.relative || pct),
            mde_type: if d.relative { "relative" } else { "absolute" }.into(),
            alpha: exact_number(d.alpha),
            power: exact_number(d.power),
            variants: d.variants.to_string(),
            sides: if d.two_sided {
                "two-sided"
            } else {
                "one-sided"
            }
            .into(),
            control_share: d.control_share.map(to_percent).unwrap_or_default(),
            daily: daily.to_string(),
            fractions: false,
        }
    }

    /// The fields of an experiment's plan, or the calculator's defaults for its arms.
    pub fn of_plan(plan: Option<&Design>, arms: usize) -> CalcFields {
        match plan {
            Some(d) => CalcFields::of(d, ""),
            None => {
                let mut blank = CalcFields {
                    variants: arms.max(2).to_string(),
                    ..CalcFields::default()
                };
                blank.defaults();
                blank
            }
        }
    }

    /// The same fields as fractions, every digit kept: how the API's plan reaches the form.
    pub fn of_fractions(d: &Design) -> CalcFields {
        let mut f = CalcFields::of(d, "");
        f.baseline = exact_number(d.baseline);
        f.mde = exact_number(d.mde);
        f.control_share = d.control_share.map(exact_number).unwrap_or_default();
        f.fractions = true;
        f
    }

    /// The usual choices where nothing was typed.
    pub fn defaults(&mut self) {
        for (field, default) in [
            (&mut self.metric_type, "conversion"),
            (&mut self.mde_type, "relative"),
            (&mut self.alpha, "0.05"),
            (&mut self.power, "0.8"),
            (&mut self.variants, "2"),
            (&mut self.sides, "two-sided"),
        ] {
            if field.trim().is_empty() {
                *field = default.into();
            }
        }
    }

    /// Nothing that asks a question was typed: no baseline and no effect.
    pub fn is_blank(&self) -> bool {
        self.baseline.trim().is_empty() && self.mde.trim().is_empty()
    }

    /// The design and the daily traffic, or each field's message (keyed by the field's
    /// name without the prefix).
    pub fn design(&self) -> Result<(Design, Option<u64>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let metric = MetricType::parse(&self.metric_type).unwrap_or_else(|| {
            errors.insert("type", "Choose a conversion rate or a mean.");
            MetricType::Conversion
        });
        let relative = match self.mde_type.trim() {
            "relative" => true,
            "absolute" => false,
            _ => {
                errors.insert("mde_type", "Choose a relative or an absolute effect.");
                true
            }
        };
        let two_sided = match self.sides.trim() {
            "two-sided" => true,
            "one-sided" => false,
            _ => {
                errors.insert("sides", "Choose a two-sided or a one-sided test.");
                true
            }
        };
        let mut num = |field: &str, raw: &str| match number(raw.trim().trim_end_matches('%')) {
            Some(v) => v,
            None => {
                errors.insert(field, format!("{:?} is not a number.", raw.trim()));
                f64::NAN
            }
        };
        let conversion = metric == MetricType::Conversion;
        let fractions = self.fractions;
        let percent_if = |v: f64, yes: bool| {
            if yes && !fractions {
                from_percent(v)
            } else {
                v
            }
        };
        let baseline = percent_if(num("baseline", &self.baseline), conversion);
        let sd = (!conversion).then(|| num("sd", &self.sd));
        let mde = percent_if(num("mde", &self.mde), relative || conversion);
        let alpha = num("alpha", &self.alpha);
        let power = num("power", &self.power);
        let control_share = match self.control_share.trim() {
            "" => None,
            raw => Some(percent_if(num("control_share", raw), true)),
        };
        let variants = count(&self.variants)
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
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
        let design = Design {
            metric,
            baseline,
            sd,
            mde,
            relative,
            alpha,
            power,
            variants,
            two_sided,
            control_share,
        };
        if errors.is_empty() {
            errors.extend(design.check());
        }
        errors.or_ok((design, daily))
    }

    /// What was typed looks like a fraction on a page that takes percent (0.1 for 10 %):
    /// the answer would be for a rate a hundred times smaller.
    pub fn fraction_warning(&self) -> Option<String> {
        let small = |raw: &str| number(raw.trim_end_matches('%')).is_some_and(|v| v.abs() < 1.0);
        let rate = self.metric_type.trim() == "conversion" && small(&self.baseline);
        let effect = self.mde_type.trim() == "relative" && small(&self.mde);
        (rate && (effect || self.mde_type.trim() == "absolute")).then(|| {
            let b = self.baseline.trim().trim_end_matches('%').trim();
            format!(
                "This page takes percentages: a baseline of {b} is {b} %, and the answer is \
                 for that. For 10 %, type 10 (the API takes fractions: baseline=0.10)."
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_plan_comes_back_as_typed() {
        let p = Pairs(
            [
                ("calc_baseline", "7"),
                ("calc_mde", "-5.5"),
                ("calc_control_share", "20"),
                ("calc_sides", "one-sided"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        );
        let typed = CalcFields::from_pairs(&p, "calc_");
        let (d, _) = typed.design().unwrap();
        assert_eq!(
            (d.baseline, d.mde, d.control_share),
            (0.07, -0.055, Some(0.2))
        );
        assert!(!d.two_sided);
        let again = CalcFields::of(&d, "");
        assert_eq!((again.baseline.as_str(), again.mde.as_str()), ("7", "-5.5"));
        assert_eq!(again.control_share, "20");
        assert_eq!(again.design().unwrap().0, d);
    }

    #[test]
    fn fractions_on_the_percent_page_are_pointed_out() {
        let mut f = CalcFields {
            baseline: "0.1".into(),
            mde: "0.1".into(),
            ..CalcFields::default()
        };
        f.defaults();
        assert!(f.fraction_warning().unwrap().contains("0.1 %"));
        f.baseline = "10".into();
        assert_eq!(f.fraction_warning(), None);
    }
}
