//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1, the OWASP baseline). One hash
//! takes tens of milliseconds and 19 MiB by design: the server calls the `*_off_worker`
//! versions, which run on the blocking pool and at most [`CONCURRENT_HASHES`] at a time, so
//! a burst of sign-ins queues instead of exhausting memory. The CLI calls the plain ones.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{AppError, AppResult};

pub const MIN_LEN: usize = 10;
/// Long enough for any passphrase, short enough that hashing cannot be used to burn CPU.
pub const MAX_LEN: usize = 512;

/// A password that meets the length rules. It never appears in a Debug or log line.
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let n = raw.chars().count();
        if n < MIN_LEN {
            Err(format!("A password has at least {MIN_LEN} characters."))
        } else if raw.len() > MAX_LEN {
            Err(format!("A password has at most {MAX_LEN} bytes."))
        } else {
            Ok(Password(raw.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// How many argon2 computations may run at once in the server (19 MiB each).
pub const CONCURRENT_HASHES: usize = 4;
static HASH_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

/// Runs `f` on the blocking pool once one of the argon2 slots is free.
async fn off_worker<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let _slot = HASH_SLOTS
        .acquire()
        .await
        .map_err(|_| AppError::internal("password hashing is shut down"))?;
    Ok(actix_web::web::block(f).await?)
}

/// [`hash`] for request handlers.
pub async fn hash_off_worker(password: Password) -> AppResult<String> {
    off_worker(move || hash(&password)).await?
}

/// Checks `password` against `phc`, or — when there is no hash to check, for an unknown,
/// disabled or password-less account — does the same work against a dummy hash, so response
/// times do not tell which usernames exist. Returns whether it matched.
pub async fn verify_off_worker(password: String, phc: Option<String>) -> AppResult<bool> {
    off_worker(move || match phc {
        Some(phc) => verify(&password, &phc),
        None => {
            verify_dummy(&password);
            false
        }
    })
    .await
}

fn hasher() -> Argon2<'static> {
    // These parameters are valid constants; Params::new only fails on out-of-range values.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string with a fresh random salt.
pub fn hash(password: &Password) -> AppResult<String> {
    hasher()
        .hash_password(password.as_str().as_bytes())
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// Checks a password against a stored PHC string. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same effort as a real check against a hash nobody knows the password of.
fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        Password::parse("dummy-password-for-timing")
            .ok()
            .and_then(|p| hash(&p).ok())
            .unwrap_or_default()
    });
    let _ = verify(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let p = Password::parse("correct horse battery").unwrap();
        let h = hash(&p).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("wrong horse battery", &h));
        assert!(!verify("correct horse battery", "not a hash"));
    }

    #[test]
    fn length_rules() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("0123456789").is_ok());
        assert!(Password::parse(&"x".repeat(600)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("0123456789").unwrap()),
            "Password(***)"
        );
    }
}
