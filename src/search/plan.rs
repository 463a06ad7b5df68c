//! What a query asks for, as a search engine reads it: the plain words become *concepts*
//! (a word, or a phrase a synonym list or a compound names), each with the forms that count
//! as it — the word typed, its synonyms, its compound written together or apart. Stop and
//! question words ("how do we") only count when nothing else is asked. Quoted phrases,
//! `-exclusions` and `title:`/`tag:`/`author:`/`kind:` keep their exact meaning.
//!
//! A plan gives two queries: *strict* (every concept) and *relaxed* (most of them, the
//! records with all of them first). `run.rs` decides which one a page shows.

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query,
};
use tantivy::tokenizer::TextAnalyzer;

use super::query::{Clause, MAX_CLAUSES, Parsed, Scope, clause_query, tokens, words_query};
use super::schema::{Fields, STOP_WORDS, pair};
use super::synonyms::Synonyms;

/// Words that say what kind of sentence a query is, not what it is about: Lucene's stop
/// words and the words of questions. Left out of what must match.
pub fn is_filler(word: &str) -> bool {
    const QUESTION: &[&str] = &[
        "how",
        "what",
        "why",
        "when",
        "where",
        "who",
        "which",
        "whom",
        "whose",
        "do",
        "does",
        "did",
        "doing",
        "we",
        "our",
        "us",
        "i",
        "me",
        "my",
        "you",
        "your",
        "he",
        "she",
        "its",
        "them",
        "were",
        "been",
        "being",
        "am",
        "have",
        "has",
        "had",
        "can",
        "could",
        "should",
        "would",
        "shall",
        "may",
        "might",
        "must",
        "about",
        "from",
        "so",
        "any",
        "some",
        "there",
        "here",
        "again",
        "ever",
        "also",
        "just",
        "way",
        "ways",
        "happen",
        "happens",
        "happened",
        "went",
        "take",
        "takes",
        "took",
        "taking",
        "go",
        "goes",
        "get",
        "got",
        "make",
        "made",
        "thing",
        "things",
        "anyone",
        "someone",
        "something",
        "ok",
        "please",
    ];
    STOP_WORDS.contains(&word) || QUESTION.contains(&word)
}

/// Records holding a word from which on its synonyms are left out (see `concept_at`).
pub const ABUNDANT: u64 = 1000;
/// How much a synonym counts next to the word typed.
const SYNONYM_WEIGHT: f32 = 0.7;
/// Added to the score of a record with every concept, so that all-words records come first.
pub const ALL_WORDS_BONUS: f32 = 1000.0;

/// One way a concept can appear: a word, or words in a row (stems).
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub stems: Vec<String>,
    pub weight: f32,
}

/// One thing the query asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// As typed (folded), for messages: "roll back".
    pub typed: String,
    pub forms: Vec<Form>,
}

pub struct Plan {
    pub concepts: Vec<Concept>,
    /// The exact clauses and exclusions as typed (they decide the key) and as queries,
    /// built once.
    exact: Vec<Clause>,
    excluded: Vec<Clause>,
    required: Vec<Box<dyn Query>>,
    exclusions: Vec<Box<dyn Query>>,
    /// Whether the query had anything positive (words that analyse to nothing find nothing).
    has_positive: bool,
    fields: Fields,
}

/// What a plan needs to look at: analyzers, and how many records hold a term.
pub struct Ctx<'a> {
    pub fields: &'a Fields,
    pub words: &'a mut TextAnalyzer,
    pub stemmed: &'a mut TextAnalyzer,
    pub synonyms: &'a Synonyms,
    /// Records holding a term (those the viewer may read, see `Search::held_by`): tells
    /// whether a compound exists and whether a word is common enough to be searched without
    /// its synonyms.
    pub doc_freq: &'a dyn Fn(&Term) -> u64,
    /// Records in the index.
    pub docs: u64,
}

/// A word of the query: folded, stemmed, and which clause it came from.
struct Word {
    folded: String,
    stem: String,
    clause: usize,
}

fn stem(stemmed: &mut TextAnalyzer, word: &str) -> String {
    tokens(stemmed, word).into_iter().next().unwrap_or_default()
}

