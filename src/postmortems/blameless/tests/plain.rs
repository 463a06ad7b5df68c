//! Blame told plainly: name-calling, verdicts without the usual words, and a contributing
//! factor that is only a person.

use super::*;

/// Name-calling and verdicts told without the usual words are heard; the same words said
/// of a system, or in fairness, are not.
#[test]
fn insults_and_plain_verdicts_are_heard() {
    for (text, rule) in [
        (
            "Facilities switched off the AC in the server room, idiots.",
            "judgement",
        ),
        ("Thiago deployed hungover on Monday morning.", "judgement"),
        (
            "The DevOps guy changed the load balancer config on a whim.",
            "judgement",
        ),
        (
            "The on-call engineer went to bed with the pager on silent.",
            "judgement",
        ),
        (
            "The DNS outage happened under Claire's watch.",
            "person-as-cause",
        ),
        (
            "she shouldve known better than to run that script on the live db",
            "hindsight",
        ),
        (
            "Our art teacher ignored the policy and installed software on the suite PCs.",
            "omission",
        ),
        (
            "Hamza, the weekend on-call, was our weakest link.",
            "judgement",
        ),
        (
            "Astrid merged at 5:55pm on a Friday, enough said.",
            "judgement",
        ),
        (
            "Payouts waited two days while finance argued about whose problem it was.",
            "judgement",
        ),
    ] {
        assert_eq!(only(text).0, rule, "{text:?}");
    }
    for text in [
        "The signup form is now idiot-proof: it rejects an empty email.",
        "The status page lied: it showed green while checkout was down.",
        "The retry storm failed us: every client hammered the API at once.",
        "Responsibility for the follow-up actions rests with the network team lead, as listed below.",
        "It was Olu who first spotted that the certificates had the wrong SAN entries.",
        "Inès was the last person to edit the wallet config; her change is unrelated to the outage.",
        "We don't blame anyone for clicking; the email was very convincing.",
        "The naive retry loop hammered the API.",
        "tbh the dashboard was so noisy that nobody could have picked the payment errors out of it",
        // "Failed over" is a failover, not a failure, to the model as to the rules.
        "The on-call engineer failed over because the reconciler stalled.",
        // The review's near misses of this session's phrases.
        "Priya deployed to staging for a smoke test.",
        "The weakest link was the single NAT gateway.",
        "Once the incident commander took over, the bridge was stable.",
        "The HSM will sign whatever the build agent sends.",
    ] {
        none(text);
    }
}

/// A contributing factor that is a person and nothing more points at them; a name given a
/// role in the response, or people who restored service, does not.
#[test]
fn a_factor_that_is_only_a_person_is_heard() {
    factor_heard_and_left(
        &[
            "Ravi",
            "The DBA",
            "Sub-editor on duty that night",
            "The new hire on the billing team",
            "Hiroshi's cron job",
        ],
        &[
            "Incident commander: Chidi; comms lead: Fatima",
            // Alice is one of the org's people (`{person}`), not only a name-like word.
            "Scribe: Alice",
            "Comms lead: Alice",
            "Dana, who led the response",
            "Fatigue after a 14-hour incident shift",
            "Alice paged at 4am after a full day shift.",
            "Inès and Lars restored the DB from snapshot",
            "Missing runbook",
        ],
    );
}

/// A site's own roles are people ("the signaller", "the shotfirer"), and what they are
/// said to have been doing instead of their work is heard.
#[test]
fn a_sites_roles_and_distractions_are_heard() {
    heard_and_left(
        &[
            "The driller was watching football on his phone instead of the trip tank.",
            "The crossing keeper had gone out for a smoke with the barriers up.",
            "The supervisor signs whatever is put in front of him.",
            "The toolpusher signed the hot work permit without ever walking out to the wellbay.",
            "That is the third derailment in the yard since Bob became depot supervisor.",
        ],
        &[
            "The signaller held the train at the red aspect until the section was clear.",
            "The camera was watching the yard gate when the barrier lifted.",
            "Since Dana joined, the team has run a game day every quarter.",
        ],
    );
}

