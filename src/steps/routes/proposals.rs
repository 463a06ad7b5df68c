//! Promotions: proposing a wider step with evidence, the proposal's page, the decision by
//! whoever the step names, withdrawing, and asking peers for feedback — and the peer's own
//! feedback page, which shows the person and the behaviors but never the step or the case.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Form, back, load_for_write, load_seen, one_error, render_person, shell, signed_in};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::site::forms::FieldErrors;
use crate::site::forms::Pairs;
use crate::site::views::no_store;
use crate::site::views::{html_with_status, see_other};
use crate::state::AppState;
use crate::steps::flow::with_org;
use crate::steps::flow::{self};
use crate::steps::framework::Framework;
use crate::steps::model::{Status, Step, parse_text};
use crate::steps::proposal_repo;
use crate::steps::repo::{self, Who};
use crate::steps::views::{FeedbackPage, ProposalPage, Sent};

fn proposal_url(loaded: &flow::Loaded, id: i64) -> String {
    format!("/people/{}/steps/proposals/{id}", loaded.person.username)
}

/// Evidence needs a few sentences: a title is not evidence.
const EVIDENCE_MIN: usize = 20;

pub(super) async fn propose(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, me) = load_seen(&state, &viewer, &username).await?;
    if !loaded.access.may_propose() {
        return Err(AppError::forbidden(
            "A promotion is proposed by the person or their chapter lead.",
        ));
    }
    let form = Pairs(form.into_inner());
    let mut errors = FieldErrors::new();
    let to = crate::steps::model::check_proposal(loaded.step(), Step::parse(form.get("to")));
    if let Err(e) = &to {
        errors.insert("to", e.clone());
    }
    let evidence = parse_text(form.get("evidence"), EVIDENCE_MIN, "evidence");
    if let Err(e) = &evidence {
        errors.insert("evidence", e.clone());
    }
    let (Ok(to), Ok(evidence)) = (to, evidence) else {
        let sent = Some(Sent::of("proposal", form));
        return render_person(&state, &viewer, &username, errors, sent).await;
    };
    let who = loaded.person.who();
    let deciders = loaded.rel.deciders(to).1.to_vec();
    let id = state
        .db
        .run(move |c| proposal_repo::propose(c, me, &who, to, &evidence, &deciders))
        .await?;
    Ok(see_other(&proposal_url(&loaded, id)))
}

pub(super) async fn proposal_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (username, id) = path.into_inner();
    render_proposal(
        &state,
        &viewer,
        &username,
        id,
        String::new(),
        FieldErrors::new(),
    )
    .await
}

async fn render_proposal(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
    id: i64,
    note: String,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let me = signed_in(viewer)?;
    let username = username.to_string();
    let page = with_org(state, move |c, view| {
        flow::proposal_page(c, view, &username, id, Some(me))
    })
    .await?;
    let Some(pv) = page
        .full
        .proposals
        .iter()
        .find(|p| p.proposal.id == page.id)
    else {
        return Err(AppError::NotFound);
    };
    let (p, feedback) = (pv.proposal.clone(), pv.feedback.clone());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(no_store(html_with_status(
        &ProposalPage {
            shell: shell(viewer),
            evidence: crate::markdown::render(&p.evidence),
            p,
            feedback,
            may_decide: page.may_decide,
            f: page.full,
            me: me.0,
            note,
            errors,
        },
        status,
    )?))
}

pub(super) async fn decide(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (username, id) = path.into_inner();
    let (loaded, me) = load_for_write(&state, &viewer, &username).await?;
    let viewer_me = flow::me(&viewer);
    let (p, loaded) = state
        .db
        .run(move |c| {
            let (p, _) = flow::proposal_for(c, &loaded, id, viewer_me)?;
            Ok((p, loaded))
        })
        .await?;
    if !loaded.rel.may_decide(p.to(), me) {
        return Err(if loaded.access.sees() || p.decided_by == Some(me) {
            let (d, _) = loaded.rel.deciders(p.to());
            AppError::forbidden(format!(
                "A promotion to {} is decided by {}.",
                p.to().label(),
                d.label()
            ))
        } else {
            flow::private()
        });
    }
    let form = Pairs(form.into_inner());
    let note = form.get("note").to_string();
    let status = match form.get("decision") {
        "approve" => Status::Approved,
        "decline" => Status::Declined,
        _ => {
            return render_proposal(
                &state,
                &viewer,
                &username,
                id,
                note,
                one_error("note", "Approve or decline."),
            )
            .await;
        }
    };
    let min = if status == Status::Declined { 1 } else { 0 };
    let checked = match parse_text(&note, min, "note") {
        Ok(n) => n,
        Err(_) if min > 0 => {
            return render_proposal(
                &state,
                &viewer,
                &username,
                id,
                note,
                one_error(
                    "note",
                    "Say why when declining, and what would make the difference.",
                ),
            )
            .await;
        }
        Err(e) => {
            return render_proposal(&state, &viewer, &username, id, note, one_error("note", e))
                .await;
        }
    };
    let who = loaded.person.who();
    state
        .db
        .run(move |c| proposal_repo::close_proposal(c, me, &who, id, status, &checked))
        .await?;
    Ok(see_other(&proposal_url(&loaded, id)))
}

