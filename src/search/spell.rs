//! Typo correction that only corrects typos: a word is replaced only when no record the
//! viewer may read holds it, it is no synonym, stop word or compound fika knows, and an
//! indexed word is one or two letters away. A word that is spelled right but rare, or a
//! product name, is never turned into a more common word; `run.rs` decides whether the
//! corrected query is shown or only offered.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::{Searcher, Term};

use super::plan::{Ctx, Plan, is_filler};
use super::query::{Parsed, tokens};
use super::run::Readers;
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
        if let Some(known) = self.corrections.get(&key) {
            return Ok(known);
        }
        let better = self.correct(searcher, parsed, readers, synonyms)?;
        self.corrections.put(key, better.clone());
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
        self.with_viewer_ctx(searcher, readers, synonyms, |ctx| {
            self.correct_with(searcher, parsed, ctx)
        })?
    }

    fn correct_with(
        &self,
        searcher: &Searcher,
        parsed: &Parsed,
        ctx: &mut Ctx,
    ) -> AppResult<Option<Parsed>> {
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
            // Held by a readable record in its text or its tags (`text` has both), as typed
            // or as its stem.
            if ctx.synonyms.knows(&stem)
                || (ctx.doc_freq)(&Term::from_field_text(self.fields.words, word)) > 0
                || (ctx.doc_freq)(&Term::from_field_text(self.fields.text, &stem)) > 0
                || Plan::split(word, ctx).is_some()
            {
                continue;
            }
            let mut best = None;
            for distance in [1u8, 2] {
                if distance == 2 && chars < 6 {
                    break;
                }
                best = self.closest(searcher, word, distance, ctx.doc_freq)?;
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

    /// The word within `distance` of `word` that most records the viewer may read hold
    /// (`held` counts them).
    fn closest(
        &self,
        searcher: &Searcher,
        word: &str,
        distance: u8,
        held: &dyn Fn(&Term) -> u64,
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
        // Candidates by the index's counts; then only what the viewer may read decides.
        let mut best: Option<(u64, String)> = None;
        for (w, n) in freq {
            let Ok(w) = String::from_utf8(w) else {
                continue;
            };
            if n == 0 || w == word {
                continue;
            }
            let seen = held(&Term::from_field_text(field, &w));
            if seen > 0
                && best
                    .as_ref()
                    .is_none_or(|(m, b)| seen > *m || (seen == *m && w < *b))
            {
                best = Some((seen, w));
            }
        }
        Ok(best.map(|(_, w)| w))
    }
}
