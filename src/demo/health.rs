//! Demo health checks: every squad held one per quarter over the last three completed
//! quarters, all closed, voted by the people in the squad on that day. Each squad has a
//! story — improving, slipping, steady, or steady with one sore point and one bright spot —
//! so the tribe heatmaps and the trend lines have something to say. Deterministic: the votes
//! come from a hash of squad, indicator, quarter and person, not from a random generator.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::health::model::{Color, Trend};
use crate::health::repo;
use crate::ids::PersonId;
use crate::org::unit::{Role, UnitKind};
use crate::org::unit_repo as units;

/// A pair of comments on one indicator: for a red vote and for a green one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Comment {
    red: String,
    green: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Texts {
    comments: Vec<Comment>,
}

fn comments() -> AppResult<Vec<Comment>> {
    demo_data!("health").map(|t: Texts| t.comments)
}

/// A squad's story over the three quarters.
#[derive(Clone, Copy)]
enum Story {
    Improving,
    Slipping,
    Steady,
    /// Steady, with one indicator going down and another going up.
    Mixed,
}

impl Story {
    fn of(squad: usize) -> Story {
        [
            Story::Improving,
            Story::Slipping,
            Story::Steady,
            Story::Mixed,
        ][squad % 4]
    }

    /// How much an indicator's level moves per quarter.
    fn drift(self, squad: usize, indicator: usize) -> f64 {
        match self {
            Story::Improving => 0.3 + 0.2 * (indicator % 2) as f64,
            Story::Slipping => -0.3 - 0.2 * ((indicator + 1) % 2) as f64,
            Story::Steady => 0.0,
            Story::Mixed => match (squad + indicator) % 5 {
                0 => -0.55,
                1 => 0.55,
                _ => 0.0,
            },
        }
    }
}

/// splitmix64: a well-mixed, deterministic number from a few small ones.
fn hash(parts: &[u64]) -> u64 {
    let mut z = parts.iter().fold(0x9e37_79b9_7f4a_7c15u64, |h, p| {
        h.rotate_left(17) ^ p.wrapping_mul(0xbf58_476d_1ce4_e5b9)
    });
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A number in [0, 1) from `parts`.
fn unit(parts: &[u64]) -> f64 {
    (hash(parts) >> 11) as f64 / (1u64 << 53) as f64
}

/// The first days of the `n` quarters before the one `today` is in, oldest first.
fn quarters_before(today: NaiveDate, n: u32) -> AppResult<Vec<NaiveDate>> {
    let current = today.year() * 4 + (today.month0() / 3) as i32;
    (1..=n as i32)
        .rev()
        .map(|back| {
            let q = current - back;
            NaiveDate::from_ymd_opt(q.div_euclid(4), q.rem_euclid(4) as u32 * 3 + 1, 1)
                .ok_or_else(|| AppError::internal("demo quarter"))
        })
        .collect()
}

fn color(value: f64) -> Color {
    if value >= 1.45 {
        Color::Green
    } else if value >= 0.65 {
        Color::Yellow
    } else {
        Color::Red
    }
}

fn trend(drift: f64, r: f64) -> Trend {
    let (likely, unlikely) = if drift > 0.0 {
        (Trend::Better, Trend::Worse)
    } else if drift < 0.0 {
        (Trend::Worse, Trend::Better)
    } else {
        return match r {
            r if r < 0.7 => Trend::Same,
            r if r < 0.85 => Trend::Better,
            _ => Trend::Worse,
        };
    };
    match r {
        r if r < 0.6 => likely,
        r if r < 0.9 => Trend::Same,
        _ => unlikely,
    }
}

/// Loads the demo health checks; returns how many sessions it wrote.
pub fn load(conn: &mut AnyConnection) -> AppResult<usize> {
    let comments = comments()?;
    let indicators: Vec<i64> = repo::indicators(conn)?
        .iter()
        .filter(|i| !i.retired)
        .map(|i| i.id)
        .collect();
    let quarters = quarters_before(crate::dates::today(), 3)?;
    let mut written = 0;
    for (s, squad) in units::units_of_kind(conn, UnitKind::Squad)?
        .iter()
        .enumerate()
    {
        let memberships = units::memberships_of_unit(conn, squad.id)?;
        // The tribe's agile coach runs the sessions; a squad without one runs its own.
        let coach = match squad.tribe_id {
            Some(t) => units::memberships_of_unit(conn, t)?
                .into_iter()
                .find(|(m, _)| m.role() == Role::AgileCoach)
                .map(|(m, _)| m.person_id),
            None => None,
        };
        let story = Story::of(s);
        for (q, start) in quarters.iter().enumerate() {
            // Mid-quarter, on a different day for each squad.
            let held_on = *start + Duration::days(35 + (s % 20) as i64);
            let mut people: Vec<PersonId> = memberships
                .iter()
                .filter(|(m, _)| m.is_current(held_on))
                .map(|(m, _)| m.person_id)
                .collect();
            people.sort_unstable();
            people.dedup();
            let Some(facilitator) = coach.or(people.first().copied()) else {
                continue;
            };
            let votes: Vec<_> = people
                .iter()
                .map(|&p| {
                    let theirs = indicators
                        .iter()
                        .enumerate()
                        .map(|(i, &id)| {
                            let key = [s as u64, i as u64, q as u64, p.get() as u64];
                            let base = 0.5 + 1.2 * unit(&[s as u64, i as u64, 7]);
                            let drift = story.drift(s, i);
                            let level = base + drift * (q as f64 - 1.0);
                            let c = color(level + 1.2 * (unit(&key) - 0.5));
                            let t = trend(drift, unit(&[key[0], key[1], key[2], key[3], 1]));
                            let comment = if unit(&[key[0], key[1], key[2], key[3], 2]) < 0.07 {
                                let Comment { red, green } = &comments[i % comments.len()];
                                match c {
                                    Color::Red => red.as_str(),
                                    Color::Green => green.as_str(),
                                    Color::Yellow => "",
                                }
                            } else {
                                ""
                            };
                            (id, c, Some(t), comment.to_string())
                        })
                        .collect();
                    (p, theirs)
                })
                .collect();
            let closed_at = (held_on + Duration::days(1))
                .and_hms_opt(16, 0, 0)
                .ok_or_else(|| AppError::internal("demo time"))?;
            repo::insert_closed(conn, facilitator, squad.id, held_on, closed_at, &votes)?;
            written += 1;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_whole_quarters_before_today() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            quarters_before(d("2026-02-10"), 3).unwrap(),
            [d("2025-04-01"), d("2025-07-01"), d("2025-10-01")]
        );
        assert_eq!(
            quarters_before(d("2026-12-31"), 3).unwrap(),
            [d("2026-01-01"), d("2026-04-01"), d("2026-07-01")]
        );
    }

    #[test]
    fn votes_are_deterministic_and_spread() {
        assert_eq!(hash(&[1, 2, 3]), hash(&[1, 2, 3]));
        assert_ne!(hash(&[1, 2, 3]), hash(&[3, 2, 1]));
        let colors: Vec<Color> = (0..200)
            .map(|p| color(1.0 + 1.2 * (unit(&[p]) - 0.5)))
            .collect();
        for c in Color::ALL {
            assert!(colors.contains(c), "{c:?} never comes up");
        }
    }
}
