//! The weekly digest: what your teams and the whole company learned in the last seven days
//! — new lessons, published post-mortems, concluded experiments, closed retros — by mail, for
//! those who asked for it. One per person and ISO week, whichever instance makes it (the
//! `digests` key); each record is checked at the moment the digest is made, so nothing the
//! reader may not open (a lesson deleted since, a post-mortem taken back) is in it.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use chrono::{Datelike, Duration, NaiveDateTime};
use diesel::prelude::*;

use super::letters::MailContext;
use super::model::NotificationKind;
use super::outbox::{self, Letter};
use super::repo::{self, EventRow};
use crate::comments::flow::Commentables;
use crate::db::events::EventKind;
use crate::db::schema::{digests, events, notification_settings, people};
use crate::db::{AnyConnection, EntityKind};
use crate::error::{AppError, AppResult};
use crate::people::model::Person;

/// Entries per section; the rest are counted.
const SHOWN: usize = 15;

/// `2026-W49`: the week a digest belongs to.
pub fn week_of(t: NaiveDateTime) -> String {
    let w = t.date().iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// One thing learned, as the digest lists it.
struct Entry {
    what: &'static str,
    title: String,
    url: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "notify/digest.txt")]
struct Text<'a> {
    d: &'a Digest,
}

#[derive(Template)]
#[template(path = "notify/digest.html")]
struct Html<'a> {
    d: &'a Digest,
}

struct Digest {
    week: String,
    teams: Vec<Entry>,
    company: Vec<Entry>,
    more: usize,
    origin: String,
    unsubscribe: String,
    settings: String,
}

/// The week's news: events of the kinds a digest tells, newest first.
fn news(conn: &mut AnyConnection, since: NaiveDateTime) -> AppResult<Vec<EventRow>> {
    let kinds = [
        EventKind::LessonPublished,
        EventKind::PostmortemPublished,
        EventKind::ExperimentConcluded,
        EventKind::RetroClosed,
    ];
    Ok(events::table
        .filter(events::created_at.ge(since))
        .filter(events::kind.eq_any(kinds.map(|k| k.key())))
        .order(events::id.desc())
        .select(EventRow::as_select())
        .load(conn)?)
}

/// People who want the digest by mail and can get it: active, with an address.
fn subscribers(conn: &mut AnyConnection) -> AppResult<Vec<Person>> {
    let wanted: Vec<i64> = notification_settings::table
        .filter(notification_settings::kind.eq(NotificationKind::Digest.key()))
        .filter(notification_settings::mail.eq(true))
        .select(notification_settings::person_id)
        .load(conn)?;
    Ok(people::table
        .filter(people::id.eq_any(wanted))
        .filter(people::disabled.eq(false))
        .filter(people::email.is_not_null())
        .select(Person::as_select())
        .load(conn)?)
}

/// Makes this week's digests still due; how many were queued. Run by the mail worker.
pub fn queue_due(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    commentables: &Commentables,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let week = week_of(now);
    let people = subscribers(conn)?;
    let done: BTreeSet<i64> = digests::table
        .filter(digests::week.eq(&week))
        .select(digests::person_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let due: Vec<&Person> = people.iter().filter(|p| !done.contains(&p.id.0)).collect();
    if due.is_empty() {
        return Ok(0);
    }
    let news = news(conn, now - Duration::days(7))?;
    // Whether each record is there for everyone, asked once as the first reader: the
    // kinds a digest tells are public once they happen, unless taken back since.
    let mut open: HashMap<i64, bool> = HashMap::new();
    let mut queued = 0;
    for person in due {
        let made = crate::db::write_transaction(conn, |c| {
            let claimed = crate::per_backend!(c, |pc| diesel::insert_into(digests::table)
                .values((
                    digests::person_id.eq(person.id.0),
                    digests::week.eq(&week),
                    digests::created_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(pc))?;
            if claimed == 0 {
                return Ok(false);
            }
            let mut readable = Vec::new();
            for e in &news {
                let everyone = match open.get(&e.id) {
                    Some(v) => *v,
                    None => {
                        let v = visible(c, commentables, person, e)?.is_some_and(|all| all);
                        open.insert(e.id, v);
                        v
                    }
                };
                if everyone || visible(c, commentables, person, e)?.is_some() {
                    readable.push(e);
                }
            }
            if readable.is_empty() {
                return Ok(false);
            }
            let letter = compose(c, ctx, person, &week, &readable)?;
            outbox::queue(c, &letter)?;
            Ok(true)
        })?;
        queued += usize::from(made);
    }
    Ok(queued)
}

/// Whether `person` may open the event's record now: `Some(true)` when everyone may,
/// `Some(false)` when they may, `None` when they may not.
fn visible(
    c: &mut AnyConnection,
    commentables: &Commentables,
    person: &Person,
    e: &EventRow,
) -> AppResult<Option<bool>> {
    let (Some(kind), Ok(id)) = (EntityKind::parse(&e.subject_kind), e.subject_key.parse()) else {
        return Ok(None);
    };
    match commentables.find(c, person, kind, id) {
        Ok(found) => Ok(Some(found.everyone)),
        Err(AppError::NotFound) => Ok(None),
        Err(err) => Err(err),
    }
}

fn compose(
    c: &mut AnyConnection,
    ctx: &MailContext,
    person: &Person,
    week: &str,
    readable: &[&EventRow],
) -> AppResult<Letter> {
    let own = repo::own_units(c, person.id)?;
    let watched = repo::watched_units(c, person.id)?;
    let entry = |e: &EventRow| Entry {
        what: EventKind::parse(&e.kind).map_or("News", |k| k.label()),
        title: e.title.clone(),
        url: format!("{}{}", ctx.origin, e.url),
        summary: e.summary.clone(),
    };
    let (teams, company): (Vec<&&EventRow>, Vec<&&EventRow>) = readable.iter().partition(|e| {
        e.unit_ids()
            .iter()
            .any(|u| own.contains(u) || watched.contains(u))
    });
    let more = teams.len().saturating_sub(SHOWN) + company.len().saturating_sub(SHOWN);
    let d = Digest {
        week: week.to_string(),
        teams: teams.iter().take(SHOWN).map(|e| entry(e)).collect(),
        company: company.iter().take(SHOWN).map(|e| entry(e)).collect(),
        more,
        origin: ctx.origin.clone(),
        unsubscribe: ctx.unsubscribe_url(person.id, NotificationKind::Digest.key())?,
        settings: format!("{}/account/notifications", ctx.origin),
    };
    let render = |r: Result<String, askama::Error>| r.map_err(AppError::internal);
    let learned = readable.len();
    Ok(Letter {
        person: person.id,
        kind: NotificationKind::Digest.key(),
        to: person.email.clone().unwrap_or_default(),
        to_name: person.display_name.clone(),
        subject: format!(
            "What we learned this week: {learned} new {}",
            if learned == 1 { "story" } else { "stories" }
        ),
        text: render(Text { d: &d }.render())?,
        html: render(Html { d: &d }.render())?,
        unsubscribe: d.unsubscribe.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_iso_weeks() {
        let t = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(week_of(t("2026-12-05 10:00")), "2026-W49");
        assert_eq!(week_of(t("2026-12-07 00:00")), "2026-W50");
        assert_eq!(week_of(t("2027-01-01 12:00")), "2026-W53");
    }
}
