//! The people of an import: each user entity found (by the ref stored with them, else by
//! username) or created with a free username, and their profile brought up to date.

use std::collections::HashMap;

use super::super::EntityRef;
use super::super::plan::{GroupPlan, UserPlan, shown};
use super::{Report, at};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::people::model::{Email, NewPerson, Profile, ProfileFields};
use crate::people::names::free_username;
use crate::people::repo as people;

/// The person a user entity is: the one imported from it before, else (for a user who is
/// their name in the default namespace) the person with that username whom no other entity
/// claims — someone made in fika, or imported by name. None: a new person.
fn find_person(c: &mut AnyConnection, u: &UserPlan) -> AppResult<Option<Profile>> {
    if let Some(p) = people::by_backstage_ref(c, &u.entity.to_string())? {
        return Ok(Some(p));
    }
    if !u.is_natural() {
        return Ok(None);
    }
    match people::profile(c, &u.username) {
        Ok(p) if p.backstage_ref.is_empty() => Ok(Some(p)),
        Ok(_) | Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The person of each user entity of the import: (person id, username).
pub(super) type People = HashMap<EntityRef, (PersonId, String)>;

/// The person a group names, found or made by [`apply_people`].
pub(super) fn person(who: &People, g: &GroupPlan, r: &EntityRef) -> AppResult<(PersonId, String)> {
    who.get(r).cloned().ok_or_else(|| {
        AppError::Validation(format!("{}: member {:?} is not a person", g.at, shown(r)))
    })
}

/// Finds or creates the person of every user entity.
pub(super) fn apply_people(
    c: &mut AnyConnection,
    actor: Option<PersonId>,
    users: &[UserPlan],
    report: &mut Report,
) -> AppResult<People> {
    let mut who = People::new();
    for u in users {
        let err = at(&u.at);
        let person = match find_person(c, u)? {
            Some(p) => {
                let fields = ProfileFields {
                    discipline: u.discipline.clone().unwrap_or_else(|| p.discipline.clone()),
                    title: u.title.clone().unwrap_or_else(|| p.title.clone()),
                    bio: u.bio.clone().unwrap_or_else(|| p.bio.clone()),
                    links: u.links.clone().unwrap_or_else(|| p.links.clone()),
                };
                let display = u.display.clone().unwrap_or_else(|| p.display_name.clone());
                let email = u.email.clone().or(p.email.clone());
                if p.display_name != display
                    || p.email != email
                    || p.discipline != fields.discipline
                    || p.title != fields.title
                    || p.bio != fields.bio
                    || p.links != fields.links
                {
                    people::update_profile(c, actor, p.id, &display, email.as_deref(), &fields)
                        .map_err(&err)?;
                    report.actions.push(format!("update person {}", p.username));
                }
                (p.id, p.username)
            }
            None => {
                let username = free_username(c, &u.username).map_err(&err)?;
                let email = match &u.email {
                    Some(e) => Some(Email::parse(e).map_err(|m| err(AppError::Validation(m)))?),
                    None => None,
                };
                let p = people::create(
                    c,
                    actor,
                    &NewPerson {
                        display_name: u
                            .display
                            .clone()
                            .unwrap_or_else(|| username.as_str().to_string()),
                        username: username.clone(),
                        email,
                        is_admin: false,
                        password_hash: None,
                        profile: ProfileFields {
                            discipline: u.discipline.clone().unwrap_or_default(),
                            title: u.title.clone().unwrap_or_default(),
                            bio: u.bio.clone().unwrap_or_default(),
                            links: u.links.clone().unwrap_or_default(),
                        },
                    },
                )
                .map_err(&err)?;
                // Who the person is in Backstage, unless their username says it already.
                if !(u.is_natural() && username.as_str() == u.username) {
                    people::set_backstage_ref(c, actor, p.id, &u.entity.to_string())
                        .map_err(&err)?;
                }
                report.actions.push(format!("create person {username}"));
                (p.id, p.username)
            }
        };
        who.insert(u.entity.clone(), person);
    }
    Ok(who)
}
