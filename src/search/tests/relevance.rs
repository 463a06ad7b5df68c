//! The relevance floor on the labelled corpus (`cargo test --lib search::tests::relevance`).

use super::*;

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
        serde_json::from_str(include_str!("../../../bench/relevance/corpus.json")).unwrap();
    let queries: Vec<Query> =
        serde_json::from_str(include_str!("../../../bench/relevance/queries-corpus.json")).unwrap();
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
