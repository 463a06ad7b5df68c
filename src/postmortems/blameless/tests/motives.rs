//! Blame told through a motive, a sanction, a delay, a department or the writer's own
//! guilt, through something kept from others, an assurance given unchecked or an easier
//! step taken, with no loaded word for the older phrases to catch; and the near misses that
//! use the same words for a condition, a system or praise.

use super::*;

fn rules_of(text: &str) -> Vec<String> {
    hits(text).into_iter().map(|h| h.0).collect()
}

#[test]
fn motives_sanctions_delays_and_departments_are_heard() {
    for text in [
        // What someone wanted, or a convenience, given as the reason.
        "Zoe ran the delete with a wildcard because it was quicker for her.",
        "Olu runs everything as root out of habit.",
        "Priya raised the alert threshold to hit her budget target.",
        "Lucas was measured on cloud spend, which is why the batch ran on spot instances.",
        "Efua was too busy with her promotion packet to review the change.",
        // Trust and competence.
        "Samuel is not someone we can trust with the pager.",
        "Some people still don't get how read replicas work.",
        // A sanction, however polite.
        "Priya has been reminded that production credentials stay off laptops.",
        "A note has been added to Hannah's file regarding this incident.",
        "The team member did not meet expectations during the shift.",
        // Delay told as a person's.
        "02:51 Tom finally acknowledges the page.",
        "Only then did the payments team declare a SEV1.",
        // Departments named by function, Capitalised.
        "Legal blocked the fix for no good reason.",
        "Security chose to rotate the root credentials during peak without telling anyone.",
        // The passive, and the writer's own guilt.
        "A clear lack of ownership was shown by the SRE team.",
        "I blame myself for not double-checking the config diff.",
    ] {
        assert!(!rules_of(text).is_empty(), "{text:?} should be heard");
    }
    // A sanction is heard by its phrase, not left to the model.
    for text in [
        "Bob has been retrained.",
        "Priya has been reminded that credentials stay off laptops.",
        "He was spoken to after the bridge call.",
    ] {
        assert_eq!(rules_of(text), ["judgement"], "{text:?}");
    }
}

#[test]
fn the_same_words_for_a_condition_a_system_or_praise_are_left_alone() {
    for text in [
        "Support for IPv6 was missing in the load balancer.",
        "A legal review of the notice took two days.",
        "Security patches lagged behind upstream by a month.",
        "Legal reviewed the notice and approved it at 18:05.",
        "The cache naturally expires after an hour.",
        "The flag exists purely to protect the write path.",
        "The alert went silent at 02:10 because the exporter crashed.",
        "Amara finally found the leak at 03:10 after bisecting the builds.",
        "Kofi was after a fix that would not need a restart.",
        "Only after the patch landed did the error rate fall.",
        "The on-call escalated too late because the policy waited 30 minutes for the primary.",
        "Thanks to Priya for turning the runbook into a checklist.",
        "Chiara, I appreciated how clearly you wrote up what you tried.",
        "We don't want to point fingers; the process has no owner.",
        "Maybe next time we could add an alert for this.",
        "Dana found the wrong certificate in the bundle and replaced it.",
        "At 14:02 the on-call engineer lost console access because SSO was down.",
    ] {
        none(text);
    }
}

#[test]
fn credit_in_contributing_factors_is_no_cause() {
    for text in [
        "Quick diagnosis by Chen shortened the outage",
        "Lars and Chen pairing on the restore shortened recovery",
        "Mei's decision to escalate at step 5, which prevented further damage",
        "Dana's quick rollback limited customer impact to 12 minutes",
    ] {
        assert_eq!(factors(text), vec![], "{text:?}");
    }
    // The same person as a cause still is.
    assert!(!factors("Dana's change prevented the failover").is_empty());
    // Git's cherry-pick is no cherry-picked evidence; the other still is.
    none("Felipe preferred rolling back the release rather than cherry-picking the fix.");
    assert_eq!(
        rules_of("The analyst cherry-picked a quiet month for the forecast."),
        ["judgement"]
    );
}

/// Motives and verdicts told plainly ("for convenience", "acted in bad faith", "did nothing
/// about it") are heard; the same words in fairness or about credit are not.
#[test]
fn plain_motives_are_heard_and_fair_ones_left() {
    heard_and_left(
        &[
            "The copy editor didn't care about context, so the store listing was full of errors.",
            "Staff on Ward 4 shared a single login for convenience.",
            "The ad-tech partner acted in bad faith and inflated impression counts.",
            "The duty doctor was told about the result at 21:00 and did nothing about it.",
            "Colleagues in the council IT department are the reason this incident escalated.",
        ],
        &[
            "We found no evidence that anyone acted in bad faith.",
            "Alice's dashboard is the reason we caught this so early.",
            "The fix waited two hours for review because Chen, the only approver for that repo, \
             was at an all-day offsite.",
            "The cache keeps a second copy for convenience.",
        ],
    );
}

