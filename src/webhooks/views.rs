//! Templates of the webhook pages.

use askama::Template;
use chrono::NaiveDateTime;

use super::model::{Delivery, Format, HookForm, OFFERED, State};
use crate::db::events::EventKind;
use crate::site::forms::FieldErrors;
use crate::site::views::Shell;

/// One webhook in the list.
pub struct HookLine {
    pub id: i64,
    pub name: String,
    pub scope: String,
    /// Where it posts, its secret path cut.
    pub target: String,
    pub format: Format,
    pub events: Vec<&'static str>,
    pub active: bool,
    /// Its newest delivery: where it stands and when it was made.
    pub last: Option<(State, NaiveDateTime)>,
}

#[derive(Template)]
#[template(path = "webhooks/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub hooks: Vec<HookLine>,
    /// fika has no public URL, so webhooks are off.
    pub off: bool,
}

#[derive(Template)]
#[template(path = "webhooks/form.html")]
pub struct FormPage {
    pub shell: Shell,
    /// The webhook edited (id, name); none for a new one.
    pub editing: Option<(i64, String)>,
    pub form: HookForm,
    pub errors: FieldErrors,
    /// The scope field's choices (value, label).
    pub scopes: Vec<(String, String)>,
}

impl FormPage {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    pub fn formats(&self) -> &'static [Format] {
        Format::ALL
    }

    pub fn offered(&self) -> &'static [EventKind] {
        OFFERED
    }
}

/// One delivery of the log.
pub struct LogLine {
    pub d: Delivery,
    pub state: State,
}

#[derive(Template)]
#[template(path = "webhooks/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub url: String,
    pub format: Format,
    pub events: Vec<&'static str>,
    pub active: bool,
    pub secret: String,
    pub log: Vec<LogLine>,
    /// What was just done, said once after the redirect.
    pub notice: Option<&'static str>,
    pub replay_window_minutes: i64,
    pub off: bool,
}
