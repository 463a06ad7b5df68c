//! Blame in a formal report's register, and people no list of roles names.

use super::*;

/// What only people do (paying attention, bothering, chatting) is said of a person even
/// when the noun is a trade's role the lists lack; a known thing stays a thing.
#[test]
fn what_only_people_do_is_said_of_someone() {
    heard_and_left(
        &[
            "The roughneck on the drill floor was not paying attention.",
            "The permit issuer was too busy chatting in the crib room to check the isolation points.",
            "Roustabouts were messing about on the pipe deck.",
        ],
        &[
            "The script didn't bother to check exit codes.",
            // "We" is the team owning the outcome.
            "We got distracted by a second, unrelated page.",
        ],
    );
}

/// A trade's role is a person by its ending ("pumpman", "electrician", "machinist"); a
/// list ("allowlist", "playlist") is not.
#[test]
fn a_role_is_known_by_its_ending() {
    heard_and_left(
        &[
            "The pumpman did not follow the line-up checklist.",
            "The electricians didn't bother to isolate the panel.",
            "The machinist forgot to fit the guard.",
        ],
        &[
            "The allowlist did not check the new subnet.",
            "The playlist did not check the file format.",
        ],
    );
}

/// A report to a board or a regulator blames in its own words: a question told as a
/// statement, a rhetorical "is it unreasonable", proof, motive, and what was done to the
/// person. The same shapes said of a system are left alone.
#[test]
fn a_formal_reports_verdicts_are_heard() {
    heard_and_left(
        &[
            "Why the Duty Manager left the floor unattended has not been satisfactorily \
             explained.",
            "Is it unreasonable to expect an engineer with four years' experience to \
             recognise a full disk?",
            "The vendor cannot be relied upon to manage change, and this incident proves it.",
            "The Engineering Manager scheduled the migration during the holiday party, with \
             entirely predictable results.",
            "The Database Administrator has since been reassigned to a non-production role.",
            "It was at the express instruction of the VP of Sales that the window was \
             cancelled, and the servers were compromised.",
            "The Support Engineer, wishing to placate the client, granted an exemption from \
             rate limiting.",
            "The Head of Infrastructure took no action.",
            "It was an oversight by the change coordinator.",
        ],
        &[
            "Why the alert did not fire has not been explained.",
            "Customers were able to check out without having to log in again.",
            "At the behest of the security team, TLS 1.0 was disabled on all load balancers.",
            "The runbook has since been revised.",
            "The certificate was left to expire because renewal was manual.",
            "The metric cannot be relied on during failover.",
            // "Oversight" as supervision.
            "Action item: add oversight by the platform team.",
        ],
    );
}

/// A factor that gives a role in the response and a name ("Incident commander: Lars") is
/// not a cause; the role doing something is.
#[test]
fn a_response_role_and_its_name_are_not_a_cause() {
    factor_heard_and_left(
        &[
            "Incident commander delayed the rollback",
            "Bogdan overrode the incident commander",
        ],
        &[
            "Incident commander: Alice",
            "Facilitator: Chidi",
            "Incident lead: Alice Andersson",
        ],
    );
}

/// "The driver" and "the controller" name programs in our field and people on a road or a
/// railway: the sentence's other words tell which, and a word of software ("job",
/// "kernel") leaves them programs.
#[test]
fn a_driver_at_a_junction_is_a_person() {
    heard_and_left(
        &[
            "The driver ignored the red signal at the junction.",
            "The night controllers ignored the radio calls from the train crew.",
        ],
        &[
            "The driver ignored the retry setting after the kernel upgrade.",
            "The controller ignored the annotation on the pods.",
            "The Spark driver didn't bother to retry the failed stage.",
            "The sync agent skipped patients whose records were locked by another session.",
            "The BDR ignored the hello packets from the new router.",
        ],
    );
}

/// Blame by arrival, by responsibility borne, by trouble not taken, and by what a
/// person's review now holds; a chief revenue officer is a person. The same words in credit
/// or of a field are left alone.
#[test]
fn arrivals_burdens_and_sales_roles_are_heard() {
    heard_and_left(
        &[
            "Matters deteriorated markedly once the contractor's engineer became involved in \
             the recovery.",
            "Mr Diego Fernández is considered by the review team to bear primary \
             responsibility for the incident.",
            "The elections officer could not be troubled to check the distribution list.",
            "No one in the procurement team took the trouble to check the supplier's hosting.",
            "Stefan's performance plan now includes this incident.",
            "The release manager waved the build through because the demo was the next \
             morning.",
            "The CRO forgot to send the renewal.",
        ],
        &[
            "Dana took the trouble to write a runbook for the failover.",
            "Dana became involved at 14:05 and restored the service.",
            "The AE field was empty.",
            "The service was stable until the cache expired.",
        ],
    );
}

