//! `fika user …`: add people, set passwords and mint API tokens from the command line.
//! Passwords come from `FIKA_PASSWORD` or standard input, never from argv (which other users
//! of the machine can read in the process list).

use std::io::{BufRead, IsTerminal, Write};

use super::password::{self, Password};
use super::repo;
use crate::db::AnyConnection;
use crate::people::model::{Email, NewPerson, Username, parse_display_name};
use crate::people::repo as people;

/// Reads the password: `FIKA_PASSWORD`, else one line of standard input (prompting, without
/// echo, when standard input is a terminal).
pub fn read_password() -> Result<Password, String> {
    let raw = match std::env::var("FIKA_PASSWORD") {
        Ok(p) => p,
        Err(_) if std::io::stdin().is_terminal() => rpassword::prompt_password("Password: ")
            .map_err(|e| format!("cannot read password: {e}"))?,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("cannot read password from standard input: {e}"))?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if raw.is_empty() {
        return Err("no password given: set FIKA_PASSWORD or pipe it on standard input".into());
    }
    Password::parse(&raw)
}

pub fn add(
    conn: &mut AnyConnection,
    username: &str,
    name: &str,
    email: Option<&str>,
    admin: bool,
) -> Result<(), String> {
    let username = Username::parse(username)?;
    let display_name = parse_display_name(name)?;
    let email = Email::parse_optional(email.unwrap_or(""))?;
    let pw = read_password()?;
    let hash = password::hash(&pw).map_err(|e| e.to_string())?;
    let person = people::create(
        conn,
        None,
        &NewPerson {
            username,
            display_name,
            email,
            is_admin: admin,
            password_hash: Some(hash),
            profile: Default::default(),
        },
    )
    .map_err(|e| e.to_string())?;
    println!(
        "added {} ({}){}",
        person.username,
        person.display_name,
        if person.is_admin { " as admin" } else { "" }
    );
    Ok(())
}

fn find(conn: &mut AnyConnection, username: &str) -> Result<crate::people::model::Person, String> {
    people::by_username(conn, username).map_err(|e| match e {
        crate::error::AppError::NotFound => format!("no user named {username:?}"),
        other => other.to_string(),
    })
}

pub fn passwd(conn: &mut AnyConnection, username: &str) -> Result<(), String> {
    let person = find(conn, username)?;
    let pw = read_password()?;
    let hash = password::hash(&pw).map_err(|e| e.to_string())?;
    let ended = repo::set_password(conn, person.id, &hash, None).map_err(|e| e.to_string())?;
    println!(
        "password of {} changed; {ended} session(s) signed out",
        person.username
    );
    Ok(())
}

/// What `fika user token` should do.
pub enum TokenAction<'a> {
    Create {
        label: Option<&'a str>,
        scope: Option<&'a str>,
        days: Option<i64>,
    },
    List,
    Revoke {
        id: i64,
    },
}

pub fn token(conn: &mut AnyConnection, username: &str, action: TokenAction) -> Result<(), String> {
    let person = find(conn, username)?;
    let mut out = std::io::stdout().lock();
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    match action {
        TokenAction::Create { label, scope, days } => {
            let label = super::token::parse_label(label.unwrap_or("cli"))?;
            let scope = match scope {
                Some(raw) => super::token::Scope::parse(raw)?,
                None if person.is_admin => super::token::Scope::Admin,
                None => super::token::Scope::Write,
            };
            let days = days.map(super::token::expiry_days).transpose()?;
            let new = repo::NewToken {
                name: &label,
                scope,
                days,
            };
            let secret = repo::create_api_token(conn, &person, new).map_err(|e| fail(&e))?;
            let expiry = days.map_or("never expires".to_string(), |d| {
                format!("expires in {d} days")
            });
            // The token alone on stdout, so scripts can capture it; the note goes to stderr.
            eprintln!(
                "new API token {label:?} for {} with the {} scope, {expiry} (shown once):",
                person.username,
                scope.as_str()
            );
            writeln!(out, "{secret}").map_err(|e| fail(&e))?;
        }
        TokenAction::List => {
            for t in repo::api_tokens_of(conn, person.id).map_err(|e| fail(&e))? {
                let status = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expired() {
                    "expired"
                } else {
                    "active"
                };
                let expires = t
                    .expires_at
                    .map(|x| x.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "never".into());
                let used = t
                    .last_used_at
                    .map(|u| u.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "never".into());
                writeln!(
                    out,
                    "{}\t{status}\t{}\tcreated {}\texpires {expires}\tlast used {used}\t{}",
                    t.id,
                    t.scope(),
                    t.created_at.format("%Y-%m-%d %H:%M"),
                    t.name
                )
                .map_err(|e| fail(&e))?;
            }
        }
        TokenAction::Revoke { id } => {
            repo::revoke_api_token(conn, person.id, id).map_err(|e| match e {
                crate::error::AppError::NotFound => {
                    format!("{} has no active token with id {id}", person.username)
                }
                other => other.to_string(),
            })?;
            writeln!(out, "revoked token {id} of {}", person.username).map_err(|e| fail(&e))?;
        }
    }
    Ok(())
}
