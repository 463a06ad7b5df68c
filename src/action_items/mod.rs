//! Action items across the organization: what post-mortems and retrospectives committed to,
//! by squad and tribe, overdue ones first. (The folder was `actions/`; it holds action items,
//! not the "actions" — shared page and API logic — of other features.)

pub mod api;
pub mod flow;
pub mod model;
pub mod repo;
pub mod routes;
