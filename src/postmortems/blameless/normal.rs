//! Text as typed → text as matched: Unicode NFC, the invisible characters that hide a word
//! removed (soft hyphen, zero-width space and joiners, word joiner, byte-order mark), and every
//! apostrophe-like character written as `'`, and the shorthand "w/o" spelled out; with a map
//! from each character of the result back to the characters of the text as typed, so that
//! findings point at what the writer sees.
//!
//! Case is kept here (a capital tells a first name from a word); tokens fold it.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Where one character of the normalised text came from in the text as typed: character and
/// byte offsets, ends exclusive (a composed "é" comes from the two characters "e" + U+0301).
#[derive(Debug, Clone, Copy)]
pub(super) struct Origin {
    pub(super) chars: (usize, usize),
    pub(super) bytes: (usize, usize),
}

/// The normalised text and, per character of it, where it came from.
#[derive(Debug)]
pub(super) struct Normal {
    pub(super) text: String,
    pub(super) origin: Vec<Origin>,
}

/// What every zero-width character becomes: one zero-width space, which the tokenizer reads
/// as a gap that may join two halves of one word.
pub(super) const ZERO_WIDTH: char = '\u{200B}';

/// The soft hyphen: invisible unless a line breaks there, always inside a word.
fn ignorable(c: char) -> bool {
    c == '\u{00AD}'
}

/// Zero-width space, non-joiner, joiner, word joiner and byte-order mark.
fn zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// ’ ‘ ʼ ＇ are apostrophes as people type them; the rules are written with '.
fn apostrophe(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{FF07}' => '\'',
        c => c,
    }
}

impl Normal {
    /// Normalises `typed`. Composition is done per run of a starter and the combining marks
    /// after it (canonical combining class 0 starts a run), which is what NFC composes in
    /// text people write; the map gives every output character its run's extent.
    pub(super) fn new(typed: &str) -> Normal {
        let mut n = Normal {
            text: String::with_capacity(typed.len()),
            origin: Vec::with_capacity(typed.len()),
        };
        let mut run: Option<(usize, usize)> = None; // (char start, byte start)
        let mut ci = 0;
        for (bi, c) in typed.char_indices() {
            let starter = c.is_ascii() || canonical_combining_class(c) == 0;
            let hidden = ignorable(c) || zero_width(c);
            if (starter || hidden)
                && let Some(r) = run.take()
            {
                n.push_run(typed, r, (ci, bi));
            }
            if zero_width(c) {
                n.text.push(ZERO_WIDTH);
                n.origin.push(Origin {
                    chars: (ci, ci + 1),
                    bytes: (bi, bi + c.len_utf8()),
                });
            } else if !hidden && (starter || run.is_none()) {
                run = Some((ci, bi));
            }
            ci += 1;
        }
        if let Some(r) = run {
            n.push_run(typed, r, (ci, typed.len()));
        }
        n.spell_out_shorthand();
        n
    }

    /// Reads "w/o", as contributing factors are typed ("deployed w/o review"), as "without",
    /// so the rules written with the word hear it; each letter of "without" points at the
    /// whole "w/o" as typed.
    fn spell_out_shorthand(&mut self) {
        const SHORT: [char; 3] = ['w', '/', 'o'];
        // Most text holds none: no copy of it is made then.
        if !self.text.contains("/o") && !self.text.contains("/O") {
            return;
        }
        let chars: Vec<char> = self.text.chars().collect();
        let at = |i: usize| {
            i + 3 <= chars.len()
                && chars[i..i + 3]
                    .iter()
                    .zip(SHORT)
                    .all(|(c, s)| c.to_ascii_lowercase() == s)
                && (i == 0 || !chars[i - 1].is_alphanumeric())
                && chars.get(i + 3).is_none_or(|c| !c.is_alphanumeric())
        };
        let (mut text, mut origin) = (String::with_capacity(self.text.len() + 4), Vec::new());
        let mut i = 0;
        while i < chars.len() {
            if at(i) {
                let whole = Origin {
                    chars: (self.origin[i].chars.0, self.origin[i + 2].chars.1),
                    bytes: (self.origin[i].bytes.0, self.origin[i + 2].bytes.1),
                };
                text.push_str("without");
                origin.extend([whole; 7]);
                i += 3;
            } else {
                text.push(chars[i]);
                origin.push(self.origin[i]);
                i += 1;
            }
        }
        self.text = text;
        self.origin = origin;
    }

    /// Appends the run of `typed` from `start` to `end` ((char, byte) offsets), composed.
    fn push_run(&mut self, typed: &str, start: (usize, usize), end: (usize, usize)) {
        let piece = &typed[start.1..end.1];
        let o = Origin {
            chars: (start.0, end.0),
            bytes: (start.1, end.1),
        };
        if piece.is_ascii() {
            // One ASCII character: nothing to compose.
            self.text.push_str(piece);
            self.origin.push(o);
        } else {
            for c in piece.nfc() {
                self.text.push(apostrophe(c));
                self.origin.push(o);
            }
        }
    }
}
