//! The learned part of the check: blame told as a plain story ("Sanjay pushed a broken nginx
//! config", "Root cause: Yuki ran the backfill twice") has no loaded word for a phrase to
//! catch, so a logistic regression over the sentence's words reads it. It runs under the
//! rule `narrative-blame` (in `blameless-rules.yaml`, where an admin's file can rename or
//! switch it off like any rule), only on a sentence that names a person or a role and where
//! no phrase rule found anything, and it flags the sentence only when it is sure (at least
//! the model's threshold, 0.9).
//!
//! Features are the checker's own words: each word lower-cased, a person's name (known, an
//! `@mention`, or name-like, as the subject finder decides) as `PERSON`, a role noun as
//! `ROLE`, scare quotes as `<q>` before the words they hold; then every word and its crude
//! stem ("merging" → "merg"), every pair of neighbours (sentence start and end included),
//! each `PERSON` or `ROLE` paired with the next few content words of its clause past its
//! neighbour, the first few content words a "not", "never", "without" or "-n't" denies,
//! whether the sentence names any system at all, and a person followed by what went on
//! meanwhile ("…was at lunch while the queue grew"), hashed (FNV-1a, 64 bits) into the
//! model's space. `model.txt` holds the weights, trained by `bench/blameless_model.py`
//! on the labelled sets (never the held-out ones) from what `fika blameless features`
//! prints, so training and checking read the same features.

use std::sync::Arc;

use super::Rules;
use super::grammar::{CLAUSE, class, classes};
use super::matching::Match;
use super::people::People;
use super::rule_file::SubjectSpec;
use super::subject::{Context, Who};
use super::table::{Needs, Phrase};
use super::tokens::{Tok, answered, is_possessive, sentences, strip_possessive};

/// The rule the model's findings are filed under.
pub(super) const RULE: &str = "narrative-blame";

/// Words a sentence needs before the model judges it: a fragment ("human, error", a list
/// item "@Alice's change") says too little for words alone to tell blame from a label.
const MIN_WORDS: usize = 4;

/// Words a sentence needs before the model may overrule a phrase rule in it: a short one
/// has no room for the explanation that clears an act ("after confirming…", "; the tool
/// showed…"), and the model reads few words poorly ("they did not bother"). Chosen by
/// leave-one-file-out runs on the training sets: below ten words vetoes removed no false
/// alarm there, only findings.
const DOUBT_MIN_WORDS: usize = 10;

/// Role nouns that name no one in particular: "Calendar reminders leave with the people who
/// created them" is a lesson about reminders. Still read as ROLE, but on their own they do
/// not make a sentence one the model judges.
const GENERIC: &[&str] = &[
    "people",
    "folks",
    "everyone",
    "everybody",
    "humans",
    "staff",
    "user",
    "users",
    "customer",
    "customers",
    "human",
    "colleagues",
];

/// How many words after a person or role, past the next one, the model pairs with them.
const SKIP: usize = 3;

const MODEL: &str = include_str!("model.txt");

/// The weights, dense over the hashed space.
#[derive(Debug)]
pub(super) struct Model {
    bias: f64,
    threshold: f64,
    weights: Vec<f32>,
}

impl Model {
    /// The model shipped with fika; Err only if `model.txt` is broken.
    pub(super) fn builtin() -> Result<Arc<Model>, String> {
        Model::parse(MODEL)
            .map(Arc::new)
            .map_err(|e| format!("blameless model: {e}"))
    }

    fn parse(text: &str) -> Result<Model, String> {
        let mut lines = text.lines().filter(|l| !l.starts_with('#'));
        let mut header = |key: &str| -> Result<f64, String> {
            let line = lines.next().unwrap_or_default();
            line.strip_prefix(key)
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| format!("expected `{key} …`, found `{line}`"))
        };
        let dim = header("dim")? as usize;
        let bias = header("bias")?;
        let threshold = header("threshold")?;
        let mut weights = vec![0.0f32; dim];
        for line in lines {
            let (i, w) = line
                .split_once(' ')
                .and_then(|(i, w)| Some((i.parse::<usize>().ok()?, w.parse::<f32>().ok()?)))
                .ok_or_else(|| format!("a weight line reads `{line}`"))?;
            *weights
                .get_mut(i)
                .ok_or_else(|| format!("weight {i} is outside the space of {dim}"))? = w;
        }
        Ok(Model {
            bias,
            threshold,
            weights,
        })
    }

    /// How sure the model is that the features are blame, 0 to 1.
    fn probability(&self, features: &[u64]) -> f64 {
        let mut idx: Vec<usize> = features
            .iter()
            .map(|&h| (h % self.weights.len() as u64) as usize)
            .collect();
        idx.sort_unstable();
        idx.dedup();
        let sum: f64 = idx.iter().map(|&i| f64::from(self.weights[i])).sum();
        let z = self.bias + sum / (idx.len().max(1) as f64).sqrt();
        1.0 / (1.0 + (-z).exp())
    }
}

