//! What the list, the insights and their API ask for, as typed in a query string, and the
//! squads and dates it comes to. An unknown squad or tribe matches nothing rather than
//! everything; an unreadable status, outcome, quarter or date is a 400 that says which.

use chrono::NaiveDate;
use serde::Deserialize;

use super::model::{Outcome, Status, quarter_bounds};
use super::repo::Filter;
use crate::error::{AppError, AppResult};
use crate::ids::UnitId;
use crate::org::cache::OrgView;
use crate::site::forms::date_param;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub tribe: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub outcome: String,
    /// `2026-Q3`
    #[serde(default)]
    pub quarter: String,
}

impl ListQuery {
    pub fn filter(&self, org: &OrgView) -> AppResult<Filter> {
        let bad = |what: &str, v: &str| AppError::Validation(format!("{v:?} is not a {what}."));
        let status = match self.status.trim() {
            "" => None,
            s => Some(Status::parse(s).ok_or_else(|| bad("status", s))?),
        };
        let outcome = match self.outcome.trim() {
            "" => None,
            s => Some(Outcome::parse(s).ok_or_else(|| bad("outcome", s))?),
        };
        let (from, to) = match self.quarter.trim() {
            "" => (None, None),
            q => {
                let (a, b) =
                    quarter_bounds(q).ok_or_else(|| bad("quarter (write it like 2026-Q3)", q))?;
                (Some(a), Some(b))
            }
        };
        Ok(Filter {
            squads: org.squads_of(&self.squad, &self.tribe),
            status,
            outcome,
            from,
            to,
            ended: false,
        })
    }
}

#[derive(Deserialize, Default)]
pub struct InsightsQuery {
    /// `squad/slug` or `tribe/slug`; empty for the whole org.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// The squads (None: all) and the dates an insight covers.
pub type Scope = (Option<Vec<UnitId>>, Option<NaiveDate>, Option<NaiveDate>);

impl InsightsQuery {
    /// The squads and dates asked for: a unit that does not exist is not found (never an
    /// empty set of zeros), and a range that ends before it starts is refused.
    pub fn scope(&self, org: &OrgView) -> AppResult<Scope> {
        let squads = match self.unit.trim().split_once('/') {
            None if self.unit.trim().is_empty() => None,
            Some((kind @ ("squad" | "tribe"), slug)) => {
                if org.unit_by_key(kind, slug.trim()).is_none() {
                    return Err(AppError::NotFound);
                }
                match kind {
                    "squad" => org.squads_of(slug, ""),
                    _ => org.squads_of("", slug),
                }
            }
            _ => {
                return Err(AppError::BadRequest(format!(
                    "{:?} is not a unit: write squad/slug or tribe/slug.",
                    self.unit
                )));
            }
        };
        let (from, to) = (date_param(&self.from, "From")?, date_param(&self.to, "To")?);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(AppError::Validation(format!(
                "The range ends ({t}) before it starts ({f}): swap the dates."
            )));
        }
        Ok((squads, from, to))
    }
}
