//! Running searches: the results page and its API and search as you type (typo
//! correction is in `spell.rs`, related lessons in `related.rs`). Every query carries the
//! viewer's reader keys as a filter, so what a viewer may not open is never counted,
//! faceted, suggested or shown.
//!
//! A query first asks for records with every word (`plan.rs`); when they are fewer than a
//! page, records with most of the words follow them, and the results say so.

use std::collections::HashSet;
use std::ops::{Bound, Range};

use chrono::NaiveDate;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use super::facets::FacetCounts;
use super::highlight::Highlighter;
use super::plan::{ABUNDANT, Ctx, Plan};
use super::query::{Parsed, parse, tokens};
use super::schema::{QUERY_STEMMED, QUERY_WORDS, RESTRICTED, STEMMED, WORDS};
use super::synonyms::Synonyms;
use super::{Search, search_error};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::projection::EVERYONE;

/// Hits on a page unless `per_page` says otherwise (1 to [`MAX_PER_PAGE`]).
pub const PER_PAGE: usize = 10;
pub const MAX_PER_PAGE: usize = 100;
/// Results reachable by paging.
pub const MAX_RESULTS: usize = 10_000;
/// Up to this many hidden records, a page is ranked unfiltered and the hidden dropped after.
const MAX_HIDDEN: usize = 1000;
/// With fewer records holding every word than this (a page of the default size), records
/// holding most of them follow, and a typo correction is tried.
const RELAX_BELOW: usize = 10;

/// Who is asking, as the index's `readers` keys.
#[derive(Debug, Clone)]
pub struct Readers(Vec<String>);

impl Readers {
    pub fn of(viewer: &Viewer) -> Readers {
        let mut keys = vec![EVERYONE.to_string()];
        if let Some(p) = viewer.person() {
            keys.push(format!("person:{}", p.id));
            if p.is_admin {
                keys.push("admin".into());
            }
        }
        Readers(keys)
    }

    #[cfg(test)]
    pub fn for_keys(keys: &[&str]) -> Readers {
        let mut all = vec![EVERYONE.to_string()];
        all.extend(keys.iter().map(|k| k.to_string()));
        Readers(all)
    }

    /// Records everyone may read (shared results such as related lessons).
    pub fn everyone() -> Readers {
        Readers(vec![EVERYONE.to_string()])
    }

    pub fn keys(&self) -> &[String] {
        &self.0
    }
}

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
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct Params {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub unit: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    /// `0`: no typo correction.
    pub correct: Option<String>,
}

/// Text with the ranges that matched.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

impl Highlight {
    /// `(text, matched)` pieces, for templates to escape and mark.
    pub fn parts(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for m in &self.marks {
            if m.start < at || m.end > self.text.len() {
                continue;
            }
            if m.start > at {
                out.push((&self.text[at..m.start], false));
            }
            out.push((&self.text[m.start..m.end], true));
            at = m.end;
        }
        if at < self.text.len() {
            out.push((&self.text[at..], false));
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: String,
    pub title: Highlight,
    pub url: String,
    pub snippet: Highlight,
    /// None when sorted by date.
    pub score: Option<f32>,
    pub date: Option<chrono::NaiveDateTime>,
    pub context: String,
    pub unit_ids: Vec<i64>,
    pub author: Option<String>,
    pub tags: Vec<String>,
}

/// Counts per value of each facet, largest first.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub kind: Vec<(String, u64)>,
    pub tribe: Vec<(String, u64)>,
    pub squad: Vec<(String, u64)>,
    pub tag: Vec<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    /// Nothing matched as typed: these are the results of the corrected query.
    Showing { used: String, typed: String },
    /// Little matched as typed; the corrected query finds more.
    DidYouMean(String),
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Records found: with most of the words when `relaxed`, else with all of them.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    pub correction: Option<Correction>,
    /// Not every word had to match: fewer than ten records hold all of them.
    pub relaxed: bool,
    /// How many of the words a record needed (all of them unless relaxed).
    pub minimum: usize,
    /// Records holding every word (of the query searched, corrected or not).
    pub all_words: usize,
    /// The words, as searched, of which a relaxed search looked for most.
    pub words: Vec<String>,
    /// Words no record the viewer may read holds.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub title: String,
    pub url: String,
    pub kind: String,
}

/// The first text value of a stored field ("" when none).
pub(super) fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The `limit` best documents for `query`, each made into a `T`.
pub(super) fn best<T>(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
    make: impl Fn(&TantivyDocument) -> T,
) -> AppResult<Vec<T>> {
    let top = searcher
        .search(query, &TopDocs::with_limit(limit).order_by_score())
        .map_err(search_error)?;
    let mut out = Vec::with_capacity(top.len());
    for (_, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr).map_err(search_error)?;
        out.push(make(&doc));
    }
    Ok(out)
}

