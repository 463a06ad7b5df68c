//! A person's career-step pages: their private record, one proposal, and what a peer is
//! asked for feedback.

use askama::Template;
use chrono::NaiveDate;

use crate::ids::PersonId;
use crate::markdown::SafeHtml;
use crate::site::forms::{FieldErrors, Pairs};
use crate::site::views::Shell;
use crate::steps::flow::Full;
use crate::steps::framework::Framework;
use crate::steps::model::{
    Agreement, Behavior, EventKind, RATINGS, Relations, Side, Status, Step, Summary, agreement,
    rating_label,
};
use crate::steps::proposal_repo::{Feedback, Proposal};
use crate::steps::repo::Entry;

/// A form of the person page as sent, when it failed: shown again as typed. `form` says
/// which one, so the other forms keep showing what is stored.
pub struct Sent {
    pub form: &'static str,
    pub pairs: Pairs,
}

impl Sent {
    pub fn of(form: &'static str, pairs: Pairs) -> Sent {
        Sent { form, pairs }
    }
}

/// `/people/{username}/steps`: the private page.
#[derive(Template)]
#[template(path = "steps/person.html")]
pub struct PersonPage {
    pub shell: Shell,
    pub f: Full,
    pub fw: Framework,
    pub me: PersonId,
    pub is_admin: bool,
    pub today: NaiveDate,
    pub errors: FieldErrors,
    pub sent: Option<Sent>,
}

/// `/people/{username}/steps/proposals/{id}`.
#[derive(Template)]
#[template(path = "steps/proposal.html")]
pub struct ProposalPage {
    pub shell: Shell,
    pub f: Full,
    pub p: Proposal,
    pub feedback: Vec<Feedback>,
    pub evidence: SafeHtml,
    pub may_decide: bool,
    pub me: PersonId,
    pub note: String,
    pub errors: FieldErrors,
}

/// `/steps/feedback/{id}`: what a peer is asked — the person and the behaviors, not the step.
#[derive(Template)]
#[template(path = "steps/feedback.html")]
pub struct FeedbackPage {
    pub shell: Shell,
    pub id: i64,
    pub display_name: String,
    pub fw: Framework,
    pub answer: String,
    pub open: bool,
    pub error: Option<String>,
}

impl FeedbackPage {
    pub fn behaviors(&self) -> &'static [Behavior] {
        Behavior::ALL
    }
}

/// The parts of the person page shared by its own helper methods and the proposal page.
pub trait RecordView {
    fn full(&self) -> &Full;

    fn name_of(&self, id: &PersonId) -> String {
        self.full().name(*id)
    }

    fn username_of(&self, id: &PersonId) -> String {
        self.full()
            .names
            .get(id)
            .map(|(u, _)| u.clone())
            .unwrap_or_default()
    }

    fn step_label(&self) -> &'static str {
        self.full().loaded.step().map(Step::label).unwrap_or("")
    }

    fn base(&self) -> String {
        format!("/people/{}/steps", self.full().loaded.person.username)
    }
}

impl RecordView for PersonPage {
    fn full(&self) -> &Full {
        &self.f
    }
}

impl RecordView for ProposalPage {
    fn full(&self) -> &Full {
        &self.f
    }
}

/// Who decides a step, as a sentence: "their tribe lead (Tess Lind)".
pub fn deciders_text(rel: &Relations, to: Step, f: &Full) -> String {
    let (d, ids) = rel.deciders(to);
    if ids.is_empty() {
        return format!(
            "{} — but nobody holds that for this person yet: an admin can name one in the org",
            d.label()
        );
    }
    let names: Vec<String> = ids.iter().map(|i| f.name(*i)).collect();
    format!("{} ({})", d.label(), names.join(", "))
}

