//! The built-in rules: each rule's phrases found, with case and inflections, and the near
//! misses that must stay quiet.

use super::*;

#[test]
fn builtin_parses() {
    let r = rules();
    assert!(r.phrases.len() > 30);
}

#[test]
fn describe_lists_the_required_rules() {
    let ids: Vec<String> = rules()
        .describe()
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    for id in [
        "counterfactual",
        "judgement",
        "human-error",
        "person-as-cause",
        "person-in-factors",
        "why-question",
    ] {
        assert!(ids.contains(&id.to_string()), "{id} missing from {ids:?}");
    }
    for (id, name, reason) in rules().describe() {
        assert!(!name.is_empty() && reason.len() > 40, "{id}");
    }
}

#[test]
fn counterfactual_exact_finding() {
    let f = rules().check("He should have rolled back.", Place::Anywhere, &[]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, "counterfactual");
    assert_eq!(f[0].rule_name, "Counterfactual");
    assert_eq!(
        (f[0].phrase.as_str(), f[0].start, f[0].end),
        ("should have", 3, 14)
    );
    assert!(f[0].reason.starts_with("Counterfactuals describe a world"));
    assert!(f[0].suggestion.contains("checklist"));
}

#[test]
fn counterfactual_hits_with_case_and_inflections() {
    for (text, phrase) in [
        ("He SHOULD HAVE waited", "SHOULD HAVE"),
        ("She Should've checked", "Should've"),
        ("they should\u{2019}ve checked", "should\u{2019}ve"),
        ("he shouldn't have merged", "shouldn't have"),
        ("you should not have shipped it", "should not have"),
        ("Bob could have paged", "could have"),
        ("the operator failed to notice", "failed to"),
        ("he fails to read it", "fails to"),
        ("If only he had", "If only he"),
        ("he ought to have known", "ought to have"),
        (
            "the change should have been reviewed",
            "should have been reviewed",
        ),
        ("He should\nhave", "should\nhave"),
        ("He should  -  have", "should  -  have"),
        ("He **should** have", "should** have"),
        ("Anyone could simply have seen it", "could simply have"),
    ] {
        assert_eq!(
            only(text),
            ("counterfactual".to_string(), phrase.to_string()),
            "{text:?}"
        );
    }
}

#[test]
fn counterfactual_near_misses() {
    none("a shoulder to cry on, shoulders, shouldered");
    none("we should roll back; it could help");
    none("We should. Have a look");
    none("It could, have");
    none("should\n\nhave");
    none("fail; to");
    none("the failed_to_start counter");
    none("onlyif ifonly");
}

#[test]
fn phrase_specific_suggestion() {
    let f = rules().check("Dana failed to start the job.", Place::Anywhere, &[]);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].suggestion.contains("runbook listed it"),
        "{}",
        f[0].suggestion
    );
    let f = rules().check("human error", Place::Anywhere, &[]);
    assert!(
        f[0].suggestion
            .contains("The form accepted a date in the wrong format.")
    );
}

#[test]
fn judgement_hits() {
    for (text, phrase) in [
        ("a careless change", "careless"),
        ("Carelessly merged", "Carelessly"),
        ("pure carelessness", "carelessness"),
        ("SLOPPY work", "SLOPPY"),
        ("sloppily done", "sloppily"),
        ("laziness again", "laziness"),
        ("lazily reviewed", "lazily"),
        ("a lazy fix", "lazy"),
        ("stupid mistake", "stupid"),
        ("the stupidity of it", "stupidity"),
        ("negligent handling", "negligent"),
        ("gross negligence", "negligence"),
        ("incompetent", "incompetent"),
        ("He obviously knew", "obviously"),
        ("you simply restart", "simply"),
        ("he just had to press enter", "just had to"),
        ("you just need to press enter", "just need to"),
        ("they just needed to look", "just needed to"),
        ("_careless_ change", "careless"),
    ] {
        assert_eq!(
            only(text),
            ("judgement".to_string(), phrase.to_string()),
            "{text:?}"
        );
    }
}

