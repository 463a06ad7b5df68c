//! Slugs: the URL-safe names of units (and pages), made from names with accented letters
//! folded to ASCII.

use std::fmt;

/// A URL-safe name: 1–64 characters (pages: up to 200) of a–z, 0–9 and single dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

/// The longest slug of a unit.
pub const MAX_UNIT_SLUG: usize = 64;

impl Slug {
    pub fn parse(raw: &str) -> Result<Slug, String> {
        Slug::parse_up_to(raw, MAX_UNIT_SLUG)
    }

    /// A slug of at most `max` characters.
    pub fn parse_up_to(raw: &str, max: usize) -> Result<Slug, String> {
        let s = raw.trim().to_ascii_lowercase();
        let ok = !s.is_empty()
            && s.len() <= max
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Slug(s))
        } else {
            Err(format!(
                "A slug has 1–{max} characters: letters a–z, digits and single dashes (e.g. \"core-payments\")."
            ))
        }
    }

    /// A slug made from a name: "Core Payments & Billing (EU)" → "core-payments-billing-eu".
    pub fn from_name(name: &str) -> Option<Slug> {
        Slug::from_name_up_to(name, MAX_UNIT_SLUG)
    }

    /// A slug made from a name, cut at a dash to at most `max` characters.
    pub fn from_name_up_to(name: &str, max: usize) -> Option<Slug> {
        let mut out = String::new();
        for c in name.chars().flat_map(fold_char) {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(max).collect();
        Slug::parse_up_to(trimmed.trim_end_matches('-'), max).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Folds common accented letters to ASCII, so Swedish and other names make readable slugs.
fn fold_char(c: char) -> Vec<char> {
    match c {
        'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' | 'Å' | 'Ä' | 'À' | 'Á' | 'Â' | 'Ã' => {
            vec!['a']
        }
        'ö' | 'ø' | 'ò' | 'ó' | 'ô' | 'õ' | 'Ö' | 'Ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' => {
            vec!['o']
        }
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => vec!['e'],
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => vec!['i'],
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => vec!['u'],
        'ñ' | 'Ñ' => vec!['n'],
        'ç' | 'Ç' => vec!['c'],
        'ß' => vec!['s', 's'],
        'æ' | 'Æ' => vec!['a', 'e'],
        '&' => vec!['-'],
        c => vec![c],
    }
}
