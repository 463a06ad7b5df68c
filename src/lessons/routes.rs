//! `/lessons`: the list with its filters, a lesson, new and edit (merged or conflict, like
//! pages), history, diff, and (soft) delete.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::flow::{SourceTitles, parse_input};
use super::model::{self, LessonInput, Source};
use super::repo::{self, Filter, Saved};
use super::views::{EditPage, HistoryPage, ListPage, ShowPage};
use crate::auth::Viewer;
use crate::comments::flow::thread_for;
use crate::db::EntityKind;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::notify::model::Target;
use crate::org::cache::all_units;
use crate::org::views::UnitRef;
use crate::revisions::merge::OnStale;
use crate::revisions::views::{DiffPage, Merged, MergedQuery, after_save};
use crate::site::forms::{Pairs, date_param};
use crate::site::views::see_other;
use crate::site::views::{Shell, html, html_with_status};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/lessons", web::get().to(list))
        .route("/lessons/new", web::get().to(new_form))
        .route("/lessons/new", web::post().to(create))
        .route("/lessons/{id}", web::get().to(show))
        .route("/lessons/{id}/edit", web::get().to(edit_form))
        .route("/lessons/{id}/edit", web::post().to(save))
        .route("/lessons/{id}/history", web::get().to(history))
        .route("/lessons/{id}/revisions/{n}", web::get().to(old_revision))
        .route("/lessons/{id}/diff", web::get().to(diff))
        .route("/lessons/{id}/restore/{n}", web::post().to(restore))
        .route("/lessons/{id}/delete", web::post().to(delete));
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let units = all_units(&state).await?;
    let unit_id = units.iter().find(|u| u.key() == q.unit).map(|u| u.id);
    let mut filter = Filter {
        unit_id,
        source_kind: Some(q.source.clone()).filter(|s| !s.is_empty()),
        tag: Some(q.tag.trim().to_lowercase()).filter(|t| !t.is_empty()),
        author_id: None,
        from: date_param(&q.from, "From")?,
        to: date_param(&q.to, "To")?,
    };
    let author = q.author.trim().to_lowercase();
    let (lessons, tags) = state
        .db
        .run(move |c| {
            if !author.is_empty() {
                // An unknown author simply matches no lesson.
                filter.author_id = Some(
                    crate::people::repo::by_username(c, &author)
                        .map(|p| p.id)
                        .unwrap_or(PersonId(-1)),
                );
            }
            Ok((repo::list(c, &filter, 500)?, repo::all_tags(c)?))
        })
        .await?;
    let tag = q.tag.trim().to_lowercase();
    let watch = match Target::parse(&format!("tag:{tag}")) {
        Some(target) if !tag.is_empty() => {
            let next = format!("/lessons?tag={}", crate::auth::middleware::url_encode(&tag));
            crate::notify::flow::button_for(&state, &viewer, target, next).await?
        }
        _ => None,
    };
    html(&ListPage {
        watch,
        shell: Shell::new(&viewer, "lessons"),
        lessons,
        tags,
        all_units: units,
        kinds: Source::KINDS.to_vec(),
        unit: q.unit,
        source: q.source,
        tag: q.tag,
        author: q.author,
        from: q.from,
        to: q.to,
    })
}

fn blank_form(viewer: &Viewer, all_units: Vec<UnitRef>) -> EditPage {
    EditPage {
        shell: Shell::new(viewer, "lessons"),
        editing: None,
        title: String::new(),
        body: String::new(),
        source_kind: "alone".into(),
        source_ref: String::new(),
        summary: String::new(),
        tags: String::new(),
        units: vec![],
        all_units,
        kinds: Source::KINDS.to_vec(),
        base_revision: 0,
        preview: None,
        errors: Default::default(),
        conflict: None,
    }
}

#[derive(Deserialize)]
struct NewQuery {
    /// Prefill: `?source=page&ref=runbook&unit=squad/payments`
    #[serde(default)]
    source: String,
    #[serde(default, rename = "ref")]
    reference: String,
    #[serde(default)]
    unit: String,
    /// A draft to start from (a retro card or group).
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn new_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let mut page = blank_form(&viewer, all_units(&state).await?);
    if !q.source.is_empty() {
        page.source_kind = q.source.clone();
        page.source_ref = q.reference.clone();
    }
    if !q.unit.is_empty() {
        page.units = vec![q.unit.clone()];
    }
    page.title = q.title.clone();
    page.body = q.body.clone();
    html(&page)
}

