//! What pages and the API share: who may change an experiment, loading one to change,
//! saving checked input, and the insights of a scope. The permission is checked here once,
//! on the blocking thread that also reads or writes.

use std::sync::Arc;

use super::insights::{self, Insights, Tally, UnitExperiments};
use super::model::Experiment;
use super::model::{ExperimentInput, Status};
use super::repo::{self, Summary};
use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::db::head_cache::HeadCache;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::cache::OrgView;
use crate::people::model::Person;
use crate::site::forms::FieldErrors;
use crate::state::AppState;

/// Who may change an experiment: admins, its author, the owning squad's current members, and
/// the leads of the squad or its tribe.
pub fn may_edit(
    conn: &mut AnyConnection,
    org: &OrgView,
    viewer: Option<&Person>,
    squad_id: UnitId,
    author_id: Option<PersonId>,
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
    conn: &mut AnyConnection,
    org: &OrgView,
    viewer: Option<&Person>,
    squad_id: UnitId,
    author_id: Option<PersonId>,
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
    org: &Arc<OrgView>,
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
    org: &Arc<OrgView>,
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

/// The experiment with a CSV file's data put in, checked as a save of its form would be;
/// messages about the file's rows are keyed by their line (`line 3`).
pub fn with_csv(org: &OrgView, e: &Experiment, text: &str) -> Result<ExperimentInput, FieldErrors> {
    use super::import;
    let rows = import::read(text)?;
    let squad = org
        .snap
        .unit(e.input.squad_id)
        .map(|u| u.slug.clone())
        .unwrap_or_default();
    let mut form = super::forms::Form::of(&e.input, &squad);
    let lines = import::apply(&mut form, rows)?;
    form.parse(|slug| org.squad_id(slug), Some(&e.input))
        .map_err(|errors| import::at_lines(errors, &form, &lines))
}

/// Checks that the status may move as asked (design → running → concluded, or aborted).
/// Design → concluded in one edit (logged after the fact) is the two steps at once, so it
/// needs what running records: when it started, and what the variants saw.
pub fn check_transition(old: Status, new: &ExperimentInput) -> Result<(), FieldErrors> {
    if old.may_become(new.status) {
        return Ok(());
    }
    let mut errors = FieldErrors::new();
    if old == Status::Design && new.status == Status::Concluded {
        if new.planned_start.is_none() {
            errors.insert(
                "planned_start",
                "It ran before it concluded: say when it started.",
            );
        }
        if new.variants.iter().all(|v| v.observed.is_none()) && new.all_results().is_empty() {
            errors.insert(
                "variants",
                "It ran before it concluded: enter how many units each variant saw, or the \
                 results per metric.",
            );
        }
        return errors.or_ok(());
    }
    errors.insert(
        "status",
        format!(
            "An experiment in {} cannot become {}: it goes design → running → concluded, or \
             is aborted.",
            old.label().to_lowercase(),
            new.status.label().to_lowercase()
        ),
    );
    Err(errors)
}

/// The insights of a scope, with the names of its squads and tribes.
pub async fn compute_insights(
    state: &AppState,
    org: &Arc<OrgView>,
    q: &super::filters::InsightsQuery,
) -> AppResult<Insights> {
    let (squads, from, to) = q.scope(org)?;
    let cache = state.part::<EndedCache>()?;
    let all = state.db.run(move |c| all_ended(c, &cache)).await?;
    let names = |id: UnitId| {
        let u = org.snap.unit(id)?;
        let tribe = u
            .tribe_id
            .and_then(|t| org.snap.unit(t))
            .map(|t| (t.name.clone(), t.url()));
        Some((u.name.clone(), u.url(), tribe))
    };
    Ok(insights::compute(
        insights::scoped(&all, squads.as_deref(), from, to),
        &names,
    ))
}

/// Every ended experiment, kept until the change log moves on: insights and unit pages
/// filter it in memory (thousands of rows cost microseconds to filter, milliseconds to read).
pub fn all_ended(conn: &mut AnyConnection, cache: &EndedCache) -> AppResult<Arc<Vec<Summary>>> {
    cache.get(conn, (), repo::ended)
}

pub type EndedCache = HeadCache<Vec<Summary>>;

/// A squad's or tribe's experiments (`squads` are the squad, or the tribe's squads).
pub fn for_unit(
    conn: &mut AnyConnection,
    cache: &EndedCache,
    squads: &[UnitId],
) -> AppResult<UnitExperiments> {
    let since = crate::dates::today() - chrono::Duration::days(365);
    let all = all_ended(conn, cache)?;
    let mut tally = Tally::default();
    for s in insights::scoped(&all, Some(squads), Some(since), None) {
        if let Some(o) = s.outcome() {
            tally.add(o, s.aborted());
        }
    }
    let recent = repo::list(
        conn,
        &repo::Filter {
            squads: Some(squads.to_vec()),
            ..repo::Filter::default()
        },
        5,
    )?;
    Ok(UnitExperiments { tally, recent })
}

/// An experiment, which takes comments: its title, address and change-log key.
pub fn commentable(
    conn: &mut crate::db::AnyConnection,
    id: i64,
) -> crate::error::AppResult<Option<(String, String, String)>> {
    match super::repo::get(conn, id) {
        Ok(e) => Ok(Some((e.input.title.clone(), e.url(), e.id.to_string()))),
        Err(crate::error::AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
