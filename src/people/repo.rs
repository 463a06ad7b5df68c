//! Queries on people. Content writes go through the change-log helper.

use chrono::Utc;
use diesel::prelude::*;

use super::model::{NewPerson, Person, Profile, ProfileFields, Username};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::people;
use crate::db::{AnyConnection, Change, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

#[derive(Insertable)]
#[diesel(table_name = people)]
struct PersonRow<'a> {
    username: &'a str,
    display_name: &'a str,
    email: Option<&'a str>,
    password_hash: Option<&'a str>,
    is_admin: bool,
    disabled: bool,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    discipline: &'a str,
    title: &'a str,
    bio: &'a str,
    links: &'a str,
}

/// Creates a person; a taken username is a 409 with a message naming it.
pub fn create(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    new: &NewPerson,
) -> AppResult<Person> {
    write_with_changes(conn, actor, |conn, _| {
        if exists(conn, &new.username)? {
            return Err(AppError::Conflict(format!(
                "The username {:?} is already taken.",
                new.username.as_str()
            )));
        }
        let now = Utc::now().naive_utc();
        diesel::insert_into(people::table)
            .values(PersonRow {
                username: new.username.as_str(),
                display_name: &new.display_name,
                email: new.email.as_ref().map(|e| e.as_str()),
                password_hash: new.password_hash.as_deref(),
                is_admin: new.is_admin,
                disabled: false,
                created_at: now,
                updated_at: now,
                discipline: &new.profile.discipline,
                title: &new.profile.title,
                bio: &new.profile.bio,
                links: &new.profile.links,
            })
            .execute(conn)?;
        let person = by_username(conn, new.username.as_str())?;
        Ok((
            person,
            vec![Change::new(
                EntityKind::Person,
                new.username.as_str(),
                Op::Create,
            )],
        ))
    })
}

pub fn exists(conn: &mut AnyConnection, username: &Username) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        people::table.filter(people::username.eq(username.as_str())),
    ))
    .get_result(conn)?)
}