/// The hashed features of tokens `s..e`, and whether they name a person or a role.
pub(super) fn features(cx: &Context, s: usize, e: usize) -> (Vec<u64>, bool) {
    let toks = cx.toks;
    let mut words: Vec<String> = vec!["<s>".into()];
    // Each word's clause: punctuation other than a scare quote's marks starts a new one.
    let mut clause_of: Vec<usize> = vec![0];
    let mut clause = 0;
    let quote = |j: usize| toks[j].scare.is_some();
    let mut someone = false;
    let mut thing = false;
    let mut i = s;
    while i < e {
        if i > s && !toks[i].joined && !quote(i) && !quote(i - 1) {
            clause += 1;
        }
        let name_end = cx
            .name(i)
            .into_iter()
            .find(|&end| end <= e)
            .filter(|_| !place_like(cx, s, i));
        let (word, next) = match name_end {
            Some(end) => ("PERSON".to_string(), end),
            None if cx.role(i) => ("ROLE".to_string(), i + 1),
            // "failed over" is a failover, not a failure: one word, as "failover" is.
            None if fails_over(toks, i, e) => ("failover".to_string(), i + 2),
            None => {
                let l = toks[i].lower.as_str();
                let base = if is_possessive(l) {
                    strip_possessive(l).unwrap_or(l)
                } else {
                    l
                };
                (base.to_string(), i + 1)
            }
        };
        // Scare quotes ('Ingrid's "quick fix"') are a word of their own: the writer's doubt.
        if toks[i].scare.is_some_and(|(first, _)| first == i) {
            words.push("<q>".into());
            clause_of.push(clause);
        }
        someone |=
            word == "PERSON" || (word == "ROLE" && !GENERIC.contains(&toks[i].lower.as_str()));
        thing |= matches!(cx.lex.noun_at(toks, next - 1, i), Some((Who::Thing, _)));
        // A name of two words is one person.
        if !(word == "PERSON" && words.last().is_some_and(|w| w == "PERSON")) {
            words.push(word);
            clause_of.push(clause);
        }
        if is_possessive(&toks[next - 1].lower) {
            words.push("'s".into());
            clause_of.push(clause);
        }
        i = next;
    }
    words.push("</s>".into());
    let mut out: Vec<u64> = words[1..words.len() - 1]
        .iter()
        .map(|w| fnv1a(&["u:", w]))
        .collect();
    out.extend(words.windows(2).map(|p| fnv1a(&["b:", &p[0], " ", &p[1]])));
    // A word's stem as well, so what was learnt of "merged" is heard in "merging".
    out.extend(
        words[1..words.len() - 1]
            .iter()
            .filter_map(|w| stem(w).map(|t| fnv1a(&["t:", t]))),
    );
    person_pairs(&words, &clause_of, &mut out);
    denied(&words, &clause_of, &mut out);
    // Whether a system is named at all: blame leaves a person as the whole explanation.
    if someone {
        out.push(fnv1a(&["g:", if thing { "thing" } else { "nothing" }]));
    }
    (out, someone)
}

/// What each `PERSON` or `ROLE` in `words` does a few words on, and what went on meanwhile.
fn person_pairs(words: &[String], clause_of: &[usize], out: &mut Vec<u64>) {
    // What a person or role does a few words on ("Jo had decided to skip", "the DBA chose
    // convenience over"): the word pairs see only neighbours. Within the clause (up to
    // punctuation or a word such as "because"), and only content words, so a time, a
    // second clause ("paged at 3am; @bob too") or a "the" says nothing of them.
    for (k, w) in words.iter().enumerate() {
        if w == "PERSON" || w == "ROLE" {
            for v in content_after(words, clause_of, k, 1) {
                out.push(fnv1a(&["s:", w, " ", v]));
            }
        }
    }
    // A person, then what went on meanwhile ("was at lunch while the queue grew").
    for (k, w) in words.iter().enumerate() {
        if ["while", "instead", "until", "meanwhile"].contains(&w.as_str())
            && words[..k].iter().any(|v| v == "PERSON" || v == "ROLE")
        {
            out.push(fnv1a(&["x:", w]));
        }
    }
}

