//! One page of hits, ranked so that tantivy can skip what cannot make the page, and the
//! facets of everything found.

use std::collections::HashSet;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DocAddress, Order, Searcher};

use super::super::facets::FacetCounts;
use super::super::{Search, search_error};
use super::choice::Choice;
use super::{Facets, Readers, Request, Sort};
use crate::error::AppResult;

/// Up to this many hidden records, a page is ranked unfiltered and the hidden dropped after.
const MAX_HIDDEN: usize = 1000;

pub(super) struct Found {
    pub(super) total: usize,
    pub(super) top: Vec<(Option<f32>, DocAddress)>,
    pub(super) facets: Facets,
}

impl Search {
    pub(super) fn find(
        &self,
        searcher: &Searcher,
        req: &Request,
        chosen: &Choice,
        readers: &Readers,
    ) -> AppResult<Found> {
        let positive = &chosen.query;
        let filters = self.filters(req);
        // What ranks the page: the words alone when nothing else narrows them, so that one
        // word (title or body) is a plain union of terms and tantivy skips the blocks that
        // cannot make the page (block-max WAND); any wrapping query would turn that off.
        let ranked: Box<dyn Query> = if filters.is_empty() {
            positive.box_clone()
        } else {
            let mut clauses = vec![(Occur::Must, positive.box_clone())];
            clauses.extend(filters);
            Box::new(BooleanQuery::new(clauses))
        };
        // What is counted and faceted: the same, less what the viewer may not read.
        let query = self.narrowed(req, &**positive, readers);
        let offset = (req.page - 1) * req.per_page;
        let page = TopDocs::with_limit(req.per_page).and_offset(offset);
        let key = self.counts_key(searcher, req, &chosen.key, readers);
        let cached = self.counts_cache.get(&key);
        let fresh = cached.is_none();
        // Phrases of three words and more are matched through positions (two-word ones are
        // pairs, see `schema::PAIRS`).
        let phrase = (req.parsed.clauses.iter())
            .any(|c| c.phrase && !c.negated && c.text.split_whitespace().nth(2).is_some());
        let (top, facets) = match (cached, req.sort) {
            // Positions are the dearest part of a query: match them once, scoring and
            // faceting in the same pass.
            (None, Sort::Relevance) if phrase => {
                let (top, facets) = searcher
                    .search(
                        &query,
                        &(page.order_by_score(), FacetCounts::new(&self.facet_columns)),
                    )
                    .map_err(search_error)?;
                let top = top.into_iter().map(|(s, a)| (Some(s), a)).collect();
                (top, facets)
            }
            (cached, _) => {
                // The page of hits alone lets tantivy skip blocks that cannot make the top
                // (block-max WAND); facets need no scores.
                let top = self.page(searcher, &*ranked, &query, readers, req)?;
                let facets = match cached {
                    Some(c) => c,
                    None => searcher
                        .search(&query, &FacetCounts::new(&self.facet_columns))
                        .map_err(search_error)?,
                };
                (top, facets)
            }
        };
        if fresh {
            self.counts_cache.put(key, facets.clone());
        }
        Ok(Found {
            total: chosen.total,
            top,
            facets,
        })
    }

    /// One page of hits for `ranked`, less what the viewer may not read. Restricted records
    /// are few, so rather than filter every match (which stops tantivy from skipping), the
    /// page is taken from as many more of the best as there are hidden records, and the
    /// hidden ones are dropped from it; `filtered` (ranked with the filter) is the way when
    /// many are hidden.
    fn page(
        &self,
        searcher: &Searcher,
        ranked: &dyn Query,
        filtered: &dyn Query,
        readers: &Readers,
        req: &Request,
    ) -> AppResult<Vec<(Option<f32>, DocAddress)>> {
        let (per_page, offset) = (req.per_page, (req.page - 1) * req.per_page);
        let hidden: HashSet<DocAddress> = searcher
            .search(&*self.hidden(readers), &DocSetCollector)
            .map_err(search_error)?;
        let (query, limit, skip) = if hidden.len() > MAX_HIDDEN {
            (filtered, per_page, offset)
        } else {
            (ranked, offset + per_page + hidden.len(), 0)
        };
        let top = TopDocs::with_limit(limit).and_offset(skip);
        let found: Vec<(Option<f32>, DocAddress)> = match req.sort {
            Sort::Relevance => searcher
                .search(query, &top.order_by_score())
                .map_err(search_error)?
                .into_iter()
                .map(|(s, a)| (Some(s), a))
                .collect(),
            Sort::Date => searcher
                .search(query, &top.order_by_fast_field::<i64>("date", Order::Desc))
                .map_err(search_error)?
                .into_iter()
                .map(|(_, a)| (None, a))
                .collect(),
        };
        Ok(found
            .into_iter()
            .filter(|(_, a)| !hidden.contains(a))
            .skip(offset - skip)
            .take(per_page)
            .collect())
    }
}
