//! Action items across the organization: what post-mortems (and, later, retrospectives)
//! committed to, by squad and tribe, overdue ones first.

pub mod api;
pub mod flow;
pub mod model;
pub mod repo;
pub mod routes;
