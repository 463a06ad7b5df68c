//! The single sign-on routes: `/auth/oidc/start` sends the browser to the provider,
//! `/auth/oidc/callback` brings it back signed in (or on the sign-in page with the reason),
//! and a session opened this way ends at the provider too on sign-out.

use std::sync::Arc;

use actix_web::cookie::Cookie;
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::oidc::Provider;
use crate::auth::middleware::{auth_cookie, session_cookie};
use crate::auth::views::LoginPage;
use crate::auth::{Viewer, repo, safe_next, sso};
use crate::error::{AppError, AppResult};
use crate::site::views::html_with_status;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/oidc/start", web::get().to(start))
        .route("/auth/oidc/callback", web::get().to(callback));
}

/// Binds a sign-in to the browser that started it: the callback's state must match this
/// cookie, so a sign-in link made by someone else signs no one in (login CSRF).
const STATE_COOKIE: &str = "fika_sso_state";

/// The provider, or a 404 when single sign-on is off.
fn provider(state: &AppState) -> AppResult<Arc<Provider>> {
    if state.settings.sso.is_none() {
        return Err(AppError::NotFound);
    }
    state.part::<Provider>()
}

fn state_cookie(state: &AppState, value: String, max_age: CookieDuration) -> Cookie<'static> {
    auth_cookie(state, (STATE_COOKIE, "/auth/oidc/"), value, max_age)
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
}

async fn start(state: web::Data<AppState>, q: web::Query<StartQuery>) -> AppResult<HttpResponse> {
    let sso = provider(&state)?.get().await?;
    let (url, pending) = sso.start();
    let next = safe_next(q.next.as_deref());
    let kept = pending.state.clone();
    state
        .db
        .run(move |c| sso::keep_pending(c, &pending, &next))
        .await?;
    let cookie = state_cookie(&state, kept, CookieDuration::minutes(sso::PENDING_MINUTES));
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, url))
        .finish())
}

#[derive(Deserialize)]
struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Why a sign-in came back without a person: the status and what the page says.
type Refused = (StatusCode, String);

async fn callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<CallbackQuery>,
) -> AppResult<HttpResponse> {
    let provider = provider(&state)?;
    let outcome = finish(&req, &state, &provider, q.into_inner()).await?;
    let forget = state_cookie(&state, String::new(), CookieDuration::ZERO);
    match outcome {
        Ok((secret, next)) => Ok(HttpResponse::SeeOther()
            .cookie(session_cookie(
                &state,
                secret,
                CookieDuration::days(repo::SESSION_DAYS),
            ))
            .cookie(forget)
            .insert_header((header::LOCATION, next))
            .finish()),
        Err((status, message)) => {
            let page = LoginPage {
                error: Some(message),
                ..LoginPage::new(&viewer, &state.settings, "/".into())
            };
            let mut res = html_with_status(&page, status)?;
            res.add_cookie(&forget)
                .map_err(|e| AppError::internal(e.to_string()))?;
            Ok(res)
        }
    }
}

/// Checks the callback against the sign-in it answers, verifies it with the provider and
/// opens a session for its person: the session secret and where to go next.
async fn finish(
    req: &HttpRequest,
    state: &AppState,
    provider: &Provider,
    q: CallbackQuery,
) -> AppResult<Result<(String, String), Refused>> {
    let again = "Please sign in again.";
    if let Some(error) = q.error {
        let why = q.error_description.unwrap_or(error);
        return Ok(Err((
            StatusCode::UNAUTHORIZED,
            format!("The sign-in provider did not sign you in ({why}). {again}"),
        )));
    }
    let cookie = req.cookie(STATE_COOKIE).map(|c| c.value().to_string());
    let (Some(st), Some(code)) = (q.state, q.code) else {
        return Ok(Err((
            StatusCode::BAD_REQUEST,
            format!("This sign-in link is incomplete. {again}"),
        )));
    };
    if cookie.as_deref() != Some(st.as_str()) {
        return Ok(Err((
            StatusCode::BAD_REQUEST,
            format!("This sign-in was not started in this browser, or it took too long. {again}"),
        )));
    }
    let Some((pending, next)) = state.db.run(move |c| sso::take_pending(c, &st)).await? else {
        return Ok(Err((
            StatusCode::BAD_REQUEST,
            format!("This sign-in has expired or was already used. {again}"),
        )));
    };
    let settings = provider.settings();
    let mut wanted = vec![
        settings.username_claim.as_str(),
        settings.email_claim.as_str(),
        settings.name_claim.as_str(),
    ];
    // Groups decide admin rights: when only userinfo has them, it must be asked, or every
    // administrator would lose their rights at sign-in.
    if settings.admin_group.is_some() {
        wanted.push(settings.groups_claim.as_str());
    }
    let signed_in = match provider.get().await?.finish(&code, pending, &wanted).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "a single sign-on did not verify");
            return Ok(Err((
                StatusCode::UNAUTHORIZED,
                format!(
                    "fika could not verify this sign-in with the provider. {again} If it keeps \
                     happening, an administrator will find the reason in fika's log."
                ),
            )));
        }
    };
    let account = match sso::Account::from_claims(&signed_in.claims, settings) {
        Ok(a) => a,
        Err(e) => return Ok(Err((StatusCode::UNAUTHORIZED, format!("{e}. {again}")))),
    };
    let issuer = settings.issuer.clone();
    let keep_admin = match &state.settings.password_sign_in {
        crate::config::PasswordSignIn::Only(who) => who.clone(),
        crate::config::PasswordSignIn::Everyone => None,
    };
    let user_agent = crate::auth::user_agent(req);
    let id_token = signed_in.id_token;
    state
        .db
        .run(move |c| {
            let person = match sso::person_for(c, &issuer, &account, keep_admin.as_deref())? {
                Ok(p) => p,
                Err(refusal) => return Ok(Err((StatusCode::FORBIDDEN, refusal))),
            };
            let secret = repo::create_session(c, person.id, &user_agent, Some(&id_token))?;
            Ok(Ok((secret, next)))
        })
        .await
}
