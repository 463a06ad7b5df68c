//! Sign-in, sign-out, the account page (password, API tokens) and user administration.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::middleware::session_cookie;
use super::password::{self, Password};
use super::views::{AccountPage, LoginPage, NewUserForm, UsersPage};
use super::{AuthVia, Viewer, repo, safe_next, token};
use crate::error::{AppError, AppResult};
use crate::people::model::{Email, NewPerson, Username, parse_display_name};
use crate::people::repo as people;
use crate::site::views::see_other;
use crate::site::views::{Shell, html, html_with_status};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/account", web::get().to(account))
        .route("/account/password", web::post().to(change_password))
        .route("/account/tokens", web::post().to(create_token))
        .route("/account/tokens/{id}/revoke", web::post().to(revoke_token))
        .route("/admin/users", web::get().to(users))
        .route("/admin/users", web::post().to(add_user))
        .route(
            "/admin/users/{username}/{action}",
            web::post().to(user_action),
        );
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    let next = safe_next(q.next.as_deref());
    if viewer.person().is_some() {
        return Ok(see_other(&next));
    }
    html(&LoginPage::new(&viewer, &state.settings, next))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

enum SignIn {
    Throttled,
    /// Password sign-in is off for this username.
    PasswordsOff,
    Failed,
    Ok(String),
}

async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    // Usernames have at most 32 characters; longer input is cut, not stored in full.
    let username: String = form
        .username
        .trim()
        .to_lowercase()
        .chars()
        .take(64)
        .collect();
    let addr = crate::request::client_addr(&req, &state.settings.proxies);
    let user_agent = super::user_agent(&req);

    let passwords = &state.settings.password_sign_in;
    let outcome = if !passwords.allows(&username) {
        SignIn::PasswordsOff
    } else {
        match sign_in(&state, username.clone(), form.password, addr, user_agent).await? {
            // With passwords off, a wrong password for the break-glass username answers as
            // every other username does, so the answer does not tell which username it is.
            SignIn::Failed if *passwords != crate::config::PasswordSignIn::Everyone => {
                SignIn::PasswordsOff
            }
            other => other,
        }
    };
    crate::metrics::sign_in(match outcome {
        SignIn::Ok(_) => "ok",
        SignIn::Failed => "failed",
        SignIn::Throttled => "throttled",
        SignIn::PasswordsOff => "passwords_off",
    });
    let (status, error) = match outcome {
        SignIn::Ok(secret) => {
            let cookie = session_cookie(&state, secret, CookieDuration::days(repo::SESSION_DAYS));
            return Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, next))
                .finish());
        }
        SignIn::Failed => (StatusCode::UNAUTHORIZED, "Wrong username or password."),
        SignIn::PasswordsOff => (
            StatusCode::FORBIDDEN,
            "Password sign-in is turned off here: please use the single sign-on button.",
        ),
        SignIn::Throttled => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed sign-in attempts. Please wait 15 minutes and try again.",
        ),
    };
    let page = LoginPage {
        username,
        error: Some(error.to_string()),
        ..LoginPage::new(&viewer, &state.settings, next)
    };
    let mut res = html_with_status(&page, status)?;
    if status == StatusCode::TOO_MANY_REQUESTS {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(repo::THROTTLE_WINDOW_MINUTES * 60),
        );
    }
    Ok(res)
}

/// Counts the attempt against the throttle, checks the password (off the DB connection:
/// argon2 is slow on purpose), then opens a session and forgives the attempt.
async fn sign_in(
    state: &AppState,
    username: String,
    password: String,
    addr: String,
    user_agent: String,
) -> AppResult<SignIn> {
    let u = username.clone();
    let found = state
        .db
        .run(move |c| {
            if !repo::begin_sign_in_attempt(c, &u, &addr)? {
                return Ok(None);
            }
            Ok(Some(people::password_hash(c, &u)?))
        })
        .await?;
    let Some(found) = found else {
        return Ok(SignIn::Throttled);
    };
    let (person, hash) = match found {
        Some((person, hash)) if !person.disabled => (Some(person), hash),
        _ => (None, None),
    };
    if !password::verify_off_worker(password, hash).await? {
        return Ok(SignIn::Failed);
    }
    let Some(person) = person else {
        return Ok(SignIn::Failed);
    };
    state
        .db
        .run(move |c| {
            repo::clear_sign_in_failures(c, &username)?;
            Ok(SignIn::Ok(repo::create_session(
                c,
                person.id,
                &user_agent,
                None,
            )?))
        })
        .await
}

