//! The rule file as written: its YAML shape, the checks on ids, and how an admin's file
//! is merged over the built-in one into complete rules.

use std::collections::HashSet;

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rules: Option<Vec<RuleSpec>>,
    #[serde(default)]
    person_nouns: Vec<String>,
    #[serde(default)]
    system_nouns: Vec<String>,
}

/// A rule file as read: its rules, and the nouns it adds to the words that tell a person
/// from a system (each entry one or more words, matched on the last word's plural too).
pub(super) struct Parsed {
    pub(super) rules: Vec<RuleSpec>,
    pub(super) nouns: Nouns,
}

/// Nouns that name people by role ("engineer", "on call") and nouns that name systems.
#[derive(Debug, Clone, Default)]
pub(super) struct Nouns {
    pub(super) person: Vec<String>,
    pub(super) system: Vec<String>,
}

impl Nouns {
    /// These nouns and `more`'s.
    pub(super) fn and(mut self, more: Nouns) -> Nouns {
        self.person.extend(more.person);
        self.system.extend(more.system);
        self
    }
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleSpec {
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
    /// Its findings point at a person: they cannot be accepted in bulk at review.
    #[serde(default)]
    points_at_person: Option<bool>,
    /// `person`: a phrase counts only when said of a person (see the file's header).
    #[serde(default)]
    subject: Option<SubjectSpec>,
    /// Phrases of which the sentence must hold one for the rule's phrases to count.
    #[serde(default)]
    only_with: Option<Vec<String>>,
    /// Phrases of which the sentence must hold none for the rule's phrases to count.
    #[serde(default)]
    not_with: Option<Vec<String>>,
    /// The least probability of blame the model of `narrative-blame` must give a sentence
    /// for this rule's finding in it to stand; 0 leaves the rule to its phrases alone.
    #[serde(default)]
    model_floor: Option<f64>,
}

/// Whom a phrase must be said of to count.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub(super) enum SubjectSpec {
    /// Anyone or anything.
    Any,
    /// A person: a name, a role noun, a pronoun for a person.
    Person,
    /// A person or something named as a person's ("Mei's PR introduced the leak").
    Actor,
    /// A person, or a noun phrase the checker cannot place: for what only people do ("the
    /// roustabout was not paying attention"), where a trade's role the lists lack is still
    /// a person. A known thing stays a thing, and "we" the team.
    NotAThing,
    /// A person doing it: the phrase is the verb of its clause and the subject a person
    /// ("Mateo ran…", not "froze deploys").
    Doer,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(super) enum PlaceSpec {
    Anywhere,
    ContributingFactors,
}

#[derive(Deserialize, Clone)]
#[serde(try_from = "serde_yaml_ng::Value")]
pub(super) struct PhraseSpec {
    pub(super) phrase: String,
    pub(super) suggestion: Option<String>,
    /// Overrides the rule's `reason`: a phrase of a broad rule whose reason would not fit
    /// it (a motive read into an act is no "judging word").
    pub(super) reason: Option<String>,
    /// Overrides the rule's `subject` for this phrase.
    pub(super) subject: Option<SubjectSpec>,
    /// Words (with their inflections) that, right after the phrase, mean it is something
    /// else ("lazy loading").
    pub(super) unless_next: Vec<String>,
    /// Override the rule's `only_with` / `not_with` for this phrase.
    pub(super) only_with: Option<Vec<String>>,
    pub(super) not_with: Option<Vec<String>>,
    /// Phrases that, later in the sentence, clear this phrase: the reason that made the act
    /// reasonable ("did not escalate … because the score stayed below the threshold"),
    /// which before it ("because the coordinator did not think…") clears nothing.
    pub(super) unless_after: Vec<String>,
    /// The phrase counts only in scare quotes ('Ingrid's "quick fix"').
    pub(super) scare_quoted: bool,
    /// A question the next sentence answers is analysis, not a demand: no finding.
    pub(super) unless_answered: bool,
    /// Overrides the rule's `model_floor` for this phrase (0: a phrase that is blame in
    /// any sentence, "no thanks to", stands however much credit is around it).
    pub(super) model_floor: Option<f64>,
}

impl PhraseSpec {
    fn plain(phrase: String) -> PhraseSpec {
        PhraseSpec {
            phrase,
            suggestion: None,
            reason: None,
            subject: None,
            unless_next: Vec::new(),
            only_with: None,
            not_with: None,
            unless_after: Vec::new(),
            scare_quoted: false,
            unless_answered: false,
            model_floor: None,
        }
    }
}

impl TryFrom<serde_yaml_ng::Value> for PhraseSpec {
    type Error = String;

