//! The health-check pages: a squad's history (`/squads/{slug}/health`, where a session
//! starts), a session (`/health/{id}`: vote, results, close), a tribe's heatmap
//! (`/tribes/{slug}/health`) and the indicators admins keep (`/health/indicators`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::flow::{self, Found};
use super::model::{self, Ballot};
use super::repo;
use super::views::{
    Cell, Column, HeatRow, HeatmapPage, IndicatorForm, IndicatorsPage, Item, SessionPage,
    SquadPage, UnitLink, colors, counts, trend_choices, trends,
};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::org_view;
use crate::org::unit::{Unit, UnitKind};
use crate::site::forms::Pairs;
use crate::site::views::{Shell, html_with_status, see_other};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // The fixed path before `{id}`; ids are digits only anyway.
    cfg.route("/health/indicators", web::get().to(indicators_page))
        .route("/health/indicators", web::post().to(add_indicator))
        .route(
            "/health/indicators/{id:\\d+}",
            web::post().to(save_indicator),
        )
        .route(
            "/health/indicators/{id:\\d+}/retire",
            web::post().to(retire_indicator),
        )
        .route("/health/{id:\\d+}", web::get().to(session_page))
        .route("/health/{id:\\d+}", web::post().to(vote))
        .route("/health/{id:\\d+}/close", web::post().to(close))
        .route("/squads/{slug}/health", web::get().to(squad_page))
        .route("/squads/{slug}/health", web::post().to(start))
        .route("/tribes/{slug}/health", web::get().to(heatmap));
}

fn shell(viewer: &Viewer) -> Shell {
    Shell::new(viewer, "org")
}

fn link(u: &Unit) -> UnitLink {
    UnitLink {
        name: u.name.clone(),
        url: u.url(),
    }
}

// ---------------------------------------------------------------- a squad's history

async fn squad_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    render_squad(&state, &viewer, &slug, String::new(), None).await
}

async fn render_squad(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
    held_on: String,
    error: Option<String>,
) -> AppResult<HttpResponse> {
    let (org, found) = flow::unit(state, UnitKind::Squad, slug).await?;
    let squad = match found {
        Found::Unit(u) => *u,
        Found::MovedTo(url) => {
            return Ok(crate::site::views::moved_permanently(&format!(
                "{url}/health"
            )));
        }
    };
    let id = squad.id;
    let history = state.db.run(move |c| flow::history(c, id)).await?;
    let (columns, rows, charts) = SquadPage::rows_and_charts(&history);
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html_with_status(
        &SquadPage {
            shell: shell(viewer),
            api: format!("/api/v1/squads/{}/health", squad.slug),
            tribe: squad.tribe_id.and_then(|t| org.snap.unit(t)).map(link),
            squad: link(&squad),
            columns,
            rows,
            charts,
            may_start: viewer.person().is_some(),
            held_on: if held_on.is_empty() {
                crate::dates::today().to_string()
            } else {
                held_on
            },
            error,
        },
        status,
    )
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    held_on: String,
}

/// The day of a new session: today when left empty, never in the future (a session is for
/// voting now; a planned one would show as the squad's latest, with nothing in it).
fn held_on(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(today);
    }
    let day = crate::dates::parse_date(raw).map_err(|_| crate::dates::not_a_date(raw))?;
    if day > today {
        return Err(
            "A health check is held today or was held earlier: pick today or a past day.".into(),
        );
    }
    if day.year_ce().1 < 2000 {
        return Err("That date is too long ago for a health check.".into());
    }
    Ok(day)
}

use chrono::Datelike;

/// Starts a session (or opens the one already running that day) with the starter as its
/// facilitator. Anyone signed in may: coaches are often outside the squad.
async fn start(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<StartForm>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let day = match held_on(&form.held_on, crate::dates::today()) {
        Ok(d) => d,
        Err(m) => {
            return render_squad(&state, &viewer, &slug, form.into_inner().held_on, Some(m)).await;
        }
    };
    let squad = match flow::unit(&state, UnitKind::Squad, &slug).await?.1 {
        Found::Unit(u) => *u,
        // A form posted to an old address: the squad has moved on, and so should the form.
        Found::MovedTo(_) => return Err(AppError::NotFound),
    };
    let id = state
        .db
        .run(move |c| repo::start(c, me.id, squad.id, day))
        .await?;
    Ok(see_other(&format!("/health/{id}")))
}

// ---------------------------------------------------------------- a session

/// A vote form that did not pass its checks, to show again as typed.
struct Typed {
    ballots: HashMap<i64, Ballot>,
    errors: Vec<(i64, String)>,
}

async fn session_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    render_session(&state, &viewer, id.into_inner(), None).await
}

