//! People: who works here — the person, their username, email and profile, and the queries
//! on them. Below sign-in (`auth`) and the org's units, which both refer to people.

pub mod model;
pub mod names;
pub mod repo;
