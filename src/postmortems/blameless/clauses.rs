//! The clause side of the subject finder: where a clause starts and which word opened it,
//! whether it goes on with the subject of the clause before it ("…and then tried to cover
//! it up"), and which clause a clause with no subject of its own hangs on ("…as optional, as
//! usual").

use super::grammar::{CLAUSE, DET, PREP, adverb, among, class, number};
use super::subject::{Context, Who};

impl Context<'_> {
    /// The first token from `c` (a clause's start) up to `s` that is no adverb, number or
    /// opening preposition: where the clause's subject starts, or `s` when it has none.
    pub(super) fn after_leads(&self, c: usize, s: usize) -> usize {
        (c..s).find(|&i| !self.leads(i)).unwrap_or(s)
    }

    /// Whether the clause starting at token `c` (opened by `opener`) goes on with the
    /// subject of the clause before it: after "and", "but", "or", "then", or a comma ("He
    /// deleted the volume and then tried to cover it up"; "Carlos did, without even opening
    /// the diff").
    pub(super) fn shares_subject(&self, c: usize, opener: Option<usize>) -> bool {
        match opener {
            Some(o) => among(
                &["and", "but", "or", "then", "yet", "so"],
                &self.toks[o].lower,
            ),
            None => c > 0 && self.toks[c].after_comma,
        }
    }

    /// The subject of the clause before the one starting at token `c`, when this one shares
    /// it.
    pub(super) fn before_clause(&self, c: usize, opener: Option<usize>, depth: u8) -> Who {
        if !self.shares_subject(c, opener) {
            return Who::Unknown;
        }
        // The clause before ends where this one's opener (or comma) is.
        self.subject_ending(opener.unwrap_or(c), depth)
    }

    /// The subject of the clause that ends before token `end`.
    fn subject_ending(&self, end: usize, depth: u8) -> Who {
        if end == 0 {
            return Who::Unknown;
        }
        let (c2, opener2) = self.clause_start(end - 1);
        // "Dr. Mensah, who was on call, ignored two bleeps": a relative clause set off by
        // commas right after its clause's subject interrupts that clause, so that subject is
        // the one this clause goes on with. After an object ("The router sent the ticket to
        // Omar, who was on leave, and then skipped…") it is not.
        if let Some(o) = opener2.filter(|&o| o > 0 && self.toks[o].after_comma) {
            let (c3, opener3) = self.clause_start(o - 1);
            let i3 = self.after_leads(c3, o);
            // The clause before is a main one, not itself a relative clause ("…the replica
            // that Lena had flagged, which was lagging, and then…").
            let main = opener3.is_none_or(|p| self.shares_subject(c3, Some(p)));
            let bare = (i3..o).all(|k| !class(PREP, &self.toks[k].lower));
            match self.toks[o].lower.as_str() {
                "who" | "whom" if main && self.someone(i3).contains(&o) => return Who::Person,
                "which" if main && i3 < o && bare => return self.noun_phrase(i3, o),
                _ => {}
            }
        }
        let i = self.after_leads(c2, end);
        let who = self.noun_phrase(i, end);
        if who == Who::Unknown && depth > 0 {
            return match opener2 {
                Some(o)
                    if !self.shares_subject(c2, opener2)
                        && self.hangs_on_main_clause(o, i, end) =>
                {
                    self.subject_ending(o, depth - 1)
                }
                _ => self.before_clause(c2, opener2, depth - 1),
            };
        }
        who
    }

    /// Whether the clause that `opener` opens (not one that shares the subject before it),
    /// whose words run from `i` to `end`, has no subject of its own and so hangs on the
    /// clause before it ("Carlos treated the runbook as optional, as usual": "as optional" is
    /// about Carlos): it starts with no determiner or capital ("because the reconciler
    /// stalled" has a subject fika does not know), it is no relative clause ("…the worker,
    /// which crashed" is about the worker), and the clause before is in the same sentence.
    fn hangs_on_main_clause(&self, opener: usize, i: usize, end: usize) -> bool {
        let toks = self.toks;
        const RELATIVE: &[&str] = &[
            "which", "that", "who", "whom", "whoever", "what", "why", "how", "whether",
        ];
        !toks[opener].first
            && !among(RELATIVE, &toks[opener].lower)
            && (i >= end || !(class(DET, &toks[i].lower) || toks[i].cap || number(&toks[i].lower)))
    }

    /// The noun before a relative pronoun at token `h`.
    pub(super) fn antecedent(&self, h: usize) -> Who {
        if let Some((who, _)) = self.lex.noun_at(self.toks, h, 0) {
            return who;
        }
        if self.name_like(h) || self.people.ends(self.toks, h, false).contains(&(h + 1)) {
            return Who::Person;
        }
        Who::Unknown
    }

    /// The first token of the clause holding token `s`, and the clause word that opened it.
    pub(super) fn clause_start(&self, s: usize) -> (usize, Option<usize>) {
        let toks = self.toks;
        let mut j = s;
        loop {
            if j == 0 || !toks[j].joined {
                return (j, None);
            }
            // "that night" is a time, not the start of a clause.
            let time = toks[j - 1].lower == "that"
                && among(
                    &[
                        "night", "day", "week", "morning", "evening", "weekend", "time",
                    ],
                    &toks[j].lower,
                );
            // "approved that PR": "that" before a system noun is a determiner.
            let determiner = toks[j - 1].lower == "that"
                && matches!(self.lex.noun_at(toks, j, j), Some((Who::Thing, _)));
            if class(CLAUSE, &toks[j - 1].lower) && !time && !determiner {
                return (j, Some(j - 1));
            }
            j -= 1;
        }
    }

    /// Whether token `i` may stand before a clause's subject: an adverb, a number or time, or
    /// a preposition opening a phrase ("From 14:03 the graph…").
    pub(super) fn leads(&self, i: usize) -> bool {
        let l = self.toks[i].lower.as_str();
        adverb(l) || number(l) || (class(PREP, l) && !self.on_call(i))
    }

    /// Whether token `j` is the "on" of "on call" / "on-call".
    pub(super) fn on_call(&self, j: usize) -> bool {
        self.toks[j].lower == "on"
            && self
                .toks
                .get(j + 1)
                .is_some_and(|t| t.joined && t.lower == "call")
    }
}
