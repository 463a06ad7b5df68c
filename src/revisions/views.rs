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

/// `?merged={base}` on a document's page: the save that led there merged someone else's edit
/// into the viewer's. Read by the show routes of pages and lessons.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MergedQuery {
    #[serde(default)]
    merged: Option<String>,
}

impl MergedQuery {
    /// The notice for a document now at revision `saved`, at `url`.
    pub fn notice(&self, saved: i32, url: &str) -> Option<Merged> {
        Merged::of(
            self.merged.as_deref().and_then(|m| m.parse().ok()),
            saved,
            url,
        )
    }
}

/// Where a save sends the editor: the document, with `?merged={base}` when someone else's
/// edit since `base` was merged in (the page then says so).
pub fn after_save(url: &str, merged: bool, base: i32) -> String {
    if merged {
        format!("{url}?merged={base}")
    } else {
        url.to_string()
    }
}

/// After a save that merged someone else's edit in (`?merged={base}` on the document's
/// page): which revisions came in between, and the two diffs worth reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The revision the editor started from.
    pub base: i32,
    /// The revision the merged edit was saved as.
    pub saved: i32,
    url: String,
}

impl Merged {
    /// From the `merged` parameter and the document's current revision; None when it names
    /// no revision before the others' (a stale or hand-made link).
    pub fn of(base: Option<i32>, saved: i32, url: &str) -> Option<Merged> {
        let base = base.filter(|b| *b >= 1 && b + 1 < saved)?;
        Some(Merged {
            base,
            saved,
            url: url.to_string(),
        })
    }

    /// The others' revisions, in words: "3", "3–5".
    pub fn others(&self) -> String {
        match (self.base + 1, self.saved - 1) {
            (a, b) if a == b => a.to_string(),
            (a, b) => format!("{a}–{b}"),
        }
    }

    pub fn many(&self) -> bool {
        self.saved - self.base > 2
    }

    /// What the others changed while the editor was writing.
    pub fn theirs(&self) -> String {
        format!("{}/diff?from={}&to={}", self.url, self.base, self.saved - 1)
    }

    /// The editor's change, as merged into theirs.
    pub fn mine(&self) -> String {
        format!(
            "{}/diff?from={}&to={}",
            self.url,
            self.saved - 1,
            self.saved
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Merged;

    #[test]
    fn a_merge_names_the_revisions_in_between() {
        let m = Merged::of(Some(2), 4, "/pages/plan").unwrap();
        assert_eq!(m.others(), "3");
        assert!(!m.many());
        assert_eq!(m.theirs(), "/pages/plan/diff?from=2&to=3");
        assert_eq!(m.mine(), "/pages/plan/diff?from=3&to=4");
        assert_eq!(Merged::of(Some(1), 5, "/x").unwrap().others(), "2–4");
        assert_eq!(Merged::of(Some(3), 4, "/x"), None, "nothing in between");
        assert_eq!(Merged::of(None, 4, "/x"), None);
        assert_eq!(Merged::of(Some(0), 4, "/x"), None);
    }
}
