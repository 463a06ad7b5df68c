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
    pub form: NewUserForm,
    pub error: Option<String>,
    pub notice: Option<String>,
}
