//! A rule-based checker for blameless post-mortems.
//!
//! [`Rules::check`] scans free text for blaming language (counterfactuals, judging words,
//! "human error" as a cause, people named as the cause, "why did you" questions) and returns
//! [`Finding`]s: the rule, the exact phrase and where it is (character offsets), why the
//! phrase hurts learning, and a suggested rewrite. It only points things out; it never
//! rewrites or rejects text.
//!
//! # Rule file
//!
//! The rules are data: `blameless-rules.yaml` beside this folder is built in
//! ([`Rules::builtin`]), and an admin can extend it with a file in the same format
//! ([`Rules::extended`], [`Rules::load`]). The YAML file's header is the full reference; in
//! short:
//!
//! ```yaml
//! rules:
//!   - id: counterfactual          # required; a rule with a built-in id overrides that rule
//!     name: Counterfactual        # defaults to the id
//!     places: anywhere            # or contributing_factors
//!     reason: Why this hurts learning.
//!     suggestion: A suggested rewrite.
//!     phrases:                    # replaces the built-in list when overriding
//!       - should have
//!       - { phrase: "fail to", suggestion: "A phrase-specific suggestion." }
//!     extra_phrases: [ought to have]   # appended to the phrases
//!     subject: any                # or person, actor, doer: whom a phrase must be said of
//!     only_with: [without]        # the sentence must also hold one of these…
//!     not_with: [restored]        # …and none of these
//!     points_at_person: false     # true: findings are rewritten or dismissed by the reviewer
//!     disabled: false             # true switches a built-in rule off
//! ```
//!
//! A phrase is words separated by spaces, matched case-insensitively as whole words with
//! common inflections ("fail" also matches "fails", "failed", "failing"; "careless" also
//! "carelessly", "carelessness"). `word=` matches the exact word only; `a|b` matches either
//! word; `{person}` matches a known person (full display name in any case, first name when
//! Capitalized, `@username`, or he/she/him/her/you — pronouns only inside a longer phrase);
//! `{possessive}` matches any word ending in 's. Between the words of a phrase the text may
//! have whitespace (at most one line break), markdown emphasis or a single hyphen, so a phrase
//! never matches across a sentence end.
//!
//! # Matching
//!
//! The text is tokenised once (words are runs of letters and digits, with apostrophes and
//! underscores allowed between letters; `@name` is one token). Every phrase is indexed by the
//! word forms its first word can take, so checking is one hash lookup per token plus the
//! (short) phrase comparisons; a 100 KB text takes a few milliseconds.
//!
//! # Parts
//!
//! `tokens` cuts text into words (the normalised form every comparison uses); `people`
//! recognises the organization's people in those words; `rule_file` reads and merges rule
//! files and `table` compiles them into the phrases a [`Rules`] holds; `matching` finds
//! every phrase that matches, and `findings` keeps the non-overlapping ones as [`Finding`]s.

use std::collections::HashMap;
use std::path::Path;

mod acts;
mod clauses;
mod findings;
mod grammar;
mod matching;
mod model;
mod names;
mod normal;
mod people;
mod rule_file;
pub mod score;
mod subject;
mod table;
#[cfg(test)]
mod tests;
mod tokens;

pub use findings::Finding;
pub use people::People;

use rule_file::{merge, parse_file};
use subject::Lexicon;
use table::{Phrase, Rule, compile};
use tokens::read;

/// The rules shipped with fika.
const BUILTIN_YAML: &str = include_str!("../blameless-rules.yaml");

/// Jobs and roles across trades, one a line: people, as the rule file's `person_nouns` are,
/// kept apart so that the rule file stays readable.
const ROLES: &str = include_str!("roles.txt");

/// A person the checker knows, to recognise people named as the cause.
#[derive(Debug, Clone)]
pub struct PersonRef {
    pub username: String,
    pub display_name: String,
}

/// Where the text comes from: some rules apply only to contributing factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Anywhere,
    ContributingFactors,
    /// An action item: a plan, read by every rule but `narrative-blame`, whose model reads
    /// stories ("Let the on-call engineer roll back…" tells no story).
    ActionItems,
}

