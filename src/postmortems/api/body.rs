//! What a script sends: a post-mortem as JSON, read into the same form the pages fill, so
//! both go through the same parsing.

use chrono::NaiveDate;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::super::forms::{ActionRow, Form, LessonRow, TimelineRow, Zone};
use super::super::model::LessonDraft;

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TimelineJson {
    pub(super) at: String,
    pub(super) text: String,
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = PostmortemAction)]
#[serde(deny_unknown_fields)]
pub(super) struct ActionJson {
    #[serde(default)]
    pub(super) id: Option<i64>,
    pub(super) title: String,
    #[serde(rename = "type")]
    pub(super) kind: String,
    /// Owner squad slug (the first squad involved when left out).
    #[serde(default)]
    pub(super) squad: String,
    #[serde(default)]
    pub(super) person: Option<String>,
    #[serde(default)]
    pub(super) due: Option<String>,
    #[serde(default = "open")]
    pub(super) status: String,
    #[serde(default)]
    pub(super) reason: String,
    #[serde(default)]
    pub(super) tracker: String,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) overdue: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) closed_on: Option<NaiveDate>,
}

fn open() -> String {
    "open".into()
}

/// What a script sends. The fields `GET` adds may be sent back and are ignored, so a script
/// can change what it read and `PUT` it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PostmortemBody {
    title: String,
    severity: String,
    squads: Vec<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    facilitator: Option<String>,
    started_at: String,
    #[serde(default)]
    detected_at: Option<String>,
    #[serde(default)]
    mitigated_at: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    timeline: Vec<TimelineJson>,
    #[serde(default)]
    contributing_factors: Vec<String>,
    #[serde(default)]
    detection: String,
    #[serde(default)]
    went_well: String,
    #[serde(default)]
    went_wrong: String,
    #[serde(default)]
    lucky: String,
    /// Lessons to publish with it.
    #[serde(default)]
    lessons: Vec<LessonDraft>,
    #[serde(default)]
    action_items: Vec<ActionJson>,
    /// `draft` or `review`: where to move it after saving.
    #[serde(default)]
    status: Option<String>,
    // Read-only fields of the response.
    #[serde(default, rename = "id")]
    #[schema(value_type = Option<Object>)]
    _id: Option<IgnoredAny>,
    #[serde(default, rename = "url")]
    #[schema(value_type = Option<Object>)]
    _url: Option<IgnoredAny>,
    #[serde(default, rename = "durations")]
    #[schema(value_type = Option<Object>)]
    _durations: Option<IgnoredAny>,
    #[serde(default, rename = "published_lessons")]
    #[schema(value_type = Option<Object>)]
    _published_lessons: Option<IgnoredAny>,
    #[serde(default, rename = "findings")]
    #[schema(value_type = Option<Object>)]
    _findings: Option<IgnoredAny>,
    #[serde(default, rename = "reviews")]
    #[schema(value_type = Option<Object>)]
    _reviews: Option<IgnoredAny>,
    #[serde(default, rename = "published_at")]
    #[schema(value_type = Option<Object>)]
    _published_at: Option<IgnoredAny>,
    #[serde(default, rename = "created_at")]
    #[schema(value_type = Option<Object>)]
    _created_at: Option<IgnoredAny>,
    #[serde(default, rename = "updated_at")]
    #[schema(value_type = Option<Object>)]
    _updated_at: Option<IgnoredAny>,
}

impl PostmortemBody {
    pub(super) fn form(self) -> (Form, Option<String>) {
        let opt = |s: Option<String>| s.unwrap_or_default();
        (
            Form {
                title: self.title,
                severity: self.severity,
                squads: self.squads,
                authors: self.authors.join(","),
                facilitator: opt(self.facilitator),
                started_at: self.started_at,
                detected_at: opt(self.detected_at),
                mitigated_at: opt(self.mitigated_at),
                resolved_at: opt(self.resolved_at),
                // API times are UTC unless a value names its zone (`Z`, `+02:00`).
                zone: Zone::UTC.key(),
                summary: self.summary,
                impact: self.impact,
                timeline: self
                    .timeline
                    .into_iter()
                    .map(|t| TimelineRow {
                        at: t.at,
                        text: t.text,
                    })
                    .collect(),
                factors: self.contributing_factors,
                detection: self.detection,
                went_well: self.went_well,
                went_wrong: self.went_wrong,
                lucky: self.lucky,
                lessons: self
                    .lessons
                    .into_iter()
                    .map(|l| LessonRow {
                        title: l.title,
                        body: l.body,
                    })
                    .collect(),
                actions: self
                    .action_items
                    .into_iter()
                    .map(|a| ActionRow {
                        id: a.id.map(|i| i.to_string()).unwrap_or_default(),
                        title: a.title,
                        kind: a.kind,
                        squad: a.squad,
                        person: opt(a.person),
                        due: opt(a.due),
                        status: a.status,
                        reason: a.reason,
                        tracker: a.tracker,
                    })
                    .collect(),
            },
            self.status,
        )
    }
}
