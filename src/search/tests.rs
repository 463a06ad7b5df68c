//! Search behaviour on a real index in a temporary directory, without a database: ranking,
//! stemming, the query syntax, facets, typo correction, permissions, suggestions and related
//! lessons. The HTTP, database and browser side is tested in `tests/it/search.rs`.

use chrono::NaiveDate;

use super::Search;
use super::indexer::Indexer;
use super::records::Units;
use super::run::{Correction, Params, Readers, Request};
use crate::org::unit::{Unit, UnitKind};
use crate::projection::{EVERYONE, Record};

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
    rs[0].unit_ids = vec![2];
    rs[1].tags = vec!["deploys".into()];
    rs[1].unit_ids = vec![3];
    rs[3].tags = vec!["caching".into()];
    rs[3].unit_ids = vec![2];
    rs[3].author = Some("alice".into());
    rs
}

#[test]
fn titles_rank_before_bodies_and_words_are_stemmed() {
    let f = Fixture::new(&corpus());
    // "stampede" is in lesson 1's title, three times in lesson 2's body.
    assert_eq!(f.urls("stampede"), ["/lessons/1", "/lessons/2"]);
    // Stemming: "deploy" finds "deployment", "flag" finds "flags", "Expire" finds "expired".
    assert_eq!(f.urls("deploy"), ["/lessons/2"]);
    assert_eq!(f.urls("flag")[0], "/lessons/3");
    assert_eq!(f.urls("Expire"), ["/lessons/1"]);
    // Records with all words first; fewer than a page have both, so records with one follow.
    let r = f.ask(q_params("cache redis"), &Readers::everyone());
    assert_eq!((r.relaxed, r.all_words, r.total), (true, 1, 3));
    assert_eq!(r.hits[0].url, "/lessons/4");
    // Stop words do not have to match.
    assert_eq!(f.urls("the onboarding of a buddy"), ["/lessons/5"]);
}

#[test]
fn phrases_exclusions_and_fields() {
    let f = Fixture::new(&corpus());
    assert_eq!(f.urls("\"feature flag\""), ["/lessons/3"]);
    // Two words are a phrase only together and in order; stemmed like any word.
    assert!(f.urls("\"flag feature\"").is_empty());
    assert!(f.urls("\"ship slowly\"").is_empty());
    assert_eq!(f.urls("\"Feature Flags\""), ["/lessons/3"]);
    assert_eq!(f.urls("\"turn the feature\""), ["/lessons/3"]);
    assert!(f.urls("\"turn the flag\"").is_empty());
    assert_eq!(f.urls("title:\"cache stampede\""), ["/lessons/1"]);
    assert!(f.urls("title:\"keys expired\"").is_empty());
    // Both words of a phrase are marked.
    let hit = &f
        .ask(q_params("\"feature flag\""), &Readers::everyone())
        .hits[0];
    let marked: Vec<&str> = (hit.snippet.parts().into_iter())
        .filter(|(_, m)| *m)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(marked, ["feature", "flag"]);
    let mut feature = f.urls("feature");
    feature.sort();
    assert_eq!(feature, ["/lessons/3", "/lessons/5"]);
    assert_eq!(f.urls("feature -buddy"), ["/lessons/3"]);
    let mut without = f.urls("cache -\"keys expired\"");
    without.sort();
    assert_eq!(without, ["/lessons/2", "/lessons/4"]);
    // title: looks only at titles; tag: only at tags; author: at authors.
    assert_eq!(f.urls("title:stampede"), ["/lessons/1"]);
    let mut caching = f.urls("tag:caching");
    caching.sort();
    assert_eq!(caching, ["/lessons/1", "/lessons/4"]);
    assert_eq!(f.urls("author:alice"), ["/lessons/4"]);
    // Only an exclusion: everything else.
    assert_eq!(f.urls("-cache").len(), 2);
}

