//! The queries of career steps. Every write to one person's record first touches their
//! profile row (creating it when missing): an `UPDATE` that, on PostgreSQL, locks the row, so
//! two writes to one record — two approvals of one proposal, two proposals at once — run one
//! after the other and the second sees the first.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{Assessment, Behavior, EventKind, Row, Side, Step};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{
    memberships, people, step_assessments, step_catalogue, step_events, step_person_roles,
    step_profiles, step_texts,
};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};

/// The change-log kind of a person's career record (keyed by username): the search index
/// follows it.
pub const KIND: &str = "step";

pub(super) fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

// ---------------------------------------------------------------- the framework

pub fn texts(conn: &mut AnyConnection) -> AppResult<HashMap<String, String>> {
    Ok(step_texts::table
        .select((step_texts::key, step_texts::body))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// Stores the admin's edits; texts equal to what is stored are left alone.
pub fn save_texts(
    conn: &mut AnyConnection,
    actor: i64,
    edits: &HashMap<String, String>,
) -> AppResult<()> {
    write_with_changes(conn, Some(actor), |c, _| {
        for (key, body) in edits {
            diesel::delete(step_texts::table.find(key)).execute(c)?;
            diesel::insert_into(step_texts::table)
                .values((
                    step_texts::key.eq(key),
                    step_texts::body.eq(body.trim()),
                    step_texts::updated_by.eq(actor),
                    step_texts::updated_at.eq(now()),
                ))
                .execute(c)?;
        }
        Ok((
            (),
            vec![Change::new(EntityKind::StepFramework, "texts", Op::Update)],
        ))
    })
}

/// A discipline or a role.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = step_catalogue)]
pub struct Entry {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub company_level: bool,
    pub retired: bool,
}

/// Every discipline and role, retired ones too, by kind and name.
pub fn catalogue(conn: &mut AnyConnection) -> AppResult<Vec<Entry>> {
    Ok(step_catalogue::table
        .order((step_catalogue::kind.asc(), step_catalogue::name.asc()))
        .select(Entry::as_select())
        .load(conn)?)
}

/// What an admin typed for a discipline or role.
#[derive(Debug, Clone, Default)]
pub struct EntryInput {
    pub kind: String,
    pub name: String,
    pub description: String,
    pub company_level: bool,
    pub retired: bool,
}

/// Adds (`id` None) or changes an entry; a name already taken in its kind is a conflict.
pub fn save_entry(
    conn: &mut AnyConnection,
    actor: i64,
    id: Option<i64>,
    e: &EntryInput,
) -> AppResult<()> {
    write_with_changes(conn, Some(actor), |c, _| {
        // Serialised with role assignments (`save_record`): making a role company-level counts
        // its holders, and an assignment decided on the old flag must not slip in between.
        crate::db::lock_for_transaction(c, crate::db::locks::STEP_ROLES)?;
        let taken: i64 = step_catalogue::table
            .filter(step_catalogue::kind.eq(&e.kind))
            .filter(step_catalogue::name.eq(e.name.trim()))
            .filter(step_catalogue::id.ne(id.unwrap_or(-1)))
            .count()
            .get_result(c)?;
        if taken > 0 {
            return Err(AppError::Conflict(format!(
                "There is already a {} named {:?}.",
                e.kind,
                e.name.trim()
            )));
        }
        let company_level = e.kind == "role" && e.company_level;
        // Chapter leads hand out ordinary roles; making one company-level would let everyone
        // holding it decide company-wide promotions without an admin giving it to them.
        if let Some(id) = id {
            let was: bool = step_catalogue::table
                .find(id)
                .select(step_catalogue::company_level)
                .first(c)?;
            let holders: i64 = step_person_roles::table
                .filter(step_person_roles::role_id.eq(id))
                .count()
                .get_result(c)?;
            if company_level && !was && holders > 0 {
                return Err(AppError::Conflict(format!(
                    "{holders} people hold this role already: add a new company-level role and give it to whoever should hold it."
                )));
            }
        }
        match id {
            None => {
                diesel::insert_into(step_catalogue::table)
                    .values((
                        step_catalogue::kind.eq(&e.kind),
                        step_catalogue::name.eq(e.name.trim()),
                        step_catalogue::description.eq(e.description.trim()),
                        step_catalogue::company_level.eq(company_level),
                        step_catalogue::retired.eq(false),
                    ))
                    .execute(c)?;
            }
            Some(id) => {
                let n = diesel::update(step_catalogue::table.find(id))
                    .set((
                        step_catalogue::name.eq(e.name.trim()),
                        step_catalogue::description.eq(e.description.trim()),
                        step_catalogue::company_level.eq(company_level),
                        step_catalogue::retired.eq(e.retired),
                    ))
                    .execute(c)?;
                if n == 0 {
                    return Err(AppError::NotFound);
                }
            }
        }
        // Records name disciplines and roles; public records are in the index.
        let holders: Vec<String> = match id {
            Some(id) => people::table
                .inner_join(step_profiles::table.on(step_profiles::person_id.eq(people::id)))
                .left_join(step_person_roles::table.on(step_person_roles::person_id.eq(people::id)))
                .filter(
                    step_profiles::discipline_id
                        .eq(id)
                        .or(step_person_roles::role_id.eq(id)),
                )
                .filter(step_profiles::public.eq(true))
                .select(people::username)
                .distinct()
                .load(c)?,
            None => vec![],
        };
        let mut changes = vec![Change::new(
            EntityKind::StepFramework,
            "catalogue",
            Op::Update,
        )];
        changes.extend(
            holders
                .into_iter()
                .map(|u| Change::new(EntityKind::Step, u, Op::Update)),
        );
        Ok(((), changes))
    })
}

// ---------------------------------------------------------------- a person's record

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = step_profiles)]
pub struct Profile {
    pub person_id: i64,
    pub discipline_id: Option<i64>,
    pub step: Option<String>,
    pub step_since: Option<NaiveDate>,
    pub public: bool,
    pub started_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

impl Profile {
    pub fn step(&self) -> Option<Step> {
        self.step.as_deref().and_then(Step::parse)
    }
}

pub fn profile(conn: &mut AnyConnection, person_id: i64) -> AppResult<Option<Profile>> {
    Ok(step_profiles::table
        .find(person_id)
        .select(Profile::as_select())
        .first(conn)
        .optional()?)
}

/// Every profile: the chapter overview and the distribution read them all.
pub fn profiles(conn: &mut AnyConnection) -> AppResult<Vec<Profile>> {
    Ok(step_profiles::table
        .select(Profile::as_select())
        .load(conn)?)
}

/// The role ids a person holds.
pub fn roles_of(conn: &mut AnyConnection, person_id: i64) -> AppResult<Vec<i64>> {
    Ok(step_person_roles::table
        .filter(step_person_roles::person_id.eq(person_id))
        .select(step_person_roles::role_id)
        .load(conn)?)
}

/// Everyone holding a company-level role (that is not retired), who may sign in.
pub fn company_holders(conn: &mut AnyConnection) -> AppResult<Vec<i64>> {
    Ok(step_person_roles::table
        .inner_join(step_catalogue::table)
        .inner_join(people::table.on(people::id.eq(step_person_roles::person_id)))
        .filter(step_catalogue::company_level.eq(true))
        .filter(step_catalogue::retired.eq(false))
        .filter(people::disabled.eq(false))
        .select(step_person_roles::person_id)
        .distinct()
        .load(conn)?)
}

/// The first day of a person's first membership: when they started, unless their record
/// says otherwise.
pub fn first_start(conn: &mut AnyConnection, person_id: i64) -> AppResult<Option<NaiveDate>> {
    Ok(memberships::table
        .filter(memberships::person_id.eq(person_id))
        .select(diesel::dsl::min(memberships::start_date))
        .first::<Option<NaiveDate>>(conn)?)
}

/// Every person's first membership start.
pub fn first_starts(conn: &mut AnyConnection) -> AppResult<HashMap<i64, NaiveDate>> {
    let rows: Vec<(i64, Option<NaiveDate>)> = memberships::table
        .group_by(memberships::person_id)
        .select((
            memberships::person_id,
            diesel::dsl::min(memberships::start_date),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, d)| d.map(|d| (p, d)))
        .collect())
}

