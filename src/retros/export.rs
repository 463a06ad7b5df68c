//! A retro as Markdown (to paste into a tracker or a team page), and as plain text for search.
//! Both show what the viewer's board shows: nothing hidden before the reveal, no writer of an
//! anonymous retro's cards.

use std::fmt::Write;

use super::flow::Page;
use super::model::Card;
use crate::ids::PersonId;
use crate::org::cache::OrgView;

fn name(org: &OrgView, id: Option<PersonId>) -> Option<String> {
    id.and_then(|id| org.snap.person(id))
        .map(|p| p.display_name.clone())
}

/// One line of Markdown from a card: its text on one line, its writer when the retro names
/// writers.
fn card_line(card: &Card, page: &Page, org: &OrgView) -> String {
    let body = card.body.split_whitespace().collect::<Vec<_>>().join(" ");
    match name(org, card.author_id).filter(|_| !page.retro.anonymous) {
        Some(a) => format!("- {body} — {a}\n"),
        None => format!("- {body}\n"),
    }
}

pub fn markdown(page: &Page, org: &OrgView) -> String {
    let mut out = String::new();
    write_head(&mut out, page, org);
    write_review(&mut out, page);
    write_board(&mut out, page, org);
    write_actions(&mut out, page, org);
    write_lessons(&mut out, page);
    out
}

/// The title and the retro's facts: squad, date, format, facilitator, phase.
fn write_head(out: &mut String, page: &Page, org: &OrgView) {
    let r = &page.retro;
    let squad = org
        .snap
        .unit(r.squad_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let _ = writeln!(out, "# {}\n", r.title);
    let _ = writeln!(
        out,
        "- Squad: {squad}\n- Date: {}\n- Format: {}\n- Facilitator: {}\n- Phase: {}{}\n",
        r.held_on,
        r.format.label(),
        name(org, Some(r.facilitator_id)).unwrap_or_default(),
        r.phase.label(),
        if r.anonymous {
            "\n- Anonymous: card writers are not stored"
        } else {
            ""
        },
    );
}

/// Earlier retros' action items with what the review said of them.
fn write_review(out: &mut String, page: &Page) {
    if !page.review.is_empty() {
        out.push_str("## Review of earlier action items\n\n");
        for x in &page.review {
            let verdict = x.verdict.map(|v| v.label()).unwrap_or("not reviewed");
            let _ = writeln!(out, "- {} — {verdict} (from {})", x.item.title, x.from);
        }
        out.push('\n');
    }
}

/// The cards by column, or, once there are topics, by topic with their dots.
fn write_board(out: &mut String, page: &Page, org: &OrgView) {
    let r = &page.retro;
    if page.board.topics.is_empty() {
        for (column, cards) in &page.board.columns {
            if cards.is_empty() {
                continue;
            }
            let _ = writeln!(out, "## {column}\n");
            for c in cards {
                out.push_str(&card_line(c, page, org));
            }
            out.push('\n');
        }
    } else {
        out.push_str("## Topics\n\n");
        for t in &page.board.topics {
            let title = t.heading(&r.columns);
            let dots = match t.votes {
                Some(1) => "1 dot".to_string(),
                Some(n) => format!("{n} dots"),
                None => "dots hidden until the vote closes".to_string(),
            };
            let _ = writeln!(out, "### {title} ({dots})\n");
            for c in &t.cards {
                out.push_str(&card_line(c, page, org));
            }
            out.push('\n');
        }
    }
}

/// The action items as a task list, with owner, squad and due date.
fn write_actions(out: &mut String, page: &Page, org: &OrgView) {
    if !page.actions.is_empty() {
        out.push_str("## Action items\n\n");
        for a in &page.actions {
            let done = if a.status == crate::action_items::model::Status::Open {
                " "
            } else {
                "x"
            };
            let mut who: Vec<String> = vec![];
            who.extend(name(org, a.person_id));
            who.extend(org.snap.unit(a.squad_id).map(|u| u.name.clone()));
            who.extend(a.due_on.map(|d| format!("due {d}")));
            who.extend(
                page.action_topics
                    .get(&a.id)
                    .and_then(|t| page.board.topics.iter().find(|x| x.topic == *t))
                    .map(|t| format!("about \u{201c}{}\u{201d}", t.heading(&page.retro.columns))),
            );
            let _ = writeln!(out, "- [{done}] {} — {}", a.title, who.join(", "));
        }
        out.push('\n');
    }
}

/// The lessons written from the retro, linked.
fn write_lessons(out: &mut String, page: &Page) {
    if !page.lessons.is_empty() {
        out.push_str("## Lessons\n\n");
        for (id, title) in &page.lessons {
            let _ = writeln!(out, "- [{title}](/lessons/{id})");
        }
    }
}

/// The words of a closed retro for the search index: topics, cards and action items, never
/// who wrote a card.
pub fn plain(
    board: &super::model::Board,
    actions: &[crate::action_items::model::ActionItem],
) -> String {
    let mut out = String::new();
    for t in &board.topics {
        if let Some(title) = &t.title {
            out.push_str(title);
            out.push('\n');
        }
        for c in &t.cards {
            out.push_str(&c.body);
            out.push('\n');
        }
    }
    for a in actions {
        out.push_str(&a.title);
        out.push('\n');
    }
    out
}