/// A job of any trade is a person ("the signaller", "the head chef"); a word that also
/// names a program ("the driver", "the controller", a Chef run) is left to be a system.
#[test]
fn jobs_across_trades_are_people_and_programs_are_not() {
    heard_and_left(
        &[
            "The signaller should have held the train.",
            "The night sister should have escalated the early warning score.",
            "Porter too busy chatting in the lift lobby to bring the gas sample up.",
            "The postdoc clearly let things slide while she was writing up.",
        ],
        &[
            "The driver should have retried the connection after the timeout.",
            "The controller should have reconciled the replica count.",
            "The chef run failed on two hosts because the cookbook pinned an old version.",
            "The registrar rejected the domain renewal because the card on file had expired.",
            // A title's full stop ends no sentence: "The on-call pharmacist, Mr" is no
            // sentence of its own for the model to judge.
            "The on-call pharmacist, Mr. Amankwah, identified the dosing discrepancy during the \
             verification step at 21:15 and contacted the ward before the second dose was due.",
        ],
    );
}

/// A factor that tells what a person was doing names them as its cause, whatever the act
/// ("Kofi leaving tickets in progress", a role before the name, a hyphenated name); what
/// they did in the response, the conditions they worked in, a one-person dependency and a
/// compound word are no finding.
#[test]
fn a_factor_telling_what_someone_was_doing_is_heard() {
    factor_heard_and_left(
        &[
            "Kofi leaving tickets 'In progress' for days with no update",
            "Hyun-woo muting the queue alert",
            "Crane operator Bilal slewing without the signaller's instruction",
            "Agile coach not surfacing dependency risks in retros",
            "Contact centre agents skipping the security questions",
            "Night staff chatting instead of watching the monitors",
            "On-call engineer not noticing the disk alert for 40 minutes",
            "Kofi skipping the canary because it was only a config change",
        ],
        &[
            "Björn taking over comms",
            // A person the org knows (Alice) is matched by `{person}`, which lets the same
            // response and conditions go.
            "Alice taking over comms",
            "Alice stepping in as incident commander",
            "Lars covering two rotations",
            "Lars and Chen pairing on the restore shortened recovery",
            "A single person holding the production rollback permission",
            "Customer-facing date agreed before an engineering estimate existed",
            "No reviewer routing for concurrency-sensitive modules",
            "Priya notifying customers via the status page",
            "DBA verifying each restored shard by hand",
            "Developer tooling lacking a dry-run mode",
            "Hermes-svc retrying every 50 ms without backoff",
            "The controller overwriting her manual scale-up every 30 seconds",
            "The monitoring agent skipping hosts it could not resolve",
            "Ravi noticing the queue depth and paging the DBA",
        ],
    );
}

/// "Thanks to" a person is sarcasm when the sentence says what was late; and thanks when it
/// was only a little late, or someone stayed late, or nothing was lost.
#[test]
fn thanks_for_a_delay_is_heard() {
    heard_and_left(
        &["The delivery was two days late thanks to Dmitri."],
        &[
            "The delivery was only a day late thanks to Dmitri rerouting the vans.",
            "Thanks to Ana staying late, the patch went out before the morning peak.",
            "Thanks to Mei, no data was lost.",
            "Thanks to Kofi's runbook, the backlog was gone within ten minutes.",
        ],
    );
}

/// A consequence for one person told as the review's outcome singles them out; a person
/// sent home to rest, or a rule for every deploy, does not.
#[test]
fn a_consequence_for_one_person_is_heard() {
    heard_and_left(
        &[
            "Lucía was moved to another squad after the onboarding test flopped.",
            "Tariq now needs a second approver on every PR after what happened this sprint.",
            "Hiroshi was sent home for the rest of the week after the dropped load.",
            "Siobhan was moved off the crane rota after the lift.",
        ],
        &[
            "Ravi was sent home to rest after a 14-hour shift.",
            "All deploys now need a second approver.",
            "Every engineer now needs a second approver for production database changes.",
            "Warehouse staff were sent home while the WMS was down.",
            "The only engineer who knew the billing cron was moved to another team after the \
             Q3 reorg.",
            "Ana was moved to another team in March, before the incident.",
        ],
    );
}

