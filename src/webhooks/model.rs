//! A webhook, its deliveries and the rules of its form: which events it may want, what
//! address it may post to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::events::EventKind;
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::ids::UnitId;
use crate::site::forms::{FieldErrors, Pairs};

labelled_enum! {
    /// The body a webhook posts.
    Format {
        Slack = "slack", "Slack or Mattermost (incoming webhook)";
        Json = "json", "JSON, signed (for your own tools)";
    }
}

/// The events a webhook may be told of: news every signed-in person may read. Page edits,
/// mentions, comments and review requests are a person's, not a channel's.
pub const OFFERED: &[EventKind] = &[
    EventKind::LessonPublished,
    EventKind::PostmortemPublished,
    EventKind::ExperimentConcluded,
    EventKind::RetroClosed,
    EventKind::ActionOverdue,
];

/// Sends before a delivery is given up (10 s doubling to an hour apart: about three and a
/// half hours of retries).
pub const MAX_ATTEMPTS: i32 = 12;

/// The longest address and name a form takes.
const MAX_URL: usize = 2000;
const MAX_NAME: usize = 100;

/// A webhook as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct Hook {
    pub id: i64,
    pub name: String,
    /// The unit whose news it hears of; none for the whole org.
    pub unit_id: Option<UnitId>,
    pub url: String,
    pub format: String,
    pub events: String,
    pub secret: String,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Hook {
    pub fn format(&self) -> Format {
        Format::parse(&self.format).unwrap_or(Format::Json)
    }

    pub fn kinds(&self) -> Vec<EventKind> {
        self.events
            .split_whitespace()
            .filter_map(EventKind::parse)
            .collect()
    }

    pub fn wants(&self, kind: EventKind) -> bool {
        self.events.split_whitespace().any(|k| k == kind.key())
    }

    /// The address with its path cut: a Slack or Mattermost address is itself a secret, so
    /// lists show only where it goes.
    pub fn masked_url(&self) -> String {
        match url::Url::parse(&self.url) {
            Ok(u) => match u.port() {
                Some(port) => format!("{}://{}:{port}/…", u.scheme(), u.host_str().unwrap_or("?")),
                None => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or("?")),
            },
            Err(_) => "…".into(),
        }
    }
}

/// A webhook as its form says it, checked.
#[derive(Debug, Clone)]
pub struct HookInput {
    pub name: String,
    pub unit_id: Option<UnitId>,
    pub url: String,
    pub format: Format,
    pub events: Vec<EventKind>,
    pub active: bool,
}

impl HookInput {
    /// The stored form of the chosen events.
    pub fn events_key(&self) -> String {
        self.events
            .iter()
            .map(|k| k.key())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The form's fields as typed, to show again when something is wrong.
#[derive(Debug, Clone, Default)]
pub struct HookForm {
    pub name: String,
    /// `org`, or a unit's id.
    pub scope: String,
    pub url: String,
    pub format: String,
    pub events: Vec<String>,
    pub active: bool,
}

impl HookForm {
    pub fn from_pairs(p: &Pairs) -> HookForm {
        HookForm {
            name: p.get("name").trim().to_string(),
            scope: p.get("scope").trim().to_string(),
            url: p.get("url").trim().to_string(),
            format: p.get("format").trim().to_string(),
            events: p.all("events"),
            active: p.get("active") == "on",
        }
    }

    /// A new webhook's form: chat, every event, on.
    pub fn blank(scope: String) -> HookForm {
        HookForm {
            scope,
            format: Format::Slack.key().into(),
            events: OFFERED.iter().map(|k| k.key().to_string()).collect(),
            active: true,
            ..HookForm::default()
        }
    }

    pub fn of(h: &Hook) -> HookForm {
        HookForm {
            name: h.name.clone(),
            scope: h.unit_id.map_or("org".into(), |u| u.to_string()),
            url: h.url.clone(),
            format: h.format.clone(),
            events: h.kinds().iter().map(|k| k.key().to_string()).collect(),
            active: h.active,
        }
    }

    pub fn has_event(&self, kind: &EventKind) -> bool {
        self.events.iter().any(|e| e == kind.key())
    }

    /// Checks every field; the scope's permission is the caller's to check.
    pub fn parse(&self) -> Result<HookInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.name.is_empty() {
            errors.add(
                "name",
                "Give the webhook a name, such as the channel it posts to.",
            );
        } else if self.name.chars().count() > MAX_NAME {
            errors.add("name", format!("At most {MAX_NAME} characters."));
        }
        let unit_id = match self.scope.as_str() {
            "org" => None,
            s => match s.parse::<i64>() {
                Ok(id) => Some(UnitId(id)),
                Err(_) => {
                    errors.add("scope", "Choose the whole org or one of your units.");
                    None
                }
            },
        };
        if let Err(e) = check_url(&self.url) {
            errors.add("url", e);
        }
        let format = Format::parse(&self.format);
        if format.is_none() {
            errors.add("format", "Choose Slack/Mattermost or JSON.");
        }
        let events: Vec<EventKind> = OFFERED
            .iter()
            .copied()
            .filter(|k| self.has_event(k))
            .collect();
        if events.is_empty() {
            errors.add("events", "Choose at least one kind of news.");
        }
        errors.or_ok(HookInput {
            name: self.name.clone(),
            unit_id,
            url: self.url.clone(),
            format: format.unwrap_or(Format::Json),
            events,
            active: self.active,
        })
    }
}

/// An address fika may post to: http or https, a host, no user name or password (they
/// would show in the delivery log).
pub fn check_url(raw: &str) -> Result<url::Url, String> {
    if raw.is_empty() {
        return Err("Paste the address your chat tool gave for its incoming webhook.".into());
    }
    if raw.len() > MAX_URL {
        return Err(format!("At most {MAX_URL} characters."));
    }
    let url = url::Url::parse(raw).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            "Write the whole address, starting with https://.".to_string()
        }
        e => format!("This is not an address ({e})."),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("The address must start with https:// (or http://) and name a host.".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("The address must not hold a user name or password.".into());
    }
    Ok(url)
}

