//! Template structs of the wiki pages.

use askama::Template;

use super::model::{Page, Revision};
use super::repo::PageSummary;
use crate::markdown::SafeHtml;
use crate::org::views::UnitRef;
use crate::site::forms::FieldErrors;
use crate::site::views::Shell;

#[derive(Template)]
#[template(path = "pages/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub pages: Vec<PageSummary>,
    pub tags: Vec<(String, i64)>,
    pub tag: String,
    pub unit: Option<UnitRef>,
    pub all_units: Vec<UnitRef>,
}

impl ListPage {
    pub fn unit_key(u: &UnitRef) -> String {
        u.key()
    }

    pub fn is_chosen(&self, u: &UnitRef) -> bool {
        self.unit.as_ref().is_some_and(|c| c.id == u.id)
    }
}

#[derive(Template)]
#[template(path = "pages/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub page: Page,
    pub html: SafeHtml,
    pub tags: Vec<String>,
    pub units: Vec<UnitRef>,
    pub backlinks: Vec<PageSummary>,
    /// Showing an old revision: its number.
    pub old_revision: Option<Revision>,
    pub can_undelete: bool,
    /// The viewer is its creator, a member of one of its units, or an admin.
    pub can_delete: bool,
    pub related: Vec<crate::search::aside::RelatedView>,
    /// The save that led here merged someone else's edit in.
    pub merged: Option<crate::revisions::views::Merged>,
    pub watch: Option<crate::notify::flow::WatchButton>,
    /// The comments (not under an old revision or a deleted page).
    pub thread: Option<crate::comments::flow::Thread>,
}

/// The edit form; also the conflict page and the no-JS preview.
#[derive(Template)]
#[template(path = "pages/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    /// None when creating.
    pub editing: Option<Page>,
    pub title: String,
    pub slug: String,
    pub body: String,
    pub summary: String,
    pub tags: String,
    /// Attached units, as "kind/slug", and every unit to choose from.
    pub units: Vec<String>,
    pub all_units: Vec<UnitRef>,
    pub base_revision: i32,
    pub preview: Option<SafeHtml>,
    pub errors: FieldErrors,
    /// Someone else's conflicting save: their text, and the merge with markers.
    pub conflict: Option<(Page, String)>,
}

impl EditPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    pub fn attached(&self, unit: &UnitRef) -> bool {
        let key = format!("{}/{}", unit.kind.to_lowercase(), unit.slug);
        self.units.contains(&key)
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some(p) => format!("{}/edit", p.url()),
            None => "/pages/new".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/history.html")]
pub struct HistoryPage {
    pub shell: Shell,
    pub page: Page,
    pub revisions: Vec<(Revision, Option<String>)>,
}
