//! Wiki pages and their revisions; parsing of what an editor sends. No I/O.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{page_revisions, pages};
use crate::ids::{PersonId, UnitId};
use crate::org::unit::Slug;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = pages)]
pub struct Page {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub body: String,
    /// The number of the current revision.
    pub revision: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<PersonId>,
    pub deleted_at: Option<NaiveDateTime>,
}

impl Page {
    pub fn url(&self) -> String {
        format!("/pages/{}", self.slug)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = page_revisions)]
pub struct Revision {
    pub id: i64,
    pub page_id: i64,
    pub number: i32,
    pub title: String,
    pub slug: String,
    pub body: String,
    pub summary: String,
    pub author_id: Option<PersonId>,
    pub created_at: NaiveDateTime,
}

pub const MAX_BODY: usize = 512 * 1024;
pub const MAX_TAGS: usize = 20;

/// What an editor sends, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInput {
    pub title: String,
    pub slug: String,
    pub body: String,
    pub summary: String,
    pub tags: Vec<String>,
    /// Units the page is attached to, by id.
    pub units: Vec<UnitId>,
    /// The slug was made from the title, not typed: a new page then takes the next free one
    /// (`title-2`, …) instead of being refused.
    pub slug_from_title: bool,
}

pub fn parse_title(raw: &str) -> Result<String, String> {
    let t = raw.trim();
    match t.chars().count() {
        0 => Err("Give the page a title.".into()),
        n if n > 200 => Err("A title has at most 200 characters.".into()),
        _ if t.contains(['[', ']', '|']) => {
            Err("A title cannot contain [, ] or | (they would break [[wikilinks]]).".into())
        }
        _ => Ok(t.to_string()),
    }
}

/// The longest page slug: long wiki titles make long slugs, and two titles that differ only
/// after the 64th character must not collide.
pub const MAX_SLUG: usize = 200;

/// A slug from the field, or made from the title when the field is empty.
pub fn parse_slug(raw: &str, title: &str) -> Result<String, String> {
    let slug = match raw.trim() {
        "" => Slug::from_name_up_to(title, MAX_SLUG).ok_or_else(|| {
            "Give a slug: the title has no letters or digits to make one from.".to_string()
        })?,
        s => Slug::parse_up_to(s, MAX_SLUG)?,
    };
    if matches!(slug.as_str(), "new" | "preview") {
        return Err(format!(
            "{:?} is reserved; choose another slug.",
            slug.as_str()
        ));
    }
    Ok(slug.as_str().to_string())
}

/// Tags: separated by commas or spaces, lower-cased, 1–40 characters of letters, digits and
/// dashes each, at most 20.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for t in raw
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let t = t.trim_start_matches('#').to_lowercase();
        let ok = !t.is_empty()
            && t.chars().count() <= 40
            && t.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !ok {
            return Err(format!(
                "{t:?} is not a tag: use letters, digits and dashes (e.g. incident-review)."
            ));
        }
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("At most {MAX_TAGS} tags."));
    }
    Ok(tags)
}

pub fn parse_body(raw: &str) -> Result<String, String> {
    if raw.len() > MAX_BODY {
        Err(format!(
            "A page has at most {} KiB of text.",
            MAX_BODY / 1024
        ))
    } else {
        // Browsers send CRLF; revisions and merges work on lines, so store LF.
        Ok(raw.replace("\r\n", "\n"))
    }
}

pub fn parse_summary(raw: &str) -> String {
    raw.trim().chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        assert_eq!(
            parse_slug("", "Onboarding: Week 1").unwrap(),
            "onboarding-week-1"
        );
        assert!(parse_slug("new", "x").is_err());
        assert!(parse_title("a [[b]]").is_err());
        assert_eq!(
            parse_tags("#Ops, incident-review ops").unwrap(),
            vec!["ops", "incident-review"]
        );
        assert!(parse_tags("no_underscores").is_err());
        assert_eq!(parse_body("a\r\nb").unwrap(), "a\nb");
    }
}
