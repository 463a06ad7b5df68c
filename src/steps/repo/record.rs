//! A person's record: the profile (discipline, step, start, visibility), the roles they hold,
//! and the writes a line manager or the person makes to it.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{NewEvent, Who, catalogue, event, record_write};
use crate::db::AnyConnection;
use crate::db::schema::{memberships, people, step_catalogue, step_person_roles, step_profiles};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::steps::model::{EventKind, Step};

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = step_profiles)]
pub struct Profile {
    pub person_id: PersonId,
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

pub fn profile(conn: &mut AnyConnection, person_id: PersonId) -> AppResult<Option<Profile>> {
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
pub fn roles_of(conn: &mut AnyConnection, person_id: PersonId) -> AppResult<Vec<i64>> {
    Ok(step_person_roles::table
        .filter(step_person_roles::person_id.eq(person_id))
        .select(step_person_roles::role_id)
        .load(conn)?)
}

/// Everyone holding a company-level role (that is not retired), who may sign in.
pub fn company_holders(conn: &mut AnyConnection) -> AppResult<Vec<PersonId>> {
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
pub fn first_start(conn: &mut AnyConnection, person_id: PersonId) -> AppResult<Option<NaiveDate>> {
    Ok(memberships::table
        .filter(memberships::person_id.eq(person_id))
        .select(diesel::dsl::min(memberships::start_date))
        .first::<Option<NaiveDate>>(conn)?)
}

/// Every person's first membership start.
pub fn first_starts(conn: &mut AnyConnection) -> AppResult<HashMap<PersonId, NaiveDate>> {
    let rows: Vec<(PersonId, Option<NaiveDate>)> = memberships::table
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

/// Discipline, roles and start date, as the line manager (or an admin) sets them.
pub struct RecordInput {
    pub discipline_id: Option<i64>,
    pub role_ids: Vec<i64>,
    pub started_on: Option<NaiveDate>,
}

pub fn save_record(
    conn: &mut AnyConnection,
    actor: PersonId,
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
        let role_ids = crate::steps::model::roles_kept(
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
    actor: PersonId,
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
