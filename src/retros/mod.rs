//! Retrospectives, run by agile coaches: formats and phases, cards hidden until the reveal,
//! groups and dot votes, the review of earlier action items, live boards, the Markdown export
//! and the API.

pub mod api;
pub mod export;
pub mod flow;
pub mod indexed;
pub mod model;
pub mod presence;
pub mod repo;
pub mod routes;
pub mod views;
