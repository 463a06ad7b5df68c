//! The retro pages: what each template shows, prepared here so templates only print.

use askama::Template;

use super::flow::{ActionForm, NewForm, Page};
use super::model::{Card, Format, Phase, Retro, Topic, Verdict};
use crate::action_items::model::ActionItem;
use crate::ids::{PersonId, UnitId};
use crate::org::cache::OrgView;
use crate::org::forms::{Choice, UnitChoice, units_of};
use crate::org::unit::UnitKind;
use crate::site::forms::FieldErrors;
use crate::site::views::Shell;

pub fn formats() -> Vec<Choice> {
    Format::ALL.iter().map(|f| (f.key(), f.label())).collect()
}

/// A retro in the list.
pub struct ListRow {
    pub url: String,
    pub title: String,
    pub squad: (String, String),
    pub held_on: String,
    pub format: &'static str,
    pub phase: Phase,
    pub anonymous: bool,
}

impl ListRow {
    pub fn of(r: &Retro, org: &OrgView) -> ListRow {
        ListRow {
            url: r.url(),
            title: r.title.clone(),
            squad: squad_link(org, r.squad_id),
            held_on: r.held_on.to_string(),
            format: r.format.label(),
            phase: r.phase,
            anonymous: r.anonymous,
        }
    }
}

fn squad_link(org: &OrgView, id: UnitId) -> (String, String) {
    org.snap
        .unit(id)
        .map(|u| (u.name.clone(), u.url()))
        .unwrap_or_default()
}

fn person_name(org: &OrgView, id: Option<PersonId>) -> Option<String> {
    id.and_then(|id| org.snap.person(id))
        .map(|p| p.display_name.clone())
}

