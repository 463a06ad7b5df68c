//! The index's schema and text analysis. Bump [`SCHEMA_VERSION`] whenever a field or an
//! analyzer changes: an index built with another version is rebuilt at start.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

/// Version of fields and analyzers; stored with every commit.
pub const SCHEMA_VERSION: u32 = 5;

/// Lower-cased, ASCII-folded and stemmed: "Deployments" and "deploy" meet.
pub const STEMMED: &str = "fika_stemmed";
/// Lower-cased and folded but not stemmed: the real words, for "did you mean" and prefixes.
pub const WORDS: &str = "fika_words";
/// The analyzers of what people type: the same without [`Joins`], so that a query's words
/// stay the words typed (the query plan joins and splits them itself, see `plan.rs`).
pub const QUERY_STEMMED: &str = "fika_query_stemmed";
pub const QUERY_WORDS: &str = "fika_query_words";
/// Stemmed words two by two ("error budget"): a two-word phrase becomes one term, which is
/// found from a short posting list and ranked with skipping, where a phrase query has to
/// check the positions of every record that holds both words.
pub const PAIRS: &str = "fika_pairs";

/// Marks a record not everyone may read. Queries exclude restricted records the viewer is no
/// reader of; that exclusion costs nothing when (as usual) few records are restricted, where
/// a filter "readers include one of mine" would have to visit every public record.
pub const RESTRICTED: &str = "restricted";

/// How many times a title counts in the `text` and `pairs` fields: a word in the title
/// weighs as much as this many in the body.
pub const TITLE_BOOST: usize = 3;

/// The fields, resolved once.
#[derive(Clone, Copy)]
pub struct Fields {
    /// `kind:key`, unique per record (e.g. `lesson:12`, `page:runbook`).
    pub key: Field,
    /// `lesson`, `page`, `person`, `unit` (later `experiment`, `postmortem`, `retro`).
    pub kind: Field,
    pub title: Field,
    pub body: Field,
    /// Title and body again, unstemmed and without positions.
    pub words: Field,
    /// The title unstemmed, for search as you type.
    pub title_words: Field,
    /// Title, body and tags in one field, the title [`TITLE_BOOST`] times: what plain words
    /// are looked for in. One field makes every word one term, which tantivy ranks with
    /// skipping (block-max WAND, also for all of several words); repeating the title weighs
    /// its words before the length normalisation, as BM25F does.
    pub text: Field,
    /// The same as pairs of stemmed words ([`PAIRS`]), for two-word phrases.
    pub pairs: Field,
    pub tags: Field,
    /// Facet paths like `/tribe/x/squad/y`; a filter on `/tribe/x` matches everything below.
    pub unit: Field,
    pub tribe: Field,
    pub squad: Field,
    /// Ids of the units the record concerns (for "related lessons from *other* units").
    pub unit_ids: Field,
    pub author: Field,
    /// Seconds since the epoch: when a lesson was written, when a page last changed.
    pub date: Field,
    pub url: Field,
    /// A short line under the title: a person's role, a unit's kind.
    pub context: Field,
    /// Who may see the record: `everyone`, or keys like `person:12`, `admin` plus the marker
    /// [`RESTRICTED`].
    pub readers: Field,
}

fn text(analyzer: &str, record: IndexRecordOption, stored: bool) -> TextOptions {
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    );
    if stored { opts.set_stored() } else { opts }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let positions = IndexRecordOption::WithFreqsAndPositions;
    // Frequencies let tantivy rank a term with skipping (block-max WAND).
    let freqs = IndexRecordOption::WithFreqs;
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        title: b.add_text_field("title", text(STEMMED, positions, true)),
        body: b.add_text_field("body", text(STEMMED, positions, true)),
        words: b.add_text_field("words", text(WORDS, IndexRecordOption::Basic, false)),
        title_words: b.add_text_field("title_words", text(WORDS, IndexRecordOption::Basic, false)),
        text: b.add_text_field("text", text(STEMMED, freqs, false)),
        pairs: b.add_text_field("pairs", text(PAIRS, freqs, false)),
        tags: b.add_text_field("tags", STRING | STORED | FAST),
        unit: b.add_facet_field("unit", FacetOptions::default()),
        tribe: b.add_text_field("tribe", STRING | FAST),
        squad: b.add_text_field("squad", STRING | FAST),
        unit_ids: b.add_i64_field("unit_ids", NumericOptions::default() | INDEXED | STORED),
        author: b.add_text_field("author", STRING | STORED),
        date: b.add_i64_field("date", NumericOptions::default() | INDEXED | STORED | FAST),
        url: b.add_text_field("url", STORED),
        context: b.add_text_field("context", STORED),
        readers: b.add_text_field("readers", STRING),
    };
    (b.build(), fields)
}

/// The analyzers the schema names; registered on every index fika opens.
pub fn register(tokenizers: &TokenizerManager) {
    // Written out per analyzer: each filter changes the builder's type.
    let fold = || (RemoveLongFilter::limit(40), LowerCaser, AsciiFoldingFilter);
    let stem = || Stemmer::new(Language::English);
    let (long, lower, ascii) = fold();
    tokenizers.register(
        STEMMED,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(Joins)
            .filter(long)
            .filter(lower)
            .filter(ascii)
            .filter(stem())
            .build(),
    );
    let (long, lower, ascii) = fold();
    tokenizers.register(
        WORDS,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(Joins)
            .filter(long)
            .filter(lower)
            .filter(ascii)
            .build(),
    );
    let plain = || {
        let (long, lower, ascii) = fold();
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(long)
            .filter(lower)
            .filter(ascii)
    };
    tokenizers.register(QUERY_STEMMED, plain().filter(stem()).build());
    tokenizers.register(QUERY_WORDS, plain().build());
    // Pairs of the words as written: "on-call" is the pair "on call" (its joined form is a
    // word of `text`).
    tokenizers.register(PAIRS, plain().filter(stem()).filter(Pairs).build());
}

