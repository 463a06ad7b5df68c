//! The link between a person and the identity provider's user (`scim_people`), and the
//! writes provisioning makes. The person's own changes (made just in time, renamed, disabled)
//! go through `people::repo` and the change log; the link is identity state, like a session.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{Map, Value};

use super::filter::Filter;
use super::user::{Desired, Link};
use crate::db::AnyConnection;
use crate::db::schema::{people, scim_people};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::people::model::{NewPerson, Person, ProfileFields};
use crate::people::{names, repo as people_repo};

/// Why a write was refused: the message of a 409 `uniqueness` answer.
pub type Taken = String;

#[derive(Queryable, Selectable)]
#[diesel(table_name = scim_people)]
struct Row {
    person_id: PersonId,
    user_name: String,
    external_id: Option<String>,
    attributes: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn link(row: Row) -> (PersonId, Link) {
    let kept = match serde_json::from_str(&row.attributes) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let link = Link {
        user_name: row.user_name,
        external_id: row.external_id,
        kept,
        created_at: row.created_at,
        updated_at: row.updated_at,
    };
    (row.person_id, link)
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A provisioned person by id; `None` when fika has no such person or the provider does not
/// manage them.
pub fn find(c: &mut AnyConnection, id: PersonId) -> AppResult<Option<(Person, Link)>> {
    let row = scim_people::table
        .find(id)
        .select(Row::as_select())
        .first::<Row>(c)
        .optional()?;
    match row {
        Some(row) => {
            let (id, link) = link(row);
            Ok(Some((people_repo::by_id(c, id)?, link)))
        }
        None => Ok(None),
    }
}

/// The provisioned people a filter finds: how many in all, and the page from `start` (1-based)
/// of at most `count`, in the order of fika's people (by id).
pub fn list(
    c: &mut AnyConnection,
    filter: &Filter,
    start: i64,
    count: i64,
) -> AppResult<(i64, Vec<(Person, Link)>)> {
    let ids: Option<Vec<PersonId>> = match filter {
        Filter::All => None,
        Filter::UserName(v) => Some(
            scim_people::table
                .filter(scim_people::user_name_key.eq(v.to_lowercase()))
                .select(scim_people::person_id)
                .load(c)?,
        ),
        Filter::ExternalId(v) => Some(
            scim_people::table
                .filter(scim_people::external_id.eq(v))
                .select(scim_people::person_id)
                .load(c)?,
        ),
        Filter::Id(v) => Some(v.parse::<i64>().map(PersonId).into_iter().collect()),
        Filter::Email(v) => Some(
            people_repo::by_email(c, v)?
                .into_iter()
                .map(|p| p.id)
                .collect(),
        ),
    };
    let rows: Vec<(Row, Person)> = match &ids {
        None => {
            let total = scim_people::table.count().get_result::<i64>(c)?;
            let rows = scim_people::table
                .inner_join(people::table)
                .order(scim_people::person_id.asc())
                .offset(start - 1)
                .limit(count)
                .select((Row::as_select(), Person::as_select()))
                .load(c)?;
            return Ok((total, with_people(rows)));
        }
        Some(ids) => scim_people::table
            .inner_join(people::table)
            .filter(scim_people::person_id.eq_any(ids))
            .order(scim_people::person_id.asc())
            .select((Row::as_select(), Person::as_select()))
            .load(c)?,
    };
    let total = rows.len() as i64;
    let page = rows
        .into_iter()
        .skip((start - 1) as usize)
        .take(count as usize)
        .collect();
    Ok((total, with_people(page)))
}

fn with_people(rows: Vec<(Row, Person)>) -> Vec<(Person, Link)> {
    rows.into_iter().map(|(row, p)| (p, link(row).1)).collect()
}

fn user_name_taken(
    c: &mut AnyConnection,
    user_name: &str,
    other_than: Option<PersonId>,
) -> AppResult<bool> {
    let owner = scim_people::table
        .filter(scim_people::user_name_key.eq(user_name.to_lowercase()))
        .select(scim_people::person_id)
        .first::<PersonId>(c)
        .optional()?;
    Ok(owner.is_some_and(|o| Some(o) != other_than))
}

/// Provisions a user: links the one person already in fika with that username or e-mail
/// (whom the provider does not manage yet), or makes the person.
pub fn create(c: &mut AnyConnection, d: &Desired) -> AppResult<Result<(Person, Link), Taken>> {
    crate::db::write_transaction(c, |c| {
        if user_name_taken(c, &d.user_name, None)? {
            return Ok(Err(format!(
                "The userName {:?} is already provisioned.",
                d.user_name
            )));
        }
        let person = match already_here(c, d)?.as_slice() {
            [] => make_person(c, d)?,
            [one] => one.clone(),
            many => {
                let names: Vec<&str> = many.iter().map(|p| p.username.as_str()).collect();
                return Ok(Err(format!(
                    "Several people in fika ({}) match the userName or e-mail of {:?}; an \
                     administrator must give each their own e-mail address first.",
                    names.join(", "),
                    d.user_name
                )));
            }
        };
        let at = now();
        diesel::insert_into(scim_people::table)
            .values((
                scim_people::person_id.eq(person.id),
                scim_people::user_name.eq(&d.user_name),
                scim_people::user_name_key.eq(d.user_name.to_lowercase()),
                scim_people::external_id.eq(&d.external_id),
                scim_people::attributes.eq(Value::Object(d.kept.clone()).to_string()),
                scim_people::created_at.eq(at),
                scim_people::updated_at.eq(at),
            ))
            .execute(c)?;
        let person = bring_up_to_date(c, &person, d)?;
        Ok(Ok(find(c, person.id)?.ok_or(AppError::NotFound)?))
    })
}

/// The people the provider may mean, not yet provisioned: by username, or by e-mail (the
/// userName itself is often the e-mail address).
fn already_here(c: &mut AnyConnection, d: &Desired) -> AppResult<Vec<Person>> {
    let mut found: Vec<Person> = Vec::new();
    let mut addresses = vec![d.user_name.clone()];
    if let Some(e) = &d.email {
        addresses.push(e.as_str().to_string());
    }
    // The same username alone is not the same person ("jsmith" may be another J. Smith):
    // it must not have an e-mail that says otherwise.
    if let Ok(p) = people_repo::by_username(c, &d.user_name) {
        let agrees = p
            .email
            .as_deref()
            .is_none_or(|mine| addresses.iter().any(|a| a.eq_ignore_ascii_case(mine)));
        if agrees {
            found.push(p);
        }
    }
    for address in addresses.iter().filter(|a| a.contains('@')) {
        found.extend(people_repo::by_email(c, address)?);
    }
    found.sort_by_key(|p| p.id.0);
    found.dedup_by_key(|p| p.id);
    let linked: Vec<PersonId> = scim_people::table
        .filter(scim_people::person_id.eq_any(found.iter().map(|p| p.id).collect::<Vec<_>>()))
        .select(scim_people::person_id)
        .load(c)?;
    found.retain(|p| !linked.contains(&p.id));
    Ok(found)
}

fn make_person(c: &mut AnyConnection, d: &Desired) -> AppResult<Person> {
    let wanted = names::from_claim(&d.user_name).unwrap_or_else(|| "person".into());
    let new = NewPerson {
        username: names::free_username(c, &wanted)?,
        display_name: d.display_name.clone(),
        email: d.email.clone(),
        is_admin: false,
        password_hash: None,
        profile: Default::default(),
    };
    people_repo::create(c, None, &new)
}

/// Gives the person the name, e-mail and active flag the provider says, each a logged change
/// only when it differs; a deactivation ends the person's sessions and tokens at once.
fn bring_up_to_date(c: &mut AnyConnection, p: &Person, d: &Desired) -> AppResult<Person> {
    let email = d.email.as_ref().map(|e| e.as_str().to_string());
    if p.display_name != d.display_name || p.email != email {
        let profile = people_repo::profile(c, &p.username)?;
        let fields = ProfileFields {
            discipline: profile.discipline,
            title: profile.title,
            bio: profile.bio,
            links: profile.links,
        };
        people_repo::update_profile(c, None, p.id, &d.display_name, email.as_deref(), &fields)?;
    }
    if let Some(active) = d.active {
        if p.disabled == active {
            people_repo::update_flags(c, None, &p.username, None, Some(!active))?;
        }
        if !active {
            crate::auth::repo::end_access(c, p.id)?;
        }
    }
    people_repo::by_id(c, p.id)
}

/// Replaces what the provider says of a provisioned person (PUT, and PATCH once applied);
/// `None` when the provider does not manage that person.
pub fn replace(
    c: &mut AnyConnection,
    id: PersonId,
    d: &Desired,
) -> AppResult<Option<Result<(Person, Link), Taken>>> {
    crate::db::write_transaction(c, |c| {
        let Some((person, _)) = find(c, id)? else {
            return Ok(None);
        };
        if user_name_taken(c, &d.user_name, Some(id))? {
            return Ok(Some(Err(format!(
                "The userName {:?} belongs to another user.",
                d.user_name
            ))));
        }
        diesel::update(scim_people::table.find(id))
            .set((
                scim_people::user_name.eq(&d.user_name),
                scim_people::user_name_key.eq(d.user_name.to_lowercase()),
                scim_people::external_id.eq(&d.external_id),
                scim_people::attributes.eq(Value::Object(d.kept.clone()).to_string()),
                scim_people::updated_at.eq(now()),
            ))
            .execute(c)?;
        bring_up_to_date(c, &person, d)?;
        Ok(Some(Ok(find(c, id)?.ok_or(AppError::NotFound)?)))
    })
}

/// Applies a change to a provisioned user in one transaction with reading it, so that a
/// deactivation landing meanwhile is never undone by a PATCH read before it; `None` when the
/// provider does not manage that person.
pub fn patch(
    c: &mut AnyConnection,
    id: PersonId,
    change: impl FnOnce(&Person, &Link) -> AppResult<Desired>,
) -> AppResult<Option<Result<(Person, Link), Taken>>> {
    crate::db::write_transaction(c, |c| {
        let Some((person, link)) = find(c, id)? else {
            return Ok(None);
        };
        let d = change(&person, &link)?;
        replace(c, id, &d)
    })
}

/// Deletes a provisioned user: the person stays (with all they wrote), disabled, their
/// sessions and tokens ended, and no longer managed by the provider. `false`: no such user.
pub fn delete(c: &mut AnyConnection, id: PersonId) -> AppResult<bool> {
    crate::db::write_transaction(c, |c| {
        let Some((person, _)) = find(c, id)? else {
            return Ok(false);
        };
        diesel::delete(scim_people::table.find(id)).execute(c)?;
        if !person.disabled {
            people_repo::update_flags(c, None, &person.username, None, Some(true))?;
        }
        crate::auth::repo::end_access(c, id)?;
        Ok(true)
    })
}
