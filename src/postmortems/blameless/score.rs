//! How well the rules hear blame: a labelled set of sentences (JSON Lines, one
//! `{"label": "blame"|"ok", "place": "anywhere"|"factors", "text": …}` per line; other keys
//! are kept for the reader) checked sentence by sentence, with precision and recall. A
//! sentence counts as flagged when it has at least one finding.

use serde::Deserialize;

use super::{Finding, People, PersonRef, Place, Rules};

/// One labelled sentence.
#[derive(Debug, Clone, Deserialize)]
pub struct Labelled {
    pub label: Label,
    #[serde(default = "anywhere")]
    pub place: LabelledPlace,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Blame,
    Ok,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelledPlace {
    Anywhere,
    Factors,
}

fn anywhere() -> LabelledPlace {
    LabelledPlace::Anywhere
}

/// Reads a labelled set; an error names the line.
pub fn parse_labelled(text: &str) -> Result<Vec<Labelled>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// The people a labelled set is checked against: `username Display Name`, one per line
/// (`#` starts a comment).
pub fn parse_people(text: &str) -> Result<Vec<PersonRef>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((user, name)) => Ok(PersonRef {
                username: user.to_string(),
                display_name: name.trim().to_string(),
            }),
            None => Err(format!("\"{l}\" is not `username Display Name`")),
        })
        .collect()
}

/// A sentence the rules judged differently from its label.
#[derive(Debug, Clone)]
pub struct Miss {
    pub sentence: Labelled,
    pub findings: Vec<Finding>,
}

/// The counts of one run over a labelled set.
#[derive(Debug, Clone, Default)]
pub struct Score {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub true_negatives: usize,
    /// Blame not heard, then blameless sentences flagged.
    pub misses: Vec<Miss>,
}

impl Score {
    /// Of the sentences flagged, the share labelled blame (1 when none was flagged).
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Of the sentences labelled blame, the share flagged (1 when there were none).
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Checks every sentence of `set` and counts.
pub fn score(rules: &Rules, people: &People, set: &[Labelled]) -> Score {
    let mut s = Score::default();
    let mut false_alarms = Vec::new();
    for sentence in set {
        let place = match sentence.place {
            LabelledPlace::Anywhere => Place::Anywhere,
            LabelledPlace::Factors => Place::ContributingFactors,
        };
        let findings = rules.check_known(&sentence.text, place, people);
        let flagged = !findings.is_empty();
        let miss = || Miss {
            sentence: sentence.clone(),
            findings: findings.clone(),
        };
        match (sentence.label, flagged) {
            (Label::Blame, true) => s.true_positives += 1,
            (Label::Ok, false) => s.true_negatives += 1,
            (Label::Blame, false) => {
                s.false_negatives += 1;
                s.misses.push(miss());
            }
            (Label::Ok, true) => {
                s.false_positives += 1;
                false_alarms.push(miss());
            }
        }
    }
    s.misses.extend(false_alarms);
    s
}
