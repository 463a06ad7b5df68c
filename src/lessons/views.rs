//! Template structs of the lesson pages.

use askama::Template;

use super::model::{Lesson, LessonRevision, Source};
use super::repo::LessonSummary;
use crate::markdown::SafeHtml;
use crate::org::views::UnitRef;
use crate::site::forms::FieldErrors;
use crate::site::views::Shell;

#[derive(Template)]
#[template(path = "lessons/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub lessons: Vec<LessonSummary>,
    pub tags: Vec<(String, i64)>,
    pub all_units: Vec<UnitRef>,
    pub kinds: Vec<(&'static str, &'static str)>,
    /// The filters as given.
    pub unit: String,
    pub source: String,
    pub tag: String,
    pub author: String,
    pub from: String,
    pub to: String,
    /// With a tag chosen: watching it.
    pub watch: Option<crate::notify::flow::WatchButton>,
}

impl ListPage {
    pub fn unit_key(u: &UnitRef) -> String {
        u.key()
    }

    pub fn source_label(kind: &str) -> &'static str {
        Source::KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, l)| *l)
            .unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "lessons/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub lesson: Lesson,
    pub source: Source,
    /// The source's title, when it is a page that exists.
    pub source_title: Option<String>,
    pub html: SafeHtml,
    pub author: Option<(String, String)>,
    pub tags: Vec<String>,
    pub units: Vec<UnitRef>,
    pub old_revision: Option<LessonRevision>,
    pub related: Vec<crate::search::aside::RelatedView>,
    /// The save that led here merged someone else's edit in.
    pub merged: Option<crate::revisions::views::Merged>,
    pub watch: Option<crate::notify::flow::WatchButton>,
    /// The comments (not under an old revision).
    pub thread: Option<crate::comments::flow::Thread>,
}

#[derive(Template)]
#[template(path = "lessons/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    pub editing: Option<Lesson>,
    pub title: String,
    pub body: String,
    pub source_kind: String,
    pub source_ref: String,
    pub summary: String,
    pub tags: String,
    pub units: Vec<String>,
    pub all_units: Vec<UnitRef>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub base_revision: i32,
    pub preview: Option<SafeHtml>,
    pub errors: FieldErrors,
    pub conflict: Option<(Lesson, String)>,
}

impl EditPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    pub fn attached(&self, unit: &UnitRef) -> bool {
        self.units
            .contains(&format!("{}/{}", unit.kind.to_lowercase(), unit.slug))
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some(l) => format!("{}/edit", l.url()),
            None => "/lessons/new".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "lessons/history.html")]
pub struct HistoryPage {
    pub shell: Shell,
    pub lesson: Lesson,
    pub revisions: Vec<(LessonRevision, Option<String>)>,
}
