//! The statistics behind experiment design and health checks: the sample size of a
//! two-proportion test and the sample-ratio-mismatch test. Pure functions; the distributions
//! come from `statrs`.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// What the calculator is asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Design {
    /// Conversion rate of the control, as a fraction (0.10 for 10 %).
    pub baseline: f64,
    /// Smallest relative change worth detecting, as a fraction (0.10 for +10 %).
    pub mde: f64,
    /// Two-sided significance level of the whole experiment.
    pub alpha: f64,
    /// Chance of detecting a true effect of the size of the MDE.
    pub power: f64,
    /// Arms including the control (2 for A/B).
    pub variants: u32,
}

/// What the calculator answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleSize {
    pub per_variant: u64,
    pub total: u64,
    /// The significance level of each treatment-vs-control comparison: `alpha` split over the
    /// comparisons (Bonferroni), so an experiment with several treatments keeps its overall
    /// false-positive rate.
    pub alpha_per_comparison: f64,
    /// The treatment's rate the MDE leads to.
    pub target_rate: f64,
}

impl Design {
    /// The inputs a person can get wrong, each with what is wrong with it.
    pub fn check(&self) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        let fraction = |v: f64| v.is_finite() && v > 0.0 && v < 1.0;
        if !fraction(self.baseline) {
            errors.push((
                "baseline",
                "The baseline rate must be between 0 % and 100 %.".into(),
            ));
        }
        if !(self.mde.is_finite() && self.mde != 0.0) {
            errors.push((
                "mde",
                "The minimum detectable effect must not be zero.".into(),
            ));
        } else if fraction(self.baseline) && !fraction(self.baseline * (1.0 + self.mde)) {
            errors.push((
                "mde",
                format!(
                    "A baseline of {} changed by {} is not a rate between 0 % and 100 %.",
                    percent(self.baseline),
                    signed_percent(self.mde)
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
        errors
    }

    /// The standard two-proportion sample size, with the pooled variance under the null:
    /// n = (z₁₋α/2 · √(2·p̄(1−p̄)) + z₁₋β · √(p₁(1−p₁) + p₂(1−p₂)))² / (p₂ − p₁)².
    /// None when the inputs fail [`check`](Self::check).
    pub fn sample_size(&self) -> Option<SampleSize> {
        if !self.check().is_empty() {
            return None;
        }
        let normal = Normal::standard();
        let comparisons = f64::from(self.variants - 1);
        let alpha = self.alpha / comparisons;
        let z_alpha = normal.inverse_cdf(1.0 - alpha / 2.0);
        let z_beta = normal.inverse_cdf(self.power);
        let (p1, p2) = (self.baseline, self.baseline * (1.0 + self.mde));
        let pooled = (p1 + p2) / 2.0;
        let spread = z_alpha * (2.0 * pooled * (1.0 - pooled)).sqrt()
            + z_beta * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt();
        let n = (spread * spread / ((p2 - p1) * (p2 - p1))).ceil();
        if !n.is_finite() || n > 1e15 {
            return None;
        }
        let per_variant = n as u64;
        Some(SampleSize {
            per_variant,
            total: per_variant * u64::from(self.variants),
            alpha_per_comparison: alpha,
            target_rate: p2,
        })
    }
}

/// Days of traffic a total sample needs.
pub fn days_needed(total: u64, daily: u64) -> Option<u64> {
    (daily > 0).then(|| total.div_ceil(daily))
}

/// Pearson's chi-square goodness of fit of observed assignment counts against the planned
/// weights: the sample-ratio-mismatch check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Srm {
    pub chi_square: f64,
    pub degrees: u32,
    pub p_value: f64,
    /// The smallest count any arm was expected to get.
    pub min_expected: f64,
    /// Some arm got no units although at least one was expected.
    pub empty_arm: bool,
}

/// Below this p-value the split is a mismatch: at p < 0.001 a healthy experiment is flagged
/// once in a thousand, while real assignment bugs are caught.
pub const SRM_THRESHOLD: f64 = 0.001;

/// Below this expected count in some arm, the chi-square approximation does not hold and the
/// check says "not enough data" (Cochran's rule: every expected count at least 5).
pub const SRM_MIN_EXPECTED: f64 = 5.0;

/// What the check concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SrmVerdict {
    Pass,
    Mismatch,
    NotEnoughData,
}

impl Srm {
    /// An empty arm that should have had units is a mismatch whatever the p-value (10 / 0
    /// has p = 0.0016); too few expected units is no verdict; else χ² at p < 0.001.
    pub fn verdict(&self) -> SrmVerdict {
        if self.empty_arm {
            SrmVerdict::Mismatch
        } else if self.min_expected < SRM_MIN_EXPECTED {
            SrmVerdict::NotEnoughData
        } else if self.p_value < SRM_THRESHOLD {
            SrmVerdict::Mismatch
        } else {
            SrmVerdict::Pass
        }
    }

