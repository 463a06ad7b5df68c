//! How a query is read and ranked: titles before bodies, stemming, phrases, exclusions and
//! fields, bad syntax, stop words, synonyms and compounds, and relaxing to most of the words.

use super::*;

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
