//! The compiled rule table: each rule's phrases parsed into elements, their words expanded
//! to inflected forms, and indexed by what their first element can match.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::Rules;
use super::grammar::{DET, class};
use super::rule_file::{Nouns, PhraseSpec, PlaceSpec, Resolved, SubjectSpec};
use super::subject::Lexicon;
use super::tokens::read;

#[derive(Debug, Clone)]
pub(super) struct Rule {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) factors_only: bool,
    pub(super) reason: String,
    pub(super) suggestion: String,
    /// Its findings point at a person (see `Finding::points_at_person`).
    pub(super) points_at_person: bool,
}

/// What the sentence around a match must hold for it to count: one of `only_with` (when
/// there are any), none of `not_with`, and none of `unless_after` past the match's start.
#[derive(Debug, Default)]
pub(super) struct Needs {
    pub(super) only_with: Cues,
    pub(super) not_with: Cues,
    pub(super) unless_after: Cues,
}

impl Needs {
    pub(super) fn is_empty(&self) -> bool {
        [&self.only_with, &self.not_with, &self.unless_after]
            .iter()
            .all(|cues| cues.phrases.is_empty())
    }
}

/// Phrases looked for around a match, indexed like the rule table: a sentence is searched
/// one hash lookup per word, not once per phrase and word.
#[derive(Debug, Default)]
pub(super) struct Cues {
    pub(super) phrases: Vec<Vec<Elem>>,
    /// Word form → phrases whose first word (after `{start}`) takes that form.
    by_word: HashMap<String, Vec<usize>>,
    /// Phrases that start with a placeholder, tried at every word.
    other: Vec<usize>,
}

impl Cues {
    fn new(phrases: Vec<Vec<Elem>>) -> Cues {
        let mut cues = Cues::default();
        for (n, elems) in phrases.iter().enumerate() {
            let lead = match elems.as_slice() {
                [Elem::Start, second, ..] => second,
                elems => &elems[0],
            };
            match lead {
                Elem::Word(forms) => forms
                    .iter()
                    .for_each(|f| cues.by_word.entry(f.clone()).or_default().push(n)),
                _ => cues.other.push(n),
            }
        }
        cues.phrases = phrases;
        cues
    }

    /// The phrases that may start at a word of this lower-cased form.
    pub(super) fn at<'a>(&'a self, lower: &str) -> impl Iterator<Item = &'a [Elem]> + 'a {
        let hits = self
            .by_word
            .get(lower)
            .map(Vec::as_slice)
            .unwrap_or_default();
        hits.iter()
            .chain(&self.other)
            .map(|&n| self.phrases[n].as_slice())
    }
}

#[derive(Debug, Clone)]
pub(super) struct Phrase {
    pub(super) rule: usize,
    pub(super) elems: Vec<Elem>,
    pub(super) suggestion: Option<String>,
    pub(super) reason: Option<String>,
    /// Whether `{person}` may be a pronoun or an `@mention` (not when the phrase is
    /// `{person}` alone: a lone "she" or a mention is no finding).
    pub(super) pronouns: bool,
    /// Whom the match must be said of: `Any` when the phrase names its person itself
    /// (`{person}`, `{someone}`, `{name}`) or its rule does not care.
    pub(super) subject: SubjectSpec,
    /// Words that, right after the phrase, mean something else: each a sequence of word
    /// forms ("is not").
    pub(super) unless_next: Vec<Vec<HashSet<String>>>,
    /// Whether the phrase counts only in scare quotes.
    pub(super) scare_quoted: bool,
    /// Whether a question the next sentence answers is no finding ("Why did he restart the
    /// wrong node? The node names differ only in the last digit.": a 5-whys step).
    pub(super) unless_answered: bool,
    /// A match stands only where the model reads its sentence as blame at least this likely
    /// (the phrase's own floor, else its rule's; see `Rules::model_reads`).
    pub(super) model_floor: f64,
    /// The rule's or the phrase's own `only_with` / `not_with`.
    pub(super) needs: Arc<Needs>,
}

#[derive(Debug, Clone)]
pub(super) enum Elem {
    /// Any of these lower-case forms.
    Word(HashSet<String>),
    Person,
    Possessive,
    /// Any reference to a person: a known person, a pronoun, a role noun phrase, a name.
    Someone,
    /// A person by name: a known person, an `@mention`, a name-like word.
    Name,
    /// Any past-tense verb but the response's ("noticed", "paged", "rolled"…): what
    /// someone did ("attached", "sent").
    Act,
    /// Any -ing form but the response's or a condition's ("noticing", "covering"…): what
    /// someone was doing, as a contributing factor tells it ("Kofi leaving tickets open").
    Doing,
    /// Matches no word: the start of a sentence or clause.
    Start,
    /// Matches no word: the end of a sentence or clause.
    End,
}

