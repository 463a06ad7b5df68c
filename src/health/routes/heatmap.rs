//! A tribe's heatmap (`/tribes/{slug}/health`): each squad's latest session, indicator by
//! indicator.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{link, shell};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::health::flow::{self, Found};
use crate::health::views::{Cell, Column, HeatRow, HeatmapPage};
use crate::ids::UnitId;
use crate::org::unit::{Unit, UnitKind};
use crate::site::views::html_with_status;
use crate::state::AppState;

pub(super) async fn heatmap(
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
    let ids: Vec<UnitId> = squads.iter().map(|s| s.id).collect();
    let heat = state.db.run(move |c| flow::heat(c, &ids)).await?;
    let columns: Vec<_> = heat.indicators.iter().filter(|i| !i.retired).collect();
    let rows = squads
        .iter()
        .map(|squad| {
            let latest = heat.latest.get(&squad.id);
            let cells = columns
                .iter()
                .map(|i| {
                    let mut cell = match latest {
                        Some((_, r)) => Cell::in_results(&i.name, r, i.id),
                        None => Cell::of(&i.name, &Default::default()),
                    };
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
