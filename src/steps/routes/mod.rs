//! The career-step routes (all of them are registered here) and the pages of the framework
//! (`/steps`) and of a person's private record (`/people/{username}/steps`) with its forms:
//! discipline and roles, visibility, the first step, the assessments. Proposals and peer
//! feedback are in `proposals`, the admin pages in `admin`, the overviews in `overview`,
//! the Markdown download and the feed in `feed`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::auth::Viewer;
use crate::dates::today;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::site::forms::FieldErrors;
use crate::site::forms::Pairs;
use crate::site::views::no_store;
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;
use crate::steps::flow::{self, with_org};
use crate::steps::framework::Framework;
use crate::steps::model::{Behavior, Row, Side, Step, parse_rating, parse_text};
use crate::steps::proposal_repo;
use crate::steps::repo::{self, RecordInput};
use crate::steps::views::{FrameworkPage, PersonPage, Sent};

mod admin;
mod feed;
mod overview;
mod proposals;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let get = web::get;
    let post = web::post;
    cfg.route("/steps", get().to(framework))
        .route("/steps/edit", get().to(admin::edit_page))
        .route("/steps/edit", post().to(admin::edit))
        .route("/steps/catalogue", get().to(admin::catalogue_page))
        .route("/steps/catalogue", post().to(admin::add_entry))
        .route("/steps/catalogue/{id:\\d+}", post().to(admin::save_entry))
        .route("/steps/distribution", get().to(overview::distribution))
        .route("/steps/reviews", get().to(overview::reviews))
        .route(
            "/steps/feedback/{id:\\d+}",
            get().to(proposals::feedback_page),
        )
        .route("/steps/feedback/{id:\\d+}", post().to(proposals::answer))
        .route("/people/{username}/steps", get().to(person_page))
        .route("/people/{username}/steps.md", get().to(feed::export))
        .route("/chapters/{slug}/steps", get().to(overview::chapter))
        .route("/feeds/steps.atom", get().to(feed::feed))
        // A person's record's forms; the scope answers 404 for anything else under it.
        .service(
            web::scope("/people/{username}/steps")
                .route("/record", post().to(record))
                .route("/visibility", post().to(visibility))
                .route("/first", post().to(first))
                .route("/assessment", post().to(assess))
                .route("/proposals", post().to(proposals::propose))
                .route("/proposals/{id:\\d+}", get().to(proposals::proposal_page))
                .route("/proposals/{id:\\d+}/decide", post().to(proposals::decide))
                .route(
                    "/proposals/{id:\\d+}/withdraw",
                    post().to(proposals::withdraw),
                )
                .route("/proposals/{id:\\d+}/feedback", post().to(proposals::ask)),
        );
}

pub(super) type Form = web::Form<Vec<(String, String)>>;

pub(super) fn shell(viewer: &Viewer) -> Shell {
    Shell::new(viewer, "steps")
}

pub(super) fn signed_in(viewer: &Viewer) -> AppResult<(PersonId, bool)> {
    let p = viewer.require_user()?;
    Ok((p.id, p.is_admin))
}

// ---------------------------------------------------------------- the framework

async fn framework(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let me = flow::me(&viewer);
    let (fw, catalogue, awaiting, asked, chapters) = with_org(&state, move |c, view| {
        let fw = Framework::new(repo::texts(c)?);
        let catalogue = repo::catalogue(c)?;
        let chapters = match me {
            Some((id, _)) => flow::led_chapters(&view.snap, id)
                .into_iter()
                .map(|u| (u.name.clone(), format!("{}/steps", u.url())))
                .collect(),
            None => vec![],
        };
        let (awaiting, asked) = match me {
            Some((id, _)) => {
                let awaiting = flow::awaiting(c, view, id)?
                    .into_iter()
                    .map(|(p, who)| (who, p))
                    .collect();
                let asked_rows = proposal_repo::asked_of(c, id)?;
                let names = repo::names(
                    c,
                    asked_rows
                        .iter()
                        .flat_map(|(f, p)| [p.person_id, f.asked_by]),
                )?;
                let name =
                    |id: PersonId| names.get(&id).map(|(_, d)| d.clone()).unwrap_or_default();
                let asked = asked_rows
                    .into_iter()
                    .map(|(f, p)| {
                        (
                            f.id,
                            name(p.person_id),
                            name(f.asked_by),
                            f.answered_at.is_some(),
                        )
                    })
                    .collect();
                (awaiting, asked)
            }
            None => (vec![], vec![]),
        };
        Ok((fw, catalogue, awaiting, asked, chapters))
    })
    .await?;
    let (disciplines, roles) = catalogue
        .into_iter()
        .filter(|e| !e.retired)
        .partition(|e| e.kind == "discipline");
    html(&FrameworkPage {
        shell: shell(&viewer),
        fw,
        disciplines,
        roles,
        awaiting,
        asked,
        chapters,
    })
}

// ---------------------------------------------------------------- a person's record

async fn person_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    render_person(&state, &viewer, &username, FieldErrors::new(), None).await
}

pub(super) async fn render_person(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
    errors: FieldErrors,
    sent: Option<Sent>,
) -> AppResult<HttpResponse> {
    let (me, is_admin) = signed_in(viewer)?;
    let username = username.to_string();
    let (f, fw) = with_org(state, move |c, view| {
        Ok((
            flow::full(c, view, &username, Some((me, is_admin)))?,
            Framework::new(repo::texts(c)?),
        ))
    })
    .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(no_store(html_with_status(
        &PersonPage {
            shell: shell(viewer),
            f,
            fw,
            me,
            is_admin,
            today: today(),
            errors,
            sent,
        },
        status,
    )?))
}

