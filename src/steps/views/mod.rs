//! The career-step pages' template structs and the small formatting they need: the
//! framework, catalogue, distribution, reviews and chapter pages here, a person's own pages
//! (the record, a proposal, a peer's feedback) in `person`.

use std::collections::HashMap;

use askama::Template;
use chrono::NaiveDate;

use super::flow::Person;
use super::framework::Framework;
use super::model::{Behavior, Step};
use super::proposal_repo::Proposal;
use super::repo::Entry;
use crate::site::views::Shell;

mod person;

pub use person::{FeedbackPage, PersonPage, ProposalPage, RecordView, Sent, deciders_text};

/// `/steps`: the framework, and what waits for the viewer.
#[derive(Template)]
#[template(path = "steps/framework.html")]
pub struct FrameworkPage {
    pub shell: Shell,
    pub fw: Framework,
    pub disciplines: Vec<Entry>,
    pub roles: Vec<Entry>,
    /// Open proposals the viewer decides: (whose, proposal).
    pub awaiting: Vec<(Person, Proposal)>,
    /// Feedback asked of the viewer: (feedback id, about whom, asked by, answered).
    pub asked: Vec<(i64, String, String, bool)>,
    /// Chapters the viewer leads: (name, url).
    pub chapters: Vec<(String, String)>,
}

impl FrameworkPage {
    pub fn steps(&self) -> &'static [Step] {
        Step::ALL
    }
    pub fn behaviors(&self) -> &'static [Behavior] {
        Behavior::ALL
    }
}

/// `/steps/edit`: every text of the framework in one form.
#[derive(Template)]
#[template(path = "steps/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
}

impl EditPage {
    pub fn steps(&self) -> &'static [Step] {
        Step::ALL
    }
    pub fn behaviors(&self) -> &'static [Behavior] {
        Behavior::ALL
    }
    pub fn value(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or("")
    }
    pub fn error(&self, key: &str) -> Option<&str> {
        self.errors.get(key).map(String::as_str)
    }
}

/// `/steps/catalogue`: disciplines and roles.
#[derive(Template)]
#[template(path = "steps/catalogue.html")]
pub struct CataloguePage {
    pub shell: Shell,
    pub entries: Vec<Entry>,
    pub error: Option<String>,
}

/// One tribe's row of the distribution: counts only.
pub struct DistRow {
    pub name: String,
    pub counts: [usize; 4],
    pub unset: usize,
}

impl DistRow {
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }
    /// The share of people with a step at step `i`, in whole percent.
    pub fn share(&self, i: usize) -> usize {
        (self.counts[i] * 100)
            .checked_div(self.total())
            .unwrap_or(0)
    }
}

/// `/steps/distribution`.
#[derive(Template)]
#[template(path = "steps/distribution.html")]
pub struct DistributionPage {
    pub shell: Shell,
    pub rows: Vec<DistRow>,
    pub company: DistRow,
    pub intended: [u32; 4],
}

/// One bar of the distribution.
pub struct DistCell {
    pub label: &'static str,
    pub count: usize,
    pub share: usize,
    pub intended: u32,
}

impl DistributionPage {
    /// Every tribe's row, then the company's.
    pub fn all_rows(&self) -> Vec<&DistRow> {
        self.rows
            .iter()
            .chain(std::iter::once(&self.company))
            .collect()
    }

    pub fn cells(&self, row: &DistRow) -> Vec<DistCell> {
        Step::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| DistCell {
                label: s.label(),
                count: row.counts[i],
                share: row.share(i),
                intended: self.intended[i],
            })
            .collect()
    }
}

/// A person whose six-month review is due: for chapter leads and admins.
pub struct DueRow {
    pub username: String,
    pub display_name: String,
    pub started_on: NaiveDate,
    pub due: NaiveDate,
    pub overdue: bool,
}

/// `/steps/reviews`.
#[derive(Template)]
#[template(path = "steps/reviews.html")]
pub struct ReviewsPage {
    pub shell: Shell,
    pub rows: Vec<DueRow>,
}

/// One person on a chapter's overview.
pub struct MemberRow {
    pub username: String,
    pub display_name: String,
    pub step: Option<Step>,
    pub since: Option<NaiveDate>,
    pub public: bool,
    pub due: Option<DueRow>,
    pub own_done: bool,
    pub lead_done: bool,
    pub open: Option<Step>,
}

/// `/chapters/{slug}/steps`.
#[derive(Template)]
#[template(path = "steps/chapter.html")]
pub struct ChapterPage {
    pub shell: Shell,
    pub name: String,
    pub url: String,
    pub members: Vec<MemberRow>,
    pub counts: [usize; 4],
    pub unset: usize,
}

impl ChapterPage {
    pub fn steps(&self) -> &'static [Step] {
        Step::ALL
    }
}
