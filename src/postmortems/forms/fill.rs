//! Filling the form: blank for a new post-mortem, from the posted fields, from a stored
//! post-mortem, and with blank rows to add to each list.

use super::super::model::PostmortemInput;
use super::times::show_in;
use super::{ActionRow, Form, LessonRow, MAX_ROWS, TimelineRow, Zone};
use crate::action_items::model as action;
use crate::ids::{PersonId, UnitId};
use crate::org::cache::OrgView;
use crate::site::forms::Pairs;

impl Form {
    /// A new post-mortem: the writer's squad, the writer as author. The start is left for
    /// the writer to type: a default of "now" put timeline times on the wrong day.
    pub fn blank(squad: &str, me: &str) -> Form {
        Form {
            severity: "SEV3".into(),
            squads: if squad.is_empty() {
                vec![]
            } else {
                vec![squad.to_string()]
            },
            authors: me.to_string(),
            // No zone chosen yet: UTC, or the browser's offset where JavaScript runs.
            ..Form::default()
        }
    }

    pub fn from_pairs(p: &Pairs) -> Form {
        let get = |k: &str| p.get(k).to_string();
        let row = |prefix: &str, i: usize| get(&format!("{prefix}_{i}"));
        Form {
            title: get("title"),
            severity: get("severity"),
            squads: p.all("squads"),
            authors: get("authors"),
            facilitator: get("facilitator"),
            started_at: get("started_at"),
            detected_at: get("detected_at"),
            mitigated_at: get("mitigated_at"),
            resolved_at: get("resolved_at"),
            zone: get("zone"),
            summary: get("summary"),
            impact: get("impact"),
            timeline: (0..rows(p, "timeline_text"))
                .map(|i| TimelineRow {
                    at: row("timeline_at", i),
                    text: row("timeline_text", i),
                })
                .collect(),
            factors: (0..rows(p, "factor")).map(|i| row("factor", i)).collect(),
            detection: get("detection"),
            went_well: get("went_well"),
            went_wrong: get("went_wrong"),
            lucky: get("lucky"),
            lessons: (0..rows(p, "lesson_title"))
                .map(|i| LessonRow {
                    title: row("lesson_title", i),
                    body: row("lesson_body", i),
                })
                .collect(),
            actions: (0..rows(p, "action_title"))
                .map(|i| ActionRow {
                    id: row("action_id", i),
                    title: row("action_title", i),
                    kind: row("action_kind", i),
                    squad: row("action_squad", i),
                    person: row("action_person", i),
                    due: row("action_due", i),
                    status: row("action_status", i),
                    reason: row("action_reason", i),
                    tracker: row("action_tracker", i),
                })
                .collect(),
        }
    }

    /// The form of a saved post-mortem.
    pub fn of(i: &PostmortemInput, org: &OrgView) -> Form {
        let slug = |id: UnitId| {
            org.snap
                .unit(id)
                .map(|u| u.slug.clone())
                .unwrap_or_default()
        };
        let user = |id: PersonId| {
            org.snap
                .person(id)
                .map(|p| p.username.clone())
                .unwrap_or_default()
        };
        Form {
            title: i.title.clone(),
            severity: i.severity.key(),
            squads: i.squads.iter().map(|s| slug(*s)).collect(),
            authors: i
                .authors
                .iter()
                .map(|a| user(*a))
                .collect::<Vec<_>>()
                .join(", "),
            facilitator: i.facilitator.map(user).unwrap_or_default(),
            started_at: show_in(i.times.started, Zone::UTC),
            detected_at: show_in(i.times.detected, Zone::UTC),
            mitigated_at: show_in(i.times.mitigated, Zone::UTC),
            resolved_at: show_in(i.times.resolved, Zone::UTC),
            zone: Zone::UTC.key(),
            summary: i.summary.clone(),
            impact: i.impact.clone(),
            timeline: i
                .timeline
                .iter()
                .map(|e| TimelineRow {
                    at: show_in(Some(e.at), Zone::UTC),
                    text: e.text.clone(),
                })
                .collect(),
            factors: i.factors.clone(),
            detection: i.detection.clone(),
            went_well: i.went_well.clone(),
            went_wrong: i.went_wrong.clone(),
            lucky: i.lucky.clone(),
            lessons: i
                .lessons
                .iter()
                .map(|l| LessonRow {
                    title: l.title.clone(),
                    body: l.body.clone(),
                })
                .collect(),
            actions: i
                .actions
                .iter()
                .map(|a| ActionRow {
                    id: a.id.map(|i| i.to_string()).unwrap_or_default(),
                    title: a.title.clone(),
                    kind: a.kind.key().into(),
                    squad: slug(a.squad_id),
                    person: a.person_id.map(user).unwrap_or_default(),
                    due: a.due_on.map(|d| d.to_string()).unwrap_or_default(),
                    status: a.status.key().into(),
                    reason: a.reason.clone(),
                    tracker: a.tracker.clone(),
                })
                .collect(),
        }
    }

    /// The form with blank rows to add to each list (pages without JavaScript add rows this
    /// way).
    pub fn with_blank_rows(mut self) -> Form {
        let pad = |n: usize, min: usize, extra: usize| (n + extra).max(min) - n;
        for _ in 0..pad(self.timeline.len(), 4, 2) {
            self.timeline.push(TimelineRow::default());
        }
        for _ in 0..pad(self.factors.len(), 3, 1) {
            self.factors.push(String::new());
        }
        for _ in 0..pad(self.lessons.len(), 2, 1) {
            self.lessons.push(LessonRow::default());
        }
        let squad = self.squads.first().cloned().unwrap_or_default();
        for _ in 0..pad(self.actions.len(), 2, 1) {
            self.actions.push(ActionRow {
                squad: squad.clone(),
                kind: action::Kind::Prevent.key().into(),
                status: action::Status::Open.key().into(),
                ..ActionRow::default()
            });
        }
        self
    }
}

fn rows(p: &Pairs, prefix: &str) -> usize {
    (0..MAX_ROWS)
        .take_while(|i| p.0.iter().any(|(k, _)| k == &format!("{prefix}_{i}")))
        .count()
}
