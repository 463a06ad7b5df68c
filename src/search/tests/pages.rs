//! What a results page holds: facets that count every hit, filters that narrow, and never
//! a record, count or word that the viewer may not read, on any page.

use super::*;

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
