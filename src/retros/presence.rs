//! Who has a retro board open now. The live page asks the server about the board every
//! second, and every page load and poll of a signed-in person counts as "here"; whoever has
//! not asked for a while has left. Kept in the database (`retro_presence`), so that every
//! instance behind one proxy sees the same room; each instance writes a person's time at most
//! every few seconds, so a room of polling browsers costs reads, not a write a second each.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::retro_presence;
use crate::error::AppResult;
use crate::ids::PersonId;

/// How long after their last poll someone still counts as here: long enough to outlast a
/// slow network or a background tab's slowed timers, short enough that leaving shows.
const STAYS: Duration = Duration::from_secs(20);

/// How often one instance writes that a person is still here.
const REFRESH: Duration = Duration::from_secs(5);

/// When this instance last wrote each (retro, person): the throttle on writes.
#[derive(Default)]
pub struct Presence {
    written: Mutex<HashMap<(i64, PersonId), Instant>>,
}

impl Presence {
    /// Notes that `person` looks at the board of `retro` now, and returns who is here (in id
    /// order, `person` included).
    pub fn here(
        &self,
        conn: &mut AnyConnection,
        retro: i64,
        person: Option<PersonId>,
    ) -> AppResult<Vec<PersonId>> {
        let now = Utc::now().naive_utc();
        if let Some(p) = person
            && self.due(retro, p, Instant::now())
        {
            seen(conn, retro, p, now)?;
        }
        let since = now - chrono::Duration::from_std(STAYS).unwrap_or_default();
        Ok(retro_presence::table
            .filter(retro_presence::retro_id.eq(retro))
            .filter(retro_presence::seen_at.gt(since))
            .order(retro_presence::person_id)
            .select(retro_presence::person_id)
            .load::<PersonId>(conn)?)
    }

    /// Whether this instance should write (retro, person) again, noting that it will.
    fn due(&self, retro: i64, person: PersonId, now: Instant) -> bool {
        // A poisoned lock only means another request panicked mid-update; the map is still
        // a usable record of what was written.
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if written.len() > 10_000 {
            written.retain(|_, at| now.saturating_duration_since(*at) < STAYS);
        }
        match written.get(&(retro, person)) {
            Some(at) if now.saturating_duration_since(*at) < REFRESH => false,
            _ => {
                written.insert((retro, person), now);
                true
            }
        }
    }
}

/// Writes that `person` saw the board at `now` (not in the change log: nothing but the
/// board's head reads it).
fn seen(
    conn: &mut AnyConnection,
    retro: i64,
    person: PersonId,
    now: NaiveDateTime,
) -> AppResult<()> {
    crate::per_backend!(conn, |c| diesel::insert_into(retro_presence::table)
        .values((
            retro_presence::retro_id.eq(retro),
            retro_presence::person_id.eq(person),
            retro_presence::seen_at.eq(now),
        ))
        .on_conflict((retro_presence::retro_id, retro_presence::person_id))
        .do_update()
        .set(retro_presence::seen_at.eq(now))
        .execute(c))?;
    Ok(())
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
    fn each_instance_writes_a_person_at_most_every_few_seconds() {
        let p = Presence::default();
        let t0 = Instant::now();
        let (a, b) = (PersonId(1), PersonId(2));
        assert!(p.due(7, a, t0));
        assert!(!p.due(7, a, t0 + Duration::from_secs(4)), "just written");
        assert!(p.due(7, b, t0 + Duration::from_secs(4)), "another person");
        assert!(p.due(8, a, t0 + Duration::from_secs(4)), "another board");
        assert!(p.due(7, a, t0 + Duration::from_secs(6)));
        assert_eq!(key(&[a, b]), "1-2");
    }
}