/// Loads the record for a write by the signed-in viewer, whoever they are (a decider may
/// not see the record; see [`load_seen`]).
pub(super) async fn load_for_write(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
) -> AppResult<(flow::Loaded, PersonId)> {
    let me = signed_in(viewer)?;
    let username = username.to_string();
    let loaded = with_org(state, move |c, view| {
        flow::load(c, view, &username, Some(me))
    })
    .await?;
    Ok((loaded, me.0))
}

/// [`load_for_write`] for the record's readers only: anyone else gets the one private
/// answer, before anything could tell them whether a step exists.
pub(super) async fn load_seen(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
) -> AppResult<(flow::Loaded, PersonId)> {
    let (loaded, me) = load_for_write(state, viewer, username).await?;
    loaded.require_sees()?;
    Ok((loaded, me))
}

pub(super) fn back(loaded: &flow::Loaded) -> HttpResponse {
    see_other(&format!("/people/{}/steps", loaded.person.username))
}

pub(super) fn one_error(key: &str, message: impl Into<String>) -> FieldErrors {
    [(key, message.into())].into_iter().collect()
}

async fn record(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, me) = load_seen(&state, &viewer, &username).await?;
    if !loaded.access.may_edit_record() {
        return Err(AppError::forbidden(
            "Discipline, roles and start date are set by the chapter lead or an admin.",
        ));
    }
    let form = Pairs(form.into_inner());
    let id = |raw: &str, what: &str| {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| AppError::BadRequest(format!("Unknown {what}.")))
    };
    let discipline_id = match form.get("discipline").trim() {
        "" => None,
        raw => Some(id(raw, "discipline")?),
    };
    let role_ids = form
        .all("role")
        .iter()
        .map(|raw| id(raw, "role"))
        .collect::<AppResult<Vec<i64>>>()?;
    let started_on = match form.get("started_on").trim() {
        "" => None,
        raw => match crate::dates::parse_date(raw) {
            Ok(d) => Some(d),
            Err(_) => {
                return render_person(
                    &state,
                    &viewer,
                    &username,
                    one_error("record", crate::dates::not_a_date(raw)),
                    Some(Sent::of("record", form)),
                )
                .await;
            }
        },
    };
    let who = loaded.person.who();
    let input = RecordInput {
        discipline_id,
        role_ids,
        started_on,
    };
    let admin = loaded.access.admin;
    state
        .db
        .run(move |c| repo::save_record(c, me, admin, &who, &input))
        .await?;
    Ok(back(&loaded))
}

async fn visibility(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, _) = load_seen(&state, &viewer, &username).await?;
    if !loaded.access.own {
        return Err(AppError::forbidden(
            "Only the person decides whether their step is public.",
        ));
    }
    let public = Pairs(form.into_inner()).get("public") == "1";
    let who = loaded.person.who();
    state
        .db
        .run(move |c| repo::set_public(c, &who, public))
        .await?;
    Ok(back(&loaded))
}

async fn first(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, me) = load_seen(&state, &viewer, &username).await?;
    let form = Pairs(form.into_inner());
    if let Some(s) = loaded.step() {
        return Err(AppError::Conflict(format!(
            "The step is already set ({}): from here it changes by a promotion.",
            s.label()
        )));
    }
    let step = Step::parse(form.get("step"));
    if let Some(step) = step
        && !loaded.rel.may_decide(step, me)
    {
        let (d, _) = loaded.rel.deciders(step);
        return Err(AppError::forbidden(format!(
            "The {} step is set by {}.",
            step.label(),
            d.label()
        )));
    }
    let note = parse_text(form.get("note"), 0, "note");
    let (Some(step), Ok(note)) = (step, note.clone()) else {
        let error = match (step, note) {
            (None, _) => "Choose a step.".to_string(),
            (_, Err(e)) => e,
            _ => String::new(),
        };
        return render_person(
            &state,
            &viewer,
            &username,
            one_error("step", error),
            Some(Sent::of("first", form)),
        )
        .await;
    };
    let who = loaded.person.who();
    state
        .db
        .run(move |c| repo::set_first_step(c, me, &who, step, today(), &note))
        .await?;
    Ok(back(&loaded))
}

/// The assessment form: `{behavior}.{step}` ratings and `{behavior}.note` notes.
fn parse_assessment(form: &Pairs) -> Result<HashMap<Behavior, Row>, String> {
    let mut rows = HashMap::new();
    for b in Behavior::ALL {
        let mut row = Row::default();
        for s in Step::ALL {
            row.ratings[s.rank()] = parse_rating(form.get(&format!("{}.{}", b.key(), s.key())))
                .map_err(|e| format!("{} at {}: {e}", b.label(), s.label()))?;
        }
        row.note = parse_text(form.get(&format!("{}.note", b.key())), 0, "note")
            .map_err(|e| format!("{}: {e}", b.label()))?;
        if row.ratings.iter().any(Option::is_some) || !row.note.is_empty() {
            rows.insert(*b, row);
        }
    }
    Ok(rows)
}

async fn assess(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, me) = load_seen(&state, &viewer, &username).await?;
    let side = if loaded.access.own {
        Side::Own
    } else if loaded.access.lead {
        Side::Lead
    } else {
        return Err(AppError::forbidden(
            "Assessments are written by the person and their chapter lead.",
        ));
    };
    let form = Pairs(form.into_inner());
    let rows = match parse_assessment(&form) {
        Ok(rows) => rows,
        Err(e) => {
            return render_person(
                &state,
                &viewer,
                &username,
                one_error("assessment", e),
                Some(Sent::of("assessment", form)),
            )
            .await;
        }
    };
    let who = loaded.person.who();
    state
        .db
        .run(move |c| repo::save_assessment(c, me, &who, side, &rows))
        .await?;
    Ok(back(&loaded))
}