pub(super) async fn withdraw(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (username, id) = path.into_inner();
    let (loaded, me) = load_seen(&state, &viewer, &username).await?;
    let p = state
        .db
        .run(move |c| proposal_repo::proposal(c, id))
        .await?;
    if p.person_id != loaded.person.id {
        return Err(AppError::NotFound);
    }
    if !(loaded.access.own || p.proposed_by == me) {
        return Err(AppError::forbidden(
            "The person or whoever proposed it may withdraw a proposal.",
        ));
    }
    let who = loaded.person.who();
    state
        .db
        .run(move |c| proposal_repo::close_proposal(c, me, &who, id, Status::Withdrawn, ""))
        .await?;
    Ok(back(&loaded))
}

pub(super) async fn ask(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (username, id) = path.into_inner();
    let (loaded, me) = load_seen(&state, &viewer, &username).await?;
    if !loaded.access.may_propose() {
        return Err(AppError::forbidden(
            "Peer feedback is asked by the person or their chapter lead.",
        ));
    }
    let peer_name = Pairs(form.into_inner()).get("peer").trim().to_lowercase();
    let person_id = loaded.person.id;
    let peer = state
        .db
        .run(move |c| {
            flow::person(c, &peer_name, None)
                .map(|p| Some(p.id))
                .or(Ok(None))
        })
        .await?;
    let Some(peer) = peer.filter(|p| *p != person_id) else {
        return render_proposal(
            &state,
            &viewer,
            &username,
            id,
            String::new(),
            one_error(
                "peer",
                "Name a colleague by their username (not the person themselves).",
            ),
        )
        .await;
    };
    let who = loaded.person.who();
    match state
        .db
        .run(move |c| proposal_repo::ask_feedback(c, me, &who, id, peer))
        .await
    {
        Ok(()) => Ok(see_other(&proposal_url(&loaded, id))),
        Err(AppError::Conflict(m)) => {
            render_proposal(
                &state,
                &viewer,
                &username,
                id,
                String::new(),
                one_error("peer", m),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- a peer's feedback

/// A feedback request as the asked peer sees it: whom it is about (never their step or the
/// evidence), whether it is still open, and the framework's behaviors to write about.
struct Asked {
    feedback: proposal_repo::Feedback,
    about: Who,
    display_name: String,
    open: bool,
    fw: Framework,
}

/// The feedback request `id`, for the peer asked only (anyone else: not found).
async fn asked(state: &AppState, me: PersonId, id: i64) -> AppResult<Asked> {
    state
        .db
        .run(move |c| {
            let feedback = proposal_repo::feedback(c, id)?;
            if feedback.peer_id != me {
                return Err(AppError::NotFound);
            }
            let p = proposal_repo::proposal(c, feedback.proposal_id)?;
            let (username, display_name) = repo::names(c, [p.person_id])?
                .remove(&p.person_id)
                .ok_or(AppError::NotFound)?;
            Ok(Asked {
                feedback,
                about: Who {
                    id: p.person_id,
                    username,
                },
                display_name,
                open: p.status() == Status::Open,
                fw: Framework::new(repo::texts(c)?),
            })
        })
        .await
}

fn feedback_form(
    viewer: &Viewer,
    a: Asked,
    answer: String,
    error: Option<String>,
) -> AppResult<HttpResponse> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(no_store(html_with_status(
        &FeedbackPage {
            shell: shell(viewer),
            id: a.feedback.id,
            display_name: a.display_name,
            fw: a.fw,
            answer,
            open: a.open,
            error,
        },
        status,
    )?))
}

pub(super) async fn feedback_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (me, _) = signed_in(&viewer)?;
    let a = asked(&state, me, *id).await?;
    let answer = a.feedback.answer.clone();
    feedback_form(&viewer, a, answer, None)
}

pub(super) async fn answer(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (me, _) = signed_in(&viewer)?;
    let id = id.into_inner();
    let a = asked(&state, me, id).await?;
    let typed = Pairs(form.into_inner()).get("answer").to_string();
    let checked = match parse_text(&typed, 1, "feedback") {
        Err(e) => return feedback_form(&viewer, a, typed, Some(e)),
        Ok(_) if !a.open => {
            let closed = "The proposal was decided meanwhile: feedback is closed.";
            return feedback_form(&viewer, a, typed, Some(closed.into()));
        }
        Ok(checked) => checked,
    };
    state
        .db
        .run(move |c| proposal_repo::answer_feedback(c, me, &a.about, id, &checked))
        .await?;
    Ok(see_other("/steps"))
}
