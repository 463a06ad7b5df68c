//! Matching: every place in the tokens where a phrase of an applicable rule matches, found by
//! looking each token up in the rule table and comparing the phrase's elements from there;
//! then the phrase's conditions (the word after it, whom it is said of).

use super::acts::{doing, past_act};
use super::rule_file::SubjectSpec;
use super::subject::{Context, Who};
use super::table::{Cues, Elem, Phrase};
use super::tokens::{Tok, answered, is_possessive, sentence_around};
use super::{Place, Rules};

/// A match: (start token, end token exclusive, phrase).
pub(super) type Match = (usize, usize, usize);

/// Words that may stand between the words of a phrase without breaking it ("could simply
/// have", "should never have").
const INSERTABLE: &[&str] = &[
    "never", "even", "also", "still", "really", "just", "ever", "simply", "total", "complete",
    "utter", "once",
];

fn insertable(t: &Tok) -> bool {
    let l = t.lower.as_str();
    INSERTABLE.contains(&l) || (l.len() > 4 && l.ends_with("ly") && !l.ends_with("ply"))
}

impl Rules {
    /// Every match of a phrase whose rule applies in `place`, overlapping ones included, in
    /// order of start token.
    pub(super) fn matches(&self, cx: &Context, place: Place) -> Vec<Match> {
        let in_factors = place == Place::ContributingFactors;
        let applies = |p: usize| !self.rules[self.phrases[p].rule].factors_only || in_factors;
        let toks = cx.toks;

        let mut found: Vec<Match> = Vec::new();
        let mut joined_word = String::new();
        for i in 0..toks.len() {
            if toks[i].quoted {
                continue;
            }
            let mut try_phrase = |p: usize| {
                if !applies(p) {
                    return;
                }
                let ph = &self.phrases[p];
                // The longest match only: a shorter one inside it ("Alice" of "Alice
                // Andersson paged…") must not stand in for a match that does not hold.
                let ends = self.match_elems(&ph.elems, cx, i, true, ph.pronouns);
                if let Some(&end) = ends.iter().max()
                    && self.holds(ph, cx, i, end)
                {
                    found.push((i, end, p));
                }
            };
            if let Some(ps) = self.by_word.get(toks[i].lower.as_str()) {
                ps.iter().for_each(|&p| try_phrase(p));
            }
            if let Some(next) = toks.get(i + 1).filter(|t| t.zero_width) {
                joined_word.clear();
                joined_word.push_str(&toks[i].lower);
                joined_word.push_str(&next.lower);
                if let Some(ps) = self.by_word.get(joined_word.as_str()) {
                    ps.iter().for_each(|&p| try_phrase(p));
                }
            }
            if !self.possessive_start.is_empty() && is_possessive(&toks[i].lower) {
                self.possessive_start.iter().for_each(|&p| try_phrase(p));
            }
            if !self.person_start.is_empty() && cx.people.could_start(&toks[i]) {
                self.person_start.iter().for_each(|&p| try_phrase(p));
            }
            if !self.act_start.is_empty() && past_act(&toks[i].lower) {
                self.act_start.iter().for_each(|&p| try_phrase(p));
            }
            // One look at whether a person is named here, for all such phrases.
            if !self.someone_start.is_empty()
                && cx.could_name_someone(i)
                && !cx.someone(i).is_empty()
            {
                self.someone_start.iter().for_each(|&p| try_phrase(p));
            }
        }
        found
    }

    /// Whether the match `[s, e)` of `ph` keeps its meaning: no `unless_next` word follows,
    /// it is the whole of a scare quotation where the phrase needs one, and, where the
    /// phrase needs a person, its subject is one.
    fn holds(&self, ph: &Phrase, cx: &Context, s: usize, e: usize) -> bool {
        let followed_by = |words: &Vec<std::collections::HashSet<String>>| {
            words.iter().enumerate().all(|(k, forms)| {
                cx.toks
                    .get(e + k)
                    .is_some_and(|t| t.joined && forms.contains(t.lower.as_str()))
            })
        };
        // The sentence is searched last: it costs the most.
        !ph.unless_next.iter().any(followed_by)
            && (!ph.scare_quoted || scare_quoted(cx.toks, s, e))
            && (!ph.unless_answered || !answered(cx.toks, s))
            && self.said_of_whom_it_needs(ph, cx, s, e)
            && self.context_holds(ph, cx, s)
    }

    /// Whether the match `[s, e)` of `ph` is said of whom the phrase needs.
    fn said_of_whom_it_needs(&self, ph: &Phrase, cx: &Context, s: usize, e: usize) -> bool {
        match ph.subject {
            SubjectSpec::Any => return true,
            SubjectSpec::Doer => return cx.doer(s),
            SubjectSpec::Person | SubjectSpec::Actor | SubjectSpec::NotAThing => {}
        }
        let lead = match ph.elems.as_slice() {
            [Elem::Start, second, ..] => Some(second),
            elems => elems.first(),
        };
        let who = match lead {
            Some(Elem::Possessive) if cx.possessor_is_person(s) => Who::Person,
            Some(Elem::Possessive) => Who::Thing,
            _ => cx.subject(s, e),
        };
        match ph.subject {
            SubjectSpec::Actor => matches!(who, Who::Person | Who::Theirs),
            SubjectSpec::NotAThing => matches!(who, Who::Person | Who::Unknown),
            _ => who == Who::Person,
        }
    }

