//! Text as the checker reads it: words with their offsets, lower-cased with one apostrophe,
//! and whether a soft gap joins each to the one before; possessives recognised on those words.

/// Words ending in 's that are contractions, not possessives.
const NOT_POSSESSIVE: [&str; 14] = [
    "it's", "that's", "there's", "here's", "what's", "who's", "where's", "when's", "how's",
    "let's", "he's", "she's", "this's", "one's",
];

#[derive(Debug)]
pub(super) struct Tok {
    /// Character offsets, end exclusive.
    pub(super) start: usize,
    pub(super) end: usize,
    /// Byte offsets, end exclusive.
    pub(super) bstart: usize,
    pub(super) bend: usize,
    /// Lower-cased, with ’ written as '.
    pub(super) lower: String,
    /// Whether only a soft gap (whitespace with at most one line break, markdown emphasis, or
    /// one hyphen) separates this token from the previous one.
    pub(super) joined: bool,
    /// Whether the first character is upper-case.
    pub(super) cap: bool,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Words: runs of letters and digits, with apostrophes and underscores allowed between two
/// letters or digits; `@` starts a token when it is not preceded by a letter or digit (so
/// e-mail addresses are not usernames), and such a token also keeps inner '-' and '.'.
pub(super) fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let word = |i: usize| i < n && chars[i].1.is_alphanumeric();
    let mut toks = Vec::new();
    let mut gap_start = 0;
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        let at = c == '@' && word(i + 1) && (i == 0 || !chars[i - 1].1.is_alphanumeric());
        if !(at || c.is_alphanumeric()) {
            i += 1;
            continue;
        }
        let s = i;
        i += 1;
        loop {
            if word(i) {
                i += 1;
            } else if i < n && word(i + 1) && word(i - 1) {
                let j = chars[i].1;
                if is_apostrophe(j) || j == '_' || (at && (j == '-' || j == '.')) {
                    i += 1;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        let mut lower = String::with_capacity(i - s);
        for &(_, ch) in &chars[s..i] {
            if is_apostrophe(ch) {
                lower.push('\'');
            } else {
                lower.extend(ch.to_lowercase());
            }
        }
        toks.push(Tok {
            start: s,
            end: i,
            bstart: chars[s].0,
            bend: if i < n { chars[i].0 } else { text.len() },
            lower,
            joined: soft_gap(chars[gap_start..s].iter().map(|&(_, c)| c)),
            cap: c.is_uppercase(),
        });
        gap_start = i;
    }
    toks
}

fn soft_gap(gap: impl Iterator<Item = char>) -> bool {
    let mut hyphens = 0;
    let mut other = 0;
    let mut newlines = 0;
    for c in gap {
        match c {
            '-' | '\u{2010}' => hyphens += 1,
            '\n' => newlines += 1,
            '*' | '_' => {}
            c if c.is_whitespace() => {}
            _ => other += 1,
        }
    }
    other == 0 && newlines <= 1 && hyphens <= 1
}

pub(super) fn is_possessive(lower: &str) -> bool {
    lower.len() > 2 && lower.ends_with("'s") && !NOT_POSSESSIVE.contains(&lower)
}

pub(super) fn strip_possessive(lower: &str) -> Option<&str> {
    lower.strip_suffix("'s").filter(|b| !b.is_empty())
}
