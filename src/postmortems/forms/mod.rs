//! The post-mortem form as typed: every field kept as written, so a form with a mistake comes
//! back exactly as sent with each message next to its field. Parsing turns it into a
//! [`PostmortemInput`](crate::postmortems::model::PostmortemInput); the JSON API fills the same form and goes through the same parsing.
//!
//! Lists (timeline, contributing factors, lessons, action items) are numbered rows
//! (`timeline_at_0`, `factor_2`, `action_title_1`); entirely blank rows are dropped, which is
//! also how a row is removed.
//!
//! Here: the form's rows and fields. Filling a form (blank, posted, or from a stored
//! post-mortem) is in `fill`, parsing it section by section in `parse`, and the date-time
//! fields in `times`.

mod fill;
mod parse;
mod times;

pub use times::{Zone, parse_datetime, show_datetime};

use super::model::{Text, Wording};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineRow {
    pub at: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LessonRow {
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionRow {
    /// The stored item's id, empty for a new one.
    pub id: String,
    pub title: String,
    pub kind: String,
    /// Owner squad slug.
    pub squad: String,
    /// Owner username, optional.
    pub person: String,
    pub due: String,
    pub status: String,
    pub reason: String,
    pub tracker: String,
}

impl ActionRow {
    fn is_blank(&self) -> bool {
        self.id.is_empty()
            && [
                &self.title,
                &self.person,
                &self.due,
                &self.reason,
                &self.tracker,
            ]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    pub severity: String,
    /// Involved squads' slugs.
    pub squads: Vec<String>,
    /// Usernames, separated by commas or spaces.
    pub authors: String,
    pub facilitator: String,
    pub started_at: String,
    pub detected_at: String,
    pub mitigated_at: String,
    pub resolved_at: String,
    /// The UTC offset the times are written in: `UTC`, `+02:00`.
    pub zone: String,
    pub summary: String,
    pub impact: String,
    pub timeline: Vec<TimelineRow>,
    pub factors: Vec<String>,
    pub detection: String,
    pub went_well: String,
    pub went_wrong: String,
    pub lucky: String,
    pub lessons: Vec<LessonRow>,
    pub actions: Vec<ActionRow>,
}

/// Rows of each list a form may hold.
pub const MAX_ROWS: usize = 200;

impl Form {
    /// The texts as typed, whatever else in the form does not read yet (no squad chosen, a
    /// time that does not parse): what "Check the wording" checks, so the check never answers
    /// "no findings" for words it did not read.
    pub fn texts(&self) -> Vec<Text<'_>> {
        Wording {
            title: &self.title,
            summary: &self.summary,
            impact: &self.impact,
            timeline: self
                .timeline
                .iter()
                .map(|r| (r.at.trim().to_string(), r.text.as_str()))
                .collect(),
            factors: self.factors.iter().map(String::as_str).collect(),
            detection: &self.detection,
            went_well: &self.went_well,
            went_wrong: &self.went_wrong,
            lucky: &self.lucky,
            lessons: self
                .lessons
                .iter()
                .map(|l| (l.title.as_str(), l.body.as_str()))
                .collect(),
            actions: self.actions.iter().map(|a| a.title.as_str()).collect(),
        }
        .texts()
    }
}
