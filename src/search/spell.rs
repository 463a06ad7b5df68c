//! Typo correction that only corrects typos: a word is replaced only when no record the
//! viewer may read holds it, it is no synonym, stop word or compound fika knows, and an
//! indexed word is one or two letters away. A word that is spelled right but rare, or a
//! product name, is never turned into a more common word; `run.rs` decides whether the
//! corrected query is shown or only offered.

use std::collections::HashMap;

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur};
use tantivy::{Searcher, Term};

use super::plan::{Ctx, Plan, is_filler};
use super::query::{Parsed, tokens};
use super::run::{Readers, term};
use super::schema::{QUERY_STEMMED, QUERY_WORDS};
use super::synonyms::Synonyms;
use super::{Search, search_error};
use crate::error::AppResult;

impl Search {
    /// [`correct`](Self::correct), remembered per index generation, viewer and synonym list.
    pub(super) fn correction(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        readers: &Readers,
        synonyms: &Synonyms,
    ) -> AppResult<Option<Parsed>> {
        let key = format!(
            "{}\u{1f}{}\u{1f}{parsed}\u{1f}{}",
            searcher.generation().generation_id(),
            synonyms.version,
            readers.keys().join(",")
        );
        if let Ok(cache) = self.corrections.lock()
            && let Some(known) = cache.get(&key)
        {
            return Ok(known.clone());
        }
        let better = self.correct(searcher, parsed, readers, synonyms)?;
        if let Ok(mut cache) = self.corrections.lock() {
            if cache.len() >= 4096 {
                cache.clear();
            }
            cache.insert(key, better.clone());
        }
        Ok(better)
    }

    /// The query with each word that no visible record holds replaced by the closest
    /// indexed word: edit distance 1, then 2 for words of six letters and more.
    fn correct(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        readers: &Readers,
        synonyms: &Synonyms,
    ) -> AppResult<Option<Parsed>> {
        let (mut words, mut stemmed) = (self.analyzer(QUERY_WORDS)?, self.analyzer(QUERY_STEMMED)?);
        let doc_freq = self.held_by(searcher, readers);
        let mut ctx = Ctx {
            fields: &self.fields,
            words: &mut words,
            stemmed: &mut stemmed,
            synonyms,
            doc_freq: &doc_freq,
            docs: searcher.num_docs(),
        };
        let mut better = parsed.clone();
        let mut changed = false;
        for c in better.clauses.iter_mut().filter(|c| c.correctable()) {
            let toks = tokens(ctx.words, &c.text);
            let [word] = toks.as_slice() else { continue };
            let chars = word.chars().count();
            if chars < 3 || is_filler(word) || !word.chars().all(char::is_alphabetic) {
                continue;
            }
            let stem = tokens(ctx.stemmed, word).join(" ");
            if synonyms.knows(&stem)
                || self.visible(searcher, &term(self.fields.words, word), readers)?
                || Plan::split(word, &mut ctx).is_some()
            {
                continue;
            }
            let mut best = None;
            for distance in [1u8, 2] {
                if distance == 2 && chars < 6 {
                    break;
                }
                best = self.closest(searcher, word, distance)?;
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

    /// Whether a record the viewer may read matches `q`.
    fn visible(
        &self,
        searcher: &Searcher,
        q: &dyn tantivy::query::Query,
        readers: &Readers,
    ) -> AppResult<bool> {
        let query = BooleanQuery::new(vec![
            (Occur::Must, q.box_clone()),
            self.readers_filter(readers),
        ]);
        Ok(searcher.search(&query, &Count).map_err(search_error)? > 0)
    }

    /// The indexed word within `distance` of `word` that most records hold.
    fn closest(&self, searcher: &Searcher, word: &str, distance: u8) -> AppResult<Option<String>> {
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
        Ok(freq
            .into_iter()
            .filter(|(w, n)| *n > 0 && w.as_slice() != word.as_bytes())
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .and_then(|(w, _)| String::from_utf8(w).ok()))
    }
}
