//! Facet counts — kind, tribe, squad, tag — over every hit of a query, from the fast-field
//! columns. Opening a segment's string columns costs more than counting a few thousand hits,
//! so they are opened once per segment and kept until the segment is merged away.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentReader};

use super::run::Facets;

/// Values shown per facet.
const FACET_VALUES: usize = 12;
const FIELDS: [&str; 4] = ["kind", "tribe", "squad", "tags"];
/// Segments whose columns are kept; more than an index ever has live at once.
const CACHED_SEGMENTS: usize = 256;

/// One facet column of one segment, unpacked into memory: the values of document `d` are
/// `values[starts[d]..starts[d + 1]]`, indexes into `names`. Reading a column through
/// tantivy's compressed, optional/multi-valued index costs several times more per document,
/// and a broad query counts tens of thousands of documents.
struct Unpacked {
    names: Vec<String>,
    starts: Vec<u32>,
    values: Vec<u32>,
}

impl Unpacked {
    fn of(column: Option<StrColumn>, max_doc: DocId) -> tantivy::Result<Unpacked> {
        let mut u = Unpacked {
            names: Vec::new(),
            starts: Vec::with_capacity(max_doc as usize + 1),
            values: Vec::with_capacity(max_doc as usize),
        };
        u.starts.push(0);
        let Some(column) = column else {
            u.starts.resize(max_doc as usize + 1, 0);
            return Ok(u);
        };
        let mut name = String::new();
        for ord in 0..column.num_terms() as u64 {
            name.clear();
            column.ord_to_str(ord, &mut name)?;
            u.names.push(name.clone());
        }
        for doc in 0..max_doc {
            u.values.extend(column.term_ords(doc).map(|o| o as u32));
            u.starts.push(u.values.len() as u32);
        }
        Ok(u)
    }
}

/// The unpacked facet columns of each segment.
#[derive(Default)]
pub struct ColumnCache(Mutex<HashMap<SegmentId, Arc<Vec<Unpacked>>>>);

impl ColumnCache {
    fn columns(&self, segment: &SegmentReader) -> tantivy::Result<Arc<Vec<Unpacked>>> {
        let id = segment.segment_id();
        if let Ok(cache) = self.0.lock()
            && let Some(c) = cache.get(&id)
        {
            return Ok(c.clone());
        }
        let mut columns = Vec::with_capacity(FIELDS.len());
        for name in FIELDS {
            columns.push(Unpacked::of(
                segment.fast_fields().str(name)?,
                segment.max_doc(),
            )?);
        }
        let columns = Arc::new(columns);
        if let Ok(mut cache) = self.0.lock() {
            if cache.len() >= CACHED_SEGMENTS {
                cache.clear();
            }
            cache.insert(id, columns.clone());
        }
        Ok(columns)
    }
}

pub struct FacetCounts<'a> {
    cache: &'a ColumnCache,
}

impl<'a> FacetCounts<'a> {
    pub fn new(cache: &'a ColumnCache) -> Self {
        FacetCounts { cache }
    }
}

pub struct SegmentFacets {
    columns: Arc<Vec<Unpacked>>,
    counts: Vec<Vec<u32>>,
}

impl Collector for FacetCounts<'_> {
    type Fruit = Facets;
    type Child = SegmentFacets;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let columns = self.cache.columns(segment)?;
        let counts = columns.iter().map(|c| vec![0u32; c.names.len()]).collect();
        Ok(SegmentFacets { columns, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<HashMap<String, u64>>>) -> tantivy::Result<Facets> {
        let mut merged: Vec<HashMap<String, u64>> = vec![HashMap::new(); FIELDS.len()];
        for fruit in fruits {
            for (into, from) in merged.iter_mut().zip(fruit) {
                for (k, v) in from {
                    *into.entry(k).or_default() += v;
                }
            }
        }
        let mut sorted = merged.into_iter().map(|m| {
            let mut v: Vec<(String, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v.truncate(FACET_VALUES);
            v
        });
        Ok(Facets {
            kind: sorted.next().unwrap_or_default(),
            tribe: sorted.next().unwrap_or_default(),
            squad: sorted.next().unwrap_or_default(),
            tag: sorted.next().unwrap_or_default(),
        })
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = Vec<HashMap<String, u64>>;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for (column, counts) in self.columns.iter().zip(self.counts.iter_mut()) {
            for &doc in docs {
                let d = doc as usize;
                let (Some(&from), Some(&to)) = (column.starts.get(d), column.starts.get(d + 1))
                else {
                    continue;
                };
                for &ord in column
                    .values
                    .get(from as usize..to as usize)
                    .unwrap_or_default()
                {
                    if let Some(n) = counts.get_mut(ord as usize) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.columns
            .iter()
            .zip(self.counts)
            .map(|(column, counts)| {
                counts
                    .into_iter()
                    .zip(&column.names)
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, name)| (name.clone(), n as u64))
                    .collect()
            })
            .collect()
    }
}
