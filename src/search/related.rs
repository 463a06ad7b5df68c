//! "Related lessons from other teams": the lessons that share the most distinctive words of
//! the record being read (its rarest words, weighed by how often it uses them), at least two
//! of them, and that come close enough to how well the record matches itself — five slots
//! are not filled with lessons that merely share a common word.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use super::plan::is_filler;
use super::run::{Readers, filter, stored_text, term};
use super::schema::{QUERY_STEMMED, TITLE_BOOST};
use super::{Search, search_error};
use crate::error::AppResult;
use crate::ids::UnitId;

/// Words of a record that make up its "like this" query.
const TERMS: usize = 12;
/// A related lesson scores at least this share of what the record scores against itself.
pub const FLOOR: f32 = 0.2;
/// A word in more than this share of all records says little about any of them (once there
/// are enough records to tell).
const COMMON: f64 = 0.2;

/// A lesson related to the one being read.
#[derive(Debug, Clone)]
pub struct Related {
    pub title: String,
    pub url: String,
    pub unit_ids: Vec<UnitId>,
}

impl Search {
    /// Up to `limit` lessons like this text, from units other than `own_units`, that
    /// everyone may read. Cached until the index changes.
    pub fn related(
        &self,
        key: &str,
        title: &str,
        body: &str,
        own_units: &[UnitId],
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
        let out = Arc::new(self.find_related(&searcher, key, title, body, own_units, limit)?);
        if let Ok(mut cache) = self.related_cache.lock() {
            // Entries of older generations are useless: drop them when the map grows.
            if cache.len() > 4096 {
                cache.retain(|_, (g, _)| *g == generation);
            }
            cache.insert(key.to_string(), (generation, out.clone()));
        }
        Ok(out)
    }

    fn find_related(
        &self,
        searcher: &Searcher,
        key: &str,
        title: &str,
        body: &str,
        own_units: &[UnitId],
        limit: usize,
    ) -> AppResult<Vec<Related>> {
        let f = &self.fields;
        let terms = self.distinctive(searcher, title, body)?;
        if terms.len() < 2 {
            return Ok(vec![]);
        }
        let like = BooleanQuery::with_minimum_required_clauses(
            terms
                .into_iter()
                .map(|(stem, weight)| {
                    let q = TermQuery::new(
                        Term::from_field_text(f.text, &stem),
                        IndexRecordOption::WithFreqs,
                    );
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(q), weight)) as Box<dyn Query>,
                    )
                })
                .collect(),
            2,
        );
        let score_of = |q: &dyn Query, n: usize| {
            searcher
                .search(q, &TopDocs::with_limit(n).order_by_score())
                .map_err(search_error)
        };
        // How well the record matches itself: what "close enough" is measured against.
        let itself = BooleanQuery::new(vec![
            (Occur::Must, Box::new(like.clone()) as Box<dyn Query>),
            filter(term(f.key, key)),
        ]);
        let own = score_of(&itself, 1)?.first().map(|(s, _)| *s);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(like)),
            filter(term(f.kind, "lesson")),
            self.readers_filter(&Readers::everyone()),
            (Occur::MustNot, term(f.key, key)),
        ];
        for &u in own_units {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_i64(f.unit_ids, u.get()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let top = score_of(&BooleanQuery::new(clauses), limit)?;
        // A record not indexed yet is measured against the best lesson found.
        let Some(own) = own.or_else(|| top.first().map(|(s, _)| *s)) else {
            return Ok(vec![]);
        };
        let mut out = Vec::new();
        for (score, addr) in top {
            if score < FLOOR * own {
                break;
            }
            let doc: TantivyDocument = searcher.doc(addr).map_err(search_error)?;
            out.push(Related {
                title: stored_text(&doc, f.title),
                url: stored_text(&doc, f.url),
                unit_ids: doc
                    .get_all(f.unit_ids)
                    .filter_map(|v| v.as_i64())
                    .map(UnitId)
                    .collect(),
            });
        }
        Ok(out)
    }

    /// The record's most distinctive stems with their weights: frequent in it (a title word
    /// counts as often as in the index), rare in the index.
    fn distinctive(
        &self,
        searcher: &Searcher,
        title: &str,
        body: &str,
    ) -> AppResult<Vec<(String, f32)>> {
        let mut stemmed = self.analyzer(QUERY_STEMMED)?;
        let mut tf: HashMap<String, f64> = HashMap::new();
        for (text, weight) in [(title, TITLE_BOOST as f64), (body, 1.0)] {
            let mut stream = stemmed.token_stream(text);
            while let Some(t) = stream.next() {
                if t.text.len() >= 3
                    && !is_filler(&t.text)
                    && !t.text.chars().all(|c| c.is_ascii_digit())
                {
                    *tf.entry(t.text.clone()).or_default() += weight;
                }
            }
        }
        let docs = searcher.num_docs() as f64;
        let mut scored = Vec::with_capacity(tf.len());
        for (stem, n) in tf {
            let df = searcher
                .doc_freq(&Term::from_field_text(self.fields.text, &stem))
                .map_err(search_error)? as f64;
            if df == 0.0 || (docs >= 50.0 && df > docs * COMMON) {
                continue;
            }
            let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
            scored.push((stem, (1.0 + n.ln()) * idf, 1.0 + n.ln()));
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(scored
            .into_iter()
            .take(TERMS)
            .map(|(stem, _, boost)| (stem, boost as f32))
            .collect())
    }
}
