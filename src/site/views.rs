//! The layout context every page template receives, the HTML response helper and the error
//! page.

use actix_web::HttpResponse;
use actix_web::http::header;
use askama::Template;

use crate::error::{AppResult, ErrorInfo};

/// The signed-in person as the layout shows them.
pub struct ShellUser {
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    /// Unread notifications, up to the cap the count stops at.
    pub unread: i64,
}

impl ShellUser {
    /// The header's count: "3", or "99+" at the cap.
    pub fn unread_label(&self) -> String {
        if self.unread >= 100 {
            "99+".into()
        } else {
            self.unread.to_string()
        }
    }
}

/// Who is looking, as far as the layout cares. The auth layer's `Viewer` is the one
/// implementation; the shell sits below it and names no type of its.
pub trait ShellViewer {
    /// The signed-in person, if any.
    fn shell_user(&self) -> Option<ShellUser>;
    /// The CSRF token the sign-out form carries ("" for a visitor).
    fn csrf(&self) -> &str;
    /// Whether the sections and search are shown (signed in, or `--public-read`).
    fn may_browse(&self) -> bool;
}

/// What `base.html` needs: who is signed in, the CSRF token for the sign-out form, which
/// section to mark as current, and the stylesheet URL.
pub struct Shell {
    pub user: Option<ShellUser>,
    /// Show the sections and search (signed in, or `--public-read`).
    pub browse: bool,
    pub csrf: String,
    pub section: &'static str,
    pub css: &'static str,
    pub js: &'static str,
    pub favicon: &'static str,
}

impl Shell {
    pub fn new(viewer: &impl ShellViewer, section: &'static str) -> Self {
        Shell {
            user: viewer.shell_user(),
            csrf: viewer.csrf().to_string(),
            browse: viewer.may_browse(),
            section,
            css: super::assets::url("fika.css"),
            js: super::assets::url("fika.js"),
            favicon: super::assets::url("favicon.svg"),
        }
    }

    /// `aria-current` for a navigation link.
    pub fn current(&self, section: &str) -> &'static str {
        if self.section == section {
            "page"
        } else {
            "false"
        }
    }
}

/// 303 to `location`: where a form post sends the browser next.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// 301 to `location`: where an old address (a renamed page or unit) lives now.
pub fn moved_permanently(location: &str) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Renders a template into a 200 HTML response.
pub fn html(t: &impl Template) -> AppResult<HttpResponse> {
    html_with_status(t, actix_web::http::StatusCode::OK)
}

pub fn html_with_status(
    t: &impl Template,
    status: actix_web::http::StatusCode,
) -> AppResult<HttpResponse> {
    let body = t.render().map_err(crate::error::AppError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

#[derive(Template)]
#[template(path = "site/error.html")]
struct ErrorPage<'a> {
    shell: Shell,
    info: &'a ErrorInfo,
}

/// The error page, for `app::render_errors`, which has chosen HTML for this request.
pub fn render_error(viewer: &impl ShellViewer, info: &ErrorInfo) -> HttpResponse {
    let page = ErrorPage {
        shell: Shell::new(viewer, ""),
        info,
    };
    let mut builder = HttpResponse::build(info.status);
    // Set here too: a panic's error page is made after the header middleware has run.
    for (name, value) in SECURITY_HEADERS {
        builder.insert_header((name.clone(), *value));
    }
    match page.render() {
        Ok(body) => builder.content_type("text/html; charset=utf-8").body(body),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            HttpResponse::build(info.status)
                .content_type("text/plain; charset=utf-8")
                .body(info.message.clone())
        }
    }
}

/// `path` with the non-empty filters and, after the first, the page: the link to another page
/// of a filtered list.
pub fn page_url(path: &str, filters: &[(&str, &String)], page: usize) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters {
        if !v.trim().is_empty() {
            q.append_pair(k, v.trim());
        }
    }
    if page > 1 {
        q.append_pair("page", &page.to_string());
    }
    match q.finish() {
        qs if qs.is_empty() => path.to_string(),
        qs => format!("{path}?{qs}"),
    }
}

/// Marks a private page (a career record, its feed) as never to be kept by a shared cache,
/// in so many words: `private` on top of the `no-store` every response carries.
pub fn no_store(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("private, no-store"),
    );
    res
}

/// Sent with every response. HTML is `no-store`: pages hold personal data (and, once, a new
/// API token) that must not stay in a shared or back/forward cache; static files set their
/// own long cache lifetime.
pub const SECURITY_HEADERS: &[(actix_web::http::header::HeaderName, &str)] = &[
    (actix_web::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (actix_web::http::header::X_FRAME_OPTIONS, "DENY"),
    (actix_web::http::header::REFERRER_POLICY, "same-origin"),
    (
        actix_web::http::header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (actix_web::http::header::CACHE_CONTROL, "no-store"),
];

/// The API's answer to a form with field errors: 422 and the errors by field name, the same
/// shape for every feature.
pub fn invalid(errors: impl serde::Serialize) -> actix_web::HttpResponse {
    actix_web::HttpResponse::UnprocessableEntity().json(serde_json::json!({
        "error": "Please check the fields listed in \"fields\"; nothing was saved.",
        "code": "invalid",
        "fields": errors,
    }))
}
