//! The admin pages of the framework: its texts (`/steps/edit`) and the disciplines and roles
//! (`/steps/catalogue`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::Form;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::site::forms::Pairs;
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;
use crate::steps::framework::{Framework, check_texts};
use crate::steps::repo::{self, EntryInput};
use crate::steps::views::{CataloguePage, EditPage};

pub(super) async fn edit_page(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    let fw = state
        .db
        .run(|c| Ok(Framework::new(repo::texts(c)?)))
        .await?;
    let values = crate::steps::framework::default_texts()
        .into_iter()
        .map(|(k, _)| {
            let v = fw.text(&k).to_string();
            (k, v)
        })
        .collect();
    html(&EditPage {
        shell: Shell::new(&viewer, "admin"),
        values,
        errors: HashMap::new(),
    })
}

pub(super) async fn edit(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Form,
) -> AppResult<HttpResponse> {
    let admin = viewer.require_admin()?.id;
    let values: HashMap<String, String> = form
        .into_inner()
        .into_iter()
        .filter(|(k, _)| crate::steps::framework::is_text_key(k))
        .collect();
    if let Err(errors) = check_texts(&values) {
        return html_with_status(
            &EditPage {
                shell: Shell::new(&viewer, "admin"),
                values,
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    state
        .db
        .run(move |c| repo::save_texts(c, admin, &values))
        .await?;
    Ok(see_other("/steps"))
}

pub(super) async fn catalogue_page(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    render_catalogue(&state, &viewer, None).await
}

async fn render_catalogue(
    state: &AppState,
    viewer: &Viewer,
    error: Option<String>,
) -> AppResult<HttpResponse> {
    let entries = state.db.run(repo::catalogue).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html_with_status(
        &CataloguePage {
            shell: Shell::new(viewer, "admin"),
            entries,
            error,
        },
        status,
    )
}

fn entry_input(form: &Pairs, kind: &str) -> Result<EntryInput, String> {
    let name = form.get("name").trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err("A name has 1 to 80 characters.".into());
    }
    if form.get("description").chars().count() > 300 {
        return Err("A description has at most 300 characters.".into());
    }
    Ok(EntryInput {
        kind: kind.to_string(),
        name: name.to_string(),
        description: form.get("description").to_string(),
        company_level: form.get("company_level") == "1",
        retired: form.get("retired") == "1",
    })
}

pub(super) async fn add_entry(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Form,
) -> AppResult<HttpResponse> {
    let admin = viewer.require_admin()?.id;
    let form = Pairs(form.into_inner());
    let kind = match form.get("kind") {
        k @ ("discipline" | "role") => k.to_string(),
        _ => {
            return render_catalogue(&state, &viewer, Some("Choose discipline or role.".into()))
                .await;
        }
    };
    save_catalogue(&state, &viewer, admin, None, entry_input(&form, &kind)).await
}

pub(super) async fn save_entry(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Form,
) -> AppResult<HttpResponse> {
    let admin = viewer.require_admin()?.id;
    let id = id.into_inner();
    let form = Pairs(form.into_inner());
    let kind = state
        .db
        .run(move |c| {
            repo::catalogue(c)?
                .into_iter()
                .find(|e| e.id == id)
                .map(|e| e.kind)
                .ok_or(AppError::NotFound)
        })
        .await?;
    save_catalogue(&state, &viewer, admin, Some(id), entry_input(&form, &kind)).await
}

async fn save_catalogue(
    state: &AppState,
    viewer: &Viewer,
    admin: PersonId,
    id: Option<i64>,
    input: Result<EntryInput, String>,
) -> AppResult<HttpResponse> {
    let input = match input {
        Ok(i) => i,
        Err(e) => return render_catalogue(state, viewer, Some(e)).await,
    };
    match state
        .db
        .run(move |c| repo::save_entry(c, admin, id, &input))
        .await
    {
        Ok(()) => Ok(see_other("/steps/catalogue")),
        Err(AppError::Conflict(m)) => render_catalogue(state, viewer, Some(m)).await,
        Err(e) => Err(e),
    }
}
