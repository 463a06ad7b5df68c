//! The blameless checker's tests, by topic; the helpers here state findings compactly.

use super::*;

mod builtin;
mod findings;
mod formal;
mod motives;
mod plain;
mod rule_file;
mod sets;
mod subject;

fn alice() -> Vec<PersonRef> {
    vec![PersonRef {
        username: "alice".into(),
        display_name: "Alice Andersson".into(),
    }]
}

fn rules() -> Rules {
    Rules::builtin().expect("built-in rules parse")
}

/// (rule, phrase, start, end) of every finding.
fn hits_with(
    r: &Rules,
    text: &str,
    place: Place,
    people: &[PersonRef],
) -> Vec<(String, String, usize, usize)> {
    r.check(text, place, people)
        .into_iter()
        .map(|f| (f.rule, f.phrase, f.start, f.end))
        .collect()
}

fn hits(text: &str) -> Vec<(String, String, usize, usize)> {
    hits_with(&rules(), text, Place::Anywhere, &alice())
}

fn factors(text: &str) -> Vec<(String, String, usize, usize)> {
    hits_with(&rules(), text, Place::ContributingFactors, &alice())
}

fn h(rule: &str, phrase: &str, start: usize, end: usize) -> (String, String, usize, usize) {
    (rule.to_string(), phrase.to_string(), start, end)
}

/// The one finding in `text`, as (rule, phrase).
fn only(text: &str) -> (String, String) {
    let found = hits(text);
    assert_eq!(found.len(), 1, "{text:?}: {found:?}");
    (found[0].0.clone(), found[0].1.clone())
}

/// The rewrite offered for the first finding in `text`.
fn suggestion(text: &str) -> String {
    let f = rules().check(text, Place::Anywhere, &[]);
    assert!(!f.is_empty(), "{text:?} should be heard");
    f[0].suggestion.clone()
}

fn none(text: &str) {
    assert_eq!(hits(text), vec![], "{text:?} should have no findings");
}

/// Every sentence of `blame` has a finding, and none of `fair` has one.
fn heard_and_left(blame: &[&str], fair: &[&str]) {
    for text in blame {
        assert!(!hits(text).is_empty(), "{text:?} should be heard");
    }
    for text in fair {
        none(text);
    }
}

/// In a contributing factor, every line of `blame` names a person as a cause, and no line of
/// `fair` has a finding.
fn factor_heard_and_left(blame: &[&str], fair: &[&str]) {
    for text in blame {
        let found = factors(text);
        assert!(
            found.iter().any(|h| h.0 == "person-in-factors"),
            "{text:?}: {found:?}"
        );
    }
    for text in fair {
        assert_eq!(factors(text), vec![], "{text:?}");
    }
}
