//! The `comments` table. Writes take the `Logged` proof of the write they are part of: a
//! comment changes what search holds of its record, so its record's change is logged with it.

use std::collections::HashMap;

use chrono::Utc;
use diesel::prelude::*;

use super::model::Comment;
use crate::db::schema::{comments, people};
use crate::db::{AnyConnection, EntityKind, Logged};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// A comment with its author's username and name.
pub type Written = (Comment, String, String);

/// The comments on a record, oldest first, with their authors.
pub fn on(conn: &mut AnyConnection, kind: EntityKind, id: i64) -> AppResult<Vec<Written>> {
    Ok(comments::table
        .inner_join(people::table.on(people::id.eq(comments::author_id)))
        .filter(comments::subject_kind.eq(kind.key()))
        .filter(comments::subject_id.eq(id))
        .order(comments::id)
        .select((Comment::as_select(), people::username, people::display_name))
        .load(conn)?)
}

pub fn get(conn: &mut AnyConnection, id: i64) -> AppResult<Comment> {
    comments::table
        .find(id)
        .select(Comment::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn insert(
    conn: &mut AnyConnection,
    _log: Logged<'_>,
    kind: EntityKind,
    id: i64,
    author: PersonId,
    body: &str,
) -> AppResult<i64> {
    Ok(diesel::insert_into(comments::table)
        .values((
            comments::subject_kind.eq(kind.key()),
            comments::subject_id.eq(id),
            comments::author_id.eq(author.0),
            comments::body.eq(body),
            comments::created_at.eq(Utc::now().naive_utc()),
            comments::hidden_reason.eq(""),
        ))
        .returning(comments::id)
        .get_result(conn)?)
}

pub fn set_body(conn: &mut AnyConnection, _log: Logged<'_>, id: i64, body: &str) -> AppResult<()> {
    diesel::update(comments::table.find(id))
        .set((
            comments::body.eq(body),
            comments::edited_at.eq(Some(Utc::now().naive_utc())),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut AnyConnection, _log: Logged<'_>, id: i64) -> AppResult<()> {
    diesel::delete(comments::table.find(id)).execute(conn)?;
    Ok(())
}

/// Hides a comment (with who and why) or, with `by` none, shows it again.
pub fn set_hidden(
    conn: &mut AnyConnection,
    _log: Logged<'_>,
    id: i64,
    by: Option<PersonId>,
    reason: &str,
) -> AppResult<()> {
    let at = by.map(|_| Utc::now().naive_utc());
    diesel::update(comments::table.find(id))
        .set((
            comments::hidden_at.eq(at),
            comments::hidden_by.eq(by.map(|p| p.0)),
            comments::hidden_reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// What search reads of the comments on records of one kind: the plain text of those not
/// hidden, by record.
pub fn texts(
    conn: &mut AnyConnection,
    kind: EntityKind,
    ids: &[i64],
) -> AppResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = comments::table
        .filter(comments::subject_kind.eq(kind.key()))
        .filter(comments::subject_id.eq_any(ids))
        .filter(comments::hidden_at.is_null())
        .order(comments::id)
        .select((comments::subject_id, comments::body))
        .load(conn)?;
    let mut out: HashMap<i64, String> = HashMap::new();
    for (id, body) in rows {
        let text = out.entry(id).or_default();
        text.push_str("\n\n");
        text.push_str(&crate::markdown::plain_text(&body));
    }
    Ok(out)
}
