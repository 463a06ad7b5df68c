//! Dates as people and scripts type them: `YYYY-MM-DD` with a four-digit year from 1900 to
//! 9999. chrono alone also takes `-2026-11-01` and `0000-01-01`, which no organisation means
//! and which sort and display wrongly everywhere after.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// Today in UTC: the day memberships start and end, and the day "overdue" is counted from.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A typed date that is not one fika keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadDate;

/// The years a date may have.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// `2026-11-30`, refused when it is not a calendar date (2026-02-30) or out of [`YEARS`].
pub fn parse_date(raw: &str) -> Result<NaiveDate, BadDate> {
    let s = raw.trim();
    // Four digits first: chrono's %Y also reads a sign and more digits.
    if !s
        .get(..4)
        .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(BadDate);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(plausible)
        .ok_or(BadDate)
}

/// What a person is told about a date fika does not take.
pub fn not_a_date(raw: &str) -> String {
    format!("{raw:?} is not a date (YYYY-MM-DD, a year from 1900 to 9999).")
}

/// Whether a date parsed some other way is in [`YEARS`].
pub fn plausible(d: &NaiveDate) -> bool {
    YEARS.contains(&d.year())
}

/// The same check for a moment.
pub fn plausible_time(t: &NaiveDateTime) -> bool {
    plausible(&t.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_digit_years_from_1900() {
        assert!(parse_date("2026-11-30").is_ok());
        assert!(parse_date(" 1900-01-01 ").is_ok());
        for bad in [
            "-2026-11-01",
            "0000-01-01",
            "1899-12-31",
            "+2026-11-01",
            "12026-01-01",
            "2026-02-30",
            "26-01-01",
            "",
        ] {
            assert_eq!(parse_date(bad), Err(BadDate), "{bad}");
        }
    }
}