#[test]
fn judgement_near_misses() {
    none("to justify it, simplify the simple rules, justice");
    none("we shipped just in time; just so");
    none("Lazarus came back");
    none("it was not obvious at the time");
    none("sloppyjoe carelessness_metric");
}

#[test]
fn human_error() {
    assert_eq!(
        hits("Root cause: human error."),
        vec![h("human-error", "human error", 12, 23)]
    );
    assert_eq!(
        only("Human Errors happen"),
        ("human-error".into(), "Human Errors".into())
    );
    assert_eq!(
        only("it was operator error"),
        ("human-error".into(), "operator error".into())
    );
    assert_eq!(
        only("classic user error"),
        ("human-error".into(), "user error".into())
    );
    none("the user errored out");
    none("human, error");
    none("a user-facing error");
}

#[test]
fn person_as_cause() {
    assert_eq!(
        hits("It was Alice's fault."),
        vec![h("person-as-cause", "Alice's fault", 7, 20)]
    );
    assert_eq!(
        hits("ops\u{2019}s mistake"),
        vec![h("person-as-cause", "ops\u{2019}s mistake", 0, 13)]
    );
    assert_eq!(
        hits("Whose fault was it?"),
        vec![h("person-as-cause", "Whose fault", 0, 11)]
    );
    assert_eq!(
        hits("Alice caused the outage"),
        vec![h("person-as-cause", "Alice caused", 0, 12)]
    );
    assert_eq!(
        hits("it failed because of Alice"),
        vec![h("person-as-cause", "because of Alice", 10, 26)]
    );
    assert_eq!(
        hits("caused by @alice"),
        vec![h("person-as-cause", "caused by @alice", 0, 16)]
    );
    assert_eq!(
        hits("due to alice andersson."),
        vec![h("person-as-cause", "due to alice andersson", 0, 22)]
    );
    assert_eq!(
        hits("because of Alice Andersson's change"),
        vec![h("person-as-cause", "because of Alice Andersson's", 0, 28)]
    );
    assert_eq!(
        hits("because of him"),
        vec![h("person-as-cause", "because of him", 0, 14)]
    );
    assert_eq!(
        hits("she broke prod"),
        vec![h("person-as-cause", "she broke", 0, 9)]
    );
    assert_eq!(
        hits("Alice was to blame"),
        vec![h("person-as-cause", "Alice was to blame", 0, 18)]
    );
    assert_eq!(
        hits("Alice causes outages"),
        vec![h("person-as-cause", "Alice causes", 0, 12)]
    );
}

#[test]
fn person_as_cause_near_misses() {
    none("the timeout caused a retry storm");
    none("because of the timeout");
    none("due to load; it broke");
    // A lower-case word after a noun is a host's name, not a person's ("host alice"); in
    // a sentence written without capitals, "alice caused it" is chat, and a person.
    none("host alice caused it");
    none("The host alice caused it.");
    // E-mail addresses are not people; an unknown Capitalised name or @mention is (the org's
    // people are not everyone a post-mortem names).
    assert_eq!(
        hits("it caused a retry because of @bob"),
        vec![h("person-as-cause", "because of @bob", 18, 33)]
    );
    none("mail alice@example.com caused it");
    none("it's fault-tolerant; that's mistake-free");
    assert_eq!(
        hits_with(&rules(), "Bob caused it", Place::Anywhere, &[]),
        vec![h("person-as-cause", "Bob caused", 0, 10)]
    );
}

