//! Knowledge that reaches people (issue 25): events from the outbox (`db::events`) become
//! notifications in an inbox, for the people who watch what they are about — a team, a
//! record, a tag, a person's lessons — or are named in them.
//!
//! `dispatch` runs in every `fika serve` and claims events so each is told once; `flow` has
//! the watch button the feature pages show; `routes` the inbox, the watch form and the
//! settings.

pub mod dispatch;
pub mod flow;
pub mod model;
pub mod repo;
pub mod routes;
pub mod views;
