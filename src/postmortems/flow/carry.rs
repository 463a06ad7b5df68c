//! Dismissals carried over when the blameless rules change. A dismissal is keyed by field,
//! rule and phrase; a new fika or an admin's new rule file may hear the same blame under
//! another rule (a phrase moved from `counterfactual` to `omission`) or as a longer phrase
//! ("should have been run" where "should have" was dismissed). So at start-up, when the rules
//! differ from those the dismissals were last carried for, every finding that an existing
//! dismissal in the same field covers gets a dismissal of its own, with that dismissal's
//! reason, author and time: no finding dismissed on a published post-mortem comes back.
//! Nothing is removed, so going back to the earlier rules loses nothing either.

use super::super::blameless::{People, PersonRef, Rules};
use super::super::repo;
use super::checking::findings;
use crate::db::AnyConnection;
use crate::error::AppResult;

/// The `site_meta` key holding the fingerprint of the rules last carried for.
const CARRIED_FOR: &str = "blameless_rules";

/// Carries dismissals over to `rules` unless that was done for these rules already; returns
/// how many dismissals were added. Safe to run on several instances at once: an added
/// dismissal that exists already is skipped.
pub fn carry_dismissals(conn: &mut AnyConnection, rules: &Rules) -> AppResult<usize> {
    if crate::db::site_meta(conn, CARRIED_FOR)?.as_deref() == Some(rules.fingerprint()) {
        return Ok(0);
    }
    let everyone: Vec<PersonRef> = crate::people::repo::all(conn)?
        .into_iter()
        .map(|p| PersonRef {
            username: p.username.to_string(),
            display_name: p.display_name,
        })
        .collect();
    let known = People::new(&everyone);
    let mut added = 0;
    for id in repo::with_dismissals(conn)? {
        let pm = repo::get(conn, id)?;
        let old = repo::dismissals(conn, id)?;
        let (open, _) = findings(rules, &pm.input, &known, &old);
        for f in open {
            let key = repo::normal_phrase(&f.finding.phrase);
            if let Some(d) = old
                .iter()
                .find(|d| d.field == f.field && covers(&d.phrase, &key))
                && repo::carry(conn, id, f.field, &f.finding.rule, &key, d)?
            {
                added += 1;
            }
        }
    }
    crate::db::set_site_meta(conn, CARRIED_FOR, rules.fingerprint())?;
    if added > 0 {
        tracing::info!(
            added,
            "blameless dismissals carried over to the current rules"
        );
    }
    Ok(added)
}

/// Whether a dismissed phrase and a finding's phrase are the same words or one holds the
/// other as whole words ("should have" and "should have been run").
fn covers(dismissed: &str, finding: &str) -> bool {
    let padded = |s: &str| format!(" {s} ");
    padded(finding).contains(&padded(dismissed)) || padded(dismissed).contains(&padded(finding))
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn a_dismissal_covers_the_same_words_or_a_longer_phrase_holding_them() {
        assert!(covers("should have", "should have"));
        assert!(covers("should have", "should have been run"));
        assert!(covers("alice's fault", "alice's"));
        assert!(!covers("should have", "could have"));
        assert!(!covers("have", "behave well"));
    }
}
