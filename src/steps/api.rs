//! The career-step API (contract): `GET /api/v1/people/{username}/step`. Anyone not allowed
//! gets 403 whether or not a step exists (404 only for an unknown person); a public step is
//! answered with the step alone.

use actix_web::{HttpResponse, web};
use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::{Value, json};

use super::flow::with_org;
use super::flow::{self, Full};
use super::model::{Behavior, Side, Step, summarize};
use crate::auth::Viewer;
use crate::error::{AppResult, ErrorJson};
use crate::ids::PersonId;
use crate::state::AppState;

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(get_step))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/people/{username}/step", web::get().to(get_step));
}

/// A career step: its key and its name.
#[derive(Serialize, utoipa::ToSchema)]
struct StepJson {
    key: &'static str,
    name: &'static str,
}

fn step_json(s: Option<Step>) -> Option<StepJson> {
    s.map(|s| StepJson {
        key: s.key(),
        name: s.label(),
    })
}

/// A person's career step as the asker may see it: everything for the person, their chapter
/// leads and administrators; the step alone (`public: true`) where the person made it public.
#[derive(Serialize, utoipa::ToSchema)]
struct PersonStepJson {
    username: String,
    display_name: String,
    public: bool,
    step: Option<StepJson>,
    since: Option<NaiveDate>,
    #[serde(flatten)]
    #[schema(inline)]
    full: Option<FullJson>,
}

/// What only the person's readers see.
#[derive(Serialize, utoipa::ToSchema)]
struct FullJson {
    discipline: Option<String>,
    roles: Vec<String>,
    started_on: Option<NaiveDate>,
    review_due: Option<NaiveDate>,
    chapter_leads: Vec<String>,
    /// `self` and `lead`: behaviour → step → rating (1–4 or null), and `note`.
    #[schema(value_type = Object)]
    assessments: BTreeMap<&'static str, BTreeMap<String, BTreeMap<String, Value>>>,
    /// `self` and `lead`: when each assessment was last changed.
    assessed_at: BTreeMap<&'static str, Option<NaiveDateTime>>,
    comparison: ComparisonJson,
    proposals: Vec<ProposalJson>,
    history: Vec<EventJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ComparisonJson {
    both_rated: usize,
    agree: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ProposalJson {
    id: i64,
    from: &'static str,
    to: &'static str,
    status: &'static str,
    evidence: String,
    proposed_by: Option<String>,
    created_at: NaiveDateTime,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_note: String,
    feedback: Vec<FeedbackJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct FeedbackJson {
    peer: Option<String>,
    answered: bool,
    answer: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct EventJson {
    kind: String,
    step: Option<String>,
    actor: Option<String>,
    at: NaiveDateTime,
    note: String,
}

/// A person's career step.
#[utoipa::path(get, path = "/api/v1/people/{username}/step", tag = "steps",
    params(("username" = String, Path, description = "The person's username")),
    responses((status = 200, description = "The step, as the asker may see it", body = PersonStepJson),
              (status = 403, description = "Not the asker's to see (whether or not a step exists)", body = ErrorJson),
              (status = 404, description = "No such person", body = ErrorJson)))]
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
            Some(p) => Ok(PersonStepJson {
                username: loaded.person.username.clone(),
                display_name: loaded.person.display_name.clone(),
                public: true,
                step: step_json(Some(p.step)),
                since: p.since,
                full: None,
            }),
            None => Err(flow::private()),
        }
    })
    .await?;
    Ok(crate::site::views::no_store(HttpResponse::Ok().json(body)))
}

fn assessment_json(f: &Full, side: Side) -> BTreeMap<String, BTreeMap<String, Value>> {
    let a = match side {
        Side::Own => &f.own,
        Side::Lead => &f.lead,
    };
    Behavior::ALL
        .iter()
        .map(|b| {
            let row = a.row(*b);
            let mut r: BTreeMap<String, Value> = Step::ALL
                .iter()
                .map(|s| (s.key().to_string(), json!(row.ratings[s.rank()])))
                .collect();
            r.insert("note".into(), json!(row.note));
            (b.key().to_string(), r)
        })
        .collect()
}

fn full_json(f: &Full) -> PersonStepJson {
    let l = &f.loaded;
    let username = |id: PersonId| f.names.get(&id).map(|(u, _)| u.clone());
    let summary = summarize(&f.own, &f.lead);
    let full = FullJson {
        discipline: f.discipline().map(|e| e.name.clone()),
        roles: f.roles().iter().map(|e| e.name.clone()).collect(),
        started_on: l.started_on,
        review_due: l.review_due(),
        chapter_leads: l
            .rel
            .chapter_leads
            .iter()
            .filter_map(|id| username(*id))
            .collect(),
        assessments: BTreeMap::from([
            ("self", assessment_json(f, Side::Own)),
            ("lead", assessment_json(f, Side::Lead)),
        ]),
        assessed_at: BTreeMap::from([("self", f.own.updated_at), ("lead", f.lead.updated_at)]),
        comparison: ComparisonJson {
            both_rated: summary.both_rated,
            agree: summary.agree,
        },
        proposals: f
            .proposals
            .iter()
            .map(|pv| {
                let p = &pv.proposal;
                ProposalJson {
                    id: p.id,
                    from: p.from().key(),
                    to: p.to().key(),
                    status: p.status().key(),
                    evidence: p.evidence.clone(),
                    proposed_by: username(p.proposed_by),
                    created_at: p.created_at,
                    decided_by: p.decided_by.and_then(username),
                    decided_at: p.decided_at,
                    decision_note: p.decision_note.clone(),
                    feedback: pv
                        .feedback
                        .iter()
                        .map(|fb| FeedbackJson {
                            peer: username(fb.peer_id),
                            answered: fb.answered_at.is_some(),
                            answer: fb.answer.clone(),
                        })
                        .collect(),
                }
            })
            .collect(),
        history: f
            .events
            .iter()
            .map(|e| EventJson {
                kind: e.kind.clone(),
                step: e.step.clone(),
                actor: username(e.actor_id),
                at: e.created_at,
                note: e.note.clone(),
            })
            .collect(),
    };
    PersonStepJson {
        username: l.person.username.clone(),
        display_name: l.person.display_name.clone(),
        public: l.public(),
        step: step_json(l.step()),
        since: l.profile.as_ref().and_then(|p| p.step_since),
        full: Some(full),
    }
}
