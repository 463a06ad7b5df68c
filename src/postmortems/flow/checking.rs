//! The blameless findings of a post-mortem: every text checked against the rules with the
//! organization's people (indexed once per change-log head), each finding located with some
//! context and matched against the dismissals.

use std::sync::Arc;

use super::super::blameless::{Finding, People, PersonRef, Rules};
use super::super::model::{Postmortem, PostmortemInput, Text};
use super::super::repo::{self, Dismissal};
use crate::db::AnyConnection;
use crate::error::AppResult;
use crate::org::cache::OrgView;
use crate::state::AppState;

/// Everyone the checker should recognise when people are named as the cause.
pub fn people(org: &OrgView) -> Vec<PersonRef> {
    org.snap
        .people
        .iter()
        .map(|p| PersonRef {
            username: p.username.clone(),
            display_name: p.display_name.clone(),
        })
        .collect()
}

/// One finding in a post-mortem: where it is and, when dismissed, why.
#[derive(Debug, Clone)]
pub struct Located {
    pub field: &'static str,
    pub label: String,
    pub finding: Finding,
    /// Up to a few words either side of the phrase.
    pub before: String,
    pub after: String,
    pub dismissed: Option<Dismissal>,
}

/// The organization's people indexed for the checker, kept until the change log moves on
/// (indexing a thousand people costs most of a millisecond; checking a page's texts less).
pub type PeopleCache = crate::db::head_cache::HeadCache<People>;

/// The indexed people of `org` (read at the same change-log head).
pub fn known(
    conn: &mut AnyConnection,
    cache: &PeopleCache,
    org: &OrgView,
) -> AppResult<Arc<People>> {
    cache.get(conn, (), |_| Ok(People::new(&people(org))))
}

/// Findings of every text of `input`: the open ones and the dismissed ones.
pub fn findings(
    rules: &Rules,
    input: &PostmortemInput,
    people: &People,
    dismissals: &[Dismissal],
) -> (Vec<Located>, Vec<Located>) {
    findings_in(rules, &input.texts(), people, dismissals)
}

/// Findings of `texts` (a saved post-mortem's, or a form's as typed): the open ones and the
/// dismissed ones.
pub fn findings_in(
    rules: &Rules,
    texts: &[Text<'_>],
    people: &People,
    dismissals: &[Dismissal],
) -> (Vec<Located>, Vec<Located>) {
    let (mut open, mut dismissed) = (Vec::new(), Vec::new());
    for t in texts {
        let chars: Vec<char> = t.text.chars().collect();
        for f in rules.check_known(t.text, t.place, people) {
            let before: String = chars[f.start.saturating_sub(40)..f.start].iter().collect();
            let after: String = chars[f.end..(f.end + 40).min(chars.len())].iter().collect();
            let d = dismissals
                .iter()
                .find(|d| {
                    d.field == t.field
                        && d.rule == f.rule
                        && d.phrase == repo::normal_phrase(&f.phrase)
                })
                .cloned();
            let located = Located {
                field: t.field,
                label: t.label.clone(),
                finding: f,
                before: trim_start_word(&before),
                after: trim_end_word(&after),
                dismissed: d,
            };
            if located.dismissed.is_some() {
                dismissed.push(located);
            } else {
                open.push(located);
            }
        }
    }
    (open, dismissed)
}

/// Context cut at a word boundary, with an ellipsis where it was cut.
fn trim_start_word(s: &str) -> String {
    if s.chars().count() < 40 {
        return s.to_string();
    }
    match s.find(char::is_whitespace) {
        Some(i) => format!("…{}", &s[i..]),
        None => s.to_string(),
    }
}

fn trim_end_word(s: &str) -> String {
    if s.chars().count() < 40 {
        return s.to_string();
    }
    match s.rfind(char::is_whitespace) {
        Some(i) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Open findings of a saved post-mortem (for the publishing gate).
pub fn open_findings(
    conn: &mut AnyConnection,
    state: &Checker,
    org: &OrgView,
    pm: &Postmortem,
) -> AppResult<Vec<Located>> {
    let dismissals = repo::dismissals(conn, pm.id)?;
    let people = known(conn, &state.people, org)?;
    Ok(findings(&state.rules, &pm.input, &people, &dismissals).0)
}

/// What checking needs: the rules and the cache of indexed people (cheap to clone).
#[derive(Clone)]
pub struct Checker {
    pub rules: Arc<Rules>,
    pub people: Arc<PeopleCache>,
}

impl Checker {
    pub fn of(state: &AppState) -> AppResult<Checker> {
        Ok(Checker {
            rules: state.part::<Rules>()?,
            people: state.part::<PeopleCache>()?,
        })
    }

    /// Open and dismissed findings of `input` (on a blocking thread).
    pub fn findings(
        &self,
        conn: &mut AnyConnection,
        org: &OrgView,
        input: &PostmortemInput,
        dismissals: &[Dismissal],
    ) -> AppResult<(Vec<Located>, Vec<Located>)> {
        self.findings_in(conn, org, &input.texts(), dismissals)
    }

    /// Open and dismissed findings of `texts` (on a blocking thread).
    pub fn findings_in(
        &self,
        conn: &mut AnyConnection,
        org: &OrgView,
        texts: &[Text<'_>],
        dismissals: &[Dismissal],
    ) -> AppResult<(Vec<Located>, Vec<Located>)> {
        let people = known(conn, &self.people, org)?;
        Ok(findings_in(&self.rules, texts, &people, dismissals))
    }
}
