//! The statistics of Experiments with Learning: the sample size and power of a design
//! (`design`), the comparison of a treatment with the control from counts (`compare`), and the
//! sample-ratio-mismatch check (`srm`). Pure functions; the distributions come from `statrs`.
//! Every formula is in the README ("How fika computes"), and `fixtures` holds them to
//! reference values computed with scipy and statsmodels.

mod compare;
mod design;
#[cfg(test)]
mod fixtures;
mod srm;

pub use compare::{Comparison, Conversions, Moments, two_means, two_proportions};
pub use design::{Design, MetricType, SampleSize};
pub use srm::{SRM_MIN_EXPECTED, SRM_THRESHOLD, Srm, SrmVerdict, srm};

/// Days of traffic a total sample needs.
pub fn days_needed(total: u64, daily: u64) -> Option<u64> {
    (daily > 0).then(|| total.div_ceil(daily))
}

/// The standard normal quantile with `tail` above it, computed from the lower tail so that
/// tiny tails keep their precision (`1 - 1e-300` would be 1, and its quantile infinite).
pub(crate) fn z_upper(tail: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    -Normal::standard().inverse_cdf(tail)
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

/// `v` rounded to `digits` significant digits: 0.11000000000000001 → 0.11. For figures
/// computed from typed ones (a target rate, a percentage), where binary float noise is not
/// information.
pub fn significant_digits(v: f64, digits: usize) -> f64 {
    format!("{v:.*e}", digits.saturating_sub(1))
        .parse()
        .unwrap_or(v)
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
