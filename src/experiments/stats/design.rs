//! The calculator's question and answers: how many units a design needs per arm (two
//! proportions or two means, one- or two-sided, equal or unequal allocation, Bonferroni over
//! the treatments), and the power a design reached with the units it actually got.

use serde::Serialize;

use super::{percent, signed_percent, significant_digits, trim_number, z_upper};
use statrs::distribution::{ContinuousCDF, Normal};

labelled_enum!(
    /// What a metric measures: a share of units that converted, or a mean of a number per
    /// unit (revenue, minutes listened).
    MetricType {
        Conversion = "conversion", "Conversion rate";
        Continuous = "continuous", "Mean of a number";
    }
);

impl Default for MetricType {
    /// Metrics saved before metrics had a type were all rates or typed results.
    fn default() -> Self {
        MetricType::Conversion
    }
}

/// What the calculator is asked (and what an experiment's plan keeps of it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Design {
    #[serde(rename = "type", default)]
    pub metric: MetricType,
    /// The control's conversion rate as a fraction (0.10 for 10 %), or its mean.
    pub baseline: f64,
    /// Continuous metrics: the standard deviation per unit.
    #[serde(default)]
    pub sd: Option<f64>,
    /// The smallest change worth detecting: a fraction of the baseline when `relative`
    /// (0.10 for +10 %), else in the metric's own units (fraction points for a rate).
    pub mde: f64,
    #[serde(default = "yes")]
    pub relative: bool,
    /// Significance level of the whole experiment.
    pub alpha: f64,
    /// Chance of detecting a true effect of the size of the MDE.
    pub power: f64,
    /// Arms including the control (2 for A/B).
    pub variants: u32,
    #[serde(default = "yes")]
    pub two_sided: bool,
    /// The control's share of all units; None for an equal split.
    #[serde(default)]
    pub control_share: Option<f64>,
}

fn yes() -> bool {
    true
}

/// What the calculator answers.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleSize {
    /// Units the control needs.
    pub control: u64,
    /// Units each treatment needs.
    pub per_treatment: u64,
    /// The larger of the two: every arm reaching it powers the test.
    pub per_variant: u64,
    pub total: u64,
    /// The significance level of each treatment-vs-control comparison: `alpha` split over the
    /// comparisons (Bonferroni), so an experiment with several treatments keeps its overall
    /// false-positive rate.
    pub alpha_per_comparison: f64,
    /// The treatment's rate (or mean) the MDE leads to, to 12 significant digits.
    pub target: f64,
    /// Where the normal approximation behind the figure is poor.
    pub warning: Option<String>,
}

/// Expected events per arm below which the normal approximation is called poor.
pub const MIN_EXPECTED_EVENTS: f64 = 30.0;

/// Designs needing more than this per arm are refused rather than answered.
const MOST_UNITS: f64 = 1e15;

impl Design {
    /// A two-sided, equally split conversion design with a relative MDE: the calculator's
    /// question when nothing else is said.
    pub fn conversion(baseline: f64, mde: f64, alpha: f64, power: f64, variants: u32) -> Design {
        Design {
            metric: MetricType::Conversion,
            baseline,
            sd: None,
            mde,
            relative: true,
            alpha,
            power,
            variants,
            two_sided: true,
            control_share: None,
        }
    }

    /// The change the MDE stands for, in the metric's units.
    pub fn delta(&self) -> f64 {
        if self.relative {
            self.baseline * self.mde
        } else {
            self.mde
        }
    }

    /// The treatment's rate or mean the MDE leads to.
    pub fn target(&self) -> f64 {
        self.baseline + self.delta()
    }

    /// Units in each treatment per unit in the control.
    fn ratio(&self) -> f64 {
        match self.control_share {
            None => 1.0,
            Some(c) => (1.0 - c) / f64::from(self.variants.saturating_sub(1).max(1)) / c,
        }
    }

    pub fn alpha_per_comparison(&self) -> f64 {
        self.alpha / f64::from(self.variants.saturating_sub(1).max(1))
    }

    fn z_alpha(&self) -> f64 {
        let a = self.alpha_per_comparison();
        z_upper(if self.two_sided { a / 2.0 } else { a })
    }

