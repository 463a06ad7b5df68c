//! Queries on health-check indicators, sessions and votes. Every write goes through the
//! change log; the default indicators are written the first time anyone asks for them.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::model::{
    Color, DEFAULT_INDICATORS, Indicator, IndicatorInput, NewVote, Session, Trend, Vote,
};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{health_indicators, health_sessions, health_votes};
use crate::db::{AnyConnection, Change, Logged, write_with_changes, write_with_changes_if_any};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};

/// Every indicator, retired ones too, by position. An empty table gets the default set
/// first, so a new installation (or one upgraded from before health checks) has them.
pub fn indicators(conn: &mut AnyConnection) -> AppResult<Vec<Indicator>> {
    let found = load_indicators(conn)?;
    if !found.is_empty() {
        return Ok(found);
    }
    match seed_defaults(conn) {
        Ok(()) => {}
        // Another instance on the same PostgreSQL seeded them at the same moment; its rows
        // are the same defaults.
        Err(AppError::Database(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {}
        Err(e) => return Err(e),
    }
    load_indicators(conn)
}

fn load_indicators(conn: &mut AnyConnection) -> AppResult<Vec<Indicator>> {
    Ok(health_indicators::table
        .order((health_indicators::position, health_indicators::id))
        .select(Indicator::as_select())
        .load(conn)?)
}

/// Writes the default indicators when the table has no rows at all — checked again inside
/// the write transaction, which SQLite serialises; on PostgreSQL the unique names make a
/// concurrent second seeding fail instead of doubling the set.
fn seed_defaults(conn: &mut AnyConnection) -> AppResult<()> {
    write_with_changes_if_any(conn, None, |c, _| {
        let n: i64 = health_indicators::table.count().get_result(c)?;
        if n > 0 {
            return Ok(((), vec![]));
        }
        for (position, (name, awesome, crappy)) in DEFAULT_INDICATORS.iter().enumerate() {
            diesel::insert_into(health_indicators::table)
                .values((
                    health_indicators::name.eq(*name),
                    health_indicators::awesome.eq(*awesome),
                    health_indicators::crappy.eq(*crappy),
                    health_indicators::position.eq(position as i32 + 1),
                    health_indicators::retired.eq(false),
                ))
                .execute(c)?;
        }
        let change = Change::new(EntityKind::HealthIndicator, "defaults", Op::Create);
        Ok(((), vec![change]))
    })
}

/// Adds an indicator (`id` None) or changes one; returns its id.
pub fn save_indicator(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: Option<i64>,
    input: &IndicatorInput,
) -> AppResult<i64> {
    write_with_changes(conn, actor, |c, _| {
        let id = match id {
            Some(id) => {
                let n = diesel::update(health_indicators::table.find(id))
                    .set((
                        health_indicators::name.eq(&input.name),
                        health_indicators::awesome.eq(&input.awesome),
                        health_indicators::crappy.eq(&input.crappy),
                        health_indicators::position.eq(input.position),
                    ))
                    .execute(c)?;
                if n == 0 {
                    return Err(AppError::NotFound);
                }
                id
            }
            None => diesel::insert_into(health_indicators::table)
                .values((
                    health_indicators::name.eq(&input.name),
                    health_indicators::awesome.eq(&input.awesome),
                    health_indicators::crappy.eq(&input.crappy),
                    health_indicators::position.eq(input.position),
                    health_indicators::retired.eq(false),
                ))
                .returning(health_indicators::id)
                .get_result(c)?,
        };
        Ok((
            id,
            vec![Change::new(
                EntityKind::HealthIndicator,
                id.to_string(),
                Op::Update,
            )],
        ))
    })
}

/// Retires an indicator (new sessions leave it out; old ones keep its votes) or restores it.
pub fn set_retired(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    retired: bool,
) -> AppResult<()> {
    write_with_changes(conn, actor, |c, _| {
        let n = diesel::update(health_indicators::table.find(id))
            .set(health_indicators::retired.eq(retired))
            .execute(c)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        Ok((
            (),
            vec![Change::new(
                EntityKind::HealthIndicator,
                id.to_string(),
                Op::Update,
            )],
        ))
    })
}

pub fn session(conn: &mut AnyConnection, id: i64) -> AppResult<Session> {
    health_sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The sessions of these squads, newest first.
pub fn sessions_of(conn: &mut AnyConnection, squads: &[UnitId]) -> AppResult<Vec<Session>> {
    Ok(health_sessions::table
        .filter(health_sessions::squad_id.eq_any(squads))
        .order((health_sessions::held_on.desc(), health_sessions::id.desc()))
        .select(Session::as_select())
        .load(conn)?)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = health_votes)]
struct VoteRow {
    session_id: i64,
    indicator_id: i64,
    person_id: PersonId,
    color: String,
    trend: Option<String>,
    comment: String,
}

impl VoteRow {
    fn vote(self) -> AppResult<Vote> {
        Ok(Vote {
            session_id: self.session_id,
            indicator_id: self.indicator_id,
            person_id: self.person_id,
            color: Color::parse(&self.color)
                .ok_or_else(|| AppError::internal("a health vote with an unknown colour"))?,
            // An unknown trend (a newer fika's) counts as no trend rather than failing a page.
            trend: self.trend.as_deref().and_then(Trend::parse),
            comment: self.comment,
        })
    }
}

/// The votes of these sessions.
pub fn votes_of(conn: &mut AnyConnection, sessions: &[i64]) -> AppResult<Vec<Vote>> {
    if sessions.is_empty() {
        return Ok(vec![]);
    }
    health_votes::table
        .filter(health_votes::session_id.eq_any(sessions))
        .select(VoteRow::as_select())
        .load(conn)?
        .into_iter()
        .map(VoteRow::vote)
        .collect()
}

/// Starts a session of a squad, or returns the open one it already has on that day: several
/// people pressing "Start" together all join one session. A partial unique index allows one
/// open session per squad and day; the insert yields to it (`ON CONFLICT DO NOTHING`), and
/// the session that won is read back — committed by then, as the insert waited for it.
pub fn start(
    conn: &mut AnyConnection,
    facilitator: PersonId,
    squad_id: UnitId,
    held_on: NaiveDate,
    hide_votes: bool,
) -> AppResult<i64> {
    write_with_changes_if_any(conn, Some(facilitator), |c, _| {
        if let Some(id) = open_session(c, squad_id, held_on)? {
            return Ok((id, vec![]));
        }
        let inserted: Option<i64> =
            crate::per_backend!(c, |c| diesel::insert_into(health_sessions::table)
                .values((
                    new_session(facilitator, squad_id, held_on, None),
                    health_sessions::hide_votes.eq(hide_votes),
                ))
                .on_conflict_do_nothing()
                .returning(health_sessions::id)
                .get_result(c)
                .optional())?;
        let Some(id) = inserted else {
            let id = open_session(c, squad_id, held_on)?.ok_or_else(|| {
                AppError::internal("a concurrent health check vanished after blocking a start")
            })?;
            return Ok((id, vec![]));
        };
        let change = Change::new(EntityKind::HealthSession, id.to_string(), Op::Create);
        Ok((id, vec![change]))
    })
}

fn open_session(
    conn: &mut AnyConnection,
    squad_id: UnitId,
    held_on: NaiveDate,
) -> AppResult<Option<i64>> {
    Ok(health_sessions::table
        .filter(health_sessions::squad_id.eq(squad_id))
        .filter(health_sessions::held_on.eq(held_on))
        .filter(health_sessions::closed_at.is_null())
        .select(health_sessions::id)
        .first(conn)
        .optional()?)
}

type NewSession = (
    diesel::dsl::Eq<health_sessions::squad_id, UnitId>,
    diesel::dsl::Eq<health_sessions::held_on, NaiveDate>,
    diesel::dsl::Eq<health_sessions::facilitator_id, PersonId>,
    diesel::dsl::Eq<health_sessions::closed_at, Option<NaiveDateTime>>,
    diesel::dsl::Eq<health_sessions::created_at, NaiveDateTime>,
);

fn new_session(
    facilitator: PersonId,
    squad_id: UnitId,
    held_on: NaiveDate,
    closed_at: Option<NaiveDateTime>,
) -> NewSession {
    (
        health_sessions::squad_id.eq(squad_id),
        health_sessions::held_on.eq(held_on),
        health_sessions::facilitator_id.eq(facilitator),
        health_sessions::closed_at.eq(closed_at),
        health_sessions::created_at.eq(Utc::now().naive_utc()),
    )
}

fn insert_session(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    facilitator: PersonId,
    squad_id: UnitId,
    held_on: NaiveDate,
    closed_at: Option<NaiveDateTime>,
) -> AppResult<i64> {
    Ok(diesel::insert_into(health_sessions::table)
        .values(new_session(facilitator, squad_id, held_on, closed_at))
        .returning(health_sessions::id)
        .get_result(conn)?)
}

fn insert_vote(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    session_id: i64,
    person_id: PersonId,
    (indicator_id, color, trend, comment): &NewVote,
) -> AppResult<()> {
    diesel::insert_into(health_votes::table)
        .values((
            health_votes::session_id.eq(session_id),
            health_votes::indicator_id.eq(*indicator_id),
            health_votes::person_id.eq(person_id),
            health_votes::color.eq(color.key()),
            health_votes::trend.eq(trend.map(|t| t.key())),
            health_votes::comment.eq(comment),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes a person's votes on `covered` indicators exactly `votes`. Only the indicators the
/// form showed are replaced: a vote on an indicator retired meanwhile stays in the history.
pub fn replace_votes(
    conn: &mut AnyConnection,
    session_id: i64,
    person_id: PersonId,
    covered: &[i64],
    votes: &[NewVote],
) -> AppResult<()> {
    write_with_changes(conn, Some(person_id), |c, log| {
        // Checked again in the transaction, holding the session's row so that a close cannot
        // slip in between: the session may have closed since the page loaded.
        let open = diesel::update(
            health_sessions::table
                .find(session_id)
                .filter(health_sessions::closed_at.is_null()),
        )
        .set(health_sessions::closed_at.eq(health_sessions::closed_at))
        .execute(c)?;
        if open == 0 {
            session(c, session_id)?;
            return Err(AppError::Conflict(CLOSED.into()));
        }
        diesel::delete(
            health_votes::table
                .filter(health_votes::session_id.eq(session_id))
                .filter(health_votes::person_id.eq(person_id))
                .filter(health_votes::indicator_id.eq_any(covered)),
        )
        .execute(c)?;
        for v in votes {
            insert_vote(c, log, session_id, person_id, v)?;
        }
        Ok((
            (),
            vec![Change::new(
                EntityKind::HealthSession,
                session_id.to_string(),
                Op::Update,
            )],
        ))
    })
}

pub const CLOSED: &str = "This health check is closed and takes no more votes.";

/// Closes a session; closing a closed one changes nothing.
pub fn close(conn: &mut AnyConnection, actor: PersonId, id: i64) -> AppResult<()> {
    write_with_changes(conn, Some(actor), |c, _| {
        diesel::update(
            health_sessions::table
                .find(id)
                .filter(health_sessions::closed_at.is_null()),
        )
        .set(health_sessions::closed_at.eq(Utc::now().naive_utc()))
        .execute(c)?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::HealthSession,
                id.to_string(),
                Op::Update,
            )],
        ))
    })
}

/// A closed session with its votes in one go, for the demo: `votes` are per person.
pub fn insert_closed(
    conn: &mut AnyConnection,
    facilitator: PersonId,
    squad_id: UnitId,
    held_on: NaiveDate,
    closed_at: NaiveDateTime,
    votes: &[(PersonId, Vec<NewVote>)],
) -> AppResult<i64> {
    write_with_changes(conn, Some(facilitator), |c, log| {
        let id = insert_session(c, log, facilitator, squad_id, held_on, Some(closed_at))?;
        for (person, theirs) in votes {
            for v in theirs {
                insert_vote(c, log, id, *person, v)?;
            }
        }
        Ok((
            id,
            vec![Change::new(
                EntityKind::HealthSession,
                id.to_string(),
                Op::Create,
            )],
        ))
    })
}

/// Which of these sessions have at least one vote.
pub fn sessions_with_votes(
    conn: &mut AnyConnection,
    sessions: &[i64],
) -> AppResult<std::collections::HashSet<i64>> {
    if sessions.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<i64> = health_votes::table
        .filter(health_votes::session_id.eq_any(sessions))
        .select(health_votes::session_id)
        .distinct()
        .load(conn)?;
    Ok(ids.into_iter().collect())
}
