//! A person's career record as Markdown (served at `/people/{username}/steps.md`): theirs
//! to keep, or to bring to a conversation.

use super::framework::Framework;
use super::model::{Behavior, EventKind, Step, rating_label};

use std::fmt::Write;

use super::flow::Full;

pub fn markdown(f: &Full, fw: &Framework) -> String {
    let l = &f.loaded;
    let mut out = String::new();
    let _ = writeln!(out, "# {}: career steps\n", l.person.display_name);
    let _ = writeln!(
        out,
        "_Private: {}, their chapter lead and admins._\n",
        l.person.display_name
    );
    summary(&mut out, f);
    assessments(&mut out, f, fw);
    promotions(&mut out, f);
    history(&mut out, f);
    out
}

/// Step, visibility, discipline, roles and dates, as a list.
fn summary(out: &mut String, f: &Full) {
    let l = &f.loaded;
    let step = match l.step() {
        Some(s) => {
            let since = l
                .profile
                .as_ref()
                .and_then(|p| p.step_since)
                .map(|d| format!(" (since {d})"))
                .unwrap_or_default();
            format!("{}{since}", s.label())
        }
        None => "not set yet".to_string(),
    };
    let _ = writeln!(out, "- Step: {step}");
    let _ = writeln!(
        out,
        "- Visible to everyone: {}",
        if l.public() { "yes" } else { "no" }
    );
    let _ = writeln!(
        out,
        "- Discipline: {}",
        f.discipline().map(|e| e.name.as_str()).unwrap_or("—")
    );
    let roles: Vec<&str> = f.roles().iter().map(|e| e.name.as_str()).collect();
    let _ = writeln!(
        out,
        "- Roles: {}",
        if roles.is_empty() {
            "—".to_string()
        } else {
            roles.join(", ")
        }
    );
    if let Some(d) = l.started_on {
        let _ = writeln!(out, "- Started: {d}");
    }
    if let Some(d) = l.review_due() {
        let _ = writeln!(out, "- Six-month review due: {d}");
    }
}

/// The ratings of every behavior and step either side gave, then their notes.
fn assessments(out: &mut String, f: &Full, fw: &Framework) {
    let _ = writeln!(out, "\n## Assessments\n");
    let _ = writeln!(out, "| Behavior | Step | Self | Lead |\n|---|---|---|---|");
    for b in Behavior::ALL {
        for s in Step::ALL {
            let (a, ld) = (f.own.rating(*b, *s), f.lead.rating(*b, *s));
            if a.is_none() && ld.is_none() {
                continue;
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                b.label(),
                s.label(),
                a.map(rating_label).unwrap_or("—"),
                ld.map(rating_label).unwrap_or("—")
            );
        }
    }
    for b in Behavior::ALL {
        let (own, lead) = (f.own.row(*b).note, f.lead.row(*b).note);
        if own.is_empty() && lead.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n### {}\n\n_{}_\n",
            b.label(),
            fw.behavior_description(b)
        );
        if !own.is_empty() {
            let _ = writeln!(out, "- Self: {own}");
        }
        if !lead.is_empty() {
            let _ = writeln!(out, "- Lead: {lead}");
        }
    }
}

/// Every proposal with its decision and the peers' answers.
fn promotions(out: &mut String, f: &Full) {
    let _ = writeln!(out, "\n## Promotions\n");
    if f.proposals.is_empty() {
        let _ = writeln!(out, "None yet.");
    }
    for pv in &f.proposals {
        let p = &pv.proposal;
        let _ = writeln!(
            out,
            "### {} → {} ({})\n\nProposed {} by {}.{}\n\n{}\n",
            p.from().label(),
            p.to().label(),
            p.status().label().to_lowercase(),
            p.created_at.format("%Y-%m-%d"),
            f.name(p.proposed_by),
            match (p.decided_by, p.decided_at) {
                (Some(d), Some(at)) => format!(
                    " Closed {} by {}{}.",
                    at.format("%Y-%m-%d"),
                    f.name(d),
                    if p.decision_note.is_empty() {
                        String::new()
                    } else {
                        format!(": “{}”", p.decision_note)
                    }
                ),
                _ => String::new(),
            },
            p.evidence
        );
        for fb in pv.feedback.iter().filter(|fb| fb.answered_at.is_some()) {
            let _ = writeln!(
                out,
                "> Feedback from {}: {}\n",
                f.name(fb.peer_id),
                fb.answer.replace('\n', "\n> ")
            );
        }
    }
}

/// The record's history, oldest first.
fn history(out: &mut String, f: &Full) {
    let _ = writeln!(out, "## History\n");
    for e in &f.events {
        let _ = writeln!(
            out,
            "- {} — {}{} — {}{}",
            e.created_at.format("%Y-%m-%d %H:%M"),
            e.kind().map(EventKind::label).unwrap_or("changed"),
            e.step()
                .map(|s| format!(": {}", s.label()))
                .unwrap_or_default(),
            f.name(e.actor_id),
            if e.note.is_empty() {
                String::new()
            } else {
                format!(" (“{}”)", e.note)
            }
        );
    }
}
