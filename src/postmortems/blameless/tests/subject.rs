//! Whom a phrase is said of, the patterns people use, and normalisation: the issue's
//! examples, each a sentence a facilitator would (or would not) ask to reword.

use super::*;

fn rules_of(text: &str) -> Vec<String> {
    hits(text).into_iter().map(|h| h.0).collect()
}

#[test]
fn blame_said_of_a_person_is_heard() {
    for (text, rule) in [
        (
            "Sven forgot to rotate the signing key before it expired.",
            "omission",
        ),
        (
            "Had the approver looked at the plan, the bucket would never have gone public.",
            "counterfactual",
        ),
        (
            "No one bothered to read the capacity alert before the sale started.",
            "omission",
        ),
        (
            "Looking back, it was plainly obvious the queue would overflow.",
            "hindsight",
        ),
        (
            "The engineer on duty dismissed the latency pages all night.",
            "omission",
        ),
        (
            "Mira was to blame for the broken release.",
            "person-as-cause",
        ),
        (
            "The DBA was clearly not concentrating when he dropped the table.",
            "hindsight",
        ),
        (
            "A new hire made a beginner's blunder and skipped the review.",
            "judgement",
        ),
        ("The engineer should have escalated.", "counterfactual"),
        (
            "Why didn't the on-call engineer page the database team?",
            "why-question",
        ),
        (
            "If Bob had read the diff, the regex would never have shipped.",
            "counterfactual",
        ),
        (
            "Anyone could simply have noticed the disk filling up.",
            "counterfactual",
        ),
        (
            "The outage is on Kenji; he merged it without approval.",
            "person-as-cause",
        ),
        ("It was the intern's fault.", "person-as-cause"),
    ] {
        let found = rules_of(text);
        assert!(
            found.first().map(String::as_str) == Some(rule),
            "{text:?}: {found:?}"
        );
    }
}

#[test]
fn the_same_words_said_of_a_system_are_no_finding() {
    for text in [
        "The circuit breaker should have opened after five errors, but it was configured for fifty.",
        "The probe failed to notice the stuck consumer because it only checked the port.",
        "The ranking model's mistakes rose after Friday's retraining.",
        "If only the read path is slow, the autoscaler does nothing, as designed.",
        "The alert should have fired at 80 %.",
        "The backup job failed to start because the volume mount timed out.",
        "The scheduler skipped the 03:00 run because the previous run still held the lock.",
        "Why didn't the canary catch the regression?",
        "From 14:03 the edge graph clearly showed the 5xx ratio climbing.",
        "The API simply returns 404 for unknown tenants.",
        "Lazy loading defers index reads until the first query.",
        "Traffic began to recover just after 14:00 UTC.",
        "Because of the expired certificate, every webhook delivery failed.",
    ] {
        none(text);
    }
}

#[test]
fn a_person_named_for_their_part_in_the_response_is_no_contributing_factor() {
    assert_eq!(
        factors("Alice led the incident response and ran the bridge."),
        vec![]
    );
    assert_eq!(
        factors("Alice Andersson paged the storage team at 14:05."),
        vec![]
    );
    assert_eq!(
        factors("Alice changed the config by hand."),
        vec![h("person-in-factors", "Alice", 0, 5)]
    );
}

#[test]
fn a_mention_alone_is_not_blame() {
    assert_eq!(
        factors("@alice wrote the timeline from the chat log."),
        vec![]
    );
    assert_eq!(factors("@alice is on holiday."), vec![]);
    assert_eq!(
        hits("The outage was caused by @alice."),
        vec![h("person-as-cause", "caused by @alice", 15, 31)]
    );
}

#[test]
fn hidden_characters_do_not_hide_blame() {
    assert_eq!(
        rules_of("Bob was care\u{ad}less with the keys."),
        ["judgement"]
    );
    assert_eq!(
        rules_of("Dana fail\u{200b}ed to check it."),
        ["counterfactual"]
    );
    assert_eq!(
        rules_of("Dana failed\u{200b}to check it."),
        ["counterfactual"]
    );
    assert_eq!(rules_of("Dana ig\u{200b}nored the page."), ["omission"]);
    assert_eq!(
        rules_of("Chen shouldn\u{2019}t have pushed."),
        ["counterfactual"]
    );
    assert_eq!(rules_of("It was Bob\u{2019}s fault."), ["person-as-cause"]);
}