/// Ends the fika session and, for a session opened by single sign-on, sends the browser on
/// to end the provider's too (where it offers that), which sends it back to the sign-in page.
async fn logout(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let mut id_token = None;
    if let AuthVia::Session(secret) = viewer.via().clone() {
        id_token = state
            .db
            .run(move |c| repo::revoke_session(c, &secret))
            .await?;
    }
    let forget = session_cookie(&state, String::new(), CookieDuration::ZERO);
    let provider_logout = match (id_token, &state.settings.sso) {
        (Some(hint), Some(_)) => {
            let provider = state.part::<super::sso::oidc::Provider>()?;
            provider.logout_url(&hint).await
        }
        _ => None,
    };
    if let (Some(to), Some(sso)) = (provider_logout, &state.settings.sso) {
        let page = super::views::SignedOutPage {
            shell: Shell::new(&Viewer::anonymous(), "login"),
            provider_logout: to,
            label: sso.label.clone(),
        };
        let mut res = html(&page)?;
        res.add_cookie(&forget)
            .map_err(|e| AppError::internal(e.to_string()))?;
        return Ok(res);
    }
    Ok(HttpResponse::SeeOther()
        .cookie(forget)
        .insert_header((header::LOCATION, "/login"))
        .finish())
}

/// Everything the account page shows, with nothing filled in by a form yet.
async fn account_page(state: &AppState, viewer: &Viewer) -> AppResult<AccountPage> {
    let person = viewer.require_user()?.clone();
    let (id, username) = (person.id, person.username.clone());
    let (tokens, has_password) = state
        .db
        .run(move |c| {
            let hash = people::password_hash(c, &username)?.and_then(|(_, h)| h);
            Ok((repo::api_tokens_of(c, id)?, hash.is_some()))
        })
        .await?;
    let sso_only = match &state.settings.sso {
        Some(sso) if !has_password => Some(sso.label.clone()),
        _ => None,
    };
    Ok(AccountPage {
        shell: Shell::new(viewer, "account"),
        person,
        tokens,
        new_token: None,
        password_error: None,
        password_changed: false,
        token_error: None,
        token_name: String::new(),
        token_scope: "read".into(),
        token_expires: "90".into(),
        sso_only,
    })
}

