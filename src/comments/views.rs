//! The comment form shown on its own: to edit a comment, or to write one again after a
//! mistake (with the text as typed).

use askama::Template;

use crate::site::views::Shell;

#[derive(Template)]
#[template(path = "comments/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    /// What the comment is on, and its page.
    pub title: String,
    pub back: String,
    /// Where the form posts.
    pub action: String,
    /// A new comment's record (`lesson:12`); empty for an edit.
    pub on: String,
    pub body: String,
    pub error: Option<String>,
}
