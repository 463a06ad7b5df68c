//! A record's history as it is read: one person's events, and the newest of many for a feed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::step_events;
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::steps::model::{EventKind, Step};

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = step_events)]
pub struct Event {
    pub id: i64,
    pub person_id: PersonId,
    pub kind: String,
    pub step: Option<String>,
    pub proposal_id: Option<i64>,
    pub actor_id: PersonId,
    pub note: String,
    pub created_at: NaiveDateTime,
}

impl Event {
    pub fn kind(&self) -> Option<EventKind> {
        EventKind::parse(&self.kind)
    }

    pub fn step(&self) -> Option<Step> {
        self.step.as_deref().and_then(Step::parse)
    }
}

pub fn events_of(conn: &mut AnyConnection, person_id: PersonId) -> AppResult<Vec<Event>> {
    Ok(step_events::table
        .filter(step_events::person_id.eq(person_id))
        .order(step_events::id.desc())
        .select(Event::as_select())
        .load(conn)?)
}

/// The newest events of these people (`None`: of everyone), for a feed.
pub fn recent_events(
    conn: &mut AnyConnection,
    people_ids: Option<&[PersonId]>,
    limit: i64,
) -> AppResult<Vec<Event>> {
    let mut q = step_events::table
        .order(step_events::id.desc())
        .limit(limit)
        .select(Event::as_select())
        .into_boxed();
    if let Some(ids) = people_ids {
        q = q.filter(step_events::person_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}