pub(super) fn compile(resolved: Vec<Resolved>, nouns: &Nouns) -> Result<Rules, String> {
    let mut rules = Rules {
        rules: Vec::new(),
        phrases: Vec::new(),
        by_word: HashMap::new(),
        person_start: Vec::new(),
        possessive_start: Vec::new(),
        someone_start: Vec::new(),
        act_start: Vec::new(),
        fingerprint: String::new(),
        lexicon: Lexicon::new(nouns),
        model: None,
        warnings: Vec::new(),
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
        let ri = rules.rules.len();
        let needs = Arc::new(
            needs_of(&r.only_with, &r.not_with, &[]).map_err(|e| format!("rule `{id}`, {e}"))?,
        );
        if *id == super::model::RULE {
            super::model::attach(&mut rules, ri, Arc::clone(&needs))?;
        } else if r.phrases.is_empty() {
            return Err(format!("rule `{id}` has no phrases"));
        }
        rules.warnings.extend(doubts(&r));
        for spec in &r.phrases {
            let p = rules.phrases.len();
            let phrase_needs = if spec.only_with.is_none()
                && spec.not_with.is_none()
                && spec.unless_after.is_empty()
            {
                Ok(Arc::clone(&needs))
            } else {
                needs_of(
                    spec.only_with.as_ref().unwrap_or(&r.only_with),
                    spec.not_with.as_ref().unwrap_or(&r.not_with),
                    &spec.unless_after,
                )
                .map(Arc::new)
            };
            let phrase = phrase_needs
                .and_then(|needs| compile_phrase(spec, &r, ri, needs))
                .map_err(|e| format!("rule `{id}`, phrase \"{}\": {e}", spec.phrase))?;
            if !index_lead(&mut rules, p, &phrase) {
                return Err(format!(
                    "rule `{id}`, phrase \"{}\": a phrase begins with a word, a person, a \
                     possessive or {{act}} ({{start}} is followed by one; {{doing}} and \
                     {{end}} come after one)",
                    spec.phrase
                ));
            }
            rules.phrases.push(phrase);
        }
        rules.rules.push(Rule {
            id: r.id.clone(),
            name: r.name.trim().to_string(),
            factors_only: r.places == PlaceSpec::ContributingFactors,
            reason: r.reason.trim().to_string(),
            suggestion: r.suggestion.trim().to_string(),
            points_at_person: r.points_at_person,
        });
    }
    Ok(rules)
}

/// Files phrase `p` under the kind of its first word (after `{start}`), where matching
/// looks for it; false if that word matches no word by itself.
fn index_lead(rules: &mut Rules, p: usize, phrase: &Phrase) -> bool {
    let lead = match &phrase.elems[0] {
        Elem::Start => &phrase.elems[1],
        e => e,
    };
    match lead {
        Elem::Word(forms) => forms
            .iter()
            .for_each(|f| rules.by_word.entry(f.clone()).or_default().push(p)),
        Elem::Person => rules.person_start.push(p),
        Elem::Possessive => rules.possessive_start.push(p),
        Elem::Someone | Elem::Name => rules.someone_start.push(p),
        Elem::Act => rules.act_start.push(p),
        Elem::Start | Elem::End | Elem::Doing => return false,
    }
    true
}