/// Opens a write to one person's record: creates the profile row when missing and touches
/// it (locking it on PostgreSQL), then reads it as it is now.
fn touch(conn: &mut AnyConnection, person_id: i64) -> AppResult<Profile> {
    let n = diesel::update(step_profiles::table.find(person_id))
        .set(step_profiles::updated_at.eq(now()))
        .execute(conn)?;
    if n == 0 {
        // Two first writes at once both find no row. The second insert fails on the key;
        // run in a savepoint, that failure leaves the transaction usable, and the update
        // below then waits for the first writer's lock.
        let inserted = conn.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::insert_into(step_profiles::table)
                .values((
                    step_profiles::person_id.eq(person_id),
                    step_profiles::public.eq(false),
                    step_profiles::updated_at.eq(now()),
                ))
                .execute(c)
        });
        match inserted {
            Ok(_)
            | Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) => return Err(e.into()),
        }
        diesel::update(step_profiles::table.find(person_id))
            .set(step_profiles::updated_at.eq(now()))
            .execute(conn)?;
    }
    profile(conn, person_id)?.ok_or(AppError::NotFound)
}

/// One entry of a record's history.
pub(super) struct NewEvent<'a> {
    pub person_id: i64,
    pub kind: EventKind,
    pub step: Option<Step>,
    pub proposal_id: Option<i64>,
    pub actor: i64,
    pub note: &'a str,
}

