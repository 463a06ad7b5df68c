//! `/retros`: the list with its filters, starting a retro, the live board with one form per
//! action (each works without JavaScript: post, then back to the board), and the Markdown
//! export. A board page asked for with `?v=N` answers 204 while the retro is still at version
//! N: that is what the live script polls.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::flow::{self, ActionForm, ListQuery, NewForm};
use super::model::{Phase, Topic, Verdict};
use super::presence::{self, Presence};
use super::repo;
use super::views::{ListPage, ListRow, NewPage, ShowPage};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::org_view;
use crate::retros::flow::RetroCache;
use crate::site::forms::Pairs;
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/retros", web::get().to(list))
        .route("/retros/new", web::get().to(new_form))
        .route("/retros/new", web::post().to(create))
        .route("/retros/{id:\\d+}.md", web::get().to(markdown))
        .route("/retros/{id}", web::get().to(show))
        .route("/retros/{id}/phase", web::post().to(phase))
        .route("/retros/{id}/cards", web::post().to(add_card))
        .route(
            "/retros/{id}/cards/{card}/delete",
            web::post().to(delete_card),
        )
        .route("/retros/{id}/cards/{card}/edit", web::post().to(edit_card))
        .route("/retros/{id}/cards/{card}/ungroup", web::post().to(ungroup))
        .route("/retros/{id}/groups", web::post().to(group))
        .route("/retros/{id}/votes", web::post().to(vote))
        .route("/retros/{id}/actions", web::post().to(add_action))
        .route("/retros/{id}/review", web::post().to(review));
}

/// Retros per page of the list.
const PAGE: usize = 50;

fn shell(viewer: &Viewer) -> Shell {
    Shell::new(viewer, "retros")
}

async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let org = org_view(&state).await?;
    let cache = state.part::<RetroCache>()?;
    let all = state.db.run(move |c| flow::all(c, &cache)).await?;
    let found = q.select(all.as_ref().clone(), &viewer, &org)?;
    let pages = found.len().div_ceil(PAGE).max(1);
    let page = q.page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
    let mut list = ListPage::new(shell(&viewer), &org, q);
    list.rows = found
        .iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .map(|r| ListRow::of(r, &org))
        .collect();
    list.total = found.len();
    list.prev = (page > 1).then(|| list.q.page_url(page - 1));
    list.next = (page < pages).then(|| list.q.page_url(page + 1));
    html(&list)
}

