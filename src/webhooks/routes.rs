//! The webhook pages: the list (`/webhooks`), the form, one webhook with its delivery log,
//! and the buttons that test, re-send and delete.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::flow::Manage;
use super::model::{Hook, HookForm};
use super::payload::REPLAY_WINDOW_SECS;
use super::repo;
use super::views::{FormPage, HookLine, ListPage, LogLine, ShowPage};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::people::model::Person;
use crate::site::forms::{FieldErrors, Pairs};
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;

/// Deliveries the log shows.
const LOG: i64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks", web::get().to(list))
        .route("/webhooks/new", web::get().to(new_form))
        .route("/webhooks/new", web::post().to(create))
        .route("/webhooks/{id}", web::get().to(show))
        .route("/webhooks/{id}/edit", web::get().to(edit_form))
        .route("/webhooks/{id}/edit", web::post().to(update))
        .route("/webhooks/{id}/delete", web::post().to(delete))
        .route("/webhooks/{id}/test", web::post().to(test))
        .route("/webhooks/{id}/secret", web::post().to(new_secret))
        .route(
            "/webhooks/{id}/deliveries/{delivery}/resend",
            web::post().to(resend),
        );
}

/// The public origin webhooks link to; none means webhooks are off.
fn origin(state: &AppState) -> Option<String> {
    state
        .settings
        .public_url
        .as_ref()
        .map(|u| u.origin().to_string())
}

/// What the viewer may manage, refusing those who may manage nothing.
async fn manage(state: &AppState, viewer: &Viewer) -> AppResult<(Person, Manage)> {
    let me = viewer.require_user()?.clone();
    let who = me.clone();
    let m = state.db.run(move |c| Manage::load(c, &who)).await?;
    if !m.any() {
        m.require(None)?;
    }
    Ok((me, m))
}

/// A webhook the viewer may manage.
async fn hook(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<(Person, Manage, Hook)> {
    let (me, m) = manage(state, viewer).await?;
    let h = state.db.run(move |c| repo::get(c, id)).await?;
    m.require(h.unit_id)?;
    Ok((me, m, h))
}

async fn list(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let (_, m) = manage(&state, &viewer).await?;
    let (hooks, last) = state
        .db
        .run(|c| {
            let hooks = repo::all(c)?;
            let ids: Vec<i64> = hooks.iter().map(|h| h.id).collect();
            Ok((hooks, repo::latest(c, &ids)?))
        })
        .await?;
    let hooks = hooks
        .into_iter()
        .filter(|h| m.may(h.unit_id))
        .map(|h| HookLine {
            id: h.id,
            name: h.name.clone(),
            scope: m.scope_name(h.unit_id),
            target: h.masked_url(),
            format: h.format(),
            events: h.kinds().iter().map(|k| k.label()).collect(),
            active: h.active,
            last: last
                .iter()
                .find(|d| d.webhook_id == h.id)
                .map(|d| (d.state(), d.created_at)),
        })
        .collect();
    html(&ListPage {
        shell: Shell::new(&viewer, ""),
        hooks,
        off: origin(&state).is_none(),
    })
}

#[derive(Deserialize)]
struct NewQuery {
    unit: Option<i64>,
}

fn form_page(
    viewer: &Viewer,
    m: &Manage,
    editing: Option<&Hook>,
    form: HookForm,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_with_status(
        &FormPage {
            shell: Shell::new(viewer, ""),
            editing: editing.map(|h| (h.id, h.name.clone())),
            form,
            errors,
            scopes: m.scopes(),
        },
        status,
    )
}

async fn new_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let (_, m) = manage(&state, &viewer).await?;
    let scope = match q.unit {
        Some(u) => u.to_string(),
        None if m.is_admin => "org".into(),
        None => m
            .units
            .first()
            .map(|u| u.id.to_string())
            .unwrap_or_default(),
    };
    form_page(
        &viewer,
        &m,
        None,
        HookForm::blank(scope),
        FieldErrors::new(),
    )
}