fn form_again(
    viewer: &Viewer,
    editing: Option<model::Lesson>,
    form: &Pairs,
    all_units: Vec<UnitRef>,
) -> EditPage {
    EditPage {
        editing,
        title: form.get("title").to_string(),
        body: form.get("body").to_string(),
        source_kind: form.get("source_kind").to_string(),
        source_ref: form.get("source_ref").to_string(),
        summary: form.get("summary").to_string(),
        tags: form.get("tags").to_string(),
        units: form.all("units"),
        base_revision: form.get("base_revision").parse().unwrap_or(0),
        ..blank_form(viewer, all_units)
    }
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let form = Pairs(form.into_inner());
    let units = all_units(&state).await?;
    if !form.get("preview").is_empty() {
        let mut page = form_again(&viewer, None, &form, units);
        page.preview =
            Some(crate::pages::render::render(&state, form.get("body").to_string()).await?);
        return html(&page);
    }
    match parse_input(&state, &form, &units).await? {
        Ok(input) => {
            let l = state
                .db
                .run(move |c| repo::create(c, Some(me), &input))
                .await?;
            Ok(see_other(&l.url()))
        }
        Err(errors) => {
            let mut page = form_again(&viewer, None, &form, units);
            page.errors = errors;
            html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

async fn live(state: &AppState, id: i64) -> AppResult<model::Lesson> {
    let l = state.db.run(move |c| repo::lesson(c, id)).await?;
    if l.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(l)
}

async fn render_show(
    state: &AppState,
    viewer: &Viewer,
    lesson: model::Lesson,
    old: Option<model::LessonRevision>,
    merged: Option<Merged>,
) -> AppResult<HttpResponse> {
    let renderer = crate::pages::render::Renderer::of(state)?;
    let titles = state.part::<SourceTitles>()?;
    let (body, number) = match &old {
        Some(r) => (r.body.clone(), r.number),
        None => (lesson.body.clone(), lesson.revision),
    };
    let l = lesson.clone();
    let me = viewer.person().map(|p| p.id);
    let (html_body, (tags, units, author, source_title), watch) = state
        .db
        .run(move |c| {
            let html = renderer.render(c, &body, Some(format!("lesson:{}:{number}", l.id)))?;
            let target = Target::Record(EntityKind::Lesson, l.id.to_string());
            let watch = crate::notify::flow::button(c, me, target, &l.url())?;
            let source_title = titles.title(c, &l.source())?;
            let author = match l.author_id {
                Some(id) => crate::people::repo::name_of(c, id)?,
                None => None,
            };
            Ok((
                html,
                (
                    repo::tags_of(c, l.id)?,
                    repo::units_of(c, l.id)?,
                    author,
                    source_title,
                ),
                watch,
            ))
        })
        .await?;
    let related = crate::search::aside::related(
        state,
        crate::projection::key("lesson", &lesson.id.to_string()),
        lesson.title.clone(),
        lesson.body.clone(),
        units.iter().map(|u| u.id).collect(),
    )
    .await;
    let thread = match old {
        None => Some(thread_for(state, viewer, EntityKind::Lesson, lesson.id).await?),
        Some(_) => None,
    };
    html(&ShowPage {
        thread,
        watch,
        related,
        shell: Shell::new(viewer, "lessons"),
        source: lesson.source(),
        source_title,
        lesson,
        html: html_body,
        author,
        tags,
        units: units.iter().map(UnitRef::of).collect(),
        old_revision: old,
        merged,
    })
}

async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    q: web::Query<MergedQuery>,
) -> AppResult<HttpResponse> {
    let l = live(&state, id.into_inner()).await?;
    let merged = q.notice(l.revision, &l.url());
    render_show(&state, &viewer, l, None, merged).await
}

async fn old_revision(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i32)>,
) -> AppResult<HttpResponse> {
    let (id, n) = path.into_inner();
    let l = live(&state, id).await?;
    let rev = state.db.run(move |c| repo::revision(c, id, n)).await?;
    render_show(&state, &viewer, l, Some(rev), None).await
}

async fn edit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let l = live(&state, id.into_inner()).await?;
    let lid = l.id;
    let (tags, units) = state
        .db
        .run(move |c| Ok((repo::tags_of(c, lid)?, repo::units_of(c, lid)?)))
        .await?;
    let mut page = blank_form(&viewer, all_units(&state).await?);
    page.title = l.title.clone();
    page.body = l.body.clone();
    page.source_kind = l.source_kind.clone();
    page.source_ref = l.source_ref.clone();
    page.tags = tags.join(", ");
    page.units = units
        .iter()
        .map(|u| format!("{}/{}", u.kind, u.slug))
        .collect();
    page.base_revision = l.revision;
    page.editing = Some(l);
    html(&page)
}

