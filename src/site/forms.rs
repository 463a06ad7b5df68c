//! What every form shares: the fields as sent, one field-error type, and the date fields.
//! A form that fails comes back with what the user typed and one message per field, so the
//! parsers return [`FieldErrors`] and the pages show each message next to its field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// A form's fields as sent: repeated names (checkboxes) are kept.
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// One message per field, by the field's name (`title`, or `actions.2.owner` for a row of a
/// repeated group). Read like a map; serialized as one (`{"title": "…"}`) by the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        FieldErrors::default()
    }

    /// Sets the message of `field`, replacing an earlier one.
    pub fn insert(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.insert(field.into(), message.into());
    }

    /// Sets the message of `field` unless it has one: the first problem found is the one
    /// shown.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    /// The value of one field's parse, or `None` with the field's message set (replacing an
    /// earlier one): `if let Some(n) = errors.take("name", parse(raw)) { … }`.
    pub fn take<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.insert(field, message);
                None
            }
        }
    }

    /// Adds every message of `more`, replacing earlier ones of the same fields.
    pub fn extend<K: Into<String>, V: Into<String>>(
        &mut self,
        more: impl IntoIterator<Item = (K, V)>,
    ) {
        self.0
            .extend(more.into_iter().map(|(k, v)| (k.into(), v.into())));
    }

    /// `Ok(value)` when no field has a message.
    pub fn or_ok<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// A script's form that does not parse: every field's message in one 422 line, the same
/// checks the HTML form shows next to its fields.
impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> AppError {
        let text: Vec<String> = errors.0.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        AppError::Validation(text.join(" "))
    }
}

impl std::ops::Deref for FieldErrors {
    type Target = BTreeMap<String, String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl IntoIterator for FieldErrors {
    type Item = (String, String);
    type IntoIter = std::collections::btree_map::IntoIter<String, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for FieldErrors {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        FieldErrors(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// A date field that may be left empty.
pub fn optional_date(raw: &str) -> Result<Option<NaiveDate>, String> {
    match raw.trim() {
        "" => Ok(None),
        s => crate::dates::parse_date(s)
            .map(Some)
            .map_err(|_| crate::dates::not_a_date(s)),
    }
}

/// A date field: empty means today.
pub fn date_or_today(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    Ok(optional_date(raw)?.unwrap_or(today))
}

/// A date in a query string (`from=`, `to=`): a bad one is a 400 naming the parameter.
pub fn date_param(raw: &str, what: &str) -> AppResult<Option<NaiveDate>> {
    optional_date(raw).map_err(|e| AppError::BadRequest(format!("{what} {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_keep_one_message_per_field_and_read_like_a_map() {
        let mut errors = FieldErrors::default();
        assert_eq!(errors.clone().or_ok(1), Ok(1));
        errors.insert("title", "Give it a title.");
        errors.insert(format!("actions.{}.owner", 2), "Who owns it?");
        errors.insert("title", "At most 200 characters.");
        errors.add("title", "Not shown: the field has its message.");
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors.get("title").map(String::as_str),
            Some("At most 200 characters.")
        );
        assert!(errors.contains_key("actions.2.owner"));
        assert_eq!(
            serde_json::to_string(&errors).unwrap(),
            r#"{"actions.2.owner":"Who owns it?","title":"At most 200 characters."}"#
        );
        assert!(errors.clone().or_ok(()).is_err());
        match AppError::from(errors) {
            AppError::Validation(m) => {
                assert_eq!(
                    m,
                    "actions.2.owner: Who owns it? title: At most 200 characters."
                )
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_date_is_none_or_today_and_a_bad_one_is_named() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(optional_date("  "), Ok(None));
        assert_eq!(date_or_today("", today), Ok(today));
        assert_eq!(
            date_or_today("2026-02-01", today),
            Ok(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap())
        );
        assert!(optional_date("2026-02-30").is_err());
        match date_param("yesterday", "from=") {
            Err(AppError::BadRequest(m)) => assert!(m.starts_with("from= "), "{m}"),
            other => panic!("expected a 400, got {other:?}"),
        }
    }
}