    fn try_from(v: serde_yaml_ng::Value) -> Result<Self, String> {
        use serde_yaml_ng::Value;
        const SHAPE: &str = "a phrase must be text, or a map like { phrase: \"fail to\", suggestion: \"...\" } \
             (keys: phrase, suggestion, reason, subject, unless_next, unless_after, only_with, not_with, \
             scare_quoted, unless_answered, model_floor)";
        match v {
            Value::String(phrase) => Ok(PhraseSpec::plain(phrase)),
            Value::Mapping(m) => {
                let mut spec = PhraseSpec::plain(String::new());
                let words = |v: Value, key: &str| {
                    serde_yaml_ng::from_value::<Vec<String>>(v)
                        .map_err(|_| format!("`{key}` must be a list of phrases"))
                };
                let mut phrase = None;
                for (k, v) in m {
                    let key = k.as_str().unwrap_or("").to_string();
                    match (key.as_str(), v) {
                        ("phrase", Value::String(s)) => phrase = Some(s),
                        ("suggestion", Value::String(s)) => spec.suggestion = Some(s),
                        ("reason", Value::String(s)) => spec.reason = Some(s),
                        ("subject", v) => {
                            spec.subject = Some(serde_yaml_ng::from_value(v).map_err(|_| {
                                "the `subject` of a phrase must be `person`, `actor`, `doer` or `any`"
                                    .to_string()
                            })?)
                        }
                        ("unless_next", v) => {
                            spec.unless_next = serde_yaml_ng::from_value(v)
                                .map_err(|_| "`unless_next` must be a list of words".to_string())?
                        }
                        ("only_with", v) => spec.only_with = Some(words(v, "only_with")?),
                        ("not_with", v) => spec.not_with = Some(words(v, "not_with")?),
                        ("unless_after", v) => spec.unless_after = words(v, "unless_after")?,
                        ("scare_quoted", Value::Bool(b)) => spec.scare_quoted = b,
                        ("unless_answered", Value::Bool(b)) => spec.unless_answered = b,
                        ("model_floor", v) => {
                            spec.model_floor = floor("a phrase", v.as_f64())?;
                            if spec.model_floor.is_none() {
                                return Err("`model_floor` must be a number".to_string());
                            }
                        }
                        ("scare_quoted" | "unless_answered", _) => {
                            return Err(format!("`{key}` must be true or false"));
                        }
                        ("phrase" | "suggestion" | "reason", _) => {
                            return Err(format!("the `{key}` of a phrase must be text"));
                        }
                        _ => return Err(format!("unknown key `{key}` in a phrase; {SHAPE}")),
                    }
                }
                spec.phrase =
                    phrase.ok_or_else(|| format!("a phrase map needs a `phrase` key; {SHAPE}"))?;
                Ok(spec)
            }
            _ => Err(SHAPE.to_string()),
        }
    }
}

pub(super) fn parse_file(yaml: &str) -> Result<Parsed, String> {
    // A file with nothing but comments is fine: it changes nothing.
    let value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("not valid YAML: {e}"))?;
    if value.is_null() {
        return Ok(Parsed {
            rules: Vec::new(),
            nouns: Nouns::default(),
        });
    }
    let file: RuleFile =
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("bad rule file: {e}"))?;
    let nouns = Nouns {
        person: file.person_nouns,
        system: file.system_nouns,
    };
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
    Ok(Parsed {
        rules: specs,
        nouns,
    })
}

/// A rule with all its fields settled.
pub(super) struct Resolved {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) places: PlaceSpec,
    pub(super) reason: String,
    pub(super) suggestion: String,
    pub(super) phrases: Vec<PhraseSpec>,
    pub(super) points_at_person: bool,
    pub(super) subject: SubjectSpec,
    pub(super) only_with: Vec<String>,
    pub(super) not_with: Vec<String>,
    pub(super) model_floor: f64,
}

/// Applies `over` to `base`: same id replaces the given fields, `disabled` removes, new ids
/// are appended. Rules with new ids must be complete.
pub(super) fn merge(base: Vec<Resolved>, over: Vec<RuleSpec>) -> Result<Vec<Resolved>, String> {
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
                    points_at_person: spec.points_at_person.unwrap_or(old.points_at_person),
                    subject: spec.subject.unwrap_or(old.subject),
                    only_with: spec.only_with.unwrap_or(old.only_with),
                    not_with: spec.not_with.unwrap_or(old.not_with),
                    model_floor: floor(&format!("rule `{}`", spec.id), spec.model_floor)?
                        .unwrap_or(old.model_floor),
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
                    points_at_person: spec.points_at_person.unwrap_or(false),
                    subject: spec.subject.unwrap_or(SubjectSpec::Any),
                    only_with: spec.only_with.unwrap_or_default(),
                    not_with: spec.not_with.unwrap_or_default(),
                    model_floor: floor(&format!("rule `{id}`"), spec.model_floor)?.unwrap_or(0.0),
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

/// A `model_floor` of `what` ("rule `x`", "a phrase"), if given, once it is known to be a
/// probability.
fn floor(what: &str, given: Option<f64>) -> Result<Option<f64>, String> {
    match given {
        Some(f) if !(0.0..1.0).contains(&f) => Err(format!(
            "{what}: model_floor is a probability from 0 up to (not including) 1, not {f}"
        )),
        _ => Ok(given),
    }
}
