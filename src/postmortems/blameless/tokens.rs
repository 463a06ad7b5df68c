//! Text as the checker reads it: the normalised text cut into words by Unicode's word and
//! sentence boundaries (UAX #29, the `unicode-segmentation` crate), each word lower-cased with
//! its offsets, its sentence, and whether a soft gap joins it to the word before; possessives
//! recognised on those words, and the sentences written without capitals.

use unicode_segmentation::UnicodeSegmentation;

use super::normal::{Normal, ZERO_WIDTH};

/// Words ending in 's that are contractions, not possessives.
const NOT_POSSESSIVE: [&str; 14] = [
    "it's", "that's", "there's", "here's", "what's", "who's", "where's", "when's", "how's",
    "let's", "he's", "she's", "this's", "one's",
];

#[derive(Debug)]
pub(super) struct Tok {
    /// Character offsets into the normalised text, end exclusive.
    pub(super) start: usize,
    pub(super) end: usize,
    /// Lower-cased (the normalised text already writes every apostrophe as ').
    pub(super) lower: String,
    /// Whether only a soft gap (whitespace with at most one line break, markdown emphasis, or
    /// one hyphen) separates this token from the previous one in the same sentence.
    pub(super) joined: bool,
    /// Whether the first character is upper-case.
    pub(super) cap: bool,
    /// Whether this is the first word of its sentence.
    pub(super) first: bool,
    /// How many of its letters are capitals (an acronym has all).
    pub(super) upper_letters: usize,
    /// Whether a comma (and spaces) separates it from the previous token in its sentence.
    pub(super) after_comma: bool,
    /// Whether a hyphen joins it to the previous token ("force-pushes", "on-call").
    pub(super) after_hyphen: bool,
    /// Whether it stands inside quotation marks: words quoted are someone else's ("Someone
    /// wrote 'Kofi broke it' in the channel").
    pub(super) quoted: bool,
    /// The tokens (start, end exclusive) of the scare quotes it stands in: one or two words
    /// the writer quoted themselves ('the change was "tested"'), which are not `quoted`.
    pub(super) scare: Option<(usize, usize)>,
    /// Whether only zero-width characters separate it from the previous token: the two may
    /// be one word ("ig\u{200B}nored") or two ("fail\u{200B}to").
    pub(super) zero_width: bool,
    /// Whether a question mark follows it before the next word: the last word of a question.
    pub(super) asks: bool,
}

/// The words of `text` (already normalised). A word is a UAX #29 word that holds a letter or
/// digit ("shouldn't", "Alice's", "e.g" are one word; a hyphen splits); `@` right before a
/// word, and not after one (so e-mail addresses are not usernames), makes an `@name` token,
/// which also keeps inner '-' and '.'.
pub(super) fn tokenize(text: &str) -> Vec<Tok> {
    let starts = sentence_starts(text);
    let mut next_sentence = starts.iter().peekable();
    let mut toks: Vec<Tok> = Vec::new();
    let mut gap_from = 0; // byte where the gap before the next token starts
    let mut chars_before = 0; // characters before the current piece
    let mut pieces = text.split_word_bound_indices().peekable();
    let mut prev_wordy = false;
    let mut quoted = false;
    while let Some((b0, whole)) = pieces.next() {
        let n = whole.chars().count();
        // Markdown emphasis with underscores ("_careless_") is one UAX #29 word: the
        // underscores around it are not part of it.
        let lead = whole.len() - whole.trim_start_matches('_').len();
        let piece = whole.trim_matches('_');
        let (b, chars) = (b0 + lead, chars_before + lead);
        let wordy = piece.chars().next().is_some_and(char::is_alphanumeric);
        let at = piece == "@"
            && !prev_wordy
            && pieces
                .peek()
                .is_some_and(|(_, p)| p.chars().next().is_some_and(char::is_alphanumeric));
        if !(wordy || at) {
            prev_wordy = false;
            chars_before += n;
            continue;
        }
        let (mut end_b, mut end_c) = (b + piece.len(), chars + piece.chars().count());
        if at {
            // `@` + name, and "-name" / ".name" continuations of a username.
            while let Some(&(nb, p)) = pieces.peek() {
                let joins = p.chars().next().is_some_and(char::is_alphanumeric)
                    || ((p == "-" || p == ".") && end_b == nb && next_is_word(text, nb + 1));
                if !joins || nb != end_b {
                    break;
                }
                end_b = nb + p.len();
                end_c += p.chars().count();
                pieces.next();
            }
        }
        let mut first = false;
        while next_sentence.peek().is_some_and(|&&s| s <= b) {
            next_sentence.next();
            first = true;
        }
        let word = &text[b..end_b];
        let gap = &text[gap_from..b];
        if let Some(last) = toks.last_mut() {
            last.asks = gap.contains('?');
        }
        quoted = quote_state(quoted && !first, gap, toks.is_empty() || first);
        toks.push(Tok {
            start: chars,
            end: end_c,
            lower: with_apostrophe(word.to_lowercase()),
            joined: !first
                && !toks.is_empty()
                && (soft_gap(gap.chars()) || clock_time(toks.last(), gap, word)),
            cap: word.chars().next().is_some_and(char::is_uppercase),
            first: first || toks.is_empty(),
            upper_letters: word.chars().filter(|c| c.is_uppercase()).count(),
            zero_width: !gap.is_empty() && gap.chars().all(|c| c == ZERO_WIDTH),
            after_comma: !first && gap.trim() == ",",
            after_hyphen: !first && gap.contains(['-', '\u{2010}']),
            quoted,
            scare: None,
            asks: false,
        });
        gap_from = end_b;
        // The trailing underscores are part of the next gap, counted with the piece.
        chars_before = end_c + (whole.len() - piece.len() - lead);
        prev_wordy = true;
    }
    if let Some(last) = toks.last_mut() {
        last.asks = text[gap_from..].contains('?');
    }
    unquote_short(&mut toks);
    toks
}

