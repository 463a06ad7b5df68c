//! Who a phrase is said of: a person (a name, a role noun such as "the on-call engineer", a
//! pronoun for a person) or a thing (a system noun such as "the alert", "it"). "The alert
//! should have fired" is a finding about a system; "the engineer should have escalated" is
//! blame. The grammar here is small on purpose: a clause's subject is the first noun phrase
//! after the clause starts (a line, a sentence, punctuation, or a word such as "because",
//! "and", "which"), and a noun phrase is an optional determiner, some words, and a head noun;
//! role and system nouns come from the rule files (`person_nouns`, `system_nouns`).

use std::cell::RefCell;
use std::collections::HashMap;

use super::grammar::{
    AUX, CLAUSE, DET, PERSON_PRONOUN, PREP, THING_PRONOUN, adverb, among, class, name_half,
    refers_back, role_by_ending,
};
use super::people::People;
use super::rule_file::Nouns;
use super::tokens::{Tok, is_possessive, strip_possessive, uncased};

/// What a noun phrase refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    Person,
    /// A thing named as a person's ("Mei's PR", "the engineer's decision").
    Theirs,
    Thing,
    /// The writer's own team, "we": who own an outcome, not someone to blame ("We got
    /// distracted by a second page"). A clause said by "we" is never said of the person in
    /// the clause before it ("Dana dropped the table and we didn't notice").
    Team,
    Unknown,
}

/// Role and system nouns by the forms of their last word.
#[derive(Debug, Clone, Default)]
pub(super) struct Lexicon {
    /// Last word (singular and plural) → the nouns ending so.
    nouns: HashMap<String, Vec<Noun>>,
}

/// One role or system noun of the lexicon.
#[derive(Debug, Clone)]
struct Noun {
    /// Its words before the last.
    before: Vec<String>,
    who: Who,
    /// Written Capitalised in the rule file: it names people only where the text
    /// capitalises it too ("Legal blocked the fix", not "a legal review").
    cap: bool,
    /// Matched as a plural of the entry: an acronym's plural takes a small s ("PMs"), so
    /// "PMS" (a property management system) is no plural of "PM".
    plural: bool,
}

impl Lexicon {
    pub(super) fn new(nouns: &Nouns) -> Lexicon {
        let mut lex = Lexicon::default();
        for (list, who) in [(&nouns.person, Who::Person), (&nouns.system, Who::Thing)] {
            for entry in list {
                let words: Vec<String> = entry
                    .split(|c: char| c.is_whitespace() || c == '-')
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect();
                let Some((last, before)) = words.split_last() else {
                    continue;
                };
                let cap = entry.chars().next().is_some_and(char::is_uppercase);
                let mut forms = vec![last.clone(), format!("{last}s"), format!("{last}es")];
                if let Some(stem) = last.strip_suffix('y') {
                    forms.push(format!("{stem}ies"));
                }
                for (n, form) in forms.into_iter().enumerate() {
                    lex.nouns.entry(form).or_default().push(Noun {
                        before: before.to_vec(),
                        who,
                        cap,
                        plural: n > 0,
                    });
                }
            }
        }
        lex
    }

    /// The noun ending at token `h` and starting no earlier than `from` (the longest entry
    /// that fits), with the token where it starts; a possessive ending is allowed.
    pub(super) fn noun_at(&self, toks: &[Tok], h: usize, from: usize) -> Option<(Who, usize)> {
        let l = toks[h].lower.as_str();
        let base = strip_possessive(l).unwrap_or(l);
        let found = self.nouns.get(base).and_then(|entries| {
            entries
                .iter()
                .filter(|noun| {
                    let k = noun.before.len();
                    h >= from + k
                        && (!noun.cap || toks[h - k].cap)
                        && !(noun.plural && toks[h].acronym())
                        && noun.before.iter().enumerate().all(|(n, w)| {
                            let t = &toks[h - k + n];
                            t.lower == *w && (n == 0 || t.joined) && toks[h - k + n + 1].joined
                        })
                })
                .max_by_key(|noun| noun.before.len())
                .map(|noun| (noun.who, h - noun.before.len()))
        });
        // A word that names a program and a person ("the driver") is a person when the
        // sentence calls it "he" or "she" (`grammar::refers_back`).
        match found {
            Some((Who::Thing, _)) | None if refers_back(toks, h, base) => {
                Some((Who::Person, found.map_or(h, |(_, s)| s)))
            }
            None if role_by_ending(base) => Some((Who::Person, h)),
            other => other,
        }
    }

    pub(super) fn knows(&self, w: &str) -> bool {
        self.nouns.contains_key(w)
    }
}

