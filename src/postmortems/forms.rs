//! The post-mortem form as typed: every field kept as written, so a form with a mistake comes
//! back exactly as sent with each message next to its field. Parsing turns it into a
//! [`PostmortemInput`]; the JSON API fills the same form and goes through the same parsing.
//!
//! Lists (timeline, contributing factors, lessons, action items) are numbered rows
//! (`timeline_at_0`, `factor_2`, `action_title_1`); entirely blank rows are dropped, which is
//! also how a row is removed.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::model::{LessonDraft, PostmortemInput, Severity, TimelineEntry, Times};
use crate::action_items::model::{self as action, ActionInput};
use crate::org::cache::OrgView;
use crate::site::forms::{FieldErrors, Pairs, optional_date};

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

fn rows(p: &Pairs, prefix: &str) -> usize {
    (0..MAX_ROWS)
        .take_while(|i| p.0.iter().any(|(k, _)| k == &format!("{prefix}_{i}")))
        .count()
}

/// `2026-03-29T14:05` (what a browser's datetime-local sends), with a space, or with seconds.
pub fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    let s = raw.trim().trim_end_matches('Z');
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    // A year fika keeps (1900–9999, four digits): chrono also reads "-2026-11-01".
    .filter(|_| {
        s.get(..4)
            .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
    })
    .filter(crate::dates::plausible_time)
}

