//! Matching: every place in the tokens where a phrase of an applicable rule matches, found by
//! looking each token up in the rule table and comparing the phrase's elements from there.

use super::people::People;
use super::table::Elem;
use super::tokens::{Tok, is_possessive};
use super::{Place, Rules};

/// A match: (start token, end token exclusive, phrase).
pub(super) type Match = (usize, usize, usize);

impl Rules {
    /// Every match of a phrase whose rule applies in `place`, overlapping ones included, in
    /// order of start token.
    pub(super) fn matches(&self, toks: &[Tok], place: Place, people: &People) -> Vec<Match> {
        let in_factors = place == Place::ContributingFactors;
        let applies = |p: usize| !self.rules[self.phrases[p].rule].factors_only || in_factors;

        let mut found: Vec<Match> = Vec::new();
        for i in 0..toks.len() {
            let mut try_phrase = |p: usize| {
                if applies(p) {
                    let ph = &self.phrases[p];
                    if let Some(end) =
                        self.match_elems(&ph.elems, toks, i, true, people, ph.pronouns)
                    {
                        found.push((i, end, p));
                    }
                }
            };
            if let Some(ps) = self.by_word.get(toks[i].lower.as_str()) {
                ps.iter().for_each(|&p| try_phrase(p));
            }
            if !self.possessive_start.is_empty() && is_possessive(&toks[i].lower) {
                self.possessive_start.iter().for_each(|&p| try_phrase(p));
            }
            if !self.person_start.is_empty() && people.could_start(&toks[i]) {
                self.person_start.iter().for_each(|&p| try_phrase(p));
            }
        }
        found
    }

    /// The end (exclusive token index) of a match of `elems` starting at token `i`.
    fn match_elems(
        &self,
        elems: &[Elem],
        toks: &[Tok],
        i: usize,
        first: bool,
        people: &People,
        pronouns: bool,
    ) -> Option<usize> {
        let Some((elem, rest)) = elems.split_first() else {
            return Some(i);
        };
        let tok = toks.get(i)?;
        if !first && !tok.joined {
            return None;
        }
        match elem {
            Elem::Word(forms) => {
                if forms.contains(tok.lower.as_str()) {
                    self.match_elems(rest, toks, i + 1, false, people, pronouns)
                } else {
                    None
                }
            }
            Elem::Possessive => {
                if is_possessive(&tok.lower) {
                    self.match_elems(rest, toks, i + 1, false, people, pronouns)
                } else {
                    None
                }
            }
            Elem::Person => people
                .ends(toks, i, pronouns)
                .into_iter()
                .find_map(|end| self.match_elems(rest, toks, end, false, people, pronouns)),
        }
    }
}
