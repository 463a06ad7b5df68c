//! What the pages and the API share: finding a squad or tribe by its slug (following a
//! rename), who may vote in and close a session, and the results they read — a squad's
//! history and a tribe's latest picture.

use std::collections::HashMap;
use std::sync::Arc;

use super::model::{self, Indicator, Results, Session};
use super::repo;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::cache::OrgView;
use crate::org::rules::Snapshot;
use crate::org::unit::{Unit, UnitKind};
use crate::org::unit_repo::{self, Lookup};
use crate::people::model::Person;
use crate::state::AppState;

/// A unit looked up by slug: the unit, or the address it moved to after a rename.
pub enum Found {
    /// Boxed: a unit is large next to an address.
    Unit(Box<Unit>),
    MovedTo(String),
}

/// The unit of `kind` at `slug`, with the org it was found in.
pub async fn unit(
    state: &AppState,
    kind: UnitKind,
    slug: &str,
) -> AppResult<(Arc<OrgView>, Found)> {
    let org = crate::org::cache::org_view(state).await?;
    let slug = slug.trim().to_ascii_lowercase();
    if let Some(u) = org.unit_by_key(kind.as_str(), &slug) {
        let u = u.clone();
        return Ok((org, Found::Unit(Box::new(u))));
    }
    // Not a current slug: an old one redirects, anything else is a 404.
    let found = state
        .db
        .run(move |c| unit_repo::find_unit(c, kind, &slug))
        .await?;
    Ok(match found {
        Lookup::Found(u) => (org, Found::Unit(u)),
        Lookup::MovedTo(url) => (org, Found::MovedTo(url)),
    })
}

/// Members of the squad (today) and the facilitator vote; a coach who runs the session
/// from outside the squad is its facilitator.
pub fn may_vote(session: &Session, snap: &Snapshot, me: &Person) -> bool {
    me.id == session.facilitator_id || snap.people_in(session.squad_id).contains(&me.id)
}

pub fn may_close(session: &Session, me: &Person) -> bool {
    me.is_admin || me.id == session.facilitator_id
}

pub const NOT_A_VOTER: &str = "Only the members of this squad and the session's facilitator \
     vote in its health check.";

/// A squad's sessions, newest first, with their results.
pub struct History {
    pub indicators: Vec<Indicator>,
    pub sessions: Vec<(Session, Results)>,
    /// The votes of the person asking, by session: what they see of a session that hides
    /// its results.
    pub mine: HashMap<i64, Vec<model::Vote>>,
}

impl History {
    /// The indicators to show: the active ones, and retired ones these sessions voted on.
    pub fn columns(&self) -> Vec<&Indicator> {
        columns(&self.indicators, self.sessions.iter().map(|(_, r)| r))
    }
}

/// Active indicators, plus the retired ones with votes in `results`.
pub fn columns<'a, 'r>(
    indicators: &'a [Indicator],
    results: impl Iterator<Item = &'r Results> + Clone,
) -> Vec<&'a Indicator> {
    indicators
        .iter()
        .filter(|i| !i.retired || results.clone().any(|r| r.tallies.contains_key(&i.id)))
        .collect()
}

pub fn history(
    conn: &mut AnyConnection,
    squad_id: UnitId,
    asking: Option<PersonId>,
) -> AppResult<History> {
    let indicators = repo::indicators(conn)?;
    let sessions = repo::sessions_of(conn, &[squad_id])?;
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let votes = repo::votes_of(conn, &ids)?;
    let mine = group(
        votes
            .iter()
            .filter(|v| Some(v.person_id) == asking)
            .cloned()
            .collect(),
    );
    let mut by_session = group(votes);
    let sessions = sessions
        .into_iter()
        .map(|s| {
            let r = Results::of_session(&s, &by_session.remove(&s.id).unwrap_or_default());
            (s, r)
        })
        .collect();
    Ok(History {
        indicators,
        sessions,
        mine,
    })
}

fn group(votes: Vec<model::Vote>) -> HashMap<i64, Vec<model::Vote>> {
    let mut by: HashMap<i64, Vec<model::Vote>> = HashMap::new();
    for v in votes {
        by.entry(v.session_id).or_default().push(v);
    }
    by
}

/// One session with everything its page shows.
pub struct SessionData {
    pub session: Session,
    pub indicators: Vec<Indicator>,
    pub results: Results,
    pub votes: Vec<model::Vote>,
}

pub fn session(conn: &mut AnyConnection, id: i64) -> AppResult<SessionData> {
    let session = repo::session(conn, id)?;
    let indicators = repo::indicators(conn)?;
    let votes = repo::votes_of(conn, &[id])?;
    Ok(SessionData {
        results: Results::of_session(&session, &votes),
        session,
        indicators,
        votes,
    })
}

/// The tribe heatmap's data: per squad its latest session (see [`model::latest`]).
pub struct Heat {
    pub indicators: Vec<Indicator>,
    pub latest: HashMap<UnitId, (Session, Results)>,
}

pub fn heat(conn: &mut AnyConnection, squads: &[UnitId]) -> AppResult<Heat> {
    let indicators = repo::indicators(conn)?;
    let sessions = repo::sessions_of(conn, squads)?;
    // Which sessions have votes, without reading every vote of every session.
    let ids: Vec<i64> = sessions.iter().map(|s| s.id).collect();
    let voted = repo::sessions_with_votes(conn, &ids)?;
    let mut per_squad: HashMap<UnitId, Vec<&Session>> = HashMap::new();
    for s in &sessions {
        per_squad.entry(s.squad_id).or_default().push(s);
    }
    let chosen: Vec<Session> = per_squad
        .values()
        .filter_map(|list| model::latest(list.iter().copied(), |s| voted.contains(&s.id)))
        .cloned()
        .collect();
    let ids: Vec<i64> = chosen.iter().map(|s| s.id).collect();
    let mut by_session = group(repo::votes_of(conn, &ids)?);
    let latest = chosen
        .into_iter()
        .map(|s| {
            let r = Results::of_session(&s, &by_session.remove(&s.id).unwrap_or_default());
            (s.squad_id, (s, r))
        })
        .collect();
    Ok(Heat { indicators, latest })
}

/// The squad of a session, or an internal error (sessions only refer to existing units).
pub fn squad_of<'a>(org: &'a OrgView, session: &Session) -> AppResult<&'a Unit> {
    org.snap
        .unit(session.squad_id)
        .ok_or_else(|| AppError::internal("a health session of an unknown squad"))
}
