//! The notification tables: events waiting to be dispatched, who watches what, the inbox, and
//! each person's settings.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::NotificationKind;
use crate::db::AnyConnection;
use crate::db::schema::{events, notification_settings, notifications, people, units, watches};
use crate::error::AppResult;
use crate::ids::{PersonId, UnitId};
use crate::org::unit_repo::{current_in, current_of};

pub use crate::db::events::EventRow;

/// Claims up to `limit` events not yet dispatched, oldest first, inside the caller's write
/// transaction. On PostgreSQL the rows are locked and rows another instance holds are skipped,
/// so each event is dispatched by one instance; SQLite's single writer does the same.
pub fn claim_pending(conn: &mut AnyConnection, limit: i64) -> AppResult<Vec<EventRow>> {
    // One query per backend: only PostgreSQL has `FOR UPDATE SKIP LOCKED`.
    macro_rules! pending {
        () => {
            events::table
                .filter(events::dispatched_at.is_null())
                .order(events::id)
                .limit(limit)
                .select(EventRow::as_select())
        };
    }
    Ok(match conn {
        AnyConnection::Postgresql(c) => pending!().for_update().skip_locked().load(c)?,
        AnyConnection::Sqlite(c) => pending!().load(c)?,
    })
}

pub fn mark_dispatched(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<()> {
    diesel::update(events::table.filter(events::id.eq_any(ids)))
        .set(events::dispatched_at.eq(Utc::now().naive_utc()))
        .execute(conn)?;
    Ok(())
}

/// How many events wait for the dispatcher (for the health of the pipeline).
pub fn backlog(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(events::table
        .filter(events::dispatched_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Per target, the people who chose to watch it (`true`) or to stop watching it (`false`).
pub fn watch_choices(
    conn: &mut AnyConnection,
    targets: &[String],
) -> AppResult<Vec<(PersonId, String, bool)>> {
    Ok(watches::table
        .filter(watches::target.eq_any(targets))
        .select((watches::person_id, watches::target, watches::watching))
        .load::<(i64, String, bool)>(conn)?
        .into_iter()
        .map(|(p, t, w)| (PersonId(p), t, w))
        .collect())
}

/// One person's choice on one target, if they made one.
pub fn watch_choice(
    conn: &mut AnyConnection,
    person: PersonId,
    target: &str,
) -> AppResult<Option<bool>> {
    Ok(watches::table
        .filter(watches::person_id.eq(person.0))
        .filter(watches::target.eq(target))
        .select(watches::watching)
        .first(conn)
        .optional()?)
}

pub fn set_watch(
    conn: &mut AnyConnection,
    person: PersonId,
    target: &str,
    watching: bool,
) -> AppResult<()> {
    let now = Utc::now().naive_utc();
    crate::per_backend!(conn, |c| diesel::insert_into(watches::table)
        .values((
            watches::person_id.eq(person.0),
            watches::target.eq(target),
            watches::watching.eq(watching),
            watches::created_at.eq(now),
        ))
        .on_conflict((watches::person_id, watches::target))
        .do_update()
        .set(watches::watching.eq(watching))
        .execute(c))?;
    Ok(())
}

/// A unit as the dispatcher names it.
pub struct UnitBrief {
    pub name: String,
    pub tribe: Option<UnitId>,
}

/// Units' names and tribes, by id.
pub fn units_of(
    conn: &mut AnyConnection,
    ids: &[UnitId],
) -> AppResult<BTreeMap<UnitId, UnitBrief>> {
    Ok(units::table
        .filter(units::id.eq_any(ids.iter().map(|u| u.0).collect::<Vec<_>>()))
        .select((units::id, units::name, units::tribe_id))
        .load::<(i64, String, Option<i64>)>(conn)?
        .into_iter()
        .map(|(id, name, tribe)| {
            let tribe = tribe.map(UnitId);
            (UnitId(id), UnitBrief { name, tribe })
        })
        .collect())
}

/// The units a person belongs to today, with the tribes of their squads and chapters: what
/// they watch without choosing to.
pub fn own_units(conn: &mut AnyConnection, person: PersonId) -> AppResult<BTreeSet<UnitId>> {
    let today = crate::dates::today();
    let mine: Vec<i64> = current_of(conn, person, today)?
        .iter()
        .map(|m| m.unit_id.0)
        .collect();
    let rows: Vec<(i64, Option<i64>)> = units::table
        .filter(units::id.eq_any(mine))
        .filter(units::kind.eq_any(WATCHED_KINDS))
        .select((units::id, units::tribe_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .flat_map(|(id, tribe)| [Some(id), tribe].into_iter().flatten())
        .map(UnitId)
        .collect())
}

/// The units a person chose to watch.
pub fn watched_units(conn: &mut AnyConnection, person: PersonId) -> AppResult<BTreeSet<UnitId>> {
    Ok(watches::table
        .filter(watches::person_id.eq(person.0))
        .filter(watches::watching.eq(true))
        .filter(watches::target.like("unit:%"))
        .select(watches::target)
        .load::<String>(conn)?
        .iter()
        .filter_map(|t| t.strip_prefix("unit:")?.parse().ok())
        .collect())
}

/// The kinds of unit their members watch by default.
const WATCHED_KINDS: [&str; 3] = ["squad", "tribe", "chapter"];

/// Today's members of the units, by unit; a tribe's members include those of its squads and
/// chapters. Only squads, tribes and chapters are watched by their members by default.
pub fn default_unit_watchers(
    conn: &mut AnyConnection,
    ids: &[UnitId],
) -> AppResult<Vec<(PersonId, UnitId)>> {
    let wanted: Vec<i64> = ids.iter().map(|u| u.0).collect();
    let teams: Vec<(i64, Option<i64>)> = units::table
        .filter(
            units::id
                .eq_any(&wanted)
                .or(units::tribe_id.eq_any(&wanted)),
        )
        .filter(units::kind.eq_any(WATCHED_KINDS))
        .select((units::id, units::tribe_id))
        .load(conn)?;
    let team_ids: Vec<UnitId> = teams.iter().map(|(id, _)| UnitId(*id)).collect();
    let mut out = Vec::new();
    for m in current_in(conn, &team_ids, crate::dates::today())? {
        let tribe = teams
            .iter()
            .find(|(id, _)| *id == m.unit_id.0)
            .and_then(|(_, t)| *t);
        if wanted.contains(&m.unit_id.0) {
            out.push((m.person_id, m.unit_id));
        }
        if let Some(t) = tribe.filter(|t| wanted.contains(t)) {
            out.push((m.person_id, UnitId(t)));
        }
    }
    Ok(out)
}

/// Of these people, the ones who are active (disabled people hear nothing).
pub fn active(conn: &mut AnyConnection, ids: &[PersonId]) -> AppResult<BTreeSet<PersonId>> {
    Ok(people::table
        .filter(people::id.eq_any(ids.iter().map(|p| p.0).collect::<Vec<_>>()))
        .filter(people::disabled.eq(false))
        .select(people::id)
        .load::<i64>(conn)?
        .into_iter()
        .map(PersonId)
        .collect())
}

/// Of these people, the active ones with an e-mail address, by id: whom mail can reach.
pub fn addresses(
    conn: &mut AnyConnection,
    ids: &[PersonId],
) -> AppResult<BTreeMap<PersonId, super::letters::Recipient>> {
    let rows: Vec<(i64, Option<String>, String)> = people::table
        .filter(people::id.eq_any(ids.iter().map(|p| p.0).collect::<Vec<_>>()))
        .filter(people::disabled.eq(false))
        .filter(people::email.is_not_null())
        .select((people::id, people::email, people::display_name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, email, name)| {
            let email = email.filter(|e| !e.trim().is_empty())?;
            let id = PersonId(id);
            Some((id, super::letters::Recipient { id, email, name }))
        })
        .collect())
}

/// A person's display name, for "Alice's lessons".
pub fn display_name(conn: &mut AnyConnection, id: PersonId) -> AppResult<Option<String>> {
    Ok(people::table
        .find(id.0)
        .select(people::display_name)
        .first(conn)
        .optional()?)
}

/// Settings as chosen, by person and kind: (inbox, mail). Kinds without a row take their
/// defaults.
pub fn settings_of(
    conn: &mut AnyConnection,
    ids: &[PersonId],
) -> AppResult<BTreeMap<(PersonId, String), (bool, bool)>> {
    Ok(notification_settings::table
        .filter(
            notification_settings::person_id.eq_any(ids.iter().map(|p| p.0).collect::<Vec<_>>()),
        )
        .select((
            notification_settings::person_id,
            notification_settings::kind,
            notification_settings::inbox,
            notification_settings::mail,
        ))
        .load::<(i64, String, bool, bool)>(conn)?
        .into_iter()
        .map(|(p, k, i, m)| ((PersonId(p), k), (i, m)))
        .collect())
}

pub fn set_setting(
    conn: &mut AnyConnection,
    person: PersonId,
    kind: NotificationKind,
    inbox: bool,
    mail: bool,
) -> AppResult<()> {
    crate::per_backend!(conn, |c| diesel::insert_into(notification_settings::table)
        .values((
            notification_settings::person_id.eq(person.0),
            notification_settings::kind.eq(kind.key()),
            notification_settings::inbox.eq(inbox),
            notification_settings::mail.eq(mail),
        ))
        .on_conflict((
            notification_settings::person_id,
            notification_settings::kind
        ))
        .do_update()
        .set((
            notification_settings::inbox.eq(inbox),
            notification_settings::mail.eq(mail),
        ))
        .execute(c))?;
    Ok(())
}

/// People who have an unread notification about this event's subject: a second edit of a
/// page adds nothing to an inbox that has not read the first, nor "new lesson" to one that
/// has just been told of a mention in it.
pub fn unread_about(
    conn: &mut AnyConnection,
    event: &EventRow,
    people: &[PersonId],
) -> AppResult<BTreeSet<PersonId>> {
    Ok(notifications::table
        .inner_join(events::table)
        .filter(notifications::person_id.eq_any(people.iter().map(|p| p.0).collect::<Vec<_>>()))
        .filter(notifications::read_at.is_null())
        .filter(events::subject_kind.eq(&event.subject_kind))
        .filter(events::subject_key.eq(&event.subject_key))
        .select(notifications::person_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(PersonId)
        .collect())
}

/// People already told of something at this address (a comment that mentioned them, so
/// its "new comment" would tell them twice).
pub fn told_of(
    conn: &mut AnyConnection,
    url: &str,
    people: &[PersonId],
) -> AppResult<BTreeSet<PersonId>> {
    Ok(notifications::table
        .inner_join(events::table)
        .filter(notifications::person_id.eq_any(people.iter().map(|p| p.0).collect::<Vec<_>>()))
        .filter(events::url.eq(url))
        .select(notifications::person_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(PersonId)
        .collect())
}

/// Puts one notification into a person's inbox; a second one for the same event is
/// ignored, so a dispatch repeated after a crash adds nothing.
pub fn deliver(
    conn: &mut AnyConnection,
    person: PersonId,
    event: &EventRow,
    kind: NotificationKind,
    reason: &str,
) -> AppResult<()> {
    let now = Utc::now().naive_utc();
    crate::per_backend!(conn, |c| diesel::insert_into(notifications::table)
        .values((
            notifications::person_id.eq(person.0),
            notifications::event_id.eq(event.id),
            notifications::kind.eq(kind.key()),
            notifications::reason.eq(reason),
            notifications::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// One notification as the inbox shows it.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub reason: String,
    pub read: bool,
    pub event: EventRow,
    pub actor: Option<String>,
}

/// A page of a person's inbox, newest first; `unread_only` leaves the read ones out.
pub fn inbox(
    conn: &mut AnyConnection,
    person: PersonId,
    unread_only: bool,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<Item>> {
    let mut q = notifications::table
        .inner_join(events::table)
        .left_join(people::table.on(people::id.nullable().eq(events::actor_id)))
        .filter(notifications::person_id.eq(person.0))
        .into_boxed();
    if unread_only {
        q = q.filter(notifications::read_at.is_null());
    }
    if let Some(b) = before {
        q = q.filter(notifications::id.lt(b));
    }
    type Row = (i64, String, Option<NaiveDateTime>, EventRow, Option<String>);
    let rows: Vec<Row> = q
        .order(notifications::id.desc())
        .limit(limit)
        .select((
            notifications::id,
            notifications::reason,
            notifications::read_at,
            EventRow::as_select(),
            people::display_name.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, reason, read_at, event, actor)| Item {
            id,
            reason,
            read: read_at.is_some(),
            event,
            actor,
        })
        .collect())
}

/// How many notifications a person has (unread ones only, with `unread_only`).
pub fn inbox_count(
    conn: &mut AnyConnection,
    person: PersonId,
    unread_only: bool,
) -> AppResult<usize> {
    let mut q = notifications::table
        .filter(notifications::person_id.eq(person.0))
        .into_boxed();
    if unread_only {
        q = q.filter(notifications::read_at.is_null());
    }
    let n: i64 = q.count().get_result(conn)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// One of a person's notifications, by id (none for someone else's).
pub fn item(conn: &mut AnyConnection, person: PersonId, id: i64) -> AppResult<Option<Item>> {
    let found: Option<(Option<NaiveDateTime>, String, EventRow)> = notifications::table
        .inner_join(events::table)
        .filter(notifications::id.eq(id))
        .filter(notifications::person_id.eq(person.0))
        .select((
            notifications::read_at,
            notifications::reason,
            EventRow::as_select(),
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(|(read_at, reason, event)| Item {
        id,
        reason,
        read: read_at.is_some(),
        event,
        actor: None,
    }))
}

/// Whether notification `id` is `person`'s.
pub fn is_theirs(conn: &mut AnyConnection, person: PersonId, id: i64) -> AppResult<bool> {
    let n: i64 = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::person_id.eq(person.0))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Marks one notification (or, with `None`, all) of a person read; the number marked.
pub fn mark_read(conn: &mut AnyConnection, person: PersonId, id: Option<i64>) -> AppResult<usize> {
    let mut q = diesel::update(notifications::table)
        .filter(notifications::person_id.eq(person.0))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(notifications::id.eq(id));
    }
    Ok(q.set(notifications::read_at.eq(Utc::now().naive_utc()))
        .execute(conn)?)
}