#[test]
fn bad_syntax_is_searched_as_words() {
    let f = Fixture::new(&corpus());
    for q in [
        "\"unclosed cache",
        "cache AND (",
        "title:",
        "-",
        "((",
        "foo:bar",
        "*",
        "[1 TO 2]",
    ] {
        // Never an error; the words that mean something still find their records.
        let r = f.ask(q_params(q), &Readers::everyone());
        assert!(r.total <= 5, "{q}");
    }
    assert_eq!(f.urls("\"unclosed cache"), Vec::<String>::new());
    assert_eq!(f.urls("\"keys expired"), ["/lessons/1"]);
    assert_eq!(f.urls("redis!!!"), ["/lessons/4"]);
    assert!(
        f.urls("---").is_empty(),
        "no words is nothing, not everything"
    );
    // Nor a phrase or a title: of nothing searchable.
    assert!(f.urls("title:???").is_empty());
    assert!(f.urls("\"!!\"").is_empty());
    // The same exclusion with and without words that analyse to nothing: not one cache entry.
    assert_eq!(f.ask(q_params("-cache"), &Readers::everyone()).total, 2);
    assert_eq!(f.ask(q_params("--- -cache"), &Readers::everyone()).total, 0);
    // One clause of hundreds of words is cut like hundreds of clauses, and a word asked
    // twice is asked once.
    let long = "db/k8s/prod/env/repo/auth/infra/docs/".repeat(200);
    let r = f.ask(q_params(&long), &Readers::everyone());
    assert!(r.words.len() <= 8, "{:?}", r.words);
    assert_eq!(
        f.ask(q_params("cache cache redis"), &Readers::everyone())
            .words,
        ["cache", "redis"]
    );
}

#[test]
fn facets_count_every_hit_and_filters_narrow_down() {
    let f = Fixture::new(&corpus());
    let r = f.ask(q_params("cache"), &Readers::everyone());
    assert_eq!(r.total, 3);
    assert_eq!(r.facets.kind, [("lesson".to_string(), 3)]);
    assert_eq!(r.facets.tribe, [("platform".to_string(), 2)]);
    assert_eq!(
        r.facets.squad,
        [("payments".to_string(), 2), ("player".to_string(), 1)]
    );
    assert_eq!(r.facets.tag[0], ("caching".to_string(), 2));
    // A tribe's facet path covers its squads.
    let narrowed = f.ask(
        Params {
            unit: Some("/tribe/platform".into()),
            ..q_params("cache")
        },
        &Readers::everyone(),
    );
    assert_eq!(narrowed.total, 2);
    let squad = f.ask(
        Params {
            unit: Some("/squad/player".into()),
            ..q_params("cache")
        },
        &Readers::everyone(),
    );
    assert_eq!(squad.hits.len(), 1);
    assert_eq!(squad.hits[0].url, "/lessons/2");
    // Dates: lesson n is dated January n.
    let dated = f.ask(
        Params {
            from: Some("2026-01-02".into()),
            to: Some("2026-01-04".into()),
            sort: Some("date".into()),
            ..q_params("cache")
        },
        &Readers::everyone(),
    );
    assert_eq!(
        dated
            .hits
            .iter()
            .map(|h| h.url.as_str())
            .collect::<Vec<_>>(),
        ["/lessons/4", "/lessons/2"]
    );
    // Filters alone (no words) browse.
    let tagged = f.ask(
        Params {
            tag: Some("Deploys".into()),
            ..Params::default()
        },
        &Readers::everyone(),
    );
    assert_eq!(tagged.total, 1);
}

#[test]
fn typos_are_corrected() {
    let f = Fixture::new(&corpus());
    let r = f.ask(q_params("stampeed"), &Readers::everyone());
    assert_eq!(
        r.correction,
        Some(Correction::Showing {
            used: "stampede".into(),
            typed: "stampeed".into()
        })
    );
    assert_eq!(r.hits[0].url, "/lessons/1");
    // Transposed letters, two words with one typo: "redis" alone finds a record, so the
    // correction is only offered.
    let r = f.ask(q_params("cahce redis"), &Readers::everyone());
    assert_eq!(r.hits[0].url, "/lessons/4");
    assert_eq!(
        r.correction,
        Some(Correction::DidYouMean("cache redis".into()))
    );
    // Nothing close: nothing found and nothing claimed.
    let r = f.ask(q_params("xylophone"), &Readers::everyone());
    assert_eq!((r.total, r.correction), (0, None));
}