/// How a date-time field shows a stored value (what datetime-local inputs accept).
pub fn show_datetime(t: Option<NaiveDateTime>) -> String {
    t.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A timeline time: a full date-time, or `HH:MM` on the day of the start (the next day when
/// earlier than the start: incidents run past midnight).
fn timeline_time(raw: &str, start: Option<NaiveDateTime>) -> Result<NaiveDateTime, String> {
    if let Some(t) = parse_datetime(raw) {
        return Ok(t);
    }
    let time = NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| {
        format!(
            "{:?} is not a time (HH:MM, or YYYY-MM-DD HH:MM).",
            raw.trim()
        )
    })?;
    let start = start.ok_or("Give the incident's start first, or write the date too.")?;
    let at = start.date().and_time(time);
    Ok(if at < start - Duration::hours(1) {
        at + Duration::days(1)
    } else {
        at
    })
}

impl Form {
    /// A new post-mortem: the writer's squad, the writer as author, today's date.
    pub fn blank(squad: &str, me: &str, now: NaiveDateTime) -> Form {
        Form {
            severity: "SEV3".into(),
            squads: if squad.is_empty() {
                vec![]
            } else {
                vec![squad.to_string()]
            },
            authors: me.to_string(),
            started_at: show_datetime(Some(now)),
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
        let slug = |id: i64| {
            org.snap
                .unit(id)
                .map(|u| u.slug.clone())
                .unwrap_or_default()
        };
        let user = |id: i64| {
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
            started_at: show_datetime(i.times.started),
            detected_at: show_datetime(i.times.detected),
            mitigated_at: show_datetime(i.times.mitigated),
            resolved_at: show_datetime(i.times.resolved),
            summary: i.summary.clone(),
            impact: i.impact.clone(),
            timeline: i
                .timeline
                .iter()
                .map(|e| TimelineRow {
                    at: show_datetime(Some(e.at)),
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

    /// Checks everything; `me` is the writer's id (the author when none is named). Each
    /// section is read by its own parser, which adds its fields' messages to `e`.
    pub fn parse(&self, org: &OrgView, me: i64) -> Result<PostmortemInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let (title, severity, squads) = self.head(org, &mut e);
        let (authors, facilitator) = self.people(org, me, &mut e);
        let times = self.times(&mut e);
        let timeline = self.timeline(times.started, &mut e);
        let factors: Vec<String> = self
            .factors
            .iter()
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect();
        let lessons = self.lessons(&mut e);
        let actions = self.actions(org, &squads, &mut e);
        self.check_lengths(&mut e);
        match severity {
            Some(severity) if e.is_empty() => Ok(PostmortemInput {
                title,
                severity,
                squads,
                authors,
                facilitator,
                times,
                summary: self.summary.trim().replace("\r\n", "\n"),
                impact: self.impact.trim().replace("\r\n", "\n"),
                timeline,
                factors,
                detection: self.detection.trim().replace("\r\n", "\n"),
                went_well: self.went_well.trim().replace("\r\n", "\n"),
                went_wrong: self.went_wrong.trim().replace("\r\n", "\n"),
                lucky: self.lucky.trim().replace("\r\n", "\n"),
                lessons,
                actions,
            }),
            _ => Err(e),
        }
    }

    /// The title, the severity and the squads involved.
    fn head(&self, org: &OrgView, e: &mut FieldErrors) -> (String, Option<Severity>, Vec<i64>) {
        let title = self.title.trim();
        if title.is_empty() {
            e.add(
                "title",
                "Name the incident in a line, e.g. \"Playback failed for Android users\".",
            );
        } else if title.chars().count() > 200 {
            e.add("title", "A title has at most 200 characters.");
        }
        let severity = Severity::parse(&self.severity);
        if severity.is_none() {
            e.add("severity", "Choose a severity, SEV1 (worst) to SEV4.");
        }
        let mut squads = Vec::new();
        for s in self.squads.iter().filter(|s| !s.trim().is_empty()) {
            match org.squad_id(s.trim()) {
                Some(id) if !squads.contains(&id) => squads.push(id),
                Some(_) => {}
                None => e.add("squads", format!("There is no squad {:?}.", s.trim())),
            }
        }
        if squads.is_empty() && !e.contains_key("squads") {
            e.add(
                "squads",
                "Choose the squads involved: they and the authors see the draft.",
            );
        }
        (title.to_string(), severity, squads)
    }

    /// The authors (the writer when none is named) and the facilitator.
    fn people(&self, org: &OrgView, me: i64, e: &mut FieldErrors) -> (Vec<i64>, Option<i64>) {
        let mut authors = Vec::new();
        for u in self
            .authors
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|u| !u.is_empty())
        {
            match person_id(org, u) {
                Ok(id) if !authors.contains(&id) => authors.push(id),
                Ok(_) => {}
                Err(m) => e.add("authors", m),
            }
        }
        if authors.is_empty() && !e.contains_key("authors") {
            authors.push(me);
        }
        let facilitator = match self.facilitator.trim() {
            "" => None,
            u => person_id(org, u).map_err(|m| e.add("facilitator", m)).ok(),
        };
        (authors, facilitator)
    }

    /// When it started, was detected, mitigated and resolved, in that order.
    fn times(&self, e: &mut FieldErrors) -> Times {
        let mut time = |field: &str, raw: &str| -> Option<NaiveDateTime> {
            if raw.trim().is_empty() {
                return None;
            }
            let t = parse_datetime(raw);
            if t.is_none() {
                e.add(
                    field,
                    format!(
                        "{:?} is not a date and time (YYYY-MM-DD HH:MM, UTC).",
                        raw.trim()
                    ),
                );
            }
            t
        };
        let times = Times {
            started: time("started_at", &self.started_at),
            detected: time("detected_at", &self.detected_at),
            mitigated: time("mitigated_at", &self.mitigated_at),
            resolved: time("resolved_at", &self.resolved_at),
        };
        if self.started_at.trim().is_empty() {
            e.add(
                "started_at",
                "When did the incident start (UTC)? A guess is fine; say so in the timeline.",
            );
        }
        if let Err((field, m)) = times.check() {
            e.add(field, m);
        }
        times
    }

    /// The timeline, in time order whatever order it was typed in.
    fn timeline(&self, started: Option<NaiveDateTime>, e: &mut FieldErrors) -> Vec<TimelineEntry> {
        let mut timeline = Vec::new();
        for (i, r) in self.timeline.iter().enumerate() {
            if r.at.trim().is_empty() && r.text.trim().is_empty() {
                continue;
            }
            if r.text.trim().is_empty() {
                e.add(format!("timeline_text_{i}"), "Say what happened then.");
            }
            match timeline_time(&r.at, started) {
                Ok(at) => timeline.push(TimelineEntry {
                    at,
                    text: r.text.trim().to_string(),
                }),
                Err(m) => e.add(format!("timeline_at_{i}"), m),
            }
        }
        // The timeline reads in time order whatever order it was typed in; equal times keep
        // theirs.
        timeline.sort_by_key(|t| t.at);
        timeline
    }

    /// The lessons to file when it is published.
    fn lessons(&self, e: &mut FieldErrors) -> Vec<LessonDraft> {
        let mut lessons = Vec::new();
        for (i, l) in self.lessons.iter().enumerate() {
            if l.title.trim().is_empty() && l.body.trim().is_empty() {
                continue;
            }
            match crate::lessons::model::parse_title(&l.title)
                .and_then(|t| crate::lessons::model::parse_body(&l.body).map(|b| (t, b)))
            {
                Ok((title, body)) => lessons.push(LessonDraft { title, body }),
                Err(m) => e.add(format!("lesson_title_{i}"), m),
            }
        }
        lessons
    }

    /// The action items; one without a squad belongs to the first squad involved.
    fn actions(&self, org: &OrgView, squads: &[i64], e: &mut FieldErrors) -> Vec<ActionInput> {
        let mut actions = Vec::new();
        for (i, a) in self.actions.iter().enumerate() {
            if a.is_blank() {
                continue;
            }
            let k = |part: &str| format!("action_{part}_{i}");
            let kind = action::Kind::parse(&a.kind);
            if kind.is_none() {
                e.add(k("kind"), "Choose mitigate, prevent, detect or process.");
            }
            let status = action::Status::parse(&a.status);
            if status.is_none() {
                e.add(k("status"), "Choose open, done or won't do.");
            }
            if let Err(errors) = action::check(
                &a.title,
                status.unwrap_or(action::Status::Open),
                &a.reason,
                &a.tracker,
            ) {
                for (part, m) in errors {
                    e.add(k(part), m);
                }
            }
            let squad = match org.squad_id(a.squad.trim()) {
                Some(s) => Some(s),
                None if a.squad.trim().is_empty() => squads.first().copied(),
                None => {
                    e.add(
                        k("squad"),
                        format!("There is no squad {:?}.", a.squad.trim()),
                    );
                    None
                }
            };
            if squad.is_none() && !e.contains_key(&k("squad")) {
                e.add(k("squad"), "Choose the squad that owns it.");
            }
            let person_id = match a.person.trim() {
                "" => None,
                u => person_id(org, u).map_err(|m| e.add(k("person"), m)).ok(),
            };
            let due_on: Option<NaiveDate> = optional_date(&a.due).unwrap_or_else(|m| {
                e.add(k("due"), m);
                None
            });
            let id = match a.id.trim() {
                "" => None,
                s => s.parse().ok(),
            };
            if let (Some(kind), Some(status), Some(squad_id)) = (kind, status, squad) {
                actions.push(ActionInput {
                    id,
                    title: a.title.trim().to_string(),
                    kind,
                    squad_id,
                    person_id,
                    due_on,
                    status,
                    reason: a.reason.trim().to_string(),
                    tracker: a.tracker.trim().to_string(),
                });
            }
        }
        actions
    }

    /// The free texts' length limit.
    fn check_lengths(&self, e: &mut FieldErrors) {
        let long = |v: &str| v.chars().count() > 50_000;
        for (field, v) in [
            ("summary", &self.summary),
            ("impact", &self.impact),
            ("detection", &self.detection),
            ("went_well", &self.went_well),
            ("went_wrong", &self.went_wrong),
            ("lucky", &self.lucky),
        ] {
            if long(v) {
                e.add(field, "At most 50,000 characters here.");
            }
        }
    }
}

/// The id of an active person by username (a leading `@` is allowed).
fn person_id(org: &OrgView, u: &str) -> Result<i64, String> {
    let u = u.trim().trim_start_matches('@');
    org.person_by_username(u)
        .filter(|p| !p.disabled)
        .map(|p| p.id)
        .ok_or_else(|| format!("There is nobody called {u:?}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_times_follow_the_start() {
        let start = parse_datetime("2026-03-28T23:50");
        assert_eq!(
            timeline_time("23:55", start).unwrap(),
            parse_datetime("2026-03-28 23:55").unwrap()
        );
        // Past midnight: the next day.
        assert_eq!(
            timeline_time("00:10", start).unwrap(),
            parse_datetime("2026-03-29 00:10").unwrap()
        );
        assert_eq!(
            timeline_time("2026-03-30 08:00", start).unwrap(),
            parse_datetime("2026-03-30 08:00").unwrap()
        );
        assert!(timeline_time("soon", start).is_err());
        assert!(timeline_time("10:00", None).is_err());
    }

    #[test]
    fn datetimes() {
        assert!(parse_datetime("2026-03-28T23:50").is_some());
        assert!(parse_datetime("2026-03-28 23:50:10").is_some());
        assert!(parse_datetime("28/03/2026").is_none());
        assert_eq!(
            show_datetime(parse_datetime("2026-03-28 23:50")),
            "2026-03-28T23:50"
        );
    }
}
