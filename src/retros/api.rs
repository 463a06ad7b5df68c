//! Retros' JSON API (a contract): `GET/POST /api/v1/retros` and `GET /api/v1/retros/{id}`
//! with the cards, groups, votes and action items. It shows what the pages show to the same
//! person: before the reveal, only their own cards (which, in an anonymous retro, a token
//! cannot own: anonymous cards are written from a browser session); never who wrote a card in
//! an anonymous retro; never who voted for what.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::flow::ListQuery;
use super::flow::{self, NewForm, Page};
use super::model::{Card, Retro};
use crate::auth::Viewer;
use crate::error::{AppResult, ErrorJson};
use crate::ids::PersonId;
use crate::org::cache::OrgView;
use crate::org::cache::org_view;
use crate::retros::flow::RetroCache;
use crate::site::paging::{self, PageQuery};
use crate::site::views::invalid;
use crate::state::AppState;

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, get))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/retros", web::get().to(list))
        .route("/api/v1/retros", web::post().to(create))
        .route("/api/v1/retros/{id}", web::get().to(get));
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = RetroSummary)]
struct SummaryJson {
    id: i64,
    url: String,
    title: String,
    squad: String,
    held_on: NaiveDate,
    format: &'static str,
    columns: Vec<String>,
    phase: &'static str,
    anonymous: bool,
    vote_limit: u32,
    hide_votes: bool,
    facilitator: String,
}

fn summary(r: &Retro, org: &OrgView) -> SummaryJson {
    SummaryJson {
        id: r.id,
        url: r.url(),
        title: r.title.clone(),
        squad: org
            .snap
            .unit(r.squad_id)
            .map(|u| u.slug.clone())
            .unwrap_or_default(),
        held_on: r.held_on,
        format: r.format.key(),
        columns: r.columns.clone(),
        phase: r.phase.key(),
        anonymous: r.anonymous,
        vote_limit: r.vote_limit,
        hide_votes: r.hide_votes,
        facilitator: username(org, Some(r.facilitator_id)).unwrap_or_default(),
    }
}

fn username(org: &OrgView, id: Option<PersonId>) -> Option<String> {
    id.and_then(|id| org.snap.person(id))
        .map(|p| p.username.clone())
}

#[utoipa::path(get, path = "/api/v1/retros", tag = "retros", params(("squad" = Option<String>, Query, description = "Only this squad's (slug)"), ("tribe" = Option<String>, Query, description = "Only the squads of this tribe (slug)"), ("from" = Option<String>, Query, description = "Held on or after this date (YYYY-MM-DD)"), ("to" = Option<String>, Query, description = "Held on or before this date (YYYY-MM-DD)"), PageQuery), responses((status = 200, description = "A page of retros, newest first", body = paging::Page<SummaryJson>), (status = 422, description = "A filter is wrong", body = ErrorJson)))]
async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let cache = state.part::<RetroCache>()?;
    let all = state.db.run(move |c| flow::all(c, &cache)).await?;
    let rows: Vec<SummaryJson> = q
        .select(all.as_ref().clone(), &viewer, &org)?
        .iter()
        .map(|r| summary(r, &org))
        .collect();
    paging::respond(&req, &page, rows, |r| r.id.to_string())
}

/// What a script sends to start a retro.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RetroBody {
    squad: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    held_on: Option<String>,
    #[serde(default)]
    format: String,
    /// For the `custom` format.
    #[serde(default)]
    columns: Vec<String>,
    #[serde(default)]
    anonymous: bool,
    #[serde(default)]
    vote_limit: Option<u32>,
    /// Tallies hidden until the vote closes; true when not said.
    #[serde(default)]
    hide_votes: Option<bool>,
    #[serde(default)]
    facilitator: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/retros", tag = "retros", request_body = RetroBody, responses((status = 201, description = "The retro made", body = SummaryJson), (status = 403, description = "Not a member of the squad", body = ErrorJson), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: crate::request::JsonBody<RetroBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let form = NewForm {
        squad: b.squad,
        title: b.title,
        held_on: b.held_on.unwrap_or_default(),
        format: if b.format.is_empty() {
            "start_stop_continue".into()
        } else {
            b.format
        },
        columns: b.columns.join("\n"),
        anonymous: if b.anonymous {
            "on".into()
        } else {
            String::new()
        },
        vote_limit: b.vote_limit.map(|n| n.to_string()).unwrap_or_default(),
        dots: match b.hide_votes {
            Some(false) => "shown".into(),
            _ => "hidden".into(),
        },
        facilitator: b.facilitator.unwrap_or_default(),
    };
    let org = org_view(&state).await?;
    match flow::create(&state, &viewer, &org, &form).await? {
        Ok(retro) => Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/retros/{}", retro.id)))
            .json(summary(&retro, &org))),
        Err(errors) => Ok(invalid(errors)),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
