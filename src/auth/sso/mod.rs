//! Single sign-on, the people half: which person a provider's verified claims are. A
//! provider account once linked stays linked (by issuer and subject); a first sign-in links
//! to the one person with the same verified e-mail, or makes a person just in time with a
//! username mapped from the username claim. Refusals say what an administrator can do.
//! Also the sign-ins on their way through the provider, kept here until used once.

pub mod oidc;
pub mod routes;

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::config::SsoSettings;
use crate::db::AnyConnection;
use crate::db::schema::{oidc_identities, oidc_pending};
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::people::model::{Email, NewPerson, Person, parse_display_name};
use crate::people::{names, repo as people};
use oidc::{Claims, Pending};

/// How long a started sign-in may take at the provider.
pub const PENDING_MINUTES: i64 = 10;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Keeps a started sign-in until the provider sends the person back; forgets those that
/// never came back.
pub fn keep_pending(c: &mut AnyConnection, p: &Pending, next: &str) -> AppResult<()> {
    let now = now();
    diesel::delete(
        oidc_pending::table
            .filter(oidc_pending::created_at.lt(now - Duration::minutes(PENDING_MINUTES))),
    )
    .execute(c)?;
    diesel::insert_into(oidc_pending::table)
        .values((
            oidc_pending::state.eq(&p.state),
            oidc_pending::nonce.eq(&p.nonce),
            oidc_pending::pkce_verifier.eq(&p.pkce_verifier),
            oidc_pending::next.eq(next),
            oidc_pending::created_at.eq(now),
        ))
        .execute(c)?;
    Ok(())
}

/// Takes a started sign-in by its state, once: the row is deleted, and of two requests
/// with the same state only the one whose delete removed it gets it. `None`: unknown,
/// expired or already used.
pub fn take_pending(c: &mut AnyConnection, state: &str) -> AppResult<Option<(Pending, String)>> {
    let row = oidc_pending::table
        .find(state)
        .select((
            oidc_pending::nonce,
            oidc_pending::pkce_verifier,
            oidc_pending::next,
            oidc_pending::created_at,
        ))
        .first::<(String, String, String, NaiveDateTime)>(c)
        .optional()?;
    let Some((nonce, pkce_verifier, next, created)) = row else {
        return Ok(None);
    };
    let deleted = diesel::delete(oidc_pending::table.find(state)).execute(c)?;
    if deleted != 1 || created < now() - Duration::minutes(PENDING_MINUTES) {
        return Ok(None);
    }
    let pending = Pending {
        state: state.to_string(),
        nonce,
        pkce_verifier,
    };
    Ok(Some((pending, next)))
}

/// The people linked to a provider account.
pub fn linked_people(c: &mut AnyConnection) -> AppResult<std::collections::HashSet<PersonId>> {
    Ok(oidc_identities::table
        .select(oidc_identities::person_id)
        .load::<PersonId>(c)?
        .into_iter()
        .collect())
}

/// What fika reads from a sign-in's claims, by the configured claim names.
#[derive(Debug)]
pub struct Account {
    pub subject: String,
    /// What the username is made from: the username claim, else the e-mail, else the subject.
    pub username_from: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    /// Whether the person is in the admin group; `None` when no admin group is configured.
    pub admin: Option<bool>,
}

impl Account {
    pub fn from_claims(claims: &Claims, s: &SsoSettings) -> Result<Account, String> {
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let subject = text("sub").ok_or("the provider's answer names no subject")?;
        let email = text(&s.email_claim);
        // `email_verified` speaks of the `email` claim only, never of another one read as
        // the address (a UPN). Some providers send the flag as the string "true".
        let flagged = matches!(
            claims.get("email_verified"),
            Some(serde_json::Value::Bool(true))
        ) || claims.get("email_verified").and_then(|v| v.as_str()) == Some("true");
        let email_verified = s.email_is_verified || (s.email_claim == "email" && flagged);
        let admin = s
            .admin_group
            .as_ref()
            .map(|group| match claims.get(&s.groups_claim) {
                Some(serde_json::Value::Array(groups)) => {
                    groups.iter().any(|g| g.as_str() == Some(group.as_str()))
                }
                Some(serde_json::Value::String(one)) => one == group,
                _ => false,
            });
        Ok(Account {
            username_from: text(&s.username_claim)
                .or_else(|| email.clone())
                .unwrap_or_else(|| subject.clone()),
            subject,
            name: text(&s.name_claim),
            email,
            email_verified,
            admin,
        })
    }
}

