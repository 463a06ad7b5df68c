//! A comment and its rules: how long its author may edit it, what a body may be.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::comments;
use crate::ids::PersonId;

/// How long after writing it a comment's author may still edit it.
pub const EDIT_MINUTES: i64 = 15;

/// The longest comment, in characters.
pub const MAX_CHARS: usize = 10_000;

/// A comment as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub author_id: PersonId,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub hidden_at: Option<NaiveDateTime>,
    pub hidden_by: Option<PersonId>,
    pub hidden_reason: String,
}

impl Comment {
    /// Its author may change it for [`EDIT_MINUTES`] after writing it.
    pub fn editable_by(&self, person: PersonId, now: NaiveDateTime) -> bool {
        self.author_id == person
            && self.hidden_at.is_none()
            && now < self.created_at + Duration::minutes(EDIT_MINUTES)
    }

    /// Where it is on its record's page.
    pub fn anchor(&self) -> String {
        format!("comment-{}", self.id)
    }
}

/// A comment's body as typed: something to say, not too long.
pub fn parse_body(raw: &str) -> Result<String, String> {
    let body = raw.trim();
    match body.chars().count() {
        0 => Err("Write something to comment.".into()),
        n if n > MAX_CHARS => Err(format!(
            "A comment has at most {MAX_CHARS} characters; this one has {n}."
        )),
        _ => Ok(body.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(author: i64, minutes_ago: i64, now: NaiveDateTime) -> Comment {
        Comment {
            id: 1,
            subject_kind: "lesson".into(),
            subject_id: 1,
            author_id: PersonId(author),
            body: "x".into(),
            created_at: now - Duration::minutes(minutes_ago),
            edited_at: None,
            hidden_at: None,
            hidden_by: None,
            hidden_reason: String::new(),
        }
    }

    #[test]
    fn only_the_author_edits_and_only_for_a_while() {
        let now = chrono::Utc::now().naive_utc();
        assert!(comment(1, 14, now).editable_by(PersonId(1), now));
        assert!(!comment(1, 15, now).editable_by(PersonId(1), now));
        assert!(!comment(1, 1, now).editable_by(PersonId(2), now));
        let mut hidden = comment(1, 1, now);
        hidden.hidden_at = Some(now);
        assert!(!hidden.editable_by(PersonId(1), now));
    }

    #[test]
    fn bodies_are_checked() {
        assert_eq!(parse_body("  hi  ").as_deref(), Ok("hi"));
        assert!(parse_body("   ").is_err());
        assert!(parse_body(&"x".repeat(MAX_CHARS + 1)).is_err());
    }
}