#[test]
fn offsets_point_into_the_text_as_typed() {
    let people = [PersonRef {
        username: "ines".into(),
        display_name: "In\u{e8}s Moreau".into(),
    }];
    // A combining accent: "Ine\u{300}s" is five characters typed, and the span covers them.
    let text = "Because of Ine\u{300}s, the job ran twice.";
    let found = hits_with(&rules(), text, Place::Anywhere, &people);
    assert_eq!(
        found,
        vec![h("person-as-cause", "Because of Ine\u{300}s", 0, 16)]
    );
    let text = "Ine\u{300}s's fault.";
    let found = hits_with(&rules(), text, Place::Anywhere, &people);
    assert_eq!(
        found,
        vec![h("person-as-cause", "Ine\u{300}s's fault", 0, 13)]
    );
    // A soft hyphen inside the phrase stays inside the span.
    let found = hits("He was care\u{ad}less.");
    assert_eq!(found, vec![h("judgement", "care\u{ad}less", 7, 16)]);
}

#[test]
fn a_rule_can_be_limited_to_person_subjects() {
    let r = Rules::extended(
        "rules:\n  - id: dropped\n    subject: person\n    reason: r\n    suggestion: s\n    phrases: [dropped the ball]\n",
    )
    .expect("valid");
    let found = |t: &str| hits_with(&r, t, Place::Anywhere, &[]);
    assert_eq!(found("The operator dropped the ball.").len(), 1);
    assert_eq!(found("The load balancer dropped the ball.").len(), 0);
}

#[test]
fn an_admin_file_adds_role_and_system_nouns() {
    let r = Rules::extended("person_nouns: [steward]\nsystem_nouns: [sentinel]\n").expect("valid");
    let found = |t: &str| hits_with(&r, t, Place::Anywhere, &[]);
    assert_eq!(found("The steward forgot the backup.").len(), 1);
    assert_eq!(found("The sentinel forgot the lease.").len(), 0);
}

#[test]
fn wrapped_lines_are_one_sentence_and_list_items_are_not() {
    assert_eq!(
        rules_of("The engineer should\nhave escalated."),
        ["counterfactual"]
    );
    assert_eq!(factors("- The alert\n- Alice\n").len(), 1);
}

#[test]
fn placeholders_for_clause_starts_and_names() {
    assert_eq!(
        rules_of("Had Kenji waited, the bucket would have stayed private."),
        ["counterfactual"]
    );
    none("The team had Kenji wait for the canary.");
    assert_eq!(
        hits("The key leaked because Oleksandr pasted it."),
        vec![h("person-as-cause", "because Oleksandr", 15, 32)]
    );
    none("The key leaked because it was in a public gist.");
    none("Human error is not a root cause here.");
    assert_eq!(rules_of("Human error is the root cause."), ["human-error"]);
}

#[test]
fn we_is_the_team_owning_it_not_a_person_to_blame() {
    none("We should have had a canary stage for config changes.");
    none("We had been warned by the cloud provider, but the notice went to an old mailbox.");
    assert_eq!(
        rules_of("Dana should have had a canary stage."),
        ["counterfactual"]
    );
}

#[test]
fn a_clause_that_ends_in_a_promise_not_kept_is_heard() {
    assert_eq!(
        rules_of("Diego was asked to update the runbook and never did."),
        ["omission"]
    );
    none("Alice checked the logs and didn't find an error.");
    assert_eq!(
        rules_of("Nkechi approved her own pull request."),
        ["omission"]
    );
    assert_eq!(
        rules_of("The SRE who was on call that night made it worse."),
        ["person-as-cause"]
    );
}

#[test]
fn a_person_named_as_the_doer_of_the_harm_is_heard() {
    for text in [
        "Mateo ran the migration before the backup finished.",
        "Yasmin set the TTL to 86400 instead of 60.",
        "Our DBA ran DELETE without a WHERE clause.",
        "Keanu kicked off a full reindex at noon, which saturated the cluster.",
        "Igor disabled the alert because it was noisy, so nobody was paged.",
        "The faulty migration was written and shipped by Mateo.",
    ] {
        assert_eq!(rules_of(text), ["harmful-act"], "{text}");
    }
    // A time of day does not cut the clause: the deploy is still Lars's.
    assert_eq!(
        rules_of("Lars's deploy at 09:15 is what broke the login flow."),
        ["person-as-cause"]
    );
    // The same acts, said of the response, of a noun, or with the reason they were sound.
    none("Mateo ran the rollback script on production, which restored writes.");
    none("The IC, Kofi, froze deploys until the root cause was understood.");
    none("Force-pushes to release branches are not blocked, so two commits were lost.");
    none("Priya disabled the alert because it had paged 40 times without a real problem.");
    none("Kenji merged on a red build, which was the team's normal practice at the time.");
    none("The cleanup job deleted the snapshots without a dry run.");
    none("Chen asked whether the DNS zone had changed, and the answer led to the cause.");
    // Saying no one is at fault is what a blameless review says.
    none("No one is at fault here; the runbook was simply out of date.");
}

