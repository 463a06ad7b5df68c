//! The framework as admins keep it: its editable texts, and the catalogue of disciplines and
//! roles.

use std::collections::HashMap;

use diesel::prelude::*;

use super::now;
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{people, step_catalogue, step_person_roles, step_profiles, step_texts};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

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
    actor: PersonId,
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
    actor: PersonId,
    id: Option<i64>,
    e: &EntryInput,
) -> AppResult<()> {
    write_with_changes(conn, Some(actor), |c, log| {
        // Serialised with role assignments (`save_record`): making a role company-level counts
        // its holders, and an assignment decided on the old flag must not slip in between.
        crate::db::lock_for_transaction(c, crate::db::locks::STEP_ROLES)?;
        check_name_free(c, id, e)?;
        let company_level = e.kind == "role" && e.company_level;
        if let Some(id) = id {
            check_company_level(c, id, company_level)?;
        }
        write_entry(c, log, id, e, company_level)?;
        let mut changes = vec![Change::new(
            EntityKind::StepFramework,
            "catalogue",
            Op::Update,
        )];
        changes.extend(
            public_holders(c, id)?
                .into_iter()
                .map(|u| Change::new(EntityKind::Step, u, Op::Update)),
        );
        Ok(((), changes))
    })
}

/// A conflict when another entry of this kind has this name.
fn check_name_free(c: &mut AnyConnection, id: Option<i64>, e: &EntryInput) -> AppResult<()> {
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
    Ok(())
}

/// A conflict when entry `id` would become company-level while people hold it.
fn check_company_level(c: &mut AnyConnection, id: i64, company_level: bool) -> AppResult<()> {
    // Chapter leads hand out ordinary roles; making one company-level would let everyone
    // holding it decide company-wide promotions without an admin giving it to them.
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
    Ok(())
}

/// Inserts the entry (`id` None) or updates it; an unknown `id` is not found.
fn write_entry(
    c: &mut AnyConnection,
    _: Logged<'_>,
    id: Option<i64>,
    e: &EntryInput,
    company_level: bool,
) -> AppResult<()> {
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
    Ok(())
}

/// The usernames of the public records naming entry `id` (none for a new entry): records
/// name disciplines and roles, and public records are in the index.
fn public_holders(c: &mut AnyConnection, id: Option<i64>) -> AppResult<Vec<String>> {
    Ok(match id {
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
    })
}