struct CardJson {
    id: i64,
    column: String,
    body: String,
    group: Option<i64>,
    /// Left out in an anonymous retro.
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    mine: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
struct GroupJson {
    id: i64,
    title: String,
    cards: Vec<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct VoteJson {
    /// `g12` (a group) or `c34` (a card in no group).
    topic: String,
    /// Left out while the tallies are hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    votes: Option<u32>,
    mine: u32,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = RetroAction)]
struct ActionJson {
    id: i64,
    title: String,
    squad: String,
    person: Option<String>,
    due: Option<NaiveDate>,
    status: &'static str,
    /// The topic of this retro's board the item is about (`g12`, `c34`).
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = RetroReview)]
struct ReviewJson {
    action: ActionJson,
    from_retro: i64,
    verdict: Option<&'static str>,
}

fn action_json(a: &crate::action_items::model::ActionItem, org: &OrgView) -> ActionJson {
    ActionJson {
        id: a.id,
        title: a.title.clone(),
        squad: org
            .snap
            .unit(a.squad_id)
            .map(|u| u.slug.clone())
            .unwrap_or_default(),
        person: username(org, a.person_id),
        due: a.due_on,
        status: a.status.key(),
        topic: None,
    }
}

#[utoipa::path(get, path = "/api/v1/retros/{id}", tag = "retros", params(("id" = i64, Path, description = "The retro's id")), responses((status = 200, description = "The retro: its board as the asker may see it, votes, action items, review and lessons", body = RetroJson), (status = 404, description = "No such retro, or not yours to see", body = ErrorJson)))]
async fn get(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (org, page) = flow::page(&state, &viewer, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(detail(&page, &org)))
}

/// The board's cards as the asker may see them, in the order they were written.
fn cards_json(page: &Page, org: &OrgView) -> Vec<CardJson> {
    let r = &page.retro;
    let card = |c: &Card| CardJson {
        id: c.id,
        column: r.columns.get(c.column).cloned().unwrap_or_default(),
        body: c.body.clone(),
        group: c.group_id,
        author: if r.anonymous {
            None
        } else {
            username(org, c.author_id)
        },
        mine: page.seat.wrote(c),
    };
    let mut cards: Vec<CardJson> = page
        .board
        .columns
        .iter()
        .flat_map(|(_, cs)| cs.iter().map(card))
        .collect();
    cards.extend(
        page.board
            .topics
            .iter()
            .filter(|t| t.title.is_some())
            .flat_map(|t| t.cards.iter().map(card)),
    );
    cards.sort_by_key(|c| c.id);
    cards
}

fn detail(page: &Page, org: &OrgView) -> RetroJson {
    let r = &page.retro;
    let cards = cards_json(page, org);
    let groups: Vec<GroupJson> = page
        .board
        .topics
        .iter()
        .filter_map(|t| match t.topic {
            super::model::Topic::Group(id) => Some(GroupJson {
                id,
                title: t.title.clone().unwrap_or_default(),
                cards: t.cards.iter().map(|c| c.id).collect(),
            }),
            super::model::Topic::Card(_) => None,
        })
        .collect();
    let votes: Vec<VoteJson> = page
        .board
        .topics
        .iter()
        .map(|t| VoteJson {
            topic: t.topic.key(),
            votes: t.votes,
            mine: t.mine,
        })
        .collect();
    RetroJson {
        retro: summary(r, org),
        cards_written: page.board.written,
        cards,
        groups,
        votes,
        votes_cast: page.board.votes_cast,
        voters: page.board.voters,
        votes_hidden: r.tallies_hidden(),
        votes_left: page.board.votes_left(r.vote_limit),
        action_items: page
            .actions
            .iter()
            .map(|a| ActionJson {
                topic: page.action_topics.get(&a.id).map(|t| t.key()),
                ..action_json(a, org)
            })
            .collect(),
        review: page
            .review
            .iter()
            .map(|x| ReviewJson {
                action: action_json(&x.item, org),
                from_retro: x.item.source_id,
                verdict: x.verdict.map(|v| v.key()),
            })
            .collect(),
        lessons: page
            .lessons
            .iter()
            .map(|(id, title)| LessonLinkJson {
                id: *id,
                title: title.clone(),
                url: format!("/lessons/{id}"),
            })
            .collect(),
    }
}

/// A retro as `GET /api/v1/retros/{id}` answers it.
#[derive(Serialize, utoipa::ToSchema)]
struct RetroJson {
    retro: SummaryJson,
    cards_written: usize,
    cards: Vec<CardJson>,
    groups: Vec<GroupJson>,
    votes: Vec<VoteJson>,
    votes_cast: u32,
    voters: u32,
    votes_hidden: bool,
    votes_left: u32,
    action_items: Vec<ActionJson>,
    review: Vec<ReviewJson>,
    lessons: Vec<LessonLinkJson>,
}

/// A lesson the retro gave.
#[derive(Serialize, utoipa::ToSchema)]
struct LessonLinkJson {
    id: i64,
    title: String,
    url: String,
}