/// What a negation in `words` denies: the first few content words after "not", "never",
/// "without" or a "-n't" in its clause. Blame told by meaning alone is often a duty left
/// undone ("signed it off without opening the file", "never once looked at the dashboard"),
/// and the pair "not looked" says less than "a look that did not happen".
fn denied(words: &[String], clause_of: &[usize], out: &mut Vec<u64>) {
    for (k, w) in words.iter().enumerate() {
        if !(["not", "never", "without", "cannot", "no"].contains(&w.as_str())
            || w.ends_with("n't"))
        {
            continue;
        }
        for v in content_after(words, clause_of, k, 0) {
            out.push(fnv1a(&["n:", v]));
        }
    }
}

/// The first `SKIP` content words of word `k`'s clause after it, past the next `skip`
/// words, up to a word such as "because" that starts a clause of its own.
fn content_after<'a>(
    words: &'a [String],
    clause_of: &'a [usize],
    k: usize,
    skip: usize,
) -> impl Iterator<Item = &'a String> {
    words[k + 1..]
        .iter()
        .zip(&clause_of[k + 1..])
        .take_while(move |&(_, &c)| c == clause_of[k])
        .map(|(v, _)| v)
        .skip(skip)
        .take_while(|v| !class(CLAUSE, v))
        .filter(|v| v.chars().all(char::is_alphabetic) && classes(v) == 0)
        .take(SKIP)
}

/// Whether tokens `i` and `i + 1` (before `e`) are "fail over" in any inflection, and not
/// "failed over 40 times", "over the weekend" or "over and over".
fn fails_over(toks: &[Tok], i: usize, e: usize) -> bool {
    const NOT_AFTER: &[&str] = &[
        "the", "a", "an", "and", "several", "many", "multiple", "more", "half", "that", "this",
    ];
    i + 1 < e
        && ["fail", "fails", "failed", "failing"].contains(&toks[i].lower.as_str())
        && toks[i + 1].joined
        && toks[i + 1].lower == "over"
        && toks.get(i + 2).is_none_or(|t| {
            !t.joined
                || !(NOT_AFTER.contains(&t.lower.as_str()) || t.lower.starts_with(char::is_numeric))
        })
}

/// `word` without a common ending (-ing, -ed, -s, -ly), when it has one and enough is left
/// to be a word: a crude stem, the same in training and checking.
fn stem(word: &str) -> Option<&str> {
    if !word.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    ["ing", "ed", "ly", "es", "s"].iter().find_map(|end| {
        word.strip_suffix(end)
            .filter(|rest| rest.len() >= 3 && !(*end == "s" && rest.ends_with('s')))
    })
}

/// Whether token `i` is a Capitalised word the checker does not know as a person, right
/// after a preposition of place: "in Norway", "at Cloudflare", "across Europe" name places
/// and firms far more often than people (a known person, an `@mention`, stays a person).
/// Not after "by", "from", "after", "until", "to" or "with": "snoozed by Ayesha", "a
/// refactor from Dmitri", "until Jesse touched it" name people, the doer of a passive most
/// of all, and a model that reads them as plain words cannot tell that from a place.
fn place_like(cx: &Context, s: usize, i: usize) -> bool {
    const OF_PLACE: &[&str] = &[
        "in", "at", "into", "onto", "within", "across", "near", "via", "around", "over", "under",
        "through", "between",
    ];
    let toks = cx.toks;
    i > s
        && OF_PLACE.contains(&toks[i - 1].lower.as_str())
        && !toks[i].lower.starts_with('@')
        && cx.people.ends(toks, i, false).is_empty()
}

