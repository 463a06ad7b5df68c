//! Every post-mortem as a summary: what listings, insights and visibility checks need, read
//! in three queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::model::{Involved, Severity, Status, Times};
use super::bad;
use crate::db::AnyConnection;
use crate::db::schema::{postmortem_authors, postmortem_squads, postmortems};
use crate::error::AppResult;
use crate::ids::{PersonId, UnitId};

/// A post-mortem for listings, insights and visibility checks.
#[derive(Debug, Clone)]
pub struct Summary {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub times: Times,
    pub facilitator: Option<PersonId>,
    pub squads: Vec<UnitId>,
    pub authors: Vec<PersonId>,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

impl Summary {
    pub fn url(&self) -> String {
        format!("/postmortems/{}", self.id)
    }

    pub fn people(&self) -> Involved<'_> {
        Involved {
            status: self.status,
            authors: &self.authors,
            facilitator: self.facilitator,
            squads: &self.squads,
        }
    }
}

type SummaryRow = (
    i64,
    String,
    i32,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<PersonId>,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

/// Every post-mortem, newest incident first (filtered by visibility and the query in memory:
/// an organization has hundreds, not millions).
pub fn all(conn: &mut AnyConnection) -> AppResult<Vec<Summary>> {
    let rows: Vec<SummaryRow> = postmortems::table
        .order((postmortems::started_at.desc(), postmortems::id.desc()))
        .select((
            postmortems::id,
            postmortems::title,
            postmortems::severity,
            postmortems::status,
            postmortems::started_at,
            postmortems::detected_at,
            postmortems::mitigated_at,
            postmortems::resolved_at,
            postmortems::facilitator_id,
            postmortems::published_at,
            postmortems::updated_at,
        ))
        .load(conn)?;
    let mut squads: std::collections::HashMap<i64, Vec<UnitId>> = Default::default();
    for (pm, unit) in postmortem_squads::table
        .select((postmortem_squads::postmortem_id, postmortem_squads::unit_id))
        .load::<(i64, UnitId)>(conn)?
    {
        squads.entry(pm).or_default().push(unit);
    }
    let mut authors: std::collections::HashMap<i64, Vec<PersonId>> = Default::default();
    for (pm, person) in postmortem_authors::table
        .select((
            postmortem_authors::postmortem_id,
            postmortem_authors::person_id,
        ))
        .load::<(i64, PersonId)>(conn)?
    {
        authors.entry(pm).or_default().push(person);
    }
    rows.into_iter()
        .map(|r| {
            Ok(Summary {
                id: r.0,
                title: r.1,
                severity: Severity::from_level(r.2).ok_or_else(|| bad("severity"))?,
                status: Status::parse(&r.3).ok_or_else(|| bad("status"))?,
                times: Times {
                    started: Some(r.4),
                    detected: r.5,
                    mitigated: r.6,
                    resolved: r.7,
                },
                facilitator: r.8,
                squads: squads.remove(&r.0).unwrap_or_default(),
                authors: authors.remove(&r.0).unwrap_or_default(),
                published_at: r.9,
                updated_at: r.10,
            })
        })
        .collect()
}
