//! A post-mortem as text: the Markdown export (to paste into a tracker, a chat or an email)
//! and the plain text that search reads.

use std::fmt::Write;

use super::model::Postmortem;
use super::model::{PostmortemInput, format_duration};
use crate::ids::{PersonId, UnitId};
use crate::org::cache::OrgView;

/// One post-mortem as a Markdown document; `lessons` are its published lessons (id, title).
pub fn markdown(pm: &Postmortem, org: &OrgView, lessons: &[(i64, String)], base: &str) -> String {
    let i = &pm.input;
    let names = Names { org };
    let mut out = String::new();
    // Writing to a String cannot fail; the results of `writeln!` are ignored on purpose here
    // and in every helper below.
    header(&mut out, pm, &names, base);
    section(&mut out, "Summary", &i.summary);
    section(&mut out, "Impact", &i.impact);
    timeline(&mut out, i);
    factors(&mut out, i);
    section(&mut out, "Detection", &i.detection);
    section(&mut out, "What went well", &i.went_well);
    section(&mut out, "What went wrong", &i.went_wrong);
    section(&mut out, "Where we got lucky", &i.lucky);
    lessons_learned(&mut out, i, lessons, base);
    action_items(&mut out, pm, &names);
    out
}

/// Units and people by name, or a placeholder for those who are gone.
struct Names<'a> {
    org: &'a OrgView,
}

impl Names<'_> {
    fn unit(&self, id: UnitId) -> String {
        self.org
            .snap
            .unit(id)
            .map_or_else(|| "(a former squad)".to_string(), |u| u.name.clone())
    }

    fn person(&self, id: PersonId) -> String {
        self.org.snap.person(id).map_or_else(
            || "(a former colleague)".to_string(),
            |p| format!("{} (@{})", p.display_name, p.username),
        )
    }
}

/// The title and the facts list: severity, status, people, times, link.
fn header(out: &mut String, pm: &Postmortem, names: &Names<'_>, base: &str) {
    let i = &pm.input;
    let _ = writeln!(out, "# {}\n", one_line(&i.title));
    let _ = writeln!(out, "- Severity: {}", i.severity.key());
    let _ = writeln!(
        out,
        "- Status: {}{}",
        pm.status.label(),
        pm.published_at
            .map(|t| format!(" ({})", t.format("%Y-%m-%d")))
            .unwrap_or_default()
    );
    let squads: Vec<String> = i.squads.iter().map(|s| names.unit(*s)).collect();
    let _ = writeln!(out, "- Squads involved: {}", squads.join(", "));
    let authors: Vec<String> = i.authors.iter().map(|a| names.person(*a)).collect();
    let _ = writeln!(out, "- Authors: {}", authors.join(", "));
    if let Some(f) = i.facilitator {
        let _ = writeln!(out, "- Facilitator: {}", names.person(f));
    }
    let d = i.times.durations();
    for (what, at, took) in [
        ("Started", i.times.started, None),
        ("Detected", i.times.detected, d.detect),
        ("Mitigated", i.times.mitigated, d.mitigate),
        ("Resolved", i.times.resolved, d.resolve),
    ] {
        if let Some(at) = at {
            let _ = writeln!(
                out,
                "- {what}: {} UTC{}",
                at.format("%Y-%m-%d %H:%M"),
                took.map(|t| format!(" (after {})", format_duration(t)))
                    .unwrap_or_default()
            );
        }
    }
    let _ = writeln!(out, "- Link: {base}{}", pm.url());
}

/// A written section, left out when empty.
fn section(out: &mut String, title: &str, text: &str) {
    if !text.trim().is_empty() {
        let _ = writeln!(out, "\n## {title}\n\n{}", text.trim());
    }
}

fn timeline(out: &mut String, i: &PostmortemInput) {
    if !i.timeline.is_empty() {
        let _ = writeln!(out, "\n## Timeline (UTC)\n");
        for e in &i.timeline {
            let _ = writeln!(
                out,
                "- **{}** {}",
                e.at.format("%Y-%m-%d %H:%M"),
                one_line(&e.text)
            );
        }
    }
}

fn factors(out: &mut String, i: &PostmortemInput) {
    if !i.factors.is_empty() {
        let _ = writeln!(out, "\n## Contributing factors\n");
        for f in &i.factors {
            let _ = writeln!(out, "- {}", one_line(f));
        }
    }
}

/// The published lessons as links, then the pending ones.
fn lessons_learned(out: &mut String, i: &PostmortemInput, lessons: &[(i64, String)], base: &str) {
    if !lessons.is_empty() || !i.lessons.is_empty() {
        let _ = writeln!(out, "\n## Lessons\n");
        for (id, title) in lessons {
            let _ = writeln!(out, "- [{}]({base}/lessons/{id})", one_line(title));
        }
        for l in &i.lessons {
            let _ = writeln!(out, "- {} (not yet published)", one_line(&l.title));
        }
    }
}

/// The action items as a table.
fn action_items(out: &mut String, pm: &Postmortem, names: &Names<'_>) {
    if !pm.items.is_empty() {
        let _ = writeln!(
            out,
            "\n## Action items\n\n| Action | Type | Owner | Due | Status |\n|---|---|---|---|---|"
        );
        for a in &pm.items {
            let owner = match a.person_id {
                Some(p) => format!("{}, {}", names.unit(a.squad_id), names.person(p)),
                None => names.unit(a.squad_id),
            };
            let title = if a.tracker.is_empty() {
                cell(&a.title)
            } else {
                format!("[{}]({})", cell(&a.title), a.tracker)
            };
            let status = if a.reason.is_empty() {
                a.status.label().to_string()
            } else {
                format!("{}: {}", a.status.label(), cell(&a.reason))
            };
            let _ = writeln!(
                out,
                "| {title} | {} | {} | {} | {status} |",
                a.kind.label(),
                cell(&owner),
                a.due_on.map(|d| d.to_string()).unwrap_or_default(),
            );
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a table cell: one line, and a `|` that does not end the cell.
fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

/// What search reads of a post-mortem: every written section, as plain text.
pub fn plain(i: &PostmortemInput) -> String {
    let mut parts: Vec<String> = vec![
        crate::markdown::plain_text(&i.summary),
        crate::markdown::plain_text(&i.impact),
    ];
    parts.extend(i.timeline.iter().map(|e| e.text.clone()));
    parts.extend(i.factors.iter().cloned());
    for t in [&i.detection, &i.went_well, &i.went_wrong, &i.lucky] {
        parts.push(crate::markdown::plain_text(t));
    }
    parts.extend(i.actions.iter().map(|a| a.title.clone()));
    parts.retain(|p| !p.trim().is_empty());
    parts.join("\n")
}
