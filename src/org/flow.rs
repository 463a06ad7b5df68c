//! Changes made on someone's behalf that pages and the API share: the input parsed once, the
//! permission checked once, then the write.

use chrono::NaiveDate;

use super::access::Access;
use super::unit::{Membership, Role, Unit, UnitKind};
use super::unit_repo::{self as repo, NewMembership};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::people::model::{Person, Username};
use crate::people::repo as people;

/// A membership to add, as a form or a script sends it (empty role: the kind's first role;
/// empty date: today).
pub struct MemberInput {
    pub username: Username,
    pub role: Role,
    pub since: NaiveDate,
}

impl MemberInput {
    pub fn parse(kind: UnitKind, username: &str, role: &str, since: &str) -> Result<Self, String> {
        let username = Username::parse(username)?;
        let role = match role.trim() {
            "" => kind.roles()[0],
            r => Role::parse(r).ok_or_else(|| format!("{r:?} is not a role."))?,
        };
        let since = crate::site::forms::date_or_today(since, crate::dates::today())?;
        Ok(MemberInput {
            username,
            role,
            since,
        })
    }
}

/// Adds `input` to the unit `kind/slug` if `me` may: the unit's editors, or anyone joining a
/// guild as a member.
pub fn add_member(
    c: &mut AnyConnection,
    me: &Person,
    kind: UnitKind,
    slug: &str,
    input: &MemberInput,
) -> AppResult<(Unit, Person, Membership)> {
    let unit = repo::unit(c, kind, slug)?;
    let person = people::by_username(c, input.username.as_str()).map_err(|_| {
        AppError::validation(format!(
            "There is nobody with the username {}.",
            input.username
        ))
    })?;
    if !Access::load(c, Some(me))?.can_change_membership_of(&unit, person.id, input.role) {
        return Err(AppError::forbidden(format!(
            "Only an admin or a lead of {} (or of its tribe) may change its members.",
            unit.name
        )));
    }
    let m = repo::add_membership(
        c,
        Some(me.id),
        &NewMembership {
            person_id: person.id,
            unit_id: unit.id,
            role: input.role,
            start_date: input.since,
        },
    )?;
    Ok((unit, person, m))
}