/// The words the checker needs to tell people from things.
pub(super) struct Context<'a> {
    pub(super) toks: &'a [Tok],
    pub(super) people: &'a People,
    pub(super) lex: &'a Lexicon,
    /// What `someone` and `doer` found at each token: many phrases ask about the same
    /// tokens, and the answers do not change within one text.
    someone_at: RefCell<Vec<Option<Vec<usize>>>>,
    doer_at: RefCell<Vec<Option<bool>>>,
    /// Whether each token's sentence is written without capitals (chat: "noah just sat on
    /// it"), where capitals cannot tell a name.
    pub(super) uncased: Vec<bool>,
}

impl<'a> Context<'a> {
    pub(super) fn new(toks: &'a [Tok], people: &'a People, lex: &'a Lexicon) -> Context<'a> {
        Context {
            toks,
            people,
            lex,
            someone_at: RefCell::new(vec![None; toks.len()]),
            doer_at: RefCell::new(vec![None; toks.len()]),
            uncased: uncased(toks),
        }
    }
}

impl Context<'_> {
    /// Who the noun phrase starting at token `i` and ending before `limit` refers to.
    pub(super) fn noun_phrase(&self, i: usize, limit: usize) -> Who {
        let toks = self.toks;
        if i >= limit {
            return Who::Unknown;
        }
        let l = toks[i].lower.as_str();
        if l == "we" || l.starts_with("we'") {
            return Who::Team;
        }
        if self
            .people
            .ends(toks, i, true)
            .first()
            .is_some_and(|&e| e <= limit)
            || class(PERSON_PRONOUN, l)
            || l.starts_with('@')
            || (l == "no"
                && toks
                    .get(i + 1)
                    .is_some_and(|t| t.joined && t.lower == "one"))
        {
            return Who::Person;
        }
        let det = class(DET, l);
        if !det && class(THING_PRONOUN, l) {
            return Who::Thing;
        }
        // A name is a noun phrase by itself: "Klaus approved the change" is about Klaus,
        // whatever nouns follow; but "Bheki's cron change" is about the change.
        if !det && self.name_like(i) && !is_possessive(l) {
            return Who::Person;
        }
        let words = if det { i + 1 } else { i };
        let mut j = words;
        while j < limit && (j == i || toks[j].joined) && !self.ends_phrase(j) && j < i + 7 {
            j += 1;
        }
        if j == words {
            return if det && class(THING_PRONOUN, l) {
                Who::Thing
            } else {
                Who::Unknown
            };
        }
        // The head is the first role or system noun that is not a possessive ("the vendor's
        // engineer pushed…": engineer; "the engineer's script": script), else the last word.
        let noun = |k: usize| self.lex.noun_at(toks, k, words).map(|n| n.0);
        let owned =
            (words..j).any(|k| is_possessive(&toks[k].lower) && self.possessor_is_person(k));
        let head = (words..j).find_map(|k| {
            // A compound's head is its last noun ("release manager", "kernel upgrade").
            let compound = k + 1 < j && noun(k + 1).is_some();
            noun(k).filter(|_| !is_possessive(&toks[k].lower) && !compound)
        });
        if let Some(who) = head {
            return if who == Who::Thing && owned {
                Who::Theirs
            } else {
                who
            };
        }
        if !det && (self.name_like(words) || self.name_like(j - 1)) {
            return Who::Person;
        }
        if owned { Who::Theirs } else { Who::Unknown }
    }

    /// Whether token `j` ends a noun phrase: an auxiliary, a preposition (but the "on" of "on
    /// call"), a clause word, or an adverb.
    fn ends_phrase(&self, j: usize) -> bool {
        let l = self.toks[j].lower.as_str();
        (class(PREP, l) && !self.on_call(j)) || class(AUX, l) || class(CLAUSE, l) || adverb(l)
    }

    /// The ends (exclusive) of noun phrases at token `i` that refer to a person, longest
    /// first: a known person or a pronoun, a name-like word (and a second one, a family
    /// name), or a determiner and words up to a role noun.
    pub(super) fn someone(&self, i: usize) -> Vec<usize> {
        if let Some(Some(known)) = self.someone_at.borrow().get(i) {
            return known.clone();
        }
        let found = self.find_someone(i);
        if let Some(slot) = self.someone_at.borrow_mut().get_mut(i) {
            *slot = Some(found.clone());
        }
        found
    }

