//! The career-step API (contract): `GET /api/v1/people/{username}/step`. Anyone not allowed
//! gets 403 whether or not a step exists (404 only for an unknown person); a public step is
//! answered with the step alone.

use actix_web::{HttpResponse, web};
use serde_json::{Map, Value, json};

use super::flow::with_org;
use super::flow::{self, Full};
use super::model::{Behavior, Side, Step, summarize};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/people/{username}/step", web::get().to(get_step));
}

fn step_json(s: Option<Step>) -> Value {
    match s {
        Some(s) => json!({"key": s.key(), "name": s.label()}),
        None => Value::Null,
    }
}

async fn get_step(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = flow::me(&viewer);
    let username = username.into_inner();
    let body = with_org(&state, move |c, view| {
        let loaded = flow::load(c, view, &username, me)?;
        if loaded.access.sees() {
            return Ok(full_json(&flow::read_full(c, loaded)?));
        }
        match flow::public_of(&loaded) {
            Some(p) => Ok(json!({
                "username": loaded.person.username,
                "display_name": loaded.person.display_name,
                "public": true,
                "step": step_json(Some(p.step)),
                "since": p.since,
            })),
            None => Err(flow::private()),
        }
    })
    .await?;
    Ok(crate::site::views::no_store(HttpResponse::Ok().json(body)))
}

fn assessment_json(f: &Full, side: Side) -> Value {
    let a = match side {
        Side::Own => &f.own,
        Side::Lead => &f.lead,
    };
    let mut m = Map::new();
    for b in Behavior::ALL {
        let row = a.row(*b);
        let mut r = Map::new();
        for s in Step::ALL {
            r.insert(s.key().into(), json!(row.ratings[s.rank()]));
        }
        r.insert("note".into(), json!(row.note));
        m.insert(b.key().into(), Value::Object(r));
    }
    Value::Object(m)
}

fn full_json(f: &Full) -> Value {
    let l = &f.loaded;
    let username = |id: PersonId| f.names.get(&id).map(|(u, _)| u.clone());
    let summary = summarize(&f.own, &f.lead);
    json!({
        "username": l.person.username,
        "display_name": l.person.display_name,
        "public": l.public(),
        "step": step_json(l.step()),
        "since": l.profile.as_ref().and_then(|p| p.step_since),
        "discipline": f.discipline().map(|e| e.name.clone()),
        "roles": f.roles().iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
        "started_on": l.started_on,
        "review_due": l.review_due(),
        "chapter_leads": l.rel.chapter_leads.iter().filter_map(|id| username(*id)).collect::<Vec<_>>(),
        "assessments": {
            "self": assessment_json(f, Side::Own),
            "lead": assessment_json(f, Side::Lead),
        },
        "assessed_at": {"self": f.own.updated_at, "lead": f.lead.updated_at},
        "comparison": {"both_rated": summary.both_rated, "agree": summary.agree},
        "proposals": f.proposals.iter().map(|pv| {
            let p = &pv.proposal;
            json!({
                "id": p.id,
                "from": p.from().key(),
                "to": p.to().key(),
                "status": p.status().key(),
                "evidence": p.evidence,
                "proposed_by": username(p.proposed_by),
                "created_at": p.created_at,
                "decided_by": p.decided_by.and_then(username),
                "decided_at": p.decided_at,
                "decision_note": p.decision_note,
                "feedback": pv.feedback.iter().map(|fb| json!({
                    "peer": username(fb.peer_id),
                    "answered": fb.answered_at.is_some(),
                    "answer": fb.answer,
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "history": f.events.iter().map(|e| json!({
            "kind": e.kind,
            "step": e.step,
            "actor": username(e.actor_id),
            "at": e.created_at,
            "note": e.note,
        })).collect::<Vec<_>>(),
    })
}