    /// Whether the sentence holding token `s` has one of the phrase's `only_with` phrases
    /// (when it has any), none of its `not_with`, and none of its `unless_after` after `s`.
    pub(super) fn context_holds(&self, ph: &Phrase, cx: &Context, s: usize) -> bool {
        let needs = &ph.needs;
        if needs.is_empty() {
            return true;
        }
        let toks = cx.toks;
        let (from, to) = sentence_around(toks, s);
        let has = |cues: &Cues, at: &dyn Fn(usize) -> bool| {
            (from..to).any(|k| {
                at(k)
                    && cues
                        .at(&toks[k].lower)
                        .any(|elems| !self.match_elems(elems, cx, k, true, true).is_empty())
            })
        };
        // What goes wrong counts where it is said of the act, not inside the reason given for
        // it ("disabled the alert because it had paged 40 times without a real problem"), but
        // again after "so" or "which" ("…because it was noisy, so nobody was paged").
        let of_the_act = |k: usize| {
            let mut reason = false;
            for t in &toks[s.min(k)..=k] {
                match t.lower.as_str() {
                    "because" | "since" => reason = true,
                    "so" | "which" => reason = false,
                    _ => {}
                }
            }
            !reason
        };
        (needs.only_with.phrases.is_empty() || has(&needs.only_with, &of_the_act))
            && !has(&needs.not_with, &|_| true)
            && !has(&needs.unless_after, &|k| k > s)
    }

    /// The possible ends (exclusive token index) of matches of `elems` starting at token `i`.
    fn match_elems(
        &self,
        elems: &[Elem],
        cx: &Context,
        i: usize,
        first: bool,
        pronouns: bool,
    ) -> Vec<usize> {
        let Some((elem, rest)) = elems.split_first() else {
            return vec![i];
        };
        let toks = cx.toks;
        if let Elem::Start = elem {
            let starts = i < toks.len() && (!toks[i].joined || i == 0 || cx.opens_clause(i - 1));
            return if starts {
                self.match_elems(rest, cx, i, true, pronouns)
            } else {
                Vec::new()
            };
        }
        if let Elem::End = elem {
            let ends = toks.get(i).is_none_or(|t| !t.joined);
            return if ends {
                self.match_elems(rest, cx, i, false, pronouns)
            } else {
                Vec::new()
            };
        }
        let Some(tok) = toks.get(i) else {
            return Vec::new();
        };
        if !first && !tok.joined {
            return Vec::new();
        }
        let next = |end: usize| self.match_elems(rest, cx, end, false, pronouns);
        let mut out = match elem {
            Elem::Word(forms) => {
                let mut ends = Vec::new();
                if forms.contains(tok.lower.as_str()) {
                    ends = next(i + 1);
                }
                // Two halves of one word split by a zero-width character.
                if let Some(two) = toks.get(i + 1).filter(|t| t.zero_width)
                    && forms.contains(format!("{}{}", tok.lower, two.lower).as_str())
                {
                    ends.extend(next(i + 2));
                }
                ends
            }
            Elem::Possessive => {
                if is_possessive(&tok.lower) {
                    next(i + 1)
                } else {
                    Vec::new()
                }
            }
            Elem::Person => cx
                .people
                .ends(toks, i, pronouns)
                .into_iter()
                .flat_map(next)
                .collect(),
            Elem::Someone => cx.someone(i).into_iter().flat_map(next).collect(),
            Elem::Name => cx.name(i).into_iter().flat_map(next).collect(),
            // "Ngozi flooded by noisy alerts": done to the person, not by them.
            Elem::Act if past_act(&tok.lower) && !followed_by_by(toks, i) => next(i + 1),
            Elem::Act => Vec::new(),
            // "Customer-facing": the half of a compound is no act.
            Elem::Doing if doing(&tok.lower) && !tok.after_hyphen => next(i + 1),
            Elem::Doing => Vec::new(),
            Elem::Start | Elem::End => Vec::new(),
        };
        // An adverb between two words of a phrase ("could simply have").
        if out.is_empty() && !first && insertable(tok) && toks.get(i + 1).is_some_and(|t| t.joined)
        {
            out = self.match_elems(elems, cx, i + 1, false, pronouns);
        }
        out
    }
}

/// Whether the word after token `i` is "by" in the same clause (a passive: "paged by…").
fn followed_by_by(toks: &[Tok], i: usize) -> bool {
    toks.get(i + 1).is_some_and(|t| t.joined && t.lower == "by")
}

/// Whether tokens `[s, e)` are all of one scare quotation: 'the "quick fix"' is, '"safe
/// mode"' is not for "safe" alone.
fn scare_quoted(toks: &[Tok], s: usize, e: usize) -> bool {
    toks.get(s).is_some_and(|t| t.scare == Some((s, e)))
}
