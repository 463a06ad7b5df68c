//! Search behaviour on a real index in a temporary directory, without a database: ranking,
//! stemming, the query syntax, facets, typo correction, permissions, suggestions and related
//! lessons. The HTTP, database and browser side is tested in `tests/it/search.rs`.
//!
//! Here: the fixture (an index of a few records over a small org) and the index's start;
//! the behaviours are in one file per topic.

use chrono::NaiveDate;

use super::Search;
use super::indexer::Indexer;
use super::records::Units;
use super::run::{Correction, Params, Readers, Request};
use crate::ids::UnitId;
use crate::org::unit::{Unit, UnitKind};
use crate::projection::{EVERYONE, Record};

mod correction;
mod pages;
mod queries;
mod related;
mod relevance;

struct Fixture {
    dir: tempfile::TempDir,
    search: std::sync::Arc<Search>,
    indexer: Indexer,
    units: Units,
}

fn units() -> Vec<Unit> {
    let mut tribe = Unit::for_test(1, UnitKind::Tribe, None);
    tribe.slug = "platform".into();
    let mut squad = Unit::for_test(2, UnitKind::Squad, Some(1));
    squad.slug = "payments".into();
    let mut other = Unit::for_test(3, UnitKind::Squad, None);
    other.slug = "player".into();
    vec![tribe, squad, other]
}

fn record(id: u32, title: &str, body: &str) -> Record {
    Record {
        key: format!("lesson:{id}"),
        kind: "lesson",
        title: title.into(),
        body: body.into(),
        tags: vec![],
        unit_ids: vec![],
        author: None,
        date: NaiveDate::from_ymd_opt(2026, 1, id.min(28))
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap_or_default(),
        url: format!("/lessons/{id}"),
        context: String::new(),
        readers: vec![EVERYONE.into()],
    }
}

impl Fixture {
    fn new(records: &[Record]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let (search, rebuild) = Search::open(&dir.path().join("index"), true).unwrap();
        assert_eq!(rebuild, Some(super::Rebuild::Missing));
        let mut f = Fixture {
            indexer: Indexer::new(search.clone(), Vec::new().into()).unwrap(),
            search,
            dir,
            units: Units::of(units()),
        };
        f.put(records);
        f
    }

    fn put(&mut self, records: &[Record]) {
        for r in records {
            self.indexer.put(&self.units, r).unwrap();
        }
        self.indexer.commit(1, true).unwrap();
    }

    fn ask(&self, params: Params, readers: &Readers) -> super::run::Results {
        self.search.search(&Request::new(&params), readers).unwrap()
    }

    /// The urls found for `q`, best first, as everyone.
    fn urls(&self, q: &str) -> Vec<String> {
        self.ask(q_params(q), &Readers::everyone())
            .hits
            .into_iter()
            .map(|h| h.url)
            .collect()
    }
}

fn q_params(q: &str) -> Params {
    Params {
        q: Some(q.into()),
        ..Params::default()
    }
}

fn corpus() -> Vec<Record> {
    let mut rs = vec![
        record(
            1,
            "Cache stampede at midnight",
            "Thousands of keys expired together.",
        ),
        record(
            2,
            "Deploy checklist",
            "Every deployment needs a rollback plan. The stampede of requests after a cache \
             flush took down the stampede stampede database.",
        ),
        record(
            3,
            "Feature flags guide",
            "Ship dark, then turn the feature flag on slowly.",
        ),
        record(
            4,
            "Redis notes",
            "Our cache runs on redis; eviction is LRU.",
        ),
        record(
            5,
            "Onboarding",
            "Pair with a buddy in the first week. Feature work comes later.",
        ),
    ];
    rs[0].tags = vec!["incidents".into(), "caching".into()];
    rs[0].unit_ids = vec![UnitId(2)];
    rs[1].tags = vec!["deploys".into()];
    rs[1].unit_ids = vec![UnitId(3)];
    rs[3].tags = vec!["caching".into()];
    rs[3].unit_ids = vec![UnitId(2)];
    rs[3].author = Some("alice".into());
    rs
}

fn lessons(items: &[(&str, &str)]) -> Vec<Record> {
    (items.iter().enumerate())
        .map(|(i, (title, body))| record(i as u32 + 1, title, body))
        .collect()
}

#[test]
fn an_index_that_needs_building_says_so_from_the_start() {
    // The API's `incomplete` and the page's notice read this: set when the index is found
    // missing, before the indexer thread has even started.
    let dir = tempfile::tempdir().unwrap();
    let (search, rebuild) = Search::open(&dir.path().join("index"), true).unwrap();
    assert_eq!(rebuild, Some(super::Rebuild::Missing));
    assert!(search.status.building().is_some());
}