#[test]
fn person_in_factors() {
    // A mention alone is not blame (issue 23).
    assert_eq!(factors("- @alice deployed late"), vec![]);
    assert_eq!(
        factors("Alice Andersson was on call"),
        vec![h("person-in-factors", "Alice Andersson", 0, 15)]
    );
    assert_eq!(
        factors("alice andersson was on call"),
        vec![h("person-in-factors", "alice andersson", 0, 15)]
    );
    assert_eq!(
        factors("Paged Alice late"),
        vec![h("person-in-factors", "Alice", 6, 11)]
    );
    assert_eq!(
        factors("Alice's laptop died"),
        vec![h("person-in-factors", "Alice's", 0, 7)]
    );
    assert_eq!(factors("@Alice's change"), vec![]);
    // Not outside contributing factors, not lower-case first names, not pronouns alone.
    // (The model, asked after the phrases, reads "deployed late" as blame on its own.)
    let phrases_only = Rules::extended("rules:\n  - id: narrative-blame\n    disabled: true\n");
    let text = "@alice deployed late; Alice Andersson was on call";
    assert_eq!(
        hits_with(&phrases_only.unwrap(), text, Place::Anywhere, &[]),
        vec![]
    );
    assert_eq!(factors("alice the host ran out of disk"), vec![]);
    assert_eq!(factors("she was paged at 3am; @bob too"), vec![]);
    assert_eq!(factors("the alert was noisy"), vec![]);
}

#[test]
fn why_questions() {
    assert_eq!(
        hits("Why did you restart it?"),
        vec![h("why-question", "Why did you", 0, 11)]
    );
    assert_eq!(
        only("why didn\u{2019}t you page"),
        ("why-question".into(), "why didn\u{2019}t you".into())
    );
    assert_eq!(
        only("Why would he do that"),
        ("why-question".into(), "Why would he".into())
    );
    assert_eq!(
        only("why did Alice Andersson skip it"),
        ("why-question".into(), "why did Alice Andersson".into())
    );
    assert_eq!(
        only("why did @alice skip it"),
        ("why-question".into(), "why did @alice".into())
    );
    none("why did the alert not fire?");
    none("why did it take so long");
}

#[test]
fn a_question_the_next_sentence_answers_is_a_step_of_five_whys() {
    // Answered by a condition: analysis, not a demand to justify oneself.
    none("Why did he restart the wrong node? The node names differ only in the last digit.");
    none("Why didn't the DBA see the warning?\nThe migration tool prints warnings to stderr.");
    // Unanswered, answered by another question, or by a word or two: still a finding.
    assert_eq!(
        hits("Why did you restart it? Nobody asked you to?"),
        vec![h("why-question", "Why did you", 0, 11)]
    );
    assert_eq!(
        hits("Why did you restart it? Seriously."),
        vec![h("why-question", "Why did you", 0, 11)]
    );
    assert_eq!(
        hits("The node restarted. Why did you restart it?"),
        vec![h("why-question", "Why did you", 20, 31)]
    );
    // Only the why-phrases that say so: a barb stays one however it is followed.
    assert_eq!(
        only("Why on earth did he restart it? The names differ in one digit."),
        ("why-question".into(), "Why on earth did he".into())
    );
    // The answer is read on its own.
    let text = "Why did the job fail? Because Ravi was careless.";
    let rules: Vec<String> = hits(text).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["person-as-cause", "judgement"], "{text}");
}

#[test]
fn omissions_of_a_person() {
    for (text, phrase) in [
        ("she neglects to log", "neglects"),
        ("he neglected to log", "neglected"),
        ("nobody didn't bother to check", "didn't bother"),
        ("they did not bother", "did not bother"),
        ("Sven forgot the key", "forgot"),
        ("The operator ignored three pages", "ignored"),
        ("Mira wasn't paying attention", "wasn't paying attention"),
        ("the engineer who skipped the review", "skipped"),
    ] {
        assert_eq!(
            only(text),
            ("omission".to_string(), phrase.to_string()),
            "{text:?}"
        );
    }
    none("the cache ignored the TTL");
    none("the job forgot its lock");
    none("The engineer noticed the missing index");
    none("the script that skipped the step");
}

