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
//! The rules are data: `blameless-rules.yaml` next to this file is built in
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

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The rules shipped with fika.
const BUILTIN_YAML: &str = include_str!("blameless-rules.yaml");

/// Pronouns that count as `{person}` inside a longer phrase.
const PRONOUNS: [&str; 5] = ["he", "she", "him", "her", "you"];

/// Words ending in 's that are contractions, not possessives.
const NOT_POSSESSIVE: [&str; 14] = [
    "it's", "that's", "there's", "here's", "what's", "who's", "where's", "when's", "how's",
    "let's", "he's", "she's", "this's", "one's",
];

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
}

/// One finding. `start`/`end` are character offsets (Unicode scalar values, not bytes) into
/// the checked text, `end` exclusive; `phrase` is the text as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    #[serde(skip)]
    pub rule_name: String,
    pub phrase: String,
    pub start: usize,
    pub end: usize,
    pub reason: String,
    pub suggestion: String,
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
}

#[derive(Debug, Clone)]
struct Rule {
    id: String,
    name: String,
    factors_only: bool,
    reason: String,
    suggestion: String,
}

#[derive(Debug, Clone)]
struct Phrase {
    rule: usize,
    elems: Vec<Elem>,
    suggestion: Option<String>,
    /// Whether `{person}` may be a pronoun (not when the phrase is `{person}` alone).
    pronouns: bool,
}

#[derive(Debug, Clone)]
enum Elem {
    /// Any of these lower-case forms.
    Word(HashSet<String>),
    Person,
    Possessive,
}

impl Rules {
    /// The rules shipped with fika (`blameless-rules.yaml`); Err only if that file is broken.
    pub fn builtin() -> Result<Rules, String> {
        let specs =
            parse_file(BUILTIN_YAML).map_err(|e| format!("built-in blameless rules: {e}"))?;
        compile(merge(Vec::new(), specs)?).map_err(|e| format!("built-in blameless rules: {e}"))
    }

