//! The sample-ratio-mismatch check: Pearson's chi-square goodness of fit of the units each
//! arm got against the planned weights, with the rules that keep it from passing on too
//! little data.

use statrs::distribution::{ChiSquared, ContinuousCDF};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