#[test]
fn system_kinds_and_compounds_are_no_names() {
    // A capitalised word before a system noun names its kind, not a person.
    none("Load balancer failed to drain connections.");
    none("Cleanup script supposed to skip active tables, but did not.");
    // A timeline's present tense is still someone doing it; a compound is not.
    assert_eq!(
        rules_of("15:30 Priya force-pushes over the release branch, losing two approved fixes."),
        ["harmful-act"]
    );
    // "that" before a system noun is a determiner: the subject is "whoever".
    assert_eq!(
        rules_of("Whoever approved that PR obviously did not look at it."),
        ["judgement", "omission"]
    );
    // "Root cause:" makes a person's change the cause.
    assert_eq!(
        rules_of("Root cause: Li's config change to the rate limiter."),
        ["person-as-cause"]
    );
    none("Li's config change was reviewed by two people.");
    // An acronym's plural takes a small s: "PMS" is a hotel's property management system,
    // "PMs" are product managers.
    assert_eq!(
        factors("PMS showing online check-in guests as verified"),
        vec![]
    );
    assert_eq!(
        factors("PMs skipping the launch review")[0].0,
        "person-in-factors"
    );
}

#[test]
fn quoted_words_are_someone_elses_but_scare_quotes_are_the_writers() {
    none(
        "Someone wrote \"Kofi broke it again\" in the channel; this review asks why the gate let it through.",
    );
    none("Please don't write 'Tomasz broke it' in the timeline.");
    assert_eq!(
        rules_of("As usual, Diego \"forgot\" to update the status page."),
        ["judgement", "omission"]
    );
    // Scare quotes around a word of care doubt the care; a quoted label is a label.
    assert_eq!(
        rules_of("The config change was 'tested' before rollout."),
        ["judgement"]
    );
    assert_eq!(
        rules_of("Ingrid's \"quick fix\" to the manifest generator."),
        ["judgement"]
    );
    none("The ticket was moved to \"Done\" at 14:02.");
    none("Sam clicked \"Fixed\" in the status menu.");
    none("The change was tested before rollout.");
    // An apostrophe is no quotation mark.
    assert_eq!(
        rules_of("It's the users' data, and Kofi broke it."),
        ["person-as-cause"]
    );
}

#[test]
fn what_a_person_did_is_told_apart_from_what_was_done_to_them() {
    // Passive: the subject is what it was done to.
    none("Bheki's cron change was reviewed and approved, and the scheduler accepted it.");
    // A role may carry a phrase after it.
    assert_eq!(
        rules_of(
            "The contractor from the agency configured the Wi-Fi with WEP, which is how the laptop was compromised."
        ),
        ["harmful-act"]
    );
    // "after" opens a clause with its own subject.
    assert_eq!(
        rules_of(
            "The refunds were double-posted after Aisha reran the settlement job without checking."
        ),
        ["harmful-act", "omission"]
    );
    none("Whether on-call engineers need write access to production is a policy question.");
    none("Statements were published 27 hours late; no rights holder saw a wrong number.");
}

#[test]
fn any_act_told_with_what_went_wrong_is_heard() {
    // {act}: a verb no list names, said of a person, with the harm in the sentence.
    assert_eq!(
        rules_of("Ngozi sent the test push notification to all users instead of the QA segment."),
        ["harmful-act"]
    );
    assert_eq!(
        rules_of("A support rep attached the customer's invoice to the wrong reply."),
        ["harmful-act", "judgement"]
    );
    // Not a response ("noticed", "spent"), not without harm, not a subject that names no one.
    none(
        "Ngozi noticed the duplicate invoice and reported it, which stopped the refunds going out twice.",
    );
    none("Ngozi attached the invoice to the reply.");
    none("The first responder spent 20 minutes checking whether the alert itself was wrong.");
    none("No one acted in bad faith here; the export was a workaround.");
    none("The release tooling let a build go to 100% of users without a staged rollout.");
}

