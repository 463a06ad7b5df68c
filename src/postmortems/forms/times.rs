//! Date-times as the form shows and reads them: what a datetime-local input sends and
//! accepts, and timeline times written as `HH:MM` on the incident's day.

use chrono::{Duration, NaiveDateTime, NaiveTime};

/// `2026-03-29T14:05` (what a browser's datetime-local sends), with a space, or with seconds.
pub fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    let s = raw.trim().trim_end_matches('Z');
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    // A year fika keeps (1900–9999, four digits): chrono also reads "-2026-11-01".
    .filter(|_| {
        s.get(..4)
            .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
    })
    .filter(crate::dates::plausible_time)
}

/// How a date-time field shows a stored value (what datetime-local inputs accept).
pub fn show_datetime(t: Option<NaiveDateTime>) -> String {
    t.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A timeline time: a full date-time, or `HH:MM` on the day of the start (the next day when
/// earlier than the start: incidents run past midnight).
pub(super) fn timeline_time(
    raw: &str,
    start: Option<NaiveDateTime>,
) -> Result<NaiveDateTime, String> {
    if let Some(t) = parse_datetime(raw) {
        return Ok(t);
    }
    let time = NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| {
        format!(
            "{:?} is not a time (HH:MM, or YYYY-MM-DD HH:MM).",
            raw.trim()
        )
    })?;
    let start = start.ok_or("Give the incident's start first, or write the date too.")?;
    let at = start.date().and_time(time);
    Ok(if at < start - Duration::hours(1) {
        at + Duration::days(1)
    } else {
        at
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_times_follow_the_start() {
        let start = parse_datetime("2026-03-28T23:50");
        assert_eq!(
            timeline_time("23:55", start).unwrap(),
            parse_datetime("2026-03-28 23:55").unwrap()
        );
        // Past midnight: the next day.
        assert_eq!(
            timeline_time("00:10", start).unwrap(),
            parse_datetime("2026-03-29 00:10").unwrap()
        );
        assert_eq!(
            timeline_time("2026-03-30 08:00", start).unwrap(),
            parse_datetime("2026-03-30 08:00").unwrap()
        );
        assert!(timeline_time("soon", start).is_err());
        assert!(timeline_time("10:00", None).is_err());
    }

    #[test]
    fn datetimes() {
        assert!(parse_datetime("2026-03-28T23:50").is_some());
        assert!(parse_datetime("2026-03-28 23:50:10").is_some());
        assert!(parse_datetime("28/03/2026").is_none());
        assert_eq!(
            show_datetime(parse_datetime("2026-03-28 23:50")),
            "2026-03-28T23:50"
        );
    }
}
