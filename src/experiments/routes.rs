//! `/experiments`: the log with its filters, an experiment, new and edit (with the sample-size
//! calculator inside the form), the calculator on its own, and the insights.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::{Errors, Form};
use super::model::{ExperimentInput, Outcome, Status, quarter_bounds};
use super::repo::{self, Experiment, Filter};
use super::stats::{self, Design};
use super::views::{self, CalcView, EditPage, ListPage};
use crate::app::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgView;
use crate::org::forms::Pairs;
use crate::org::model::Person;
use crate::org::routes::org_view;
use crate::org::unit::UnitKind;
use crate::site::views::{Shell, html, html_with_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Fixed paths before `{id}`, which would take them for an id.
    cfg.route("/experiments", web::get().to(list))
        .route("/experiments/new", web::get().to(new_form))
        .route("/experiments/new", web::post().to(create))
        .route("/experiments/calculator", web::get().to(calculator))
        .route("/experiments/insights", web::get().to(insights))
        .route("/experiments/{id}", web::get().to(show))
        .route("/experiments/{id}/edit", web::get().to(edit_form))
        .route("/experiments/{id}/edit", web::post().to(save));
}

/// Who may change an experiment: admins, its author, the owning squad's current members, and
/// the leads of the squad or its tribe.
pub fn may_edit(
    conn: &mut crate::db::AnyConnection,
    org: &OrgView,
    viewer: Option<&Person>,
    squad_id: i64,
    author_id: Option<i64>,
) -> AppResult<bool> {
    let Some(me) = viewer else {
        return Ok(false);
    };
    if me.is_admin || author_id == Some(me.id) || org.snap.people_in(squad_id).contains(&me.id) {
        return Ok(true);
    }
    let access = crate::org::access::Access::load(conn, Some(me))?;
    Ok(org.snap.unit(squad_id).is_some_and(|u| access.can_edit(u)))
}

pub fn require_edit(
    conn: &mut crate::db::AnyConnection,
    org: &OrgView,
    viewer: Option<&Person>,
    squad_id: i64,
    author_id: Option<i64>,
) -> AppResult<()> {
    if viewer.is_none() {
        return Err(AppError::Unauthorized);
    }
    if may_edit(conn, org, viewer, squad_id, author_id)? {
        Ok(())
    } else {
        let squad = org
            .snap
            .unit(squad_id)
            .map_or("its squad", |u| u.name.as_str());
        Err(AppError::forbidden(format!(
            "Only members of {squad}, its leads, the experiment's author and admins may change it."
        )))
    }
}

/// An experiment the viewer may change (403 otherwise).
pub async fn editable(
    state: &AppState,
    org: &std::sync::Arc<OrgView>,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Experiment> {
    let (org, me) = (org.clone(), viewer.person().cloned());
    state
        .db
        .run(move |c| {
            let e = repo::get(c, id)?;
            require_edit(c, &org, me.as_ref(), e.input.squad_id, e.author_id)?;
            Ok(e)
        })
        .await
}

/// Saves checked input as a new experiment, or over `old`, once the viewer may edit the
/// squad it is (now) filed under.
pub async fn store(
    state: &AppState,
    org: &std::sync::Arc<OrgView>,
    viewer: &Viewer,
    old: Option<&Experiment>,
    input: ExperimentInput,
) -> AppResult<Experiment> {
    let me = viewer.require_user()?.clone();
    let org = org.clone();
    let (id, author) = (old.map(|e| e.id), old.and_then(|e| e.author_id));
    state
        .db
        .run(move |c| {
            require_edit(c, &org, Some(&me), input.squad_id, author)?;
            match id {
                Some(id) => repo::update(c, Some(me.id), id, &input),
                None => repo::create(c, Some(me.id), &input),
            }
        })
        .await
}

/// The id of the squad with this slug.
pub fn squad_id(org: &OrgView, slug: &str) -> Option<i64> {
    org.unit_by_key(UnitKind::Squad.as_str(), slug)
        .map(|u| u.id)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub tribe: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub outcome: String,
    /// `2026-Q3`
    #[serde(default)]
    pub quarter: String,
}

/// The squads a filter of `squad=`/`tribe=` (or `unit=kind/slug`) means; an unknown one
/// matches nothing rather than everything.
pub fn squads_of(org: &OrgView, squad: &str, tribe: &str) -> Option<Vec<i64>> {
    if !squad.trim().is_empty() {
        return Some(squad_id(org, squad.trim()).into_iter().collect());
    }
    if !tribe.trim().is_empty() {
        return Some(
            match org.unit_by_key(UnitKind::Tribe.as_str(), tribe.trim()) {
                Some(t) => org
                    .snap
                    .in_tribe(t.id, UnitKind::Squad)
                    .map(|u| u.id)
                    .collect(),
                None => vec![],
            },
        );
    }
    None
}

impl ListQuery {
    pub fn filter(&self, org: &OrgView) -> AppResult<Filter> {
        let bad = |what: &str, v: &str| AppError::BadRequest(format!("{v:?} is not a {what}."));
        let status = match self.status.trim() {
            "" => None,
            s => Some(Status::parse(s).ok_or_else(|| bad("status", s))?),
        };
        let outcome = match self.outcome.trim() {
            "" => None,
            s => Some(Outcome::parse(s).ok_or_else(|| bad("outcome", s))?),
        };
        let (from, to) = match self.quarter.trim() {
            "" => (None, None),
            q => {
                let (a, b) =
                    quarter_bounds(q).ok_or_else(|| bad("quarter (write it like 2026-Q3)", q))?;
                (Some(a), Some(b))
            }
        };
        Ok(Filter {
            squads: squads_of(org, &self.squad, &self.tribe),
            status,
            outcome,
            from,
            to,
        })
    }
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
        Errors::new(),
        None,
    ))
}

