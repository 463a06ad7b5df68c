//! Who has a retro board open now. The live page asks the server about the board every
//! second, and every page load and poll of a signed-in person counts as "here"; whoever has
//! not asked for a while has left. Kept in memory: presence is about this minute, and a
//! restart forgets nobody who is still looking (their next poll brings them back).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::ids::PersonId;

/// How long after their last poll someone still counts as here: long enough to outlast a
/// slow network or a background tab's slowed timers, short enough that leaving shows.
const STAYS: Duration = Duration::from_secs(20);

/// Per retro, when each person last looked at its board.
#[derive(Default)]
pub struct Presence {
    seen: Mutex<HashMap<i64, HashMap<PersonId, Instant>>>,
}

impl Presence {
    /// Notes that `person` looks at the board of `retro` now, and returns who is here (in id
    /// order, `person` included).
    pub fn here(&self, retro: i64, person: Option<PersonId>) -> Vec<PersonId> {
        self.at(retro, person, Instant::now())
    }

    fn at(&self, retro: i64, person: Option<PersonId>, now: Instant) -> Vec<PersonId> {
        // A poisoned lock only means another request panicked mid-update; the map is still
        // a usable picture of who was seen.
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let board = seen.entry(retro).or_default();
        if let Some(p) = person {
            board.insert(p, now);
        }
        board.retain(|_, at| now.saturating_duration_since(*at) < STAYS);
        let mut here: Vec<PersonId> = board.keys().copied().collect();
        if board.is_empty() {
            seen.remove(&retro);
        }
        here.sort();
        here
    }
}

/// Who is here, as the live page carries it and sends back when it polls: the ids, joined.
pub fn key(here: &[PersonId]) -> String {
    here.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_here_until_they_stop_looking() {
        let p = Presence::default();
        let t0 = Instant::now();
        let (a, b) = (PersonId(1), PersonId(2));
        assert_eq!(p.at(7, Some(b), t0), vec![b]);
        assert_eq!(p.at(7, Some(a), t0 + Duration::from_secs(5)), vec![a, b]);
        // Another board is another room.
        assert_eq!(p.at(8, None, t0), Vec::<PersonId>::new());
        // b stopped polling; a goes on.
        assert_eq!(p.at(7, Some(a), t0 + Duration::from_secs(21)), vec![a]);
        // Someone signed out looks, and is not counted.
        assert_eq!(p.at(7, None, t0 + Duration::from_secs(22)), vec![a]);
        assert!(p.at(7, None, t0 + Duration::from_secs(60)).is_empty());
        assert_eq!(key(&[a, b]), "1-2");
    }
}
