//! `/experiments`: the log with its filters, an experiment, new and edit (with the sample-size
//! calculator inside the form), the calculator on its own, and the insights.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::filters::{InsightsQuery, ListQuery};
use super::flow::{check_transition, compute_insights, editable, may_edit, store, with_csv};
use super::forms::Form;
use super::model::Experiment;
use super::repo;
use super::views::{self, CalcView, EditPage, ImportPage, ListPage};
use crate::auth::Viewer;
use crate::comments::flow::thread_for;
use crate::db::EntityKind;
use crate::error::AppResult;
use crate::notify::model::Target;
use crate::org::cache::OrgCache;
use crate::org::cache::OrgView;
use crate::org::cache::org_view;
use crate::pages::render::Renderer;
use crate::site::forms::FieldErrors;
use crate::site::forms::Pairs;
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Fixed paths before `{id}`, which would take them for an id.
    cfg.route("/experiments", web::get().to(list))
        .route("/experiments/new", web::get().to(new_form))
        .route("/experiments/new", web::post().to(create))
        .route("/experiments/calculator", web::get().to(calculator))
        .route("/experiments/insights", web::get().to(insights))
        .route("/experiments/{id}", web::get().to(show))
        .route("/experiments/{id}/edit", web::get().to(edit_form))
        .route("/experiments/{id}/edit", web::post().to(save))
        .route("/experiments/{id}/data", web::get().to(import_form))
        .route("/experiments/{id}/data", web::post().to(import));
}

async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let org = org_view(&state).await?;
    let filter = q.filter(&org)?;
    let rows = state.db.run(move |c| repo::list(c, &filter, 500)).await?;
    html(&ListPage::new(
        Shell::new(&viewer, "experiments"),
        &org,
        rows,
        q,
        crate::dates::today(),
    ))
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    squad: String,
}

async fn new_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let org = org_view(&state).await?;
    html(&EditPage::new(
        Shell::new(&viewer, "experiments"),
        &org,
        None,
        Form::blank(q.squad.trim()),
        FieldErrors::new(),
        None,
    ))
}

/// What a press of "Calculate" inside the form gives: the calculator's inputs and answer, and
/// the form with the planned sample (and, from the daily traffic, the planned end) filled in.
fn calculate(form: &mut Form, pairs: &Pairs) -> CalcView {
    let mut calc = CalcView::from_pairs(pairs);
    if pairs.get("calc_variants").trim().is_empty() {
        let arms = form
            .variants
            .iter()
            .filter(|v| !v.name.trim().is_empty())
            .count();
        calc.f.variants = arms.max(2).to_string();
    }
    calc.run();
    form.plan = calc.f.clone();
    if let Some(r) = &calc.result {
        form.planned_sample = r.per_variant.to_string();
        if let (Some(days), Ok(start)) =
            (r.days, crate::dates::parse_date(form.planned_start.trim()))
            && form.planned_end.trim().is_empty()
        {
            form.planned_end = (start + chrono::Duration::days(days as i64)).to_string();
        }
    }
    calc
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let pairs = Pairs(form.into_inner());
    let mut form = Form::from_pairs(&pairs);
    let org = org_view(&state).await?;
    let shell = || Shell::new(&viewer, "experiments");
    if !pairs.get("calculate").is_empty() {
        let calc = calculate(&mut form, &pairs);
        return html(&EditPage::new(
            shell(),
            &org,
            None,
            form,
            FieldErrors::new(),
            Some(calc),
        ));
    }
    let input = match form.parse(|slug| org.squad_id(slug), None) {
        Ok(input) => input,
        Err(errors) => return again(shell(), &org, None, form, errors),
    };
    let saved = store(&state, &org, &viewer, None, input).await?;
    Ok(see_other(&saved.url()))
}

