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
        &["The script didn't bother to check exit codes."],
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
             cancelled.",
            "The Support Engineer, wishing to close the ticket quickly, patched the replica \
             directly.",
            "The Head of Infrastructure took no action.",
            "It was an oversight by the change coordinator.",
        ],
        &[
            "Why the alert did not fire has not been explained.",
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
        &["Incident commander delayed the rollback"],
        &[
            "Incident commander: Alice",
            "Facilitator: Chidi",
            "Incident lead: Alice Andersson",
        ],
    );
}