/// FNV-1a, 64 bits, over the parts' UTF-8 bytes in order.
fn fnv1a(parts: &[&str]) -> u64 {
    parts
        .iter()
        .flat_map(|p| p.bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Gives the rule at `ri` the model: its findings are filed under a phrase of no words that
/// no index lists, so only the model makes them. The rule's `only_with` and `not_with` hold
/// for the sentences it reads, as they do for a phrase's.
pub(super) fn attach(rules: &mut Rules, ri: usize, needs: Arc<Needs>) -> Result<(), String> {
    rules.model = Some((Model::builtin()?, rules.phrases.len()));
    rules.phrases.push(Phrase {
        rule: ri,
        elems: Vec::new(),
        suggestion: None,
        reason: None,
        pronouns: false,
        subject: SubjectSpec::Any,
        unless_next: Vec::new(),
        scare_quoted: false,
        unless_answered: false,
        model_floor: 0.0,
        needs,
    });
    Ok(())
}

impl Rules {
    /// Reads the model's weights from `text` (model.txt's format) instead of the shipped
    /// ones; Err when the text is broken or `narrative-blame` is switched off.
    pub fn use_model(&mut self, text: &str) -> Result<(), String> {
        let model = Model::parse(text).map_err(|e| format!("blameless model: {e}"))?;
        let (shipped, _) = self
            .model
            .as_mut()
            .ok_or_else(|| format!("the rule {RULE} is switched off: it has no model"))?;
        *shipped = Arc::new(model);
        Ok(())
    }

    /// The model's features of a whole text, as one sentence: what `fika blameless features`
    /// prints for training.
    pub fn model_features(&self, text: &str, people: &People) -> Vec<u64> {
        let (_, toks) = super::tokens::read(text);
        let cx = Context::new(&toks, people, &self.lexicon);
        features(&cx, 0, toks.len()).0
    }

    /// What the model says, sentence by sentence, reading each one at most once:
    /// - it may drop a phrase match of a rule with a `model_floor` in a sentence of some
    ///   length that it reads as blame less likely than that floor — a phrase rule keys on
    ///   words and the context it was written for ("deleted … production"), and the model,
    ///   having read whole sentences in thousands of labelled ones, tells "Liam truncated
    ///   the retry queue after confirming every message was in the outbox" from blame;
    /// - it flags, whole, a sentence of some words that names someone, has no phrase match
    ///   left, is no quotation nor a question the next sentence answers, and reads as blame
    ///   to it.
    pub(super) fn model_reads(&self, cx: &Context, found: &mut Vec<Match>) {
        let Some((model, phrase)) = &self.model else {
            return;
        };
        let toks = cx.toks;
        let mut flagged = Vec::new();
        for (s, e) in sentences(toks) {
            let mut read: Option<(f64, bool)> = None;
            let mut reading = || {
                *read.get_or_insert_with(|| {
                    let (features, someone) = features(cx, s, e);
                    (model.probability(&features), someone)
                })
            };
            if e - s >= DOUBT_MIN_WORDS {
                found.retain(|&(fs, _, p)| {
                    let floor = self.phrases[p].model_floor;
                    !(s..e).contains(&fs) || floor <= 0.0 || reading().0 >= floor
                });
            }
            // A question the next sentence answers is a step of an analysis; the answer is
            // read on its own.
            if e - s < MIN_WORDS
                || toks[s..e].iter().all(|t| t.quoted)
                || answered(toks, s)
                || found.iter().any(|&(fs, fe, _)| fs < e && s < fe)
            {
                continue;
            }
            let (p, someone) = reading();
            if someone && p >= model.threshold && self.context_holds(&self.phrases[*phrase], cx, s)
            {
                flagged.push((s, e, *phrase));
            }
        }
        found.extend(flagged);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_64() {
        // The reference values of FNV-1a 64 (the training script hashes the same way).
        assert_eq!(fnv1a(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(&["foo", "bar"]), fnv1a(&["foobar"]));
    }

    #[test]
    fn failing_over_is_a_failover_and_failing_over_and_over_is_not() {
        let rules = Rules::builtin().unwrap();
        let people = People::new(&[]);
        let reads = |text: &str| rules.model_features(text, &people);
        let failover = fnv1a(&["u:", "failover"]);
        assert!(reads("The DBA failed over to the standby.").contains(&failover));
        assert!(reads("The DBA failed over.").contains(&failover));
        for text in [
            "The job failed over 40 times.",
            "The import failed over the weekend.",
            "It failed over and over.",
        ] {
            assert!(!reads(text).contains(&failover), "{text}");
        }
    }

    #[test]
    fn the_shipped_model_reads() {
        let m = Model::builtin().unwrap();
        assert!(m.weights.iter().any(|&w| w != 0.0));
        assert!((0.5..1.0).contains(&m.threshold));
    }
}
