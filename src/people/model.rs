//! People and the parsed values that identify them. No I/O here.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::people;
use crate::ids::PersonId;

/// A username: 2–32 characters of lower-case letters, digits, `.`, `-` and `_`, starting with
/// a letter or digit. Stored lower-cased, so `Alice` and `alice` are the same person.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

/// The longest username.
pub const MAX_USERNAME: usize = 32;

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        if s.len() < 2 || s.len() > MAX_USERNAME {
            return Err("A username has 2 to 32 characters.".into());
        }
        let mut chars = s.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
        if !first_ok || !rest_ok {
            return Err(
                "A username may use only letters a–z, digits, '.', '-' and '_', and starts with a letter or digit."
                    .into(),
            );
        }
        Ok(Username(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, checked only for shape: something@domain.tld with no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let valid = s.len() <= 254
            && !s.chars().any(char::is_whitespace)
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Email(s.to_string()))
        } else {
            Err(format!("{s:?} is not an e-mail address."))
        }
    }

    /// An empty field means "no e-mail".
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Email::parse(raw).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, 1–100 characters.
pub fn parse_display_name(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    match s.chars().count() {
        0 => Err("Please give a name.".into()),
        n if n > 100 => Err("A name has at most 100 characters.".into()),
        _ => Ok(s.to_string()),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: PersonId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

/// What it takes to create a person.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub username: Username,
    pub display_name: String,
    pub email: Option<Email>,
    pub is_admin: bool,
    /// An argon2 PHC string, or None for a person who cannot sign in.
    pub password_hash: Option<String>,
    pub profile: ProfileFields,
}

/// The parts of a person's profile they (or an admin) edit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileFields {
    /// backend, frontend, QA, design, product, coaching, data…
    pub discipline: String,
    pub title: String,
    /// Markdown.
    pub bio: String,
    /// One link a line (see `unit::parse_links`).
    pub links: String,
}

/// A person with their profile, for their page and the API.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = people)]
pub struct Profile {
    pub id: PersonId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub discipline: String,
    pub title: String,
    pub bio: String,
    pub links: String,
    pub is_admin: bool,
    pub disabled: bool,
    /// The Backstage entity ref of the user this person was imported from, when that is not
    /// `user:default/<username>` (another namespace, a name cut to fit); empty otherwise.
    pub backstage_ref: String,
}

/// A discipline: free text, trimmed and lower-cased, at most 40 characters.
pub fn parse_discipline(raw: &str) -> Result<String, String> {
    let s = raw.trim().to_lowercase();
    if s.chars().count() > 40 {
        Err("A discipline has at most 40 characters.".into())
    } else {
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalized_and_checked() {
        assert_eq!(Username::parse(" Alice ").unwrap().as_str(), "alice");
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("-bob").is_err());
        assert!(Username::parse("bob smith").is_err());
        assert!(Username::parse("bob<script>").is_err());
        assert!(Username::parse("bo.b-s_1").is_ok());
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(Email::parse("a@b.se").is_ok());
        assert!(Email::parse("a b@c.se").is_err());
        assert!(Email::parse("ab.se").is_err());
        assert!(Email::parse("a@bse").is_err());
        assert_eq!(Email::parse_optional("  ").unwrap(), None);
    }
}