pub(super) fn event(conn: &mut AnyConnection, _: Logged<'_>, e: &NewEvent) -> AppResult<()> {
    diesel::insert_into(step_events::table)
        .values((
            step_events::person_id.eq(e.person_id),
            step_events::kind.eq(e.kind.key()),
            step_events::step.eq(e.step.map(Step::key)),
            step_events::proposal_id.eq(e.proposal_id),
            step_events::actor_id.eq(e.actor),
            step_events::note.eq(e.note),
            step_events::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One write to a person's record: touch it, run `f`, log the change under their username.
pub(super) fn record_write<T>(
    conn: &mut AnyConnection,
    actor: i64,
    who: &Who,
    f: impl for<'t> FnOnce(&mut AnyConnection, Logged<'t>, Profile) -> AppResult<T>,
) -> AppResult<T> {
    write_with_changes(conn, Some(actor), |c, log| {
        let profile = touch(c, who.id)?;
        let value = f(c, log, profile)?;
        Ok((
            value,
            vec![Change::new(
                EntityKind::Step,
                who.username.clone(),
                Op::Update,
            )],
        ))
    })
}

/// The person whose record is written.
#[derive(Debug, Clone)]
pub struct Who {
    pub id: i64,
    pub username: String,
}

/// Discipline, roles and start date, as the line manager (or an admin) sets them.
pub struct RecordInput {
    pub discipline_id: Option<i64>,
    pub role_ids: Vec<i64>,
    pub started_on: Option<NaiveDate>,
}

pub fn save_record(
    conn: &mut AnyConnection,
    actor: i64,
    actor_is_admin: bool,
    who: &Who,
    input: &RecordInput,
) -> AppResult<()> {
    record_write(conn, actor, who, |c, log, _| {
        // See `save_entry`: the catalogue's company-level flags are read under the same lock.
        crate::db::lock_for_transaction(c, crate::db::locks::STEP_ROLES)?;
        let catalogue = catalogue(c)?;
        let is = |id: &i64, kind: &str| catalogue.iter().any(|e| e.id == *id && e.kind == kind);
        if input.discipline_id.is_some_and(|d| !is(&d, "discipline")) {
            return Err(AppError::BadRequest("Unknown discipline.".into()));
        }
        if !input.role_ids.iter().all(|r| is(r, "role")) {
            return Err(AppError::BadRequest("Unknown role.".into()));
        }
        let company: Vec<i64> = catalogue
            .iter()
            .filter(|e| e.company_level)
            .map(|e| e.id)
            .collect();
        let role_ids = super::model::roles_kept(
            &company,
            &roles_of(c, who.id)?,
            &input.role_ids,
            actor_is_admin,
        )
        .map_err(AppError::forbidden)?;
        diesel::update(step_profiles::table.find(who.id))
            .set((
                step_profiles::discipline_id.eq(input.discipline_id),
                step_profiles::started_on.eq(input.started_on),
            ))
            .execute(c)?;
        diesel::delete(step_person_roles::table.filter(step_person_roles::person_id.eq(who.id)))
            .execute(c)?;
        for role in &role_ids {
            diesel::insert_into(step_person_roles::table)
                .values((
                    step_person_roles::person_id.eq(who.id),
                    step_person_roles::role_id.eq(role),
                ))
                .execute(c)?;
        }
        event(
            c,
            log,
            &NewEvent {
                person_id: who.id,
                kind: EventKind::Record,
                step: None,
                proposal_id: None,
                actor,
                note: "",
            },
        )
    })
}

pub fn set_public(conn: &mut AnyConnection, who: &Who, public: bool) -> AppResult<()> {
    record_write(conn, who.id, who, |c, log, before| {
        if before.public == public {
            return Ok(());
        }
        if public && before.step.is_none() {
            return Err(AppError::Conflict(
                "There is no step to show yet: it is set at the six-month review.".into(),
            ));
        }
        diesel::update(step_profiles::table.find(who.id))
            .set(step_profiles::public.eq(public))
            .execute(c)?;
        let kind = if public {
            EventKind::MadePublic
        } else {
            EventKind::MadePrivate
        };
        event(
            c,
            log,
            &NewEvent {
                person_id: who.id,
                kind,
                step: None,
                proposal_id: None,
                actor: who.id,
                note: "",
            },
        )
    })
}

/// The first step, at the six-month review: only while the person has none.
pub fn set_first_step(
    conn: &mut AnyConnection,
    actor: i64,
    who: &Who,
    step: Step,
    on: NaiveDate,
    note: &str,
) -> AppResult<()> {
    record_write(conn, actor, who, |c, log, before| {
        if let Some(s) = before.step() {
            return Err(AppError::Conflict(format!(
                "The step is already set ({}): from here it changes by a promotion.",
                s.label()
            )));
        }
        diesel::update(step_profiles::table.find(who.id))
            .set((
                step_profiles::step.eq(step.key()),
                step_profiles::step_since.eq(on),
            ))
            .execute(c)?;
        event(
            c,
            log,
            &NewEvent {
                person_id: who.id,
                kind: EventKind::Set,
                step: Some(step),
                proposal_id: None,
                actor,
                note,
            },
        )
    })
}

// ---------------------------------------------------------------- assessments

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

pub fn assessment(conn: &mut AnyConnection, person_id: i64, side: Side) -> AppResult<Assessment> {
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
pub fn assessed(conn: &mut AnyConnection) -> AppResult<Vec<(i64, String)>> {
    Ok(step_assessments::table
        .select((step_assessments::person_id, step_assessments::side))
        .distinct()
        .load(conn)?)
}

/// Replaces one side's assessment.
pub fn save_assessment(
    conn: &mut AnyConnection,
    actor: i64,
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

// ---------------------------------------------------------------- history

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = step_events)]
pub struct Event {
    pub id: i64,
    pub person_id: i64,
    pub kind: String,
    pub step: Option<String>,
    pub proposal_id: Option<i64>,
    pub actor_id: i64,
    pub note: String,
    pub created_at: NaiveDateTime,
}

impl Event {
    pub fn kind(&self) -> Option<EventKind> {
        EventKind::parse(&self.kind)
    }

    pub fn step(&self) -> Option<Step> {
        self.step.as_deref().and_then(Step::parse)
    }
}

pub fn events_of(conn: &mut AnyConnection, person_id: i64) -> AppResult<Vec<Event>> {
    Ok(step_events::table
        .filter(step_events::person_id.eq(person_id))
        .order(step_events::id.desc())
        .select(Event::as_select())
        .load(conn)?)
}

/// The newest events of these people (`None`: of everyone), for a feed.
pub fn recent_events(
    conn: &mut AnyConnection,
    people_ids: Option<&[i64]>,
    limit: i64,
) -> AppResult<Vec<Event>> {
    let mut q = step_events::table
        .order(step_events::id.desc())
        .limit(limit)
        .select(Event::as_select())
        .into_boxed();
    if let Some(ids) = people_ids {
        q = q.filter(step_events::person_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

/// Display names and usernames of these people.
pub fn names(
    conn: &mut AnyConnection,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, (String, String)>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    let rows: Vec<(i64, String, String)> = people::table
        .filter(people::id.eq_any(&ids))
        .select((people::id, people::username, people::display_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(i, u, d)| (i, (u, d))).collect())
}