/// The form, checked: its fields, and that the viewer may give it its scope.
fn checked(
    state: &AppState,
    m: &Manage,
    form: &HookForm,
) -> Result<super::model::HookInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    if origin(state).is_none() {
        errors.add(
            "url",
            "Webhooks are off: this fika has no public address (--public-url) to link to.",
        );
    }
    match form.parse() {
        Ok(input) if !m.may(input.unit_id) => {
            errors.add("scope", "Choose the whole org or one of your units.");
            Err(errors)
        }
        Ok(input) => errors.or_ok(input),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (me, m) = manage(&state, &viewer).await?;
    let form = HookForm::from_pairs(&Pairs(form.into_inner()));
    match checked(&state, &m, &form) {
        Ok(input) => {
            let id = state
                .db
                .run(move |c| repo::create(c, &input, me.id))
                .await?;
            Ok(see_other(&format!("/webhooks/{id}")))
        }
        Err(errors) => form_page(&viewer, &m, None, form, errors),
    }
}

async fn edit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (_, m, h) = hook(&state, &viewer, id.into_inner()).await?;
    form_page(&viewer, &m, Some(&h), HookForm::of(&h), FieldErrors::new())
}

async fn update(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (_, m, h) = hook(&state, &viewer, id.into_inner()).await?;
    let form = HookForm::from_pairs(&Pairs(form.into_inner()));
    match checked(&state, &m, &form) {
        Ok(input) => {
            let id = h.id;
            state.db.run(move |c| repo::update(c, id, &input)).await?;
            Ok(see_other(&format!("/webhooks/{id}?done=saved")))
        }
        Err(errors) => form_page(&viewer, &m, Some(&h), form, errors),
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    done: Option<String>,
}

async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    q: web::Query<ShowQuery>,
) -> AppResult<HttpResponse> {
    let (_, m, h) = hook(&state, &viewer, id.into_inner()).await?;
    let hid = h.id;
    let log = state.db.run(move |c| repo::log(c, hid, LOG)).await?;
    let notice = match q.done.as_deref() {
        Some("saved") => Some("The webhook was saved."),
        Some("test") => Some("A test message is on its way; it shows below when it is sent."),
        Some("resend") => Some("The delivery will be sent again, with the same id."),
        Some("secret") => Some(
            "The webhook has a new signing secret: give it to the receiver; the old one \
             signs nothing from now on.",
        ),
        _ => None,
    };
    html(&ShowPage {
        shell: Shell::new(&viewer, ""),
        id: h.id,
        scope: m.scope_name(h.unit_id),
        format: h.format(),
        events: h.kinds().iter().map(|k| k.label()).collect(),
        active: h.active,
        log: log
            .into_iter()
            .map(|d| LogLine {
                state: d.state(),
                d,
            })
            .collect(),
        notice,
        replay_window_minutes: REPLAY_WINDOW_SECS / 60,
        off: origin(&state).is_none(),
        name: h.name,
        url: h.url,
        secret: h.secret,
    })
}

async fn delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (_, _, h) = hook(&state, &viewer, id.into_inner()).await?;
    state.db.run(move |c| repo::delete(c, h.id)).await?;
    Ok(see_other("/webhooks"))
}

/// A webhook that is off sends nothing, so a test or a re-send would only wait.
fn require_on(h: &Hook) -> AppResult<()> {
    if h.active {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "This webhook is off: turn it on (Edit) to send anything.".into(),
        ))
    }
}

async fn new_secret(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (_, _, h) = hook(&state, &viewer, id.into_inner()).await?;
    let id = h.id;
    state.db.run(move |c| repo::new_secret(c, id)).await?;
    Ok(see_other(&format!("/webhooks/{id}?done=secret")))
}

async fn test(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (_, _, h) = hook(&state, &viewer, id.into_inner()).await?;
    require_on(&h)?;
    let origin = origin(&state).ok_or_else(|| {
        AppError::Conflict("Webhooks are off: this fika has no public address.".into())
    })?;
    let id = h.id;
    state
        .db
        .run(move |c| repo::queue_test(c, &h, &origin))
        .await?;
    Ok(see_other(&format!("/webhooks/{id}?done=test")))
}

async fn resend(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (id, delivery) = path.into_inner();
    let (_, _, h) = hook(&state, &viewer, id).await?;
    require_on(&h)?;
    state
        .db
        .run(move |c| repo::resend(c, h.id, delivery))
        .await?;
    Ok(see_other(&format!("/webhooks/{id}?done=resend")))
}
