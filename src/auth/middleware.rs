//! The auth middleware: finds the person behind a request (session cookie or bearer token),
//! enforces CSRF on every state-changing request made with a session, and sends anonymous
//! visitors to sign-in unless the page is public.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};

use super::token::Scope;
use super::{AuthVia, Viewer, repo};
use crate::config::Settings;
use crate::error::AppError;
use crate::request::UploadRoutes;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "fika_session";

/// The session cookie as sign-in sets it and the middleware renews it; an empty value with
/// a zero age removes it.
pub fn session_cookie(
    state: &AppState,
    value: String,
    max_age: actix_web::cookie::time::Duration,
) -> actix_web::cookie::Cookie<'static> {
    auth_cookie(state, (SESSION_COOKIE, "/"), value, max_age)
}

/// A cookie of sign-in, `(name, path)`: HttpOnly, SameSite=Lax (the provider's redirect back
/// from single sign-on is a top-level GET from another site, and must carry it), Secure as
/// the settings say.
pub fn auth_cookie(
    state: &AppState,
    (name, path): (&'static str, &'static str),
    value: String,
    max_age: actix_web::cookie::time::Duration,
) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::build(name, value)
        .path(path)
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Lax)
        .secure(state.settings.cookie_secure)
        .max_age(max_age)
        .finish()
}
/// The form field and header that carry the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Paths anyone may open without signing in.
fn is_public_path(path: &str) -> bool {
    path == "/login"
        || path.starts_with("/auth/oidc/")
        // The API's description is documentation, for anyone about to ask for a token.
        || path == "/api"
        || path == "/api/v1/openapi.json"
        // A mail's unsubscribe link works without signing in: it is signed itself.
        || path.starts_with("/unsubscribe/")
        || needs_no_identity(path)
}

/// Paths that do not depend on who asks: they skip the session lookup entirely, so health
/// checks and stylesheets never wait for (or fail with) the database. (`/metrics` checks its
/// own token, which is not a person's.)
fn needs_no_identity(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/metrics" | "/favicon.ico" | "/robots.txt"
    ) || path.starts_with("/static/")
}

fn is_safe_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn authenticate(
    mut req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if needs_no_identity(req.path()) && is_safe_method(req.method()) {
        return next.call(req).await;
    }
    // SCIM is the identity provider's, with a bearer token of its own that its handlers
    // check: no person, no session, no cookie (so no CSRF to guard against).
    if req.path().starts_with("/scim/") {
        return next.call(req).await;
    }
    match admit(&mut req).await {
        Ok(Admit::Pass(viewer, renew)) => {
            req.extensions_mut().insert(viewer);
            let mut res = next.call(req).await?;
            if let Some(cookie) = renew {
                // The server extended the session; the browser's cookie must live as long.
                res.response_mut().add_cookie(&cookie)?;
            }
            Ok(res)
        }
        Ok(Admit::Answer(res)) => Ok(req.into_response(res)),
        Err(e) => Ok(req.error_response(e)),
    }
}

enum Admit {
    /// Go on to the handler as this viewer, renewing the session cookie when given.
    Pass(Viewer, Option<actix_web::cookie::Cookie<'static>>),
    Answer(HttpResponse),
}

async fn admit(req: &mut ServiceRequest) -> Result<Admit, AppError> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(AppError::internal("app state missing"));
    };

    let bearer = crate::request::bearer_token(req.headers())
        .map(str::to_string)
        .or_else(|| feed_token(req));
    let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());

    let public_read = state.settings.public_read;
    let mut renew = None;
    let viewer = if let Some(secret) = bearer {
        token_viewer(&state, secret, req.method(), public_read).await?
    } else if let Some(secret) = cookie.filter(|s| !s.is_empty() && s.len() <= 128) {
        let lookup = secret.clone();
        match state
            .db
            .run(move |c| repo::person_for_session(c, &lookup))
            .await?
        {
            Some(live) => {
                if live.extended {
                    renew = Some(session_cookie(
                        &state,
                        secret.clone(),
                        actix_web::cookie::time::Duration::days(repo::SESSION_DAYS),
                    ));
                }
                Viewer::new(Some(live.person), AuthVia::Session(secret), public_read)
                    .with_unread(live.unread)
            }
            // An expired or revoked cookie is just a visitor; the login page replaces it.
            None => Viewer::new(None, AuthVia::Anonymous, public_read),
        }
    } else {
        Viewer::new(None, AuthVia::Anonymous, public_read)
    };

    if !is_safe_method(req.method()) {
        check_same_origin(req, &state.settings)?;
        if let AuthVia::Session(_) = viewer.via() {
            let upload = state.part::<UploadRoutes>()?.limit(req.path()).is_some();
            check_csrf(req, viewer.csrf(), upload).await?;
        }
    }

    let path = req.path().to_string();
    if viewer.person().is_none() && !is_public_path(&path) {
        let may_read = public_read && is_safe_method(req.method());
        if !may_read {
            // Scripts and feed readers are told 401; a redirect to a sign-in page they
            // cannot use would only carry the address (and its token) along.
            if path.starts_with("/api/") || is_feed(&path) || !is_safe_method(req.method()) {
                return Err(AppError::Unauthorized);
            }
            let target = match req.query_string() {
                "" => path,
                q => format!("{path}?{q}"),
            };
            return Ok(Admit::Answer(login_redirect(&target)));
        }
    }
    Ok(Admit::Pass(viewer, renew))
}