/// Blame by arrival ("stable until Noa joined") is heard; someone arriving to help, or a
/// job starting, is not.
#[test]
fn blame_by_arrival_is_heard() {
    for text in [
        "Things had been stable for months until Noa joined the payments team.",
        "Things only went sideways once the vendor got involved.",
        "The picking errors started the week the new shift manager arrived.",
    ] {
        assert_eq!(only(text).0, "person-as-cause", "{text:?}");
    }
    for text in [
        "The queue drained the moment Priya joined the bridge.",
        "Errors stopped the minute Dana rolled back.",
        "The vendor got involved at 14:00 and shipped a patch by 16:00.",
        "Latency was stable until the batch job started at 02:00.",
    ] {
        none(text);
    }
    // With a rewrite of its own: what changed, not who arrived.
    let rewrite =
        suggestion("Things had been stable for months until Noa joined the payments team.");
    assert!(rewrite.starts_with("Say what changed"), "{rewrite}");
}

/// Kept from those who should have known, or a record signed for work not done: said of a
/// person, blame; said of a dashboard or a form that allowed it, a finding about the tool.
#[test]
fn what_is_kept_from_others_or_signed_unseen_is_heard() {
    heard_and_left(
        &[
            "Lars hid the dropped vial from his supervisor, and the spill was not decontaminated until the next morning.",
            "Ingrid waved the unit out and kept it out of the handover book.",
            "Kofi signed the brake test sheet before the test was done so the set could leave on time.",
        ],
        &[
            "The dashboard hid the p99 regression from the team.",
            "The depot form could be signed before the test was done.",
            "Mia marked the build as passed when the tests went green.",
        ],
    );
    // The rewrite asks when it was reported and what made reporting it hard.
    assert!(suggestion("Lars hid the dropped vial from his supervisor.").contains("reported"));
}

/// Carrying on past a warning, cover never arranged, a queue tidied at the cost of the work,
/// a copy passed off as new, a procedure set aside; and the same words for a button pressed,
/// cover that was arranged, a flag's default and a tool.
#[test]
fn carrying_on_and_tidying_ones_own_queue_are_heard() {
    heard_and_left(
        &[
            "Svetlana pressed ahead with the cutover even after the rehearsal overran.",
            "Our on-call, Dmitri, was at a wedding with no laptop and hadn't arranged cover.",
            "Haruto closed the incident card to tidy his queue before the crew had confirmed arrival.",
            "Oksana copied last year's risk assessment and changed only the date.",
            "The duty manager elected to continue service with an inoperative door sensor, contrary to the defect procedure.",
        ],
        &[
            "Ayla pressed on the reset button until the panel responded.",
            "Dmitri was at a wedding; his manager had arranged cover two weeks earlier.",
            "Kim stayed late to clear her queue of pages after the outage.",
            "The feature flag defaulted to on, contrary to the documented convention.",
            "The tool copied the file and changed only the date.",
        ],
    );
}

/// The easier step taken instead of the one the work asked for, an assurance given before
/// anyone looked, one's own ease as the motive, and a step kept from the people in charge;
/// and the same acts with the reason that made them right at the time.
#[test]
fn an_easier_step_and_an_early_assurance_are_heard() {
    heard_and_left(
        &[
            "Night nurse Liam copied the previous day's observations into the chart instead of taking a fresh set.",
            "Jun used another patient's pen rather than walk to pharmacy.",
            "The SHO told the family the scan was normal before he had read it.",
            "Isabel declared the incident over while the error rate was still at 9%.",
            "Leilani marked the lockout complete on the tablet before she had fitted a single lock.",
            "Lucas restarted the primary without a word to the incident commander.",
            "He put the vial in the fridge, unlabelled, and told no one.",
            "Dmitri lifted through the wind limit to finish early.",
            "The night operator mutes the alarm so it stops waking him.",
            "Nkechi issued the confined-space permit with no gas test on the sheet.",
            "Ravi ran the migration twice before the backup finished.",
        ],
        &[
            "Lena filed a near miss report.",
            "Staff Nurse Bakare was called to a cardiac arrest on the next ward and left without a handover given the urgency.",
            "Kofi left the hydrant valve open as the flushing sheet instructs; closing it sat on a separate work order.",
            "The pump ran the test rather than wait for the operator.",
            "Priya declared the incident over at 14:40 once the error rate had been at baseline for an hour.",
            "Priya declared the incident resolved while the team drafted the customer note.",
            "Ayla pressed on the reset button twice before the panel responded.",
        ],
    );
}

