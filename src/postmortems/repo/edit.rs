//! Writing a post-mortem: a new draft, an edit, and the pending lessons that become Lesson
//! records once it is published.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::super::model::{Postmortem, PostmortemInput, Status};
use super::{KIND, get};
use crate::action_items::repo as action_repo;
use crate::db::changelog::{EntityKind, Op};
use crate::db::events::{self, Readers, Subject};
use crate::db::schema::{postmortem_authors, postmortem_squads, postmortems};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::lessons::model::{LessonInput, Source};

fn json<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::internal(e.to_string()))
}

/// Writes the row's fields, squads, authors and action items (inside a transaction).
fn write_fields(
    conn: &mut AnyConnection,
    log: Logged<'_>,
    id: i64,
    i: &PostmortemInput,
    now: NaiveDateTime,
) -> AppResult<()> {
    let started = i
        .times
        .started
        .ok_or_else(|| AppError::internal("a post-mortem without a start"))?;
    diesel::update(postmortems::table.find(id))
        .set((
            postmortems::title.eq(&i.title),
            postmortems::severity.eq(i.severity.level()),
            postmortems::facilitator_id.eq(i.facilitator),
            postmortems::started_at.eq(started),
            postmortems::detected_at.eq(i.times.detected),
            postmortems::mitigated_at.eq(i.times.mitigated),
            postmortems::resolved_at.eq(i.times.resolved),
            postmortems::summary.eq(&i.summary),
            postmortems::impact.eq(&i.impact),
            postmortems::timeline.eq(json(&i.timeline)?),
            postmortems::factors.eq(json(&i.factors)?),
            postmortems::detection.eq(&i.detection),
            postmortems::went_well.eq(&i.went_well),
            postmortems::went_wrong.eq(&i.went_wrong),
            postmortems::lucky.eq(&i.lucky),
            postmortems::pending_lessons.eq(json(&i.lessons)?),
            postmortems::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::delete(postmortem_squads::table.filter(postmortem_squads::postmortem_id.eq(id)))
        .execute(conn)?;
    for s in &i.squads {
        diesel::insert_into(postmortem_squads::table)
            .values((
                postmortem_squads::postmortem_id.eq(id),
                postmortem_squads::unit_id.eq(s),
            ))
            .execute(conn)?;
    }
    diesel::delete(postmortem_authors::table.filter(postmortem_authors::postmortem_id.eq(id)))
        .execute(conn)?;
    for a in &i.authors {
        diesel::insert_into(postmortem_authors::table)
            .values((
                postmortem_authors::postmortem_id.eq(id),
                postmortem_authors::person_id.eq(a),
            ))
            .execute(conn)?;
    }
    action_repo::replace_for_source(conn, log, KIND, id, &i.actions)
}

/// A new post-mortem, as a draft.
pub fn create(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    input: &PostmortemInput,
) -> AppResult<Postmortem> {
    let now = Utc::now().naive_utc();
    let started = input.times.started.unwrap_or(now);
    let id = write_with_changes(conn, actor, |c, log| {
        let id: i64 = diesel::insert_into(postmortems::table)
            .values((
                postmortems::title.eq(&input.title),
                postmortems::severity.eq(input.severity.level()),
                postmortems::status.eq(Status::Draft.key()),
                postmortems::started_at.eq(started),
                postmortems::author_id.eq(actor),
                postmortems::created_at.eq(now),
                postmortems::updated_at.eq(now),
            ))
            .returning(postmortems::id)
            .get_result(c)?;
        write_fields(c, log, id, input, now)?;
        told(c, log, id, input, false)?;
        Ok((
            id,
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Create,
            )],
        ))
    })?;
    get(conn, id)
}

/// Saves an edit. A published post-mortem's new lessons become Lesson records at once.
pub fn update(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    input: &PostmortemInput,
) -> AppResult<Postmortem> {
    write_with_changes(conn, actor, |c, log| {
        let old = get(c, id)?;
        let mut input = input.clone();
        let mut changes = vec![Change::new(
            EntityKind::Postmortem,
            id.to_string(),
            Op::Update,
        )];
        if old.status == Status::Published {
            changes.extend(create_lessons(c, actor, id, &input)?);
            input.lessons.clear();
        }
        write_fields(c, log, id, &input, Utc::now().naive_utc())?;
        told(c, log, id, &input, old.status == Status::Published)?;
        Ok(((), changes))
    })?;
    get(conn, id)
}

/// A post-mortem as events name it.
pub(super) fn subject(id: i64, input: &PostmortemInput) -> Subject {
    Subject {
        kind: EntityKind::Postmortem,
        key: id.to_string(),
        title: input.title.clone(),
        url: format!("/postmortems/{id}"),
    }
}

/// After a post-mortem is written: its writer watches it, and the people it mentions for
/// the first time hear of it — everyone once it is published; before, only its authors and
/// facilitator, the others mentioned hearing of it when it is published.
pub(super) fn told(
    c: &mut AnyConnection,
    log: Logged<'_>,
    id: i64,
    input: &PostmortemInput,
    published: bool,
) -> AppResult<()> {
    let body: Vec<&str> = input.texts().iter().map(|t| t.text).collect();
    let mut involved = input.authors.clone();
    involved.extend(input.facilitator);
    let readers = if published {
        Readers::Everyone
    } else {
        Readers::Only(&involved)
    };
    events::written(c, log, &subject(id, input), &body.join("\n\n"), readers)
}

/// Makes the pending lessons Lesson records, filed under the involved squads.
pub(super) fn create_lessons(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    input: &PostmortemInput,
) -> AppResult<Vec<Change>> {
    let mut changes = Vec::new();
    for l in &input.lessons {
        let lesson = crate::lessons::repo::create(
            conn,
            actor,
            &LessonInput {
                title: l.title.clone(),
                body: l.body.clone(),
                source: Source::Postmortem(id.to_string()),
                summary: format!("from the post-mortem \"{}\"", input.title),
                tags: vec!["postmortem".into()],
                units: input.squads.clone(),
            },
        )?;
        changes.push(Change::new(
            EntityKind::Lesson,
            lesson.id.to_string(),
            Op::Create,
        ));
    }
    Ok(changes)
}
