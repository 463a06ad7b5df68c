//! A health-check session (`/health/{id}`): the vote, the results and the close.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{link, shell};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::health::flow::{self, SessionData};
use crate::health::model::{self, Ballot};
use crate::health::repo;
use crate::health::views::{
    Cell, Item, SessionPage, UnitLink, colors, counts, trend_choices, trends,
};
use crate::org::cache::org_view;
use crate::people::model::Person;
use crate::site::forms::Pairs;
use crate::site::views::{html_with_status, see_other};
use crate::state::AppState;

/// A vote form that did not pass its checks, to show again as typed.
struct Typed {
    ballots: HashMap<i64, Ballot>,
    errors: Vec<(i64, String)>,
}

pub(super) async fn session_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    render_session(&state, &viewer, id.into_inner(), None).await
}

async fn render_session(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    typed: Option<Typed>,
) -> AppResult<HttpResponse> {
    let org = org_view(state).await?;
    let data = state.db.run(move |c| flow::session(c, id)).await?;
    let s = &data.session;
    let squad = flow::squad_of(&org, s)?;
    let me = viewer.person();
    let closed = s.closed();
    let may_vote = !closed && me.is_some_and(|p| flow::may_vote(s, &org.snap, p));
    let mine = my_ballots(&data, me);
    let (status, ballots, errors) = match typed {
        Some(t) => (StatusCode::UNPROCESSABLE_ENTITY, t.ballots, t.errors),
        None => (StatusCode::OK, HashMap::new(), vec![]),
    };
    let items = items(&data, may_vote, ballots, &mine, &errors);
    let facilitator = org.snap.person(s.facilitator_id).map(|p| UnitLink {
        name: p.display_name.clone(),
        url: format!("/people/{}", p.username),
    });
    html_with_status(
        &SessionPage {
            shell: shell(viewer),
            url: s.url(),
            squad: link(squad),
            history: format!("{}/health", squad.url()),
            date: s.held_on.to_string(),
            facilitator,
            closed,
            hidden: data.results.hidden,
            participants: data.results.participants,
            may_close: !closed && me.is_some_and(|p| flow::may_close(s, p)),
            may_vote,
            voter_note: (!closed && me.is_some() && !may_vote).then_some(flow::NOT_A_VOTER),
            voted: !mine.is_empty(),
            items,
            error: error_of(&errors, 0),
            colors: colors(),
            trends: trend_choices(),
            comment_max: model::COMMENT_MAX,
        },
        status,
    )
}

/// The viewer's own votes in the session, as the form shows them.
fn my_ballots(data: &SessionData, me: Option<&Person>) -> HashMap<i64, Ballot> {
    data.votes
        .iter()
        .filter(|v| me.is_some_and(|p| p.id == v.person_id))
        .map(|v| {
            let b = Ballot {
                color: v.color.key().into(),
                trend: v.trend.map(|t| t.key().to_string()).unwrap_or_default(),
                comment: v.comment.clone(),
            };
            (v.indicator_id, b)
        })
        .collect()
}

/// The message for indicator `id`, or (`0`) for the whole form.
fn error_of(errors: &[(i64, String)], id: i64) -> Option<String> {
    errors
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, m)| m.clone())
}

/// Each indicator with its results and, where the viewer may vote, its part of the form:
/// as typed when the form came back, else the viewer's vote.
fn items(
    data: &SessionData,
    may_vote: bool,
    mut ballots: HashMap<i64, Ballot>,
    mine: &HashMap<i64, Ballot>,
    errors: &[(i64, String)],
) -> Vec<Item> {
    flow::columns(&data.indicators, std::iter::once(&data.results))
        .into_iter()
        .map(|i| {
            let t = data.results.tally(i.id);
            Item {
                id: i.id,
                name: i.name.clone(),
                awesome: i.awesome.clone(),
                crappy: i.crappy.clone(),
                retired: i.retired,
                cell: Cell::in_results(&i.name, &data.results, i.id),
                counts: counts(&t),
                trends: trends(&t),
                comments: data.results.comments(i.id).to_vec(),
                in_form: may_vote && !i.retired,
                ballot: ballots
                    .remove(&i.id)
                    .or_else(|| mine.get(&i.id).cloned())
                    .unwrap_or_default(),
                error: error_of(errors, i.id),
            }
        })
        .collect()
}

/// Takes a person's whole vote (every indicator in one form); voting again replaces it.
pub(super) async fn vote(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let id = id.into_inner();
    let org = org_view(&state).await?;
    let data = state.db.run(move |c| flow::session(c, id)).await?;
    if data.session.closed() {
        return Err(AppError::Conflict(repo::CLOSED.into()));
    }
    if !flow::may_vote(&data.session, &org.snap, &me) {
        return Err(AppError::forbidden(flow::NOT_A_VOTER));
    }
    let form = Pairs(form.into_inner());
    let active: Vec<i64> = data
        .indicators
        .iter()
        .filter(|i| !i.retired)
        .map(|i| i.id)
        .collect();
    let ballots: Vec<(i64, Ballot)> = active
        .iter()
        .map(|i| {
            let b = Ballot {
                color: form.get(&format!("color_{i}")).to_string(),
                trend: form.get(&format!("trend_{i}")).to_string(),
                comment: form.get(&format!("comment_{i}")).to_string(),
            };
            (*i, b)
        })
        .collect();
    match model::check_ballots(&ballots) {
        Ok(votes) => {
            state
                .db
                .run(move |c| repo::replace_votes(c, id, me.id, &active, &votes))
                .await?;
            Ok(see_other(&format!("/health/{id}#results")))
        }
        Err(errors) => {
            let typed = Typed {
                ballots: ballots.into_iter().collect(),
                errors,
            };
            render_session(&state, &viewer, id, Some(typed)).await
        }
    }
}

pub(super) async fn close(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let id = id.into_inner();
    let session = state.db.run(move |c| repo::session(c, id)).await?;
    if !flow::may_close(&session, &me) {
        return Err(AppError::forbidden(
            "Only the session's facilitator or an admin closes a health check.",
        ));
    }
    state.db.run(move |c| repo::close(c, me.id, id)).await?;
    Ok(see_other(&session.url()))
}