fn again(
    shell: Shell,
    org: &OrgView,
    editing: Option<&Experiment>,
    form: Form,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    html_with_status(
        &EditPage::new(shell, org, editing, form, errors, None),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (org_cache, renderer) = (state.part::<OrgCache>()?, Renderer::of(&state)?);
    let me = viewer.person().cloned();
    // One trip for the experiment, who may edit it, its author, lessons and learnings.
    let (org, e, lessons, may, author, learnings) = state
        .db
        .run(move |c| {
            let org = org_cache.get(c)?;
            let e = repo::get(c, id)?;
            let may = may_edit(c, &org, me.as_ref(), e.input.squad_id, e.author_id)?;
            let author = match e.author_id {
                Some(a) => crate::people::repo::name_of(c, a)?,
                None => None,
            };
            // Rendered once per saved version.
            let key = format!(
                "experiment:{id}:{}",
                e.updated_at.and_utc().timestamp_micros()
            );
            let learnings = renderer.render(c, &e.input.learnings, Some(key))?;
            Ok((
                org,
                e,
                crate::lessons::repo::from_source(c, "experiment", &id.to_string())?,
                may,
                author,
                learnings,
            ))
        })
        .await?;
    let body = repo::search_text(&e.input);
    let related = crate::search::aside::related(
        &state,
        crate::projection::key("experiment", &id.to_string()),
        e.input.title.clone(),
        body,
        vec![e.input.squad_id],
    )
    .await;
    let target = Target::Record(EntityKind::Experiment, id.to_string());
    let watch = crate::notify::flow::button_for(&state, &viewer, target, e.url()).await?;
    let mut page = views::ShowPage::new(
        Shell::new(&viewer, "experiments"),
        &org,
        e,
        learnings,
        lessons,
        may,
        author,
        related,
    );
    page.watch = watch;
    page.thread = Some(thread_for(&state, &viewer, EntityKind::Experiment, id).await?);
    html(&page)
}

async fn edit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let e = editable(&state, &org, &viewer, id.into_inner()).await?;
    let squad = org
        .snap
        .unit(e.input.squad_id)
        .map(|u| u.slug.clone())
        .unwrap_or_default();
    let form = Form::of(&e.input, &squad);
    html(&EditPage::new(
        Shell::new(&viewer, "experiments"),
        &org,
        Some(&e),
        form,
        FieldErrors::new(),
        None,
    ))
}

async fn save(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let pairs = Pairs(form.into_inner());
    let mut form = Form::from_pairs(&pairs);
    let org = org_view(&state).await?;
    let e = editable(&state, &org, &viewer, id.into_inner()).await?;
    let shell = || Shell::new(&viewer, "experiments");
    if !pairs.get("calculate").is_empty() {
        let calc = calculate(&mut form, &pairs);
        return html(&EditPage::new(
            shell(),
            &org,
            Some(&e),
            form,
            FieldErrors::new(),
            Some(calc),
        ));
    }
    let input = match form
        .parse(|slug| org.squad_id(slug), Some(&e.input))
        .and_then(|i| check_transition(e.input.status, &i).map(|_| i))
    {
        Ok(input) => input,
        Err(errors) => return again(shell(), &org, Some(&e), form, errors),
    };
    // Moving it to another squad needs the right to edit there too (`store` checks).
    let saved = store(&state, &org, &viewer, Some(&e), input).await?;
    Ok(see_other(&saved.url()))
}

async fn import_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let e = editable(&state, &org, &viewer, id.into_inner()).await?;
    html(&ImportPage::new(
        Shell::new(&viewer, "experiments"),
        &e,
        String::new(),
        FieldErrors::new(),
    ))
}

/// A CSV pasted (or read from a file by the page's script) into the import form: saved
/// whole, or re-shown as sent with each message at its line.
async fn import(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let pairs = Pairs(form.into_inner());
    let text = pairs.get("csv").to_string();
    let org = org_view(&state).await?;
    let e = editable(&state, &org, &viewer, id.into_inner()).await?;
    match with_csv(&org, &e, &text) {
        Ok(input) => {
            let saved = store(&state, &org, &viewer, Some(&e), input).await?;
            Ok(see_other(&format!("{}#results", saved.url())))
        }
        Err(errors) => html_with_status(
            &ImportPage::new(Shell::new(&viewer, "experiments"), &e, text, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// The calculator on its own page: a plain GET form, so an answer is a link. Fields are
/// read as the form sends them (`calc_baseline`) or as a hand-written link might
/// (`baseline`).
async fn calculator(
    viewer: Viewer,
    q: web::Query<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let pairs = Pairs(q.into_inner());
    let mut calc = CalcView::from_pairs(&pairs);
    if !calc.f.is_blank() {
        calc.run();
    }
    html(&views::CalculatorPage {
        shell: Shell::new(&viewer, "experiments"),
        calc,
    })
}

async fn insights(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<InsightsQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let org = org_view(&state).await?;
    let insights = compute_insights(&state, &org, &q).await?;
    html(&views::InsightsPage::new(
        Shell::new(&viewer, "experiments"),
        &org,
        insights,
        q,
    ))
}