    /// The built-in rules extended by an admin's file (same format): a rule whose id equals a
    /// built-in one replaces its fields (omitted fields are kept); `disabled: true` on such a
    /// rule removes it; new ids are added after the built-in rules.
    pub fn extended(admin_yaml: &str) -> Result<Rules, String> {
        let base =
            parse_file(BUILTIN_YAML).map_err(|e| format!("built-in blameless rules: {e}"))?;
        let base = merge(Vec::new(), base)?;
        let admin = parse_file(admin_yaml)?;
        compile(merge(base, admin)?)
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
        let toks = tokenize(text);
        let in_factors = place == Place::ContributingFactors;
        let applies = |p: usize| !self.rules[self.phrases[p].rule].factors_only || in_factors;

        // (start token, end token exclusive, phrase)
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for i in 0..toks.len() {
            let mut try_phrase = |p: usize| {
                if applies(p) {
                    let ph = &self.phrases[p];
                    if let Some(end) =
                        self.match_elems(&ph.elems, &toks, i, true, people, ph.pronouns)
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
            out.push(Finding {
                rule: rule.id.clone(),
                rule_name: rule.name.clone(),
                phrase: text[toks[s].bstart..toks[e - 1].bend].to_string(),
                start: toks[s].start,
                end: toks[e - 1].end,
                reason: rule.reason.clone(),
                suggestion: ph
                    .suggestion
                    .clone()
                    .unwrap_or_else(|| rule.suggestion.clone()),
            });
        }
        out
    }

    /// (id, name, reason) of every rule, in rule order.
    pub fn describe(&self) -> Vec<(String, String, String)> {
        self.rules
            .iter()
            .map(|r| (r.id.clone(), r.name.clone(), r.reason.clone()))
            .collect()
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

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug)]
struct Tok {
    /// Character offsets, end exclusive.
    start: usize,
    end: usize,
    /// Byte offsets, end exclusive.
    bstart: usize,
    bend: usize,
    /// Lower-cased, with ’ written as '.
    lower: String,
    /// Whether only a soft gap (whitespace with at most one line break, markdown emphasis, or
    /// one hyphen) separates this token from the previous one.
    joined: bool,
    /// Whether the first character is upper-case.
    cap: bool,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Words: runs of letters and digits, with apostrophes and underscores allowed between two
/// letters or digits; `@` starts a token when it is not preceded by a letter or digit (so
/// e-mail addresses are not usernames), and such a token also keeps inner '-' and '.'.
fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let word = |i: usize| i < n && chars[i].1.is_alphanumeric();
    let mut toks = Vec::new();
    let mut gap_start = 0;
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        let at = c == '@' && word(i + 1) && (i == 0 || !chars[i - 1].1.is_alphanumeric());
        if !(at || c.is_alphanumeric()) {
            i += 1;
            continue;
        }
        let s = i;
        i += 1;
        loop {
            if word(i) {
                i += 1;
            } else if i < n && word(i + 1) && word(i - 1) {
                let j = chars[i].1;
                if is_apostrophe(j) || j == '_' || (at && (j == '-' || j == '.')) {
                    i += 1;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        let mut lower = String::with_capacity(i - s);
        for &(_, ch) in &chars[s..i] {
            if is_apostrophe(ch) {
                lower.push('\'');
            } else {
                lower.extend(ch.to_lowercase());
            }
        }
        toks.push(Tok {
            start: s,
            end: i,
            bstart: chars[s].0,
            bend: if i < n { chars[i].0 } else { text.len() },
            lower,
            joined: soft_gap(chars[gap_start..s].iter().map(|&(_, c)| c)),
            cap: c.is_uppercase(),
        });
        gap_start = i;
    }
    toks
}

fn soft_gap(gap: impl Iterator<Item = char>) -> bool {
    let mut hyphens = 0;
    let mut other = 0;
    let mut newlines = 0;
    for c in gap {
        match c {
            '-' | '\u{2010}' => hyphens += 1,
            '\n' => newlines += 1,
            '*' | '_' => {}
            c if c.is_whitespace() => {}
            _ => other += 1,
        }
    }
    other == 0 && newlines <= 1 && hyphens <= 1
}

fn is_possessive(lower: &str) -> bool {
    lower.len() > 2 && lower.ends_with("'s") && !NOT_POSSESSIVE.contains(&lower)
}

fn strip_possessive(lower: &str) -> Option<&str> {
    lower.strip_suffix("'s").filter(|b| !b.is_empty())
}

// ---------------------------------------------------------------------------------------------
// People

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
            let words: Vec<String> = tokenize(&person.display_name)
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
    fn could_start(&self, tok: &Tok) -> bool {
        let l = tok.lower.as_str();
        let base = strip_possessive(l).unwrap_or(l);
        PRONOUNS.contains(&l)
            || l.starts_with('@')
            || self.names.contains_key(l)
            || self.names.contains_key(base)
    }

    /// The possible ends (exclusive token indices) of a person reference starting at token
    /// `i`, longest first.
    fn ends(&self, toks: &[Tok], i: usize, pronouns: bool) -> Vec<usize> {
        let tok = &toks[i];
        let l = tok.lower.as_str();
        let base = strip_possessive(l);
        let mut ends = Vec::new();
        if pronouns && PRONOUNS.contains(&l) {
            ends.push(i + 1);
        }
        if let Some(user) = l.strip_prefix('@') {
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

// ---------------------------------------------------------------------------------------------
// Rule file

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rules: Option<Vec<RuleSpec>>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    places: Option<PlaceSpec>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    suggestion: Option<String>,
    #[serde(default)]
    phrases: Option<Vec<PhraseSpec>>,
    #[serde(default)]
    extra_phrases: Vec<PhraseSpec>,
    #[serde(default)]
    disabled: bool,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum PlaceSpec {
    Anywhere,
    ContributingFactors,
}

#[derive(Deserialize, Clone)]
#[serde(try_from = "serde_yaml_ng::Value")]
struct PhraseSpec {
    phrase: String,
    suggestion: Option<String>,
}

impl TryFrom<serde_yaml_ng::Value> for PhraseSpec {
    type Error = String;

    fn try_from(v: serde_yaml_ng::Value) -> Result<Self, String> {
        use serde_yaml_ng::Value;
        const SHAPE: &str =
            "a phrase must be text, or a map like { phrase: \"fail to\", suggestion: \"...\" }";
        match v {
            Value::String(phrase) => Ok(PhraseSpec {
                phrase,
                suggestion: None,
            }),
            Value::Mapping(m) => {
                let mut phrase = None;
                let mut suggestion = None;
                for (k, v) in m {
                    let key = k.as_str().unwrap_or("").to_string();
                    let Value::String(s) = v else {
                        return Err(format!("the `{key}` of a phrase must be text"));
                    };
                    match key.as_str() {
                        "phrase" => phrase = Some(s),
                        "suggestion" => suggestion = Some(s),
                        _ => {
                            return Err(format!(
                                "unknown key `{key}` in a phrase (expected `phrase` and `suggestion`)"
                            ));
                        }
                    }
                }
                let phrase =
                    phrase.ok_or_else(|| format!("a phrase map needs a `phrase` key; {SHAPE}"))?;
                Ok(PhraseSpec { phrase, suggestion })
            }
            _ => Err(SHAPE.to_string()),
        }
    }
}

fn parse_file(yaml: &str) -> Result<Vec<RuleSpec>, String> {
    // A file with nothing but comments is fine: it changes nothing.
    let value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("not valid YAML: {e}"))?;
    if value.is_null() {
        return Ok(Vec::new());
    }
    let file: RuleFile =
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("bad rule file: {e}"))?;
    let specs = file.rules.unwrap_or_default();
    let mut seen = HashSet::new();
    for (n, spec) in specs.iter().enumerate() {
        let id = spec.id.as_str();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            return Err(format!(
                "rules[{n}]: the id `{id}` must be lower-case letters, digits, '-' or '_'"
            ));
        }
        if !seen.insert(id) {
            return Err(format!("rule `{id}` appears twice in the same file"));
        }
    }
    Ok(specs)
}

/// A rule with all its fields settled.
struct Resolved {
    id: String,
    name: String,
    places: PlaceSpec,
    reason: String,
    suggestion: String,
    phrases: Vec<PhraseSpec>,
}

/// Applies `over` to `base`: same id replaces the given fields, `disabled` removes, new ids
/// are appended. Rules with new ids must be complete.
fn merge(base: Vec<Resolved>, over: Vec<RuleSpec>) -> Result<Vec<Resolved>, String> {
    let mut out: Vec<Option<Resolved>> = base.into_iter().map(Some).collect();
    for spec in over {
        let pos = out
            .iter()
            .position(|r| r.as_ref().is_some_and(|r| r.id == spec.id));
        if spec.disabled {
            if let Some(pos) = pos {
                out[pos] = None;
            }
            continue;
        }
        let resolved = match pos.and_then(|p| out[p].take()) {
            Some(old) => {
                let mut phrases = spec.phrases.unwrap_or(old.phrases);
                phrases.extend(spec.extra_phrases);
                Resolved {
                    id: old.id,
                    name: spec.name.unwrap_or(old.name),
                    places: spec.places.unwrap_or(old.places),
                    reason: spec.reason.unwrap_or(old.reason),
                    suggestion: spec.suggestion.unwrap_or(old.suggestion),
                    phrases,
                }
            }
            None => {
                let id = spec.id;
                let missing = |field: &str| format!("rule `{id}`: a new rule needs `{field}`");
                let reason = spec.reason.clone().ok_or_else(|| missing("reason"))?;
                let suggestion = spec
                    .suggestion
                    .clone()
                    .ok_or_else(|| missing("suggestion"))?;
                let mut phrases = spec.phrases.unwrap_or_default();
                phrases.extend(spec.extra_phrases);
                Resolved {
                    name: spec.name.unwrap_or_else(|| id.clone()),
                    places: spec.places.unwrap_or(PlaceSpec::Anywhere),
                    reason,
                    suggestion,
                    phrases,
                    id,
                }
            }
        };
        match pos {
            Some(p) => out[p] = Some(resolved),
            None => out.push(Some(resolved)),
        }
    }
    Ok(out.into_iter().flatten().collect())
}

fn compile(resolved: Vec<Resolved>) -> Result<Rules, String> {
    let mut rules = Rules {
        rules: Vec::new(),
        phrases: Vec::new(),
        by_word: HashMap::new(),
        person_start: Vec::new(),
        possessive_start: Vec::new(),
    };
    for r in resolved {
        let id = &r.id;
        for (field, value) in [
            ("name", &r.name),
            ("reason", &r.reason),
            ("suggestion", &r.suggestion),
        ] {
            if value.trim().is_empty() {
                return Err(format!("rule `{id}`: `{field}` is empty"));
            }
        }
        if r.phrases.is_empty() {
            return Err(format!("rule `{id}` has no phrases"));
        }
        let ri = rules.rules.len();
        for spec in &r.phrases {
            let elems = parse_phrase(&spec.phrase)
                .map_err(|e| format!("rule `{id}`, phrase \"{}\": {e}", spec.phrase))?;
            let p = rules.phrases.len();
            match &elems[0] {
                Elem::Word(forms) => forms
                    .iter()
                    .for_each(|f| rules.by_word.entry(f.clone()).or_default().push(p)),
                Elem::Person => rules.person_start.push(p),
                Elem::Possessive => rules.possessive_start.push(p),
            }
            let suggestion = spec
                .suggestion
                .clone()
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().to_string());
            rules.phrases.push(Phrase {
                rule: ri,
                pronouns: elems.len() > 1,
                elems,
                suggestion,
            });
        }
        rules.rules.push(Rule {
            id: r.id.clone(),
            name: r.name.trim().to_string(),
            factors_only: r.places == PlaceSpec::ContributingFactors,
            reason: r.reason.trim().to_string(),
            suggestion: r.suggestion.trim().to_string(),
        });
    }
    Ok(rules)
}

fn parse_phrase(text: &str) -> Result<Vec<Elem>, String> {
    let mut elems = Vec::new();
    for word in text.split_whitespace() {
        if word.starts_with('{') || word.ends_with('}') {
            elems.push(match word {
                "{person}" => Elem::Person,
                "{possessive}" => Elem::Possessive,
                _ => {
                    return Err(format!(
                        "unknown placeholder `{word}` (known: {{person}}, {{possessive}}; a placeholder is a word of its own)"
                    ));
                }
            });
            continue;
        }
        let mut forms = HashSet::new();
        for alt in word.split('|') {
            let (core, exact) = match alt.strip_suffix('=') {
                Some(core) => (core, true),
                None => (alt, false),
            };
            let toks = tokenize(core);
            let single =
                toks.len() == 1 && toks[0].start == 0 && toks[0].end == core.chars().count();
            if !single || toks[0].lower.starts_with('@') {
                return Err(format!(
                    "`{alt}` is not a single word (write words separated by spaces, alternatives as a|b, \
                     and an exact word as word=; punctuation is not matched)"
                ));
            }
            let lower = toks.into_iter().next().map(|t| t.lower).unwrap_or_default();
            if exact {
                forms.insert(lower);
            } else {
                forms.extend(inflections(&lower));
            }
        }
        elems.push(Elem::Word(forms));
    }
    if elems.is_empty() {
        return Err("the phrase is empty".to_string());
    }
    Ok(elems)
}

/// `word` and its common inflections (over-generating is harmless: forms that are not
/// English words never occur in text).
fn inflections(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    for suffix in ["s", "es", "ed", "d", "ing", "ly", "ness", "ity"] {
        out.push(format!("{word}{suffix}"));
    }
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let vowel = |c: char| "aeiou".contains(c);
    if n >= 2 {
        let stem: String = chars[..n - 1].iter().collect();
        let last = chars[n - 1];
        if last == 'y' && !vowel(chars[n - 2]) {
            for suffix in ["ies", "ied", "ily", "iness"] {
                out.push(format!("{stem}{suffix}"));
            }
        }
        if last == 'e' {
            for suffix in ["ing", "ity"] {
                out.push(format!("{stem}{suffix}"));
            }
        }
        if n >= 3
            && last.is_ascii_alphabetic()
            && !vowel(last)
            && !"wxy".contains(last)
            && vowel(chars[n - 2])
            && !vowel(chars[n - 3])
        {
            for suffix in ["ed", "ing"] {
                out.push(format!("{word}{last}{suffix}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> Vec<PersonRef> {
        vec![PersonRef {
            username: "alice".into(),
            display_name: "Alice Andersson".into(),
        }]
    }

    fn rules() -> Rules {
        Rules::builtin().expect("built-in rules parse")
    }

    /// (rule, phrase, start, end) of every finding.
    fn hits_with(
        r: &Rules,
        text: &str,
        place: Place,
        people: &[PersonRef],
    ) -> Vec<(String, String, usize, usize)> {
        r.check(text, place, people)
            .into_iter()
            .map(|f| (f.rule, f.phrase, f.start, f.end))
            .collect()
    }

    fn hits(text: &str) -> Vec<(String, String, usize, usize)> {
        hits_with(&rules(), text, Place::Anywhere, &alice())
    }

    fn factors(text: &str) -> Vec<(String, String, usize, usize)> {
        hits_with(&rules(), text, Place::ContributingFactors, &alice())
    }

    fn h(rule: &str, phrase: &str, start: usize, end: usize) -> (String, String, usize, usize) {
        (rule.to_string(), phrase.to_string(), start, end)
    }

    /// The one finding in `text`, as (rule, phrase).
    fn only(text: &str) -> (String, String) {
        let found = hits(text);
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        (found[0].0.clone(), found[0].1.clone())
    }

    fn none(text: &str) {
        assert_eq!(hits(text), vec![], "{text:?} should have no findings");
    }

    #[test]
    fn builtin_parses() {
        let r = rules();
        assert!(r.phrases.len() > 30);
    }

    #[test]
    fn describe_lists_the_required_rules() {
        let ids: Vec<String> = rules()
            .describe()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        for id in [
            "counterfactual",
            "judgement",
            "human-error",
            "person-as-cause",
            "person-in-factors",
            "why-question",
        ] {
            assert!(ids.contains(&id.to_string()), "{id} missing from {ids:?}");
        }
        for (id, name, reason) in rules().describe() {
            assert!(!name.is_empty() && reason.len() > 40, "{id}");
        }
    }

    #[test]
    fn counterfactual_exact_finding() {
        let f = rules().check("We should have rolled back.", Place::Anywhere, &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "counterfactual");
        assert_eq!(f[0].rule_name, "Counterfactual");
        assert_eq!(
            (f[0].phrase.as_str(), f[0].start, f[0].end),
            ("should have", 3, 14)
        );
        assert!(f[0].reason.starts_with("Counterfactuals describe a world"));
        assert!(f[0].suggestion.contains("checklist"));
    }

    #[test]
    fn counterfactual_hits_with_case_and_inflections() {
        for (text, phrase) in [
            ("SHOULD HAVE known", "SHOULD HAVE"),
            ("She Should've checked", "Should've"),
            ("they should\u{2019}ve checked", "should\u{2019}ve"),
            ("we shouldn't have merged", "shouldn't have"),
            ("it should not have shipped", "should not have"),
            ("Bob could have paged", "could have"),
            ("the operator failed to notice", "failed to"),
            ("he fails to read it", "fails to"),
            ("failing to check", "failing to"),
            ("Fail to restart", "Fail to"),
            ("she neglects to log", "neglects to"),
            ("he neglected to log", "neglected to"),
            ("If only we had", "If only"),
            ("nobody didn't bother to check", "didn't bother"),
            ("they did not bother", "did not bother"),
            ("we ought to have known", "ought to have"),
            ("should\nhave", "should\nhave"),
            ("should  -  have", "should  -  have"),
            ("**should** have", "should** have"),
        ] {
            assert_eq!(
                only(text),
                ("counterfactual".to_string(), phrase.to_string()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn counterfactual_near_misses() {
        none("a shoulder to cry on, shoulders, shouldered");
        none("we should roll back; it could help");
        none("We should. Have a look");
        none("It could, have");
        none("should\n\nhave");
        none("fail; to");
        none("the failed_to_start counter");
        none("onlyif ifonly");
    }

    #[test]
    fn phrase_specific_suggestion() {
        let f = rules().check("The job failed to start.", Place::Anywhere, &[]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].suggestion.contains("runbook listed it"),
            "{}",
            f[0].suggestion
        );
        let f = rules().check("human error", Place::Anywhere, &[]);
        assert!(
            f[0].suggestion
                .contains("The form accepted a date in the wrong format.")
        );
    }

    #[test]
    fn judgement_hits() {
        for (text, phrase) in [
            ("a careless change", "careless"),
            ("Carelessly merged", "Carelessly"),
            ("pure carelessness", "carelessness"),
            ("SLOPPY work", "SLOPPY"),
            ("sloppily done", "sloppily"),
            ("laziness again", "laziness"),
            ("lazily reviewed", "lazily"),
            ("a lazy fix", "lazy"),
            ("stupid mistake", "stupid"),
            ("the stupidity of it", "stupidity"),
            ("negligent handling", "negligent"),
            ("gross negligence", "negligence"),
            ("incompetent", "incompetent"),
            ("Obviously wrong", "Obviously"),
            ("you simply restart", "simply"),
            ("he just had to press enter", "just had to"),
            ("you just need to press enter", "just need to"),
            ("they just needed to look", "just needed to"),
            ("_careless_ change", "careless"),
        ] {
            assert_eq!(
                only(text),
                ("judgement".to_string(), phrase.to_string()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn judgement_near_misses() {
        none("to justify it, simplify the simple rules, justice");
        none("we shipped just in time; just so");
        none("Lazarus came back");
        none("it was not obvious at the time");
        none("sloppyjoe carelessness_metric");
    }

    #[test]
    fn human_error() {
        assert_eq!(
            hits("Root cause: human error."),
            vec![h("human-error", "human error", 12, 23)]
        );
        assert_eq!(
            only("Human Errors happen"),
            ("human-error".into(), "Human Errors".into())
        );
        assert_eq!(
            only("it was operator error"),
            ("human-error".into(), "operator error".into())
        );
        assert_eq!(
            only("classic user error"),
            ("human-error".into(), "user error".into())
        );
        none("the user errored out");
        none("human, error");
        none("a user-facing error");
    }

    #[test]
    fn person_as_cause() {
        assert_eq!(
            hits("It was Alice's fault."),
            vec![h("person-as-cause", "Alice's fault", 7, 20)]
        );
        assert_eq!(
            hits("ops\u{2019}s mistake"),
            vec![h("person-as-cause", "ops\u{2019}s mistake", 0, 13)]
        );
        assert_eq!(
            hits("Whose fault was it?"),
            vec![h("person-as-cause", "Whose fault", 0, 11)]
        );
        assert_eq!(
            hits("Alice caused the outage"),
            vec![h("person-as-cause", "Alice caused", 0, 12)]
        );
        assert_eq!(
            hits("it failed because of Alice"),
            vec![h("person-as-cause", "because of Alice", 10, 26)]
        );
        assert_eq!(
            hits("caused by @alice"),
            vec![h("person-as-cause", "caused by @alice", 0, 16)]
        );
        assert_eq!(
            hits("due to alice andersson."),
            vec![h("person-as-cause", "due to alice andersson", 0, 22)]
        );
        assert_eq!(
            hits("because of Alice Andersson's change"),
            vec![h("person-as-cause", "because of Alice Andersson's", 0, 28)]
        );
        assert_eq!(
            hits("because of him"),
            vec![h("person-as-cause", "because of him", 0, 14)]
        );
        assert_eq!(
            hits("she broke prod"),
            vec![h("person-as-cause", "she broke", 0, 9)]
        );
        assert_eq!(
            hits("Alice was to blame"),
            vec![h("person-as-cause", "Alice was to blame", 0, 18)]
        );
        assert_eq!(
            hits("Alice causes outages"),
            vec![h("person-as-cause", "Alice causes", 0, 12)]
        );
    }

    #[test]
    fn person_as_cause_near_misses() {
        none("the timeout caused a retry storm");
        none("because of the timeout");
        none("due to load; it broke");
        // A lower-case first name is not taken for a person ("alice" may be a host name).
        none("alice caused it");
        // Unknown people and e-mail addresses are not people.
        none("Bob caused it because of @bob");
        none("mail alice@example.com caused it");
        none("it's fault-tolerant; that's mistake-free");
        assert_eq!(
            hits_with(&rules(), "Alice caused it", Place::Anywhere, &[]),
            vec![]
        );
    }

    #[test]
    fn person_in_factors() {
        assert_eq!(
            factors("- @alice deployed late"),
            vec![h("person-in-factors", "@alice", 2, 8)]
        );
        assert_eq!(
            factors("Alice Andersson was on call"),
            vec![h("person-in-factors", "Alice Andersson", 0, 15)]
        );
        assert_eq!(
            factors("alice andersson was on call"),
            vec![h("person-in-factors", "alice andersson", 0, 15)]
        );
        assert_eq!(
            factors("Paged Alice late"),
            vec![h("person-in-factors", "Alice", 6, 11)]
        );
        assert_eq!(
            factors("Alice's laptop died"),
            vec![h("person-in-factors", "Alice's", 0, 7)]
        );
        assert_eq!(
            factors("@Alice's change"),
            vec![h("person-in-factors", "@Alice's", 0, 8)]
        );
        // Not outside contributing factors, not lower-case first names, not pronouns alone.
        assert_eq!(
            hits("@alice deployed late; Alice Andersson was on call"),
            vec![]
        );
        assert_eq!(factors("alice the host ran out of disk"), vec![]);
        assert_eq!(factors("she was paged at 3am; @bob too"), vec![]);
        assert_eq!(factors("the alert was noisy"), vec![]);
    }

    #[test]
    fn why_questions() {
        assert_eq!(
            hits("Why did you restart it?"),
            vec![h("why-question", "Why did you", 0, 11)]
        );
        assert_eq!(
            only("why didn\u{2019}t you page"),
            ("why-question".into(), "why didn\u{2019}t you".into())
        );
        assert_eq!(
            only("Why would he do that"),
            ("why-question".into(), "Why would he".into())
        );
        assert_eq!(
            only("why did Alice Andersson skip it"),
            ("why-question".into(), "why did Alice Andersson".into())
        );
        assert_eq!(
            only("why did @alice skip it"),
            ("why-question".into(), "why did @alice".into())
        );
        none("why did the alert not fire?");
        none("why did it take so long");
    }

    #[test]
    fn offsets_are_characters() {
        assert_eq!(
            hits("café — should have"),
            vec![h("counterfactual", "should have", 7, 18)]
        );
        assert_eq!(
            hits("Åsa's fault"),
            vec![h("person-as-cause", "Åsa's fault", 0, 11)]
        );
        assert_eq!(
            hits("Ärger 🙃: it was Åsa\u{2019}s fault"),
            vec![h("person-as-cause", "Åsa\u{2019}s fault", 16, 27)]
        );
        let people = vec![PersonRef {
            username: "åsa".into(),
            display_name: "Åsa Öberg".into(),
        }];
        assert_eq!(
            hits_with(
                &rules(),
                "Ü: because of ÅSA ÖBERG",
                Place::Anywhere,
                &people
            ),
            vec![h("person-as-cause", "because of ÅSA ÖBERG", 3, 23)]
        );
        assert_eq!(
            hits_with(&rules(), "naïve @åsa", Place::ContributingFactors, &people),
            vec![h("person-in-factors", "@åsa", 6, 10)]
        );
    }

    #[test]
    fn findings_are_ordered_and_do_not_overlap() {
        let text = "Alice caused it. Why did you not see it? It was careless; you should have simply waited. Human error.";
        assert_eq!(
            factors(text),
            vec![
                h("person-as-cause", "Alice caused", 0, 12),
                h("why-question", "Why did you", 17, 28),
                h("judgement", "careless", 48, 56),
                h("counterfactual", "should have", 62, 73),
                h("judgement", "simply", 74, 80),
                h("human-error", "Human error", 89, 100),
            ]
        );
        // Possessive fault beats the name alone (same start, longer).
        assert_eq!(
            factors("Alice's fault"),
            vec![h("person-as-cause", "Alice's fault", 0, 13)]
        );
        // The earlier start wins over the name inside it.
        assert_eq!(
            factors("because of Alice"),
            vec![h("person-as-cause", "because of Alice", 0, 16)]
        );
    }

    #[test]
    fn overlap_resolution_between_rules() {
        let r = Rules::extended(
            "rules:\n  - id: late\n    reason: Test reason.\n    suggestion: Test suggestion.\n    phrases: [have rolled back, should have known]\n",
        )
        .unwrap();
        // Earlier start wins.
        assert_eq!(
            hits_with(&r, "we should have rolled back", Place::Anywhere, &[]),
            vec![h("counterfactual", "should have", 3, 14)]
        );
        // Same start: the longer wins.
        assert_eq!(
            hits_with(&r, "we should have known", Place::Anywhere, &[]),
            vec![h("late", "should have known", 3, 20)]
        );
        // Same span: the rule listed first wins.
        let r = Rules::extended(
            "rules:\n  - id: dup\n    reason: r.\n    suggestion: s.\n    phrases: [should have]\n",
        )
        .unwrap();
        assert_eq!(
            hits_with(&r, "should have", Place::Anywhere, &[]),
            vec![h("counterfactual", "should have", 0, 11)]
        );
    }

    #[test]
    fn extended_replaces_a_rule() {
        let r = Rules::extended(
            "rules:\n  - id: counterfactual\n    phrases:\n      - ought to\n      - { phrase: would have, suggestion: Say what happened. }\n",
        )
        .unwrap();
        assert_eq!(
            hits_with(&r, "we should have", Place::Anywhere, &[]),
            vec![]
        );
        let f = r.check("We would have known", Place::Anywhere, &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (
                f[0].rule.as_str(),
                f[0].phrase.as_str(),
                f[0].start,
                f[0].end
            ),
            ("counterfactual", "would have", 3, 13)
        );
        assert_eq!(f[0].suggestion, "Say what happened.");
        assert!(f[0].reason.starts_with("Counterfactuals")); // kept from the built-in rule
        assert_eq!(r.describe()[0].0, "counterfactual"); // keeps its place
    }

    #[test]
    fn extended_extra_phrases_and_places() {
        let r = Rules::extended(
            "rules:\n  - id: judgement\n    places: contributing_factors\n    extra_phrases: [heroic]\n",
        )
        .unwrap();
        assert_eq!(
            hits_with(&r, "careless heroics", Place::Anywhere, &[]),
            vec![]
        );
        assert_eq!(
            hits_with(&r, "careless heroics", Place::ContributingFactors, &[]),
            vec![
                h("judgement", "careless", 0, 8),
                h("judgement", "heroics", 9, 16)
            ]
        );
    }

    #[test]
    fn extended_disables_a_rule() {
        let r = Rules::extended("rules:\n  - id: judgement\n    disabled: true\n  - id: not-there\n    disabled: true\n").unwrap();
        assert_eq!(
            hits_with(&r, "a careless change", Place::Anywhere, &[]),
            vec![]
        );
        assert!(!r.describe().iter().any(|(id, _, _)| id == "judgement"));
        assert_eq!(r.describe().len(), rules().describe().len() - 1);
    }

    #[test]
    fn extended_adds_a_rule() {
        let r = Rules::extended(
            "# our extra rules\nrules:\n  - id: hero\n    name: Hero culture\n    reason: Heroics hide the missing process.\n    suggestion: Name the missing process.\n    phrases: [\"hero\", \"saved the day=\", \"{person} singlehandedly=\"]\n",
        )
        .unwrap();
        assert_eq!(
            hits_with(
                &r,
                "Alice singlehandedly fixed it; a hero. She saved the days.",
                Place::Anywhere,
                &[]
            ),
            vec![h("hero", "hero", 33, 37)]
        );
        assert_eq!(
            hits_with(
                &r,
                "Alice singlehandedly fixed it; a hero.",
                Place::Anywhere,
                &alice()
            ),
            vec![
                h("hero", "Alice singlehandedly", 0, 20),
                h("hero", "hero", 33, 37)
            ]
        );
        let f = r.check("our heroes saved the day", Place::Anywhere, &alice());
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].phrase.as_str(), f[1].phrase.as_str()),
            ("heroes", "saved the day")
        );
        assert_eq!(
            (f[0].rule_name.as_str(), f[0].suggestion.as_str()),
            ("Hero culture", "Name the missing process.")
        );
        assert_eq!(r.describe().last().unwrap().0, "hero");
    }

    #[test]
    fn extended_accepts_an_empty_file() {
        assert_eq!(Rules::extended("").unwrap().describe(), rules().describe());
        assert_eq!(
            Rules::extended("# nothing yet\n").unwrap().describe(),
            rules().describe()
        );
        assert_eq!(
            Rules::extended("rules: []\n").unwrap().describe(),
            rules().describe()
        );
    }

    #[test]
    fn broken_files_are_explained() {
        let err = |yaml: &str| Rules::extended(yaml).expect_err(yaml);
        let e = err("rules: [ {id: x");
        assert!(e.contains("not valid YAML"), "{e}");
        let e = err("rules:\n  - id: new-rule\n    phrases: [a]\n    suggestion: s\n");
        assert!(e.contains("new-rule") && e.contains("reason"), "{e}");
        let e = err("rules:\n  - id: new-rule\n    reason: r\n    suggestion: s\n");
        assert!(e.contains("new-rule") && e.contains("no phrases"), "{e}");
        let e = err("rules:\n  - id: judgement\n    phrase: [a]\n");
        assert!(e.contains("unknown field `phrase`"), "{e}");
        let e = err("rules:\n  - id: judgement\n    places: factors\n");
        assert!(
            e.contains("factors") && e.contains("contributing_factors"),
            "{e}"
        );
        let e = err("rules:\n  - id: judgement\n    phrases: [\"blame {who}\"]\n");
        assert!(
            e.contains("judgement") && e.contains("{who}") && e.contains("{person}"),
            "{e}"
        );
        let e = err("rules:\n  - id: judgement\n    phrases: [\"co-worker\"]\n");
        assert!(
            e.contains("judgement") && e.contains("co-worker") && e.contains("single word"),
            "{e}"
        );
        let e = err("rules:\n  - id: judgement\n    phrases: [{ phrase: x, hint: y }]\n");
        assert!(e.contains("hint"), "{e}");
        let e = err("rules:\n  - id: judgement\n    phrases: [[a, b]]\n");
        assert!(e.contains("a phrase must be text"), "{e}");
        let e = err("rules:\n  - id: Bad Id\n    disabled: true\n");
        assert!(e.contains("Bad Id"), "{e}");
        let e = err("rules:\n  - id: a\n    disabled: true\n  - id: a\n    disabled: true\n");
        assert!(e.contains("`a` appears twice"), "{e}");
        let e = err("rulez: []\n");
        assert!(e.contains("rulez"), "{e}");
        let e = err("rules:\n  - id: judgement\n    phrases: [\"   \"]\n");
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn load_reads_an_admin_file_when_present() {
        let dir = std::env::temp_dir().join(format!("fika-blameless-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.yaml");
        assert_eq!(
            Rules::load(&missing).unwrap().describe(),
            rules().describe()
        );
        let good = dir.join("good.yaml");
        std::fs::write(&good, "rules:\n  - id: why-question\n    disabled: true\n").unwrap();
        assert_eq!(
            Rules::load(&good).unwrap().describe().len(),
            rules().describe().len() - 1
        );
        let bad = dir.join("bad.yaml");
        std::fs::write(&bad, "rules: {").unwrap();
        let e = Rules::load(&bad).unwrap_err();
        assert!(e.contains("bad.yaml"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn finding_serializes_with_the_contract_keys() {
        let f = rules().check("human error", Place::Anywhere, &[]);
        let v = serde_json::to_value(&f[0]).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            ["end", "phrase", "reason", "rule", "start", "suggestion"]
        );
        assert_eq!(v["rule"], "human-error");
        assert_eq!(v["start"], 0);
        assert_eq!(v["end"], 11);
    }

    #[test]
    fn inflection_rules() {
        let forms = inflections("slip");
        for f in ["slips", "slipped", "slipping", "slipness"] {
            assert!(forms.contains(&f.to_string()), "{f}");
        }
        let forms = inflections("lazy");
        for f in ["lazily", "laziness", "lazies", "lazied"] {
            assert!(forms.contains(&f.to_string()), "{f}");
        }
        assert!(inflections("blame").contains(&"blaming".to_string()));
        assert!(!inflections("fail").contains(&"faill".to_string()));
        assert!(!inflections("should").contains(&"shoulder".to_string()));
    }

    #[test]
    fn big_text_finds_every_hit() {
        let para = "The deploy went out at 14:05 and the cache warmed slowly; Åsa watched the dashboard. \
                    We should have rolled back sooner, but the alert was quiet. Alice caused nothing. ";
        let text = para.repeat(100_000 / para.len() + 1);
        let people: Vec<PersonRef> = (0..500)
            .map(|i| PersonRef {
                username: format!("user{i}"),
                display_name: format!("Person{i} Surname{i}"),
            })
            .chain(alice())
            .collect();
        let r = rules();
        let f = r.check(&text, Place::ContributingFactors, &people);
        assert_eq!(f.len(), 2 * (100_000 / para.len() + 1));
    }
}
