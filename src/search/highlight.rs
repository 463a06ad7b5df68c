//! Highlighted snippets. A word in a result matches when its stem is one the query asked for;
//! stemming every word of every result costs more than the search itself, so only words that
//! begin like one of the query's stems (stemming only changes endings) are stemmed at all.

use std::collections::HashSet;
use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;

use super::run::Highlight;

/// Bytes of a body searched for the words to mark: a snippet shows two lines.
const SCAN: usize = 4000;
/// Bytes of context kept before the first marked word.
const LEAD: usize = 60;

pub struct Highlighter {
    stems: HashSet<String>,
    words: TextAnalyzer,
    stemmed: TextAnalyzer,
}

fn head(s: &str) -> &str {
    let mut end = s.len().min(2);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl Highlighter {
    /// For the terms `query` asks of `fields`; `words` splits and folds, `stemmed` also stems.
    pub fn new(
        query: &dyn Query,
        fields: &[Field],
        words: TextAnalyzer,
        stemmed: TextAnalyzer,
    ) -> Highlighter {
        let mut stems = HashSet::new();
        query.query_terms(&mut |term, _| {
            if fields.contains(&term.field())
                && let Some(text) = term.value().as_str()
            {
                // A pair ("error budget") marks both of its words.
                stems.extend(text.split(' ').map(String::from));
            }
        });
        Highlighter {
            stems,
            words,
            stemmed,
        }
    }

    /// Byte ranges of the matching words in `text`, up to `span` bytes past the first one.
    fn marks(&mut self, text: &str, span: usize) -> Vec<Range<usize>> {
        let mut found: Vec<Range<usize>> = Vec::new();
        if self.stems.is_empty() {
            return found;
        }
        let (stems, stemmed) = (&self.stems, &mut self.stemmed);
        let mut stream = self.words.token_stream(text);
        while let Some(t) = stream.next() {
            if found
                .first()
                .is_some_and(|m| t.offset_from > m.start + span)
            {
                break;
            }
            if !stems.iter().any(|s| head(s) == head(&t.text)) {
                continue;
            }
            let mut stem = stemmed.token_stream(&t.text);
            if stem.next().is_some_and(|w| stems.contains(&w.text)) {
                found.push(t.offset_from..t.offset_to);
            }
        }
        found
    }

    /// A title, all of it, with its matching words marked.
    pub fn whole(&mut self, text: &str) -> Highlight {
        Highlight {
            marks: self.marks(text, text.len()),
            text: text.to_string(),
        }
    }

    /// About `max` bytes of `text` around its first matching word (or its start).
    pub fn snippet(&mut self, text: &str, max: usize) -> Highlight {
        let scan = floor(text, SCAN);
        let marks = self.marks(&text[..scan], max);
        let start = match marks.first() {
            // Start at a word boundary a little before the first match.
            Some(m) if m.start > LEAD => text[..m.start - LEAD]
                .rfind(char::is_whitespace)
                .map(|i| i + 1)
                .unwrap_or(m.start),
            _ => 0,
        };
        let mut end = floor(text, start + max);
        if end < text.len()
            && let Some(space) = text[start..end].rfind(char::is_whitespace)
            && space > max / 2
        {
            end = start + space;
        }
        let mut h = Highlight {
            text: String::new(),
            marks: Vec::new(),
        };
        if start > 0 {
            h.text.push('…');
        }
        let shift = h.text.len();
        h.text.push_str(&text[start..end]);
        h.marks = marks
            .into_iter()
            .filter(|m| m.start >= start && m.end <= end)
            .map(|m| m.start - start + shift..m.end - start + shift)
            .collect();
        if end < text.len() {
            h.text.push('…');
        }
        h
    }
}

/// The largest char boundary of `text` at or below `at`.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
