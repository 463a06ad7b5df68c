//! Beyond the words typed: typo corrections (never of a word the index holds) and
//! suggestions that complete the last word.

use super::*;

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