#[test]
fn searches_never_show_what_the_viewer_may_not_read() {
    let mut corpus = corpus();
    let mut private = record(
        9,
        "Secret reorganisation plan",
        "The zeppelin-project is a draft.",
    );
    private.readers = vec!["person:7".into(), "admin".into()];
    private.tags = vec!["caching".into()];
    corpus.push(private);
    for i in 0..4 {
        let mut hidden = record(20 + i, "Draft", "The stampedo is a secret word.");
        hidden.readers = vec!["person:7".into()];
        corpus.push(hidden);
    }
    let f = Fixture::new(&corpus);
    let everyone = Readers::everyone();
    assert!(f.urls("zeppelin").is_empty());
    assert_eq!(f.ask(q_params("secret"), &everyone).total, 0);
    // Not in counts or facets either.
    let r = f.ask(q_params("tag:caching"), &everyone);
    assert_eq!(r.total, 2);
    assert_eq!(r.facets.tag[0], ("caching".to_string(), 2));
    // No correction towards a word only the hidden record has, no suggestion of it.
    assert_eq!(f.ask(q_params("zeppelim"), &everyone).correction, None);
    // And hidden records do not outvote readable ones in choosing a correction.
    let r = f.ask(q_params("stampedu"), &everyone);
    assert_eq!(
        r.correction,
        Some(Correction::Showing {
            used: "stampede".into(),
            typed: "stampedu".into()
        })
    );
    assert!(f.search.suggest("secr", &everyone, 8).unwrap().is_empty());
    // Nor does a word only the hidden record holds decide how a query is read: "zeppelin
    // project" is one compound for its reader ("zeppelin-project" would be), two words for
    // everyone else.
    let reader = Readers::for_keys(&["person:7"]);
    let words = |readers: &Readers| f.ask(q_params("zeppelin project"), readers).words;
    assert_eq!(words(&everyone), ["zeppelin", "project"]);
    assert_eq!(words(&reader), ["zeppelin project"]);
    // Its reader finds it.
    assert_eq!(f.ask(q_params("zeppelin"), &reader).total, 1);
    assert_eq!(f.search.suggest("secr", &reader, 8).unwrap().len(), 1);
}

/// Pages are ranked without the readers filter and the hidden records dropped after (see
/// `run::page`); with many hidden records the filter ranks. Either way every page holds the
/// viewer's best visible records in order, and only those.
#[test]
fn pages_hold_only_visible_records_in_rank_order() {
    for hidden_count in [12, 1_010] {
        let mut corpus = Vec::new();
        for i in 0..hidden_count + 25 {
            // Hidden records say "orchid" more often, so they rank first.
            let hidden = i < hidden_count;
            let mut r = record(
                i as u32 + 1,
                &format!("Record {i}"),
                if hidden {
                    "orchid orchid orchid"
                } else {
                    "orchid and other words"
                },
            );
            if hidden {
                r.readers = vec!["person:7".into()];
            }
            corpus.push(r);
        }
        let f = Fixture::new(&corpus);
        let page = |n: usize, readers: &Readers| {
            let mut p = q_params("orchid");
            p.page = Some(n.to_string());
            let r = f.ask(p, readers);
            (
                r.total,
                r.hits.into_iter().map(|h| h.url).collect::<Vec<_>>(),
            )
        };
        let reader = Readers::for_keys(&["person:7"]);
        let mut all = Vec::new();
        for n in 1.. {
            let (total, urls) = page(n, &reader);
            assert_eq!(total, hidden_count + 25);
            if urls.is_empty() {
                break;
            }
            all.extend(urls);
        }
        assert_eq!(all.len(), hidden_count + 25);
        let visible: Vec<String> = all
            .iter()
            .filter(|u| {
                corpus
                    .iter()
                    .any(|r| &r.url == *u && r.readers == [EVERYONE])
            })
            .cloned()
            .collect();
        let everyone = Readers::everyone();
        for n in 1..=3 {
            let (total, urls) = page(n, &everyone);
            assert_eq!(total, 25, "{hidden_count} hidden");
            let expected: Vec<String> = visible
                .iter()
                .skip((n - 1) * 10)
                .take(10)
                .cloned()
                .collect();
            assert_eq!(urls, expected, "page {n}, {hidden_count} hidden");
        }
    }
}

#[test]
fn suggestions_complete_the_last_word() {
    let f = Fixture::new(&corpus());
    let titles = |q: &str| -> Vec<String> {
        f.search
            .suggest(q, &Readers::everyone(), 8)
            .unwrap()
            .into_iter()
            .map(|s| s.title)
            .collect()
    };
    assert_eq!(titles("stam"), ["Cache stampede at midnight"]);
    assert_eq!(titles("cache stam"), ["Cache stampede at midnight"]);
    assert_eq!(titles("Feat"), ["Feature flags guide"]);
    assert!(titles("zzz").is_empty());
    assert!(titles("").is_empty());
}

