//! A search as asked: the query string of `/search` and `/api/v1/search`, read into the
//! words and filters to search with, anything unusable dropped.

use chrono::NaiveDate;

use super::super::query::{Parsed, parse};
use super::{MAX_PER_PAGE, MAX_RESULTS, PER_PAGE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Date,
}

/// A search as asked: the words and the filters of `/search` and `/api/v1/search`.
#[derive(Debug, Clone)]
pub struct Request {
    pub q: String,
    pub parsed: Parsed,
    pub kind: Option<String>,
    /// A facet path: `/tribe/x` or `/tribe/x/squad/y`.
    pub unit: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
    /// False: search for exactly what was typed ("Search instead for …").
    pub correct: bool,
}

impl Request {
    /// What was asked, with anything unusable dropped rather than refused: a search box
    /// never answers with an error page.
    pub fn new(params: &Params) -> Request {
        let opt = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let date = |v: &Option<String>| opt(v).and_then(|s| crate::dates::parse_date(&s).ok());
        let q = params.q.clone().unwrap_or_default();
        let per_page = params
            .per_page
            .as_deref()
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(PER_PAGE)
            .clamp(1, MAX_PER_PAGE);
        Request {
            parsed: parse(&q),
            q: q.trim().to_string(),
            kind: opt(&params.kind).map(|k| k.to_lowercase()),
            // `tribe/x` and `/tribe/x` both name a facet path.
            unit: opt(&params.unit).map(|u| format!("/{}", u.trim_start_matches('/'))),
            tag: opt(&params.tag).map(|t| t.to_lowercase()),
            author: opt(&params.author).map(|a| a.to_lowercase()),
            from: date(&params.from),
            to: date(&params.to),
            sort: match params.sort.as_deref() {
                Some("date") => Sort::Date,
                _ => Sort::Relevance,
            },
            page: params
                .page
                .as_deref()
                .and_then(|p| p.trim().parse::<usize>().ok())
                .unwrap_or(1)
                // No deeper than the first 10,000 results, whatever the page size.
                .clamp(1, MAX_RESULTS / per_page),
            per_page,
            correct: !matches!(
                params.correct.as_deref().map(str::trim),
                Some("0" | "off" | "false")
            ),
        }
    }

    fn has_filters(&self) -> bool {
        self.kind.is_some()
            || self.unit.is_some()
            || self.tag.is_some()
            || self.author.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }

    /// Nothing to search for: the page shows help instead of every record.
    pub fn is_empty(&self) -> bool {
        self.parsed.clauses.is_empty() && !self.has_filters()
    }
}

/// The query string of `/search` and `/api/v1/search`.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Params {
    /// The words; `"a phrase"`, `-word` and `title:` work as in the search box.
    pub q: Option<String>,
    /// Only records of this kind: lesson, page, experiment, postmortem, retro, person, unit.
    pub kind: Option<String>,
    /// Only records of this unit (slug) and, for a tribe, its squads.
    pub unit: Option<String>,
    /// Only records with this tag.
    pub tag: Option<String>,
    /// Only records by this person (username).
    pub author: Option<String>,
    /// Only records from this date on (YYYY-MM-DD).
    pub from: Option<String>,
    /// Only records up to this date (YYYY-MM-DD).
    pub to: Option<String>,
    /// `relevance` (the default) or `date`.
    pub sort: Option<String>,
    /// The page, from 1.
    pub page: Option<String>,
    /// Hits on a page.
    pub per_page: Option<String>,
    /// `0`: no typo correction.
    pub correct: Option<String>,
}