#[derive(Template)]
#[template(path = "retros/list.html")]
pub struct ListPage {
    pub shell: Shell,
    pub rows: Vec<ListRow>,
    pub q: super::flow::ListQuery,
    pub squads: Vec<UnitChoice>,
    pub tribes: Vec<UnitChoice>,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl ListPage {
    pub fn new(shell: Shell, org: &OrgView, q: super::flow::ListQuery) -> ListPage {
        ListPage {
            shell,
            rows: vec![],
            q,
            squads: units_of(org, UnitKind::Squad),
            tribes: units_of(org, UnitKind::Tribe),
            total: 0,
            prev: None,
            next: None,
        }
    }
}

#[derive(Template)]
#[template(path = "retros/new.html")]
pub struct NewPage {
    pub shell: Shell,
    pub form: NewForm,
    pub errors: FieldErrors,
    pub squads: Vec<UnitChoice>,
    pub formats: Vec<Choice>,
    pub today: String,
}

impl NewPage {
    pub fn new(
        shell: Shell,
        org: &OrgView,
        form: NewForm,
        errors: FieldErrors,
        today: chrono::NaiveDate,
    ) -> NewPage {
        NewPage {
            shell,
            form,
            errors,
            squads: units_of(org, UnitKind::Squad),
            formats: formats(),
            today: today.to_string(),
        }
    }
}

/// A card as the viewer may see it: its writer's name only in a retro that is not anonymous.
pub struct CardView {
    pub id: i64,
    pub body: String,
    pub author: Option<String>,
    pub mine: bool,
    pub column: String,
}

pub struct ColumnView {
    pub index: usize,
    pub name: String,
    pub cards: Vec<CardView>,
}

pub struct TopicRow {
    pub key: String,
    /// The group id, for "add the ticked cards here".
    pub group: Option<i64>,
    pub title: Option<String>,
    /// What the topic is called on the board: its group's title, or for a lone card its
    /// column and its first words, so that no two read the same.
    pub heading: String,
    pub cards: Vec<CardView>,
    /// None while the tallies are hidden.
    pub votes: Option<u32>,
    pub mine: u32,
    pub lesson_url: String,
    /// The action items agreed about this topic.
    pub actions: Vec<ActionRow>,
}

pub struct ReviewRow {
    pub id: i64,
    pub title: String,
    pub from: String,
    pub from_url: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub verdict: &'static str,
}

pub struct ActionRow {
    pub title: String,
    /// The topic it is about: its key and heading.
    pub topic: Option<(String, String)>,
    pub owner: String,
    pub squad: (String, String),
    pub due: String,
    pub status: &'static str,
    pub status_key: &'static str,
}

impl ActionRow {
    fn of(a: &ActionItem, org: &OrgView) -> ActionRow {
        ActionRow {
            title: a.title.clone(),
            topic: None,
            owner: person_name(org, a.person_id).unwrap_or_default(),
            squad: squad_link(org, a.squad_id),
            due: a.due_on.map(|d| d.to_string()).unwrap_or_default(),
            status: a.status.label(),
            status_key: a.status.key(),
        }
    }
}

/// One step of the phase bar.
pub struct Step {
    pub label: &'static str,
    /// `done`, `current` or `todo`.
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "retros/show.html")]
pub struct ShowPage {
    pub shell: Shell,
    pub id: i64,
    pub url: String,
    pub title: String,
    pub squad: (String, String),
    pub squad_slug: String,
    pub facilitator: String,
    pub held_on: String,
    pub format: &'static str,
    pub anonymous: bool,
    pub vote_limit: u32,
    pub phase: Phase,
    pub version: i64,
    pub steps: Vec<Step>,
    pub signed_in: bool,
    pub facilitates: bool,
    pub next: Option<Phase>,
    pub back: Option<Phase>,
    pub columns: Vec<ColumnView>,
    pub topics: Vec<TopicRow>,
    pub written: usize,
    pub written_by_me: usize,
    pub votes_cast: u32,
    pub votes_left: u32,
    /// How many people have placed a dot.
    pub voters: u32,
    /// The tallies are hidden until the vote closes.
    pub votes_hidden: bool,
    /// Who has the board open now (names), for the room's sake.
    pub present: Vec<String>,
    /// The same people as the live page sends back when it polls.
    pub here_key: String,
    pub review: Vec<ReviewRow>,
    pub verdicts: Vec<Choice>,
    pub actions: Vec<ActionRow>,
    pub lessons: Vec<(i64, String)>,
    pub squads: Vec<UnitChoice>,
    pub members: Vec<(String, String)>,
    /// What was typed, shown again with its errors.
    pub errors: FieldErrors,
    pub card_column: String,
    pub card_body: String,
    /// A step that cannot be undone (the reveal, the close), asked for once more: shown as a
    /// question with its own button, which is how the page confirms without JavaScript.
    pub confirm: Option<(Phase, &'static str)>,
    /// The question the facilitator's "next" button asks first, if any.
    pub next_question: Option<&'static str>,
    pub group_title: String,
    pub action: ActionForm,
    /// A closed retro's comments.
    pub thread: Option<crate::comments::flow::Thread>,
    /// Watch or stop watching this retro (its comments and its closing), when signed in.
    pub watch: Option<crate::notify::flow::WatchButton>,
}

impl CardView {
    fn of(c: &Card, page: &Page, org: &OrgView) -> CardView {
        let r = &page.retro;
        CardView {
            id: c.id,
            body: c.body.clone(),
            author: if r.anonymous {
                None
            } else {
                person_name(org, c.author_id)
            },
            mine: page.seat.wrote(c),
            column: r.columns.get(c.column).cloned().unwrap_or_default(),
        }
    }
}

/// The topics of the board, each with its heading, cards, dots and lesson link.
fn topic_rows(page: &Page, org: &OrgView, squad_slug: &str) -> Vec<TopicRow> {
    let r = &page.retro;
    let card_view = |c: &Card| CardView::of(c, page, org);
    page.board
        .topics
        .iter()
        .map(|t| TopicRow {
            key: t.topic.key(),
            group: match t.topic {
                Topic::Group(g) => Some(g),
                Topic::Card(_) => None,
            },
            title: t.title.clone(),
            heading: t.heading(&r.columns),
            cards: t.cards.iter().map(card_view).collect(),
            votes: t.votes,
            mine: t.mine,
            lesson_url: lesson_url(page, t.topic, squad_slug),
            actions: page
                .actions
                .iter()
                .filter(|a| page.action_topics.get(&a.id) == Some(&t.topic))
                .map(|a| ActionRow::of(a, org))
                .collect(),
        })
        .collect()
}

/// The retro's action items, each with the topic it is about (from `topics`, the board's).
fn action_rows(page: &Page, org: &OrgView, topics: &[TopicRow]) -> Vec<ActionRow> {
    page.actions
        .iter()
        .map(|a| {
            let mut row = ActionRow::of(a, org);
            row.topic = page.action_topics.get(&a.id).and_then(|t| {
                let key = t.key();
                topics
                    .iter()
                    .find(|r| r.key == key)
                    .map(|r| (key, r.heading.clone()))
            });
            row
        })
        .collect()
}

/// The new-lesson form, filled in from a topic of the board and filed under the squad.
fn lesson_url(page: &Page, topic: Topic, squad_slug: &str) -> String {
    let (title, body) = super::flow::lesson_draft(&page.board, topic).unwrap_or_default();
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("source", super::repo::KIND)
        .append_pair("ref", &page.retro.id.to_string())
        .append_pair("unit", &format!("squad/{squad_slug}"))
        .append_pair("title", &title)
        .append_pair("body", &body)
        .finish();
    format!("/lessons/new?{q}")
}

/// The phases as steps of a progress bar: done, current, to do.
fn phase_steps(current: usize) -> Vec<Step> {
    Phase::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| Step {
            label: p.label(),
            state: match i.cmp(&current) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            },
        })
        .collect()
}

