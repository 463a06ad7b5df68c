//! The index's schema and text analysis. Bump [`SCHEMA_VERSION`] whenever a field or an
//! analyzer changes: an index built with another version is rebuilt at start.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenizerManager,
};

/// Version of fields and analyzers; stored with every commit.
pub const SCHEMA_VERSION: u32 = 3;

/// Lower-cased, ASCII-folded and stemmed: "Deployments" and "deploy" meet.
pub const STEMMED: &str = "fika_stemmed";
/// Lower-cased and folded but not stemmed: the real words, for "did you mean" and prefixes.
pub const WORDS: &str = "fika_words";

/// Marks a record not everyone may read. Queries exclude restricted records the viewer is no
/// reader of; that exclusion costs nothing when (as usual) few records are restricted, where
/// a filter "readers include one of mine" would have to visit every public record.
pub const RESTRICTED: &str = "restricted";

/// How much more a word in a title counts than one in a body.
pub const TITLE_BOOST: f32 = 3.0;

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
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        title: b.add_text_field("title", text(STEMMED, positions, true)),
        body: b.add_text_field("body", text(STEMMED, positions, true)),
        words: b.add_text_field("words", text(WORDS, IndexRecordOption::Basic, false)),
        title_words: b.add_text_field("title_words", text(WORDS, IndexRecordOption::Basic, false)),
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
    let words = || {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
    };
    tokenizers.register(
        STEMMED,
        words().filter(Stemmer::new(Language::English)).build(),
    );
    tokenizers.register(WORDS, words().build());
}

/// Words that carry no meaning on their own: dropped from a query of plain words (so "how to
/// roll back" needs "roll" and "back", not "how" and "to") but kept in the index, so phrases
/// still find them. Lucene's English list.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];
