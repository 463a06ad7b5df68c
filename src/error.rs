//! The one error type of fika. Every handler returns `Result<_, AppError>`; the error becomes
//! a status code plus an [`ErrorInfo`] that the error-page middleware (`app::render_errors`)
//! turns into an HTML page or a JSON body. Internal detail is logged, never shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// The JSON of every API error (what `app::render_errors` writes), for the API description.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorJson {
    /// What went wrong, in words a person can act on.
    pub error: String,
    /// The kind of error, for scripts: `not_found`, `invalid`, `forbidden`, `unauthorized`,
    /// `token_expired`, `conflict`, `bad_request`, `method_not_allowed`, `too_many_requests`,
    /// `payload_too_large`, `unavailable`, `internal`.
    pub code: String,
    /// For a body whose fields could not be taken: each field's path and what is wrong.
    #[schema(required = false)]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
    /// The request's id (also in the `X-Request-Id` header), to quote when asking for help.
    #[schema(required = false)]
    pub request_id: Option<String>,
}

/// What a person (or a script) is told about a failed request.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Field path → what is wrong with it, for a body that could not be taken.
    pub fields: Option<std::collections::BTreeMap<String, String>>,
    pub status: StatusCode,
    /// What kind of error, for scripts: the same situation has the same code (and status)
    /// on every route (`not_found`, `invalid`, `forbidden`…).
    pub code: &'static str,
    pub title: &'static str,
    pub message: String,
    /// The request's id (`X-Request-Id`), for the person to quote: set by the middleware
    /// that gives an error its final form.
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("sign-in required")]
    Unauthorized,
    #[error("API token expired")]
    TokenExpired,
    #[error("{0}")]
    Validation(String),
    /// A JSON body whose fields are missing or of the wrong kind: field path → problem.
    #[error("invalid fields: {0:?}")]
    InvalidFields(std::collections::BTreeMap<String, String>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many attempts: {0}")]
    TooManyRequests(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("connection pool error: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

/// What a broken unique constraint means to a person. Features check before they write, so
/// this is mostly reached when two people do the same thing at the same moment. PostgreSQL
/// names the constraint; SQLite names the columns in its message.
fn unique_message(constraint: Option<&str>, message: &str) -> &'static str {
    const KNOWN: &[(&str, &str, &str)] = &[
        (
            "units_one_trio_per_tribe",
            "units.tribe_id",
            "This tribe already has a trio.",
        ),
        (
            "people_username_key",
            "people.username",
            "That username is taken; choose another.",
        ),
        (
            "pages_slug_key",
            "pages.slug",
            "There is already a page at that address; choose another slug.",
        ),
        (
            "units_kind_slug_key",
            "units.kind, units.slug",
            "There is already a unit of that kind at that address; choose another slug.",
        ),
        (
            "page_revisions_page_id_number_key",
            "page_revisions.page_id, page_revisions.number",
            "Someone saved this page at the same moment; reload it and apply your change again.",
        ),
        (
            "lesson_revisions_lesson_id_number_key",
            "lesson_revisions.lesson_id, lesson_revisions.number",
            "Someone saved this lesson at the same moment; reload it and apply your change again.",
        ),
    ];
    KNOWN
        .iter()
        .find(|(name, columns, _)| {
            constraint == Some(*name) || (constraint.is_none() && message.ends_with(columns))
        })
        .map_or("Something with that name already exists.", |(_, _, m)| m)
}

/// The fields of a body that could not be taken, in one sentence ("title: is required").
fn fields_message(fields: &std::collections::BTreeMap<String, String>) -> String {
    let each: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
    each.join("; ")
}

impl AppError {
    /// What an extractor's failure to read a request (a form, a query, a body) is: too
    /// large, or a bad request saying what could not be read.
    pub fn unreadable(e: &dyn ResponseError) -> Self {
        if e.status_code() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(format!("The request could not be read: {e}"))
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }

    pub fn forbidden(msg: impl Into<String>) -> Self {
        AppError::Forbidden(msg.into())
    }

    pub fn validation(msg: impl Into<String>) -> Self {
        AppError::Validation(msg.into())
    }

    /// Diesel's errors are sorted here once, so that every feature gets the same answers:
    /// a missing row is a 404 and a broken unique constraint a 409 a person can read.
    fn classify(&self) -> (StatusCode, &'static str, &'static str, String) {
        use diesel::result::{DatabaseErrorKind, Error as DE};
        match self {
            AppError::NotFound | AppError::Database(DE::NotFound) => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Not found",
                "There is nothing at this address. It may have been moved or deleted.".into(),
            ),
            AppError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Not allowed here",
                "This address does not take this kind of request (HTTP method).".into(),
            ),
            AppError::Forbidden(m) => {
                (StatusCode::FORBIDDEN, "forbidden", "Not allowed", m.clone())
            }
            AppError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign-in required",
                "Please sign in to see this.".into(),
            ),
            AppError::TokenExpired => (
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "Token expired",
                "This API token has expired. Make a new one on your account page.".into(),
            ),
            AppError::Validation(m) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Please check your input",
                m.clone(),
            ),
            AppError::InvalidFields(f) => AppError::Validation(fields_message(f)).classify(),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", "Conflict", m.clone()),
            AppError::Database(DE::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => (
                StatusCode::CONFLICT,
                "conflict",
                "Conflict",
                unique_message(info.constraint_name(), info.message()).into(),
            ),
            AppError::BadRequest(m) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                "Bad request",
                m.clone(),
            ),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "Too large",
                "The request was larger than fika accepts (1 MiB; uploads up to 20 MiB).".into(),
            ),
            AppError::TooManyRequests(m) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "Too many attempts",
                m.clone(),
            ),
            AppError::Unavailable(_) | AppError::Pool(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Unavailable",
                "fika cannot reach its database right now. Please try again shortly.".into(),
            ),
            AppError::Database(_) | AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong",
                "fika hit an unexpected problem. It has been logged; please try again.".into(),
            ),
        }
    }

    pub fn info(&self) -> ErrorInfo {
        let (status, code, title, message) = self.classify();
        let fields = match self {
            AppError::InvalidFields(fields) => Some(fields.clone()),
            _ => None,
        };
        ErrorInfo {
            fields,
            status,
            code,
            title,
            message,
            request_id: None,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.classify().0
    }

    fn error_response(&self) -> HttpResponse {
        let info = self.info();
        if info.status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        error_response(info)
    }
}

/// The error as plain text, carrying `info` so that `app::render_errors` gives it its final
/// form for the request (the page with the signed-in person's navigation, or JSON for the
/// API). Every response passes that middleware, so the text is only a fallback; building the
/// page here would make the bottom layer depend on the shell above it.
pub fn error_response(info: ErrorInfo) -> HttpResponse {
    let mut res = HttpResponse::build(info.status)
        .content_type("text/plain; charset=utf-8")
        .body(info.message.clone());
    res.extensions_mut().insert(info);
    res
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        // The closure panicked or the pool shut down; the panic itself was logged by the hook.
        AppError::Internal(format!("blocking task failed: {e}"))
    }
}
