//! The post-mortem pages: what each template shows, prepared here so templates only print.

use askama::Template;

use super::flow::{ListQuery, Located};
use super::forms::{Form, Zone};
use super::model::{Durations, Severity, Status, format_duration};
use super::model::{Postmortem, PostmortemInput};
use super::repo::{Dismissal, Review, Summary};
use crate::action_items::flow::ActionView;
use crate::action_items::model as action;
use crate::ids::{PersonId, UnitId};
use crate::markdown::SafeHtml;
use crate::org::cache::OrgView;
use crate::org::forms::{Choice, UnitChoice, units_of};
use crate::org::unit::UnitKind;
use crate::site::forms::FieldErrors;
use crate::site::views::Shell;

pub fn severities() -> Vec<(String, String)> {
    Severity::ALL
        .iter()
        .map(|s| (s.key(), format!("{} — {}", s.key(), s.describe())))
        .collect()
}

pub fn statuses() -> Vec<Choice> {
    Status::ALL.iter().map(|s| (s.key(), s.label())).collect()
}

/// "12 min", or a dash when the moment is not known.
fn took(d: Option<chrono::Duration>) -> String {
    d.map(format_duration).unwrap_or_else(|| "–".into())
}

pub struct ListRow {
    pub url: String,
    pub title: String,
    pub severity: String,
    pub status: Status,
    pub squads: Vec<(String, String)>,
    pub started: String,
    pub detect: String,
    pub resolve: String,
}

impl ListRow {
    pub fn of(s: &Summary, org: &OrgView) -> ListRow {
        let d: Durations = s.times.durations();
        ListRow {
            url: s.url(),
            title: s.title.clone(),
            severity: s.severity.key(),
            status: s.status,
            squads: unit_links(org, &s.squads),
            started: s
                .times
                .started
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            detect: took(d.detect),
            resolve: took(d.resolve),
        }
    }
}

fn unit_links(org: &OrgView, ids: &[UnitId]) -> Vec<(String, String)> {
    ids.iter()
        .filter_map(|id| org.snap.unit(*id))
        .map(|u| (u.name.clone(), u.url()))
        .collect()
}

fn people_links(org: &OrgView, ids: &[PersonId]) -> Vec<(String, String)> {
    ids.iter()
        .filter_map(|id| org.snap.person(*id))
        .map(|p| (p.username.clone(), p.display_name.clone()))
        .collect()
}

#[derive(Template)]
#[template(path = "postmortems/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<ListRow>,
    pub squads: Vec<UnitChoice>,
    pub tribes: Vec<UnitChoice>,
    pub severities: Vec<(String, String)>,
    pub statuses: Vec<Choice>,
    pub q: ListQuery,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl ListPage {
    pub fn new(shell: Shell, org: &OrgView, rows: Vec<ListRow>, q: ListQuery) -> ListPage {
        ListPage {
            shell,
            rows,
            squads: units_of(org, UnitKind::Squad),
            tribes: units_of(org, UnitKind::Tribe),
            severities: severities(),
            statuses: statuses(),
            total: 0,
            prev: None,
            next: None,
            q,
        }
    }
}

/// A finding as the pages show it.
pub struct FindingView {
    pub field: &'static str,
    pub label: String,
    pub rule: String,
    pub rule_name: String,
    pub phrase: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    pub suggestion: String,
    /// Of a rule that points at a person: rewritten, or dismissed by the reviewer.
    pub points_at_person: bool,
    /// Dismissed: why.
    pub dismissed: Option<String>,
    /// Dismissed: by whom (their name).
    pub dismissed_by: Option<String>,
}

impl FindingView {
    pub fn of(l: Located, org: &OrgView) -> FindingView {
        let dismissed_by = l
            .dismissed
            .as_ref()
            .and_then(|d| d.person_id)
            .and_then(|p| org.snap.person(p))
            .map(|p| p.display_name.clone());
        FindingView {
            field: l.field,
            label: l.label,
            rule: l.finding.rule,
            rule_name: l.finding.rule_name,
            phrase: l.finding.phrase,
            before: l.before,
            after: l.after,
            reason: l.finding.reason,
            suggestion: l.finding.suggestion,
            points_at_person: l.finding.points_at_person,
            dismissed: l.dismissed.map(|d: Dismissal| d.reason),
            dismissed_by,
        }
    }
}