pub fn by_username(conn: &mut AnyConnection, username: &str) -> AppResult<Person> {
    people::table
        .filter(people::username.eq(username.to_lowercase()))
        .select(Person::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>);

/// The people with this e-mail address, compared without regard to case.
pub fn by_email(conn: &mut AnyConnection, email: &str) -> AppResult<Vec<Person>> {
    Ok(people::table
        .filter(lower(people::email).eq(email.trim().to_lowercase()))
        .select(Person::as_select())
        .load(conn)?)
}

/// The person with this id.
pub fn by_id(conn: &mut AnyConnection, id: PersonId) -> AppResult<Person> {
    people::table
        .find(id)
        .select(Person::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn count(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(people::table.count().get_result(conn)?)
}

pub fn all(conn: &mut AnyConnection) -> AppResult<Vec<Person>> {
    Ok(people::table
        .order(people::username.asc())
        .select(Person::as_select())
        .load(conn)?)
}

/// Sets the admin flag and/or the disabled flag of a person, as one logged content change.
pub fn update_flags(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    username: &str,
    is_admin: Option<bool>,
    disabled: Option<bool>,
) -> AppResult<Person> {
    write_with_changes(conn, actor, |conn, _| {
        let person = by_username(conn, username)?;
        let now = Utc::now().naive_utc();
        let target = people::table.filter(people::id.eq(person.id));
        if let Some(flag) = is_admin {
            diesel::update(target)
                .set((people::is_admin.eq(flag), people::updated_at.eq(now)))
                .execute(conn)?;
        }
        if let Some(flag) = disabled {
            diesel::update(target)
                .set((people::disabled.eq(flag), people::updated_at.eq(now)))
                .execute(conn)?;
        }
        let person = by_username(conn, username)?;
        Ok((
            person,
            vec![Change::new(
                EntityKind::Person,
                username.to_string(),
                Op::Update,
            )],
        ))
    })
}

/// The stored password hash of an active person, for sign-in.
pub fn password_hash(
    conn: &mut AnyConnection,
    username: &str,
) -> AppResult<Option<(Person, Option<String>)>> {
    Ok(people::table
        .filter(people::username.eq(username.to_lowercase()))
        .select((Person::as_select(), people::password_hash))
        .first(conn)
        .optional()?)
}

/// The people who have a password.
pub fn with_password(conn: &mut AnyConnection) -> AppResult<std::collections::HashSet<PersonId>> {
    Ok(people::table
        .filter(people::password_hash.is_not_null())
        .select(people::id)
        .load::<PersonId>(conn)?
        .into_iter()
        .collect())
}

/// Replaces a password hash. Not a content change: nothing derived depends on it.
pub fn set_password_hash(
    conn: &mut AnyConnection,
    person_id: PersonId,
    hash: &str,
) -> AppResult<()> {
    let n = diesel::update(people::table.filter(people::id.eq(person_id)))
        .set((
            people::password_hash.eq(hash),
            people::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub fn profile(conn: &mut AnyConnection, username: &str) -> AppResult<Profile> {
    people::table
        .filter(people::username.eq(username.to_lowercase()))
        .select(Profile::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Saves a person's name, e-mail and profile as one logged content change.
pub fn update_profile(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    person_id: PersonId,
    display_name: &str,
    email: Option<&str>,
    fields: &ProfileFields,
) -> AppResult<Profile> {
    write_with_changes(conn, actor, |conn, _| {
        let n = diesel::update(people::table.filter(people::id.eq(person_id)))
            .set((
                people::display_name.eq(display_name),
                people::email.eq(email),
                people::discipline.eq(&fields.discipline),
                people::title.eq(&fields.title),
                people::bio.eq(&fields.bio),
                people::links.eq(&fields.links),
                people::updated_at.eq(Utc::now().naive_utc()),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        let p: Profile = people::table
            .find(person_id)
            .select(Profile::as_select())
            .first(conn)?;
        let key = p.username.clone();
        Ok((p, vec![Change::new(EntityKind::Person, key, Op::Update)]))
    })
}

/// (username, display name) of one person.
pub fn name_of(conn: &mut AnyConnection, id: PersonId) -> AppResult<Option<(String, String)>> {
    Ok(people::table
        .find(id)
        .select((people::username, people::display_name))
        .first(conn)
        .optional()?)
}

/// Of these usernames, the ones of active people (a mention links only to someone there).
pub fn active_usernames(conn: &mut AnyConnection, names: &[String]) -> AppResult<Vec<String>> {
    if names.is_empty() {
        return Ok(vec![]);
    }
    Ok(people::table
        .filter(people::username.eq_any(names))
        .filter(people::disabled.eq(false))
        .select(people::username)
        .load(conn)?)
}

pub fn all_profiles(conn: &mut AnyConnection) -> AppResult<Vec<Profile>> {
    Ok(people::table
        .order(people::username.asc())
        .select(Profile::as_select())
        .load(conn)?)
}

/// The person imported from this Backstage entity ref (see [`Profile::backstage_ref`]).
pub fn by_backstage_ref(conn: &mut AnyConnection, entity_ref: &str) -> AppResult<Option<Profile>> {
    Ok(people::table
        .filter(people::backstage_ref.eq(entity_ref))
        .select(Profile::as_select())
        .first(conn)
        .optional()?)
}

/// Records the Backstage user a person was imported from, so the next import finds them.
pub fn set_backstage_ref(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    person_id: PersonId,
    entity_ref: &str,
) -> AppResult<()> {
    write_with_changes(conn, actor, |conn, _| {
        let username: String = people::table
            .find(person_id)
            .select(people::username)
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        diesel::update(people::table.find(person_id))
            .set((
                people::backstage_ref.eq(entity_ref),
                people::updated_at.eq(Utc::now().naive_utc()),
            ))
            .execute(conn)?;
        Ok((
            (),
            vec![Change::new(EntityKind::Person, username, Op::Update)],
        ))
    })
}
