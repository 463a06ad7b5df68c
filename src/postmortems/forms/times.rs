//! Date-times as the form shows and reads them: `2026-03-29 14:05` in the zone the form
//! names (UTC unless another is chosen, or a value names its own: `Z`, `UTC`, `+02:00`),
//! stored in UTC; and timeline times written as `HH:MM` on the incident's day.

use chrono::{Duration, NaiveDateTime, NaiveTime};

/// The offset a form's times are written in, in minutes east of UTC. An offset, not a
/// named zone: it is what the clock said during the incident, so summer time cannot make
/// it ambiguous, and no time-zone database is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Zone(i32);

/// The offsets in use somewhere on Earth, west to east.
const OFFSETS: [i32; 38] = [
    -720, -660, -600, -570, -540, -480, -420, -360, -300, -240, -210, -180, -120, -60, 0, 60, 120,
    180, 210, 240, 270, 300, 330, 345, 360, 390, 420, 480, 525, 540, 570, 600, 630, 660, 720, 765,
    780, 840,
];

impl Zone {
    pub const UTC: Zone = Zone(0);

    /// `""`, `UTC`, `Z`, `+02:00`, `+0200`, `-03:30`, `+2`; an offset no place uses is refused.
    pub fn parse(raw: &str) -> Result<Zone, String> {
        let s = raw.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("utc") || s.eq_ignore_ascii_case("z") {
            return Ok(Zone::UTC);
        }
        let bad = || format!("{s:?} is not a UTC offset (like +02:00 or -05:00).");
        let s2 = s
            .strip_prefix("UTC")
            .or_else(|| s.strip_prefix("utc"))
            .unwrap_or(s);
        // A minus sign may be the typographic one (U+2212), as some systems print offsets.
        let (sign, digits) = if let Some(d) = s2.strip_prefix('+') {
            (1, d)
        } else if let Some(d) = s2.strip_prefix(['-', '\u{2212}']) {
            (-1, d)
        } else {
            return Err(bad());
        };
        let (h, m) = match digits.split_once(':') {
            Some((h, m)) => (h, m),
            None if digits.len() == 4 => digits.split_at(2),
            None => (digits, "0"),
        };
        let (h, m): (i32, i32) = match (h.parse(), m.parse()) {
            (Ok(h), Ok(m)) if m < 60 => (h, m),
            _ => return Err(bad()),
        };
        let minutes = sign * (h * 60 + m);
        OFFSETS
            .contains(&minutes)
            .then_some(Zone(minutes))
            .ok_or_else(bad)
    }

    /// How forms send it and the select names it: `UTC`, `+05:30`.
    pub fn key(self) -> String {
        if self.0 == 0 {
            return "UTC".into();
        }
        let sign = if self.0 < 0 { '-' } else { '+' };
        format!("{sign}{:02}:{:02}", self.0.abs() / 60, self.0.abs() % 60)
    }

    /// What the select shows: `UTC`, `UTC+05:30`.
    pub fn label(self) -> String {
        match self.0 {
            0 => "UTC".into(),
            _ => format!("UTC{}", self.key()),
        }
    }

    /// Every offset, for the form's select: (key, label, chosen).
    pub fn choices(chosen: &str) -> Vec<(String, String, bool)> {
        let chosen = Zone::parse(chosen).unwrap_or_default();
        OFFSETS
            .iter()
            .map(|m| Zone(*m))
            .map(|z| (z.key(), z.label(), z == chosen))
            .collect()
    }

    pub fn to_utc(self, local: NaiveDateTime) -> NaiveDateTime {
        local - Duration::minutes(self.0.into())
    }

    pub fn from_utc(self, utc: NaiveDateTime) -> NaiveDateTime {
        utc + Duration::minutes(self.0.into())
    }
}

/// A value and the zone it names at its end, if any: `14:05Z`, `2026-03-29 14:05 UTC`,
/// `14:05+02:00`.
fn split_zone(raw: &str) -> (&str, Option<Zone>) {
    let s = raw.trim();
    for suffix in ["UTC", "utc", "Z", "z"] {
        if let Some(rest) = s.strip_suffix(suffix)
            && rest.ends_with(|c: char| c.is_ascii_digit() || c == ' ')
        {
            return (rest.trim_end(), Some(Zone::UTC));
        }
    }
    // An offset follows the minutes: `…14:05+02:00`, `…14:05-0330`, `…14:05 +2`. Dates have
    // no colon, so the first one is the time's.
    let Some(colon) = s.find(':') else {
        return (s, None);
    };
    let minutes_end = colon + 3;
    if let Some(tail) = s.get(minutes_end..)
        && tail.trim_start().starts_with(['+', '-'])
        && let Ok(zone) = Zone::parse(tail.trim_start())
    {
        return (s[..minutes_end].trim_end(), Some(zone));
    }
    (s, None)
}

