//! Lessons: short, self-contained things learned, with their source and the units they
//! concern. Types and parsing; no I/O.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{lesson_revisions, lessons};
use crate::ids::{PersonId, UnitId};

/// Where a lesson came from. Every lesson has a source or says it stands alone (enforced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Alone,
    Page(String),
    Experiment(String),
    Postmortem(String),
    Retro(String),
}

impl Source {
    pub const KINDS: [(&'static str, &'static str); 5] = [
        ("alone", "Stands alone"),
        ("page", "A wiki page"),
        ("experiment", "An experiment"),
        ("postmortem", "A post-mortem"),
        ("retro", "A retrospective"),
    ];

    /// From the stored or submitted pair; a source kind needs its reference.
    pub fn parse(kind: &str, reference: &str) -> Result<Source, String> {
        let r = reference.trim().to_string();
        let need = |what: &str| -> Result<String, String> {
            if r.is_empty() {
                Err(format!(
                    "Say which {what} this lesson came from, or mark it as standing alone."
                ))
            } else {
                Ok(r.clone())
            }
        };
        Ok(match kind.trim() {
            "alone" | "" => Source::Alone,
            "page" => Source::Page(need("page")?.trim_start_matches("/pages/").to_lowercase()),
            "experiment" => Source::Experiment(
                need("experiment")?
                    .trim_start_matches("/experiments/")
                    .to_string(),
            ),
            "postmortem" => Source::Postmortem(numeric(
                need("post-mortem")?.trim_start_matches("/postmortems/"),
            )),
            "retro" => Source::Retro(numeric(
                need("retrospective")?.trim_start_matches("/retros/"),
            )),
            other => return Err(format!("{other:?} is not a kind of source.")),
        })
    }

    /// The kind of the source, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Alone => "alone",
            Source::Page(_) => "page",
            Source::Experiment(_) => "experiment",
            Source::Postmortem(_) => "postmortem",
            Source::Retro(_) => "retro",
        }
    }

    pub fn reference(&self) -> &str {
        match self {
            Source::Alone => "",
            Source::Page(r) | Source::Experiment(r) | Source::Postmortem(r) | Source::Retro(r) => r,
        }
    }

    /// Where the source lives, when fika has a page for it.
    pub fn url(&self) -> Option<String> {
        match self {
            Source::Page(slug) => Some(format!("/pages/{slug}")),
            Source::Experiment(r) => Some(format!("/experiments/{r}")),
            Source::Postmortem(r) => Some(format!("/postmortems/{r}")),
            Source::Retro(r) => Some(format!("/retros/{r}")),
            Source::Alone => None,
        }
    }

    pub fn label(&self) -> &'static str {
        Source::KINDS
            .iter()
            .find(|(k, _)| *k == self.kind())
            .map(|(_, l)| *l)
            .unwrap_or("Stands alone")
    }
}

/// A reference that is an id, written the one way it is stored ("07" → "7"), so that the
/// source links back; anything else as it was written (it will not be found).
fn numeric(r: &str) -> String {
    r.trim()
        .parse::<i64>()
        .map_or_else(|_| r.trim().to_string(), |id| id.to_string())
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = lessons)]
pub struct Lesson {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub source_kind: String,
    pub source_ref: String,
    pub author_id: Option<PersonId>,
    pub revision: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

impl Lesson {
    pub fn url(&self) -> String {
        format!("/lessons/{}", self.id)
    }

    pub fn source(&self) -> Source {
        Source::parse(&self.source_kind, &self.source_ref).unwrap_or(Source::Alone)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = lesson_revisions)]
pub struct LessonRevision {
    pub id: i64,
    pub lesson_id: i64,
    pub number: i32,
    pub title: String,
    pub body: String,
    pub source_kind: String,
    pub source_ref: String,
    pub summary: String,
    pub author_id: Option<PersonId>,
    pub created_at: NaiveDateTime,
}

/// What an editor sends, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonInput {
    pub title: String,
    pub body: String,
    pub source: Source,
    pub summary: String,
    pub tags: Vec<String>,
    pub units: Vec<UnitId>,
}

/// A lesson is short: a title of at most 200 characters, a body of at most 20,000.
pub fn parse_title(raw: &str) -> Result<String, String> {
    let t = raw.trim();
    match t.chars().count() {
        0 => Err("Say the lesson in a line: that is its title.".into()),
        n if n > 200 => Err("A lesson's title has at most 200 characters.".into()),
        _ => Ok(t.to_string()),
    }
}

pub fn parse_body(raw: &str) -> Result<String, String> {
    let body = raw.replace("\r\n", "\n");
    if body.chars().count() > 20_000 {
        Err("A lesson has at most 20,000 characters; longer stories belong on a page.".into())
    } else {
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        assert_eq!(Source::parse("alone", "").unwrap(), Source::Alone);
        assert_eq!(
            Source::parse("page", "/pages/Runbook").unwrap(),
            Source::Page("runbook".into())
        );
        assert!(
            Source::parse("page", "")
                .unwrap_err()
                .contains("stands alone")
                || Source::parse("page", "").is_err()
        );
        assert!(Source::parse("rumour", "x").is_err());
        assert_eq!(Source::Page("x".into()).url().as_deref(), Some("/pages/x"));
    }
}