/// What a press of "Calculate" inside the form gives: the calculator's inputs and answer, and
/// the form with the planned sample (and, from the daily traffic, the planned end) filled in.
fn calculate(form: &mut Form, pairs: &Pairs) -> CalcView {
    let mut calc = CalcView::from_pairs(pairs);
    if calc.variants.trim().is_empty() {
        let arms = form
            .variants
            .iter()
            .filter(|v| !v.name.trim().is_empty())
            .count();
        calc.variants = arms.max(2).to_string();
    }
    calc.run();
    if let Some(r) = &calc.result {
        form.planned_sample = r.per_variant.to_string();
        if let (Some(days), Ok(start)) = (
            r.days,
            chrono::NaiveDate::parse_from_str(form.planned_start.trim(), "%Y-%m-%d"),
        ) && form.planned_end.trim().is_empty()
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
            Errors::new(),
            Some(calc),
        ));
    }
    let input = match form.parse(|slug| squad_id(&org, slug)) {
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
    errors: Errors,
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
    let org = org_view(&state).await?;
    let (org2, v) = (org.clone(), viewer.person().cloned());
    let (e, lessons, may, author) = state
        .db
        .run(move |c| {
            let e = repo::get(c, id)?;
            let may = may_edit(c, &org2, v.as_ref(), e.input.squad_id, e.author_id)?;
            let author = match e.author_id {
                Some(a) => crate::org::repo::name_of(c, a)?,
                None => None,
            };
            Ok((e, repo::lessons_from(c, id)?, may, author))
        })
        .await?;
    let learnings = crate::pages::routes::render(&state, e.input.learnings.clone()).await?;
    let body = repo::search_text(&e.input);
    let related = crate::search::routes::related(
        &state,
        crate::search::records::key("experiment", &id.to_string()),
        e.input.title.clone(),
        body,
        vec![e.input.squad_id],
    )
    .await;
    html(&views::ShowPage::new(
        Shell::new(&viewer, "experiments"),
        &org,
        e,
        learnings,
        lessons,
        may,
        author,
        related,
    ))
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
        Errors::new(),
        None,
    ))
}

/// Checks that the status may move as asked (design → running → concluded, or aborted).
pub fn check_transition(old: Status, new: &ExperimentInput) -> Result<(), Errors> {
    if old.may_become(new.status) {
        return Ok(());
    }
    let mut errors = Errors::new();
    errors.insert(
        "status".into(),
        format!(
            "An experiment in {} cannot become {}: it goes design → running → concluded, or \
             is aborted.",
            old.label().to_lowercase(),
            new.status.label().to_lowercase()
        ),
    );
    Err(errors)
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
            Errors::new(),
            Some(calc),
        ));
    }
    let input = match form
        .parse(|slug| squad_id(&org, slug))
        .and_then(|i| check_transition(e.input.status, &i).map(|_| i))
    {
        Ok(input) => input,
        Err(errors) => return again(shell(), &org, Some(&e), form, errors),
    };
    // Moving it to another squad needs the right to edit there too (`store` checks).
    let saved = store(&state, &org, &viewer, Some(&e), input).await?;
    Ok(see_other(&saved.url()))
}

#[derive(Deserialize, Default)]
struct CalcQuery {
    #[serde(default)]
    baseline: String,
    #[serde(default)]
    mde: String,
    #[serde(default)]
    alpha: String,
    #[serde(default)]
    power: String,
    #[serde(default)]
    variants: String,
    #[serde(default)]
    daily: String,
}

