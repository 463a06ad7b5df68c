//! The people list and the form that edits a person's profile.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::org::cache::org_view;
use crate::org::forms;
use crate::org::views;
use crate::people::repo as people;
use crate::site::forms::Pairs;
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;

#[derive(Deserialize)]
pub(super) struct PeopleQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    discipline: String,
    page: Option<usize>,
}

pub(super) async fn people_list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<PeopleQuery>,
) -> AppResult<HttpResponse> {
    let view = org_view(&state).await?;
    html(&views::people_page(
        Shell::new(&viewer, "org"),
        &view.snap,
        &q.q,
        &q.discipline,
        q.page.unwrap_or(1),
    ))
}

/// With single sign-on, a first sign-in links by e-mail: a person who could type someone
/// else's address into their own profile could take over that person's provider account.
/// So the e-mail is the provider's (or an administrator's) to set then.
fn email_locked(state: &AppState, viewer: &Viewer) -> bool {
    state.settings.sso.is_some() && !viewer.is_admin()
}

fn may_edit_person(viewer: &Viewer, person_id: PersonId) -> AppResult<()> {
    let me = viewer.require_user()?;
    if me.is_admin || me.id == person_id {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only the person themselves or an admin may edit a profile.",
        ))
    }
}

pub(super) async fn edit_person_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let username = username.into_inner();
    let p = state.db.run(move |c| people::profile(c, &username)).await?;
    may_edit_person(&viewer, p.id)?;
    html(&views::PersonForm {
        shell: Shell::new(&viewer, "org"),
        username: p.username,
        display_name: p.display_name,
        email: p.email.unwrap_or_default(),
        email_locked: email_locked(&state, &viewer),
        discipline: p.discipline,
        title: p.title,
        bio: p.bio,
        links: p.links,
        errors: Default::default(),
    })
}

pub(super) async fn edit_person(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let username = username.into_inner();
    let lookup = username.clone();
    let p = state.db.run(move |c| people::profile(c, &lookup)).await?;
    may_edit_person(&viewer, p.id)?;
    let form = Pairs(form.into_inner());
    let locked = email_locked(&state, &viewer);
    match forms::profile_fields(&form) {
        Ok(mut parsed) => {
            if locked {
                parsed.email = p.email.clone();
            }
            let actor = viewer.person().map(|me| me.id);
            let saved = state
                .db
                .run(move |c| {
                    people::update_profile(
                        c,
                        actor,
                        p.id,
                        &parsed.display_name,
                        parsed.email.as_deref(),
                        &parsed.fields,
                    )
                })
                .await?;
            Ok(see_other(&format!("/people/{}", saved.username)))
        }
        Err(errors) => html_with_status(
            &views::PersonForm {
                shell: Shell::new(&viewer, "org"),
                username,
                display_name: form.get("display_name").to_string(),
                email: match locked {
                    true => p.email.clone().unwrap_or_default(),
                    false => form.get("email").to_string(),
                },
                email_locked: locked,
                discipline: form.get("discipline").to_string(),
                title: form.get("title").to_string(),
                bio: form.get("bio").to_string(),
                links: form.get("links").to_string(),
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