/// A utility's report to its regulator and a ward's or a school's notes: the cause told as
/// a person's doing, insinuation ("Draw your own conclusions"), sarcasm, motive, and what
/// was taken from the person. Said of a system, or meant kindly, they are left alone.
#[test]
fn doings_insinuations_and_sarcasm_are_heard() {
    heard_and_left(
        &[
            "The transmission outage was entirely the doing of the commissioning engineer.",
            "The interruption was brought about by the field technician, who closed the \
             breaker early.",
            "The incident could be traced in its entirety to the actions of one field \
             technician.",
            "Three outages this quarter, and Ricardo was on call for all three. Draw your own \
             conclusions.",
            "Can we get someone other than Felix on call next week?",
            "Nice one Sophie, the whole EU region is down.",
            "Patient transport was late because the porter stopped for a chat on the way.",
            "The nurse on bay 4 was on her phone when the monitor alarmed.",
            "Ahmed's access to the release pipeline has been revoked pending a review.",
            "It was the contractor, and not any deficiency in the asset, that caused the burst.",
        ],
        &[
            "The failover was the doing of the orchestrator, as designed.",
            "Nice one Sophie, the runbook is much clearer now.",
            "Oversight of the vendor was traced to the contract's terms.",
        ],
    );
}

/// A report doubts a person's word: their account cannot be reconciled with the record, or
/// the panel did not find them a credible witness. An account the record bears out, a gap
/// explained, a user's account in a system, or the word of a system is no finding.
#[test]
fn a_persons_word_doubted_is_heard() {
    heard_and_left(
        &[
            "Theresa's version of events has changed twice since Monday.",
            "The night carer's account of hourly checks cannot be reconciled with the door sensor data.",
            "The panel did not find Mr Tanaka a credible witness.",
            "The explanation offered by Jonas is not borne out by the logs.",
        ],
        &[
            "Ana's account of the timeline is corroborated by the logs.",
            "The dashboard's account of the error rate was contradicted by the raw logs.",
            "The user's account balance was inconsistent with the ledger after the migration.",
            "Kenji's recollection and the logs are hard to reconcile because the logs are in UTC.",
            "Ana states the runbook contradicts the vendor guide on step four.",
            "The panel found Mr Tanaka a credible and careful witness.",
        ],
    );
}

/// Guessing who ("we can all guess who left the flag on") points at a person without a
/// name. Other insinuation ("it's no coincidence that…") reads as credit as often as blame
/// and is left to the model.
#[test]
fn guessing_who_is_heard() {
    heard_and_left(
        &[
            "We can all guess who left the flag on.",
            "No prizes for guessing who left the flag on.",
        ],
        &[
            "It's no coincidence that the errors started with the 14:02 deploy.",
            "It's no coincidence that the fastest recovery came the week after Priya rewrote the runbook.",
            "I expect more from our processes, and from myself as the person who signs them off.",
        ],
    );
}

/// A record made to say what did not happen, or a person's word that a record contradicts,
/// lays dishonesty on them; an experiment that falsified its hypothesis, a rule about
/// backdating, and a metric that tells a different story from another are findings.
#[test]
fn a_record_against_someones_word_is_heard() {
    heard_and_left(
        &[
            "Marta backdated the reconciliation so nobody would spot the gap.",
            "Siobhan told the investigators the harness was clipped on; the CCTV tells a different story.",
            "Ashok edited the Jira timestamps after the fact.",
            "The support worker had falsified the fluid balance chart.",
        ],
        &[
            "Our experiment falsified the hypothesis that users want dark mode.",
            "The handbook's guidance on backdating contradicts the policy.",
            "The averages looked fine; the p99 tells a different story.",
            "Emergency change process allows approval up to 24 hours after the fact.",
            "Kemi corrected the timestamps after the sync job shifted them, and noted it in the log.",
            "The EHR allows clinicians to backdate a note to the encounter time.",
            "Sofia backdated the inspection record to the day the inspection took place, since the tablet was offline.",
        ],
    );
    // With a rewrite of its own: the records side by side, no verdict.
    let rewrite = suggestion("Marta backdated the reconciliation so nobody would spot the gap.");
    assert!(
        rewrite.starts_with("Set out what each record shows"),
        "{rewrite}"
    );
}
