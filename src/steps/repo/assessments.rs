//! Assessments: one side's (self or lead) ratings and notes per behavior.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{NewEvent, Who, event, now, record_write};
use crate::db::AnyConnection;
use crate::db::schema::{people, step_assessments};
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::steps::model::{Assessment, Behavior, EventKind, Row, Side};

type AssessmentRow = (
    String,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    String,
    String,
    NaiveDateTime,
);

pub fn assessment(
    conn: &mut AnyConnection,
    person_id: PersonId,
    side: Side,
) -> AppResult<Assessment> {
    let rows: Vec<AssessmentRow> = step_assessments::table
        .inner_join(people::table.on(people::id.eq(step_assessments::author_id)))
        .filter(step_assessments::person_id.eq(person_id))
        .filter(step_assessments::side.eq(side.key()))
        .select((
            step_assessments::behavior,
            step_assessments::individual,
            step_assessments::squad,
            step_assessments::tribe,
            step_assessments::company,
            step_assessments::note,
            people::display_name,
            step_assessments::updated_at,
        ))
        .load(conn)?;
    let mut out = Assessment::default();
    for (behavior, a, b, c, d, note, author, at) in rows {
        let Some(behavior) = Behavior::parse(&behavior) else {
            continue;
        };
        out.rows.insert(
            behavior,
            Row {
                ratings: [a, b, c, d],
                note,
            },
        );
        if out.updated_at.is_none_or(|u| at > u) {
            out.updated_at = Some(at);
            out.author = Some(author);
        }
    }
    Ok(out)
}

/// Which people have an assessment of each side: `(person, side)` pairs.
pub fn assessed(conn: &mut AnyConnection) -> AppResult<Vec<(PersonId, String)>> {
    Ok(step_assessments::table
        .select((step_assessments::person_id, step_assessments::side))
        .distinct()
        .load(conn)?)
}

/// Replaces one side's assessment.
pub fn save_assessment(
    conn: &mut AnyConnection,
    actor: PersonId,
    who: &Who,
    side: Side,
    rows: &HashMap<Behavior, Row>,
) -> AppResult<()> {
    record_write(conn, actor, who, |c, log, _| {
        diesel::delete(
            step_assessments::table
                .filter(step_assessments::person_id.eq(who.id))
                .filter(step_assessments::side.eq(side.key())),
        )
        .execute(c)?;
        for (b, row) in rows {
            diesel::insert_into(step_assessments::table)
                .values((
                    step_assessments::person_id.eq(who.id),
                    step_assessments::side.eq(side.key()),
                    step_assessments::behavior.eq(b.key()),
                    step_assessments::individual.eq(row.ratings[0]),
                    step_assessments::squad.eq(row.ratings[1]),
                    step_assessments::tribe.eq(row.ratings[2]),
                    step_assessments::company.eq(row.ratings[3]),
                    step_assessments::note.eq(row.note.trim()),
                    step_assessments::author_id.eq(actor),
                    step_assessments::updated_at.eq(now()),
                ))
                .execute(c)?;
        }
        event(
            c,
            log,
            &NewEvent {
                person_id: who.id,
                kind: EventKind::Assessed,
                step: None,
                proposal_id: None,
                actor,
                note: side.label(),
            },
        )
    })
}
