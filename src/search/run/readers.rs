//! Who is asking, as the index's `readers` keys, and the index as that viewer sees it: the
//! restricted records left out, and word counts that hidden records do not sway.

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::super::plan::{ABUNDANT, Ctx};
use super::super::schema::{QUERY_STEMMED, QUERY_WORDS, RESTRICTED};
use super::super::synonyms::Synonyms;
use super::super::{Search, search_error};
use super::queries::{any, term};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::projection::EVERYONE;

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

impl Search {
    /// Leaves out the restricted records the viewer is no reader of.
    pub(in crate::search) fn readers_filter(&self, readers: &Readers) -> (Occur, Box<dyn Query>) {
        (Occur::MustNot, self.hidden(readers))
    }

    /// The restricted records the viewer is no reader of.
    pub(in crate::search) fn hidden(&self, readers: &Readers) -> Box<dyn Query> {
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

    /// Runs `make` with a plan context that looks at the index as the viewer sees it.
    pub(in crate::search) fn with_viewer_ctx<T>(
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
}
