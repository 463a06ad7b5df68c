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
}
