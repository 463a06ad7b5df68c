//! Data repairs that must run just before a schema migration can apply: a constraint added
//! to an existing database first needs the rows that break it merged away. Each repair is
//! idempotent (it finds nothing to do the second time), runs in the migration's lock, and
//! says in one log line what it changed.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{health_sessions, health_votes};
use super::{AnyConnection, Change, EntityKind, Op, changelog, write_transaction};
use crate::error::AppResult;
use crate::ids::UnitId;

/// The migration that makes a squad's open health check unique per day.
pub const HEALTH_ONE_OPEN_SESSION: &str = "20261202000009";

/// The repair to run before migration `version`, if it has one.
pub fn before(version: &str) -> Option<fn(&mut AnyConnection) -> AppResult<()>> {
    match version {
        HEALTH_ONE_OPEN_SESSION => Some(merge_duplicate_health_sessions),
        _ => None,
    }
}

#[derive(Debug, Clone, Queryable)]
struct SessionRow {
    id: i64,
    squad_id: UnitId,
    held_on: NaiveDate,
    closed_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

/// Groups of sessions of one squad and day that ran at the same time: each was started while
/// an earlier one of its group was still open (several people pressed "Start" together, before
/// the unique index existed). A session started after all earlier ones closed begins a new
/// group: running a second check on the same day after closing the first is legitimate.
fn duplicate_groups(rows: &[SessionRow]) -> Vec<Vec<SessionRow>> {
    let mut by_day: BTreeMap<(UnitId, NaiveDate), Vec<SessionRow>> = BTreeMap::new();
    for r in rows {
        by_day
            .entry((r.squad_id, r.held_on))
            .or_default()
            .push(r.clone());
    }
    let mut groups = Vec::new();
    for (_, mut day) in by_day {
        day.sort_by_key(|r| r.id);
        let mut group: Vec<SessionRow> = Vec::new();
        // The moment the group's last session closed; `None` while one is still open.
        let mut open_until: Option<Option<NaiveDateTime>> = None;
        for r in day {
            let overlaps = match open_until {
                None => false,
                Some(None) => true,
                Some(Some(until)) => r.created_at < until,
            };
            if !overlaps && !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
            open_until = Some(match (open_until.filter(|_| overlaps), r.closed_at) {
                (Some(None), _) | (_, None) => None,
                (Some(Some(a)), Some(b)) => Some(a.max(b)),
                (None, Some(b)) => Some(b),
            });
            group.push(r);
        }
        groups.push(group);
    }
    groups.retain(|g| g.len() > 1);
    groups
}

/// Merges each group of concurrent health-check sessions into its earliest session. Votes
/// move across; where one person voted the same indicator in two sessions of a group, the
/// vote in the earliest of them stays and the other is dropped and named in the log line.
/// The merged session stays open if any of the group was still open (people were still
/// voting), else it closes when the last of them closed.
pub fn merge_duplicate_health_sessions(conn: &mut AnyConnection) -> AppResult<()> {
    write_transaction(conn, |c| {
        let rows: Vec<SessionRow> = health_sessions::table
            .select((
                health_sessions::id,
                health_sessions::squad_id,
                health_sessions::held_on,
                health_sessions::closed_at,
                health_sessions::created_at,
            ))
            .load(c)?;
        let groups = duplicate_groups(&rows);
        if groups.is_empty() {
            return Ok(());
        }
        let mut merged = 0;
        let mut dropped: Vec<String> = Vec::new();
        let mut changes = Vec::new();
        for group in &groups {
            let keep = group[0].id;
            let closed_at = group
                .iter()
                .map(|r| r.closed_at)
                .try_fold(None, |max: Option<NaiveDateTime>, c| {
                    c.map(|c| Some(max.map_or(c, |m| m.max(c))))
                })
                .flatten();
            for dup in &group[1..] {
                move_votes(c, dup.id, keep, &mut dropped)?;
                diesel::delete(health_sessions::table.find(dup.id)).execute(c)?;
                changes.push(Change::new(
                    EntityKind::HealthSession,
                    dup.id.to_string(),
                    Op::Delete,
                ));
                merged += 1;
            }
            diesel::update(health_sessions::table.find(keep))
                .set(health_sessions::closed_at.eq(closed_at))
                .execute(c)?;
            changes.push(Change::new(
                EntityKind::HealthSession,
                keep.to_string(),
                Op::Update,
            ));
        }
        changelog::append(c, None, &changes)?;
        tracing::warn!(
            merged,
            into = groups.len(),
            dropped_votes = dropped.len(),
            "merged {merged} duplicate health-check sessions into {} (the earliest of each \
             squad and day); votes dropped because the same person had voted the same indicator \
             in an earlier session of the group: {}",
            groups.len(),
            if dropped.is_empty() {
                "none".to_string()
            } else {
                dropped.join(", ")
            }
        );
        Ok(())
    })
}

/// Moves session `from`'s votes to session `to`; a vote whose person already voted that
/// indicator in `to` is dropped (and named in `dropped`).
fn move_votes(
    c: &mut AnyConnection,
    from: i64,
    to: i64,
    dropped: &mut Vec<String>,
) -> AppResult<()> {
    let kept: Vec<(i64, i64)> = health_votes::table
        .filter(health_votes::session_id.eq(to))
        .select((health_votes::person_id, health_votes::indicator_id))
        .load(c)?;
    let theirs: Vec<(i64, i64)> = health_votes::table
        .filter(health_votes::session_id.eq(from))
        .select((health_votes::person_id, health_votes::indicator_id))
        .load(c)?;
    for (person, indicator) in theirs {
        let vote = health_votes::table
            .filter(health_votes::session_id.eq(from))
            .filter(health_votes::person_id.eq(person))
            .filter(health_votes::indicator_id.eq(indicator));
        if kept.contains(&(person, indicator)) {
            diesel::delete(vote).execute(c)?;
            dropped.push(format!(
                "session {from} person {person} indicator {indicator}"
            ));
        } else {
            diesel::update(vote)
                .set(health_votes::session_id.eq(to))
                .execute(c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("valid time")
    }

    fn row(id: i64, squad: i64, created: u32, closed: Option<u32>) -> SessionRow {
        SessionRow {
            id,
            squad_id: UnitId(squad),
            held_on: at(0).date(),
            closed_at: closed.map(at),
            created_at: at(created),
        }
    }

    fn ids(groups: &[Vec<SessionRow>]) -> Vec<Vec<i64>> {
        groups
            .iter()
            .map(|g| g.iter().map(|r| r.id).collect())
            .collect()
    }

    #[test]
    fn concurrent_sessions_group_and_a_later_check_stands_alone() {
        let rows = vec![
            row(1, 7, 9, Some(10)),
            row(2, 7, 9, None),
            row(3, 7, 9, Some(11)),
            row(4, 8, 9, Some(10)),
            // Squad 8 ran a second check after the first closed: not a duplicate.
            row(5, 8, 12, None),
        ];
        assert_eq!(ids(&duplicate_groups(&rows)), vec![vec![1, 2, 3]]);
    }

    #[test]
    fn a_chain_of_overlaps_is_one_group() {
        // 2 started while 1 was open, 3 while 2 was open (1 had closed by then).
        let rows = vec![
            row(1, 7, 9, Some(10)),
            row(2, 7, 9, Some(13)),
            row(3, 7, 12, Some(14)),
            row(4, 7, 15, None),
        ];
        assert_eq!(ids(&duplicate_groups(&rows)), vec![vec![1, 2, 3]]);
    }
}
