//! The page every revisioned document shows to compare two of its revisions.

use askama::Template;

use super::merge::DiffLine;
use crate::site::views::Shell;

/// Two revisions of a page or a lesson, line by line.
#[derive(Template)]
#[template(path = "revisions/diff.html")]
pub struct DiffPage {
    pub shell: Shell,
    /// What the revisions belong to: its title, its address, and where it is listed.
    pub title: String,
    pub url: String,
    pub section: (&'static str, &'static str),
    pub from: (i32, String),
    pub to: (i32, String),
    pub lines: Vec<Option<DiffLine>>,
}
