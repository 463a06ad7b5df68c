//! A squad's health history (`/squads/{slug}/health`), where a session starts.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{link, shell};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::health::flow::{self, Found};
use crate::health::repo;
use crate::health::views::SquadPage;
use crate::org::unit::UnitKind;
use crate::site::views::{html_with_status, see_other};
use crate::state::AppState;

pub(super) async fn squad_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    render_squad(&state, &viewer, &slug, StartForm::default(), None).await
}

async fn render_squad(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
    typed: StartForm,
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
    let history = state.db.run(move |c| flow::history(c, id, None)).await?;
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
            held_on: if typed.held_on.is_empty() {
                crate::dates::today().to_string()
            } else {
                typed.held_on
            },
            results_shown: typed.results == "shown",
            error,
        },
        status,
    )
}

#[derive(Deserialize, Default)]
pub(super) struct StartForm {
    #[serde(default)]
    held_on: String,
    /// `hidden` (also when blank: results show once the session closes) or `shown`.
    #[serde(default)]
    results: String,
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

/// Starts a session (or opens the one already running that day) with the starter as its
/// facilitator. Anyone signed in may: coaches are often outside the squad.
pub(super) async fn start(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<StartForm>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let day = match held_on(&form.held_on, crate::dates::today()) {
        Ok(d) => d,
        Err(m) => {
            return render_squad(&state, &viewer, &slug, form.into_inner(), Some(m)).await;
        }
    };
    // Anything but "shown" hides: the safe reading of an odd value.
    let hide_votes = form.results.trim() != "shown";
    let squad = match flow::unit(&state, UnitKind::Squad, &slug).await?.1 {
        Found::Unit(u) => *u,
        // A form posted to an old address: the squad has moved on, and so should the form.
        Found::MovedTo(_) => return Err(AppError::NotFound),
    };
    let id = state
        .db
        .run(move |c| repo::start(c, me.id, squad.id, day, hide_votes))
        .await?;
    Ok(see_other(&format!("/health/{id}")))
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
