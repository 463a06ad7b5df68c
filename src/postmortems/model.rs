//! Blameless post-mortems (DESIGN.md): what happened, what we learned, what we will change.
//! Types and rules, no I/O. There is no "root cause" field on purpose: incidents have
//! several contributing factors, and naming one cause invites naming one culprit.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::blameless::Place;
use crate::action_items::model::{ActionInput, ActionItem};
use crate::ids::{PersonId, UnitId};

/// How bad an incident was, SEV1 (worst) to SEV4; stored as its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Severity(u8);

impl Severity {
    pub const ALL: [Severity; 4] = [Severity(1), Severity(2), Severity(3), Severity(4)];

    pub fn level(self) -> i32 {
        i32::from(self.0)
    }

    pub fn from_level(level: i32) -> Option<Severity> {
        u8::try_from(level)
            .ok()
            .filter(|l| (1..=4).contains(l))
            .map(Severity)
    }

    /// "SEV2", "sev2" or "2".
    pub fn parse(s: &str) -> Option<Severity> {
        let s = s.trim();
        let digits = s
            .strip_prefix("SEV")
            .or_else(|| s.strip_prefix("sev"))
            .or_else(|| s.strip_prefix("Sev"))
            .unwrap_or(s);
        digits.parse().ok().and_then(Severity::from_level)
    }

    /// The key in URLs and JSON, e.g. `SEV2`.
    pub fn key(self) -> String {
        format!("SEV{}", self.0)
    }

    pub fn describe(self) -> &'static str {
        match self.0 {
            1 => "critical: most users or money affected",
            2 => "major: a core feature down for many",
            3 => "minor: degraded, or a few users",
            _ => "low: little visible impact, or a near miss",
        }
    }
}

labelled_enum!(
    /// Where a post-mortem is in its review. Only published ones are public.
    Status {
        Draft = "draft", "Draft";
        Review = "review", "In review";
        Published = "published", "Published";
    }
);

/// One timestamped line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: NaiveDateTime,
    pub text: String,
}

/// A lesson written into a post-mortem that becomes a Lesson record when it is published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LessonDraft {
    pub title: String,
    pub body: String,
}

/// A post-mortem as written, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostmortemInput {
    pub title: String,
    pub severity: Severity,
    pub squads: Vec<UnitId>,
    pub authors: Vec<PersonId>,
    pub facilitator: Option<PersonId>,
    pub times: Times,
    pub summary: String,
    pub impact: String,
    /// In time order.
    pub timeline: Vec<TimelineEntry>,
    pub factors: Vec<String>,
    pub detection: String,
    pub went_well: String,
    pub went_wrong: String,
    pub lucky: String,
    /// Lessons not yet made into Lesson records.
    pub lessons: Vec<LessonDraft>,
    pub actions: Vec<ActionInput>,
}

/// When the incident started, was detected, mitigated and resolved (UTC). The start is
/// required by the form; the others are filled in as the incident goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Times {
    pub started: Option<NaiveDateTime>,
    pub detected: Option<NaiveDateTime>,
    pub mitigated: Option<NaiveDateTime>,
    pub resolved: Option<NaiveDateTime>,
}

impl Times {
    /// The moments in order, each named by its form field.
    fn named(&self) -> [(&'static str, &'static str, Option<NaiveDateTime>); 4] {
        [
            ("started_at", "started", self.started),
            ("detected_at", "was detected", self.detected),
            ("mitigated_at", "was mitigated", self.mitigated),
            ("resolved_at", "was resolved", self.resolved),
        ]
    }

