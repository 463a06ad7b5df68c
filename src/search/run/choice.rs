//! Strict or relaxed: which query a page shows, chosen by how many records the viewer may
//! read hold every word, most of them, or any; and those counts, cached per generation.

use tantivy::Searcher;
use tantivy::collector::Count;
use tantivy::query::Query;

use super::super::plan::Plan;
use super::super::{Search, search_error};
use super::{RELAX_BELOW, Readers, Request};
use crate::error::AppResult;

/// The query a page shows, chosen between strict and relaxed.
pub(super) struct Choice {
    pub(super) plan: Plan,
    pub(super) query: Box<dyn Query>,
    /// Decides the counts: the plan and how many concepts it needed.
    pub(super) key: String,
    pub(super) relaxed: bool,
    /// The concepts a record needed (all of them unless relaxed).
    pub(super) minimum: usize,
    pub(super) all_words: usize,
    pub(super) total: usize,
}

impl Search {
    /// Strict when enough records hold every word; else relaxed to most of the words (and,
    /// when even that finds nothing, to any of them), when that finds more.
    pub(super) fn choose(
        &self,
        searcher: &Searcher,
        req: &Request,
        plan: Plan,
        readers: &Readers,
    ) -> AppResult<Choice> {
        let key = plan.key();
        let strict = plan.strict();
        let strict_key = format!("all|{key}");
        let all_words = self.total(searcher, req, &*strict, &strict_key, readers)?;
        let mut choice = Choice {
            query: strict,
            key: strict_key,
            relaxed: false,
            minimum: plan.concepts.len(),
            all_words,
            total: all_words,
            plan,
        };
        if all_words >= RELAX_BELOW || choice.plan.concepts.len() < 2 {
            return Ok(choice);
        }
        // Most of the words first; fewer (half as many, then one) only while that still
        // finds less than ten: at most three counts, whatever the query's length.
        let most = choice.plan.minimum();
        let mut levels = vec![most, (most / 2).max(1), 1];
        levels.dedup();
        for minimum in levels {
            let q = choice.plan.relaxed(minimum);
            let key = format!("{minimum}|{key}");
            let n = self.total(searcher, req, &*q, &key, readers)?;
            if n > choice.total {
                (choice.query, choice.key, choice.relaxed) = (q, key, true);
                (choice.total, choice.minimum) = (n, minimum);
            }
            if n >= RELAX_BELOW {
                break;
            }
        }
        Ok(choice)
    }

    /// How many records the viewer may read match `positive` and the filters; remembered per
    /// index generation under `key` (which must decide `positive`).
    pub(super) fn total(
        &self,
        searcher: &Searcher,
        req: &Request,
        positive: &dyn Query,
        key: &str,
        readers: &Readers,
    ) -> AppResult<usize> {
        let key = self.counts_key(searcher, req, key, readers);
        if let Some(n) = self.totals_cache.get(&key) {
            return Ok(n);
        }
        let n = searcher
            .search(&self.narrowed(req, positive, readers), &Count)
            .map_err(search_error)?;
        self.totals_cache.put(key, n);
        Ok(n)
    }

    /// The concepts of a relaxed search that no record the viewer may read holds.
    pub(super) fn missing(
        &self,
        searcher: &Searcher,
        req: &Request,
        plan: &Plan,
        readers: &Readers,
    ) -> AppResult<Vec<String>> {
        // Held by no record at all, not only by none that the filters let through.
        let unfiltered = Request {
            kind: None,
            unit: None,
            tag: None,
            author: None,
            from: None,
            to: None,
            ..req.clone()
        };
        let mut out = vec![];
        for (c, q) in plan.concepts.iter().zip(plan.each()) {
            let key = format!("one|{c:?}");
            if self.total(searcher, &unfiltered, &*q, &key, readers)? == 0 {
                out.push(c.typed.clone());
            }
        }
        Ok(out)
    }

    /// The key of a query's count or facets in the caches: everything that decides them
    /// (`decides` for the words; not the page or the order), and the index generation they
    /// were counted in.
    pub(super) fn counts_key(
        &self,
        searcher: &Searcher,
        req: &Request,
        decides: &str,
        readers: &Readers,
    ) -> String {
        format!(
            "{}\u{1f}{decides}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{}",
            searcher.generation().generation_id(),
            req.kind,
            req.unit,
            req.tag,
            req.author,
            req.from,
            req.to,
            readers.keys().join(",")
        )
    }
}
