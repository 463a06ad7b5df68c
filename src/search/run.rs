//! Running searches: the results page and its API, search as you type, typo correction and
//! "related lessons from other teams". Every query carries the viewer's reader keys as a
//! filter, so what a viewer may not open is never counted, faceted, suggested or shown.

use std::collections::{HashMap, HashSet};
use std::ops::{Bound, Range};
use std::sync::Arc;

use chrono::NaiveDate;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery,
    MoreLikeThisQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, OwnedValue, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use super::facets::FacetCounts;
use super::highlight::Highlighter;
use super::query::{Parsed, parse, tokens};
use super::records::EVERYONE;
use super::schema::{RESTRICTED, STEMMED, STOP_WORDS, WORDS};
use super::{Search, search_error};
use crate::auth::Viewer;
use crate::error::AppResult;

pub const PER_PAGE: usize = 10;
/// Up to this many hidden records, a page is ranked unfiltered and the hidden dropped after.
const MAX_HIDDEN: usize = 1000;
/// With fewer hits than this, a typo correction is tried.
const FEW: usize = 3;

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
        let date = |v: &Option<String>| {
            opt(v).and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
        };
        let q = params.q.clone().unwrap_or_default();
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
                .clamp(1, 1000),
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
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    pub correction: Option<Correction>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub title: String,
    pub url: String,
    pub kind: String,
}

/// A lesson related to the one being read.
#[derive(Debug, Clone)]
pub struct Related {
    pub title: String,
    pub url: String,
    pub unit_ids: Vec<i64>,
}

