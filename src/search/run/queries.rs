//! The pieces queries are built of: terms, filters that score nothing, the request's
//! filters, the index's analyzers, and reading stored fields back.

use std::ops::Bound;

use chrono::NaiveDate;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, TantivyDocument, Term};

use super::super::{Search, search_error};
use super::{Readers, Request};
use crate::error::AppResult;

/// The first text value of a stored field ("" when none).
pub(in crate::search) fn stored_text(
    doc: &TantivyDocument,
    field: tantivy::schema::Field,
) -> String {
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

pub(in crate::search) fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

pub(in crate::search) fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

pub(super) fn any(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

impl Search {
    pub(in crate::search) fn analyzer(&self, name: &str) -> AppResult<TextAnalyzer> {
        self.index
            .tokenizers()
            .get(name)
            .ok_or_else(|| search_error(format!("analyzer {name} missing")))
    }

    /// The filters of the request (kind, tag, author, unit, dates), each scoring nothing.
    pub(super) fn filters(&self, req: &Request) -> Vec<(Occur, Box<dyn Query>)> {
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
    pub(super) fn narrowed(
        &self,
        req: &Request,
        positive: &dyn Query,
        readers: &Readers,
    ) -> BooleanQuery {
        let mut clauses = vec![(Occur::Must, positive.box_clone())];
        clauses.extend(self.filters(req));
        clauses.push(self.readers_filter(readers));
        BooleanQuery::new(clauses)
    }
}
