//! Running searches: the results page and its API and search as you type (typo
//! correction is in `spell.rs`, related lessons in `related.rs`). Every query carries the
//! viewer's reader keys as a filter, so what a viewer may not open is never counted,
//! faceted, suggested or shown.
//!
//! A query first asks for records with every word (`plan.rs`); when they are fewer than a
//! page, records with most of the words follow them, and the results say so.
//!
//! The parts: `request` (what was asked), `readers` (who asks, and the index as they see
//! it), `queries` (the pieces queries are built of), `choice` (strict or relaxed, and the
//! cached counts that decide), `page` (one page of hits and the facets), `results` (what a
//! search answers) and `suggest` (search as you type).

mod choice;
mod page;
mod queries;
mod readers;
mod request;
mod results;
mod suggest;

pub use readers::Readers;
pub use request::{Params, Request, Sort};
pub use results::{Correction, Facets, Highlight, Hit, Results, Suggestion};

pub(super) use queries::{filter, stored_text, term};

use tantivy::Searcher;

use super::Search;
use super::plan::Plan;
use super::query::Parsed;
use super::synonyms::Synonyms;
use crate::error::AppResult;

/// Hits on a page unless `per_page` says otherwise (1 to [`MAX_PER_PAGE`]).
pub const PER_PAGE: usize = 10;
pub const MAX_PER_PAGE: usize = 100;
/// Results reachable by paging.
pub const MAX_RESULTS: usize = 10_000;
/// With fewer records holding every word than this (a page of the default size), records
/// holding most of them follow, and a typo correction is tried.
const RELAX_BELOW: usize = 10;

impl Search {
    /// A plan for `parsed` with the synonyms in force.
    fn plan(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        synonyms: &Synonyms,
        readers: &Readers,
    ) -> AppResult<Plan> {
        self.with_viewer_ctx(searcher, readers, synonyms, |ctx| Plan::new(parsed, ctx))
    }

    /// The `/search` results.
    pub fn search(&self, req: &Request, readers: &Readers) -> AppResult<Results> {
        if req.is_empty() {
            return Ok(Results::default());
        }
        let searcher = self.reader.searcher();
        let started = std::time::Instant::now();
        let synonyms = self.synonyms.get();
        let typed = self.plan(&searcher, &req.parsed, &synonyms, readers)?;
        let mut chosen = self.choose(&searcher, req, typed, readers)?;
        let chosen_at = started.elapsed();
        let mut correction = None;
        // Correction only when it helps: a word no visible record holds is replaced by a
        // close one; the results of the corrected query are shown only when the words as
        // typed find nothing at all, else it is offered as a link.
        if chosen.all_words < RELAX_BELOW
            && req.correct
            && let Some(better) = self.correction(&searcher, &req.parsed, readers, &synonyms)?
        {
            let plan = self.plan(&searcher, &better, &synonyms, readers)?;
            let other = self.choose(&searcher, req, plan, readers)?;
            if chosen.total == 0 && other.total > 0 {
                correction = Some(Correction::Showing {
                    used: better.to_string(),
                    typed: req.q.clone(),
                });
                chosen = other;
            } else if other.all_words > chosen.all_words {
                correction = Some(Correction::DidYouMean(better.to_string()));
            }
        }
        let corrected_at = started.elapsed();
        let found = self.find(&searcher, req, &chosen, readers)?;
        let found_at = started.elapsed();
        let hits = self.hits(&searcher, &*chosen.plan.marked(), &found)?;
        let missing = if chosen.relaxed {
            self.missing(&searcher, req, &chosen.plan, readers)?
        } else {
            vec![]
        };
        tracing::debug!(
            total = found.total,
            relaxed = chosen.relaxed,
            choose_us = chosen_at.as_micros() as u64,
            correct_us = (corrected_at - chosen_at).as_micros() as u64,
            find_us = (found_at - corrected_at).as_micros() as u64,
            hits_us = (started.elapsed() - found_at).as_micros() as u64,
            "search"
        );
        crate::metrics::search(started.elapsed().as_secs_f64());
        Ok(Results {
            total: found.total,
            hits,
            facets: found.facets,
            correction,
            relaxed: chosen.relaxed,
            minimum: chosen.minimum,
            all_words: chosen.all_words,
            words: chosen
                .plan
                .concepts
                .iter()
                .map(|c| c.typed.clone())
                .collect(),
            missing,
        })
    }
}