#[test]
fn a_sentence_adverb_is_said_of_the_clause_it_belongs_to() {
    // Set off by a comma, it is said of the subject of the clause after it.
    assert_eq!(
        rules_of("Once again, the networking team changed the BGP filters."),
        ["judgement"]
    );
    none("Once again, the alert fired twice.");
    assert_eq!(
        rules_of("Predictably, the intern's cleanup script had no WHERE clause."),
        ["judgement"]
    );
    none("Predictably, the cleanup script had no WHERE clause.");
    // At the end, after a clause with no subject of its own ("as optional"), it is said of
    // the main clause's.
    assert_eq!(
        rules_of("Carlos treated the runbook as optional, as usual."),
        ["judgement", "judgement"]
    );
    none("The job treated the flag as optional, as usual.");
}

#[test]
fn blame_told_by_pattern_motive_and_officialese() {
    assert_eq!(
        rules_of("Sam went ahead despite objections in the review."),
        ["judgement"]
    );
    assert_eq!(
        rules_of("The incident commander froze and nobody was driving."),
        ["judgement"]
    );
    none("Ana froze deploys at 14:00 while the rollback ran.");
    assert_eq!(
        rules_of("The officer concerned has been referred to HR."),
        ["judgement", "judgement"]
    );
    assert_eq!(
        rules_of("Lukas knew the job was flaky and still scheduled it for payroll day."),
        ["judgement"]
    );
    none("Lukas knew the job was flaky; the calendar gave him no other slot.");
    none("Mia froze the deploy pipeline at 14:00.");
    none("Nobody is being held responsible for this incident; the actions are about the system.");
    none(
        "Kwame's name is on the release notes because he coordinated the release, not because he caused anything.",
    );
}

#[test]
fn names_that_end_like_english_words() {
    // A sentence's first word is a name unless the word list knows it: -ing, -ly and -ence
    // are endings of names too.
    assert_eq!(
        rules_of("Xiaoming forgot to update the DNS record."),
        ["omission"]
    );
    assert_eq!(rules_of("Emily forgot to rotate the key."), ["omission"]);
    assert_eq!(rules_of("Florence ignored the page."), ["omission"]);
    none("During the migration the queue filled up and the alert stayed quiet.");
    // One capital letter is a label.
    none("The A/B partition switch logic ignored a failed checksum.");
    // Jargon the list lacks, made from words it has.
    none("Backfilling the table took three hours.");
    none("Autoscaling added four nodes after the alert.");
    // A doubled last character that is not ASCII is no doubled consonant to cut.
    none("Ab\u{0924}\u{0924}ing added four nodes after the alert.");
}

#[test]
fn new_phrases_leave_systems_and_praise_alone() {
    // Near misses a reviewer wrote against this session's phrases.
    for text in [
        "Without the canary, customers would never have noticed the regression.",
        "No engineer would have spotted the lag on that dashboard.",
        "The chaos engineer terminated pods at random to test failover.",
        "The on-call pair outdid themselves during the recovery.",
        "Luckily they still had Tuesday's snapshot.",
        "The on-call engineer identified the weak link: a single NAT gateway.",
        "The mobile clients retried without backoff; their behaviour on reconnect tripled load.",
        "The incident commander had written up the timeline before the review.",
        "Ana was the one who wrote the original runbook, so she reviewed the fix.",
        "Query performance is being addressed in PLAT-42.",
        "Customers lost confidence in the status page after it showed green during the outage.",
        "Developers are no longer permitted to push to main; branch protection enforces review.",
        "The node entered \"safe mode\" after the disk filled.",
        "The health endpoint returned \"working\" for 40 minutes while writes failed.",
        "The on-call engineer retried the migration once more after raising the timeout.",
        "The on-call engineer found the dashboard useless because it lagged 10 minutes.",
        "At 14:02 the on-call engineer lost console access because SSO was down.",
        "Kim was a hero for fixing DNS at 3am.",
        "The release captain froze rollouts at 14:05.",
        "The on-call engineer did not have write access to the DNS zone, so the fix waited for an admin.",
        "Thanks to the platform team for upgrading the cluster over the weekend.",
        "Latency stayed 40% above typical.",
        "The team knew about the disk warning for weeks because it fired daily and was marked noise.",
        "The on-call engineer failed over because the reconciler stalled and somehow never resumed.",
        "Mateo paged the DB team. Because the reconciler stalled and somehow never resumed, writes queued.",
        "Expired certificates should have triggered an alert.",
        "Added a canary to the deploy pipeline.",
    ] {
        none(text);
    }
    // A quotation closed after its comma ends there.
    assert_eq!(
        rules_of("Chen's \"quick fix,\" which skipped review, took down checkout."),
        ["judgement"]
    );
    // Names that a stem of three letters would make words.
    assert_eq!(rules_of("Jared forgot to renew the cert."), ["omission"]);
    assert_eq!(rules_of("Henning forgot to renew the cert."), ["omission"]);
}

