//! Wiki pages: Markdown with wikilinks, full history, three-way merged concurrent edits,
//! attachments to org units, tags, and images stored in the database.

pub mod api;
pub mod changes;
pub mod flow;
pub mod indexed;
pub mod model;
pub mod render;
pub mod repo;
pub mod routes;
pub mod views;