    /// Each moment comes after the ones before it; the field of the first out of order and
    /// why.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let named = self.named();
        for (i, (field, what, at)) in named.iter().enumerate() {
            let Some(at) = at else { continue };
            if let Some((_, before, Some(prev))) =
                named[..i].iter().rev().find(|(_, _, t)| t.is_some())
                && at < prev
            {
                return Err((
                    field,
                    format!(
                        "The incident {what} at {}, before it {before} ({}).",
                        at.format("%Y-%m-%d %H:%M"),
                        prev.format("%Y-%m-%d %H:%M")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Time to detect, to mitigate and to resolve, all counted from the start (what users
    /// lived through).
    pub fn durations(&self) -> Durations {
        let since = |t: Option<NaiveDateTime>| Some(t? - self.started?);
        Durations {
            detect: since(self.detected),
            mitigate: since(self.mitigated),
            resolve: since(self.resolved),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Durations {
    pub detect: Option<Duration>,
    pub mitigate: Option<Duration>,
    pub resolve: Option<Duration>,
}

/// "45 min", "2 h 5 min", "3 d 4 h": the two largest parts are enough to compare incidents.
pub fn format_duration(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// One piece of text the blameless check reads: which field (dismissals are kept per field
/// family, so they survive reordering), how to point a writer at it, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a> {
    pub field: &'static str,
    pub label: String,
    pub text: &'a str,
    pub place: Place,
}

impl PostmortemInput {
    /// Why it cannot go to review or be published yet: the incident is not known to be over
    /// until it was detected, mitigated and resolved. Until then it is ongoing, and a draft.
    pub fn ongoing(&self) -> Option<String> {
        let t = &self.times;
        let missing: Vec<&str> = [
            ("detected", t.detected),
            ("mitigated", t.mitigated),
            ("resolved", t.resolved),
        ]
        .into_iter()
        .filter(|(_, at)| at.is_none())
        .map(|(what, _)| what)
        .collect();
        let list = match missing.as_slice() {
            [] => return None,
            [one] => one.to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        };
        Some(format!(
            "Still ongoing: say when the incident was {list} before it goes to review. A \
             post-mortem of an incident that is not over stays a draft."
        ))
    }

    /// Nothing written under "what went wrong" and no contributing factor: a review that
    /// concludes everything went perfectly has not looked.
    pub fn found_nothing_wrong(&self) -> bool {
        self.went_wrong.trim().is_empty() && self.factors.iter().all(|f| f.trim().is_empty())
    }

    /// Every text a person wrote, in the order the page shows them.
    pub fn texts(&self) -> Vec<Text<'_>> {
        Wording {
            title: &self.title,
            summary: &self.summary,
            impact: &self.impact,
            timeline: self
                .timeline
                .iter()
                .map(|e| (e.at.format("%H:%M").to_string(), e.text.as_str()))
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

/// The texts of a post-mortem, saved or as typed in its form (where a row whose time does
/// not read is still words to check): what the blameless check reads.
pub struct Wording<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub impact: &'a str,
    /// Each entry's time as shown, and its text.
    pub timeline: Vec<(String, &'a str)>,
    pub factors: Vec<&'a str>,
    pub detection: &'a str,
    pub went_well: &'a str,
    pub went_wrong: &'a str,
    pub lucky: &'a str,
    /// Each lesson's title and body.
    pub lessons: Vec<(&'a str, &'a str)>,
    pub actions: Vec<&'a str>,
}

impl<'a> Wording<'a> {
    /// Every text that is not empty, in the order the page shows them.
    pub fn texts(self) -> Vec<Text<'a>> {
        let mut out = vec![
            one("title", "Title".into(), self.title),
            one("summary", "Summary".into(), self.summary),
            one("impact", "Impact".into(), self.impact),
        ];
        for (at, text) in self.timeline {
            out.push(one("timeline", format!("Timeline, {at}"), text));
        }
        for (i, f) in self.factors.into_iter().enumerate() {
            out.push(Text {
                place: Place::ContributingFactors,
                ..one("factors", format!("Contributing factor {}", i + 1), f)
            });
        }
        out.push(one("detection", "Detection".into(), self.detection));
        out.push(one("went_well", "What went well".into(), self.went_well));
        out.push(one("went_wrong", "What went wrong".into(), self.went_wrong));
        out.push(one("lucky", "Where we got lucky".into(), self.lucky));
        for (i, (title, body)) in self.lessons.into_iter().enumerate() {
            out.push(one("lessons", format!("Lesson {}", i + 1), title));
            out.push(one("lessons", format!("Lesson {}", i + 1), body));
        }
        for (i, a) in self.actions.into_iter().enumerate() {
            out.push(Text {
                place: Place::ActionItems,
                ..one("actions", format!("Action item {}", i + 1), a)
            });
        }
        out.retain(|t| !t.text.trim().is_empty());
        out
    }
}

/// A text anywhere but the contributing factors.
fn one<'a>(field: &'static str, label: String, text: &'a str) -> Text<'a> {
    Text {
        field,
        label,
        text,
        place: Place::Anywhere,
    }
}

/// A saved post-mortem with its action items.
#[derive(Debug, Clone)]
pub struct Postmortem {
    pub id: i64,
    pub status: Status,
    pub input: PostmortemInput,
    pub items: Vec<ActionItem>,
    /// Who created it.
    pub creator_id: Option<PersonId>,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Postmortem {
    pub fn url(&self) -> String {
        format!("/postmortems/{}", self.id)
    }

    /// Who may see it and write it: see [`super::flow::may_see`].
    pub fn people(&self) -> Involved<'_> {
        Involved {
            status: self.status,
            authors: &self.input.authors,
            facilitator: self.input.facilitator,
            squads: &self.input.squads,
        }
    }
}

/// Who is involved in a post-mortem, which decides who sees a draft.
#[derive(Debug, Clone, Copy)]
pub struct Involved<'a> {
    pub status: Status,
    pub authors: &'a [PersonId],
    pub facilitator: Option<PersonId>,
    pub squads: &'a [UnitId],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn severities() {
        assert_eq!(Severity::parse("SEV1"), Some(Severity(1)));
        assert_eq!(Severity::parse(" sev4 "), Some(Severity(4)));
        assert_eq!(Severity::parse("2"), Some(Severity(2)));
        assert_eq!(Severity::parse("SEV5"), None);
        assert_eq!(Severity::parse("SEV0"), None);
        assert_eq!(Severity::parse("high"), None);
        assert_eq!(Severity(3).key(), "SEV3");
        assert_eq!(Severity::from_level(2).map(Severity::level), Some(2));
    }

    #[test]
    fn an_incident_not_over_is_ongoing() {
        let mut i = PostmortemInput {
            title: "Payments declined".into(),
            severity: Severity::ALL[1],
            squads: vec![],
            authors: vec![],
            facilitator: None,
            times: Times {
                started: Some(at("2026-03-28 23:50")),
                ..Times::default()
            },
            summary: String::new(),
            impact: String::new(),
            timeline: vec![],
            factors: vec![],
            detection: String::new(),
            went_well: String::new(),
            went_wrong: String::new(),
            lucky: String::new(),
            lessons: vec![],
            actions: vec![],
        };
        assert_eq!(
            i.ongoing().unwrap(),
            "Still ongoing: say when the incident was detected, mitigated and resolved \
             before it goes to review. A post-mortem of an incident that is not over stays a \
             draft."
        );
        i.times.detected = Some(at("2026-03-29 00:02"));
        i.times.mitigated = Some(at("2026-03-29 00:10"));
        assert!(i.ongoing().unwrap().contains("was resolved before"));
        i.times.resolved = Some(at("2026-03-29 01:00"));
        assert_eq!(i.ongoing(), None);
        assert!(i.found_nothing_wrong());
        i.factors = vec!["The job had no canary.".into()];
        assert!(!i.found_nothing_wrong());
    }

    #[test]
    fn durations_count_from_the_start() {
        let t = Times {
            started: Some(at("2026-03-28 23:50")),
            detected: Some(at("2026-03-29 00:02")),
            mitigated: Some(at("2026-03-29 01:15")),
            resolved: Some(at("2026-03-31 02:20")),
        };
        let d = t.durations();
        assert_eq!(d.detect, Some(Duration::minutes(12)));
        assert_eq!(d.mitigate, Some(Duration::minutes(85)));
        assert_eq!(d.resolve, Some(Duration::minutes(2 * 1440 + 150)));
        assert_eq!(format_duration(d.detect.unwrap()), "12 min");
        assert_eq!(format_duration(d.mitigate.unwrap()), "1 h 25 min");
        assert_eq!(format_duration(d.resolve.unwrap()), "2 d 2 h");
        assert_eq!(format_duration(Duration::hours(3)), "3 h");
        assert_eq!(format_duration(Duration::days(1)), "1 d");
        let open = Times {
            resolved: None,
            mitigated: None,
            ..t
        };
        assert_eq!(open.durations().resolve, None);
        assert_eq!(Times::default().durations().detect, None);
    }

    #[test]
    fn times_must_be_in_order() {
        let mut t = Times {
            started: Some(at("2026-03-29 10:00")),
            detected: Some(at("2026-03-29 10:05")),
            mitigated: None,
            resolved: Some(at("2026-03-29 10:03")),
        };
        let (field, msg) = t.check().unwrap_err();
        assert_eq!(field, "resolved_at");
        assert!(msg.contains("before it was detected"), "{msg}");
        t.resolved = Some(at("2026-03-29 11:00"));
        assert!(t.check().is_ok());
        t.detected = Some(at("2026-03-29 09:00"));
        assert_eq!(t.check().unwrap_err().0, "detected_at");
    }
}
