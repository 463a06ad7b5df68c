//! Findings as a whole: character offsets, order, overlap between matches, the JSON keys,
//! and a long text.

use super::*;

#[test]
fn offsets_are_characters() {
    assert_eq!(
        hits("café — he should have"),
        vec![h("counterfactual", "should have", 10, 21)]
    );
    assert_eq!(
        hits("Åsa's fault"),
        vec![h("person-as-cause", "Åsa's fault", 0, 11)]
    );
    assert_eq!(
        hits("Ärger 🙃: it was Åsa\u{2019}s fault"),
        vec![h("person-as-cause", "Åsa\u{2019}s fault", 16, 27)]
    );
    let people = vec![PersonRef {
        username: "åsa".into(),
        display_name: "Åsa Öberg".into(),
    }];
    assert_eq!(
        hits_with(
            &rules(),
            "Ü: because of ÅSA ÖBERG",
            Place::Anywhere,
            &people
        ),
        vec![h("person-as-cause", "because of ÅSA ÖBERG", 3, 23)]
    );
    assert_eq!(
        hits_with(&rules(), "naïve Åsa", Place::ContributingFactors, &people),
        vec![h("person-in-factors", "Åsa", 6, 9)]
    );
}

#[test]
fn findings_are_ordered_and_do_not_overlap() {
    let text = "Alice caused it. Why did you not see it? It was careless; you should have simply waited. Human error.";
    assert_eq!(
        factors(text),
        vec![
            h("person-as-cause", "Alice caused", 0, 12),
            h("why-question", "Why did you", 17, 28),
            h("judgement", "careless", 48, 56),
            h("counterfactual", "should have", 62, 73),
            h("judgement", "simply", 74, 80),
            h("human-error", "Human error", 89, 100),
        ]
    );
    // Possessive fault beats the name alone (same start, longer).
    assert_eq!(
        factors("Alice's fault"),
        vec![h("person-as-cause", "Alice's fault", 0, 13)]
    );
    // The earlier start wins over the name inside it.
    assert_eq!(
        factors("because of Alice"),
        vec![h("person-as-cause", "because of Alice", 0, 16)]
    );
}

#[test]
fn overlap_resolution_between_rules() {
    let r = Rules::extended(
        "rules:\n  - id: late\n    reason: Test reason.\n    suggestion: Test suggestion.\n    phrases: [have rolled back, should have waited]\n",
    )
    .unwrap();
    // Earlier start wins.
    assert_eq!(
        hits_with(&r, "he should have rolled back", Place::Anywhere, &[]),
        vec![h("counterfactual", "should have", 3, 14)]
    );
    // Same start: the longer wins.
    assert_eq!(
        hits_with(&r, "he should have waited", Place::Anywhere, &[]),
        vec![h("late", "should have waited", 3, 21)]
    );
    // Same span: the rule listed first wins.
    let r = Rules::extended(
        "rules:\n  - id: dup\n    subject: person\n    reason: r.\n    suggestion: s.\n    phrases: [should have]\n",
    )
    .unwrap();
    assert_eq!(
        hits_with(&r, "he should have", Place::Anywhere, &[]),
        vec![h("counterfactual", "should have", 3, 14)]
    );
}

#[test]
fn finding_serializes_with_the_contract_keys() {
    let f = rules().check("human error", Place::Anywhere, &[]);
    let v = serde_json::to_value(&f[0]).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "end",
            "phrase",
            "points_at_person",
            "reason",
            "rule",
            "start",
            "suggestion"
        ]
    );
    assert_eq!(v["rule"], "human-error");
    assert_eq!(v["start"], 0);
    assert_eq!(v["end"], 11);
}

#[test]
fn big_text_finds_every_hit() {
    let para = "The deploy went out at 14:05 and the cache warmed slowly; Åsa watched the dashboard. \
                She should have rolled back sooner, but the alert was quiet. Alice caused nothing. ";
    let text = para.repeat(100_000 / para.len() + 1);
    let people: Vec<PersonRef> = (0..500)
        .map(|i| PersonRef {
            username: format!("user{i}"),
            display_name: format!("Person{i} Surname{i}"),
        })
        .chain(alice())
        .collect();
    let r = rules();
    let f = r.check(&text, Place::ContributingFactors, &people);
    assert_eq!(f.len(), 2 * (100_000 / para.len() + 1));
}

#[test]
fn rules_that_point_at_a_person_are_marked() {
    let r = rules();
    assert!(r.points_at_person("person-as-cause"));
    assert!(r.points_at_person("person-in-factors"));
    assert!(!r.points_at_person("counterfactual"));
    assert!(!r.points_at_person("no-such-rule"));
    let admin = Rules::extended("rules:\n  - id: judgement\n    points_at_person: true\n").unwrap();
    assert!(admin.points_at_person("judgement"));
    assert!(
        admin.points_at_person("person-as-cause"),
        "kept when not overridden"
    );
    let f = admin.check("a careless change", Place::Anywhere, &[]);
    assert_eq!(f[0].rule, "judgement");
    assert!(f[0].points_at_person);
    assert!(!rules().check("a careless change", Place::Anywhere, &[])[0].points_at_person);
}

/// "w/o", as factors are typed, is read as "without", and the finding points at it as typed;
/// "w/ok" is no shorthand.
#[test]
fn shorthand_is_read_and_pointed_at_as_typed() {
    assert_eq!(
        hits("Ravi restarted it w/o telling anyone."),
        vec![
            h("harmful-act", "restarted", 5, 14),
            h("omission", "w/o telling", 18, 29)
        ]
    );
    assert!(
        !hits("Ravi restarted it w/ok telling anyone.")
            .iter()
            .any(|f| f.0 == "omission")
    );
}
