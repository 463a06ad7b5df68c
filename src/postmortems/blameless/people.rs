//! The organization's people as the checker recognises them in text: full names, first
//! names, `@usernames` and, inside a longer phrase, pronouns.

use std::collections::{HashMap, HashSet};

use super::PersonRef;
use super::tokens::{Tok, read, strip_possessive};

/// Pronouns that count as `{person}` inside a longer phrase.
const PRONOUNS: [&str; 5] = ["he", "she", "him", "her", "you"];

/// The organization's people, indexed for recognising them in text.
pub struct People {
    /// Lower-case usernames, without '@'.
    usernames: HashSet<String>,
    /// First word of a display name → the display names' words (lower-case).
    names: HashMap<String, Vec<Vec<String>>>,
    /// First words of display names with two or more words.
    first_names: HashSet<String>,
}

impl People {
    pub fn new(people: &[PersonRef]) -> People {
        let mut p = People {
            usernames: HashSet::new(),
            names: HashMap::new(),
            first_names: HashSet::new(),
        };
        for person in people {
            let user = person
                .username
                .trim()
                .trim_start_matches('@')
                .to_lowercase();
            if !user.is_empty() {
                p.usernames.insert(user);
            }
            let words: Vec<String> = read(&person.display_name)
                .1
                .into_iter()
                .filter(|t| !t.lower.starts_with('@'))
                .map(|t| t.lower)
                .collect();
            if let Some(first) = words.first() {
                if words.len() > 1 {
                    p.first_names.insert(first.clone());
                }
                p.names.entry(first.clone()).or_default().push(words);
            }
        }
        p
    }

    /// Whether a `{person}` could start at `tok` (a cheap pre-check).
    pub(super) fn could_start(&self, tok: &Tok) -> bool {
        let l = tok.lower.as_str();
        let base = strip_possessive(l).unwrap_or(l);
        PRONOUNS.contains(&l)
            || l.starts_with('@')
            || self.names.contains_key(l)
            || self.names.contains_key(base)
    }

    /// The possible ends (exclusive token indices) of a person reference starting at token
    /// `i`, longest first. Without `pronouns` (a phrase that is a person alone), neither a
    /// pronoun nor an `@mention` counts: a mention is not blame by itself.
    pub(super) fn ends(&self, toks: &[Tok], i: usize, pronouns: bool) -> Vec<usize> {
        let tok = &toks[i];
        let l = tok.lower.as_str();
        let base = strip_possessive(l);
        let mut ends = Vec::new();
        if pronouns && PRONOUNS.contains(&l) {
            ends.push(i + 1);
        }
        if let Some(user) = l.strip_prefix('@') {
            if !pronouns {
                return ends;
            }
            let user_base = strip_possessive(user).unwrap_or(user);
            if self.usernames.contains(user) || self.usernames.contains(user_base) {
                ends.push(i + 1);
            }
            return ends;
        }
        if let Some(names) = self.names.get(l) {
            for words in names {
                if words.len() == 1 {
                    ends.push(i + 1);
                    continue;
                }
                let fits = (1..words.len()).all(|k| {
                    toks.get(i + k).is_some_and(|t| {
                        t.joined
                            && (t.lower == words[k]
                                || (k == words.len() - 1
                                    && strip_possessive(&t.lower) == Some(&words[k])))
                    })
                });
                if fits {
                    ends.push(i + words.len());
                }
            }
        }
        if let Some(b) = base
            && self
                .names
                .get(b)
                .is_some_and(|ns| ns.iter().any(|w| w.len() == 1))
        {
            ends.push(i + 1);
        }
        if tok.cap
            && (self.first_names.contains(l) || base.is_some_and(|b| self.first_names.contains(b)))
        {
            ends.push(i + 1);
        }
        ends.sort_unstable_by(|a, b| b.cmp(a));
        ends.dedup();
        ends
    }
}