    fn find_someone(&self, i: usize) -> Vec<usize> {
        let toks = self.toks;
        let Some(t) = toks.get(i) else {
            return Vec::new();
        };
        let mut ends = self.people.ends(toks, i, true);
        let l = t.lower.as_str();
        if class(PERSON_PRONOUN, l) {
            ends.push(i + 1);
        }
        if l == "no"
            && toks
                .get(i + 1)
                .is_some_and(|t| t.joined && t.lower == "one")
        {
            ends.push(i + 2);
        }
        ends.extend(self.name(i));
        let words = if class(DET, l) { i + 1 } else { i };
        let mut j = words;
        // A noun phrase ends where a quotation or another determiner starts ("A customer
        // wrote 'your engineer…'").
        while j < toks.len()
            && (j == i || toks[j].joined)
            && j < i + 6
            && toks[j].quoted == t.quoted
            && !(j > words && class(DET, &toks[j].lower))
        {
            if let Some((Who::Person, _)) = self.lex.noun_at(toks, j, words) {
                ends.push(j + 1);
            }
            if self.ends_phrase(j) && !(j + 1 < toks.len() && toks[j].lower == "on") {
                break;
            }
            j += 1;
        }
        ends.sort_unstable_by(|a, b| b.cmp(a));
        ends.dedup();
        ends
    }

    /// The ends of a person named at token `i`: a known person, an `@mention`, a name-like
    /// word (and a family name after it); no pronouns, no roles.
    pub(super) fn name(&self, i: usize) -> Vec<usize> {
        let toks = self.toks;
        let Some(t) = toks.get(i) else {
            return Vec::new();
        };
        let mut ends = self.people.ends(toks, i, false);
        if t.lower.starts_with('@') {
            ends.push(i + 1);
        } else if self.name_like(i) {
            ends.push(i + 1);
            if toks.get(i + 1).is_some_and(|n| n.joined)
                && (self.name_like_at(i + 1) || name_half(t, &toks[i + 1]))
            {
                ends.push(i + 2);
            }
        }
        ends.sort_unstable_by(|a, b| b.cmp(a));
        ends.dedup();
        ends
    }

    /// Whether token `i` ends a role noun ("engineer", "the on-call DBA"): a person named by
    /// what they do, not the kind of a system noun right after it ("the operator script",
    /// "the agent config").
    pub(super) fn role(&self, i: usize) -> bool {
        // A role's own error or failure ("nurse error", "contractor failure") is theirs.
        const THEIRS: &[&str] = &["error", "failure", "mistake", "oversight", "slip", "lapse"];
        let theirs = self
            .toks
            .get(i + 1)
            .is_some_and(|n| among(THEIRS, &n.lower));
        matches!(self.lex.noun_at(self.toks, i, 0), Some((Who::Person, _)))
            && (theirs || !self.kind_of_thing(i))
    }

    /// A cheap pre-check: whether a person reference could start at token `i`.
    pub(super) fn could_name_someone(&self, i: usize) -> bool {
        let t = &self.toks[i];
        let l = t.lower.as_str();
        t.cap
            || class(DET, l)
            || class(PERSON_PRONOUN, l)
            || l.starts_with('@')
            || self.lex.knows(l)
    }

    /// Whether token `i` is a word that opens a clause ("if", "because", "and"…).
    pub(super) fn opens_clause(&self, i: usize) -> bool {
        class(CLAUSE, &self.toks[i].lower)
    }

    fn name_like_at(&self, i: usize) -> bool {
        i < self.toks.len() && self.name_like(i)
    }

    /// Whether a person is what the possessive token `i` ("Alice's", "the intern's")
    /// belongs to.
    pub(super) fn possessor_is_person(&self, i: usize) -> bool {
        if self.people.ends(self.toks, i, false).contains(&(i + 1)) || self.name_like(i) {
            return true;
        }
        matches!(self.lex.noun_at(self.toks, i, 0), Some((Who::Person, _)))
    }

    /// Who the phrase at tokens `[s, e)` is said of: the subject of its clause, or, in a
    /// clause that starts with the phrase, the antecedent of "who"/"which"/"that", the
    /// subject of the clause before "and"/"but", or (for a sentence adverb such as
    /// "clearly") the noun phrase after it, or after its comma ("Once again, the team…"). A
    /// clause with no subject of its own ("…as optional, as usual") hangs on the one before.
    pub(super) fn subject(&self, s: usize, e: usize) -> Who {
        self.subject_within(s, e, 3)
    }