/// One's own ease as the motive, a warning driven past, evidence tidied away, a record that
/// says more than was done, and an all-clear given unchecked, each in the formal register
/// of an investigation; and the same words where the act was kind or the record honest.
#[test]
fn ease_evidence_and_records_are_heard_in_formal_findings() {
    heard_and_left(
        &[
            "The tanker loading arm operated correctly; the loader left the bay during filling to smoke behind the weighbridge.",
            "The tug driver had removed his headset to take a personal call while the pushback was in progress.",
            "Grace did not report the near miss because she did not want to fill in another form.",
            "She swapped shifts informally so that the roster would not show it.",
            "The operator kept pumping after the high-high alarm.",
            "The assistant bosun tidied away the damaged shackle before the investigator arrived.",
            "The deputy manager quietly downgraded the incident in Datix before the weekly report went out.",
            "Aisha labelled the tubes at the desk afterwards from memory.",
            "Ward staff wrote down 5°C every day whatever the reading.",
            "The loader operator reported the inspection as complete, but the telematics show the machine was not approached until 06:20.",
            "Ms Kowalczyk assured the crew that the line was isolated, and only afterwards went to check the switch position.",
            "At 14:03 Hannah posted all good in the channel without having looked at the queue depth.",
            "The security advisory sat unread in Giorgos's inbox for eleven days.",
        ],
        &[
            "She wanted to avoid waking the secondary, so she kept working the issue alone until 04:30.",
            "Paramedic Davies entered the obs onto the record from memory after the monitor battery died on scene.",
            "Mr Ivanov has been involved in three similar events, all on the same curve, where the track team has since found gauge widening.",
            "Jorge said he'd been pre-filling the check sheet because the form asks for times before the round is done.",
            "Level crossing barriers operated as designed, and the crossing attendant kept the barriers down for the approaching train.",
            "Anton left at 17:00 with the batch job still running; jobs like this are expected to complete unattended and page on failure.",
            "The inspector arrived at 09:00 and the team had cleared the walkway for her.",
            "Ravi reported the smell of gas to the control room as soon as he noticed it.",
        ],
    );
}

/// A bonus, a shift's end or a report's numbers as the motive, a record signed for what the
/// signer never saw, and evidence changed before an inspection; and the near misses where
/// the same words tell of the system or of a reason that held at the time.
#[test]
fn targets_unseen_witnesses_and_inspections_are_heard() {
    heard_and_left(
        &[
            "Matteo kept the promotion live after finance flagged the bug, because pulling it meant missing his conversion bonus.",
            "The duty inspector graded the report as low risk so it would come off his queue before the shift change.",
            "Our support engineer closed 30 tickets as cannot reproduce to make the SLA report look nice.",
            "The registrar signed the consent form as witness to a conversation he was not present for.",
            "The reablement coordinator deleted the missed-visit entries on the morning the inspectors arrived.",
            "Given Kerry's track record on the referral desk, all her decisions will now be checked by a colleague.",
            "The second mate does not like to wake the master at night.",
            "The approved mental health professional did not return the call because it came in ten minutes before she was due to finish.",
        ],
        &[
            "The bonus scheme rewards conversion, and the promotion stayed live while finance and marketing agreed on a fix.",
            "The ticket came off the queue when the integration closed it automatically at 17:00.",
            "Gareth signed the consent form as witness; he was in the room for the whole conversation.",
            "The inspectors arrived on the Monday and the team walked them through the visit log.",
            "Kerry's referral decisions were checked by a colleague during her first month, as they are for every new starter.",
        ],
    );
}

#[test]
fn contradicted_records_numbers_and_mock_thanks_are_heard() {
    heard_and_left(
        &[
            "The shift supervisor signed the lockout sheet at 06:10, but the site CCTV shows nobody at the isolator until 06:45.",
            "Marta logged the chiller as checked on a day she was on annual leave.",
            "The weekly fridge checks are all in the same pen, written on the Friday.",
            "The planner moved the overdue orders to next month to keep her quarterly numbers clean.",
            "Dev closed the alerts as duplicates so his queue would look empty before the review.",
            "Third this month.",
            "Well done to the late shift for managing to lose the only key to the plant room.",
            "He told the client everything was restored before anyone had checked the replica.",
            "Kwabena went to lunch with the bridge still open and nobody else on it.",
        ],
        &[
            "The shift supervisor signed the lockout sheet at 06:10, and the site CCTV shows him at the isolator at 06:05.",
            "Marta logged the chiller as checked on Monday, the day the readings were taken.",
            "The planner moved the overdue orders to next month after the customer agreed the new date.",
            "Dev closed the alerts as duplicates; each had a twin from the second monitoring region.",
            "Well done to the late shift for finding the only key to the plant room.",
            "He told the client everything was restored once the replica had caught up and the checks passed.",
            "Kwabena went to lunch after handing the bridge to Ola.",
        ],
    );
}
