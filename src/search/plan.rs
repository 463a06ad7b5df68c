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
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::query::{Clause, MAX_CLAUSES, Parsed, Scope, clause_query, tokens};
use super::schema::{Fields, STOP_WORDS, TITLE_BOOST, pair};
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

#[derive(Debug, Clone)]
pub struct Plan {
    pub concepts: Vec<Concept>,
    exact: Vec<Clause>,
    excluded: Vec<Clause>,
    /// Whether the query had anything positive (words that analyse to nothing find nothing).
    pub has_positive: bool,
    /// An exact clause that can match nothing: the plan matches nothing.
    impossible: bool,
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
        // A phrase or `title:` of nothing searchable ("!!") finds nothing, not everything.
        let impossible = (exact.iter()).any(|c| clause_query(c, ctx.fields, ctx.stemmed).is_none());
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
            impossible,
            concepts,
            exact,
            excluded,
        }
    }

    /// The concept starting at word `at` and how many words it takes.
    fn concept_at(words: &[Word], stems: &[String], at: usize, ctx: &mut Ctx) -> (usize, Concept) {
        let typed = |n: usize| {
            (words[at..at + n].iter())
                .map(|w| w.folded.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        // A member of a synonym group, the longest first ("roll back" before "roll").
        // Only words typed side by side make one concept ("data title:x center" does not).
        let mut run = at + 1;
        while run < words.len() && words[run].clause <= words[run - 1].clause + 1 {
            run += 1;
        }
        if let Some((len, group)) = ctx.synonyms.longest_at(&stems[..run], at) {
            let own = &stems[at..at + len];
            let mut forms = vec![Form {
                stems: own.to_vec(),
                weight: 1.0,
            }];
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
            return (
                len,
                Concept {
                    typed: typed(len),
                    forms,
                },
            );
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
                Form {
                    stems: stems[at..at + joined_len].to_vec(),
                    weight: 1.0,
                },
                Form {
                    stems: vec![stem(ctx.stemmed, &joined)],
                    weight: 1.0,
                },
            ];
            return (
                joined_len,
                Concept {
                    typed: typed(joined_len),
                    forms,
                },
            );
        }
        // Two words that the records write as one ("data center" → "datacenter").
        if let Some(next) = words.get(at + 1).filter(|_| run > at + 1) {
            let joined = stem(ctx.stemmed, &format!("{}{}", words[at].folded, next.folded));
            if !is_filler(&next.folded)
                && (ctx.doc_freq)(&Term::from_field_text(ctx.fields.text, &joined)) > 0
            {
                let forms = vec![
                    Form {
                        stems: stems[at..at + 2].to_vec(),
                        weight: 1.0,
                    },
                    Form {
                        stems: vec![joined],
                        weight: 1.0,
                    },
                ];
                return (
                    2,
                    Concept {
                        typed: typed(2),
                        forms,
                    },
                );
            }
        }
        let mut forms = vec![Form {
            stems: vec![stems[at].clone()],
            weight: 1.0,
        }];
        // One word that the records write as two ("healthcheck" → "health check"), unless
        // the word itself is abundant (as for synonyms).
        if held(&stems[at..=at], ctx) < ABUNDANT.max(ctx.docs / 100)
            && let Some(split) = Self::split(&words[at].folded, ctx)
        {
            forms.push(Form {
                stems: split,
                weight: 1.0,
            });
        }
        (
            1,
            Concept {
                typed: typed(1),
                forms,
            },
        )
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

    /// Every concept, the exact clauses and the exclusions.
    pub fn strict(&self, ctx: &mut Ctx) -> Option<Box<dyn Query>> {
        if self.impossible {
            return Some(Box::new(EmptyQuery));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = (self.concepts.iter())
            .map(|c| (Occur::Must, concept_query(c, ctx.fields)))
            .collect();
        self.add_exact(&mut clauses, ctx);
        self.finish(clauses)
    }

    /// At least `minimum` concepts, records with all of them first.
    pub fn relaxed(&self, minimum: usize, ctx: &mut Ctx) -> Option<Box<dyn Query>> {
        if self.impossible {
            return Some(Box::new(EmptyQuery));
        }
        let each: Vec<Box<dyn Query>> = (self.concepts.iter())
            .map(|c| concept_query(c, ctx.fields))
            .collect();
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
        self.add_exact(&mut clauses, ctx);
        self.add_proximity(&mut clauses, ctx);
        self.finish(clauses)
    }

    /// The exact clauses and the exclusions.
    fn add_exact(&self, clauses: &mut Vec<(Occur, Box<dyn Query>)>, ctx: &mut Ctx) {
        for c in &self.exact {
            if let Some(q) = clause_query(c, ctx.fields, ctx.stemmed) {
                clauses.push((Occur::Must, q));
            }
        }
        for c in &self.excluded {
            if let Some(q) = clause_query(c, ctx.fields, ctx.stemmed) {
                clauses.push((Occur::MustNot, q));
            }
        }
    }

    /// A boost for concepts side by side as typed (one pair term each). Only relaxed
    /// queries carry it: among records with every word, tantivy ranks a plain intersection
    /// of terms with skipping (block-max WAND), which any optional clause turns off.
    fn add_proximity(&self, clauses: &mut Vec<(Occur, Box<dyn Query>)>, ctx: &mut Ctx) {
        for w in self.concepts.windows(2) {
            if let ([a], [b]) = (
                w[0].forms[0].stems.as_slice(),
                w[1].forms[0].stems.as_slice(),
            ) {
                clauses.push((
                    Occur::Should,
                    term(ctx.fields.pairs, &pair(a, b), IndexRecordOption::WithFreqs),
                ));
            }
        }
    }

    /// The clauses as one query; a lone required clause stays itself, so that a word (or a
    /// word and its synonyms) is ranked with skipping too.
    fn finish(&self, mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
        if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            return None;
        }
        if clauses.len() == 1 {
            return clauses.pop().map(|(_, q)| q);
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Nothing positive to match: the caller matches everything (or nothing, when words were
    /// typed that analyse to nothing).
    pub fn matches_all(&self) -> bool {
        self.concepts.is_empty() && self.exact.is_empty()
    }

    /// The exclusions alone, for a query that is nothing else.
    pub fn exclusions(&self, ctx: &mut Ctx) -> Vec<Box<dyn Query>> {
        (self.excluded.iter())
            .filter_map(|c| clause_query(c, ctx.fields, ctx.stemmed))
            .collect()
    }

    /// Each concept alone.
    pub fn each(&self, ctx: &mut Ctx) -> Vec<Box<dyn Query>> {
        (self.concepts.iter())
            .map(|c| concept_query(c, ctx.fields))
            .collect()
    }

    /// What results mark: every concept and exact clause, never an exclusion.
    pub fn marked(&self, ctx: &mut Ctx) -> Box<dyn Query> {
        let mut all: Vec<(Occur, Box<dyn Query>)> = (self.concepts.iter())
            .map(|c| (Occur::Should, concept_query(c, ctx.fields)))
            .collect();
        for c in &self.exact {
            if let Some(q) = clause_query(c, ctx.fields, ctx.stemmed) {
                all.push((Occur::Should, q));
            }
        }
        Box::new(BooleanQuery::new(all))
    }

    /// A text that decides the plan's results, for cache keys.
    pub fn key(&self) -> String {
        format!(
            "{}{}|{:?}|{:?}|{:?}",
            self.has_positive, self.impossible, self.concepts, self.exact, self.excluded
        )
    }
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

fn term(field: Field, text: &str, record: IndexRecordOption) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), record))
}

/// A form as a query: a word in `text`, two words as a pair, more as a phrase.
fn form_query(form: &Form, f: &Fields) -> Box<dyn Query> {
    let q: Box<dyn Query> = match form.stems.as_slice() {
        [one] => term(f.text, one, IndexRecordOption::WithFreqs),
        [a, b] => term(f.pairs, &pair(a, b), IndexRecordOption::WithFreqs),
        many => {
            let phrase = |field: Field| {
                PhraseQuery::new(
                    many.iter()
                        .map(|t| Term::from_field_text(field, t))
                        .collect(),
                )
            };
            Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(phrase(f.title)),
                        TITLE_BOOST as f32,
                    )) as Box<dyn Query>,
                ),
                (Occur::Should, Box::new(phrase(f.body))),
            ]))
        }
    };
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
