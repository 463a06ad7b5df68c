//! Template structs of the sign-in, account and user-administration pages.

use askama::Template;

use super::repo::ApiToken;
use crate::people::model::Person;
use crate::site::views::Shell;

#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub shell: Shell,
    pub username: String,
    pub next: String,
    pub error: Option<String>,
    /// The provider's name when single sign-on is on: its button comes first.
    pub sso_label: Option<String>,
    /// The provider button's address (a link, not a form: the site's CSP allows forms to
    /// go to fika only, and the sign-in goes on to the provider).
    pub sso_start: String,
    /// Whether the password form is open to everyone (else it is folded away, for the
    /// break-glass administrator).
    pub password_open: bool,
}

impl LoginPage {
    pub fn new(
        viewer: &crate::auth::Viewer,
        settings: &crate::config::Settings,
        next: String,
    ) -> Self {
        LoginPage {
            shell: Shell::new(viewer, "login"),
            username: String::new(),
            error: None,
            sso_label: settings.sso.as_ref().map(|s| s.label.clone()),
            sso_start: format!(
                "/auth/oidc/start?next={}",
                crate::auth::middleware::url_encode(&next)
            ),
            password_open: settings.password_sign_in == crate::config::PasswordSignIn::Everyone,
            next,
        }
    }
}

#[derive(Template)]
#[template(path = "auth/account.html")]
pub struct AccountPage {
    pub shell: Shell,
    pub person: Person,
    pub tokens: Vec<ApiToken>,
    /// A token just created: shown this once.
    pub new_token: Option<String>,
    pub password_error: Option<String>,
    pub password_changed: bool,
    pub token_error: Option<String>,
    pub token_name: String,
    /// The scope and expiry chosen in the form (kept when it is shown again).
    pub token_scope: String,
    pub token_expires: String,
    /// The provider's name, for a person who has no password and signs in with it.
    pub sso_only: Option<String>,
}

/// What the add-user form held, to show it again after an error.
#[derive(Default)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub is_admin: bool,
}

#[derive(Template)]
#[template(path = "auth/users.html")]
pub struct UsersPage {
    pub shell: Shell,
    pub me: String,
    pub people: Vec<Person>,
    /// Who has a password, and who is linked to a provider account.
    pub with_password: std::collections::HashSet<crate::ids::PersonId>,
    pub with_sso: std::collections::HashSet<crate::ids::PersonId>,
    pub form: NewUserForm,
    pub error: Option<String>,
    pub notice: Option<String>,
}

/// Fika's session is over; the browser goes on to the provider's sign-out. A page, not a
/// redirect: the sign-out form may only lead to fika (CSP `form-action 'self'`), and a page's
/// refresh is not the form's.
#[derive(Template)]
#[template(path = "auth/signed_out.html")]
pub struct SignedOutPage {
    pub shell: Shell,
    pub provider_logout: String,
    pub label: String,
}

impl UsersPage {
    /// How a person signs in, for the administrator's table.
    pub fn sign_in_of(&self, p: &Person) -> &'static str {
        match (
            self.with_password.contains(&p.id),
            self.with_sso.contains(&p.id),
        ) {
            (true, true) => "password, single sign-on",
            (false, true) => "single sign-on",
            (true, false) => "password",
            (false, false) => "none yet",
        }
    }
}
