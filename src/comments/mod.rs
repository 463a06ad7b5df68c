//! Comments on pages, lessons, post-mortems, experiments and closed retros (issue 25): a
//! question on a lesson, a thought on a post-mortem. Markdown, sanitized; editable by the
//! author for 15 minutes, deletable by the author, hidden (and kept) by administrators;
//! seen by exactly those who see the record, in search too (each record's projection reads
//! its comments). Which records take comments and who sees them is each feature's to say,
//! through `flow::Commentables`.

pub mod flow;
pub mod model;
pub mod repo;
pub mod routes;
pub mod views;