/// A date and time as typed in `zone` (or the zone it names itself), in UTC.
pub fn parse_in(raw: &str, zone: Zone) -> Option<NaiveDateTime> {
    let (s, own) = split_zone(raw);
    parse_datetime(s).map(|t| own.unwrap_or(zone).to_utc(t))
}

/// How a form field shows a stored (UTC) time in `zone`.
pub fn show_in(t: Option<NaiveDateTime>, zone: Zone) -> String {
    t.map(|t| zone.from_utc(t).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

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

/// Where a timeline time lands, in UTC, and whether the rule put it on the day after the
/// start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Landed {
    pub at: NaiveDateTime,
    pub next_day: bool,
}

/// A timeline time: a full date-time, or `HH:MM` on the day of the start as the zone's clock
/// showed it (the next day when more than an hour before the start: incidents run past
/// midnight).
pub(super) fn timeline_time(
    raw: &str,
    start: Option<NaiveDateTime>,
    zone: Zone,
) -> Result<Landed, String> {
    if let Some(at) = parse_in(raw, zone) {
        return Ok(Landed {
            at,
            next_day: false,
        });
    }
    let (s, own) = split_zone(raw);
    let zone = own.unwrap_or(zone);
    let time = NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| {
        format!(
            "{:?} is not a time (HH:MM, or YYYY-MM-DD HH:MM).",
            raw.trim()
        )
    })?;
    let start =
        zone.from_utc(start.ok_or("Give the incident's start first, or write the date too.")?);
    let at = start.date().and_time(time);
    let next_day = at < start - Duration::hours(1);
    let at = if next_day { at + Duration::days(1) } else { at };
    Ok(Landed {
        at: zone.to_utc(at),
        next_day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_times_follow_the_start() {
        let start = parse_datetime("2026-03-28T23:50");
        let at = |raw: &str| timeline_time(raw, start, Zone::UTC).unwrap();
        let utc = |s: &str| parse_datetime(s).unwrap();
        assert_eq!(at("23:55").at, utc("2026-03-28 23:55"));
        assert!(!at("23:55").next_day);
        // Past midnight: the next day, and said so.
        assert_eq!(at("00:10").at, utc("2026-03-29 00:10"));
        assert!(at("00:10").next_day);
        assert_eq!(at("2026-03-30 08:00").at, utc("2026-03-30 08:00"));
        assert!(!at("2026-03-30 08:00").next_day);
        assert!(timeline_time("soon", start, Zone::UTC).is_err());
        assert!(timeline_time("10:00", None, Zone::UTC).is_err());
    }

    #[test]
    fn a_zone_moves_times_to_utc_and_back() {
        let cet = Zone::parse("+01:00").unwrap();
        let utc = |s: &str| parse_datetime(s).unwrap();
        assert_eq!(
            parse_in("2026-03-28 14:05", cet),
            Some(utc("2026-03-28 13:05"))
        );
        // A value that names its own zone wins over the form's.
        assert_eq!(
            parse_in("2026-03-28 14:05 UTC", cet),
            Some(utc("2026-03-28 14:05"))
        );
        assert_eq!(
            parse_in("2026-03-28T14:05Z", cet),
            Some(utc("2026-03-28 14:05"))
        );
        assert_eq!(
            parse_in("2026-03-28 14:05-05:00", cet),
            Some(utc("2026-03-28 19:05"))
        );
        assert_eq!(
            show_in(Some(utc("2026-03-28 13:05")), cet),
            "2026-03-28 14:05"
        );
        // The start's day is the day on the zone's clock: 23:30 UTC is 00:30 the next day
        // in CET, and 00:45 is on that day, not the one after.
        let start = parse_in("2026-03-29 00:30", cet);
        let landed = timeline_time("00:45", start, cet).unwrap();
        assert_eq!(landed.at, utc("2026-03-28 23:45"));
        assert!(!landed.next_day);
    }

    #[test]
    fn zones() {
        assert_eq!(Zone::parse("").unwrap(), Zone::UTC);
        assert_eq!(Zone::parse("utc").unwrap(), Zone::UTC);
        assert_eq!(Zone::parse("+05:30").unwrap().key(), "+05:30");
        assert_eq!(Zone::parse("+0530").unwrap().key(), "+05:30");
        assert_eq!(Zone::parse("-3").unwrap().key(), "-03:00");
        assert_eq!(Zone::parse("UTC+2").unwrap().label(), "UTC+02:00");
        assert!(Zone::parse("+05:17").is_err());
        assert!(Zone::parse("CET").is_err());
        assert_eq!(Zone::parse("\u{2212}05:00").unwrap().key(), "-05:00");
        assert_eq!(Zone::choices("+01:00").iter().filter(|c| c.2).count(), 1);
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
