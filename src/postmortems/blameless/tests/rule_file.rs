//! An admin's rule file: replacing, extending, disabling and adding rules, broken files
//! explained, loading from disk; and the inflected forms a phrase's words take.

use super::super::table::inflections;
use super::*;

#[test]
fn extended_replaces_a_rule() {
    let r = Rules::extended(
        "rules:\n  - id: counterfactual\n    phrases:\n      - ought to\n      - { phrase: would have, suggestion: Say what happened. }\n",
    )
    .unwrap();
    assert_eq!(
        hits_with(&r, "we should have", Place::Anywhere, &[]),
        vec![]
    );
    let f = r.check("He would have known", Place::Anywhere, &[]);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (
            f[0].rule.as_str(),
            f[0].phrase.as_str(),
            f[0].start,
            f[0].end
        ),
        ("counterfactual", "would have", 3, 13)
    );
    assert_eq!(f[0].suggestion, "Say what happened.");
    assert!(f[0].reason.starts_with("Counterfactuals")); // kept from the built-in rule
    assert_eq!(r.describe()[0].0, "counterfactual"); // keeps its place
}

/// A phrase's own reason stands in for its rule's, as its suggestion does; the rule's
/// other phrases keep the rule's.
#[test]
fn a_phrase_gives_its_own_reason() {
    let r = Rules::extended(
        "rules:\n  - id: counterfactual\n    phrases:\n      - { phrase: would have, reason: Hindsight reads a mind. }\n      - ought to\n",
    )
    .unwrap();
    let own = r.check("He would have known", Place::Anywhere, &[]);
    assert_eq!(own[0].reason, "Hindsight reads a mind.");
    let kept = r.check("He ought to have known", Place::Anywhere, &[]);
    assert!(kept[0].reason.starts_with("Counterfactuals"));
    assert!(
        Rules::extended(
            "rules:\n  - id: counterfactual\n    phrases:\n      - { phrase: x, reason: [a] }\n"
        )
        .is_err()
    );
    // The built-in motives say why a motive hurts, not that a word judges.
    let motive = rules().check(
        "Ravi left the bay during filling to smoke behind the weighbridge.",
        Place::Anywhere,
        &[],
    );
    assert!(
        motive[0].reason.starts_with("Naming what someone wanted"),
        "{motive:?}"
    );
}

#[test]
fn extended_extra_phrases_and_places() {
    let r = Rules::extended(
        "rules:\n  - id: judgement\n    places: contributing_factors\n    extra_phrases: [heroic]\n",
    )
    .unwrap();
    assert_eq!(
        hits_with(&r, "careless heroics", Place::Anywhere, &[]),
        vec![]
    );
    assert_eq!(
        hits_with(&r, "careless heroics", Place::ContributingFactors, &[]),
        vec![
            h("judgement", "careless", 0, 8),
            h("judgement", "heroics", 9, 16)
        ]
    );
}

#[test]
fn extended_disables_a_rule() {
    let r = Rules::extended(
        "rules:\n  - id: judgement\n    disabled: true\n  - id: not-there\n    disabled: true\n",
    )
    .unwrap();
    assert_eq!(
        hits_with(&r, "a careless change", Place::Anywhere, &[]),
        vec![]
    );
    assert!(!r.describe().iter().any(|(id, _, _)| id == "judgement"));
    assert_eq!(r.describe().len(), rules().describe().len() - 1);
}

#[test]
fn extended_adds_a_rule() {
    let r = Rules::extended(
        "# our extra rules\nrules:\n  - id: hero\n    name: Hero culture\n    reason: Heroics hide the missing process.\n    suggestion: Name the missing process.\n    phrases: [\"hero\", \"saved the day=\", \"{person} singlehandedly=\"]\n",
    )
    .unwrap();
    assert_eq!(
        hits_with(
            &r,
            "Alice singlehandedly fixed it; a hero. She saved the days.",
            Place::Anywhere,
            &[]
        ),
        vec![h("hero", "hero", 33, 37)]
    );
    assert_eq!(
        hits_with(
            &r,
            "Alice singlehandedly fixed it; a hero.",
            Place::Anywhere,
            &alice()
        ),
        vec![
            h("hero", "Alice singlehandedly", 0, 20),
            h("hero", "hero", 33, 37)
        ]
    );
    let f = r.check("our heroes saved the day", Place::Anywhere, &alice());
    assert_eq!(f.len(), 2);
    assert_eq!(
        (f[0].phrase.as_str(), f[1].phrase.as_str()),
        ("heroes", "saved the day")
    );
    assert_eq!(
        (f[0].rule_name.as_str(), f[0].suggestion.as_str()),
        ("Hero culture", "Name the missing process.")
    );
    assert_eq!(r.describe().last().unwrap().0, "hero");
}

#[test]
fn extended_accepts_an_empty_file() {
    assert_eq!(Rules::extended("").unwrap().describe(), rules().describe());
    assert_eq!(
        Rules::extended("# nothing yet\n").unwrap().describe(),
        rules().describe()
    );
    assert_eq!(
        Rules::extended("rules: []\n").unwrap().describe(),
        rules().describe()
    );
}

