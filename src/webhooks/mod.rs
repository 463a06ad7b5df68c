//! Outgoing webhooks (issue 25): news told to a chat channel (Slack, Mattermost) or to the
//! org's own tools, set up by admins for the whole org and by a unit's leads for their unit.
//!
//! The dispatcher (`notify::dispatch`), in the transaction that claims an event from the
//! outbox, writes one delivery per webhook that wants it (`repo::enqueue`): the event was
//! written with its change, the delivery with the claim, so a committed change is delivered
//! at least once. `send` posts deliveries from every `fika serve`, each claimed by one
//! instance, retried with backoff, logged with the receiver's last answer; `payload` makes
//! the bodies and signs them; `routes` are the pages that set webhooks up and show the log.

pub mod flow;
pub mod model;
pub mod payload;
pub mod repo;
pub mod routes;
pub mod send;
pub mod views;
