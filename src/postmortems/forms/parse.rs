//! Parsing the form into a [`PostmortemInput`]: one parser per section (head, people,
//! times, timeline, lessons, action items, lengths), each adding its fields' messages to the
//! one `FieldErrors`.

use chrono::{NaiveDate, NaiveDateTime};

use super::super::model::{LessonDraft, PostmortemInput, Severity, TimelineEntry, Times};
use super::Form;
use super::times::{Zone, parse_in, show_in, timeline_time};
use crate::action_items::model::{self as action, ActionInput};
use crate::ids::{PersonId, UnitId};
use crate::org::cache::OrgView;
use crate::site::forms::{FieldErrors, optional_date};

impl Form {
    /// Checks everything; `me` is the writer's id (the author when none is named). Each
    /// section is read by its own parser, which adds its fields' messages to `e`.
    pub fn parse(&self, org: &OrgView, me: PersonId) -> Result<PostmortemInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let (title, severity, squads) = self.head(org, &mut e);
        let (authors, facilitator) = self.people(org, me, &mut e);
        let zone = e.take("zone", Zone::parse(&self.zone)).unwrap_or_default();
        let times = self.times(zone, &mut e);
        let timeline = self.timeline(times.started, zone, &mut e);
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
    fn head(&self, org: &OrgView, e: &mut FieldErrors) -> (String, Option<Severity>, Vec<UnitId>) {
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
    fn people(
        &self,
        org: &OrgView,
        me: PersonId,
        e: &mut FieldErrors,
    ) -> (Vec<PersonId>, Option<PersonId>) {
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

    /// When it started, was detected, mitigated and resolved, in that order, written in
    /// `zone` and kept in UTC.
    fn times(&self, zone: Zone, e: &mut FieldErrors) -> Times {
        let mut time = |field: &str, raw: &str| -> Option<NaiveDateTime> {
            if raw.trim().is_empty() {
                return None;
            }
            let t = parse_in(raw, zone);
            if t.is_none() {
                e.add(
                    field,
                    format!(
                        "{:?} is not a date and time (YYYY-MM-DD HH:MM, in {}).",
                        raw.trim(),
                        zone.label()
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
                "When did the incident start? A guess is fine; say so in the timeline.",
            );
        }
        if let Err((field, m)) = times.check() {
            e.add(field, m);
        }
        times
    }

    /// Timeline rows written as a time alone that the rule puts on the day after the start
    /// (past midnight), rewritten with their date, each with a message that says so. The web
    /// form stops on them once, so the writer sees the date before anything is saved; sent
    /// again, the row carries its date and passes. (An API client writes dates, or takes
    /// the rule as documented.)
    pub fn date_next_day_rows(&mut self) -> FieldErrors {
        let mut e = FieldErrors::new();
        let Ok(zone) = Zone::parse(&self.zone) else {
            return e;
        };
        let Some(start) = parse_in(&self.started_at, zone) else {
            return e;
        };
        for (i, r) in self.timeline.iter_mut().enumerate() {
            if let Ok(landed) = timeline_time(&r.at, Some(start), zone)
                && landed.next_day
            {
                r.at = show_in(Some(landed.at), zone);
                let day = zone.from_utc(landed.at).format("%a %-d %b");
                e.add(
                    format!("timeline_at_{i}"),
                    format!(
                        "Past midnight: this is {day}, the day after the incident started. \
                         Save again to keep it, or change the date."
                    ),
                );
            }
        }
        e
    }

    /// The timeline, in time order whatever order it was typed in.
    fn timeline(
        &self,
        started: Option<NaiveDateTime>,
        zone: Zone,
        e: &mut FieldErrors,
    ) -> Vec<TimelineEntry> {
        let mut timeline = Vec::new();
        for (i, r) in self.timeline.iter().enumerate() {
            if r.at.trim().is_empty() && r.text.trim().is_empty() {
                continue;
            }
            if r.text.trim().is_empty() {
                e.add(format!("timeline_text_{i}"), "Say what happened then.");
            }
            match timeline_time(&r.at, started, zone) {
                Ok(landed) => timeline.push(TimelineEntry {
                    at: landed.at,
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
    fn actions(&self, org: &OrgView, squads: &[UnitId], e: &mut FieldErrors) -> Vec<ActionInput> {
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
fn person_id(org: &OrgView, u: &str) -> Result<PersonId, String> {
    let u = u.trim().trim_start_matches('@');
    org.person_by_username(u)
        .filter(|p| !p.disabled)
        .map(|p| p.id)
        .ok_or_else(|| format!("There is nobody called {u:?}."))
}