    /// The inputs a person can get wrong, each with its field and what is wrong with it.
    pub fn check(&self) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        let fraction = |v: f64| v.is_finite() && v > 0.0 && v < 1.0;
        match self.metric {
            MetricType::Conversion => {
                if !fraction(self.baseline) {
                    errors.push((
                        "baseline",
                        "The baseline rate must be between 0 % and 100 %.".into(),
                    ));
                }
            }
            MetricType::Continuous => {
                if !self.baseline.is_finite() {
                    errors.push(("baseline", "The baseline mean must be a number.".into()));
                }
                if !self.sd.is_some_and(|s| s.is_finite() && s > 0.0) {
                    errors.push((
                        "sd",
                        "Give the standard deviation per unit: a number above 0.".into(),
                    ));
                }
            }
        }
        if !(self.mde.is_finite() && self.mde != 0.0) {
            errors.push((
                "mde",
                "The minimum detectable effect must not be zero.".into(),
            ));
        } else if self.metric == MetricType::Continuous && self.delta() == 0.0 {
            errors.push((
                "mde",
                "A relative change of a baseline of 0 is no change: give the effect in the \
                 metric's units."
                    .into(),
            ));
        } else if self.metric == MetricType::Conversion
            && fraction(self.baseline)
            && !fraction(self.target())
        {
            let change = if self.relative {
                signed_percent(self.mde)
            } else {
                format!("{} points", trim_number(self.mde * 100.0))
            };
            errors.push((
                "mde",
                format!(
                    "A baseline of {} changed by {change} is not a rate between 0 % and 100 %.",
                    percent(self.baseline),
                ),
            ));
        }
        if !(self.alpha.is_finite() && self.alpha > 0.0 && self.alpha < 0.5) {
            errors.push(("alpha", "Alpha must be above 0 and below 0.5.".into()));
        }
        if !(self.power.is_finite() && self.power >= 0.5 && self.power < 1.0) {
            errors.push(("power", "Power must be at least 0.5 and below 1.".into()));
        }
        if !(2..=20).contains(&self.variants) {
            errors.push((
                "variants",
                "An experiment has 2 to 20 variants, control included.".into(),
            ));
        }
        if let Some(c) = self.control_share
            && !fraction(c)
        {
            errors.push((
                "control_share",
                "The control's share of units must be between 0 % and 100 %.".into(),
            ));
        }
        errors
    }

    /// The control's sample size, unrounded. Conversion: Fleiss' formula with the pooled
    /// variance under the null, for n_t = r·n_c:
    /// n_c = (z_α·√(p̄(1−p̄)(1+1/r)) + z_β·√(p₁(1−p₁) + p₂(1−p₂)/r))² / Δ², p̄ = (p₁+r·p₂)/(1+r).
    /// Continuous: n_c = (z_α + z_β)²·σ²·(1+1/r) / Δ².
    pub(super) fn control_n(&self) -> f64 {
        let (za, zb, r, delta) = (
            self.z_alpha(),
            z_upper(1.0 - self.power),
            self.ratio(),
            self.delta(),
        );
        match self.metric {
            MetricType::Conversion => {
                let (p1, p2) = (self.baseline, self.target());
                let pooled = (p1 + r * p2) / (1.0 + r);
                let spread = za * (pooled * (1.0 - pooled) * (1.0 + 1.0 / r)).sqrt()
                    + zb * (p1 * (1.0 - p1) + p2 * (1.0 - p2) / r).sqrt();
                spread * spread / (delta * delta)
            }
            MetricType::Continuous => {
                let sd = self.sd.unwrap_or(f64::NAN);
                (za + zb).powi(2) * sd * sd * (1.0 + 1.0 / r) / (delta * delta)
            }
        }
    }

    /// The sample size, or each input that is wrong (a design needing more than 10¹⁵ units
    /// an arm is refused, naming what would bring it down).
    pub fn sample_size(&self) -> Result<SampleSize, Vec<(&'static str, String)>> {
        let errors = self.check();
        if !errors.is_empty() {
            return Err(errors);
        }
        let n_c = self.control_n();
        let n_t = n_c * self.ratio();
        if !(n_c.is_finite() && n_t.is_finite()) || n_c.max(n_t) > MOST_UNITS {
            return Err(vec![(
                "mde",
                "This design needs more than 10¹⁵ units an arm: detect a larger effect, or \
                 accept a larger alpha or a lower power."
                    .into(),
            )]);
        }
        let (control, per_treatment) = (n_c.ceil() as u64, n_t.ceil() as u64);
        let treatments = u64::from(self.variants - 1);
        Ok(SampleSize {
            control,
            per_treatment,
            per_variant: control.max(per_treatment),
            total: control + treatments * per_treatment,
            alpha_per_comparison: self.alpha_per_comparison(),
            target: significant_digits(self.target(), 12),
            warning: self.approximation_warning(control as f64, per_treatment as f64),
        })
    }

    /// Why the normal approximation is poor at these arm sizes, if it is.
    fn approximation_warning(&self, n_c: f64, n_t: f64) -> Option<String> {
        match self.metric {
            MetricType::Conversion => {
                let (p1, p2) = (self.baseline, self.target());
                let fewest = [n_c * p1, n_c * (1.0 - p1), n_t * p2, n_t * (1.0 - p2)]
                    .into_iter()
                    .fold(f64::INFINITY, f64::min);
                (fewest < MIN_EXPECTED_EVENTS).then(|| {
                    format!(
                        "An arm expects only {} conversions (or non-conversions): below about \
                         {MIN_EXPECTED_EVENTS} the normal approximation behind this figure is \
                         poor. Plan for more units, or analyse with an exact test.",
                        trim_number(fewest)
                    )
                })
            }
            MetricType::Continuous => (n_c.min(n_t) < MIN_EXPECTED_EVENTS).then(|| {
                format!(
                    "Fewer than {MIN_EXPECTED_EVENTS} units an arm: the normal approximation \
                     behind this figure is poor. Plan for more units."
                )
            }),
        }
    }

    /// The power to detect the MDE with the units the arms actually got (not the "observed
    /// power" of the effect seen, which says nothing the p-value does not). Both tails count
    /// when two-sided. None without units or when the design is not valid.
    pub fn achieved_power(&self, control_n: u64, treatment_n: u64) -> Option<f64> {
        if control_n == 0 || treatment_n == 0 || !self.check().is_empty() {
            return None;
        }
        let (n1, n2) = (control_n as f64, treatment_n as f64);
        let (za, delta) = (self.z_alpha(), self.delta().abs());
        let normal = Normal::standard();
        let (null_sd, alt_sd) = match self.metric {
            MetricType::Conversion => {
                let (p1, p2) = (self.baseline, self.target());
                let pooled = (n1 * p1 + n2 * p2) / (n1 + n2);
                (
                    (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt(),
                    (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt(),
                )
            }
            MetricType::Continuous => {
                let se = self.sd.unwrap_or(f64::NAN) * (1.0 / n1 + 1.0 / n2).sqrt();
                (se, se)
            }
        };
        let mut power = normal.cdf((delta - za * null_sd) / alt_sd);
        if self.two_sided {
            power += normal.cdf((-delta - za * null_sd) / alt_sd);
        }
        power.is_finite().then_some(power.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(baseline: f64, mde: f64, alpha: f64, power: f64, variants: u32) -> Design {
        Design::conversion(baseline, mde, alpha, power, variants)
    }

    fn per_variant(d: Design) -> u64 {
        d.sample_size().unwrap().per_variant
    }

    #[test]
    fn sample_sizes_match_reference_values() {
        // About 14,750 per variant: the textbook case.
        let s = design(0.10, 0.10, 0.05, 0.8, 2).sample_size().unwrap();
        assert_eq!(
            (s.per_variant, s.control, s.per_treatment),
            (14_751, 14_751, 14_751)
        );
        assert_eq!(s.total, 29_502);
        // No float noise: 0.1 × 1.1 is 0.11000000000000001 in binary.
        assert_eq!(s.target, 0.11);
        assert_eq!(s.warning, None);
        assert_eq!(per_variant(design(0.05, 0.20, 0.05, 0.8, 2)), 8_158);
        assert_eq!(per_variant(design(0.20, 0.05, 0.05, 0.9, 2)), 34_247);
        assert_eq!(per_variant(design(0.50, 0.10, 0.01, 0.8, 2)), 2_329);
        // A decrease of the same relative size needs fewer: the rates are further apart
        // relative to their variance.
        assert_eq!(per_variant(design(0.10, -0.10, 0.05, 0.8, 2)), 13_495);
        // Three arms: alpha is split over two comparisons, each arm needs more.
        let three = design(0.10, 0.10, 0.05, 0.8, 3).sample_size().unwrap();
        assert!((three.alpha_per_comparison - 0.025).abs() < 1e-12);
        assert_eq!(three.per_variant, 17_864);
        assert_eq!(three.total, 3 * 17_864);
        assert_eq!(super::super::days_needed(29_502, 1_000), Some(30));
        assert_eq!(super::super::days_needed(29_502, 0), None);
    }

    #[test]
    fn unequal_splits_give_each_arm_its_own_size() {
        let mut d = design(0.10, 0.10, 0.05, 0.8, 2);
        d.control_share = Some(0.2);
        let s = d.sample_size().unwrap();
        // Four treatment units per control unit.
        assert!(s.per_treatment > 4 * s.control - 4 && s.per_treatment <= 4 * s.control);
        assert_eq!(s.per_variant, s.per_treatment);
        assert_eq!(s.total, s.control + s.per_treatment);
    }

    #[test]
    fn tiny_alphas_are_answered_and_poor_approximations_warned() {
        // 1 − 1e-300 is 1 in floating point; the quantile comes from the lower tail.
        let s = design(0.10, 0.10, 1e-300, 0.8, 2).sample_size().unwrap();
        assert!(
            s.per_variant > 1_000_000 && s.per_variant < 10_000_000,
            "{s:?}"
        );
        // Four units an arm: the normal approximation does not hold.
        let s = design(0.30, 1.0, 0.05, 0.8, 2).sample_size().unwrap();
        assert!(s.per_variant < 60, "{s:?}");
        assert!(s.warning.is_some());
        // An effect too small for any real sample names what to change.
        let e = design(0.10, 1e-9, 0.05, 0.8, 2).sample_size().unwrap_err();
        assert_eq!(e[0].0, "mde");
        assert!(e[0].1.contains("10¹⁵"), "{e:?}");
    }

    #[test]
    fn impossible_designs_are_refused_with_a_reason() {
        let fields = |d: Design| d.check().into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(fields(design(0.0, 0.1, 0.05, 0.8, 2)), ["baseline"]);
        assert_eq!(fields(design(0.6, 1.0, 0.05, 0.8, 2)), ["mde"]);
        assert_eq!(fields(design(0.1, 0.0, 0.05, 0.8, 2)), ["mde"]);
        assert_eq!(
            fields(design(0.1, 0.1, 0.7, 0.3, 1)),
            ["alpha", "power", "variants"]
        );
        assert!(design(0.1, f64::NAN, 0.05, 0.8, 2).sample_size().is_err());
        let mut d = design(0.0, 0.1, 0.05, 0.8, 2);
        d.metric = MetricType::Continuous;
        assert_eq!(fields(d), ["sd", "mde"]);
        d.sd = Some(3.0);
        d.relative = false;
        assert!(fields(d).is_empty());
        d.control_share = Some(1.0);
        assert_eq!(fields(d), ["control_share"]);
    }

    #[test]
    fn the_power_reached_at_the_planned_size_is_the_planned_power() {
        let d = design(0.10, 0.10, 0.05, 0.8, 2);
        let n = d.sample_size().unwrap().per_variant;
        let p = d.achieved_power(n, n).unwrap();
        assert!((0.8..0.8001).contains(&p), "{p}");
        assert!(d.achieved_power(n / 2, n / 2).unwrap() < 0.6);
        assert_eq!(d.achieved_power(0, n), None);
        // A 3-arm experiment run with the 2-arm figure falls short.
        let three = design(0.10, 0.10, 0.05, 0.8, 3);
        assert!(three.achieved_power(n, n).unwrap() < 0.75);
    }
}