/// The current members of a squad by username and name, sorted.
fn squad_members(org: &OrgView, squad_id: UnitId) -> Vec<(String, String)> {
    let ids = org.snap.people_in(squad_id);
    let mut m: Vec<(String, String)> = ids
        .iter()
        .filter_map(|id| org.snap.person(*id))
        .map(|p| (p.username.clone(), p.display_name.clone()))
        .collect();
    m.sort();
    m
}

impl ReviewRow {
    /// A reviewed action item with its owner's name and how overdue it is.
    fn of(x: &super::flow::Reviewed, org: &OrgView, today: chrono::NaiveDate) -> ReviewRow {
        ReviewRow {
            id: x.item.id,
            title: x.item.title.clone(),
            from: x.from.clone(),
            from_url: x.item.source_url(),
            owner: person_name(org, x.item.person_id)
                .or_else(|| org.snap.unit(x.item.squad_id).map(|u| u.name.clone()))
                .unwrap_or_default(),
            due: x.item.due_on.map(|d| d.to_string()).unwrap_or_default(),
            overdue: x.item.overdue(today),
            verdict: x.verdict.map(|v| v.key()).unwrap_or_default(),
        }
    }
}

impl ShowPage {
    pub fn new(shell: Shell, org: &OrgView, page: Page, today: chrono::NaiveDate) -> ShowPage {
        let r = &page.retro;
        let signed_in = page.seat.person_id.is_some();
        let facilitates = signed_in && page.seat.person_id == Some(r.facilitator_id);
        let card_view = |c: &Card| CardView::of(c, &page, org);
        let squad = org.snap.unit(r.squad_id);
        let squad_slug = squad.map(|u| u.slug.clone()).unwrap_or_default();
        let current = Phase::ALL.iter().position(|p| *p == r.phase).unwrap_or(0);
        let next = r.phase.next().filter(|p| r.phase.may_become(*p));
        let topics = topic_rows(&page, org, &squad_slug);
        ShowPage {
            id: r.id,
            url: r.url(),
            title: r.title.clone(),
            squad: squad_link(org, r.squad_id),
            facilitator: person_name(org, Some(r.facilitator_id)).unwrap_or_default(),
            held_on: r.held_on.to_string(),
            format: r.format.label(),
            anonymous: r.anonymous,
            vote_limit: r.vote_limit,
            phase: r.phase,
            version: r.version,
            steps: phase_steps(current),
            signed_in,
            facilitates,
            next,
            back: Phase::ALL
                .get(current.wrapping_sub(1))
                .copied()
                .filter(|p| r.phase.may_become(*p)),
            columns: page
                .board
                .columns
                .iter()
                .enumerate()
                .map(|(index, (name, cards))| ColumnView {
                    index,
                    name: name.clone(),
                    cards: cards.iter().map(card_view).collect(),
                })
                .collect(),
            actions: action_rows(&page, org, &topics),
            topics,
            written: page.board.written,
            written_by_me: page.board.written_by_me,
            votes_cast: page.board.votes_cast,
            votes_left: page.board.votes_left(r.vote_limit),
            voters: page.board.voters,
            votes_hidden: r.tallies_hidden(),
            present: Vec::new(),
            here_key: String::new(),
            review: page
                .review
                .iter()
                .map(|x| ReviewRow::of(x, org, today))
                .collect(),
            verdicts: Verdict::ALL.iter().map(|v| (v.key(), v.label())).collect(),
            lessons: page.lessons.clone(),
            squads: units_of(org, UnitKind::Squad),
            members: squad_members(org, r.squad_id),
            squad_slug,
            errors: FieldErrors::new(),
            card_column: String::new(),
            card_body: String::new(),
            confirm: None,
            next_question: next.and_then(|n| Phase::question(Some(r.phase), n)),
            group_title: String::new(),
            action: ActionForm::default(),
            thread: None,
            watch: None,
            shell,
        }
    }

    /// Who has the board open: their names in the head, and the key the live page sends
    /// back when it polls.
    pub fn people_here(&mut self, org: &OrgView, here: &[PersonId]) {
        self.here_key = super::presence::key(here);
        self.present = here
            .iter()
            .filter_map(|p| org.snap.person(*p).map(|p| p.display_name.clone()))
            .collect();
    }

    /// The text of the phase's help line.
    pub fn help(&self) -> &'static str {
        match self.phase {
            Phase::Review => {
                "Look back: what became of the action items of the squad's earlier retros?"
            }
            Phase::Write => {
                "Write your cards. Nobody sees them but you until the facilitator reveals them."
            }
            Phase::Reveal => "Every card is on the board. Read them together.",
            Phase::Group => "Tick cards that say the same thing and group them under a title.",
            Phase::Vote => "Place your dots on what matters most to talk about.",
            Phase::Discuss => {
                "Talk about the topics with the most dots first, and agree on action items."
            }
            Phase::Close => "This retro is closed.",
        }
    }

    pub fn error(&self, key: &str) -> String {
        self.errors.get(key).cloned().unwrap_or_default()
    }
}
