//! Whether a word names a person fika does not know: a Capitalised word that is no word of
//! the dictionary, no role, system or grammar word, and not the kind of a system noun after
//! it ("Cleanup script") nor a plural subject ("Statements were published"); or, in a
//! sentence written without capitals, a word that stands where a subject or an owner does
//! ("giulia cut corners", "emre's commit").

use super::grammar::{
    AUX, CLAUSE, DET, OPENER, PREP, adverb, among, any_word, class, classes, ordinary_word,
};
use super::subject::{Context, Who};
use super::tokens::{Tok, is_possessive, strip_possessive};

impl Context<'_> {
    /// Whether token `i` looks like the name of a person fika does not know: Capitalised,
    /// two letters or more, letters only, not an acronym, not a role, system or grammar word,
    /// and, as a sentence's first word, no ordinary English word (`grammar::ordinary_word`).
    pub(super) fn name_like(&self, i: usize) -> bool {
        let t = &self.toks[i];
        let l = t.lower.as_str();
        let base = strip_possessive(l).unwrap_or(l);
        if !t.cap {
            return self.lower_case_name(i, base);
        }
        // One letter is a label ("A/B", "plan B"), not a name; nor is an acronym.
        base.chars().nth(1).is_some()
            && base.chars().all(char::is_alphabetic)
            && !t.acronym()
            && !self.lex.knows(base)
            && classes(base) == 0
            && !(t.first && ordinary_word(base))
            && !self.modifies_noun(i)
            && !self.plural_subject(i)
    }

    /// Whether the lower-case `word` at token `i`, in a sentence written without capitals,
    /// is a name: no word of the dictionary (names-too included, "holiday"), role, system,
    /// grammar word or chat shorthand ("tbh"); and owning something after no article
    /// ("emre's commit"), or followed by what a subject is followed by where a noun phrase
    /// may start ("giulia cut corners", "noah literally had"), or the subject of a question
    /// ("why did farhan disable").
    fn lower_case_name(&self, i: usize, word: &str) -> bool {
        // Most text is cased: answer it before looking around the word.
        if !self.uncased[i] {
            return false;
        }
        let toks = self.toks;
        let verb_like = |n: &Tok| {
            let w = n.lower.as_str();
            n.joined
                && (class(AUX, w)
                    || adverb(w)
                    || w.ends_with("ed")
                    || w.ends_with("ing")
                    || w.ends_with("'ve")
                    || among(IRREGULAR_PAST, w))
        };
        let det_before = |k: usize| i >= k && class(DET, &toks[i - k].lower);
        // A name after a word that is not a clause's start ("pretty sure joão just forgot")
        // is told from a compound ("the config validator ignored", "host alice crashed") by
        // the article or the role or system noun before it.
        let noun_before = i > 0 && self.lex.knows(&toks[i - 1].lower);
        let subject_like = (self.opens_phrase(i)
            || !(det_before(1) || det_before(2) || noun_before))
            && toks.get(i + 1).is_some_and(verb_like);
        let owner = is_possessive(&toks[i].lower) && !det_before(1);
        // "why did farhan disable…": the subject after the auxiliary of a question.
        let asked = i > 0 && toks[i].joined && class(AUX, &toks[i - 1].lower);
        word.chars().count() >= 3
            && word.chars().all(char::is_alphabetic)
            && !any_word(word)
            && !self.lex.knows(word)
            && classes(word) == 0
            && !among(CHAT, word)
            && (owner || subject_like || asked)
    }

    /// Whether a noun phrase may start at token `i`: a sentence's or clause's first word, or
    /// after a preposition or chat shorthand ("to rafael pushing", "imo giulia"), not inside
    /// a compound ("the config validator ignored").
    fn opens_phrase(&self, i: usize) -> bool {
        let t = &self.toks[i];
        t.first
            || !t.joined
            || t.after_comma
            || i.checked_sub(1)
                .and_then(|k| self.toks.get(k))
                .is_some_and(|p| class(CLAUSE | OPENER | PREP, &p.lower) || among(CHAT, &p.lower))
    }

    /// Whether the Capitalised word `i`, or it and the word after it, is the subject of
    /// "are"/"were" ("Statements were published…", "Raw deliveries are archived"): a name is
    /// one person, so this is a plural noun.
    fn plural_subject(&self, i: usize) -> bool {
        let plural_verb = |k: usize| {
            self.toks
                .get(k)
                .is_some_and(|t| t.joined && among(&["are", "were", "aren't", "weren't"], &t.lower))
        };
        plural_verb(i + 1) || (self.toks.get(i + 1).is_some_and(|t| t.joined) && plural_verb(i + 2))
    }

    /// Whether the Capitalised word `i` names the kind of a system noun right after it
    /// ("Load balancer", "Cleanup script", "Admin UI"): a singular noun, since a name is
    /// followed by a verb and "Kenji deploys…" has the verb's -s.
    fn modifies_noun(&self, i: usize) -> bool {
        let toks = self.toks;
        // "Why didn't Priya check the branch code?": after an auxiliary, a word followed by a
        // verb and its object; "Why didn't Cleanup script run?" has no object.
        let asked = i > 0
            && toks[i].joined
            && among(BEFORE_BARE_VERB, &toks[i - 1].lower)
            && toks
                .get(i + 2)
                .is_some_and(|t| t.joined && class(DET, &t.lower));
        !asked && self.kind_of_thing(i)
    }

    /// Whether token `i` names the kind of the system noun right after it: "Cleanup" in
    /// "Cleanup script", "operator" in "the operator script".
    pub(super) fn kind_of_thing(&self, i: usize) -> bool {
        let toks = self.toks;
        // "Kenji deploys…", "the engineer logs in": a word in -s after a name or a role is
        // as likely its verb.
        !is_possessive(&toks[i].lower)
            && toks.get(i + 1).is_some_and(|n| {
                n.joined
                    && !n.lower.ends_with('s')
                    && matches!(self.lex.noun_at(toks, i + 1, i), Some((Who::Thing, _)))
            })
    }
}

/// Auxiliaries a bare verb follows in a question ("Why didn't Priya check…"), unlike "was"
/// or "has".
const BEFORE_BARE_VERB: &[&str] = &[
    "do",
    "does",
    "did",
    "don't",
    "doesn't",
    "didn't",
    "would",
    "wouldn't",
    "could",
    "couldn't",
    "should",
    "shouldn't",
    "will",
    "won't",
    "can",
    "can't",
    "might",
    "must",
];

/// Chat shorthand that is no one's name.
const CHAT: &[&str] = &[
    "tbh", "ngl", "imo", "imho", "fwiw", "lol", "idk", "afaik", "iirc", "btw", "fyi", "pls", "plz",
    "thx", "omg", "wtf", "smh", "bc", "cuz", "lgtm", "tldr", "eod", "asap", "hmm", "ack", "brb",
    "afk", "wfh", "ooo", "gtg", "nvm", "ptal", "eta",
];

/// Past forms with no -ed that follow a subject ("giulia cut corners").
const IRREGULAR_PAST: &[&str] = &[
    "cut", "put", "set", "ran", "hit", "let", "sat", "took", "kept", "left", "made", "went",
    "told", "knew", "said", "thought", "wrote", "broke", "forgot", "got", "gave", "saw", "spent",
    "sent", "chose", "froze", "shut", "quit", "built", "lost", "held", "hid",
];
