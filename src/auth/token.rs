//! Random secrets and their stored form. Session cookies and API tokens are 256-bit random
//! values; only their SHA-256 is stored, so a copy of the database signs nobody in.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of personal API tokens, so secret scanners and people can recognise them.
pub const API_TOKEN_PREFIX: &str = "fika_";

/// 32 random bytes from the OS-seeded CSPRNG, hex-encoded.
pub fn random_secret() -> String {
    let mut buf = [0u8; 32];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_secret())
}

/// Parses the label of an API token: 1–60 characters, saying what the token is for.
pub fn parse_label(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err("Give the token a name, e.g. the script that will use it.".into()),
        n if n > 60 => Err("A token name has at most 60 characters.".into()),
        _ => Ok(name.to_string()),
    }
}

/// What an API token may do. Each scope includes the ones before it: `read` only reads,
/// `write` also changes what its person may change, `admin` also uses what only
/// administrators may. A token never does more than its person may: an admin scope on a
/// person who is no longer an administrator is `write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    /// Parses a scope as stored, typed or sent in a form.
    pub fn parse(raw: &str) -> Result<Scope, String> {
        Scope::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| format!("Unknown scope {raw:?}: use read, write or admin."))
    }

    /// What the scope lets a script do, in words for the account page.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Read => "read only",
            Scope::Write => "read and write",
            Scope::Admin => "read, write and administration",
        }
    }
}

/// Parses a token's lifetime in days ("" or "never": no expiry; 1 to 3650 days).
pub fn parse_expiry_days(raw: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim().trim_end_matches('d');
    if raw.is_empty() || raw == "never" {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map_err(|_| EXPIRY_RANGE.to_string())
        .and_then(expiry_days)
        .map(Some)
}

const EXPIRY_RANGE: &str = "A token expires after 1 to 3650 days, or never.";

/// Checks a token's lifetime in days: 1 to 3650.
pub fn expiry_days(days: i64) -> Result<i64, String> {
    if (1..=3650).contains(&days) {
        Ok(days)
    } else {
        Err(EXPIRY_RANGE.into())
    }
}

/// What is stored for a secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The CSRF token of a session, derived from the session secret so nothing extra is stored;
/// a page on another site cannot read the HttpOnly cookie and so cannot compute it.
pub fn csrf_for_session(session_secret: &str) -> String {
    digest(&format!("fika-csrf:{session_secret}"))
}

/// Compares two tokens in constant time.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = random_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_secret());
        assert_ne!(digest(&a), a);
        assert!(new_api_token().starts_with("fika_"));
        assert!(same(&csrf_for_session(&a), &csrf_for_session(&a)));
        assert!(!same(&csrf_for_session(&a), &csrf_for_session("other")));
    }

    #[test]
    fn scopes_and_expiry_parse() {
        assert_eq!(Scope::parse("read"), Ok(Scope::Read));
        assert!(Scope::Read < Scope::Write && Scope::Write < Scope::Admin);
        assert!(
            Scope::parse("root")
                .unwrap_err()
                .contains("read, write or admin")
        );
        assert_eq!(parse_expiry_days(""), Ok(None));
        assert_eq!(parse_expiry_days("never"), Ok(None));
        assert_eq!(parse_expiry_days("90d"), Ok(Some(90)));
        assert!(parse_expiry_days("0").is_err());
        assert!(parse_expiry_days("soon").is_err());
    }
}