/// A formal review's euphemisms blame as plainly as a curse ("Non-adherence to the change
/// procedure by the implementing engineer"); the same words of a process or a system do not.
#[test]
fn a_formal_reviews_euphemisms_are_heard() {
    heard_and_left(
        &[
            "Non-adherence to the change procedure by the implementing engineer.",
            "It is the view of this review that the implementer did not apply sufficient rigour.",
            "Owing to an oversight by the change coordinator, the business units were not notified.",
            "The change requester misled the CAB regarding the level of testing completed.",
            "Confidence in the Wintel resolver group has been diminished by this incident.",
            "Going forward, failure to follow procedure will not be tolerated.",
        ],
        &[
            "Non-adherence to the retention policy was found in three storage buckets.",
            "The dashboard misled the on-call: its latency panel averaged over an hour.",
            "Oversight of the change calendar moves to the release manager next quarter.",
            "Non-compliance with the payment provider's TLS 1.2 requirement caused the \
             handshake failures.",
            "Clock skew beyond five minutes will not be tolerated, so the logins failed.",
        ],
    );
}

/// The roles of ports, ramps and trams are people ("the bosun", "the tram driver", "the
/// load controller"); a bare "controller" or "driver" stays a program.
#[test]
fn transport_roles_are_people() {
    heard_and_left(
        &[
            "The bosun should have foreseen that the line would part under that load.",
            "The tram driver clearly ignored the speed board at the curve.",
            "Load controller rushing the final figures without a cross-check.",
            // A word that names a program too is a person when the sentence opens with
            // it and then calls it "he" or "she".
            "The driver chose to read his messages at the red signal and moved off.",
        ],
        &[
            "The controller froze and did nothing until the leader election timed out.",
            "The tram driver held at the platform until the points were proved.",
            "Ravi updated the GPU driver and he rebooted the node.",
            "The driver skipped the retry, so its connection pool drained and she paged the DBA.",
        ],
    );
}

/// Chat drops the apostrophe of "didn't" and its kin; the rules read the word as if it were
/// there, of a person and of a job alike.
#[test]
fn a_contraction_without_its_apostrophe_is_read() {
    heard_and_left(
        &[
            "obv bilal didnt bother to check if the index existed first",
            "someone wasnt careful enough with the rollout percentage",
        ],
        &["the job didnt run because the cron was off"],
    );
}

/// Staffing and load named in a contributing factor are conditions, though they name a
/// role doing something; the role's own choice is still heard.
#[test]
fn staffing_and_load_in_a_factor_are_conditions() {
    factor_heard_and_left(
        &["Night supervisor choosing to send the crew home early"],
        &[
            "One licensed engineer supervising nine mechanics on nights",
            "Pharmacist screening double the usual number of charts",
            "Duty manager covering two sites on the same shift",
            "Rota spreading one superintendent pharmacist across three branches",
        ],
    );
    assert_eq!(
        factors("Night supervisor choosing to send the crew home early").len(),
        1
    );
    // "sit on the ticket" is sitting on it; "sites on the" is not.
    assert_eq!(hits("Ravi sat on the ticket for a week.").len(), 1);
    assert_eq!(hits("Ravi sits on the ticket for a week.").len(), 1);
}

/// A step not taken, with the reason that made it reasonable after it, is a finding about
/// that reason; the same reason before another person's omission clears nothing.
#[test]
fn a_step_not_taken_for_a_stated_reason_is_left() {
    heard_and_left(
        &[
            "The forms were never printed because the charge nurse didn't think the notice applied to her ward.",
            "Fatima did not escalate the deterioration and went on break.",
        ],
        &[
            "Fatima did not escalate the patient's deterioration because the early-warning score stayed below the threshold.",
            "Omar didn't check the replica because there was no alert on it.",
        ],
    );
}
