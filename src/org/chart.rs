//! `/org/chart.svg`: the org chart drawn on the server. Tribes are columns (wrapping into
//! rows), each with its trio, squads and chapters; guilds and alliances follow. Every box
//! links to its page. Long names are shortened in the box and given whole in its tooltip.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::rules::Snapshot;
use super::unit::{Role, Unit, UnitKind};
use crate::error::AppResult;
use crate::org::cache::OrgCache;
use crate::state::AppState;

const COL_W: i32 = 230;
const GAP: i32 = 24;
const COLS: usize = 6;
const BOX_H: i32 = 40;
const HEAD_H: i32 = 64;
const STEP: i32 = 46;
const MARGIN: i32 = 20;

pub struct ChartBox {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub href: String,
    pub label: String,
    pub sub: String,
    pub title: String,
    pub class: &'static str,
}

pub struct ChartLabel {
    pub x: i32,
    pub y: i32,
    pub text: String,
}

#[derive(Template)]
#[template(path = "org/chart.svg")]
pub struct Chart {
    pub width: i32,
    pub height: i32,
    pub boxes: Vec<ChartBox>,
    pub labels: Vec<ChartLabel>,
}

/// Shortens to `max` characters with an ellipsis.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

fn unit_box(u: &Unit, x: i32, y: i32, h: i32, sub: String, class: &'static str) -> ChartBox {
    ChartBox {
        x,
        y,
        w: COL_W,
        h,
        href: u.url(),
        label: fit(&u.name, 30),
        title: format!("{} {}", u.kind().label(), u.name),
        sub,
        class,
    }
}

fn people(n: usize) -> String {
    format!("{n} {}", if n == 1 { "person" } else { "people" })
}

/// One column of the chart: a tribe (None: the squads in no tribe), its squads, chapters
/// and trio.
struct Column<'a> {
    tribe: Option<&'a Unit>,
    squads: Vec<&'a Unit>,
    chapters: Vec<&'a Unit>,
    trio: Option<&'a Unit>,
}

/// Lays out the whole org.
pub fn layout(s: &Snapshot) -> Chart {
    let mut boxes = Vec::new();
    let mut labels = Vec::new();
    let mut y = MARGIN;
    let columns = columns(s);
    if !columns.is_empty() {
        labels.push(ChartLabel {
            x: MARGIN,
            y: y + 14,
            text: "Tribes".into(),
        });
        y += 28;
    }
    for row in columns.chunks(COLS) {
        let mut bottom = y;
        for (i, col) in row.iter().enumerate() {
            let x = MARGIN + i as i32 * (COL_W + GAP);
            let cy = column(s, col, x, y, &mut boxes, &mut labels);
            bottom = bottom.max(cy);
        }
        y = bottom + GAP;
    }
    let y = communities(s, y, &mut boxes, &mut labels);
    let cols = boxes
        .iter()
        .map(|b| b.x + b.w)
        .max()
        .unwrap_or(COL_W + MARGIN);
    Chart {
        width: cols + MARGIN,
        height: y.max(120) + MARGIN,
        boxes,
        labels,
    }
}

/// One column per tribe (its trio, squads and chapters), and one for squads in no tribe.
fn columns<'s>(s: &'s Snapshot) -> Vec<Column<'s>> {
    let tribes: Vec<&Unit> = s.of_kind(UnitKind::Tribe).collect();
    let mut columns: Vec<Column> = tribes
        .iter()
        .map(|t| Column {
            tribe: Some(*t),
            squads: s.in_tribe(t.id, UnitKind::Squad).collect(),
            chapters: s.in_tribe(t.id, UnitKind::Chapter).collect(),
            trio: s.in_tribe(t.id, UnitKind::Trio).next(),
        })
        .collect();
    let free: Vec<&Unit> = s
        .of_kind(UnitKind::Squad)
        .filter(|u| u.tribe_id.is_none())
        .collect();
    if !free.is_empty() {
        columns.push(Column {
            tribe: None,
            squads: free,
            chapters: vec![],
            trio: None,
        });
    }
    columns
}