#[test]
fn broken_files_are_explained() {
    let err = |yaml: &str| Rules::extended(yaml).expect_err(yaml);
    let e = err("rules: [ {id: x");
    assert!(e.contains("not valid YAML"), "{e}");
    let e = err("rules:\n  - id: new-rule\n    phrases: [a]\n    suggestion: s\n");
    assert!(e.contains("new-rule") && e.contains("reason"), "{e}");
    let e = err("rules:\n  - id: new-rule\n    reason: r\n    suggestion: s\n");
    assert!(e.contains("new-rule") && e.contains("no phrases"), "{e}");
    let e = err("rules:\n  - id: judgement\n    phrase: [a]\n");
    assert!(e.contains("unknown field `phrase`"), "{e}");
    let e = err("rules:\n  - id: judgement\n    places: factors\n");
    assert!(
        e.contains("factors") && e.contains("contributing_factors"),
        "{e}"
    );
    let e = err("rules:\n  - id: judgement\n    phrases: [\"blame {who}\"]\n");
    assert!(
        e.contains("judgement") && e.contains("{who}") && e.contains("{person}"),
        "{e}"
    );
    let e = err("rules:\n  - id: judgement\n    phrases: [\"co-worker\"]\n");
    assert!(
        e.contains("judgement") && e.contains("co-worker") && e.contains("single word"),
        "{e}"
    );
    let e = err("rules:\n  - id: judgement\n    phrases: [{ phrase: x, hint: y }]\n");
    assert!(e.contains("hint"), "{e}");
    let e = err("rules:\n  - id: judgement\n    phrases: [[a, b]]\n");
    assert!(e.contains("a phrase must be text"), "{e}");
    let e = err("rules:\n  - id: Bad Id\n    disabled: true\n");
    assert!(e.contains("Bad Id"), "{e}");
    let e = err("rules:\n  - id: a\n    disabled: true\n  - id: a\n    disabled: true\n");
    assert!(e.contains("`a` appears twice"), "{e}");
    let e = err("rulez: []\n");
    assert!(e.contains("rulez"), "{e}");
    let e = err("rules:\n  - id: judgement\n    phrases: [\"   \"]\n");
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn load_reads_an_admin_file_when_present() {
    let dir = std::env::temp_dir().join(format!("fika-blameless-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("missing.yaml");
    assert_eq!(
        Rules::load(&missing).unwrap().describe(),
        rules().describe()
    );
    let good = dir.join("good.yaml");
    std::fs::write(&good, "rules:\n  - id: why-question\n    disabled: true\n").unwrap();
    assert_eq!(
        Rules::load(&good).unwrap().describe().len(),
        rules().describe().len() - 1
    );
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "rules: {").unwrap();
    let e = Rules::load(&bad).unwrap_err();
    assert!(e.contains("bad.yaml"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inflection_rules() {
    let forms = inflections("slip");
    for f in ["slips", "slipped", "slipping", "slipness"] {
        assert!(forms.contains(&f.to_string()), "{f}");
    }
    let forms = inflections("lazy");
    for f in ["lazily", "laziness", "lazies", "lazied"] {
        assert!(forms.contains(&f.to_string()), "{f}");
    }
    assert!(inflections("blame").contains(&"blaming".to_string()));
    assert!(!inflections("fail").contains(&"faill".to_string()));
    assert!(!inflections("should").contains(&"shoulder".to_string()));
    assert!(inflections("push").contains(&"pushes".to_string()));
    assert!(inflections("go").contains(&"goes".to_string()));
    assert!(!inflections("sit").contains(&"sites".to_string()));
}

#[test]
fn a_rule_can_need_words_in_its_sentence() {
    let r = Rules::extended(
        "rules:\n  - id: rushed\n    reason: Rushing hides the pressure.\n    suggestion: Name the pressure.\n    subject: doer\n    only_with: [deadline, before the|a launch]\n    not_with: [as planned]\n    phrases: [speedran]\n",
    )
    .unwrap();
    let rushed = |text: &str| {
        hits_with(&r, text, Place::Anywhere, &alice())
            .into_iter()
            .filter(|h| h.0 == "rushed")
            .count()
    };
    assert_eq!(
        rushed("Alice speedran the schema change before the launch."),
        1
    );
    assert_eq!(rushed("Alice speedran the change to meet the deadline."), 1);
    assert_eq!(rushed("Alice speedran the change."), 0);
    assert_eq!(
        rushed("Alice speedran the change before launch as planned."),
        0
    );
    assert_eq!(
        rushed("The pipeline speedran the change before the launch."),
        0
    );
    // Overriding keeps them unless given.
    let r2 = Rules::extended(&format!(
        "{}\n  - id: rushed\n    only_with: [friday]\n",
        "rules:\n  - id: rushed\n    reason: R.\n    suggestion: S.\n    subject: doer\n    only_with: [deadline]\n    phrases: [speedran]"
    ));
    assert!(r2.is_err(), "the same id twice in one file is refused");
    let err = Rules::extended(
        "rules:\n  - id: rushed\n    reason: R.\n    suggestion: S.\n    only_with: [\"{nobody}\"]\n    phrases: [speedran]\n",
    )
    .unwrap_err();
    assert!(
        err.contains("rule `rushed`, only_with \"{nobody}\""),
        "{err}"
    );
}

#[test]
fn a_phrase_can_have_its_own_sentence_needs() {
    let r = Rules::extended(
        "rules:\n  - id: rushed\n    reason: R.\n    suggestion: S.\n    only_with: [deadline]\n    phrases:\n      - speedran\n      - { phrase: hand waved, only_with: [] }\n      - { phrase: skimp, not_with: [budget] }\n",
    )
    .unwrap();
    let found = |text: &str| rushed(&r, text);
    assert_eq!(found("They speedran the change."), Vec::<String>::new());
    assert_eq!(found("They hand waved on the change."), ["hand waved"]);
    // Its own not_with; the rule's only_with still holds.
    assert_eq!(found("They skimp on tests for the deadline."), ["skimp"]);
    assert_eq!(found("They skimp on tests."), Vec::<String>::new());
    assert_eq!(
        found("They skimp on tests for the deadline and budget."),
        Vec::<String>::new()
    );
    refused_as_no_list("not_with");
}

/// The phrases of the rule `rushed` that `r` finds in `text`.
fn rushed(r: &Rules, text: &str) -> Vec<String> {
    hits_with(r, text, Place::Anywhere, &[])
        .into_iter()
        .filter(|h| h.0 == "rushed")
        .map(|h| h.1)
        .collect()
}

/// A phrase's `key` given one phrase instead of a list is refused, with the key named.
fn refused_as_no_list(key: &str) {
    let err = Rules::extended(&format!(
        "rules:\n  - id: rushed\n    reason: R.\n    suggestion: S.\n    phrases: [{{ phrase: speedran, {key}: bad }}]\n"
    ))
    .unwrap_err();
    assert!(
        err.contains(&format!("`{key}` must be a list of phrases")),
        "{err}"
    );
}

/// `unless_after` clears a phrase only when its cue comes later in the sentence: a reason
/// given for the act, not one given before it for something else.
#[test]
fn a_reason_after_a_phrase_clears_it() {
    let r = Rules::extended(
        "rules:\n  - id: rushed\n    reason: R.\n    suggestion: S.\n    phrases:\n      - { phrase: skimp, unless_after: [because the budget] }\n      - speedran\n",
    )
    .unwrap();
    let found = |text: &str| rushed(&r, text);
    assert_eq!(
        found("They skimp on tests because the budget ran out."),
        Vec::<String>::new()
    );
    assert_eq!(
        found("Because the budget ran out, they skimp on tests."),
        ["skimp"]
    );
    // The phrase's own list: the rule's other phrase is not cleared by it.
    assert_eq!(
        found("They speedran it because the budget ran out."),
        ["speedran"]
    );
    refused_as_no_list("unless_after");
}

/// Alternatives are single words, so a two-word alternative written into an alternation
/// loads but needs words no sentence has: the file loads, with a warning naming the phrase.
#[test]
fn a_two_word_alternative_is_warned_of() {
    assert_eq!(Rules::builtin().unwrap().warnings(), &[] as &[String]);
    let r = Rules::extended(
        "rules:\n  - id: late\n    reason: R.\n    suggestion: S.\n    phrases:\n      - left for lunch|the day\n      - did|does not|do not care\n      - muted the|it\n      - in the|a|our channel\n      - didn't|did not feel like\n      - didn't feel|care\n",
    )
    .unwrap();
    let w = r.warnings();
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w[0].contains("\"left for lunch|the day\"") && w[0].contains("\"the\" and \"lunch\""));
    assert!(w[1].contains("\"did|does not|do not care\"") && w[1].contains("\"not\""));
    assert!(w[2].contains("\"didn't|did not feel like\"") && w[2].contains("\"didn't not\""));
    // It still matches what it says: "for the day", not "for lunch".
    assert_eq!(
        hits_with(&r, "He left for lunch", Place::Anywhere, &[]),
        vec![]
    );
    assert_eq!(
        hits_with(&r, "He left for the day", Place::Anywhere, &[]),
        vec![h("late", "left for the day", 3, 19)]
    );
}

/// A placeholder that matches only after another word cannot begin a phrase: the file is
/// refused with the phrase named, not loaded with a phrase that never matches.
#[test]
fn a_phrase_cannot_begin_with_doing() {
    let err = Rules::extended(
        "rules:\n  - id: busy\n    reason: R.\n    suggestion: S.\n    phrases:\n      - \"{start} {doing} the deploy\"\n",
    )
    .unwrap_err();
    assert!(
        err.contains("\"{start} {doing} the deploy\"") && err.contains("{doing}"),
        "{err}"
    );
}