async fn new_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NewForm>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?;
    let org = org_view(&state).await?;
    let mut form = q.into_inner();
    if form.squad.is_empty() {
        // The starter's own squad by default.
        form.squad = org
            .snap
            .of_kind(crate::org::unit::UnitKind::Squad)
            .find(|u| org.snap.people_in(u.id).contains(&me.id))
            .map(|u| u.slug.clone())
            .unwrap_or_default();
    }
    html(&NewPage::new(
        shell(&viewer),
        &org,
        form,
        Default::default(),
        crate::dates::today(),
    ))
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<NewForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let org = org_view(&state).await?;
    match flow::create(&state, &viewer, &org, &form).await? {
        Ok(retro) => Ok(see_other(&retro.url())),
        Err(errors) => html_with_status(
            &NewPage::new(shell(&viewer), &org, form, errors, crate::dates::today()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    /// The version the live page has: unchanged (and nobody came or left) answers 204.
    #[serde(default)]
    v: Option<i64>,
    /// Who the live page shows as here ([`presence::key`]).
    #[serde(default)]
    here: Option<String>,
    /// The topic the action-item form starts on ("agree on an action item about this").
    #[serde(default)]
    topic: String,
}

async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    q: web::Query<ShowQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let q = q.into_inner();
    if let Some(v) = q.v {
        let presence = state.part::<Presence>()?;
        let me = viewer.person().map(|p| p.id);
        let (retro, here) = state
            .db
            .run(move |c| Ok((repo::get(c, id)?, presence.here(c, id, me)?)))
            .await?;
        // Presence is only written for the signed-in, who may see every retro.
        let retro = flow::visible(retro, &viewer)?;
        // A page served before presence existed sends no `here`: the version alone decides.
        let same_room = q.here.as_deref().is_none_or(|h| h == presence::key(&here));
        if retro.version == v && same_room {
            return Ok(HttpResponse::NoContent()
                .insert_header(("Cache-Control", "no-store"))
                .finish());
        }
    }
    board(
        &state,
        &viewer,
        id,
        |p| p.action.topic = q.topic,
        StatusCode::OK,
    )
    .await
}

/// The board page, with `fill` putting back what a refused form had typed.
async fn board(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    fill: impl FnOnce(&mut ShowPage),
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (org, page) = flow::page(state, viewer, id).await?;
    let presence = state.part::<Presence>()?;
    let me = viewer.person().map(|p| p.id);
    let kind = crate::db::EntityKind::Retro;
    let target = crate::notify::model::Target::Record(kind, id.to_string());
    let url = page.retro.url();
    // Who is here and the watch button: one trip to the database.
    let (here, watch) = state
        .db
        .run(move |c| {
            let here = presence.here(c, id, me)?;
            Ok((here, crate::notify::flow::button(c, me, target, &url)?))
        })
        .await?;
    let closed = page.retro.closed();
    let mut show = ShowPage::new(shell(viewer), &org, page, crate::dates::today());
    show.people_here(&org, &here);
    show.watch = watch;
    if closed {
        show.thread = Some(crate::comments::flow::thread_for(state, viewer, kind, id).await?);
    }
    fill(&mut show);
    let mut resp = html_with_status(&show, status)?;
    resp.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// After a board action: back to the board, or the board again with why it was refused
/// (under `key`, with what was typed put back by `fill`).
async fn after(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    done: AppResult<()>,
    key: &str,
    fill: impl FnOnce(&mut ShowPage),
) -> AppResult<HttpResponse> {
    let (status, message) = match done {
        Ok(()) => return Ok(see_other(&format!("/retros/{id}"))),
        Err(AppError::Conflict(m)) => (StatusCode::CONFLICT, m),
        Err(AppError::Validation(m)) => (StatusCode::UNPROCESSABLE_ENTITY, m),
        Err(AppError::Forbidden(m)) => (StatusCode::FORBIDDEN, m),
        Err(e) => return Err(e),
    };
    let key = key.to_string();
    board(
        state,
        viewer,
        id,
        move |p| {
            fill(p);
            p.errors.insert(key, message);
        },
        status,
    )
    .await
}

#[derive(Deserialize)]
struct PhaseForm {
    to: String,
    /// The phase the facilitator saw: a double click does not skip a phase.
    #[serde(default)]
    from: String,
    /// "1" once the facilitator confirmed a step that cannot be undone.
    #[serde(default)]
    confirmed: String,
}

async fn phase(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<PhaseForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let to = Phase::parse(&form.to)
        .ok_or_else(|| AppError::BadRequest(format!("{:?} is not a phase.", form.to)))?;
    let seen = Phase::parse(&form.from);
    // A step that cannot be undone is asked once more (the script asks in a dialog and
    // sends the answer; without it, the page asks).
    if let Some(question) = Phase::question(seen, to)
        && form.confirmed != "1"
    {
        let ask = move |p: &mut ShowPage| p.confirm = Some((to, question));
        return board(&state, &viewer, id, ask, StatusCode::OK).await;
    }
    let done = flow::move_to(&state, &viewer, id, to, seen)
        .await
        .map(|_| ());
    after(&state, &viewer, id, done, "phase", |_| {}).await
}

#[derive(Deserialize)]
struct CardForm {
    #[serde(default)]
    column: String,
    #[serde(default)]
    body: String,
}

async fn add_card(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<CardForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let f = form.into_inner();
    let done = flow::add_card(&state, &viewer, id, f.column.clone(), f.body.clone()).await;
    after(&state, &viewer, id, done, "card", move |p| {
        p.card_column = f.column;
        p.card_body = f.body;
    })
    .await
}

async fn edit_card(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
    form: web::Form<CardForm>,
) -> AppResult<HttpResponse> {
    let (id, card) = path.into_inner();
    let done = flow::edit_card(&state, &viewer, id, card, form.into_inner().body).await;
    after(&state, &viewer, id, done, "card", |_| {}).await
}

async fn delete_card(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (id, card) = path.into_inner();
    let done = flow::delete_card(&state, &viewer, id, card).await;
    after(&state, &viewer, id, done, "card", |_| {}).await
}

async fn ungroup(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (id, card) = path.into_inner();
    let done = flow::ungroup(&state, &viewer, id, card).await;
    after(&state, &viewer, id, done, "group", |_| {}).await
}

async fn group(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let form = Pairs(form.into_inner());
    let cards: Vec<i64> = form
        .all("card")
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    let into = form.get("into").parse::<i64>().ok();
    let title = form.get("title").to_string();
    let done = flow::group(&state, &viewer, id, cards, title.clone(), into).await;
    after(&state, &viewer, id, done, "group", move |p| {
        p.group_title = title
    })
    .await
}

#[derive(Deserialize)]
struct VoteForm {
    topic: String,
    #[serde(default)]
    op: String,
}

async fn vote(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<VoteForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let topic = Topic::parse(&form.topic)
        .ok_or_else(|| AppError::BadRequest(format!("{:?} is not a topic.", form.topic)))?;
    let done = flow::vote(&state, &viewer, id, topic, form.op != "remove").await;
    after(&state, &viewer, id, done, "phase", |_| {}).await
}

async fn add_action(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let form = form.into_inner();
    let org = org_view(&state).await?;
    let retro = flow::visible(state.db.run(move |c| repo::get(c, id)).await?, &viewer)?;
    let refused = match form.parse(&org, &retro) {
        Ok((input, topic)) => match flow::add_action(&state, &viewer, id, input, topic).await {
            Ok(()) => return Ok(see_other(&retro.url())),
            Err(AppError::Conflict(m)) => [("phase".to_string(), m)].into_iter().collect(),
            Err(e) => return Err(e),
        },
        Err(errors) => errors,
    };
    board(
        &state,
        &viewer,
        id,
        move |p| {
            p.errors = refused;
            p.action = form;
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
struct ReviewForm {
    /// The action item; "action" is what pages served before the field was renamed sent (a
    /// field named "action" hid the form's own address from scripts).
    #[serde(alias = "action")]
    item: i64,
    verdict: String,
}

async fn review(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<ReviewForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let verdict = Verdict::parse(&form.verdict)
        .ok_or_else(|| AppError::BadRequest(format!("{:?} is not a verdict.", form.verdict)))?;
    let done = flow::review(&state, &viewer, id, form.item, verdict).await;
    after(&state, &viewer, id, done, "phase", |_| {}).await
}

async fn markdown(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (org, page) = flow::page(&state, &viewer, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .body(super::export::markdown(&page, &org)))
}