/// One event sent (or to be sent) to one webhook.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event_id: Option<i64>,
    /// The id the receiver sees (`Fika-Delivery`), the same on every retry.
    pub delivery_key: String,
    pub event_kind: String,
    pub title: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_response: String,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Delivered,
    /// Not tried yet.
    Waiting,
    /// Failed; will be tried again.
    Retrying,
    /// Failed [`MAX_ATTEMPTS`] times; only a re-send tries again.
    Failed,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Delivered => "Delivered",
            State::Waiting => "Waiting",
            State::Retrying => "Retrying",
            State::Failed => "Gave up",
        }
    }

    /// The CSS class of its badge.
    pub fn class(self) -> &'static str {
        match self {
            State::Delivered => "check-pass",
            State::Waiting | State::Retrying => "status",
            State::Failed => "check-fail",
        }
    }
}

impl Delivery {
    pub fn state(&self) -> State {
        match (self.delivered_at, self.attempts) {
            (Some(_), _) => State::Delivered,
            (None, 0) => State::Waiting,
            (None, n) if n >= MAX_ATTEMPTS => State::Failed,
            _ => State::Retrying,
        }
    }

    /// What the event was, as people read it.
    pub fn what(&self) -> &'static str {
        EventKind::parse(&self.event_kind).map_or("Test message", |k| k.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(fields: &[(&str, &str)]) -> Pairs {
        Pairs(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_form_names_what_is_wrong_and_keeps_what_was_typed() {
        let form = HookForm::from_pairs(&pairs(&[
            ("name", " "),
            ("scope", "org"),
            ("url", "ftp://files.example.com/x"),
            ("format", "slack"),
            ("events", "page_edited"),
        ]));
        let errors = form.parse().unwrap_err();
        assert!(errors.contains_key("name"));
        assert!(errors["url"].contains("https://"), "{errors:?}");
        // A page edit is not news a channel may hear of.
        assert!(errors.contains_key("events"));
        assert_eq!(form.url, "ftp://files.example.com/x");
    }

    #[test]
    fn a_good_form_gives_its_webhook() {
        let form = HookForm::from_pairs(&pairs(&[
            ("name", "#payments"),
            ("scope", "7"),
            ("url", "https://hooks.slack.com/services/T0/B0/secret"),
            ("format", "json"),
            ("events", "lesson_published"),
            ("events", "retro_closed"),
            ("active", "on"),
        ]));
        let input = form.parse().unwrap();
        assert_eq!(input.unit_id, Some(UnitId(7)));
        assert_eq!(input.events_key(), "lesson_published retro_closed");
        assert_eq!(input.format, Format::Json);
        assert!(check_url("https://user:pw@example.com/").is_err());
    }
}
