//! Usernames made from other names: cut to fit, mapped from a provider's claim, and made free
//! with a suffix when taken. Shared by sign-in (single sign-on's people made just in time) and
//! the org's Backstage import.

use unicode_normalization::UnicodeNormalization;

use super::model::{MAX_USERNAME, Username};
use super::repo as people;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};

/// `text` cut to at most `max` characters, without a separator at the end.
pub fn fit(text: &str, max: usize) -> String {
    let cut: String = text.chars().take(max).collect();
    cut.trim_end_matches(['-', '.', '_']).to_string()
}

/// The username a claim asks for (an e-mail or UPN gives its local part): lower-cased,
/// accents dropped, anything but `[a-z0-9._-]` a dash, runs of separators one, cut to a
/// username's length; `None` when fewer than two characters are left.
pub fn from_claim(claim: &str) -> Option<String> {
    let local = claim.trim().split('@').next().unwrap_or("");
    let mut out = String::new();
    for c in local
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
    {
        let c = c.to_ascii_lowercase();
        let keep = c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
        let c = if keep { c } else { '-' };
        let separator = matches!(c, '.' | '_' | '-');
        if separator && (out.is_empty() || out.ends_with(['.', '_', '-'])) {
            continue;
        }
        out.push(c);
    }
    let cut = fit(&out, MAX_USERNAME);
    (cut.chars().count() >= 2).then_some(cut)
}

/// `wanted`, or `wanted-2`, `wanted-3`… when that username is someone else's.
pub fn free_username(c: &mut AnyConnection, wanted: &str) -> AppResult<Username> {
    for n in 1..1000 {
        let candidate = if n == 1 {
            wanted.to_string()
        } else {
            let suffix = format!("-{n}");
            format!("{}{suffix}", fit(wanted, MAX_USERNAME - suffix.len()))
        };
        let username = Username::parse(&candidate).map_err(AppError::Validation)?;
        if !people::exists(c, &username)? {
            return Ok(username);
        }
    }
    Err(AppError::Conflict(format!(
        "every username like {wanted:?} is taken"
    )))
}

#[cfg(test)]
mod tests {
    use super::from_claim;

    #[test]
    fn claims_become_usernames() {
        let cases = [
            ("Ines.Moreau@corp.example", Some("ines.moreau")),
            ("Ine\u{301}s Moreau", Some("ines-moreau")),
            ("jdoe@contoso.onmicrosoft.com", Some("jdoe")),
            ("__a..b__", Some("a.b")),
            ("x@y", None),
            ("王@example", None),
        ];
        for (claim, want) in cases {
            assert_eq!(from_claim(claim).as_deref(), want, "{claim}");
        }
        assert_eq!(from_claim(&"a".repeat(40)).unwrap().len(), 32);
        for made in ["Ines.Moreau@corp.example", "Ine\u{301}s Moreau", "__a..b__"] {
            let u = from_claim(made).unwrap();
            assert!(super::Username::parse(&u).is_ok(), "{u}");
        }
    }
}