async fn calculator(viewer: Viewer, q: web::Query<CalcQuery>) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let asked = !q.baseline.is_empty() || !q.mde.is_empty();
    let mut calc = CalcView {
        baseline: q.baseline,
        mde: q.mde,
        alpha: q.alpha,
        power: q.power,
        variants: q.variants,
        daily: q.daily,
        ..CalcView::default()
    };
    calc.defaults();
    if asked {
        calc.run();
    }
    html(&views::CalculatorPage {
        shell: Shell::new(&viewer, "experiments"),
        calc,
    })
}

#[derive(Deserialize, Default)]
pub struct InsightsQuery {
    /// `squad/slug` or `tribe/slug`; empty for the whole org.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// The squads (None: all) and the dates an insight covers.
pub type Scope = (
    Option<Vec<i64>>,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
);

impl InsightsQuery {
    /// The squads and dates asked for.
    pub fn scope(&self, org: &OrgView) -> AppResult<Scope> {
        let squads = match self.unit.trim().split_once('/') {
            None if self.unit.trim().is_empty() => None,
            Some(("squad", slug)) => squads_of(org, slug, ""),
            Some(("tribe", slug)) => squads_of(org, "", slug),
            _ => {
                return Err(AppError::BadRequest(format!(
                    "{:?} is not a unit: write squad/slug or tribe/slug.",
                    self.unit
                )));
            }
        };
        let date = |raw: &str, what: &str| match raw.trim() {
            "" => Ok(None),
            s => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    AppError::BadRequest(format!("{what} {s:?} is not a date (YYYY-MM-DD)."))
                }),
        };
        Ok((squads, date(&self.from, "From")?, date(&self.to, "To")?))
    }
}

/// The insights of a scope, with the names of its squads and tribes.
pub async fn compute_insights(
    state: &AppState,
    org: &std::sync::Arc<OrgView>,
    q: &InsightsQuery,
) -> AppResult<super::insights::Insights> {
    let (squads, from, to) = q.scope(org)?;
    // Every ended experiment, kept until the change log moves on; the scope is a filter in
    // memory (thousands of rows cost microseconds here and milliseconds to read).
    let cache = state.ended_experiments.clone();
    let all = state
        .db
        .run(move |c| cache.get(c, (), |c| repo::ended(c, None, None, None)))
        .await?;
    let ended: Vec<repo::Summary> = all
        .iter()
        .filter(|s| squads.as_ref().is_none_or(|q| q.contains(&s.squad_id)))
        .filter(|s| {
            s.ended_on
                .is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t))
        })
        .cloned()
        .collect();
    let names = |id: i64| {
        let u = org.snap.unit(id)?;
        let tribe = u
            .tribe_id
            .and_then(|t| org.snap.unit(t))
            .map(|t| (t.name.clone(), t.url()));
        Some((u.name.clone(), u.url(), tribe))
    };
    Ok(super::insights::compute(&ended, &names))
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

/// The calculator's inputs as written in percent (baseline, MDE) and as numbers.
pub fn design_from_percent(calc: &CalcView) -> Result<(Design, Option<u64>), Errors> {
    let mut errors = Errors::new();
    let mut num = |field: &str, raw: &str| match super::forms::number(raw.trim_end_matches('%')) {
        Some(v) => v,
        None => {
            errors.insert(field.into(), format!("{:?} is not a number.", raw.trim()));
            f64::NAN
        }
    };
    let design = Design {
        baseline: num("baseline", &calc.baseline) / 100.0,
        mde: num("mde", &calc.mde) / 100.0,
        alpha: num("alpha", &calc.alpha),
        power: num("power", &calc.power),
        variants: 0,
    };
    let variants = super::forms::count(&calc.variants).and_then(|v| u32::try_from(v).ok());
    let design = Design {
        variants: variants.unwrap_or(0),
        ..design
    };
    let daily = match calc.daily.trim() {
        "" => None,
        raw => match super::forms::count(raw) {
            Some(d) if d > 0 => Some(d),
            _ => {
                errors.insert(
                    "daily".into(),
                    format!("{raw:?} is not a daily traffic: a whole number above 0."),
                );
                None
            }
        },
    };
    if errors.is_empty() {
        for (field, msg) in design.check() {
            errors.entry(field.into()).or_insert(msg);
        }
    }
    if errors.is_empty() {
        Ok((design, daily))
    } else {
        Err(errors)
    }
}

/// `stats::days_needed`, re-exported for the views.
pub fn days(total: u64, daily: Option<u64>) -> Option<u64> {
    daily.and_then(|d| stats::days_needed(total, d))
}