/// Draws one column with its top at `y`; returns where it ends.
fn column(
    s: &Snapshot,
    col: &Column,
    x: i32,
    y: i32,
    boxes: &mut Vec<ChartBox>,
    labels: &mut Vec<ChartLabel>,
) -> i32 {
    let Column {
        tribe,
        squads,
        chapters,
        trio,
    } = col;
    let mut cy = y;
    match tribe {
        Some(t) => {
            let lead = trio
                .and_then(|trio| {
                    s.members_with_role(trio.id, Role::TribeLead)
                        .first()
                        .copied()
                })
                .map(|p| format!(" · lead {}", fit(&p.display_name, 16)))
                .unwrap_or_default();
            let sub = format!("{}{lead}", people(s.people_in_tribe(t.id).len()));
            boxes.push(unit_box(t, x, cy, HEAD_H - 8, sub, "tribe"));
        }
        None => labels.push(ChartLabel {
            x,
            y: cy + 30,
            text: "Squads in no tribe".into(),
        }),
    }
    cy += HEAD_H;
    if let Some(trio) = trio {
        boxes.push(unit_box(trio, x, cy, BOX_H, String::new(), "trio"));
        cy += STEP;
    }
    for sq in squads {
        let sub = people(s.people_in(sq.id).len());
        boxes.push(unit_box(sq, x, cy, BOX_H, sub, "squad"));
        cy += STEP;
    }
    for ch in chapters {
        let sub = people(s.people_in(ch.id).len());
        boxes.push(unit_box(ch, x, cy, BOX_H, sub, "chapter"));
        cy += STEP;
    }
    cy
}

/// Guilds and alliances, in rows under the tribes starting at `y`; returns where they end.
fn communities(
    s: &Snapshot,
    mut y: i32,
    boxes: &mut Vec<ChartBox>,
    labels: &mut Vec<ChartLabel>,
) -> i32 {
    for (kind, heading) in [
        (UnitKind::Guild, "Guilds"),
        (UnitKind::Alliance, "Alliances"),
    ] {
        let units: Vec<&Unit> = s.of_kind(kind).collect();
        if units.is_empty() {
            continue;
        }
        labels.push(ChartLabel {
            x: MARGIN,
            y: y + 14,
            text: heading.into(),
        });
        y += 28;
        for row in units.chunks(COLS) {
            for (i, u) in row.iter().enumerate() {
                let x = MARGIN + i as i32 * (COL_W + GAP);
                let sub = people(s.people_in(u.id).len());
                boxes.push(unit_box(u, x, y, BOX_H + 6, sub, kind.as_str()));
            }
            y += STEP + 6 + 6;
        }
        y += GAP - 12;
    }
    y
}

/// `/org/chart`: the chart inside the site's page, with the header and navigation around it.
/// The SVG keeps its own document (its inline styles are allowed there only), framed; its
/// boxes open their pages in the whole window.
#[derive(Template)]
#[template(path = "org/chart_page.html")]
pub struct ChartPage {
    pub shell: crate::site::views::Shell,
    pub width: i32,
    pub height: i32,
}

pub async fn chart_page(
    state: web::Data<AppState>,
    viewer: crate::auth::Viewer,
) -> AppResult<HttpResponse> {
    let view = crate::org::cache::org_view(&state).await?;
    let chart = layout(&view.snap);
    crate::site::views::html(&ChartPage {
        shell: crate::site::views::Shell::new(&viewer, "org"),
        width: chart.width,
        height: chart.height,
    })
}

pub async fn chart(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let cache = state.part::<OrgCache>()?;
    let svg = state.db.run(move |c| cache.get(c)?.chart_svg()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        // The chart styles itself with an inline <style> (light and dark): allowed for this
        // script-free document only.
        .insert_header((
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ))
        .body(svg))
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn long_names_are_shortened() {
        assert_eq!(fit("Payments", 30), "Payments");
        assert_eq!(fit("A very long squad name indeed", 10), "A very lo…");
    }
}
