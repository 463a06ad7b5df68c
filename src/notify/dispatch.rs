//! The dispatcher: a thread of every `fika serve` that claims events from the outbox and turns
//! each into notifications for the people who hear of it — in one transaction per batch, so an
//! event is dispatched once whichever instance claims it, and again only if the instance died
//! before its commit (then the inbox's unique key makes the second delivery a no-op).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::letters::{self, MailContext};
use super::model::NotificationKind;
use super::outbox;
use super::repo::{self, EventRow};
use crate::db::events::EventKind;
use crate::db::{AnyConnection, Db, EntityKind};
use crate::error::AppResult;
use crate::ids::{PersonId, UnitId};

/// How long an idle dispatcher waits before looking again.
const POLL: Duration = Duration::from_millis(500);
/// Events claimed per transaction.
const BATCH: i64 = 50;

/// How often the dispatcher looks for overdue action items to remind of.
const REMIND_EVERY: Duration = Duration::from_secs(600);

/// Starts the dispatcher thread, which also makes the reminders of overdue action items
/// (at start, then every ten minutes). `hooks` is the public origin webhooks link to; none
/// when this instance has no public URL (then the one another instance recorded is used).
pub fn spawn(db: Db, mail: Option<MailContext>, hooks: Option<String>) -> Result<(), String> {
    let mut looked: Option<std::time::Instant> = None;
    crate::db::worker("notify", db, POLL, move |c| {
        if looked.is_none_or(|t| t.elapsed() >= REMIND_EVERY) {
            looked = Some(std::time::Instant::now());
            super::reminders::queue_due(c, crate::dates::today())?;
        }
        step(c, mail.as_ref(), hooks.as_deref())
    })
}

/// Dispatches one batch; the number of events it took. Each event's notifications, mail
/// and webhook deliveries are written in the transaction that marks it dispatched.
pub fn step(
    conn: &mut AnyConnection,
    mail: Option<&MailContext>,
    hooks: Option<&str>,
) -> AppResult<usize> {
    crate::db::write_transaction(conn, |c| {
        let batch = repo::claim_pending(c, BATCH)?;
        for event in &batch {
            dispatch(c, event, mail)?;
            // Also without a public URL of its own: an instance started without one must
            // not take news from the webhooks that other instances post.
            crate::webhooks::repo::enqueue(c, event, hooks)?;
        }
        let ids: Vec<i64> = batch.iter().map(|e| e.id).collect();
        if !ids.is_empty() {
            repo::mark_dispatched(c, &ids)?;
        }
        Ok(batch.len())
    })
}

/// Delivers one event to everyone who hears of it and has not turned its kind off: to the
/// inbox, and by mail to those who have an address and want this kind by mail.
fn dispatch(c: &mut AnyConnection, event: &EventRow, mail: Option<&MailContext>) -> AppResult<()> {
    // A kind this build does not know (a newer fika on the same database) is passed over.
    let Some(kind) = EventKind::parse(&event.kind) else {
        return Ok(());
    };
    let told_as = NotificationKind::of(kind);
    let mut who = audience(c, event, kind)?;
    if let Some(actor) = event.actor_id {
        who.remove(&actor);
    }
    let people: Vec<PersonId> = who.keys().copied().collect();
    let active = repo::active(c, &people)?;
    let settings = repo::settings_of(c, &people)?;
    // Mentions always arrive; a comment, unless its mentions told of it already; other
    // news of a subject waits behind unread news of it.
    let already = match kind {
        EventKind::Mentioned
        | EventKind::ReviewRequested
        | EventKind::ActionOverdue
        | EventKind::DecisionWaiting
        | EventKind::FeedbackAsked => BTreeSet::new(),
        EventKind::Commented => repo::told_of(c, &event.url, &people)?,
        _ => repo::unread_about(c, event, &people)?,
    };
    let addresses = match mail {
        Some(_) => repo::addresses(c, &people)?,
        None => Default::default(),
    };
    let actor = match event.actor_id {
        Some(a) => repo::display_name(c, a)?,
        None => None,
    };
    for (person, reason) in who {
        if !active.contains(&person) || already.contains(&person) {
            continue;
        }
        let (inbox, by_mail) = settings
            .get(&(person, told_as.key().to_string()))
            .copied()
            .unwrap_or(told_as.defaults());
        if inbox {
            repo::deliver(c, person, event, told_as, &reason)?;
        }
        if let (true, Some(ctx), Some(to)) = (by_mail, mail, addresses.get(&person)) {
            let letter = letters::letter(ctx, to, event, told_as, &reason, actor.as_deref())?;
            outbox::queue(c, &letter)?;
        }
    }
    Ok(())
}