/// The compiled `only_with`, `not_with` and `unless_after` phrases.
fn needs_of(
    only_with: &[String],
    not_with: &[String],
    unless_after: &[String],
) -> Result<Needs, String> {
    let compile = |list: &[String], field: &str| {
        list.iter()
            .map(|t| parse_phrase(t).map_err(|e| format!("{field} \"{t}\": {e}")))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(Needs {
        only_with: Cues::new(compile(only_with, "only_with")?),
        not_with: Cues::new(compile(not_with, "not_with")?),
        unless_after: Cues::new(compile(unless_after, "unless_after")?),
    })
}

fn compile_phrase(
    spec: &PhraseSpec,
    of: &Resolved,
    rule: usize,
    needs: Arc<Needs>,
) -> Result<Phrase, String> {
    let elems = parse_phrase(&spec.phrase)?;
    if matches!(
        elems.as_slice(),
        [Elem::Start] | [Elem::Start, Elem::Start, ..]
    ) {
        return Err("{start} must be followed by a word".to_string());
    }
    let names_someone = elems
        .iter()
        .any(|e| matches!(e, Elem::Person | Elem::Someone | Elem::Name));
    let subject = spec.subject.unwrap_or(of.subject);
    let mut unless_next = Vec::new();
    for w in &spec.unless_next {
        let words = parse_phrase(w)?
            .into_iter()
            .map(|e| match e {
                Elem::Word(forms) => Ok(forms),
                _ => Err(format!(
                    "`unless_next` takes words, not placeholders: \"{w}\""
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        unless_next.push(words);
    }
    let own = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (suggestion, reason) = (own(&spec.suggestion), own(&spec.reason));
    Ok(Phrase {
        needs,
        rule,
        pronouns: elems.len() > 1,
        subject: if names_someone {
            SubjectSpec::Any
        } else {
            subject
        },
        unless_next,
        scare_quoted: spec.scare_quoted,
        unless_answered: spec.unless_answered,
        model_floor: spec.model_floor.unwrap_or(of.model_floor),
        elems,
        suggestion,
        reason,
    })
}

/// The warnings of `doubtful_alternation` for a rule's phrases and conditions.
fn doubts(r: &Resolved) -> Vec<String> {
    let own = r.phrases.iter().flat_map(|s| {
        let lists = [&s.only_with, &s.not_with];
        lists.into_iter().flatten().flatten().chain(&s.unless_after)
    });
    let lists = r.only_with.iter().chain(&r.not_with).chain(own);
    r.phrases
        .iter()
        .map(|s| &s.phrase)
        .chain(lists)
        .filter_map(|text| {
            doubtful_alternation(text)
                .map(|doubt| format!("rule `{}`, phrase \"{text}\": {doubt}", r.id))
        })
        .collect()
}

/// Words of quantity that, besides the determiners, may stand for an article in an
/// alternation ("waited= an|two|several hours").
const QUANTITIES: &[&str] = &[
    "several", "many", "few", "two", "three", "four", "five", "ten", "twenty", "thirty", "forty",
    "fifty", "sixty", "ninety",
];

/// Why an alternation in `text` likely says what its writer did not mean, if it does.
/// Alternatives are one word each, so "for lunch|the day" is "for", then "lunch" or "the",
/// then "day", never "for lunch". Three signs of a two-word alternative gone wrong: an
/// article among other words with more words to follow (at the end, "muted the|it" is a
/// fair way to say "muted the…"), one word offered in two neighbouring positions
/// ("did|does not|do not"), and a contraction followed by the "not" it already holds
/// ("didn't|did not feel" asks for "didn't not feel"). A warning, not an error: the
/// phrase is valid and an admin's file keeps loading.
fn doubtful_alternation(text: &str) -> Option<String> {
    let positions: Vec<Vec<String>> = text
        .split_whitespace()
        .map(|w| {
            w.split('|')
                .map(|a| a.trim_end_matches('=').to_lowercase())
                .collect()
        })
        .collect();
    let article = |a: &String| ["a", "an", "the"].contains(&a.as_str());
    for (i, alts) in positions.iter().enumerate().filter(|(_, a)| a.len() > 1) {
        let other = alts
            .iter()
            .find(|a| !(class(DET, a) || QUANTITIES.contains(&a.as_str())));
        let last = i + 1 == positions.len();
        if let (Some(art), Some(other), false) = (alts.iter().find(|a| article(a)), other, last) {
            return Some(format!(
                "\"{art}\" and \"{other}\" are alternatives for one word, so every word after \
                 them is needed by both; write a two-word alternative as a phrase of its own"
            ));
        }
        let next_not = positions
            .get(i + 1)
            .is_some_and(|n| n.iter().any(|a| a == "not"));
        if let (Some(short), true) = (alts.iter().find(|a| a.ends_with("n't")), next_not) {
            return Some(format!(
                "\"{short}\" is followed by \"not\", so the phrase asks for \"{short} not\"; \
                 write the contraction and its two words as phrases of their own"
            ));
        }
        if let Some(twice) = positions
            .get(i + 1)
            .and_then(|next| alts.iter().find(|a| next.contains(a)))
        {
            return Some(format!(
                "\"{twice}\" is an alternative in two neighbouring words, so the phrase needs \
                 more words than any one way of saying it has; write each way as a phrase of \
                 its own"
            ));
        }
    }
    None
}

fn parse_phrase(text: &str) -> Result<Vec<Elem>, String> {
    let mut elems = Vec::new();
    for word in text.split_whitespace() {
        if word.starts_with('{') || word.ends_with('}') {
            elems.push(match word {
                "{person}" => Elem::Person,
                "{someone}" => Elem::Someone,
                "{name}" => Elem::Name,
                "{act}" => Elem::Act,
                "{doing}" => Elem::Doing,
                "{possessive}" => Elem::Possessive,
                "{start}" if elems.is_empty() => Elem::Start,
                "{end}" => Elem::End,
                "{start}" => return Err("{start} can only begin a phrase".to_string()),
                _ => {
                    return Err(format!(
                        "unknown placeholder `{word}` (known: {{person}}, {{someone}}, {{name}}, {{possessive}}, {{act}}, {{doing}}, {{start}}, {{end}}; a placeholder is a word of its own)"
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
            let (normal, toks) = read(core);
            let single =
                toks.len() == 1 && toks[0].start == 0 && toks[0].end == normal.text.chars().count();
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

/// `word` and its common inflections (over-generating is harmless where the forms that are
/// not English words never occur in text).
pub(super) fn inflections(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    for suffix in ["s", "ed", "d", "ing", "ly", "ness", "ity"] {
        out.push(format!("{word}{suffix}"));
    }
    // "-es" only where English writes it, after a hiss or an o ("fixes", "pushes", "goes"):
    // after another letter it makes other words ("sit" → "sites", "not" → "notes").
    if ["s", "x", "z", "ch", "sh", "o"]
        .iter()
        .any(|end| word.ends_with(end))
    {
        out.push(format!("{word}es"));
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
