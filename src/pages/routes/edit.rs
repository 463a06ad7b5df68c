//! The page form: a new page, editing one (merging with a save made meanwhile, or showing
//! the conflict), and the live preview.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::live_page;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::all_units;
use crate::org::views::UnitRef;
use crate::pages::flow::parse_input;
use crate::pages::model;
use crate::pages::render::render;
use crate::pages::repo::{self, Saved};
use crate::pages::views::EditPage;
use crate::revisions::merge::OnStale;
use crate::revisions::views::after_save;
use crate::site::forms::Pairs;
use crate::site::views::see_other;
use crate::site::views::{Shell, html, html_with_status};
use crate::state::AppState;

#[derive(Deserialize)]
pub(super) struct NewQuery {
    #[serde(default)]
    title: String,
}

pub(super) async fn new_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    html(&EditPage {
        shell: Shell::new(&viewer, "pages"),
        editing: None,
        title: q.title.clone(),
        slug: String::new(),
        body: String::new(),
        summary: String::new(),
        tags: String::new(),
        units: vec![],
        all_units: all_units(&state).await?,
        base_revision: 0,
        preview: None,
        errors: Default::default(),
        conflict: None,
    })
}

/// The form again, with what was typed.
fn form_again(
    viewer: &Viewer,
    editing: Option<model::Page>,
    form: &Pairs,
    all_units: Vec<UnitRef>,
) -> EditPage {
    EditPage {
        shell: Shell::new(viewer, "pages"),
        editing,
        title: form.get("title").to_string(),
        slug: form.get("slug").to_string(),
        body: form.get("body").to_string(),
        summary: form.get("summary").to_string(),
        tags: form.get("tags").to_string(),
        units: form.all("units"),
        all_units,
        base_revision: form.get("base_revision").parse().unwrap_or(0),
        preview: None,
        errors: Default::default(),
        conflict: None,
    }
}

pub(super) async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let form = Pairs(form.into_inner());
    let units = all_units(&state).await?;
    if !form.get("preview").is_empty() {
        let mut page = form_again(&viewer, None, &form, units);
        page.preview = Some(render(&state, form.get("body").to_string()).await?);
        return html(&page);
    }
    let input = match parse_input(&form, &units) {
        Ok(i) => i,
        Err(errors) => {
            let mut page = form_again(&viewer, None, &form, units);
            page.errors = errors;
            return html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    match state
        .db
        .run(move |c| repo::create(c, Some(me), &input))
        .await
    {
        Ok(p) => Ok(see_other(&p.url())),
        Err(AppError::Conflict(msg)) => {
            let mut page = form_again(&viewer, None, &form, units);
            page.errors.insert("slug", msg);
            html_with_status(&page, StatusCode::CONFLICT)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct PreviewForm {
    #[serde(default)]
    body: String,
}

/// The live preview's HTML fragment (the edit form fetches it as the user types).
pub(super) async fn preview(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<PreviewForm>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let body = model::parse_body(&form.body).map_err(AppError::Validation)?;
    let html = render(&state, body).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html.to_string()))
}

pub(super) async fn edit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let page = live_page(&state, slug.into_inner()).await?;
    let id = page.id;
    let (tags, units) = state
        .db
        .run(move |c| Ok((repo::tags_of(c, id)?, repo::units_of(c, id)?)))
        .await?;
    html(&EditPage {
        shell: Shell::new(&viewer, "pages"),
        title: page.title.clone(),
        slug: page.slug.clone(),
        body: page.body.clone(),
        summary: String::new(),
        tags: tags.join(", "),
        units: units
            .iter()
            .map(|u| format!("{}/{}", u.kind, u.slug))
            .collect(),
        all_units: all_units(&state).await?,
        base_revision: page.revision,
        preview: None,
        errors: Default::default(),
        conflict: None,
        editing: Some(page),
    })
}

pub(super) async fn save(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let page = live_page(&state, slug.into_inner()).await?;
    let form = Pairs(form.into_inner());
    let units = all_units(&state).await?;
    if !form.get("preview").is_empty() {
        let mut again = form_again(&viewer, Some(page), &form, units);
        again.preview = Some(render(&state, form.get("body").to_string()).await?);
        return html(&again);
    }
    let input = match parse_input(&form, &units) {
        Ok(i) => i,
        Err(errors) => {
            let mut again = form_again(&viewer, Some(page), &form, units);
            again.errors = errors;
            return html_with_status(&again, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let base: i32 = form
        .get("base_revision")
        .parse()
        .map_err(|_| AppError::BadRequest("The form lacks the revision it started from.".into()))?;
    let id = page.id;
    match state
        .db
        .run(move |c| repo::save(c, Some(me), id, base, &input, OnStale::Merge))
        .await
    {
        Ok(Saved::Ok {
            saved: page,
            merged,
        }) => Ok(see_other(&after_save(&page.url(), merged, base))),
        Ok(Saved::Conflict {
            current,
            conflicted,
        }) => {
            // Nothing was saved. The user's text stays in the form; the other save and the
            // clash are shown beside it; the form now builds on the current revision.
            let mut again = form_again(&viewer, Some(current.clone()), &form, units);
            again.base_revision = current.revision;
            again.conflict = Some((current, conflicted));
            html_with_status(&again, StatusCode::CONFLICT)
        }
        Err(AppError::Conflict(msg)) => {
            let mut again = form_again(&viewer, Some(page), &form, units);
            again.errors.insert("slug", msg);
            html_with_status(&again, StatusCode::CONFLICT)
        }
        Err(e) => Err(e),
    }
}