/// The person an account is, linking or making them on first sign-in; `Err(message)` when
/// fika must refuse, with what an administrator can do. `keep_admin`: the break-glass
/// administrator, whose admin rights are fika's and not the provider's groups'.
pub fn person_for(
    c: &mut AnyConnection,
    issuer: &str,
    account: &Account,
    keep_admin: Option<&str>,
) -> AppResult<Result<Person, String>> {
    crate::db::write_transaction(c, |c| {
        let linked = oidc_identities::table
            .find((issuer, &account.subject))
            .select(oidc_identities::person_id)
            .first::<crate::ids::PersonId>(c)
            .optional()?;
        let person = match linked {
            Some(id) => people::by_id(c, id)?,
            None => match first_sign_in(c, issuer, account)? {
                Ok(person) => person,
                Err(refusal) => return Ok(Err(refusal)),
            },
        };
        if person.disabled {
            return Ok(Err(format!(
                "Your fika account ({}) is disabled. If that is a mistake, ask a fika \
                 administrator to enable it.",
                person.username
            )));
        }
        diesel::update(oidc_identities::table.find((issuer, &account.subject)))
            .set(oidc_identities::last_sign_in_at.eq(now()))
            .execute(c)?;
        let person = match account.admin {
            Some(admin) if admin != person.is_admin && keep_admin != Some(&person.username) => {
                people::update_flags(c, None, &person.username, Some(admin), None)?
            }
            _ => person,
        };
        Ok(Ok(person))
    })
}

/// Links a first sign-in to the one person with its verified e-mail, or makes a person.
fn first_sign_in(
    c: &mut AnyConnection,
    issuer: &str,
    account: &Account,
) -> AppResult<Result<Person, String>> {
    let same_email = match &account.email {
        Some(email) => people::by_email(c, email)?,
        None => Vec::new(),
    };
    let email = account.email.as_deref().unwrap_or("");
    let person = match same_email.as_slice() {
        [one] if account.email_verified && linked_to_another(c, issuer, one.id)? => {
            return Ok(Err(format!(
                "The fika account with the e-mail address {email} already signs in with \
                 another account at your sign-in provider. Ask a fika administrator to check \
                 which of the two is yours."
            )));
        }
        [one] if account.email_verified => one.clone(),
        [] => make_person(c, account)?,
        [_] => {
            return Ok(Err(format!(
                "Your sign-in provider has not verified the e-mail address {email}, which a \
                 person in fika already has, so fika will not sign you in as them. Ask a fika \
                 administrator to check the address at the provider."
            )));
        }
        many => {
            return Ok(Err(format!(
                "{} people in fika have the e-mail address {email}, so fika cannot tell which \
                 of them you are. Ask a fika administrator to give each their own address.",
                many.len()
            )));
        }
    };
    diesel::insert_into(oidc_identities::table)
        .values((
            oidc_identities::issuer.eq(issuer),
            oidc_identities::subject.eq(&account.subject),
            oidc_identities::person_id.eq(person.id),
            oidc_identities::claimed_username.eq(&account.username_from),
            oidc_identities::created_at.eq(now()),
            oidc_identities::last_sign_in_at.eq(now()),
        ))
        .execute(c)?;
    Ok(Ok(person))
}

/// Whether a person already signs in with a provider account: e-mail never moves a
/// second account into theirs (a reused or re-verified address).
fn linked_to_another(c: &mut AnyConnection, issuer: &str, person: PersonId) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        oidc_identities::table
            .filter(oidc_identities::issuer.eq(issuer))
            .filter(oidc_identities::person_id.eq(person)),
    ))
    .get_result(c)?)
}

/// A person made at their first sign-in: a free username mapped from the claim (a suffix
/// when it is taken), the verified e-mail only, no password (they sign in at the provider).
fn make_person(c: &mut AnyConnection, account: &Account) -> AppResult<Person> {
    let wanted = names::from_claim(&account.username_from)
        .or_else(|| names::from_claim(&account.subject))
        .unwrap_or_else(|| "person".into());
    let username = names::free_username(c, &wanted)?;
    let display_name = account
        .name
        .as_deref()
        .and_then(|n| parse_display_name(n).ok())
        .unwrap_or_else(|| username.as_str().to_string());
    let email = account
        .email
        .as_deref()
        .filter(|_| account.email_verified)
        .and_then(|e| Email::parse(e).ok());
    let new = NewPerson {
        username,
        display_name,
        email,
        is_admin: account.admin.unwrap_or(false),
        password_hash: None,
        profile: Default::default(),
    };
    people::create(c, None, &new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn settings(email_claim: &str) -> SsoSettings {
        SsoSettings {
            issuer: "https://login.example.com".into(),
            client_id: "fika".into(),
            client_secret: None,
            redirect_uri: String::new(),
            after_logout_uri: String::new(),
            scopes: vec![],
            username_claim: "preferred_username".into(),
            name_claim: "name".into(),
            email_claim: email_claim.into(),
            email_is_verified: false,
            groups_claim: "groups".into(),
            admin_group: Some("fika-admins".into()),
            label: "SSO".into(),
        }
    }

    #[test]
    fn email_verified_speaks_of_the_email_claim_only() {
        let claims = json!({"sub": "1", "email": "a@corp.example", "upn": "b@corp.example",
                            "email_verified": true, "groups": ["staff"]});
        let Value::Object(claims) = claims else {
            unreachable!()
        };
        let by_email = Account::from_claims(&claims, &settings("email")).unwrap();
        assert!(by_email.email_verified);
        assert_eq!(by_email.admin, Some(false));
        let by_upn = Account::from_claims(&claims, &settings("upn")).unwrap();
        assert_eq!(by_upn.email.as_deref(), Some("b@corp.example"));
        assert!(
            !by_upn.email_verified,
            "the flag is about `email`, not the UPN"
        );
    }
}