async fn save(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let l = live(&state, id.into_inner()).await?;
    let form = Pairs(form.into_inner());
    let units = all_units(&state).await?;
    if !form.get("preview").is_empty() {
        let mut page = form_again(&viewer, Some(l), &form, units);
        page.preview =
            Some(crate::pages::render::render(&state, form.get("body").to_string()).await?);
        return html(&page);
    }
    let input = match parse_input(&state, &form, &units).await? {
        Ok(i) => i,
        Err(errors) => {
            let mut page = form_again(&viewer, Some(l), &form, units);
            page.errors = errors;
            return html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let base: i32 = form
        .get("base_revision")
        .parse()
        .map_err(|_| AppError::BadRequest("The form lacks the revision it started from.".into()))?;
    let lid = l.id;
    match state
        .db
        .run(move |c| repo::save(c, Some(me), lid, base, &input, OnStale::Merge))
        .await?
    {
        Saved::Ok {
            saved: lesson,
            merged,
        } => Ok(see_other(&after_save(&lesson.url(), merged, base))),
        Saved::Conflict {
            current,
            conflicted,
        } => {
            let mut page = form_again(&viewer, Some(current.clone()), &form, units);
            page.base_revision = current.revision;
            page.conflict = Some((current, conflicted));
            html_with_status(&page, StatusCode::CONFLICT)
        }
    }
}

async fn history(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let l = live(&state, id.into_inner()).await?;
    let lid = l.id;
    let revisions = state.db.run(move |c| repo::history(c, lid)).await?;
    html(&HistoryPage {
        shell: Shell::new(&viewer, "lessons"),
        lesson: l,
        revisions,
    })
}

#[derive(Deserialize)]
struct DiffQuery {
    from: i32,
    to: i32,
}

async fn diff(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    q: web::Query<DiffQuery>,
) -> AppResult<HttpResponse> {
    let l = live(&state, id.into_inner()).await?;
    let (lid, from, to) = (l.id, q.from, q.to);
    let (from, to) = state
        .db
        .run(move |c| Ok((repo::revision(c, lid, from)?, repo::revision(c, lid, to)?)))
        .await?;
    html(&DiffPage {
        shell: Shell::new(&viewer, "lessons"),
        title: l.title.clone(),
        url: l.url(),
        section: ("Lessons", "/lessons"),
        lines: crate::revisions::merge::diff(&from.body, &to.body),
        from: (from.number, from.title),
        to: (to.number, to.title),
    })
}

/// Restoring makes a new revision with the old text: history only grows.
async fn restore(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i32)>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let (id, n) = path.into_inner();
    let l = live(&state, id).await?;
    let saved = state
        .db
        .run(move |c| {
            let old = repo::revision(c, id, n)?;
            let input = LessonInput {
                title: old.title,
                body: old.body,
                source: Source::parse(&old.source_kind, &old.source_ref).unwrap_or(Source::Alone),
                summary: format!("restored revision {n}"),
                tags: repo::tags_of(c, id)?,
                units: repo::units_of(c, id)?.iter().map(|u| u.id).collect(),
            };
            repo::save(c, Some(me), id, l.revision, &input, OnStale::Refuse)
        })
        .await?;
    match saved {
        Saved::Ok { saved: lesson, .. } => Ok(see_other(&lesson.url())),
        Saved::Conflict { current, .. } => Ok(see_other(&format!("{}/history", current.url()))),
    }
}

/// Authors and admins may delete a lesson (softly: it stays in the database).
async fn delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let l = live(&state, id.into_inner()).await?;
    if !(me.is_admin || l.author_id == Some(me.id)) {
        return Err(AppError::forbidden(
            "Only its author or an admin may delete a lesson.",
        ));
    }
    let lid = l.id;
    state
        .db
        .run(move |c| repo::set_deleted(c, Some(me.id), lid, true))
        .await?;
    Ok(see_other("/lessons"))
}