/// One or two words in quotes are scare quotes ('Diego "forgot" to…', 'a "low-risk"
/// change'), the writer's own words: only a longer quotation is someone else's.
fn unquote_short(toks: &mut [Tok]) {
    let mut k = 0;
    while k < toks.len() {
        if !toks[k].quoted {
            k += 1;
            continue;
        }
        let run = (k..toks.len())
            .take_while(|&j| toks[j].quoted && (j == k || !toks[j].first))
            .count();
        // A word joined by a hyphen is part of the word before ("low-risk" is one).
        let words = toks[k..k + run]
            .iter()
            .enumerate()
            .filter(|(n, t)| *n == 0 || !t.after_hyphen)
            .count();
        if words < 3 {
            toks[k..k + run].iter_mut().for_each(|t| {
                t.quoted = false;
                t.scare = Some((k, k + run));
            });
        }
        k += run;
    }
}

/// Whether the word after `gap` is inside quotation marks, given whether the word before it
/// was: a quote mark right after a word closes a quotation, one right before a word (after a
/// space, or at the start) opens one. `'` counts only there, so apostrophes in "don't" or
/// "users' data" change nothing.
fn quote_state(was: bool, gap: &str, at_start: bool) -> bool {
    const QUOTES: &[char] = &[
        '"', '\'', '\u{201C}', '\u{201D}', '\u{201E}', '\u{AB}', '\u{BB}',
    ];
    let mut state = was;
    let chars: Vec<char> = gap.chars().collect();
    for (n, &c) in chars.iter().enumerate() {
        if !QUOTES.contains(&c) {
            continue;
        }
        let before_word = n + 1 == chars.len();
        let after_space = n == 0 && at_start
            || n > 0 && (chars[n - 1].is_whitespace() || "(:[".contains(chars[n - 1]));
        // Right after a word, or after a word and its punctuation ('"quick fix," which…'):
        // closes.
        let after_word = chars[..n]
            .iter()
            .all(|c| !c.is_whitespace() && !QUOTES.contains(c));
        if after_word && !at_start {
            state = false;
        } else if before_word && after_space {
            state = true;
        }
    }
    state
}

/// Whether `gap` splits a time of day ("09:15"): the colon is no clause break there.
fn clock_time(before: Option<&Tok>, gap: &str, word: &str) -> bool {
    let digits = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
    gap == ":" && before.is_some_and(|t| digits(&t.lower)) && digits(word)
}

fn next_is_word(text: &str, b: usize) -> bool {
    text.get(b..)
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_alphanumeric)
}

/// Byte offsets where sentences start (UAX #29: after . ! ? followed by a capital, and at a
/// line break), but not after a title's full stop ("Mr. Olsen"). A line break inside a
/// paragraph, before a line that starts with a word and after one that does not end a
/// sentence, is no sentence start: Markdown wraps sentences across lines, while a list item,
/// a heading or a table row starts with a mark.
fn sentence_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let wrapped = |b: usize| {
        b >= 2
            && bytes[b - 1] == b'\n'
            && bytes[b - 2] != b'\n'
            && !text[..b - 1].trim_end().ends_with(['.', '!', '?', ':'])
            && text[b..]
                .trim_start_matches([' ', '\t'])
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
    };
    // "Mr. Olsen", "e.g. Redis": UAX #29 ends a sentence after any full stop before a
    // capital, and a formal report's "The duty manager, Mr." would be read on its own. As
    // typed, on one line: "900 ms. Alice restarted…" and "failed over to DR." end one.
    let abbreviated = |b: usize| {
        text[..b]
            .trim_end_matches([' ', '\t'])
            .strip_suffix('.')
            .is_some_and(|w| {
                let word = w
                    .rsplit(|c: char| !(c.is_alphanumeric() || c == '.'))
                    .next()
                    .unwrap_or(w);
                ABBREVIATIONS.contains(&word)
            })
    };
    text.split_sentence_bound_indices()
        .map(|(b, _)| b)
        .filter(|&b| !wrapped(b) && !abbreviated(b))
        .collect()
}

