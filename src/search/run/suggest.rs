//! Search as you type: titles starting with what was typed so far.

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query};

use super::super::Search;
use super::super::query::tokens;
use super::super::schema::QUERY_WORDS;
use super::queries::{best, stored_text, term};
use super::{Readers, Suggestion};
use crate::error::AppResult;

impl Search {
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