pub(super) fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

pub(super) fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// The query a page shows, chosen between strict and relaxed.
struct Choice {
    plan: Plan,
    query: Box<dyn Query>,
    /// Decides the counts: the plan and how many concepts it needed.
    key: String,
    relaxed: bool,
    /// The concepts a record needed (all of them unless relaxed).
    minimum: usize,
    all_words: usize,
    total: usize,
}

struct Found {
    total: usize,
    top: Vec<(Option<f32>, DocAddress)>,
    facets: Facets,
}

impl Search {
    pub(super) fn analyzer(&self, name: &str) -> AppResult<TextAnalyzer> {
        self.index
            .tokenizers()
            .get(name)
            .ok_or_else(|| search_error(format!("analyzer {name} missing")))
    }

    /// Leaves out the restricted records the viewer is no reader of.
    pub(super) fn readers_filter(&self, readers: &Readers) -> (Occur, Box<dyn Query>) {
        (Occur::MustNot, self.hidden(readers))
    }

    /// The restricted records the viewer is no reader of.
    pub(super) fn hidden(&self, readers: &Readers) -> Box<dyn Query> {
        let f = &self.fields;
        let own: Vec<Box<dyn Query>> = readers
            .0
            .iter()
            .filter(|k| *k != EVERYONE)
            .map(|k| term(f.readers, k))
            .collect();
        let restricted = term(f.readers, RESTRICTED);
        if own.is_empty() {
            restricted
        } else {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, restricted),
                (Occur::MustNot, any(own)),
            ]))
        }
    }

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

    /// Runs `make` with a plan context that looks at the index as the viewer sees it.
    pub(super) fn with_viewer_ctx<T>(
        &self,
        searcher: &Searcher,
        readers: &Readers,
        synonyms: &Synonyms,
        make: impl FnOnce(&mut Ctx) -> T,
    ) -> AppResult<T> {
        let (mut words, mut stemmed) = (self.analyzer(QUERY_WORDS)?, self.analyzer(QUERY_STEMMED)?);
        let hidden = searcher
            .search(&*self.hidden(readers), &Count)
            .map_err(search_error)? as u64;
        let doc_freq = self.held_by(searcher, readers, hidden);
        Ok(make(&mut Ctx {
            fields: &self.fields,
            words: &mut words,
            stemmed: &mut stemmed,
            synonyms,
            doc_freq: &doc_freq,
            docs: searcher.num_docs().saturating_sub(hidden),
        }))
    }

    /// How many records the viewer may read hold a term — or, when that is surely at least
    /// [`ABUNDANT`], the index's count: whether a word exists, and whether it is abundant,
    /// decide how a query is read, and a record the viewer may not open must decide neither.
    /// `hidden` is how many records the viewer may not read.
    fn held_by<'a>(
        &'a self,
        searcher: &'a Searcher,
        readers: &'a Readers,
        hidden: u64,
    ) -> impl Fn(&Term) -> u64 + 'a {
        // Above the cut-off plus every record hidden from the viewer, the viewer may read at
        // least the cut-off's worth: no need to count exactly.
        move |t: &Term| {
            let n = searcher.doc_freq(t).unwrap_or(0);
            if n == 0 || n >= ABUNDANT + hidden {
                return n;
            }
            let q = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic)) as Box<dyn Query>,
                ),
                self.readers_filter(readers),
            ]);
            searcher.search(&q, &Count).map_or(0, |c| c as u64)
        }
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

    /// Strict when enough records hold every word; else relaxed to most of the words (and,
    /// when even that finds nothing, to any of them), when that finds more.
    fn choose(
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

    /// The filters of the request (kind, tag, author, unit, dates), each scoring nothing.
    fn filters(&self, req: &Request) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut clauses = vec![];
        if let Some(k) = &req.kind {
            clauses.push(filter(term(f.kind, k)));
        }
        if let Some(t) = &req.tag {
            clauses.push(filter(term(f.tags, t)));
        }
        if let Some(a) = &req.author {
            clauses.push(filter(term(f.author, a)));
        }
        if let Some(u) = &req.unit {
            let q: Box<dyn Query> = match Facet::from_text(u) {
                Ok(facet) => Box::new(TermQuery::new(
                    Term::from_facet(f.unit, &facet),
                    IndexRecordOption::Basic,
                )),
                Err(_) => Box::new(EmptyQuery),
            };
            clauses.push(filter(q));
        }
        if req.from.is_some() || req.to.is_some() {
            let secs = |d: NaiveDate| {
                Term::from_field_i64(
                    f.date,
                    d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
                )
            };
            let lower = req
                .from
                .map_or(Bound::Unbounded, |d| Bound::Included(secs(d)));
            let upper = req
                .to
                .and_then(|d| d.succ_opt())
                .map_or(Bound::Unbounded, |d| Bound::Excluded(secs(d)));
            clauses.push(filter(Box::new(RangeQuery::new(lower, upper))));
        }
        clauses
    }

    /// `positive` with the request's filters and the viewer's readers filter.
    fn narrowed(&self, req: &Request, positive: &dyn Query, readers: &Readers) -> BooleanQuery {
        let mut clauses = vec![(Occur::Must, positive.box_clone())];
        clauses.extend(self.filters(req));
        clauses.push(self.readers_filter(readers));
        BooleanQuery::new(clauses)
    }

    /// How many records the viewer may read match `positive` and the filters; remembered per
    /// index generation under `key` (which must decide `positive`).
    fn total(
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
    fn missing(
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

    fn find(
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

    /// The key of a query's count or facets in the caches: everything that decides them
    /// (`decides` for the words; not the page or the order), and the index generation they
    /// were counted in.
    fn counts_key(
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
            readers.0.join(",")
        )
    }

    fn hits(&self, searcher: &Searcher, marked: &dyn Query, found: &Found) -> AppResult<Vec<Hit>> {
        let f = &self.fields;
        let mut marker = Highlighter::new(
            marked,
            &[f.title, f.body, f.text, f.pairs],
            self.analyzer(WORDS)?,
            self.analyzer(STEMMED)?,
        );
        let mut hits = Vec::with_capacity(found.top.len());
        for (score, addr) in &found.top {
            let doc: TantivyDocument = searcher.doc(*addr).map_err(search_error)?;
            let text = |field| stored_text(&doc, field);
            let title = text(f.title);
            let body = text(f.body);
            hits.push(Hit {
                kind: text(f.kind),
                title: marker.whole(&title),
                snippet: marker.snippet(&body, 240),
                url: text(f.url),
                score: *score,
                date: doc
                    .get_first(f.date)
                    .and_then(|v| v.as_i64())
                    .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                    .map(|d| d.naive_utc()),
                context: text(f.context),
                unit_ids: doc.get_all(f.unit_ids).filter_map(|v| v.as_i64()).collect(),
                author: Some(text(f.author)).filter(|a| !a.is_empty()),
                tags: doc
                    .get_all(f.tags)
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect(),
            });
        }
        Ok(hits)
    }

    /// Titles starting with what was typed so far: the earlier words whole, the last one as a
    /// prefix.
    pub fn suggest(&self, q: &str, readers: &Readers, limit: usize) -> AppResult<Vec<Suggestion>> {
        let f = &self.fields;
        let mut words = self.analyzer(QUERY_WORDS)?;
        let toks = tokens(&mut words, q);
        let Some((last, earlier)) = toks.split_last() else {
            return Ok(vec![]);
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = earlier
            .iter()
            .map(|w| (Occur::Must, term(f.title_words, w)))
            .collect();
        clauses.push((
            Occur::Must,
            Box::new(FuzzyTermQuery::new_prefix(
                Term::from_field_text(f.title_words, last),
                0,
                true,
            )),
        ));
        // A whole-word match ranks before a longer word that only starts the same.
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(term(f.title_words, last), 2.0)),
        ));
        clauses.push(self.readers_filter(readers));
        best(
            &self.reader.searcher(),
            &BooleanQuery::new(clauses),
            limit,
            |doc| Suggestion {
                title: stored_text(doc, f.title),
                url: stored_text(doc, f.url),
                kind: stored_text(doc, f.kind),
            },
        )
    }
}
