//! Blameless post-mortems: the record of an incident and what the organization learned from
//! it, a blameless-language check while writing, review before publishing, action items
//! tracked until done, insights, Markdown export and an Atom feed.

pub mod api;
pub mod blameless;
pub mod export;
pub mod flow;
pub mod forms;
pub mod indexed;
pub mod insights;
pub mod model;
pub mod repo;
pub mod routes;
pub mod views;

/// The admin's extension of the blameless rules, in the data directory.
pub const RULES_FILE: &str = "blameless-rules.yaml";
