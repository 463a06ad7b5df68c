//! Queries on sessions, API tokens and sign-in failures. None of these are content: they do
//! not go through the change log.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::token::{self, Scope};
use crate::db::AnyConnection;
use crate::db::schema::{api_tokens, login_failures, notifications, people, sessions};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::people::model::Person;

/// How long a session lives without use; each day of use pushes the end out again.
pub const SESSION_DAYS: i64 = 30;
/// The sign-in throttling window and limits. An account is guarded tightly; an address much
/// less, because a whole office behind one NAT shares it and one person's typos must not lock
/// everyone else out — yet one client guessing across many accounts still stops quickly.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
pub const THROTTLE_MAX_PER_ACCOUNT: i64 = 5;
pub const THROTTLE_MAX_PER_ADDRESS: i64 = 50;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Creates a session and returns its secret (the cookie value). `id_token`: the ID token of
/// a single sign-on, kept as the hint for signing out at the provider.
pub fn create_session(
    conn: &mut AnyConnection,
    person_id: PersonId,
    user_agent: &str,
    id_token: Option<&str>,
) -> AppResult<String> {
    let secret = token::random_secret();
    let now = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token::digest(&secret)),
            sessions::person_id.eq(person_id),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + Duration::days(SESSION_DAYS)),
            sessions::user_agent.eq(user_agent.chars().take(200).collect::<String>()),
            sessions::id_token.eq(id_token),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// A live session: its person, and whether this request extended it (the cookie's
/// lifetime must then be renewed too).
pub struct LiveSession {
    pub person: Person,
    pub extended: bool,
    /// Unread notifications, counted up to [`UNREAD_CAP`], for the header.
    pub unread: i64,
}

/// The header counts unread notifications up to here and shows "99+" beyond, so a full
/// inbox costs a page view no more than a nearly empty one.
pub const UNREAD_CAP: i64 = 100;

/// Unread notifications of a person, counted up to [`UNREAD_CAP`] on the partial index of
/// unread rows.
pub fn unread_notifications(conn: &mut AnyConnection, person: PersonId) -> AppResult<i64> {
    let ids: Vec<i64> = notifications::table
        .filter(notifications::person_id.eq(person.0))
        .filter(notifications::read_at.is_null())
        .select(notifications::id)
        .limit(UNREAD_CAP)
        .load(conn)?;
    Ok(ids.len() as i64)
}

/// The active person behind a session secret, if the session is live. A session that is
/// more than a day into its life is extended, so active people stay signed in while the
/// common request costs only a read.
pub fn person_for_session(
    conn: &mut AnyConnection,
    secret: &str,
) -> AppResult<Option<LiveSession>> {
    let now = now();
    let found: Option<(i64, NaiveDateTime, Person)> = sessions::table
        .inner_join(people::table)
        .filter(sessions::token_hash.eq(token::digest(secret)))
        .filter(sessions::expires_at.gt(now))
        .filter(people::disabled.eq(false))
        .select((sessions::id, sessions::expires_at, Person::as_select()))
        .first(conn)
        .optional()?;
    let Some((id, expires_at, person)) = found else {
        return Ok(None);
    };
    let extended = expires_at < now + Duration::days(SESSION_DAYS - 1);
    if extended {
        diesel::update(sessions::table.filter(sessions::id.eq(id)))
            .set(sessions::expires_at.eq(now + Duration::days(SESSION_DAYS)))
            .execute(conn)?;
    }
    let unread = unread_notifications(conn, person.id)?;
    Ok(Some(LiveSession {
        person,
        extended,
        unread,
    }))
}

/// Ends a session; gives back the ID token it was opened with by single sign-on, if any.
pub fn revoke_session(conn: &mut AnyConnection, secret: &str) -> AppResult<Option<String>> {
    let hash = token::digest(secret);
    let session = || sessions::table.filter(sessions::token_hash.eq(hash.clone()));
    let id_token = session()
        .select(sessions::id_token)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    diesel::delete(session()).execute(conn)?;
    Ok(id_token)
}

/// Ends every session of a person except `keep` (the current one, when they changed their
/// own password).
pub fn revoke_other_sessions(
    conn: &mut AnyConnection,
    person_id: PersonId,
    keep: Option<&str>,
) -> AppResult<usize> {
    let keep_hash = keep.map(token::digest).unwrap_or_default();
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::person_id.eq(person_id))
            .filter(sessions::token_hash.ne(keep_hash)),
    )
    .execute(conn)?)
}

/// Sets a new password hash and, in the same transaction, ends every other session of the
/// person: anyone who knew the old password is signed out.
pub fn set_password(
    conn: &mut AnyConnection,
    person_id: PersonId,
    hash: &str,
    keep_session: Option<&str>,
) -> AppResult<usize> {
    crate::db::write_transaction(conn, |conn| {
        crate::people::repo::set_password_hash(conn, person_id, hash)?;
        revoke_other_sessions(conn, person_id, keep_session)
    })
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub scope: String,
    pub expires_at: Option<NaiveDateTime>,
}

impl ApiToken {
    /// The token's scope (a stored value fika does not know reads as `read`, the least).
    pub fn scope(&self) -> Scope {
        Scope::parse(&self.scope).unwrap_or(Scope::Read)
    }

    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|t| t <= now())
    }
}