impl PersonPage {
    pub fn steps(&self) -> &'static [Step] {
        Step::ALL
    }
    pub fn behaviors(&self) -> &'static [Behavior] {
        Behavior::ALL
    }
    pub fn ratings(&self) -> &'static [(i32, &'static str)] {
        &RATINGS
    }
    pub fn own(&self) -> bool {
        self.f.loaded.access.own
    }
    pub fn lead(&self) -> bool {
        self.f.loaded.access.lead
    }
    /// Which side the viewer writes, if any.
    pub fn side(&self) -> Option<Side> {
        if self.own() {
            Some(Side::Own)
        } else if self.lead() {
            Some(Side::Lead)
        } else {
            None
        }
    }
    /// The value the viewer's own side has for a cell, for the assessment form.
    /// The fields of `form` as sent, if it is the one that failed.
    pub fn sent_in(&self, form: &str) -> Option<&Pairs> {
        self.sent
            .as_ref()
            .filter(|s| s.form == form)
            .map(|s| &s.pairs)
    }
    /// One field of `form` as sent ("" when that form was not sent).
    pub fn sent_value(&self, form: &str, field: &str) -> &str {
        self.sent_in(form).map(|p| p.get(field)).unwrap_or("")
    }
    pub fn mine(&self, b: &Behavior, s: &Step) -> i32 {
        if let Some(sent) = self.sent_in("assessment") {
            return sent
                .get(&format!("{}.{}", b.key(), s.key()))
                .parse()
                .unwrap_or(0);
        }
        let a = match self.side() {
            Some(Side::Lead) => &self.f.lead,
            _ => &self.f.own,
        };
        a.rating(*b, *s).unwrap_or(0)
    }
    pub fn my_note(&self, b: &Behavior) -> String {
        if let Some(sent) = self.sent_in("assessment") {
            return sent.get(&format!("{}.note", b.key())).to_string();
        }
        match self.side() {
            Some(Side::Lead) => self.f.lead.row(*b).note,
            _ => self.f.own.row(*b).note,
        }
    }
    pub fn own_label(&self, b: &Behavior, s: &Step) -> &'static str {
        self.f.own.rating(*b, *s).map(rating_label).unwrap_or("—")
    }
    pub fn lead_label(&self, b: &Behavior, s: &Step) -> &'static str {
        self.f.lead.rating(*b, *s).map(rating_label).unwrap_or("—")
    }
    /// The agreement of one cell: (css class, words).
    pub fn agree(&self, b: &Behavior, s: &Step) -> (&'static str, String) {
        match agreement(self.f.own.rating(*b, *s), self.f.lead.rating(*b, *s)) {
            Agreement::Agree => ("agree", "agree".into()),
            Agreement::Differ { by, self_higher } => (
                if by >= 2 { "differ wide" } else { "differ" },
                format!(
                    "{} {} higher",
                    if self_higher { "self" } else { "lead" },
                    if by == 1 {
                        "one".to_string()
                    } else {
                        by.to_string()
                    }
                ),
            ),
            Agreement::Open => ("open", "not both rated".into()),
        }
    }
    pub fn summary(&self) -> Summary {
        crate::steps::model::summarize(&self.f.own, &self.f.lead)
    }
    pub fn both_notes(&self, b: &Behavior) -> (String, String) {
        (self.f.own.row(*b).note, self.f.lead.row(*b).note)
    }
    pub fn discipline_name(&self) -> String {
        self.f
            .discipline()
            .map(|e| e.name.clone())
            .unwrap_or_default()
    }
    pub fn role_names(&self) -> String {
        self.f
            .roles()
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
    pub fn disciplines(&self) -> Vec<&Entry> {
        self.f
            .catalogue
            .iter()
            .filter(|e| e.kind == "discipline" && (!e.retired || self.has(&e.id)))
            .collect()
    }
    pub fn roles(&self) -> Vec<&Entry> {
        self.f
            .catalogue
            .iter()
            .filter(|e| e.kind == "role" && (!e.retired || self.has(&e.id)))
            .collect()
    }
    pub fn has(&self, id: &i64) -> bool {
        if let Some(sent) = self.sent_in("record") {
            let id = id.to_string();
            return sent.get("discipline") == id || sent.all("role").contains(&id);
        }
        self.f.role_ids.contains(id)
            || self
                .f
                .loaded
                .profile
                .as_ref()
                .is_some_and(|p| p.discipline_id == Some(*id))
    }
    pub fn started_on(&self) -> String {
        if let Some(sent) = self.sent_in("record") {
            return sent.get("started_on").to_string();
        }
        self.f
            .loaded
            .profile
            .as_ref()
            .and_then(|p| p.started_on)
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
    pub fn since(&self) -> String {
        self.f
            .loaded
            .profile
            .as_ref()
            .and_then(|p| p.step_since)
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
    pub fn public(&self) -> bool {
        self.f.loaded.public()
    }
    /// The steps the viewer may set as the first one.
    pub fn first_choices(&self) -> Vec<Step> {
        if self.f.loaded.step().is_some() {
            return vec![];
        }
        Step::ALL
            .iter()
            .copied()
            .filter(|s| self.f.loaded.rel.may_decide(*s, self.me))
            .collect()
    }
    /// Wider steps than today's, for the proposal form.
    pub fn wider(&self) -> Vec<Step> {
        match self.f.loaded.step() {
            Some(c) => Step::ALL
                .iter()
                .copied()
                .filter(|s| s.wider_than(c))
                .collect(),
            None => vec![],
        }
    }
    /// In what capacity the line manager is one: chapter lead, or the level standing in.
    pub fn manager_capacity(&self) -> &'static str {
        self.f.loaded.rel.deciders(Step::Squad).0.label()
    }
    pub fn may_propose(&self) -> bool {
        self.f.loaded.access.may_propose()
            && self.f.open_proposal().is_none()
            && !self.wider().is_empty()
    }
    pub fn decided_by(&self, s: &Step) -> String {
        deciders_text(&self.f.loaded.rel, *s, &self.f)
    }
    pub fn event_label(&self, kind: &str) -> &'static str {
        EventKind::parse(kind).map(EventKind::label).unwrap_or("")
    }
    pub fn step_of(&self, key: &Option<String>) -> &'static str {
        key.as_deref()
            .and_then(Step::parse)
            .map(Step::label)
            .unwrap_or("")
    }
    pub fn status_label(&self, p: &Proposal) -> &'static str {
        p.status().label()
    }
    pub fn is_open(&self, p: &Proposal) -> bool {
        p.status() == Status::Open
    }
    pub fn error(&self, key: &str) -> Option<&str> {
        self.errors.get(key).map(String::as_str)
    }
    pub fn examples(&self, s: &Step, b: &Behavior) -> Vec<&str> {
        self.fw.examples(s, b)
    }
    pub fn is_overdue(&self, d: &NaiveDate) -> bool {
        *d < self.today
    }
    pub fn rating(&self, r: &i32) -> &'static str {
        rating_label(*r)
    }
}

impl ProposalPage {
    pub fn status_label(&self) -> &'static str {
        self.p.status().label()
    }
    pub fn is_open(&self) -> bool {
        self.p.status() == Status::Open
    }
    pub fn decided_by(&self) -> String {
        deciders_text(&self.f.loaded.rel, self.p.to(), &self.f)
    }
    /// The person or whoever proposed it may withdraw an open proposal.
    pub fn may_withdraw(&self) -> bool {
        self.is_open() && (self.f.loaded.access.own || self.p.proposed_by == self.me)
    }
    pub fn may_ask(&self) -> bool {
        self.is_open() && self.f.loaded.access.may_propose()
    }
    pub fn error(&self, key: &str) -> Option<&str> {
        self.errors.get(key).map(String::as_str)
    }
    pub fn answer_html(&self, f: &Feedback) -> SafeHtml {
        crate::markdown::render(&f.answer)
    }
    pub fn from_label(&self) -> &'static str {
        self.p.from().label()
    }
    pub fn to_label(&self) -> &'static str {
        self.p.to().label()
    }
}