/// Titles and abbreviations, as typed, whose full stop ends no sentence: not "St." nor
/// "Jr.", which end sentences too ("…on Main St. The next day…").
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Capt", "Sgt", "Lt", "Col", "e.g", "i.e", "vs", "approx",
];

fn soft_gap(gap: impl Iterator<Item = char>) -> bool {
    let mut hyphens = 0;
    let mut other = 0;
    let mut newlines = 0;
    for c in gap {
        match c {
            '-' | '\u{2010}' => hyphens += 1,
            '\n' => newlines += 1,
            // Emphasis, and the brackets of an aside ("on-call (Jonas) ignored…").
            '*' | '_' | '`' | '(' | ')' | '[' | ']' | '"' | '\u{201C}' | '\u{201D}'
            | ZERO_WIDTH => {}
            c if c.is_whitespace() => {}
            _ => other += 1,
        }
    }
    other == 0 && newlines <= 1 && hyphens <= 1
}

/// The sentences `toks` holds, as token ranges.
pub(super) fn sentences(toks: &[Tok]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match out.last_mut() {
            Some(last) if !t.first => last.1 = i + 1,
            _ => out.push((i, i + 1)),
        }
    }
    out
}

/// The token range of the sentence that holds token `s`.
pub(super) fn sentence_around(toks: &[Tok], s: usize) -> (usize, usize) {
    let from = (0..=s).rev().find(|&k| toks[k].first).unwrap_or(0);
    let to = (s + 1..toks.len())
        .find(|&k| toks[k].first)
        .unwrap_or(toks.len());
    (from, to)
}

/// Whether the sentence holding token `s` is a question that the next sentence answers: that
/// one is no question and has a few words ("Why did she miss the page? Her phone had no
/// signal."), as each step of a 5-whys analysis does. Whatever the answer says is checked
/// on its own.
pub(super) fn answered(toks: &[Tok], s: usize) -> bool {
    const ANSWER_MIN_WORDS: usize = 3;
    let (_, end) = sentence_around(toks, s);
    if end == toks.len() || !toks[end - 1].asks {
        return false;
    }
    let (_, answer_end) = sentence_around(toks, end);
    !toks[answer_end - 1].asks && answer_end - end >= ANSWER_MIN_WORDS
}

/// Tokens of `typed` with the normalised text they were cut from.
pub(super) fn read(typed: &str) -> (Normal, Vec<Tok>) {
    let normal = Normal::new(typed);
    let toks = tokenize(&normal.text);
    (normal, toks)
}

/// Chat drops the apostrophe of a negative contraction ("didnt", "doesnt", "cant"); the
/// rules and the model read the word as written with it. Only words that are nothing else
/// ("wont" and "cant" are words too, but rarely in a post-mortem).
fn with_apostrophe(lower: String) -> String {
    const BARE: &[&str] = &[
        "didnt", "doesnt", "dont", "wasnt", "werent", "isnt", "arent", "cant", "couldnt",
        "shouldnt", "wouldnt", "wont", "hasnt", "havent", "hadnt", "mustnt", "neednt",
    ];
    match lower.strip_suffix("nt") {
        Some(stem) if BARE.contains(&lower.as_str()) => format!("{stem}n't"),
        _ => lower,
    }
}

pub(super) fn is_possessive(lower: &str) -> bool {
    lower.len() > 2 && lower.ends_with("'s") && !NOT_POSSESSIVE.contains(&lower)
}

impl Tok {
    /// Whether every letter of it, two or more, was upper-case ("DNS", "PR"): the token's own
    /// text is not kept, so its capitals are counted against the letters of its lower case.
    pub(super) fn acronym(&self) -> bool {
        self.upper_letters > 1
            && self.upper_letters == self.lower.chars().filter(|c| c.is_alphabetic()).count()
    }
}

pub(super) fn strip_possessive(lower: &str) -> Option<&str> {
    lower.strip_suffix("'s").filter(|b| !b.is_empty())
}

/// Per token, whether its sentence has no capital but in acronyms ("DNS") and "I".
pub(super) fn uncased(toks: &[Tok]) -> Vec<bool> {
    let cased = |t: &Tok| t.cap && t.lower != "i" && !t.acronym();
    let mut out = vec![false; toks.len()];
    for (s, e) in sentences(toks) {
        let plain = !toks[s..e].iter().any(cased);
        out[s..e].iter_mut().for_each(|u| *u = plain);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(text: &str) -> usize {
        sentences(&read(text).1).len()
    }

    #[test]
    fn a_titles_full_stop_ends_no_sentence() {
        assert_eq!(
            count("The duty manager, Mr. Prentice, kept the terminal open."),
            1
        );
        assert_eq!(count("Ask Dr. Haugen, e.g. by phone."), 1);
        // As typed, and on one line: a unit, an acronym, a street, a paragraph end.
        assert_eq!(count("p99 hit 900 ms. Alice restarted the pool."), 2);
        assert_eq!(count("We failed over to DR. Writes resumed."), 2);
        assert_eq!(count("It is on Main St. The next day it moved."), 2);
        assert_eq!(count("We paged Mr.\n\nThe next block starts here."), 2);
    }
}
