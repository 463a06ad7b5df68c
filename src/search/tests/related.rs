//! Related lessons: from other units first, and empty slots rather than unrelated ones.

use super::*;

use crate::ids::UnitId;

#[test]
fn related_lessons_come_from_other_units() {
    let mut corpus = corpus();
    let mut same = record(
        6,
        "Cache eviction storms",
        "Cache keys expired in a stampede again.",
    );
    same.unit_ids = vec![UnitId(2)];
    let mut other = record(
        7,
        "Stampede protection",
        "Coalesce cache misses so expired keys do not stampede.",
    );
    other.unit_ids = vec![UnitId(3)];
    corpus.push(same);
    corpus.push(other);
    let f = Fixture::new(&corpus);
    let related = f
        .search
        .related(
            "lesson:1",
            "Cache stampede at midnight",
            "Thousands of keys expired together.",
            &[UnitId(2)],
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
        r.unit_ids = vec![UnitId(if i == 0 { 2 } else { 3 })];
    }
    let f = Fixture::new(&rs);
    let related = f
        .search
        .related("lesson:1", items[0].0, items[0].1, &[UnitId(2)], 5)
        .unwrap();
    let urls: Vec<&str> = related.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, ["/lessons/2"]);
}