/// Blame told as a plain story, with no loaded word, is heard by the model of
/// `narrative-blame`, which flags the whole sentence; the same story told of a system, a
/// person named for what they did in the response, timeline entries and a bare mention stay
/// quiet.
#[test]
fn the_model_hears_blame_told_as_a_story() {
    let text = "The outage began at 09:12. Once again it was Olu who merged on a Friday evening.";
    let found = hits(text);
    assert_eq!(
        found,
        vec![h(
            "narrative-blame",
            "Once again it was Olu who merged on a Friday evening",
            27,
            79
        )]
    );
    let story = hits("Well, Sanjay pushed the nginx config again.");
    assert_eq!(story.len(), 1);
    assert_eq!(story[0].0, "narrative-blame");
    none("Once again the scheduler merged the queues on a Friday evening.");
    none("Kofi led the response and restored service at 10:40.");
    none("10:42 Alice restarted the payments pod.");
    none("Alice checked the logs and didn't find an error.");
    none("@mira restored the replica from the snapshot.");
    none("The backfill job ran twice because the scheduler retried it after a timeout.");
    let finding = &rules().check(text, Place::Anywhere, &alice())[0];
    assert!(
        finding.points_at_person,
        "reviewed one by one, never in bulk"
    );
}

/// An admin's rule file switches the model off like any rule.
#[test]
fn the_model_is_a_rule_an_admin_can_switch_off() {
    let off = Rules::extended("rules:\n  - id: narrative-blame\n    disabled: true\n").unwrap();
    let text = "Well, Sanjay pushed the nginx config again.";
    assert_eq!(hits_with(&off, text, Place::Anywhere, &alice()), vec![]);
    assert_eq!(hits(text).len(), 1);
}

/// The model's rule keeps its `not_with` and `only_with` as any rule does: an admin can
/// clear a sentence that says the person followed the procedure, or judge only the
/// sentences that name what it cares about.
#[test]
fn the_models_rule_keeps_its_context_lists() {
    let text = "Well, Sanjay pushed the nginx config again.";
    let cleared =
        Rules::extended("rules:\n  - id: narrative-blame\n    not_with: [nginx config]\n").unwrap();
    assert_eq!(hits_with(&cleared, text, Place::Anywhere, &alice()), vec![]);
    let production =
        Rules::extended("rules:\n  - id: narrative-blame\n    only_with: [production, prod]\n")
            .unwrap();
    assert_eq!(
        hits_with(&production, text, Place::Anywhere, &alice()),
        vec![]
    );
    let about_nginx =
        Rules::extended("rules:\n  - id: narrative-blame\n    only_with: [nginx]\n").unwrap();
    let found = hits_with(&about_nginx, text, Place::Anywhere, &alice());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "narrative-blame");
}

/// Blame that names a role of the squad model, tells a person as the agent of a passive,
/// labels a person as the root cause, or gives a sanction as the outcome (session 42's sets
/// `dev17`, `dev18`); and the near misses those sets showed.
#[test]
fn roles_passives_labels_and_sanctions() {
    for (text, rule) in [
        (
            "The PO dropped the ball on the acceptance criteria.",
            "omission",
        ),
        (
            "It was the designer's fault that the icons vanished.",
            "person-as-cause",
        ),
        ("Our security champion was asleep at the wheel.", "omission"),
        ("The designer didn't even test it on Android.", "omission"),
        (
            "The certificate was left to expire by Marco.",
            "person-as-cause",
        ),
        (
            "The lint warnings were waved through by the reviewer.",
            "person-as-cause",
        ),
        ("The banner was dismissed by Leila.", "person-as-cause"),
        ("Root cause: Tomás.", "person-as-cause"),
        (
            "Dana Okafor bears primary responsibility for the downtime.",
            "person-as-cause",
        ),
        ("Chen Wei has been formally reprimanded.", "judgement"),
        ("Bob has been removed from the on-call rota.", "judgement"),
        (
            "Going forward, Siobhan will not be permitted to approve changes.",
            "judgement",
        ),
        ("The intern didn't know what they were doing.", "judgement"),
        ("Omar got distracted mid-rollout.", "omission"),
        (
            "Thanks to Goran, we lost a week of data.",
            "person-as-cause",
        ),
    ] {
        assert_eq!(only(text).0, rule, "{text:?}");
    }
    none("This is on the storage team's backlog for Q3.");
    none("The IC, Kofi, froze deploys until the root cause was understood.");
    none("Root cause owner: Tomás.");
    // The phrases say nothing here; the model, asked next, reads this one as blame.
    let phrases_only = Rules::extended("rules:\n  - id: narrative-blame\n    disabled: true\n");
    let text = "Please don't write that it was Alice's fault.";
    let found = hits_with(&phrases_only.unwrap(), text, Place::Anywhere, &[]);
    assert_eq!(found, vec![], "{text}");
    none("Nobody is responsible for this; the tool allowed it.");
    none("Labelling this as human error would stop the analysis too early.");
    none("12:10 Lucas silenced the alert while investigating, as the runbook recommends.");
    none("The certificate was left to expire because renewal was manual.");
    // Contributing factors naming the conditions a person worked in, a state, a passive.
    assert_eq!(factors("Lars covering an extra shift"), vec![]);
    assert_eq!(factors("Bob on holiday with no backup reviewer"), vec![]);
    assert_eq!(
        factors("On-call engineer lacked production read access"),
        vec![]
    );
    assert_eq!(factors("Ngozi flooded by unrelated noisy alerts"), vec![]);
    assert!(!factors("Lars deleting the production table").is_empty());
    // A common word opening a sentence is no name; a name that is no common word still is.
    none("Calendar reminders leave with the people who created them.");
    assert_eq!(
        only("Amir caused the outage on Friday.").0,
        "person-as-cause"
    );
    // After "by" a Capitalised word is a person, not a place: the model reads this one.
    assert_eq!(
        only("The alert was acknowledged and then snoozed by Ayesha twice.").0,
        "narrative-blame"
    );
}