async fn render_session(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    typed: Option<Typed>,
) -> AppResult<HttpResponse> {
    let org = org_view(state).await?;
    let data = state.db.run(move |c| flow::session(c, id)).await?;
    let s = &data.session;
    let squad = flow::squad_of(&org, s)?;
    let me = viewer.person();
    let closed = s.closed();
    let may_vote = !closed && me.is_some_and(|p| flow::may_vote(s, &org.snap, p));
    let mine: HashMap<i64, Ballot> = data
        .votes
        .iter()
        .filter(|v| me.is_some_and(|p| p.id == v.person_id))
        .map(|v| {
            let b = Ballot {
                color: v.color.key().into(),
                trend: v.trend.map(|t| t.key().to_string()).unwrap_or_default(),
                comment: v.comment.clone(),
            };
            (v.indicator_id, b)
        })
        .collect();
    let (status, mut ballots, errors) = match typed {
        Some(t) => (StatusCode::UNPROCESSABLE_ENTITY, t.ballots, t.errors),
        None => (StatusCode::OK, HashMap::new(), vec![]),
    };
    let error_of = |id: i64| {
        errors
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, m)| m.clone())
    };
    let items = flow::columns(&data.indicators, std::iter::once(&data.results))
        .into_iter()
        .map(|i| {
            let t = data.results.tally(i.id);
            Item {
                id: i.id,
                name: i.name.clone(),
                awesome: i.awesome.clone(),
                crappy: i.crappy.clone(),
                retired: i.retired,
                cell: Cell::of(&i.name, &t),
                counts: counts(&t),
                trends: trends(&t),
                comments: data.results.comments(i.id).to_vec(),
                in_form: may_vote && !i.retired,
                ballot: ballots
                    .remove(&i.id)
                    .or_else(|| mine.get(&i.id).cloned())
                    .unwrap_or_default(),
                error: error_of(i.id),
            }
        })
        .collect();
    let facilitator = org.snap.person(s.facilitator_id).map(|p| UnitLink {
        name: p.display_name.clone(),
        url: format!("/people/{}", p.username),
    });
    html_with_status(
        &SessionPage {
            shell: shell(viewer),
            url: s.url(),
            squad: link(squad),
            history: format!("{}/health", squad.url()),
            date: s.held_on.to_string(),
            facilitator,
            closed,
            participants: data.results.participants,
            may_close: !closed && me.is_some_and(|p| flow::may_close(s, p)),
            may_vote,
            voter_note: (!closed && me.is_some() && !may_vote).then_some(flow::NOT_A_VOTER),
            voted: !mine.is_empty(),
            items,
            error: error_of(0),
            colors: colors(),
            trends: trend_choices(),
            comment_max: model::COMMENT_MAX,
        },
        status,
    )
}

/// Takes a person's whole vote (every indicator in one form); voting again replaces it.
async fn vote(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let id = id.into_inner();
    let org = org_view(&state).await?;
    let data = state.db.run(move |c| flow::session(c, id)).await?;
    if data.session.closed() {
        return Err(AppError::Conflict(repo::CLOSED.into()));
    }
    if !flow::may_vote(&data.session, &org.snap, &me) {
        return Err(AppError::forbidden(flow::NOT_A_VOTER));
    }
    let form = Pairs(form.into_inner());
    let active: Vec<i64> = data
        .indicators
        .iter()
        .filter(|i| !i.retired)
        .map(|i| i.id)
        .collect();
    let ballots: Vec<(i64, Ballot)> = active
        .iter()
        .map(|i| {
            let b = Ballot {
                color: form.get(&format!("color_{i}")).to_string(),
                trend: form.get(&format!("trend_{i}")).to_string(),
                comment: form.get(&format!("comment_{i}")).to_string(),
            };
            (*i, b)
        })
        .collect();
    match model::check_ballots(&ballots) {
        Ok(votes) => {
            state
                .db
                .run(move |c| repo::replace_votes(c, id, me.id, &active, &votes))
                .await?;
            Ok(see_other(&format!("/health/{id}#results")))
        }
        Err(errors) => {
            let typed = Typed {
                ballots: ballots.into_iter().collect(),
                errors,
            };
            render_session(&state, &viewer, id, Some(typed)).await
        }
    }
}

async fn close(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let id = id.into_inner();
    let session = state.db.run(move |c| repo::session(c, id)).await?;
    if !flow::may_close(&session, &me) {
        return Err(AppError::forbidden(
            "Only the session's facilitator or an admin closes a health check.",
        ));
    }
    state.db.run(move |c| repo::close(c, me.id, id)).await?;
    Ok(see_other(&session.url()))
}

// ---------------------------------------------------------------- a tribe's heatmap

async fn heatmap(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (org, found) = flow::unit(&state, UnitKind::Tribe, &slug).await?;
    let tribe = match found {
        Found::Unit(u) => *u,
        Found::MovedTo(url) => {
            return Ok(crate::site::views::moved_permanently(&format!(
                "{url}/health"
            )));
        }
    };
    let mut squads: Vec<&Unit> = org.snap.in_tribe(tribe.id, UnitKind::Squad).collect();
    squads.sort_by_key(|s| s.name.to_lowercase());
    let ids: Vec<i64> = squads.iter().map(|s| s.id).collect();
    let heat = state.db.run(move |c| flow::heat(c, &ids)).await?;
    let columns: Vec<_> = heat.indicators.iter().filter(|i| !i.retired).collect();
    let rows = squads
        .iter()
        .map(|squad| {
            let latest = heat.latest.get(&squad.id);
            let cells = columns
                .iter()
                .map(|i| {
                    let t = latest.map(|(_, r)| r.tally(i.id)).unwrap_or_default();
                    let mut cell = Cell::of(&i.name, &t);
                    cell.title = match latest {
                        Some((s, _)) => format!("{} · {} ({})", squad.name, cell.title, s.held_on),
                        None => format!("{} · {}", squad.name, cell.title),
                    };
                    cell
                })
                .collect();
            HeatRow {
                squad: link(squad),
                history: format!("{}/health", squad.url()),
                session: latest.map(|(s, _)| (s.held_on.to_string(), s.url(), s.closed())),
                cells,
            }
        })
        .collect();
    html_with_status(
        &HeatmapPage {
            shell: shell(&viewer),
            tribe: link(&tribe),
            columns: columns.into_iter().map(Column::of).collect(),
            rows,
        },
        StatusCode::OK,
    )
}

