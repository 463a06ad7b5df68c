//! Who is asking and what they may do: passwords, sessions, API tokens, CSRF, sign-in
//! throttling and permissions.

pub mod cli;
pub mod middleware;
pub mod password;
pub mod repo;
pub mod routes;
pub mod sso;
pub mod token;
mod views;

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload};

use crate::error::{AppError, AppResult};
use crate::people::model::Person;

/// Only a local path may follow sign-in: `//evil.example`, `/\evil`, `https://…` and the like
/// become `/`, so fika's login page cannot be used to send people elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The browser a session is opened from, as its `User-Agent` says (shown with the session).
pub fn user_agent(req: &HttpRequest) -> String {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The layout's view of the viewer: the shell sits below auth and knows only this trait.
impl crate::site::views::ShellViewer for Viewer {
    fn shell_user(&self) -> Option<crate::site::views::ShellUser> {
        self.person().map(|p| crate::site::views::ShellUser {
            username: p.username.clone(),
            display_name: p.display_name.clone(),
            is_admin: p.is_admin,
            unread: self.0.unread,
        })
    }

    fn csrf(&self) -> &str {
        Viewer::csrf(self)
    }

    fn may_browse(&self) -> bool {
        Viewer::may_browse(self)
    }
}

/// How the current request proved who it is.
#[derive(Debug, Clone)]
pub enum AuthVia {
    Anonymous,
    /// The session cookie; holds the session secret, from which the CSRF token derives.
    Session(String),
    Bearer,
}

/// The person behind the current request, put into the request by the auth middleware and
/// taken out by handlers as an extractor.
#[derive(Debug, Clone)]
pub struct Viewer(Rc<ViewerInner>);

#[derive(Debug)]
pub struct ViewerInner {
    pub person: Option<Person>,
    pub via: AuthVia,
    pub csrf: Option<String>,
    /// Anonymous visitors may read (`--public-read`).
    pub public_read: bool,
    /// An administrator whose API token lacks the admin scope: treated as not an
    /// administrator for this request, and told why where admin rights are needed.
    pub admin_withheld: bool,
    /// Unread notifications (a session's page views show them in the header).
    pub unread: i64,
}

impl Viewer {
    pub fn new(person: Option<Person>, via: AuthVia, public_read: bool) -> Self {
        let csrf = match &via {
            AuthVia::Session(secret) => Some(token::csrf_for_session(secret)),
            _ => None,
        };
        Viewer(Rc::new(ViewerInner {
            person,
            via,
            csrf,
            public_read,
            admin_withheld: false,
            unread: 0,
        }))
    }

    /// A request made with an API token of this scope: below `admin`, the person's
    /// administrator rights are withheld for the request, everywhere they are checked.
    pub fn with_token(mut person: Person, scope: token::Scope, public_read: bool) -> Self {
        let admin_withheld = person.is_admin && scope < token::Scope::Admin;
        if admin_withheld {
            person.is_admin = false;
        }
        let mut viewer = Viewer::new(Some(person), AuthVia::Bearer, public_read);
        if let Some(inner) = Rc::get_mut(&mut viewer.0) {
            inner.admin_withheld = admin_withheld;
        }
        viewer
    }

    /// A session's viewer, with the unread count its header shows.
    pub fn with_unread(mut self, unread: i64) -> Self {
        if let Some(inner) = Rc::get_mut(&mut self.0) {
            inner.unread = unread;
        }
        self
    }

    pub fn anonymous() -> Self {
        Viewer::new(None, AuthVia::Anonymous, false)
    }

    /// Whether this viewer may browse the site's sections (signed in, or public read).
    pub fn may_browse(&self) -> bool {
        self.0.person.is_some() || self.0.public_read
    }

    pub fn person(&self) -> Option<&Person> {
        self.0.person.as_ref()
    }

    pub fn via(&self) -> &AuthVia {
        &self.0.via
    }

    /// The CSRF token forms of this session must carry.
    pub fn csrf(&self) -> &str {
        self.0.csrf.as_deref().unwrap_or("")
    }

    pub fn require_user(&self) -> AppResult<&Person> {
        self.person().ok_or(AppError::Unauthorized)
    }

    pub fn require_admin(&self) -> AppResult<&Person> {
        let person = self.require_user()?;
        if person.is_admin {
            Ok(person)
        } else if self.0.admin_withheld {
            Err(AppError::forbidden(
                "This API token does not have the admin scope. Make a token with the admin \
                 scope for administration.",
            ))
        } else {
            Err(AppError::forbidden("Only administrators may do this."))
        }
    }

    pub fn is_admin(&self) -> bool {
        self.person().is_some_and(|p| p.is_admin)
    }

    /// Reads the viewer the middleware stored; anonymous when it did not run.
    pub fn of(req: &HttpRequest) -> Viewer {
        req.extensions()
            .get::<Viewer>()
            .cloned()
            .unwrap_or_else(Viewer::anonymous)
    }
}

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Viewer::of(req)))
    }
}