async fn account(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    html(&account_page(&state, &viewer).await?)
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<PasswordForm>,
) -> AppResult<HttpResponse> {
    let person = viewer.require_user()?.clone();
    let form = form.into_inner();
    let result = async {
        if form.new != form.confirm {
            return Err("The new password and its confirmation differ.".to_string());
        }
        let new = Password::parse(&form.new)?;
        let username = person.username.clone();
        let stored = state
            .db
            .run(move |c| people::password_hash(c, &username))
            .await
            .map_err(|e| e.to_string())?
            .and_then(|(_, hash)| hash);
        let matches = password::verify_off_worker(form.current, stored)
            .await
            .map_err(|e| e.to_string())?;
        if !matches {
            return Err("Your current password is not right.".to_string());
        }
        password::hash_off_worker(new)
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    let mut page = account_page(&state, &viewer).await?;
    match result {
        Ok(hash) => {
            let keep = match viewer.via() {
                AuthVia::Session(s) => Some(s.clone()),
                _ => None,
            };
            let id = person.id;
            state
                .db
                .run(move |c| repo::set_password(c, id, &hash, keep.as_deref()))
                .await?;
            page.password_changed = true;
            html(&page)
        }
        Err(msg) => {
            page.password_error = Some(msg);
            html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    /// Absent (scripts written before scopes): `write`, as tokens were.
    #[serde(default = "default_scope")]
    scope: String,
    /// Days, or "never" (also when absent).
    #[serde(default)]
    expires_days: String,
}

fn default_scope() -> String {
    "write".into()
}

async fn create_token(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<TokenForm>,
) -> AppResult<HttpResponse> {
    let person = viewer.require_user()?.clone();
    // A token made with a token could outlive or outrank it: tokens are made signed in.
    if matches!(viewer.via(), AuthVia::Bearer) {
        return Err(AppError::forbidden(
            "API tokens are made on the account page, signed in, not with another token.",
        ));
    }
    let parsed = token::parse_label(&form.name).and_then(|name| {
        Ok((
            name,
            token::Scope::parse(&form.scope)?,
            token::parse_expiry_days(&form.expires_days)?,
        ))
    });
    let made = match parsed {
        Ok((name, scope, days)) => {
            state
                .db
                .run(move |c| {
                    let new = repo::NewToken {
                        name: &name,
                        scope,
                        days,
                    };
                    repo::create_api_token(c, &person, new)
                })
                .await
        }
        Err(msg) => Err(AppError::Validation(msg)),
    };
    let mut page = account_page(&state, &viewer).await?;
    match made {
        Ok(secret) => {
            // Shown on this response only; the page is not cached (see security headers).
            page.new_token = Some(secret);
            html(&page)
        }
        Err(AppError::Validation(msg)) => {
            page.token_error = Some(msg);
            page.token_name = form.name.clone();
            page.token_scope = form.scope.clone();
            page.token_expires = form.expires_days.clone();
            html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}

async fn revoke_token(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let person_id = viewer.require_user()?.id;
    let id = id.into_inner();
    state
        .db
        .run(move |c| repo::revoke_api_token(c, person_id, id))
        .await?;
    Ok(see_other("/account"))
}

async fn users_page(
    state: &AppState,
    viewer: &Viewer,
    form: NewUserForm,
    error: Option<String>,
    notice: Option<String>,
) -> AppResult<UsersPage> {
    let me = viewer.require_admin()?.username.clone();
    let (people, with_password, with_sso) = state
        .db
        .run(|c| {
            Ok((
                people::all(c)?,
                people::with_password(c)?,
                super::sso::linked_people(c)?,
            ))
        })
        .await?;
    Ok(UsersPage {
        shell: Shell::new(viewer, "admin"),
        me,
        people,
        with_password,
        with_sso,
        form,
        error,
        notice,
    })
}

async fn users(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    html(&users_page(&state, &viewer, NewUserForm::default(), None, None).await?)
}

#[derive(Deserialize)]
struct AddUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    is_admin: Option<String>,
}

async fn add_user(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<AddUserForm>,
) -> AppResult<HttpResponse> {
    let actor = viewer.require_admin()?.id;
    let form = form.into_inner();
    let kept = NewUserForm {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        is_admin: form.is_admin.is_some(),
    };
    let parsed = (|| {
        Ok::<_, String>((
            Username::parse(&form.username)?,
            parse_display_name(&form.display_name)?,
            Email::parse_optional(&form.email)?,
            Password::parse(&form.password)?,
        ))
    })();
    let (username, display_name, email, pw) = match parsed {
        Ok(v) => v,
        Err(msg) => {
            let page = users_page(&state, &viewer, kept, Some(msg), None).await?;
            return html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let hash = password::hash_off_worker(pw).await?;
    let new = NewPerson {
        username,
        display_name,
        email,
        is_admin: kept.is_admin,
        password_hash: Some(hash),
        profile: Default::default(),
    };
    match state
        .db
        .run(move |c| people::create(c, Some(actor), &new))
        .await
    {
        Ok(p) => {
            let notice = format!("Added {} ({}).", p.display_name, p.username);
            html(&users_page(&state, &viewer, NewUserForm::default(), None, Some(notice)).await?)
        }
        Err(AppError::Conflict(msg)) => {
            let page = users_page(&state, &viewer, kept, Some(msg), None).await?;
            html_with_status(&page, StatusCode::CONFLICT)
        }
        Err(e) => Err(e),
    }
}

async fn user_action(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_admin()?.clone();
    let (raw, action) = path.into_inner();
    // Normalised before any comparison: `/admin/users/ALICE/…` is alice.
    let username = Username::parse(&raw).map_err(|_| AppError::NotFound)?;
    let username = username.as_str().to_string();
    let (is_admin, disabled) = match action.as_str() {
        "disable" => (None, Some(true)),
        "enable" => (None, Some(false)),
        "make-admin" => (Some(true), None),
        "remove-admin" => (Some(false), None),
        _ => return Err(AppError::NotFound),
    };
    if username == me.username && (disabled == Some(true) || is_admin == Some(false)) {
        return Err(AppError::validation(
            "You cannot disable yourself or remove your own admin role; ask another admin.",
        ));
    }
    state
        .db
        .run(move |c| {
            crate::db::write_transaction(c, |c| {
                let person = people::update_flags(c, Some(me.id), &username, is_admin, disabled)?;
                if person.disabled {
                    // A disabled person is signed out at once, not at their session's end.
                    repo::revoke_other_sessions(c, person.id, None)?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(see_other("/admin/users"))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_follow_sign_in() {
        assert_eq!(safe_next(Some("/pages/x?a=1")), "/pages/x?a=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