/// Chat is often written without capitals: a lower-case word no dictionary knows, opening a
/// clause and followed by what a subject is followed by, is a name there; not in a sentence
/// that capitalises, nor inside a compound, nor chat shorthand.
#[test]
fn names_written_in_lower_case_in_chat() {
    assert_eq!(rules_of("noah just sat on it all weekend"), ["omission"]);
    assert_eq!(
        rules_of("imo giulia cut corners on the rollback plan"),
        ["judgement"]
    );
    assert_eq!(rules_of("alice caused it"), ["person-as-cause"]);
    // The model reads the name as a person too.
    assert_eq!(
        rules_of("ngl rafael pushed to main at 6pm on a friday and logged off"),
        ["narrative-blame"]
    );
    none("the config validator ignored unknown keys, so the typo'd key did nothing");
    none("tbh grafana ignored the missing series");
    // A word that is a name too ("holiday", "mark") is a word here.
    none("the on-call was covering two rotations due to holiday staffing");
    assert_eq!(rules_of("this is all marco's fault"), ["person-as-cause"]);
    assert_eq!(
        rules_of("ok but why did farhan disable the alert in the first place"),
        ["why-question"]
    );
    none("The rollback plan cut corners, as giulia cut the scope to ship.");
}

/// "We" is the team owning an outcome: a clause it opens is never said of the person in the
/// clause before it, while a clause with no subject of its own still is.
#[test]
fn we_is_the_team_not_the_person_before() {
    heard_and_left(
        &[
            "Raj wrote the rollback script and never tested it.",
            "Dana dropped the table and didn't bother to tell anyone.",
        ],
        &[
            "Raj wrote the rollback script, and we never tested it as a team.",
            "Priya rotated the key, but we didn't check the clients first.",
            "The engineer merged the change, and we failed to review it.",
        ],
    );
}

/// A relative clause set off by commas ("Dr. Mensah, who was on call, ignored…") stands
/// between a subject and its verb; the verb is still said of the subject.
#[test]
fn a_relative_clause_between_commas_keeps_the_subject() {
    heard_and_left(
        &[
            "Dr. Mensah, who was on call, ignored two bleeps.",
            "The engineer, who had been on call all week, forgot to rotate the key.",
            "The DBA, whom we paged twice, ignored the pages.",
        ],
        &[
            "The job, which runs nightly, ignored the retry limit.",
            "The probe, which only checks the port, failed to notice the stuck consumer.",
            // After an object or an agent, the relative clause interrupts nothing.
            "The scheduler assigned the case to the locum, who had never used the system, and overlooked the second patient.",
            "The script written by Priya, which runs every night, ignored the lock file.",
        ],
    );
}

/// In a question the verb after its subject has no -s, so "Priya check" is a name and a
/// verb, not a kind of check as "Cleanup script" is a kind of script.
#[test]
fn a_name_after_an_auxiliary_asks_about_a_person() {
    heard_and_left(
        &[
            "Why didn't Priya check the branch code?",
            "Why wouldn't Hannah check the branch code before sending it?",
        ],
        &[
            "Why didn't the Cleanup script run?",
            "Why didn't Cleanup script run?",
            "Why didn't Nightly build catch the regression?",
            "How did Terraform plan miss the drift?",
        ],
    );
}

/// A role that names the kind of a system noun ("the operator script") is no person, but a
/// verb in -s after a role is still its verb ("the engineer logs in"), and a role's error is
/// theirs ("nurse error").
#[test]
fn a_role_before_a_system_noun_is_its_kind() {
    heard_and_left(
        &[
            "The engineer logs in as root and ignores the warnings.",
            "Nurse error in the drug calculation.",
        ],
        &["The operator script forgot to clear the cache."],
    );
}
