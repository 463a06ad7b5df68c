//! A person's career record as Markdown (`/people/{username}/steps.md`): theirs to keep, or
//! to bring to a conversation; and the private Atom feed of the records and proposals a
//! viewer may see (`/feeds/steps.atom`). Same readers as the pages.

use actix_web::{HttpRequest, HttpResponse, web};

use super::flow::{self, Me};
use super::framework::Framework;
use super::model::{Behavior, EventKind, Step, rating_label};
use super::repo;
use super::routes::with_org;
use super::routes::{no_store, signed_in};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::pages::changes::{Feed, FeedEntry, entry_id, rfc3339};
use crate::request::site_origin;
use crate::state::AppState;

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
    out
}

// ---------------------------------------------------------------- export and feed

pub(super) async fn export(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = signed_in(&viewer)?;
    let username = username.into_inner();
    let (f, fw) = with_org(&state, move |c, view| {
        Ok((
            flow::full(c, view, &username, Some(me))?,
            Framework::new(repo::texts(c)?),
        ))
    })
    .await?;
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/markdown; charset=utf-8")
            .body(super::export::markdown(&f, &fw)),
    ))
}

pub(super) async fn feed(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let me: Me = Some(signed_in(&viewer)?);
    let (events, names) = with_org(&state, move |c, view| {
        let events = flow::feed_events(c, view, me)?;
        let names = repo::names(c, events.iter().flat_map(|e| [e.person_id, e.actor_id]))?;
        Ok((events, names))
    })
    .await?;
    let base = site_origin(&req, &state.settings);
    let name = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| (String::new(), "someone".into()))
    };
    let entries: Vec<FeedEntry> = events
        .iter()
        .map(|e| {
            let (username, person) = name(e.person_id);
            let (_, actor) = name(e.actor_id);
            let what = e.kind().map(|k| k.label()).unwrap_or("Changed");
            let step = e
                .step()
                .map(|s| format!(": {}", s.label()))
                .unwrap_or_default();
            let url = match e.proposal_id {
                Some(p) => format!("{base}/people/{username}/steps/proposals/{p}"),
                None => format!("{base}/people/{username}/steps"),
            };
            FeedEntry {
                id: entry_id(&state.settings.site_id, &format!("step-event/{}", e.id)),
                title: format!("{person}: {what}{step}"),
                url,
                updated: rfc3339(e.created_at),
                author: actor,
                html: String::new(),
            }
        })
        .collect();
    Ok(no_store(
        Feed::new(
            &base,
            &state.settings.site_id,
            "/feeds/steps.atom",
            "/steps",
            "fika: career steps (private)".into(),
            entries,
        )
        .response(&req)?,
    ))
}