/// Adds, after two words joined by a hyphen, the two as one word at the first one's
/// position: a record that says "on-call" is found by "oncall" (and by "on call", the
/// words themselves stay).
#[derive(Clone)]
pub struct Joins;

impl TokenFilter for Joins {
    type Tokenizer<T: Tokenizer> = JoinsFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> JoinsFilter<T> {
        JoinsFilter(inner)
    }
}

#[derive(Clone)]
pub struct JoinsFilter<T>(T);

impl<T: Tokenizer> Tokenizer for JoinsFilter<T> {
    type TokenStream<'a> = JoinsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        JoinsStream {
            text,
            tail: self.0.token_stream(text),
            pending: None,
            joined: None,
            token: Token::default(),
        }
    }
}

pub struct JoinsStream<'a, S> {
    text: &'a str,
    tail: S,
    /// The word after the current one, read ahead to see what joins them.
    pending: Option<Token>,
    /// The joined word, given out after the current one.
    joined: Option<Token>,
    token: Token,
}

impl<S: TokenStream> TokenStream for JoinsStream<'_, S> {
    fn advance(&mut self) -> bool {
        if let Some(j) = self.joined.take() {
            self.token = j;
            return true;
        }
        let current = match self.pending.take() {
            Some(t) => t,
            None if self.tail.advance() => self.tail.token().clone(),
            None => return false,
        };
        if self.tail.advance() {
            let next = self.tail.token().clone();
            if next.position == current.position + 1
                && self.text.get(current.offset_to..next.offset_from) == Some("-")
            {
                self.joined = Some(Token {
                    text: format!("{}{}", current.text, next.text),
                    position: current.position,
                    offset_from: current.offset_from,
                    offset_to: next.offset_to,
                    position_length: 2,
                });
            }
            self.pending = Some(next);
        }
        self.token = current;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The term of two adjacent stemmed words in the [`PAIRS`] fields.
pub fn pair(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// Turns a stream of words into the pairs of adjacent ones: "a b c" gives "a b", "b c".
/// Words a filter removed (too long) leave a gap in positions that no pair spans, as no
/// phrase does.
#[derive(Clone)]
pub struct Pairs;

impl TokenFilter for Pairs {
    type Tokenizer<T: Tokenizer> = PairsFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> PairsFilter<T> {
        PairsFilter(inner)
    }
}

#[derive(Clone)]
pub struct PairsFilter<T>(T);

impl<T: Tokenizer> Tokenizer for PairsFilter<T> {
    type TokenStream<'a> = PairsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PairsStream {
            tail: self.0.token_stream(text),
            prev: None,
            token: Token::default(),
        }
    }
}

pub struct PairsStream<S> {
    tail: S,
    /// The last word: its text, position and start.
    prev: Option<(String, usize, usize)>,
    token: Token,
}

impl<S: TokenStream> TokenStream for PairsStream<S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let next = self.tail.token();
            let prev = self
                .prev
                .replace((next.text.clone(), next.position, next.offset_from));
            if let Some((text, position, from)) = prev
                && position + 1 == next.position
            {
                self.token.text = pair(&text, &next.text);
                self.token.position = position;
                self.token.offset_from = from;
                self.token.offset_to = next.offset_to;
                self.token.position_length = 2;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Words that carry no meaning on their own: dropped from a query of plain words (so "how to
/// roll back" needs "roll" and "back", not "how" and "to") but kept in the index, so phrases
/// still find them. Lucene's English list.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenated_words_are_also_one_word() {
        let manager = TokenizerManager::default();
        register(&manager);
        let words = |name: &str, text: &str| {
            let mut a = manager.get(name).unwrap();
            let mut out = Vec::new();
            let mut stream = a.token_stream(text);
            while let Some(t) = stream.next() {
                out.push((t.text.clone(), t.position));
            }
            out
        };
        assert_eq!(
            words(WORDS, "On-call rota, x - y"),
            [
                ("on".to_string(), 0),
                ("oncall".to_string(), 0),
                ("call".to_string(), 1),
                ("rota".to_string(), 2),
                ("x".to_string(), 3),
                ("y".to_string(), 4),
            ]
        );
        assert_eq!(words(QUERY_WORDS, "on-call").len(), 2);
    }

    #[test]
    fn pairs_are_adjacent_stemmed_words() {
        let manager = TokenizerManager::default();
        register(&manager);
        let mut pairs = manager.get(PAIRS).unwrap();
        let mut out = Vec::new();
        let long = "x".repeat(50);
        let text = format!("Error budgets, burned! {long} Cafe deployments");
        let mut stream = pairs.token_stream(&text);
        while let Some(t) = stream.next() {
            out.push((
                t.text.clone(),
                t.position,
                text[t.offset_from..t.offset_to].to_string(),
            ));
        }
        assert_eq!(
            out,
            [
                ("error budget".to_string(), 0, "Error budgets".to_string()),
                ("budget burn".to_string(), 1, "budgets, burned".to_string()),
                // No pair spans the word too long to index.
                ("cafe deploy".to_string(), 4, "Cafe deployments".to_string()),
            ]
        );
    }
}