    pub fn passed(&self) -> bool {
        self.verdict() == SrmVerdict::Pass
    }
}

/// None unless there are at least two arms, every weight is positive and some were assigned.
pub fn srm(observed: &[u64], weights: &[f64]) -> Option<Srm> {
    if observed.len() < 2
        || observed.len() != weights.len()
        || weights.iter().any(|w| !(w.is_finite() && *w > 0.0))
    {
        return None;
    }
    let n: f64 = observed.iter().map(|&o| o as f64).sum();
    if n <= 0.0 {
        return None;
    }
    let weight_sum: f64 = weights.iter().sum();
    let expected: Vec<f64> = weights.iter().map(|w| n * w / weight_sum).collect();
    let min_expected = expected.iter().copied().fold(f64::INFINITY, f64::min);
    let empty_arm = observed
        .iter()
        .zip(&expected)
        .any(|(&o, &e)| o == 0 && e >= 1.0);
    let chi_square: f64 = observed
        .iter()
        .zip(weights)
        .map(|(&o, w)| {
            let expected = n * w / weight_sum;
            let d = o as f64 - expected;
            d * d / expected
        })
        .sum();
    let degrees = observed.len() as u32 - 1;
    let p_value = ChiSquared::new(f64::from(degrees))
        .ok()?
        .sf(chi_square)
        .clamp(0.0, 1.0);
    Some(Srm {
        chi_square,
        degrees,
        p_value,
        min_expected,
        empty_arm,
    })
}

/// `0.1` → "10 %".
pub fn percent(v: f64) -> String {
    format!("{} %", trim_number(v * 100.0))
}

/// `0.1` → "+10 %".
pub fn signed_percent(v: f64) -> String {
    let sign = if v > 0.0 { "+" } else { "" };
    format!("{sign}{}", percent(v))
}

/// A number as it was stored, every digit kept: how stored numbers go back into a form (an
/// edit, an API body) so that saving again changes nothing. Rust prints the shortest text that
/// reads back as the same `f64`, and never in exponent form (`0.000045`, not `4.5e-5`).
pub fn exact_number(v: f64) -> String {
    if v == 0.0 { "0".into() } else { v.to_string() }
}

/// A number for reading, without trailing zeros, at most 4 decimals: 10, 2.5, 0.0125. Views
/// only: anything that is saved again goes through [`exact_number`].
pub fn trim_number(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(baseline: f64, mde: f64, alpha: f64, power: f64, variants: u32) -> Design {
        Design {
            baseline,
            mde,
            alpha,
            power,
            variants,
        }
    }

    #[test]
    fn sample_sizes_match_reference_values() {
        // The reference: about 14,750 per variant.
        let s = design(0.10, 0.10, 0.05, 0.8, 2).sample_size().unwrap();
        assert_eq!(s.per_variant, 14_751);
        assert_eq!(s.total, 29_502);
        assert!((s.target_rate - 0.11).abs() < 1e-12);
        // The same formula computed independently (Python's statistics.NormalDist).
        assert_eq!(
            design(0.05, 0.20, 0.05, 0.8, 2)
                .sample_size()
                .unwrap()
                .per_variant,
            8_158
        );
        assert_eq!(
            design(0.20, 0.05, 0.05, 0.9, 2)
                .sample_size()
                .unwrap()
                .per_variant,
            34_247
        );
        assert_eq!(
            design(0.50, 0.10, 0.01, 0.8, 2)
                .sample_size()
                .unwrap()
                .per_variant,
            2_329
        );
        // A decrease of the same relative size needs fewer: the rates are further apart
        // relative to their variance.
        assert_eq!(
            design(0.10, -0.10, 0.05, 0.8, 2)
                .sample_size()
                .unwrap()
                .per_variant,
            13_495
        );
        // Three arms: alpha is split over two comparisons, each arm needs more.
        let three = design(0.10, 0.10, 0.05, 0.8, 3).sample_size().unwrap();
        assert!((three.alpha_per_comparison - 0.025).abs() < 1e-12);
        assert_eq!(three.per_variant, 17_864);
        assert_eq!(three.total, 3 * 17_864);
        assert_eq!(days_needed(29_502, 1_000), Some(30));
        assert_eq!(days_needed(29_502, 0), None);
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
        assert_eq!(design(0.1, f64::NAN, 0.05, 0.8, 2).sample_size(), None);
    }

    #[test]
    fn sample_ratio_mismatch_matches_reference_values() {
        // The reference: 5,100 vs 4,900 at 50/50 is χ² = 4.0, p ≈ 0.0455, a pass.
        let s = srm(&[5_100, 4_900], &[50.0, 50.0]).unwrap();
        assert!((s.chi_square - 4.0).abs() < 1e-9);
        assert_eq!(s.degrees, 1);
        assert!((s.p_value - 0.0455).abs() < 1e-4, "{}", s.p_value);
        assert!(s.passed());
        // 5,200 vs 4,800: χ² = 16, p ≈ 6.3e-5, a mismatch.
        let s = srm(&[5_200, 4_800], &[1.0, 1.0]).unwrap();
        assert!((s.chi_square - 16.0).abs() < 1e-9);
        assert!((s.p_value - 6.334e-5).abs() < 1e-7, "{}", s.p_value);
        assert!(!s.passed());
        // Unequal weights: 90/10 planned, observed exactly so.
        let s = srm(&[9_000, 1_000], &[90.0, 10.0]).unwrap();
        assert_eq!(s.chi_square, 0.0);
        assert_eq!(s.p_value, 1.0);
        // Three arms at 1/3 each: χ² with 2 degrees of freedom, p = exp(−χ²/2).
        let s = srm(&[3_400, 3_300, 3_300], &[1.0, 1.0, 1.0]).unwrap();
        assert!((s.chi_square - 2.0).abs() < 1e-9);
        assert_eq!(s.degrees, 2);
        assert!((s.p_value - (-1.0f64).exp()).abs() < 1e-9);
        let s = srm(&[3_500, 3_300, 3_200], &[1.0, 1.0, 1.0]).unwrap();
        assert!((s.chi_square - 14.0).abs() < 1e-9);
        assert!((s.p_value - (-7.0f64).exp()).abs() < 1e-9);
        assert!(!s.passed());
        // An arm with nothing where units were expected is a mismatch, whatever χ² says.
        let s = srm(&[10, 0], &[1.0, 1.0]).unwrap();
        assert!((s.p_value - 0.001565).abs() < 1e-5, "{}", s.p_value);
        assert_eq!(s.verdict(), SrmVerdict::Mismatch);
        // Too few units to say: never a pass.
        assert_eq!(
            srm(&[3, 2], &[1.0, 1.0]).unwrap().verdict(),
            SrmVerdict::NotEnoughData
        );
        assert_eq!(
            srm(&[1, 0], &[1.0, 1.0]).unwrap().verdict(),
            SrmVerdict::NotEnoughData
        );
        assert_eq!(
            srm(&[6, 4], &[1.0, 1.0]).unwrap().verdict(),
            SrmVerdict::Pass
        );
        // Nothing to test.
        assert_eq!(srm(&[0, 0], &[1.0, 1.0]), None);
        assert_eq!(srm(&[10], &[1.0]), None);
        assert_eq!(srm(&[10, 10], &[1.0, 0.0]), None);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(percent(0.1), "10 %");
        assert_eq!(signed_percent(0.025), "+2.5 %");
        assert_eq!(signed_percent(-0.1), "-10 %");
        assert_eq!(trim_number(0.0125), "0.0125");
        for v in [
            0.00125,
            0.99875,
            4.5e-5,
            -4e-5,
            1e-300,
            123456.789,
            0.1 + 0.2,
        ] {
            assert_eq!(exact_number(v).parse::<f64>().unwrap(), v, "{v} survives");
        }
        assert_eq!(exact_number(4.5e-5), "0.000045");
        assert_eq!(exact_number(-0.0), "0");
    }
}
