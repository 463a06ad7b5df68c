//! The query syntax people already know — words, `"exact phrase"`,
//! `-exclude`, `title:word`, `tag:name`, `author:username`, `kind:lesson` — parsed by hand so
//! that nothing a person types is an error: what is not syntax is searched as words.

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::schema::{Fields, TITLE_BOOST, pair};

/// Where a clause looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Title, body and tags.
    Text,
    Title,
    Tag,
    Author,
    Kind,
}

impl Scope {
    fn prefix(self) -> &'static str {
        match self {
            Scope::Text => "",
            Scope::Title => "title:",
            Scope::Tag => "tag:",
            Scope::Author => "author:",
            Scope::Kind => "kind:",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub negated: bool,
    pub scope: Scope,
    /// Quoted: its words must appear together, in order.
    pub phrase: bool,
    pub text: String,
}

impl Clause {
    /// A plain word a typo correction may replace.
    pub fn correctable(&self) -> bool {
        !self.negated && !self.phrase && matches!(self.scope, Scope::Text | Scope::Title)
    }
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub clauses: Vec<Clause>,
}

/// Clauses read from one query; the rest is ignored (a pasted paragraph must not turn into
/// a query of hundreds of clauses).
pub const MAX_CLAUSES: usize = 32;

pub fn parse(input: &str) -> Parsed {
    let mut clauses = Vec::new();
    let mut rest = input.trim();
    while !rest.is_empty() && clauses.len() < MAX_CLAUSES {
        let mut negated = false;
        if let Some(r) = rest.strip_prefix('-')
            && r.starts_with(|c: char| !c.is_whitespace() && c != '-')
        {
            negated = true;
            rest = r;
        }
        let mut scope = Scope::Text;
        for s in [Scope::Title, Scope::Tag, Scope::Author, Scope::Kind] {
            if let Some(r) = strip_prefix_ci(rest, s.prefix())
                && r.starts_with(|c: char| !c.is_whitespace())
            {
                scope = s;
                rest = r;
                break;
            }
        }
        let (text, phrase, after) = match rest.strip_prefix('"') {
            Some(r) => match r.find('"') {
                Some(end) => (&r[..end], true, &r[end + 1..]),
                // An unclosed quote quotes the rest.
                None => (r, true, ""),
            },
            None => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], false, &rest[end..])
            }
        };
        let text = text.trim();
        if !text.is_empty() {
            clauses.push(Clause {
                negated,
                scope,
                phrase,
                text: text.to_string(),
            });
        }
        rest = after.trim_start();
    }
    Parsed { clauses }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (!prefix.is_empty()
        && s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &s[prefix.len()..])
}

impl std::fmt::Display for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for c in &self.clauses {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            if c.negated {
                f.write_str("-")?;
            }
            f.write_str(c.scope.prefix())?;
            if c.phrase {
                write!(f, "\"{}\"", c.text)?;
            } else {
                f.write_str(&c.text)?;
            }
        }
        Ok(())
    }
}

/// The tokens of `text` under an analyzer.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

fn term_query(field: Field, text: &str, record: IndexRecordOption) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), record))
}

/// Tokens in one field: one term, or a phrase of them.
fn in_field(field: Field, tokens: &[String]) -> Option<Box<dyn Query>> {
    match tokens {
        [] => None,
        [one] => Some(term_query(field, one, IndexRecordOption::WithFreqs)),
        many => Some(Box::new(PhraseQuery::new(
            many.iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
        ))),
    }
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.into_iter().next(),
        _ => Some(Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

/// One clause as a tantivy query: a phrase, or a word in one field.
pub fn clause_query(c: &Clause, f: &Fields, stemmed: &mut TextAnalyzer) -> Option<Box<dyn Query>> {
    let raw = || c.text.to_lowercase();
    match c.scope {
        Scope::Tag => Some(term_query(f.tags, &raw(), IndexRecordOption::Basic)),
        Scope::Author => Some(term_query(f.author, &raw(), IndexRecordOption::Basic)),
        Scope::Kind => Some(term_query(f.kind, &raw(), IndexRecordOption::Basic)),
        Scope::Title => in_field(f.title, &tokens(stemmed, &c.text)),
        Scope::Text => words_query(f, &tokens(stemmed, &c.text)),
    }
}

/// Stemmed words in a row, wherever a record says them: one word, a phrase of them.
pub fn words_query(f: &Fields, stems: &[String]) -> Option<Box<dyn Query>> {
    match stems {
        // Title, body and tags are one field for a word, and for a pair of words.
        [one] => Some(term_query(f.text, one, IndexRecordOption::WithFreqs)),
        [first, second] => Some(term_query(
            f.pairs,
            &pair(first, second),
            IndexRecordOption::WithFreqs,
        )),
        // Longer phrases need positions, which only title and body keep (tags are later
        // values of the body, see `indexer::document`).
        toks => any_of(
            in_field(f.title, toks)
                .map(|q| boosted(q, TITLE_BOOST as f32))
                .into_iter()
                .chain(in_field(f.body, toks))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<(bool, Scope, bool, String)> {
        parse(q)
            .clauses
            .into_iter()
            .map(|c| (c.negated, c.scope, c.phrase, c.text))
            .collect()
    }

    #[test]
    fn the_syntax_people_know() {
        assert_eq!(
            words(r#"cache "feature flag" -redis title:deploy tag:Postgres"#),
            vec![
                (false, Scope::Text, false, "cache".into()),
                (false, Scope::Text, true, "feature flag".into()),
                (true, Scope::Text, false, "redis".into()),
                (false, Scope::Title, false, "deploy".into()),
                (false, Scope::Tag, false, "Postgres".into()),
            ]
        );
        assert_eq!(
            words(r#"-"big bang" author:alice kind:lesson"#),
            vec![
                (true, Scope::Text, true, "big bang".into()),
                (false, Scope::Author, false, "alice".into()),
                (false, Scope::Kind, false, "lesson".into()),
            ]
        );
    }

    #[test]
    fn what_is_not_syntax_is_words() {
        // Unclosed quotes, lone dashes, unknown fields, operators and brackets.
        assert_eq!(
            words(r#"unclosed "quote here"#),
            vec![
                (false, Scope::Text, false, "unclosed".into()),
                (false, Scope::Text, true, "quote here".into()),
            ]
        );
        assert_eq!(
            words("- -- foo:bar title: AND (x"),
            vec![
                (false, Scope::Text, false, "-".into()),
                (false, Scope::Text, false, "--".into()),
                (false, Scope::Text, false, "foo:bar".into()),
                (false, Scope::Text, false, "title:".into()),
                (false, Scope::Text, false, "AND".into()),
                (false, Scope::Text, false, "(x".into()),
            ]
        );
        assert_eq!(words(r#""""#), vec![]);
        assert_eq!(words("   "), vec![]);
    }

    #[test]
    fn long_input_is_cut() {
        let q = "word ".repeat(500);
        assert_eq!(parse(&q).clauses.len(), MAX_CLAUSES);
    }

    #[test]
    fn shown_back_as_typed() {
        let q = r#"cache "feature flag" -redis title:deploy"#;
        assert_eq!(parse(q).to_string(), q);
    }
}