#[test]
fn related_lessons_come_from_other_units() {
    let mut corpus = corpus();
    let mut same = record(
        6,
        "Cache eviction storms",
        "Cache keys expired in a stampede again.",
    );
    same.unit_ids = vec![2];
    let mut other = record(
        7,
        "Stampede protection",
        "Coalesce cache misses so expired keys do not stampede.",
    );
    other.unit_ids = vec![3];
    corpus.push(same);
    corpus.push(other);
    let f = Fixture::new(&corpus);
    let related = f
        .search
        .related(
            "lesson:1",
            "Cache stampede at midnight",
            "Thousands of keys expired together.",
            &[2],
            5,
        )
        .unwrap();
    let urls: Vec<&str> = related.iter().map(|r| r.url.as_str()).collect();
    assert!(urls.contains(&"/lessons/7"), "{urls:?}");
    assert!(!urls.contains(&"/lessons/1"), "not itself");
    assert!(!urls.contains(&"/lessons/6"), "not from its own unit");
    assert!(!urls.contains(&"/lessons/4"), "not from its own unit");
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

fn lessons(items: &[(&str, &str)]) -> Vec<Record> {
    (items.iter().enumerate())
        .map(|(i, (title, body))| record(i as u32 + 1, title, body))
        .collect()
}

#[test]
fn questions_and_stop_words_never_make_a_query_fail() {
    let f = Fixture::new(&corpus());
    assert_eq!(f.urls("how do we deploy")[0], "/lessons/2");
    assert_eq!(f.urls("what is a feature flag")[0], "/lessons/3");
    assert_eq!(f.urls("why did the cache stampede happen")[0], "/lessons/1");
    // A query of stop words alone still searches for them.
    assert!(!f.urls("with a").is_empty());
}

#[test]
fn synonyms_abbreviations_and_compounds_work_both_ways() {
    let f = Fixture::new(&lessons(&[
        ("Database failover", "The primary db was promoted late."),
        (
            "Kubernetes node pools",
            "Pods were evicted from the k8s nodes.",
        ),
        (
            "Roll back first",
            "A rollback beats a fix forward at night.",
        ),
        ("On-call handbook", "Who is on call, and the oncall rota."),
        (
            "Datastore limits",
            "The data store refused writes when full.",
        ),
        (
            "Prod config drift",
            "Production configuration differed from staging.",
        ),
    ]));
    let first = |q: &str| f.urls(q).first().cloned().unwrap_or_default();
    assert_eq!(first("db failover"), "/lessons/1");
    assert_eq!(first("database promoted"), "/lessons/1");
    assert_eq!(first("k8s pools"), "/lessons/2");
    assert_eq!(first("kubernetes evicted"), "/lessons/2");
    // "roll back" and "rollback" (a listed compound) meet.
    assert_eq!(first("how to roll back"), "/lessons/3");
    assert_eq!(f.urls("rollback").len(), 1);
    // Hyphenated, joined and apart: all three find the handbook.
    for q in ["on-call", "oncall", "on call"] {
        assert_eq!(first(q), "/lessons/4", "{q}");
    }
    // An unlisted compound, split and joined, from what the records hold.
    let mut both = f.urls("datastore");
    both.sort();
    assert_eq!(both, ["/lessons/5"]);
    assert_eq!(first("data store"), "/lessons/5");
    // Abbreviation to the word and back.
    assert_eq!(first("production config"), "/lessons/6");
    assert_eq!(first("prod configuration"), "/lessons/6");
}

#[test]
fn the_admin_synonym_file_is_picked_up_without_a_restart() {
    let f = Fixture::new(&lessons(&[("Zebra crossing", "Striped rollout plan.")]));
    assert!(f.urls("okapi").is_empty());
    std::fs::write(f.dir.path().join("synonyms.txt"), "# ours\nzebra, okapi\n").unwrap();
    f.search.synonyms.recheck_now();
    assert_eq!(f.urls("okapi"), ["/lessons/1"]);
    // And dropped again when the admin removes it.
    std::fs::write(f.dir.path().join("synonyms.txt"), "# none\n").unwrap();
    f.search.synonyms.recheck_now();
    assert!(f.urls("okapi").is_empty());
}

#[test]
fn correction_never_replaces_an_indexed_word() {
    let mut items = vec![("Retry with idempotency keys", "A retry charged twice.")];
    for _ in 0..12 {
        items.push(("Retro notes", "The retro found a change to make."));
    }
    let f = Fixture::new(&lessons(&items));
    let r = f.ask(q_params("retry double charge"), &Readers::everyone());
    assert_eq!(r.correction, None);
    assert_eq!(r.hits[0].url, "/lessons/1");
    // A word no record holds, close to one that many hold, is corrected when the query
    // finds nothing as typed; "Search instead" (correct=0) searches exactly what was typed.
    let r = f.ask(q_params("retrp"), &Readers::everyone());
    assert_eq!(
        r.correction,
        Some(Correction::Showing {
            used: "retro".into(),
            typed: "retrp".into()
        })
    );
    let exact = f.ask(
        Params {
            correct: Some("0".into()),
            ..q_params("retrp")
        },
        &Readers::everyone(),
    );
    assert_eq!((exact.total, exact.correction), (0, None));
    // A listed synonym is never "corrected" even where no record holds it.
    let r = f.ask(q_params("k8s"), &Readers::everyone());
    assert_eq!((r.total, r.correction), (0, None));
}

#[test]
fn relaxed_results_rank_records_with_every_word_first() {
    let f = Fixture::new(&lessons(&[
        ("Disk", "disk disk disk disk disk disk"),
        ("Space", "space space space space"),
        ("Full disk space", "The disk ran out of space."),
        ("Unrelated", "nothing here"),
    ]));
    let r = f.ask(q_params("disk space alarm"), &Readers::everyone());
    // No record has all three; two of three (most of them) find less than a page, so one
    // of three is enough — the record with two first, however often the others repeat one.
    assert!(r.relaxed);
    assert_eq!((r.all_words, r.minimum, r.total), (0, 1, 3));
    assert_eq!(r.missing, ["alarm"]);
    assert_eq!(r.hits[0].url, "/lessons/3");
    // Two words: any of them, the record with both first whatever the others' counts.
    let r = f.ask(q_params("disk space"), &Readers::everyone());
    assert_eq!((r.all_words, r.total), (1, 3));
    assert_eq!(r.hits[0].url, "/lessons/3");
    // Exact syntax keeps its meaning: a phrase and an exclusion are never relaxed.
    assert!(f.urls("\"space disk\"").is_empty());
    assert_eq!(f.urls("disk space -ran"), ["/lessons/1", "/lessons/2"]);
    // Per-page is honoured.
    let one = f.ask(
        Params {
            per_page: Some("1".into()),
            ..q_params("disk space")
        },
        &Readers::everyone(),
    );
    assert_eq!((one.hits.len(), one.total), (1, 3));
}

#[test]
fn related_lessons_leave_slots_empty_rather_than_show_unrelated_ones() {
    let mut items = vec![
        (
            "Idempotency keys on every payment call",
            "Retried payment calls charged customers twice; an idempotency key per intent \
             makes the provider answer a retry with the first result.",
        ),
        (
            "Derive idempotency keys from the payment intent",
            "A random idempotency key per retry let the provider charge twice.",
        ),
        (
            "Deploy calendar",
            "We keep a calendar of deploy freezes before holidays; every call is on it.",
        ),
        (
            "Mobile release freeze",
            "A freeze day before the store release.",
        ),
    ];
    for i in 0..60 {
        items.push((
            "Filler",
            if i % 2 == 0 {
                "team notes"
            } else {
                "squad notes"
            },
        ));
    }
    let mut rs = lessons(&items);
    for (i, r) in rs.iter_mut().enumerate() {
        r.unit_ids = vec![if i == 0 { 2 } else { 3 }];
    }
    let f = Fixture::new(&rs);
    let related = f
        .search
        .related("lesson:1", items[0].0, items[0].1, &[2], 5)
        .unwrap();
    let urls: Vec<&str> = related.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, ["/lessons/2"]);
}