impl Plan {
    pub fn new(parsed: &Parsed, ctx: &mut Ctx) -> Plan {
        let mut words = Vec::new();
        let mut exact = Vec::new();
        let mut excluded = Vec::new();
        for (i, c) in parsed.clauses.iter().enumerate() {
            if c.negated {
                excluded.push(c.clone());
            } else if c.scope == Scope::Text && !c.phrase {
                // As many words as clauses: one clause of many words ("a/b/c/…") must not
                // turn into hundreds of concepts.
                let room = MAX_CLAUSES.saturating_sub(words.len());
                for folded in tokens(ctx.words, &c.text).into_iter().take(room) {
                    let stem = stem(ctx.stemmed, &folded);
                    words.push(Word {
                        folded,
                        stem,
                        clause: i,
                    });
                }
            } else {
                exact.push(c.clone());
            }
        }
        let mut queries = |clauses: &[Clause]| -> Vec<Box<dyn Query>> {
            (clauses.iter())
                .filter_map(|c| clause_query(c, ctx.fields, ctx.stemmed))
                .collect()
        };
        let (required, exclusions) = (queries(&exact), queries(&excluded));
        let mut concepts: Vec<Concept> = Vec::new();
        let mut fillers = Vec::new();
        let stems: Vec<String> = words.iter().map(|w| w.stem.clone()).collect();
        let mut at = 0;
        while at < words.len() {
            let (used, concept) = Self::concept_at(&words, &stems, at, ctx);
            let filler = used == 1 && concept.forms.len() == 1 && is_filler(&words[at].folded);
            // The same word twice is asked for once ("cache cache redis" needs both words).
            if filler {
                fillers.push(concept);
            } else if !concepts.contains(&concept) {
                concepts.push(concept);
            }
            at += used;
        }
        // A query of fillers alone ("how to") searches for them.
        if concepts.is_empty() {
            concepts = fillers;
        }
        Plan {
            has_positive: parsed.clauses.iter().any(|c| !c.negated),
            concepts,
            exact,
            excluded,
            required,
            exclusions,
            fields: *ctx.fields,
        }
    }

    /// The concept starting at word `at` and how many words it takes.
    fn concept_at(words: &[Word], stems: &[String], at: usize, ctx: &mut Ctx) -> (usize, Concept) {
        // The concept of the `n` words from `at`.
        let concept = |n: usize, forms: Vec<Form>| {
            let typed = (words[at..at + n].iter())
                .map(|w| w.folded.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            (n, Concept { typed, forms })
        };
        let form = |stems: Vec<String>| Form { stems, weight: 1.0 };
        // A member of a synonym group, the longest first ("roll back" before "roll").
        // Only words typed side by side make one concept ("data title:x center" does not).
        let mut run = at + 1;
        while run < words.len() && words[run].clause <= words[run - 1].clause + 1 {
            run += 1;
        }
        if let Some((len, group)) = ctx.synonyms.longest_at(&stems[..run], at) {
            let own = &stems[at..at + len];
            let mut forms = vec![form(own.to_vec())];
            // Synonyms find what the word as typed misses. A word that a thousand records
            // (or one in a hundred) already hold fills many pages by itself; its synonyms
            // would only reorder them, at several times the cost of ranking it alone.
            let abundant = held(own, ctx) >= ABUNDANT.max(ctx.docs / 100);
            for m in ctx.synonyms.members(group).iter().filter(|_| !abundant) {
                if m.as_slice() != own {
                    forms.push(Form {
                        stems: m.clone(),
                        weight: SYNONYM_WEIGHT,
                    });
                }
            }
            return concept(len, forms);
        }
        // Words typed as one ("on-call", "ci/cd") are one concept: as a phrase, and joined.
        let clause = words[at].clause;
        let joined_len = words[at..]
            .iter()
            .take_while(|w| w.clause == clause)
            .count();
        if joined_len > 1 {
            let joined: String = (words[at..at + joined_len].iter())
                .map(|w| w.folded.as_str())
                .collect();
            let forms = vec![
                form(stems[at..at + joined_len].to_vec()),
                form(vec![stem(ctx.stemmed, &joined)]),
            ];
            return concept(joined_len, forms);
        }
        // Two words that the records write as one ("data center" → "datacenter").
        if let Some(next) = words.get(at + 1).filter(|_| run > at + 1) {
            let joined = stem(ctx.stemmed, &format!("{}{}", words[at].folded, next.folded));
            if !is_filler(&next.folded)
                && (ctx.doc_freq)(&Term::from_field_text(ctx.fields.text, &joined)) > 0
            {
                return concept(
                    2,
                    vec![form(stems[at..at + 2].to_vec()), form(vec![joined])],
                );
            }
        }
        let mut forms = vec![form(vec![stems[at].clone()])];
        // One word that the records write as two ("healthcheck" → "health check"), unless
        // the word itself is abundant (as for synonyms).
        if held(&stems[at..=at], ctx) < ABUNDANT.max(ctx.docs / 100)
            && let Some(split) = Self::split(&words[at].folded, ctx)
        {
            forms.push(form(split));
        }
        concept(1, forms)
    }

    /// The most common way to write `word` as two words that the records hold side by side.
    pub fn split(word: &str, ctx: &mut Ctx) -> Option<Vec<String>> {
        if word.len() < 6 || !word.is_ascii() {
            return None;
        }
        (2..word.len() - 1)
            .filter_map(|i| {
                let (a, b) = (stem(ctx.stemmed, &word[..i]), stem(ctx.stemmed, &word[i..]));
                let n = (ctx.doc_freq)(&Term::from_field_text(ctx.fields.pairs, &pair(&a, &b)));
                (n > 0).then_some((n, vec![a, b]))
            })
            .max_by_key(|(n, _)| *n)
            .map(|(_, split)| split)
    }

    /// How many concepts make "most of them": one of two, two of three or four, then half.
    pub fn minimum(&self) -> usize {
        match self.concepts.len() {
            0..=2 => 1,
            n => n.div_ceil(2),
        }
    }

    /// Every concept, the exact clauses and the exclusions. With no concept and no exact
    /// clause: everything but the exclusions — or nothing, when words were typed that analyse
    /// to nothing ("---"). An exact clause of nothing searchable ("!!", `title:???`) finds
    /// nothing too, never everything.
    pub fn strict(&self) -> Box<dyn Query> {
        let impossible = self.required.len() < self.exact.len();
        let nothing_asked = self.concepts.is_empty() && self.exact.is_empty();
        if impossible || (nothing_asked && self.has_positive) {
            return Box::new(EmptyQuery);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = if nothing_asked {
            vec![(Occur::Must, Box::new(AllQuery))]
        } else {
            (self.each().into_iter())
                .map(|q| (Occur::Must, q))
                .collect()
        };
        self.add_exact(&mut clauses);
        finish(clauses)
    }

    /// At least `minimum` concepts, records with all of them first (for a plan of two
    /// concepts or more).
    pub fn relaxed(&self, minimum: usize) -> Box<dyn Query> {
        if self.required.len() < self.exact.len() {
            return Box::new(EmptyQuery);
        }
        let each = self.each();
        let all = BooleanQuery::new(each.iter().map(|q| (Occur::Must, q.box_clone())).collect());
        let most = BooleanQuery::with_minimum_required_clauses(
            each.into_iter().map(|q| (Occur::Should, q)).collect(),
            minimum,
        );
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(most)),
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(all), ALL_WORDS_BONUS)),
            ),
        ];
        self.add_exact(&mut clauses);
        self.add_proximity(&mut clauses);
        finish(clauses)
    }

    /// The exact clauses and the exclusions.
    fn add_exact(&self, clauses: &mut Vec<(Occur, Box<dyn Query>)>) {
        clauses.extend(self.required.iter().map(|q| (Occur::Must, q.box_clone())));
        clauses.extend(
            self.exclusions
                .iter()
                .map(|q| (Occur::MustNot, q.box_clone())),
        );
    }

    /// A boost for concepts side by side as typed (one pair term each). Only relaxed
    /// queries carry it: among records with every word, tantivy ranks a plain intersection
    /// of terms with skipping (block-max WAND), which any optional clause turns off.
    fn add_proximity(&self, clauses: &mut Vec<(Occur, Box<dyn Query>)>) {
        for w in self.concepts.windows(2) {
            if let ([a], [b]) = (
                w[0].forms[0].stems.as_slice(),
                w[1].forms[0].stems.as_slice(),
            ) {
                let pair = words_query(&self.fields, &[a.clone(), b.clone()]);
                clauses.extend(pair.map(|q| (Occur::Should, q)));
            }
        }
    }

    /// Each concept alone.
    pub fn each(&self) -> Vec<Box<dyn Query>> {
        (self.concepts.iter())
            .map(|c| concept_query(c, &self.fields))
            .collect()
    }

    /// What results mark: every concept and exact clause, never an exclusion.
    pub fn marked(&self) -> Box<dyn Query> {
        let all = self
            .each()
            .into_iter()
            .chain(self.required.iter().map(|q| q.box_clone()));
        Box::new(BooleanQuery::new(all.map(|q| (Occur::Should, q)).collect()))
    }

    /// A text that decides the plan's results, for cache keys.
    pub fn key(&self) -> String {
        format!(
            "{}|{:?}|{:?}|{:?}",
            self.has_positive, self.concepts, self.exact, self.excluded
        )
    }
}

