//! The search records of career steps: who may read them, and the queries the indexer pages
//! through.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::people;
use crate::error::AppResult;
use crate::projection::{EVERYONE, Record, key};
use crate::steps::model::Step;

/// (person id, username, display name, step, since, public, updated) of a step record.
type StepRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<NaiveDate>,
    bool,
    chrono::NaiveDateTime,
);

/// The search records of these people's steps: readable by the person and admins, and by
/// everyone once the person made the step public. Chapter leads find their people on the
/// chapter overview instead: a reader list naming leads would go stale the day a membership
/// ends, and a stale reader is a leak.
pub fn records(conn: &mut AnyConnection, person_ids: &[i64]) -> AppResult<Vec<Record>> {
    use crate::db::schema::step_profiles;
    let rows: Vec<StepRow> = step_profiles::table
        .inner_join(people::table.on(people::id.eq(step_profiles::person_id)))
        .filter(step_profiles::person_id.eq_any(person_ids))
        .filter(people::disabled.eq(false))
        .filter(step_profiles::step.is_not_null())
        .select((
            people::id,
            people::username,
            people::display_name,
            step_profiles::step,
            step_profiles::step_since,
            step_profiles::public,
            step_profiles::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, username, name, step, since, public, at)| {
            let step = Step::parse(step.as_deref()?)?;
            let mut readers = vec![format!("person:{id}"), "admin".to_string()];
            if public {
                readers.push(EVERYONE.to_string());
            }
            let since_date = since.and_then(|d| d.and_hms_opt(0, 0, 0));
            let since = since.map(|d| format!(" since {d}")).unwrap_or_default();
            Some(Record {
                key: key("step", &username),
                kind: "step",
                title: format!("{name}: {} step", step.label()),
                body: format!(
                    "{name} is at the {} step{since}. Career step.",
                    step.label()
                ),
                tags: vec![],
                unit_ids: vec![],
                author: None,
                // Dated by the step, never by the last write: a public record must not tell
                // when something private (an assessment, a declined proposal) happened.
                date: since_date.unwrap_or(at),
                url: if public {
                    format!("/people/{username}")
                } else {
                    format!("/people/{username}/steps")
                },
                context: "Career step".into(),
                readers,
            })
        })
        .collect())
}

pub fn ids_after(conn: &mut AnyConnection, after: i64, n: i64) -> QueryResult<Vec<i64>> {
    use crate::db::schema::step_profiles;
    step_profiles::table
        .filter(step_profiles::person_id.gt(after))
        .filter(step_profiles::step.is_not_null())
        .order(step_profiles::person_id)
        .limit(n)
        .select(step_profiles::person_id)
        .load(conn)
}

pub fn count(conn: &mut AnyConnection) -> AppResult<i64> {
    use crate::db::schema::step_profiles;
    Ok(step_profiles::table
        .filter(step_profiles::step.is_not_null())
        .count()
        .get_result(conn)?)
}

/// The search updates for a change to `username`'s record (or their person).
pub fn records_of(conn: &mut AnyConnection, username: &str) -> AppResult<Vec<Record>> {
    let ids: Vec<i64> = people::table
        .filter(people::username.eq(username))
        .select(people::id)
        .load(conn)?;
    records(conn, &ids)
}
