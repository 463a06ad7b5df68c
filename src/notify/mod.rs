//! Knowledge that reaches people (issue 25): events from the outbox (`db::events`) become
//! notifications in an inbox, for the people who watch what they are about — a team, a
//! record, a tag, a person's lessons — or are named in them.
//!
//! `dispatch` runs in every `fika serve` and claims events so each is told once, into the
//! inbox and, for those who want it, the mail outbox (`outbox`, sent by its own worker;
//! `letters` makes the messages); `flow` has the watch button the feature pages show;
//! `routes` the inbox, the watch form, the settings and the unsubscribe links.

pub mod api;
pub mod digest;
pub mod dispatch;
pub mod flow;
pub mod letters;
pub mod model;
pub mod outbox;
pub mod reminders;
pub mod repo;
pub mod routes;
pub mod views;