/// The clauses as one query; a lone required clause stays itself, so that a word (or a word
/// and its synonyms) is ranked with skipping too.
fn finish(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if let [(Occur::Must, _)] = clauses.as_slice()
        && let Some((_, q)) = clauses.pop()
    {
        return q;
    }
    Box::new(BooleanQuery::new(clauses))
}

/// How many records hold a form of one or two words (longer forms count as rare: their
/// first word says nothing about the phrase).
fn held(stems: &[String], ctx: &Ctx) -> u64 {
    let f = ctx.fields;
    match stems {
        [one] => (ctx.doc_freq)(&Term::from_field_text(f.text, one)),
        [a, b] => (ctx.doc_freq)(&Term::from_field_text(f.pairs, &pair(a, b))),
        _ => 0,
    }
}

/// A form as a query: the words as `query::words_query` reads typed words, weighted.
fn form_query(form: &Form, f: &Fields) -> Box<dyn Query> {
    let q = words_query(f, &form.stems).unwrap_or_else(|| Box::new(EmptyQuery));
    if form.weight == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, form.weight))
    }
}

fn concept_query(c: &Concept, f: &Fields) -> Box<dyn Query> {
    match c.forms.as_slice() {
        [one] => form_query(one, f),
        many => Box::new(BooleanQuery::new(
            many.iter()
                .map(|form| (Occur::Should, form_query(form, f)))
                .collect(),
        )),
    }
}