/// `303 See Other` to the login page, remembering where the visitor wanted to go.
pub fn login_redirect(target: &str) -> HttpResponse {
    let next: String = url_encode(target);
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/login?next={next}")))
        .finish()
}

pub fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// Browsers send `Origin` on every cross-site POST. A request whose origin is another site is
/// refused even without a session — that stops login CSRF, which the token cannot.
fn check_same_origin(req: &ServiceRequest, settings: &Settings) -> Result<(), AppError> {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return Ok(());
    };
    if origin == "null" || !crate::request::same_origin(origin, req.request(), settings) {
        if settings.public_url.is_none() {
            // The usual cause is a reverse proxy that rewrites Host: say so to the operator.
            tracing::warn!(
                origin,
                site = %crate::request::site_origin(req.request(), settings),
                "refused a form sent from another origin; if fika is behind a reverse proxy, \
                 set --public-url to the address people use"
            );
        }
        return Err(AppError::forbidden(
            "This request came from another site, so fika refused it. \
             Go back to fika, reload the page and try again.",
        ));
    }
    Ok(())
}

/// The token comes in the `X-CSRF-Token` header (scripts, JavaScript) or in the `csrf_token`
/// field of a URL-encoded form (the body is read here and put back for the handler, within
/// the same 1 MiB limit the handler would apply). Multipart uploads to the upload routes are
/// streamed to their handler, which checks the `csrf_token` field with [`verify_form_token`].
async fn check_csrf(
    req: &mut ServiceRequest,
    expected: &str,
    upload_route: bool,
) -> Result<(), AppError> {
    let from_header = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let token = match from_header {
        Some(t) => Some(t),
        None if is_urlencoded(req) => {
            let body = req.extract::<web::Bytes>().await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest("The request body could not be read.".into())
                }
            })?;
            let token = form_field(&body, CSRF_FIELD);
            req.set_payload(actix_web::dev::Payload::from(body));
            token
        }
        // Upload forms stream their body to the handler, which checks the form's token
        // itself (`verify_form_token`); nowhere else is a multipart body accepted.
        None if upload_route && is_multipart(req) => return Ok(()),
        None => None,
    };
    match token {
        Some(t) if !expected.is_empty() && super::token::same(&t, expected) => Ok(()),
        _ => Err(AppError::forbidden(
            "This form has expired or did not come from a fika page (the security token is \
             missing or wrong). Go back, reload the page and send it again.",
        )),
    }
}

/// Whether `path` is an Atom feed: `/feeds/…`, or a feed published elsewhere (`….atom`).
pub fn is_feed(path: &str) -> bool {
    path.starts_with("/feeds/") || path.ends_with(".atom")
}

/// Feed readers cannot send headers: on a feed (and only there, GET only) a personal token
/// may come as `?token=…`.
/// The viewer behind an API token, within the token's scope.
async fn token_viewer(
    state: &AppState,
    secret: String,
    method: &Method,
    public_read: bool,
) -> Result<Viewer, AppError> {
    let found = state
        .db
        .run(move |c| repo::person_for_api_token(c, &secret))
        .await?;
    match found {
        repo::TokenLookup::Valid(person, scope) => {
            if scope < Scope::Write && !is_safe_method(method) {
                return Err(AppError::forbidden(
                    "This API token has the read scope: it can read but not change anything. \
                     Make a token with the write scope for this.",
                ));
            }
            Ok(Viewer::with_token(person, scope, public_read))
        }
        // A script with a bad token must hear so, not be treated as a visitor.
        repo::TokenLookup::Expired => Err(AppError::TokenExpired),
        repo::TokenLookup::Unknown => Err(AppError::Unauthorized),
    }
}

fn feed_token(req: &ServiceRequest) -> Option<String> {
    if !is_feed(req.path()) || !is_safe_method(req.method()) {
        return None;
    }
    web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()?
        .into_inner()
        .into_iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v)
}

/// The CSRF check of an upload handler: a session's form must carry the session's token.
pub fn verify_form_token(viewer: &Viewer, sent: Option<&str>) -> Result<(), AppError> {
    match viewer.via() {
        AuthVia::Session(_) => match sent {
            Some(t) if super::token::same(t, viewer.csrf()) => Ok(()),
            _ => Err(AppError::forbidden(
                "This form has expired or did not come from a fika page (the security token is \
                 missing or wrong). Go back, reload the page and send it again.",
            )),
        },
        _ => Ok(()),
    }
}

fn is_urlencoded(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn is_multipart(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_form_fields_and_encodes_targets() {
        assert_eq!(
            form_field(b"a=1&csrf_token=abc%20d", CSRF_FIELD).as_deref(),
            Some("abc d")
        );
        assert_eq!(form_field(b"a=1", CSRF_FIELD), None);
        assert_eq!(url_encode("/a b?x=1&y"), "%2Fa+b%3Fx%3D1%26y");
    }
}
