//! Overdue action items remind people, so an agreed improvement is not quietly forgotten:
//! when an item is past its due date, its person (or, with nobody assigned, its squad's
//! product owner) hears of it; a week later its squad's product owner (or the tribe lead,
//! where the squad has none). Each reminder once (the `reminders` key), and only for items
//! everyone may read about — those of published post-mortems and closed retros — so a
//! reminder by mail reveals nothing.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::events::{self, Event, EventKind, Subject};
use crate::db::schema::{action_items, postmortems, reminders, retros, units};
use crate::db::{AnyConnection, EntityKind};
use crate::error::AppResult;
use crate::ids::{PersonId, UnitId};

/// An open, overdue item: (id, source kind, source id, title, squad, person, due).
type Overdue = (i64, String, i64, String, i64, Option<i64>, NaiveDate);

/// People with `role` in `unit` today.
fn with_role(
    c: &mut AnyConnection,
    unit: i64,
    role: &str,
    today: NaiveDate,
) -> AppResult<Vec<PersonId>> {
    Ok(
        crate::org::unit_repo::current_in(c, &[UnitId(unit)], today)?
            .into_iter()
            .filter(|m| m.role == role)
            .map(|m| m.person_id)
            .collect(),
    )
}

/// The tribe leads of a squad's tribe (in the tribe or its trio).
fn tribe_leads(c: &mut AnyConnection, squad: i64, today: NaiveDate) -> AppResult<Vec<PersonId>> {
    let tribe: Option<i64> = units::table
        .find(squad)
        .select(units::tribe_id)
        .first::<Option<i64>>(c)
        .optional()?
        .flatten();
    let Some(tribe) = tribe else {
        return Ok(vec![]);
    };
    let trios: Vec<i64> = units::table
        .filter(units::tribe_id.eq(tribe))
        .filter(units::kind.eq("trio"))
        .select(units::id)
        .load(c)?;
    let mut leads = with_role(c, tribe, "tribe lead", today)?;
    for trio in trios {
        leads.extend(with_role(c, trio, "tribe lead", today)?);
    }
    Ok(leads)
}

/// Who one stage of one item's reminder goes to.
fn recipients(
    c: &mut AnyConnection,
    item: &Overdue,
    stage: i32,
    today: NaiveDate,
) -> AppResult<Vec<PersonId>> {
    let (squad, person) = (item.4, item.5);
    let owners = with_role(c, squad, "product owner", today)?;
    Ok(match (stage, person) {
        (1, Some(p)) => vec![PersonId(p)],
        (1, None) => owners,
        _ if !owners.is_empty() => owners,
        _ => tribe_leads(c, squad, today)?,
    })
}

/// Makes the reminders now due; how many. Run by the notification worker.
pub fn queue_due(c: &mut AnyConnection, today: NaiveDate) -> AppResult<usize> {
    let overdue: Vec<Overdue> = action_items::table
        .filter(action_items::status.eq("open"))
        .filter(action_items::due_on.lt(today))
        .select((
            action_items::id,
            action_items::source_kind,
            action_items::source_id,
            action_items::title,
            action_items::squad_id,
            action_items::person_id,
            action_items::due_on.assume_not_null(),
        ))
        .load(c)?;
    if overdue.is_empty() {
        return Ok(0);
    }
    let published: BTreeSet<i64> = postmortems::table
        .filter(postmortems::status.eq("published"))
        .select(postmortems::id)
        .load::<i64>(c)?
        .into_iter()
        .collect();
    let closed: BTreeSet<i64> = retros::table
        .filter(retros::phase.eq("close"))
        .select(retros::id)
        .load::<i64>(c)?
        .into_iter()
        .collect();
    let done: BTreeSet<(i64, i32)> = reminders::table
        .select((reminders::item_id, reminders::stage))
        .load(c)?
        .into_iter()
        .collect();
    let mut made = 0;
    for item in &overdue {
        let open = match item.1.as_str() {
            "postmortem" => published.contains(&item.2),
            "retro" => closed.contains(&item.2),
            _ => false,
        };
        let stages: &[i32] = if item.6 <= today - Duration::days(7) {
            &[1, 2]
        } else {
            &[1]
        };
        for &stage in stages
            .iter()
            .filter(|s| open && !done.contains(&(item.0, **s)))
        {
            made += usize::from(remind(c, item, stage, today)?);
        }
    }
    Ok(made)
}

/// One stage of one item's reminder, if no instance made it yet.
fn remind(c: &mut AnyConnection, item: &Overdue, stage: i32, today: NaiveDate) -> AppResult<bool> {
    crate::db::write_transaction(c, |c| {
        let claimed = crate::per_backend!(c, |pc| diesel::insert_into(reminders::table)
            .values((
                reminders::item_id.eq(item.0),
                reminders::stage.eq(stage),
                reminders::created_at.eq(Utc::now().naive_utc()),
            ))
            .on_conflict_do_nothing()
            .execute(pc))?;
        if claimed == 0 {
            return Ok(false);
        }
        let mut people = recipients(c, item, stage, today)?;
        if stage == 2 {
            // Those the first reminder went to have heard of it.
            let first = recipients(c, item, 1, today)?;
            people.retain(|p| !first.contains(p));
        }
        // The first stage is news for chat even with nobody to remind; the second is not.
        if people.is_empty() && stage != 1 {
            return Ok(true);
        }
        let (kind, path) = match item.1.as_str() {
            "retro" => (EntityKind::Retro, "retros"),
            _ => (EntityKind::Postmortem, "postmortems"),
        };
        let days = (today - item.6).num_days();
        let mut event = Event::new(
            EventKind::ActionOverdue,
            Subject {
                kind,
                key: item.2.to_string(),
                title: item.3.clone(),
                url: format!("/{path}/{}", item.2),
            },
        );
        event.summary = format!(
            "Due {}: {days} day{} overdue.",
            item.6,
            if days == 1 { "" } else { "s" }
        );
        event.units = vec![UnitId(item.4)];
        event.people = people;
        event.announce = stage == 1;
        events::emit_reminder(c, &event)?;
        Ok(true)
    })
}