    fn subject_within(&self, s: usize, e: usize, depth: u8) -> Who {
        let toks = self.toks;
        let (c, opener) = self.clause_start(s);
        // "who" stands for a person, whatever follows it in its clause.
        if opener.is_some_and(|o| among(&["who", "whom", "whoever"], &toks[o].lower)) {
            return Who::Person;
        }
        let i = self.after_leads(c, s);
        if i < s {
            let who = self.noun_phrase(i, s);
            // "He deleted the volume and then tried to cover it up": a clause after "and"
            // whose first words name no one shares the subject of the clause before.
            if who == Who::Unknown && depth > 0 {
                return self.before_clause(c, opener, depth - 1);
            }
            return who;
        }
        match opener.map(|o| toks[o].lower.as_str()) {
            Some("which" | "that") if c >= 2 && toks[c - 1].joined => self.antecedent(c - 2),
            _ if depth > 0 && self.shares_subject(c, opener) => {
                self.before_clause(c, opener, depth - 1)
            }
            // A phrase that opens its clause ("Clearly Chen…", "Of course Dmitri…",
            // "Failed to page the team"): the noun phrase after it.
            _ if e < toks.len() && toks[e].joined => {
                let end = (e + 1..toks.len())
                    .find(|&k| !toks[k].joined || self.ends_phrase(k))
                    .unwrap_or(toks.len());
                self.noun_phrase(e, end)
            }
            // …or set off by a comma ("Once again, the networking folks…", "Predictably,
            // the intern's script…"): the subject of the clause after it.
            _ if e < toks.len() && toks[e].after_comma => {
                let mut k = e;
                while k + 1 < toks.len() && toks[k + 1].joined && self.leads(k) {
                    k += 1;
                }
                self.noun_phrase(k, toks.len())
            }
            _ => Who::Unknown,
        }
    }

    /// Whether the phrase at token `s` is what a person did: the verb of its clause (only
    /// adverbs and auxiliaries stand between it and the subject) with a person as the
    /// subject ("Mateo ran…", "The DBA then ran…", "…who ran…", "he deleted it and then ran…"),
    /// not a noun ("froze deploys") or a verb further into the clause ("Chen asked whether
    /// the zone had changed").
    pub(super) fn doer(&self, s: usize) -> bool {
        if let Some(Some(known)) = self.doer_at.borrow().get(s) {
            return *known;
        }
        let found = self.find_doer(s);
        if let Some(slot) = self.doer_at.borrow_mut().get_mut(s) {
            *slot = Some(found);
        }
        found
    }

    fn find_doer(&self, s: usize) -> bool {
        let toks = self.toks;
        let (c, opener) = self.clause_start(s);
        let i = self.after_leads(c, s);
        let mut v = s;
        while v > i && (adverb(&toks[v - 1].lower) || class(AUX, &toks[v - 1].lower)) {
            v -= 1;
        }
        // "Force-pushes": a word joined by a hyphen is part of a compound, not a verb; and
        // what someone could not or did not do is no act.
        let negated = (v..s).any(|k| {
            let l = toks[k].lower.as_str();
            among(&["not", "never", "cannot"], l) || l.ends_with("n't")
        });
        // "was approved": the subject is what it was done to.
        let passive = !toks[s].lower.ends_with("ing")
            && (v..s).any(|k| {
                among(
                    &["was", "were", "is", "are", "been", "being", "be"],
                    &toks[k].lower,
                )
            });
        if toks[s].after_hyphen || negated || passive {
            return false;
        }
        // "No one acted in bad faith" says no one is to blame.
        if among(&["nobody", "noone", "none"], &toks[i].lower)
            || (toks[i].lower == "no" && toks.get(i + 1).is_some_and(|t| t.lower == "one"))
        {
            return false;
        }
        // "Data changes break…": after a sentence's first word that only looks like a name, a
        // word in -s is as likely a plural noun as a verb.
        let plural_or_verb = toks[s].lower.ends_with('s') && !toks[s].lower.ends_with("ss");
        if plural_or_verb
            && v == i + 1
            && toks[i].first
            && self.people.ends(toks, i, false).is_empty()
            && !toks[i].lower.starts_with('@')
        {
            return false;
        }
        if v > i {
            // The subject is all that stands before the verb, or a person right before it
            // after a thing ("the change Ravi pushed").
            // A role may carry a short phrase after it: "the contractor from the agency",
            // "someone in ops".
            let names = |k: usize| {
                !is_possessive(&toks[v - 1].lower)
                    && self.someone(k).iter().any(|&e| {
                        e == v
                            || (e < v
                                && v - e <= 4
                                && class(PREP, &toks[e].lower)
                                && !self.on_call(e)
                                && !class(DET, &toks[v - 1].lower)
                                && matches!(
                                    self.lex.noun_at(toks, e - 1, k),
                                    Some((Who::Person, _))
                                )
                                && (e + 1..v)
                                    .all(|x| toks[x].joined && !class(PREP, &toks[x].lower)))
                    })
            };
            return names(i)
                || (i + 1..v).any(|k| {
                    matches!(self.lex.noun_at(toks, k - 1, i), Some((Who::Thing, _))) && names(k)
                });
        }
        match opener.map(|o| toks[o].lower.as_str()) {
            Some("who") => true,
            Some("which" | "that") if c >= 2 && toks[c - 1].joined => {
                self.antecedent(c - 2) == Who::Person
            }
            _ => self.shares_subject(c, opener) && self.before_clause(c, opener, 2) == Who::Person,
        }
    }
}
