//! `fika seed --lessons N`: realistic lessons for load tests and demos of search at scale —
//! varied vocabulary and lengths, filed under the units that exist, tagged, written by the
//! people that exist, dated over the last three years. Deterministic for a given database.

mod text;
mod vocabulary;

use chrono::{Duration, Utc};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::model::{LessonInput, Source};
use super::repo;
use crate::db::schema::{lessons, people, units};
use crate::db::{AnyConnection, write_transaction};
use crate::error::AppResult;
use crate::ids::{PersonId, UnitId};

/// Lessons per transaction: big enough to be fast, small enough to keep locks short for a
/// server running next to the seed.
const BATCH: usize = 250;

/// Adds `n` generated lessons; returns how many.
pub fn seed_lessons(c: &mut AnyConnection, n: usize, show_progress: bool) -> AppResult<usize> {
    let unit_ids: Vec<UnitId> = units::table
        .filter(units::kind.eq_any(["squad", "chapter", "guild", "tribe"]))
        .order(units::id)
        .select(units::id)
        .load(c)?;
    let authors: Vec<PersonId> = people::table
        .filter(people::disabled.eq(false))
        .order(people::id)
        .limit(5000)
        .select(people::id)
        .load(c)?;
    let existing: i64 = lessons::table.count().get_result(c)?;
    let mut rng = StdRng::seed_from_u64(0x_f1ca_u64 ^ existing as u64);
    let template = "{bar:40} {pos}/{len} lessons  {elapsed_precise}  {per_sec}";
    let bar = crate::progress::bar(n as u64, show_progress, template)?;
    let now = Utc::now().naive_utc();
    let mut made = 0;
    while made < n {
        let batch = BATCH.min(n - made);
        write_transaction(c, |c| {
            for _ in 0..batch {
                let (author, input) = generated(&mut rng, &unit_ids, &authors);
                let l = repo::create(c, author, &input)?;
                let when = now - Duration::minutes(rng.random_range(0..3 * 365 * 24 * 60));
                diesel::update(lessons::table.find(l.id))
                    .set((lessons::created_at.eq(when), lessons::updated_at.eq(when)))
                    .execute(c)?;
            }
            // Generated lessons are back-dated history, not news for anyone's inbox.
            crate::db::events::settle(c)?;
            Ok(())
        })?;
        made += batch;
        bar.set_position(made as u64);
    }
    bar.finish_and_clear();
    Ok(made)
}

/// One generated lesson with its author: its text, then one or two of `unit_ids`, a source and
/// one of `authors`, drawn in that order (the order is part of the output).
fn generated(
    rng: &mut StdRng,
    unit_ids: &[UnitId],
    authors: &[PersonId],
) -> (Option<PersonId>, LessonInput) {
    let (title, body, tags) = text::lesson(rng);
    let mut units = Vec::new();
    if !unit_ids.is_empty() {
        for _ in 0..rng.random_range(1..3) {
            units.push(unit_ids[rng.random_range(0..unit_ids.len())]);
        }
        units.sort_unstable();
        units.dedup();
    }
    let source = match rng.random_range(0..10) {
        0..=4 => Source::Alone,
        5 | 6 => Source::Postmortem(format!("pm-{}", rng.random_range(1..400))),
        7 | 8 => Source::Retro(format!("retro-{}", rng.random_range(1..900))),
        _ => Source::Experiment(format!("exp-{}", rng.random_range(1..300))),
    };
    let author = (!authors.is_empty()).then(|| authors[rng.random_range(0..authors.len())]);
    let input = LessonInput {
        title,
        body,
        source,
        summary: "Seeded".into(),
        tags,
        units,
    };
    (author, input)
}