impl Section {
    /// The sections of a post-mortem in page order: (title, Markdown).
    pub fn sources(i: &super::model::PostmortemInput) -> [(&'static str, &str); 6] {
        [
            ("Summary", &i.summary),
            ("Impact", &i.impact),
            ("Detection", &i.detection),
            ("What went well", &i.went_well),
            ("What went wrong", &i.went_wrong),
            ("Where we got lucky", &i.lucky),
        ]
    }
}

/// A written section, rendered from Markdown.
pub struct Section {
    pub title: &'static str,
    pub html: SafeHtml,
}

#[derive(Template)]
#[template(path = "postmortems/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub id: i64,
    pub url: String,
    pub title: String,
    pub severity: String,
    pub severity_text: &'static str,
    pub status: Status,
    pub squads: Vec<(String, String)>,
    /// The first involved squad's key (`squad/payments`), for "write a lesson from it".
    pub squad_key: String,
    pub authors: Vec<(String, String)>,
    pub facilitator: Option<(String, String)>,
    /// (what, when, after how long).
    pub times: Vec<(&'static str, String, String)>,
    pub summary: Vec<Section>,
    pub timeline: Vec<(String, String)>,
    pub factors: Vec<String>,
    pub sections: Vec<Section>,
    pub lessons: Vec<(i64, String)>,
    pub pending_lessons: Vec<String>,
    pub actions: Vec<ActionView>,
    /// For the action-item rows: where a status change returns to, and no source column.
    pub back: String,
    pub show_source: bool,
    pub open: Vec<FindingView>,
    /// Open findings a reviewer may accept with the tick (those that do not point at a
    /// person).
    pub acknowledgeable: usize,
    /// Dismissed findings that pointed at a person: shown openly, with the reviewer's reason.
    pub dismissed_personal: Vec<FindingView>,
    pub dismissed: Vec<FindingView>,
    pub reviews: Vec<(Review, String, String)>,
    pub may_edit: bool,
    pub may_review: bool,
    pub watch: Option<crate::notify::flow::WatchButton>,
    pub thread: Option<crate::comments::flow::Thread>,
    /// Why it cannot go to review yet (the incident is not known to be over).
    pub ongoing: Option<String>,
    /// Nothing went wrong and no contributing factor: a warning for its review.
    pub found_nothing_wrong: bool,
    /// The version shown, which a review is about.
    pub version: i64,
    /// Shown when a review was refused: the message, by field.
    pub errors: FieldErrors,
    pub comments: String,
}

/// What the show page needs besides the post-mortem.
pub struct ShowData {
    /// Its action items, with whether the viewer may change each.
    pub actions: Vec<crate::action_items::flow::Listed>,
    /// The written sections that are not empty, rendered, in page order.
    pub sections: Vec<Section>,
    pub lessons: Vec<(i64, String)>,
    pub open: Vec<Located>,
    pub dismissed: Vec<Located>,
    pub reviews: Vec<(Review, String, String)>,
    pub may_edit: bool,
    pub may_review: bool,
    pub watch: Option<crate::notify::flow::WatchButton>,
    pub thread: crate::comments::flow::Thread,
}

impl ShowPage {
    pub fn new(
        shell: Shell,
        org: &OrgView,
        pm: Postmortem,
        data: ShowData,
        today: chrono::NaiveDate,
    ) -> ShowPage {
        let i = &pm.input;
        // Summary and impact above the timeline; the rest after the factors.
        let (summary, sections): (Vec<Section>, Vec<Section>) = data
            .sections
            .into_iter()
            .partition(|s| matches!(s.title, "Summary" | "Impact"));
        let (dismissed_personal, dismissed): (Vec<FindingView>, Vec<FindingView>) = data
            .dismissed
            .into_iter()
            .map(|l| FindingView::of(l, org))
            .partition(|f| f.points_at_person);
        ShowPage {
            id: pm.id,
            url: pm.url(),
            title: i.title.clone(),
            severity: i.severity.key(),
            severity_text: i.severity.describe(),
            status: pm.status,
            squads: unit_links(org, &i.squads),
            squad_key: i
                .squads
                .first()
                .and_then(|s| org.snap.unit(*s))
                .map(crate::org::unit_repo::unit_key)
                .unwrap_or_default(),
            authors: people_links(org, &i.authors),
            facilitator: i.facilitator.and_then(|f| people_links(org, &[f]).pop()),
            times: times(i),
            summary,
            timeline: timeline(i),
            ongoing: i.ongoing(),
            found_nothing_wrong: i.found_nothing_wrong(),
            factors: i.factors.clone(),
            sections,
            lessons: data.lessons,
            pending_lessons: i.lessons.iter().map(|l| l.title.clone()).collect(),
            actions: data
                .actions
                .iter()
                .map(|l| ActionView::of(l, &org.snap, today))
                .collect(),
            back: pm.url(),
            show_source: false,
            acknowledgeable: data
                .open
                .iter()
                .filter(|l| !l.finding.points_at_person)
                .count(),
            open: data
                .open
                .into_iter()
                .map(|l| FindingView::of(l, org))
                .collect(),
            dismissed_personal,
            dismissed,
            reviews: data.reviews,
            may_edit: data.may_edit,
            may_review: data.may_review,
            watch: data.watch,
            thread: Some(data.thread),
            version: super::flow::version_of(&pm),
            errors: FieldErrors::new(),
            comments: String::new(),
            shell,
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
}

/// The incident's moments as the show page lists them: (what, when, after how long).
fn times(i: &PostmortemInput) -> Vec<(&'static str, String, String)> {
    let d = i.times.durations();
    let when =
        |t: Option<chrono::NaiveDateTime>| t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
    let mut times = Vec::new();
    for (what, at, after) in [
        ("Started", i.times.started, String::new()),
        ("Detected", i.times.detected, took(d.detect)),
        ("Mitigated", i.times.mitigated, took(d.mitigate)),
        ("Resolved", i.times.resolved, took(d.resolve)),
    ] {
        times.push((
            what,
            when(at).unwrap_or_else(|| "not yet".into()),
            if at.is_some() { after } else { String::new() },
        ));
    }
    times
}

/// The timeline as (time, text): the time alone on the day the incident started, with the
/// month and day on any other.
fn timeline(i: &PostmortemInput) -> Vec<(String, String)> {
    i.timeline
        .iter()
        .map(|e| {
            let same_day = i.times.started.is_some_and(|s| s.date() == e.at.date());
            let at = if same_day {
                e.at.format("%H:%M").to_string()
            } else {
                e.at.format("%m-%d %H:%M").to_string()
            };
            (at, e.text.clone())
        })
        .collect()
}

#[derive(Template)]
#[template(path = "postmortems/edit.html")]
pub struct EditPage {
    pub shell: Shell,
    /// The post-mortem being edited: id and URL.
    pub editing: Option<(i64, String)>,
    pub form: Form,
    pub errors: FieldErrors,
    /// Findings of the form as it stands.
    pub findings: Vec<FindingView>,
    /// Whether the findings were asked for (a preview), so "none" can be said.
    pub checked: bool,
    pub squads: Vec<UnitChoice>,
    pub severities: Vec<(String, String)>,
    pub kinds: Vec<Choice>,
    pub action_statuses: Vec<Choice>,
}

impl EditPage {
    pub fn new(
        shell: Shell,
        org: &OrgView,
        editing: Option<&Postmortem>,
        form: Form,
        errors: FieldErrors,
        findings: Option<Vec<FindingView>>,
    ) -> EditPage {
        EditPage {
            shell,
            editing: editing.map(|p| (p.id, p.url())),
            form: form.with_blank_rows(),
            errors,
            checked: findings.is_some(),
            findings: findings.unwrap_or_default(),
            squads: units_of(org, UnitKind::Squad),
            severities: severities(),
            kinds: action::Kind::ALL
                .iter()
                .map(|k| (k.key(), k.label()))
                .collect(),
            action_statuses: action::Status::ALL
                .iter()
                .map(|k| (k.key(), k.label()))
                .collect(),
        }
    }

    /// The UTC offsets the times may be written in: (key, label, chosen).
    pub fn zones(&self) -> Vec<(String, String, bool)> {
        Zone::choices(&self.form.zone)
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some((_, url)) => format!("{url}/edit"),
            None => "/postmortems/new".into(),
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    pub fn row_error(&self, prefix: &str, i: &usize) -> Option<&str> {
        self.errors
            .get(&format!("{prefix}_{i}"))
            .map(String::as_str)
    }

    pub fn squad_selected(&self, slug: &str) -> bool {
        self.form.squads.iter().any(|s| s == slug)
    }
}