/// The first text value of a stored field ("" when none).
fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The `limit` best documents for `query`, each made into a `T`.
fn best<T>(
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

fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

struct Found {
    positive: Box<dyn Query>,
    total: usize,
    top: Vec<(Option<f32>, DocAddress)>,
    facets: Facets,
}

impl Search {
    fn analyzer(&self, name: &str) -> AppResult<TextAnalyzer> {
        self.index
            .tokenizers()
            .get(name)
            .ok_or_else(|| search_error(format!("analyzer {name} missing")))
    }

    /// Leaves out the restricted records the viewer is no reader of.
    fn readers_filter(&self, readers: &Readers) -> (Occur, Box<dyn Query>) {
        (Occur::MustNot, self.hidden(readers))
    }

    /// The restricted records the viewer is no reader of.
    fn hidden(&self, readers: &Readers) -> Box<dyn Query> {
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

    /// The `/search` results.
    pub fn search(&self, req: &Request, readers: &Readers) -> AppResult<Results> {
        if req.is_empty() {
            return Ok(Results::default());
        }
        let searcher = self.reader.searcher();
        let started = std::time::Instant::now();
        let mut found = self.find(&searcher, req, &req.parsed, readers)?;
        let found_at = started.elapsed();
        let mut correction = None;
        if found.total < FEW
            && let Some(better) = self.correction(&searcher, &req.parsed)?
        {
            let second = self.find(&searcher, req, &better, readers)?;
            if second.total > found.total {
                if found.total == 0 {
                    correction = Some(Correction::Showing {
                        used: better.to_string(),
                        typed: req.q.clone(),
                    });
                    found = second;
                } else {
                    correction = Some(Correction::DidYouMean(better.to_string()));
                }
            }
        }
        let corrected_at = started.elapsed();
        let hits = self.hits(&searcher, &found)?;
        tracing::debug!(
            total = found.total,
            find_us = found_at.as_micros() as u64,
            correct_us = (corrected_at - found_at).as_micros() as u64,
            hits_us = (started.elapsed() - corrected_at).as_micros() as u64,
            "search"
        );
        Ok(Results {
            total: found.total,
            hits,
            facets: found.facets,
            correction,
        })
    }

    fn find(
        &self,
        searcher: &Searcher,
        req: &Request,
        parsed: &Parsed,
        readers: &Readers,
    ) -> AppResult<Found> {
        let f = &self.fields;
        let mut stemmed = self.analyzer(STEMMED)?;
        let (positive, negative) = parsed.to_query(f, &mut stemmed);
        let has_positive = parsed.clauses.iter().any(|c| !c.negated);
        let positive: Box<dyn Query> = match positive {
            Some(q) => q,
            // Words that analyse to nothing ("---") find nothing, not everything.
            None if has_positive => Box::new(EmptyQuery),
            None => Box::new(AllQuery),
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, positive.box_clone())];
        clauses.extend(negative.into_iter().map(|q| (Occur::MustNot, q)));
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
        // What ranks the page: the words alone when nothing else narrows them, so that one
        // word (title or body) is a plain union of terms and tantivy skips the blocks that
        // cannot make the page (block-max WAND); any wrapping query would turn that off.
        let ranked: Box<dyn Query> = if clauses.len() == 1 {
            positive.box_clone()
        } else {
            Box::new(BooleanQuery::new(
                clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect(),
            ))
        };
        // What is counted and faceted: the same, less what the viewer may not read.
        clauses.push(self.readers_filter(readers));
        let query = BooleanQuery::new(clauses);
        let offset = (req.page - 1) * PER_PAGE;
        let page = TopDocs::with_limit(PER_PAGE).and_offset(offset);
        let key = self.counts_key(searcher, req, parsed, readers);
        let cached = key.as_ref().and_then(|k| self.cached_counts(k));
        // Phrases of three words and more are matched through positions (two-word ones are
        // pairs, see `schema::PAIRS`).
        let phrase = (parsed.clauses.iter())
            .any(|c| c.phrase && !c.negated && c.text.split_whitespace().nth(2).is_some());
        let (top, total, facets) = match (cached, req.sort) {
            // Positions are the dearest part of a query: match them once, scoring and
            // counting in the same pass.
            (None, Sort::Relevance) if phrase => {
                let (top, total, facets) = searcher
                    .search(
                        &query,
                        &(
                            page.order_by_score(),
                            Count,
                            FacetCounts::new(&self.facet_columns),
                        ),
                    )
                    .map_err(search_error)?;
                let top = top.into_iter().map(|(s, a)| (Some(s), a)).collect();
                (top, total, facets)
            }
            (cached, sort) => {
                // The page of hits alone lets tantivy skip blocks that cannot make the top
                // (block-max WAND); counting and facets need no scores.
                let top = self.page(searcher, &*ranked, &query, readers, sort, offset)?;
                let (total, facets) = match cached {
                    Some(c) => c,
                    None => (
                        // Count alone takes tantivy's fast path.
                        searcher.search(&query, &Count).map_err(search_error)?,
                        searcher
                            .search(&query, &FacetCounts::new(&self.facet_columns))
                            .map_err(search_error)?,
                    ),
                };
                (top, total, facets)
            }
        };
        if let Some(k) = key {
            self.remember_counts(k, total, &facets);
        }
        Ok(Found {
            positive,
            total,
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
        sort: Sort,
        offset: usize,
    ) -> AppResult<Vec<(Option<f32>, DocAddress)>> {
        let hidden: HashSet<DocAddress> = searcher
            .search(&*self.hidden(readers), &DocSetCollector)
            .map_err(search_error)?;
        let (query, limit, skip) = if hidden.len() > MAX_HIDDEN {
            (filtered, PER_PAGE, offset)
        } else {
            (ranked, offset + PER_PAGE + hidden.len(), 0)
        };
        let top = TopDocs::with_limit(limit).and_offset(skip);
        let found: Vec<(Option<f32>, DocAddress)> = match sort {
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
            .take(PER_PAGE)
            .collect())
    }

    /// The key of a query's count and facets in the cache: everything that decides them
    /// (not the page or the order), and the index generation they were counted in.
    fn counts_key(
        &self,
        searcher: &Searcher,
        req: &Request,
        parsed: &Parsed,
        readers: &Readers,
    ) -> Option<String> {
        self.cache_counts.then(|| {
            format!(
                "{}\u{1f}{parsed}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{}",
                searcher.generation().generation_id(),
                req.kind,
                req.unit,
                req.tag,
                req.author,
                req.from,
                req.to,
                readers.0.join(",")
            )
        })
    }

    fn cached_counts(&self, key: &str) -> Option<(usize, Facets)> {
        self.counts_cache.lock().ok()?.get(key).cloned()
    }

    fn remember_counts(&self, key: String, total: usize, facets: &Facets) {
        if let Ok(mut cache) = self.counts_cache.lock() {
            // Keys of older index generations are never asked again.
            if cache.len() >= 4096 {
                cache.clear();
            }
            cache.insert(key, (total, facets.clone()));
        }
    }

    fn hits(&self, searcher: &Searcher, found: &Found) -> AppResult<Vec<Hit>> {
        let f = &self.fields;
        let mut marker = Highlighter::new(
            &*found.positive,
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

    /// [`correct`](Self::correct), remembered per index generation: it depends only on the
    /// words and the index (whether the viewer sees results for it is checked each time).
    fn correction(&self, searcher: &Searcher, parsed: &Parsed) -> AppResult<Option<Parsed>> {
        let key = format!("{}\u{1f}{parsed}", searcher.generation().generation_id());
        if let Ok(cache) = self.corrections.lock()
            && let Some(known) = cache.get(&key)
        {
            return Ok(known.clone());
        }
        let better = self.correct(searcher, parsed)?;
        if let Ok(mut cache) = self.corrections.lock() {
            if cache.len() >= 4096 {
                cache.clear();
            }
            cache.insert(key, better.clone());
        }
        Ok(better)
    }

    /// The query with each word that (almost) nothing contains replaced by the closest word
    /// that many records contain: edit distance 1, then 2 for longer words.
    fn correct(&self, searcher: &Searcher, parsed: &Parsed) -> AppResult<Option<Parsed>> {
        let mut words = self.analyzer(WORDS)?;
        let mut better = parsed.clone();
        let mut changed = false;
        for c in better.clauses.iter_mut().filter(|c| c.correctable()) {
            let toks = tokens(&mut words, &c.text);
            let [word] = toks.as_slice() else { continue };
            let chars = word.chars().count();
            if chars < 3 || STOP_WORDS.contains(&word.as_str()) {
                continue;
            }
            let seen = searcher
                .doc_freq(&Term::from_field_text(self.fields.words, word))
                .map_err(search_error)?;
            let mut best = None;
            for distance in [1u8, 2] {
                if distance == 2 && chars < 6 {
                    break;
                }
                best = self.closest(searcher, word, distance, seen)?;
                if best.is_some() {
                    break;
                }
            }
            if let Some(w) = best {
                c.text = w;
                changed = true;
            }
        }
        Ok(changed.then_some(better))
    }

    /// The most frequent indexed word within `distance` of `word` that is much more common.
    fn closest(
        &self,
        searcher: &Searcher,
        word: &str,
        distance: u8,
        seen: u64,
    ) -> AppResult<Option<String>> {
        let field = self.fields.words;
        let automaton = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true)
            .automaton()
            .map_err(search_error)?;
        let mut freq: HashMap<Vec<u8>, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field).map_err(search_error)?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(search_error)?;
            while stream.advance() {
                *freq.entry(stream.key().to_vec()).or_default() += stream.value().doc_freq as u64;
            }
        }
        // A word that exists is only replaced by one at least ten times as common.
        let needed = if seen == 0 { 1 } else { seen * 10 };
        Ok(freq
            .into_iter()
            .filter(|(w, n)| *n >= needed && w.as_slice() != word.as_bytes())
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .and_then(|(w, _)| String::from_utf8(w).ok()))
    }

    /// Titles starting with what was typed so far: the earlier words whole, the last one as a
    /// prefix.
    pub fn suggest(&self, q: &str, readers: &Readers, limit: usize) -> AppResult<Vec<Suggestion>> {
        let f = &self.fields;
        let mut words = self.analyzer(WORDS)?;
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

    /// Up to `limit` lessons like this text (more-like-this over title and body), from units
    /// other than `own_units`, that everyone may read. Cached until the index changes.
    pub fn related(
        &self,
        key: &str,
        title: &str,
        body: &str,
        own_units: &[i64],
        limit: usize,
    ) -> AppResult<Arc<Vec<Related>>> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        if let Ok(cache) = self.related_cache.lock()
            && let Some((g, v)) = cache.get(key)
            && *g == generation
        {
            return Ok(v.clone());
        }
        let f = &self.fields;
        let docs = searcher.num_docs().max(1);
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            // Words in a third of everything say nothing about this text (in a big index; a
            // small one has too few records to tell).
            .with_max_doc_frequency((docs / 3).max(20))
            .with_min_term_frequency(1)
            .with_max_query_terms(24)
            .with_min_word_length(3)
            .with_stop_words(STOP_WORDS.iter().map(|s| s.to_string()).collect())
            .with_document_fields(vec![
                (f.title, vec![OwnedValue::Str(title.to_string())]),
                (f.body, vec![OwnedValue::Str(body.to_string())]),
            ]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(mlt)),
            filter(term(f.kind, "lesson")),
            self.readers_filter(&Readers::everyone()),
            (Occur::MustNot, term(f.key, key)),
        ];
        for &u in own_units {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_i64(f.unit_ids, u),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let out = best(&searcher, &BooleanQuery::new(clauses), limit, |doc| {
            Related {
                title: stored_text(doc, f.title),
                url: stored_text(doc, f.url),
                unit_ids: doc.get_all(f.unit_ids).filter_map(|v| v.as_i64()).collect(),
            }
        })?;
        let out = Arc::new(out);
        if let Ok(mut cache) = self.related_cache.lock() {
            // Entries of older generations are useless: drop them when the map grows.
            if cache.len() > 4096 {
                cache.retain(|_, (g, _)| *g == generation);
            }
            cache.insert(key.to_string(), (generation, out.clone()));
        }
        Ok(out)
    }
}
