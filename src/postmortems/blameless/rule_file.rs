//! The rule file as written: its YAML shape, the checks on ids, and how an admin's file
//! is merged over the built-in one into complete rules.

use std::collections::HashSet;

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rules: Option<Vec<RuleSpec>>,
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

pub(super) fn parse_file(yaml: &str) -> Result<Vec<RuleSpec>, String> {
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
pub(super) struct Resolved {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) places: PlaceSpec,
    pub(super) reason: String,
    pub(super) suggestion: String,
    pub(super) phrases: Vec<PhraseSpec>,
    pub(super) points_at_person: bool,
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
