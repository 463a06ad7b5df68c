//! Findings: of the matches, the ones kept (no two overlapping), with the phrase as written,
//! its character offsets, and the rule's reason and suggestion.

use serde::Serialize;

use super::Rules;
use super::matching::Match;
use super::normal::Normal;
use super::tokens::Tok;

/// One finding. `start`/`end` are character offsets (Unicode scalar values, not bytes) into
/// the checked text as typed (before normalisation), `end` exclusive; `phrase` is the text
/// as written there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Finding {
    pub rule: String,
    #[serde(skip)]
    pub rule_name: String,
    pub phrase: String,
    pub start: usize,
    pub end: usize,
    pub reason: String,
    pub suggestion: String,
    /// Of a rule that points at a person (a name as the cause, in the factors): at review it
    /// is rewritten, or dismissed with a reason by the reviewer; never accepted in bulk.
    pub points_at_person: bool,
}

impl Rules {
    /// The findings of `found` in `text`: in order of start, and of overlapping matches the
    /// earlier-starting wins, then the longer, then the rule listed first.
    pub(super) fn findings(
        &self,
        text: &str,
        normal: &Normal,
        toks: &[Tok],
        mut found: Vec<Match>,
    ) -> Vec<Finding> {
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));

        let mut out = Vec::new();
        let mut taken_to = 0; // first token not covered by a kept finding
        for (s, e, p) in found {
            if s < taken_to {
                continue;
            }
            taken_to = e;
            let ph = &self.phrases[p];
            let rule = &self.rules[ph.rule];
            let (from, to) = (
                normal.origin[toks[s].start],
                normal.origin[toks[e - 1].end - 1],
            );
            out.push(Finding {
                rule: rule.id.clone(),
                rule_name: rule.name.clone(),
                phrase: text[from.bytes.0..to.bytes.1].to_string(),
                start: from.chars.0,
                end: to.chars.1,
                reason: ph.reason.clone().unwrap_or_else(|| rule.reason.clone()),
                suggestion: ph
                    .suggestion
                    .clone()
                    .unwrap_or_else(|| rule.suggestion.clone()),
                points_at_person: rule.points_at_person,
            });
        }
        out
    }
}
