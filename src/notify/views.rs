//! Templates of the inbox and the notification settings.

use askama::Template;
use chrono::NaiveDateTime;

use super::model::NotificationKind;
use crate::site::views::Shell;

/// One line of the inbox.
pub struct Line {
    pub id: i64,
    pub what: &'static str,
    pub title: String,
    pub url: String,
    pub summary: String,
    pub actor: Option<String>,
    pub reason: String,
    pub read: bool,
    pub when: NaiveDateTime,
}

#[derive(Template)]
#[template(path = "notify/inbox.html")]
pub struct InboxPage {
    pub shell: Shell,
    pub lines: Vec<Line>,
    pub unread_only: bool,
    /// The address of the next (older) page, if there is one.
    pub older: Option<String>,
}

/// One kind on the settings page, with the person's choices.
pub struct KindRow {
    pub kind: NotificationKind,
    pub inbox: bool,
    pub mail: bool,
}

#[derive(Template)]
#[template(path = "notify/settings.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub kinds: Vec<KindRow>,
    pub saved: bool,
    /// Whether the person has an e-mail address (mail goes nowhere without one).
    pub has_email: bool,
    /// Whether this fika sends mail at all.
    pub mail_on: bool,
}

#[derive(Template)]
#[template(path = "notify/unsubscribe.html")]
pub struct UnsubscribePage {
    pub shell: Shell,
    pub kind: NotificationKind,
    /// Where the confirming button posts.
    pub action: String,
    /// The mail is stopped.
    pub done: bool,
}
