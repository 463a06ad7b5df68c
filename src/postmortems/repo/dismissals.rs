//! Dismissed findings of the blameless checker: which rule, which phrase, in which field,
//! and why an author or reviewer judged it no blame.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::blameless_dismissals;
use crate::db::{AnyConnection, Change, write_with_changes, write_with_changes_if_any};
use crate::error::AppResult;
use crate::ids::PersonId;

/// A dismissed finding: which rule, which phrase (lower case), in which field, and why.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = blameless_dismissals)]
pub struct Dismissal {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub postmortem_id: i64,
    pub field: String,
    pub rule: String,
    pub phrase: String,
    pub reason: String,
    #[serde(skip)]
    pub person_id: Option<PersonId>,
    pub created_at: NaiveDateTime,
}

/// A dismissal as written: by a reviewer now, or carried over from an earlier one.
#[derive(Insertable)]
#[diesel(table_name = blameless_dismissals)]
struct NewDismissal<'a> {
    postmortem_id: i64,
    field: &'a str,
    rule: &'a str,
    phrase: &'a str,
    reason: &'a str,
    person_id: Option<PersonId>,
    created_at: NaiveDateTime,
}

pub fn dismissals(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<Dismissal>> {
    Ok(blameless_dismissals::table
        .filter(blameless_dismissals::postmortem_id.eq(id))
        .order(blameless_dismissals::id)
        .select(Dismissal::as_select())
        .load(conn)?)
}

/// Records a dismissal (dismissing the same finding again updates its reason).
pub fn dismiss(
    conn: &mut AnyConnection,
    actor: PersonId,
    id: i64,
    field: &str,
    rule: &str,
    phrase: &str,
    reason: &str,
) -> AppResult<()> {
    let phrase = normal_phrase(phrase);
    write_with_changes(conn, Some(actor), |c, _| {
        // An upsert, so that the same finding dismissed twice at once (a double click) keeps
        // one dismissal with the later reason instead of failing on the unique finding.
        let now = Utc::now().naive_utc();
        let row = NewDismissal {
            postmortem_id: id,
            field,
            rule,
            phrase: &phrase,
            reason: reason.trim(),
            person_id: Some(actor),
            created_at: now,
        };
        crate::per_backend!(c, |c| diesel::insert_into(blameless_dismissals::table)
            .values(&row)
            .on_conflict((
                blameless_dismissals::postmortem_id,
                blameless_dismissals::field,
                blameless_dismissals::rule,
                blameless_dismissals::phrase,
            ))
            .do_update()
            .set((
                blameless_dismissals::reason.eq(reason.trim()),
                blameless_dismissals::person_id.eq(actor),
                blameless_dismissals::created_at.eq(now),
            ))
            .execute(c))?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Dismiss,
            )],
        ))
    })
}

/// A phrase as dismissals keep and compare it: lower case, single spaces (a form sends a
/// line break inside a phrase back as CRLF).
pub fn normal_phrase(phrase: &str) -> String {
    phrase
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Post-mortems that have at least one dismissal.
pub fn with_dismissals(conn: &mut AnyConnection) -> AppResult<Vec<i64>> {
    Ok(blameless_dismissals::table
        .select(blameless_dismissals::postmortem_id)
        .distinct()
        .order(blameless_dismissals::postmortem_id)
        .load(conn)?)
}

/// Gives the finding (`field`, `rule`, `phrase`) of post-mortem `id` the reason, author and
/// time of the dismissal `from` (unless it has a dismissal already). True when one was added.
pub fn carry(
    conn: &mut AnyConnection,
    id: i64,
    field: &str,
    rule: &str,
    phrase: &str,
    from: &Dismissal,
) -> AppResult<bool> {
    let phrase = normal_phrase(phrase);
    write_with_changes_if_any(conn, None, |c, _| {
        let row = NewDismissal {
            postmortem_id: id,
            field,
            rule,
            phrase: &phrase,
            reason: &from.reason,
            person_id: from.person_id,
            created_at: from.created_at,
        };
        let added = crate::per_backend!(c, |c| diesel::insert_into(blameless_dismissals::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(c))?;
        let changes = if added > 0 {
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Dismiss,
            )]
        } else {
            Vec::new()
        };
        Ok((added > 0, changes))
    })
}