// ---------------------------------------------------------------- indicators (admins)

async fn indicators_page(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    render_indicators(&state, &viewer, None).await
}

async fn render_indicators(
    state: &AppState,
    viewer: &Viewer,
    typed: Option<IndicatorForm>,
) -> AppResult<HttpResponse> {
    let all = state.db.run(repo::indicators).await?;
    let status = if typed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let failed = typed.as_ref().map(IndicatorForm::key);
    let mut typed = typed;
    let forms = all
        .iter()
        .map(|i| match typed.take_if(|t| t.id == Some(i.id)) {
            Some(t) => t,
            None => IndicatorForm::of(i),
        })
        .collect();
    html_with_status(
        &IndicatorsPage {
            shell: Shell::new(viewer, "admin"),
            forms,
            new: typed.unwrap_or_default(),
            failed,
        },
        status,
    )
}

#[derive(Deserialize)]
struct IndicatorFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    awesome: String,
    #[serde(default)]
    crappy: String,
    #[serde(default)]
    position: String,
}

async fn add_indicator(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<IndicatorFields>,
) -> AppResult<HttpResponse> {
    save(&state, &viewer, None, form.into_inner()).await
}

async fn save_indicator(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<IndicatorFields>,
) -> AppResult<HttpResponse> {
    save(&state, &viewer, Some(id.into_inner()), form.into_inner()).await
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    id: Option<i64>,
    f: IndicatorFields,
) -> AppResult<HttpResponse> {
    let me = viewer.require_admin()?.id;
    let all = state.db.run(repo::indicators).await?;
    let current = match id {
        Some(id) => Some(all.iter().find(|i| i.id == id).ok_or(AppError::NotFound)?),
        None => None,
    };
    let taken = |name: &str| {
        all.iter()
            .any(|i| Some(i.id) != id && i.name.to_lowercase() == name.to_lowercase())
    };
    let typed = |errors| IndicatorForm {
        id,
        stored_name: current.map(|i| i.name.clone()).unwrap_or_default(),
        name: f.name.clone(),
        awesome: f.awesome.clone(),
        crappy: f.crappy.clone(),
        position: f.position.clone(),
        retired: current.is_some_and(|i| i.retired),
        errors,
    };
    let mut input = match model::check_indicator(&f.name, &f.awesome, &f.crappy, &f.position, taken)
    {
        Ok(input) => input,
        Err(errors) => return render_indicators(state, viewer, Some(typed(errors))).await,
    };
    // A new indicator goes last unless told otherwise.
    if id.is_none() && f.position.trim().is_empty() {
        input.position = all.iter().map(|i| i.position).max().unwrap_or(0) + 1;
    }
    let saved = state
        .db
        .run(move |c| repo::save_indicator(c, Some(me), id, &input))
        .await;
    match saved {
        Ok(id) => Ok(see_other(&format!("/health/indicators#i{id}"))),
        // Someone else took the name between the check and the save.
        Err(AppError::Database(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {
            let errors = vec![("name", "Another indicator has this name now.".to_string())];
            render_indicators(state, viewer, Some(typed(errors))).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct RetireForm {
    #[serde(default)]
    retired: String,
}

/// Retires (`retired=1`) or restores an indicator. Never deletes: history keeps its votes.
async fn retire_indicator(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<RetireForm>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_admin()?.id;
    let id = id.into_inner();
    let retired = form.retired.trim() == "1";
    state
        .db
        .run(move |c| repo::set_retired(c, Some(me), id, retired))
        .await?;
    Ok(see_other(&format!("/health/indicators#i{id}")))
}

#[cfg(test)]
mod tests {
    use super::held_on;
    use chrono::NaiveDate;

    #[test]
    fn a_session_is_held_today_or_earlier() {
        let today: NaiveDate = "2026-05-10".parse().unwrap();
        assert_eq!(held_on("", today), Ok(today));
        assert_eq!(
            held_on(" 2026-05-01 ", today),
            Ok("2026-05-01".parse().unwrap())
        );
        assert!(held_on("2026-05-11", today).unwrap_err().contains("today"));
        assert!(
            held_on("10/05/2026", today)
                .unwrap_err()
                .contains("not a date")
        );
        assert!(held_on("1999-12-31", today).is_err());
    }
}