/// What a new API token may do and for how long.
pub struct NewToken<'a> {
    pub name: &'a str,
    pub scope: Scope,
    /// Days until it expires; `None`: never.
    pub days: Option<i64>,
}

/// Creates a personal API token and returns the secret, which is shown once and never again.
/// Only an administrator's token may have the admin scope.
pub fn create_api_token(
    conn: &mut AnyConnection,
    person: &Person,
    new: NewToken,
) -> AppResult<String> {
    if new.scope == Scope::Admin && !person.is_admin {
        return Err(AppError::Validation(
            "Only administrators can make a token with the admin scope.".into(),
        ));
    }
    let secret = token::new_api_token();
    let created = now();
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::person_id.eq(person.id),
            api_tokens::name.eq(new.name),
            api_tokens::token_hash.eq(token::digest(&secret)),
            api_tokens::created_at.eq(created),
            api_tokens::scope.eq(new.scope.as_str()),
            api_tokens::expires_at.eq(new.days.map(|d| created + Duration::days(d))),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// What an API token sent with a request turned out to be.
pub enum TokenLookup {
    /// A live token of an active person, with the scope it grants this request (never more
    /// than the person may: admin only while they are an administrator).
    Valid(Person, Scope),
    Expired,
    Unknown,
}

pub fn api_tokens_of(conn: &mut AnyConnection, person_id: PersonId) -> AppResult<Vec<ApiToken>> {
    Ok(api_tokens::table
        .filter(api_tokens::person_id.eq(person_id))
        .order((
            api_tokens::revoked_at.is_null().desc(),
            api_tokens::id.desc(),
        ))
        .select(ApiToken::as_select())
        .load(conn)?)
}

/// Ends every session of a person and revokes every API token of theirs: for a person who
/// has been disabled (a SCIM deactivation), so that nothing of theirs works from this moment,
/// and nothing old comes back if they are enabled again.
pub fn end_access(conn: &mut AnyConnection, person_id: PersonId) -> AppResult<()> {
    revoke_other_sessions(conn, person_id, None)?;
    diesel::update(
        api_tokens::table
            .filter(api_tokens::person_id.eq(person_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// Revokes one of a person's own tokens; someone else's token id is "not found".
pub fn revoke_api_token(
    conn: &mut AnyConnection,
    person_id: PersonId,
    token_id: i64,
) -> AppResult<()> {
    let n = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(token_id))
            .filter(api_tokens::person_id.eq(person_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The active person behind an API token, and its scope. `last_used_at` is written at most
/// every few minutes, so scripts polling the API do not turn every read into a write.
pub fn person_for_api_token(conn: &mut AnyConnection, secret: &str) -> AppResult<TokenLookup> {
    let found: Option<(ApiToken, Person)> = api_tokens::table
        .inner_join(people::table)
        .filter(api_tokens::token_hash.eq(token::digest(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .filter(people::disabled.eq(false))
        .select((ApiToken::as_select(), Person::as_select()))
        .first(conn)
        .optional()?;
    let Some((found, person)) = found else {
        return Ok(TokenLookup::Unknown);
    };
    if found.expired() {
        return Ok(TokenLookup::Expired);
    }
    let (id, last_used) = (found.id, found.last_used_at);
    let scope = match found.scope() {
        Scope::Admin if !person.is_admin => Scope::Write,
        scope => scope,
    };
    let now = now();
    if last_used.is_none_or(|t| t < now - Duration::minutes(5)) {
        diesel::update(api_tokens::table.filter(api_tokens::id.eq(id)))
            .set(api_tokens::last_used_at.eq(now))
            .execute(conn)?;
    }
    Ok(TokenLookup::Valid(person, scope))
}

/// Counts one sign-in attempt against the throttle, unless the username or the client
/// address already failed too often in the window; returns false when throttled.
///
/// The attempt is recorded *before* the password is checked and forgiven on success, so that
/// many attempts sent at once cannot all pass the check while the slow password hashes run.
pub fn begin_sign_in_attempt(
    conn: &mut AnyConnection,
    username: &str,
    addr: &str,
) -> AppResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        crate::db::lock_for_transaction(conn, crate::db::locks::SIGN_IN)?;
        let now = now();
        let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
        let recent = login_failures::table.filter(login_failures::created_at.gt(since));
        let by_user: i64 = recent
            .filter(login_failures::username.eq(username))
            .count()
            .get_result(conn)?;
        let by_addr: i64 = recent
            .filter(login_failures::client_addr.eq(addr))
            .count()
            .get_result(conn)?;
        if by_user >= THROTTLE_MAX_PER_ACCOUNT || by_addr >= THROTTLE_MAX_PER_ADDRESS {
            return Ok(false);
        }
        // Old rows are worthless; dropping them here keeps the table small without a timer.
        diesel::delete(
            login_failures::table.filter(login_failures::created_at.lt(now - Duration::days(1))),
        )
        .execute(conn)?;
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::username.eq(username),
                login_failures::client_addr.eq(addr),
                login_failures::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// A successful sign-in gives its own attempt back and forgives that username's earlier
/// typos. The address keeps the failures of other usernames.
pub fn clear_sign_in_failures(conn: &mut AnyConnection, username: &str) -> AppResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::username.eq(username)))
        .execute(conn)?;
    Ok(())
}
