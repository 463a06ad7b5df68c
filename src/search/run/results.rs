//! What a search answers: hits with their highlighted title and snippet, facet counts,
//! a correction, and suggestions as you type.

use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

use super::super::highlight::Highlighter;
use super::super::schema::{STEMMED, WORDS};
use super::super::{Search, search_error};
use super::page::Found;
use super::queries::stored_text;
use crate::error::AppResult;
use crate::ids::UnitId;

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
    pub unit_ids: Vec<UnitId>,
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

impl Search {
    pub(super) fn hits(
        &self,
        searcher: &Searcher,
        marked: &dyn Query,
        found: &Found,
    ) -> AppResult<Vec<Hit>> {
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
                unit_ids: doc
                    .get_all(f.unit_ids)
                    .filter_map(|v| v.as_i64())
                    .map(UnitId)
                    .collect(),
                author: Some(text(f.author)).filter(|a| !a.is_empty()),
                tags: doc
                    .get_all(f.tags)
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect(),
            });
        }
        Ok(hits)
    }
}