/// A phrase rule's finding in a sentence of some length stands only where the model reads
/// the sentence as blame at least as likely as the rule's `model_floor`: an act told with
/// what cleared it goes, the same act told as the cause stays; an admin's file can turn it
/// off (`model_floor: 0`), and a broken floor is explained.
#[test]
fn the_model_can_overrule_a_phrase_rule_in_a_long_sentence() {
    let cleared = "15:05 UTC — Liam truncated the retry queue after confirming every \
                   message had a matching record in the outbox table.";
    let blamed = "Liam truncated the production retry queue without checking the \
                  outbox first, and we lost four hours of orders.";
    assert_eq!(hits(cleared), vec![], "{cleared}");
    assert!(
        hits(blamed).iter().any(|h| h.0 != "narrative-blame"),
        "{blamed}: {:?}",
        hits(blamed)
    );
    let floor_off = "rules:\n  - id: person-as-cause\n    model_floor: 0\n";
    let rules = Rules::extended(floor_off).unwrap();
    let found = hits_with(&rules, cleared, Place::Anywhere, &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "person-as-cause");
    let err = Rules::extended("rules:\n  - id: omission\n    model_floor: 1.5\n").unwrap_err();
    assert!(err.contains("model_floor"), "{err}");
}

/// A phrase may set its own `model_floor`: credit read around a barb ("no thanks to")
/// lowers the model's reading, and the barb stands all the same; a broken floor is
/// explained.
#[test]
fn a_phrase_may_stand_however_the_model_reads_its_sentence() {
    let thanked = "Yusuf's load test numbers saved us on launch day, no thanks to the \
                   capacity planning team.";
    assert_eq!(
        hits(thanked)
            .iter()
            .map(|h| (h.0.as_str(), h.1.as_str()))
            .collect::<Vec<_>>(),
        vec![("judgement", "no thanks to")]
    );
    // With a rewrite of its own: credit without a villain.
    let rewrite = suggestion(thanked);
    assert!(rewrite.starts_with("Credit what someone did"), "{rewrite}");
    let floored = "rules:\n  - id: judgement\n    phrases:\n      - { phrase: no thanks to, model_floor: 0.9999 }\n";
    let rules = Rules::extended(floored).unwrap();
    let found = hits_with(&rules, thanked, Place::Anywhere, &[]);
    assert!(!found.iter().any(|h| h.0 == "judgement"), "{found:?}");
    for bad in ["1.5", "high"] {
        let yaml = format!(
            "rules:\n  - id: judgement\n    phrases:\n      - {{ phrase: no thanks to, model_floor: {bad} }}\n"
        );
        let err = Rules::extended(&yaml).unwrap_err();
        assert!(err.contains("model_floor"), "{err}");
    }
}
