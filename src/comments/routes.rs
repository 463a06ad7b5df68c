//! The comment forms: `POST /comments` (a new one, on the record named by `on`),
//! `/comments/{id}/edit`, `/delete`, and for administrators `/hide` and `/show`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::flow::{self, Act, Commentables};
use super::views::EditPage;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/comments", web::post().to(create))
        .route("/comments/{id}/edit", web::get().to(edit_form))
        .route("/comments/{id}/edit", web::post().to(edit))
        .route("/comments/{id}/{act}", web::post().to(act));
}

#[derive(Deserialize)]
struct NewComment {
    #[serde(default)]
    on: String,
    #[serde(default)]
    body: String,
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<NewComment>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let form = form.into_inner();
    let on = flow::parse_on(&form.on).ok_or(AppError::NotFound)?;
    let commentables = state.part::<Commentables>()?;
    let body = form.body.clone();
    let (me2, parts) = (me.clone(), commentables.clone());
    let done = state
        .db
        .run(move |c| flow::post(c, &parts, &me2, on, &body))
        .await?;
    let error = match done {
        Ok(url) => return Ok(see_other(&url)),
        Err(e) => e,
    };
    // The comment comes back as typed, with what is wrong with it.
    let found = state
        .db
        .run(move |c| commentables.find(c, &me, on.0, on.1))
        .await?;
    let page = EditPage {
        shell: Shell::new(&viewer, ""),
        title: found.title,
        back: found.url,
        action: "/comments".into(),
        on: form.on,
        body: form.body,
        error: Some(error),
    };
    html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

async fn edit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let id = id.into_inner();
    let commentables = state.part::<Commentables>()?;
    let (comment, found) = state
        .db
        .run(move |c| flow::load_for(c, &commentables, &me, id, Act::Edit))
        .await?;
    html(&EditPage {
        shell: Shell::new(&viewer, ""),
        title: found.title,
        back: format!("{}#{}", found.url, comment.anchor()),
        action: format!("/comments/{id}/edit"),
        on: String::new(),
        body: comment.body,
        error: None,
    })
}

#[derive(Deserialize)]
struct Changed {
    #[serde(default)]
    body: String,
    /// Why an administrator hides a comment.
    #[serde(default)]
    reason: String,
}

async fn edit(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Changed>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let body = form.into_inner().body;
    match apply(&state, &viewer, id, Act::Edit, body.clone()).await? {
        Ok(back) => Ok(see_other(&back)),
        Err(error) => {
            let me = viewer.require_user()?.clone();
            let commentables = state.part::<Commentables>()?;
            let (_, found) = state
                .db
                .run(move |c| flow::load_for(c, &commentables, &me, id, Act::Edit))
                .await?;
            let page = EditPage {
                shell: Shell::new(&viewer, ""),
                title: found.title,
                back: found.url,
                action: format!("/comments/{id}/edit"),
                on: String::new(),
                body,
                error: Some(error),
            };
            html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

async fn act(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, String)>,
    form: web::Form<Changed>,
) -> AppResult<HttpResponse> {
    let (id, act) = path.into_inner();
    let act = match act.as_str() {
        "delete" => Act::Delete,
        "hide" => Act::Hide,
        "show" => Act::Show,
        _ => return Err(AppError::NotFound),
    };
    let reason = form.into_inner().reason;
    match apply(&state, &viewer, id, act, reason).await? {
        Ok(back) => Ok(see_other(&back)),
        Err(e) => Err(AppError::BadRequest(e)),
    }
}

async fn apply(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    act: Act,
    text: String,
) -> AppResult<Result<String, String>> {
    let me = viewer.require_user()?.clone();
    let commentables = state.part::<Commentables>()?;
    state
        .db
        .run(move |c| flow::change(c, &commentables, &me, id, act, &text))
        .await
}