/// The relevance floor: the written corpus and its labelled queries (bench/relevance), on
/// the index alone. `bench/relevance.py` measures the same through the server, demo
/// included; BENCHMARKS.md has the figures.
#[test]
fn relevance_on_the_labelled_corpus_keeps_its_floor() {
    #[derive(serde::Deserialize)]
    struct Lesson {
        title: String,
        body: String,
        #[serde(default)]
        tags: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct Query {
        q: String,
        relevant: Vec<String>,
    }
    let corpus: Vec<Lesson> =
        serde_json::from_str(include_str!("../../bench/relevance/corpus.json")).unwrap();
    let queries: Vec<Query> =
        serde_json::from_str(include_str!("../../bench/relevance/queries-corpus.json")).unwrap();
    let rs: Vec<Record> = (corpus.iter().enumerate())
        .map(|(i, l)| {
            let mut r = record(i as u32 + 1, &l.title, &l.body);
            r.tags = l.tags.clone();
            r
        })
        .collect();
    let f = Fixture::new(&rs);
    let (mut found, mut zero) = (0, 0);
    for q in &queries {
        let r = f.ask(q_params(&q.q), &Readers::everyone());
        zero += usize::from(r.total == 0);
        if (r.hits.iter().take(5)).any(|h| q.relevant.contains(&h.title.text)) {
            found += 1;
        }
    }
    let success = found as f64 / queries.len() as f64;
    assert!(success >= 0.9, "success@5 {success:.2}");
    assert_eq!(zero, 0, "queries that found nothing");
}