/// Who hears of an event, each with the first reason that applies: named in it, watching
/// its subject, one of its teams (by choice or by belonging), its tags, or its writer.
fn audience(
    c: &mut AnyConnection,
    event: &EventRow,
    kind: EventKind,
) -> AppResult<BTreeMap<PersonId, String>> {
    let mut who = BTreeMap::new();
    let named = match kind {
        EventKind::Mentioned => Some("You were mentioned"),
        EventKind::ReviewRequested => Some("You may review it: you did not write it"),
        EventKind::ActionOverdue => Some("It is yours to see through"),
        EventKind::DecisionWaiting => Some("It is yours to decide"),
        EventKind::FeedbackAsked => Some("Your view was asked for"),
        _ => None,
    };
    if let Some(reason) = named {
        for p in event.person_ids() {
            who.insert(p, reason.to_string());
        }
        return Ok(who);
    }
    let subject = event.target();
    let filed = event.unit_ids();
    let mut units = repo::units_of(c, &filed)?;
    let tribes: Vec<UnitId> = units.values().filter_map(|u| u.tribe).collect();
    units.extend(repo::units_of(c, &tribes)?);
    let mut targets = vec![subject.clone()];
    targets.extend(units.keys().map(|u| format!("unit:{u}")));
    targets.extend(event.tag_list().iter().map(|t| format!("tag:{t}")));
    let writer = event
        .actor_id
        .filter(|_| kind == EventKind::LessonPublished);
    targets.extend(writer.map(|p| format!("person:{p}")));
    let choices = repo::watch_choices(c, &targets)?;
    let stopped: BTreeSet<(PersonId, &str)> = choices
        .iter()
        .filter(|(_, _, watching)| !watching)
        .map(|(p, t, _)| (*p, t.as_str()))
        .collect();
    let unit_name = |u: UnitId| units.get(&u).map(|u| u.name.clone());
    let subject_kind = EntityKind::parse(&event.subject_kind).map_or("record", |k| k.label());
    let writer_name = match writer {
        Some(p) => repo::display_name(c, p)?,
        None => None,
    };
    // Targets in order of how specific they are; the first reason a person has is theirs.
    for target in &targets {
        for (p, _, _) in choices.iter().filter(|(_, t, w)| *w && t == target) {
            let reason = match target.split_once(':') {
                _ if *target == subject => format!("You watch this {subject_kind}"),
                Some(("unit", id)) => {
                    let name = id.parse().ok().and_then(unit_name).unwrap_or_default();
                    format!("You watch {name}")
                }
                Some(("tag", tag)) => format!("You watch the tag {tag}"),
                Some(("person", _)) => format!(
                    "You watch {}'s lessons",
                    writer_name.as_deref().unwrap_or("their")
                ),
                _ => continue,
            };
            who.entry(*p).or_insert(reason);
        }
        let unit = target.strip_prefix("unit:").and_then(|u| u.parse().ok());
        if let Some(id) = unit.filter(|id| filed.contains(id)) {
            for (p, _) in repo::default_unit_watchers(c, &[id])? {
                if !stopped.contains(&(p, target.as_str())) {
                    let name = unit_name(id).unwrap_or_default();
                    who.entry(p).or_insert(format!("You are in {name}"));
                }
            }
        }
    }
    Ok(who)
}
