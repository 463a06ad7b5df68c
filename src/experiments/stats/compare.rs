//! A treatment against the control from the data people have: units and conversions for a
//! rate (two-proportion z-test with unpooled variance), or n, mean and standard deviation for
//! a number per unit (Welch's t-test). The interval and the test use the same standard error
//! and the same per-comparison alpha, so "significant" and "the interval excludes zero" can
//! never disagree.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use super::z_upper;

/// A rate's data in one arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversions {
    pub units: u64,
    pub conversions: u64,
}

/// A number's data in one arm: its count, mean and (sample) standard deviation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
}

/// Treatment minus control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// In the metric's units (fraction points for a rate).
    pub effect: f64,
    /// The effect as a fraction of the control's rate or mean (None when that is 0).
    pub relative: Option<f64>,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Two-sided.
    pub p_value: f64,
    /// z or t.
    pub statistic: f64,
    /// Welch–Satterthwaite degrees of freedom (None for a z-test).
    pub df: Option<f64>,
    /// The interval's level is 1 − this.
    pub alpha: f64,
    pub significant: bool,
}

impl Conversions {
    pub fn rate(&self) -> f64 {
        self.conversions as f64 / self.units as f64
    }
}

/// The two-proportion z-test with each arm's own variance (statsmodels'
/// `test_proportions_2indep(method="wald")`): Δ = p₂ − p₁, SE = √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂),
/// z = Δ/SE, interval Δ ± z₁₋α/₂·SE. None when an arm has no units or more conversions than
/// units.
pub fn two_proportions(
    control: Conversions,
    treatment: Conversions,
    alpha: f64,
) -> Option<Comparison> {
    let valid = |c: Conversions| c.units > 0 && c.conversions <= c.units;
    if !(valid(control) && valid(treatment)) {
        return None;
    }
    let (p1, p2) = (control.rate(), treatment.rate());
    let (n1, n2) = (control.units as f64, treatment.units as f64);
    let se = (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
    let effect = p2 - p1;
    let base = Base {
        effect,
        control: p1,
        se,
        alpha,
    };
    Some(match base.degenerate() {
        Some(c) => c,
        None => {
            let z = effect / se;
            let p_value = 2.0 * Normal::standard().sf(z.abs());
            base.finish(z, None, p_value, z_upper(alpha / 2.0))
        }
    })
}

/// Welch's t-test from summary statistics (scipy's `ttest_ind_from_stats(equal_var=False)`):
/// SE = √(s₁²/n₁ + s₂²/n₂), df = SE⁴ / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)), t = Δ/SE,
/// interval Δ ± t_df,1−α/2·SE. None with fewer than two units in an arm or a negative or
/// non-finite figure.
pub fn two_means(control: Moments, treatment: Moments, alpha: f64) -> Option<Comparison> {
    let valid = |m: Moments| m.n >= 2 && m.mean.is_finite() && m.sd.is_finite() && m.sd >= 0.0;
    if !(valid(control) && valid(treatment)) {
        return None;
    }
    let (n1, n2) = (control.n as f64, treatment.n as f64);
    let (v1, v2) = (control.sd.powi(2) / n1, treatment.sd.powi(2) / n2);
    let se = (v1 + v2).sqrt();
    let effect = treatment.mean - control.mean;
    let base = Base {
        effect,
        control: control.mean,
        se,
        alpha,
    };
    if let Some(c) = base.degenerate() {
        return Some(c);
    }
    let df = (v1 + v2).powi(2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
    let t_dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let t = effect / se;
    let p_value = 2.0 * t_dist.sf(t.abs());
    // The upper quantile from the lower tail, as for z: precise for tiny alphas.
    let q = -t_dist.inverse_cdf(alpha / 2.0);
    Some(base.finish(t, Some(df), p_value, q))
}

/// What both tests share once they have their standard error.
struct Base {
    effect: f64,
    control: f64,
    se: f64,
    alpha: f64,
}

impl Base {
    fn relative(&self) -> Option<f64> {
        (self.control != 0.0).then(|| self.effect / self.control)
    }

    /// No spread at all (every unit converted, or none; every value the same): the effect
    /// is exactly what was seen.
    fn degenerate(&self) -> Option<Comparison> {
        (self.se == 0.0).then(|| Comparison {
            effect: self.effect,
            relative: self.relative(),
            ci_low: self.effect,
            ci_high: self.effect,
            p_value: if self.effect == 0.0 { 1.0 } else { 0.0 },
            statistic: if self.effect == 0.0 {
                0.0
            } else {
                self.effect.signum() * f64::INFINITY
            },
            df: None,
            alpha: self.alpha,
            significant: self.effect != 0.0,
        })
    }

    fn finish(&self, statistic: f64, df: Option<f64>, p_value: f64, quantile: f64) -> Comparison {
        let half = quantile * self.se;
        Comparison {
            effect: self.effect,
            relative: self.relative(),
            ci_low: self.effect - half,
            ci_high: self.effect + half,
            p_value: p_value.clamp(0.0, 1.0),
            statistic,
            df,
            alpha: self.alpha,
            // Decided by the interval so that the two can never disagree at the boundary
            // (p and the interval are the same test; float rounding could split them).
            significant: self.effect - half > 0.0 || self.effect + half < 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_spread_means_the_effect_is_exact() {
        let all = Conversions {
            units: 10,
            conversions: 10,
        };
        let none = Conversions {
            units: 10,
            conversions: 0,
        };
        let c = two_proportions(none, none, 0.05).unwrap();
        assert_eq!((c.effect, c.p_value, c.significant), (0.0, 1.0, false));
        let c = two_proportions(none, all, 0.05).unwrap();
        assert_eq!((c.effect, c.p_value, c.significant), (1.0, 0.0, true));
        assert_eq!(c.relative, None);
        assert_eq!(
            two_proportions(
                Conversions {
                    units: 0,
                    conversions: 0
                },
                all,
                0.05
            ),
            None
        );
        assert_eq!(
            two_proportions(
                Conversions {
                    units: 5,
                    conversions: 6
                },
                all,
                0.05
            ),
            None
        );
        let one = Moments {
            n: 1,
            mean: 3.0,
            sd: 0.0,
        };
        let two = Moments {
            n: 2,
            mean: 3.0,
            sd: 1.0,
        };
        assert_eq!(two_means(one, two, 0.05), None);
        assert_eq!(two_means(two, Moments { sd: -1.0, ..two }, 0.05), None);
    }
}