/// The compiled rules.
#[derive(Debug, Clone)]
pub struct Rules {
    rules: Vec<Rule>,
    phrases: Vec<Phrase>,
    /// Word form → phrases whose first element is a word taking that form.
    by_word: HashMap<String, Vec<usize>>,
    /// Phrases starting with `{person}`.
    person_start: Vec<usize>,
    /// Phrases starting with `{possessive}`.
    possessive_start: Vec<usize>,
    /// Phrases starting with `{someone}`.
    someone_start: Vec<usize>,
    /// Phrases starting with `{act}`.
    act_start: Vec<usize>,
    /// Role and system nouns, to tell whom a phrase is said of.
    lexicon: Lexicon,
    /// Tells one set of rules from another (see [`Rules::fingerprint`]).
    fingerprint: String,
    /// The model of `narrative-blame`, with the phrase its findings are filed under; none
    /// when that rule is switched off.
    model: Option<(std::sync::Arc<model::Model>, usize)>,
    /// Phrases that load but likely do not say what their writer meant (see
    /// [`Rules::warnings`]).
    warnings: Vec<String>,
}

impl Rules {
    /// The rules shipped with fika (`blameless-rules.yaml`); Err only if that file is broken.
    pub fn builtin() -> Result<Rules, String> {
        let file = builtin_file()?;
        let mut rules = compile(merge(Vec::new(), file.rules)?, &file.nouns)
            .map_err(|e| format!("built-in blameless rules: {e}"))?;
        rules.fingerprint = digest(&[BUILTIN_YAML, ROLES]);
        Ok(rules)
    }

    /// The built-in rules extended by an admin's file (same format): a rule whose id equals a
    /// built-in one replaces its fields (omitted fields are kept); `disabled: true` on such a
    /// rule removes it; new ids are added after the built-in rules.
    pub fn extended(admin_yaml: &str) -> Result<Rules, String> {
        let base = builtin_file()?;
        let rules = merge(Vec::new(), base.rules)?;
        let admin = parse_file(admin_yaml)?;
        let nouns = base.nouns.and(admin.nouns);
        let mut rules = compile(merge(rules, admin.rules)?, &nouns)?;
        rules.fingerprint = digest(&[BUILTIN_YAML, ROLES, admin_yaml]);
        Ok(rules)
    }

    /// The built-in rules, extended by the file at `path` when it exists.
    pub fn load(path: &Path) -> Result<Rules, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Rules::extended(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Rules::builtin(),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Findings in `text`, in order of start, no two overlapping (of overlapping matches the
    /// earlier-starting wins, then the longer, then the rule listed first). `people` are the
    /// organization's people, to recognise names.
    pub fn check(&self, text: &str, place: Place, people: &[PersonRef]) -> Vec<Finding> {
        self.check_known(text, place, &People::new(people))
    }

    /// [`check`](Self::check) with the people indexed once, for checking many texts.
    pub fn check_known(&self, text: &str, place: Place, people: &People) -> Vec<Finding> {
        let (normal, toks) = read(text);
        // One context for both: whom a word names is asked again and again, and kept.
        let cx = subject::Context::new(&toks, people, &self.lexicon);
        let mut found = self.matches(&cx, place);
        if place != Place::ActionItems {
            self.model_reads(&cx, &mut found);
        }
        self.findings(text, &normal, &toks, found)
    }

    /// What in the rule files likely does not say what its writer meant: a phrase whose
    /// alternation reads as a two-word alternative ("for lunch|the day"). The rules work as
    /// written; fika logs these at start and `fika blameless score` prints them.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// A digest of the rule files these rules were made from: equal fingerprints, equal
    /// rules (dismissals are carried over to new rules once per fingerprint).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether the rule `id` points at a person (false for a rule it does not know).
    pub fn points_at_person(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.id == id && r.points_at_person)
    }

    /// (id, name, reason) of every rule, in rule order.
    pub fn describe(&self) -> Vec<(String, String, String)> {
        self.rules
            .iter()
            .map(|r| (r.id.clone(), r.name.clone(), r.reason.clone()))
            .collect()
    }
}

/// The built-in rule file, its person nouns joined by the roles of `roles.txt`.
fn builtin_file() -> Result<rule_file::Parsed, String> {
    let mut file =
        parse_file(BUILTIN_YAML).map_err(|e| format!("built-in blameless rules: {e}"))?;
    let mut roles: Vec<&str> = grammar::word_list(ROLES).into_iter().collect();
    roles.sort_unstable();
    file.nouns
        .person
        .extend(roles.into_iter().map(str::to_string));
    Ok(file)
}

/// SHA-256 of the texts, each followed by a NUL, in hex.
fn digest(texts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for t in texts {
        h.update(t.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
