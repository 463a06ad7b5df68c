//! What a squad is doing right now: its running retros and its open health checks, for its
//! page to offer a way in.

use crate::db::AnyConnection;
use crate::error::AppResult;
use crate::ids::UnitId;

/// A squad's retro or health check that is still open: what it is, where to join it.
#[derive(Debug, Clone)]
pub struct Happening {
    pub what: String,
    pub detail: String,
    pub url: String,
}

/// The squad's running retros and open health checks, newest first.
pub fn happening(
    c: &mut AnyConnection,
    retros: &crate::retros::flow::RetroCache,
    squad: UnitId,
) -> AppResult<Vec<Happening>> {
    let mut out: Vec<Happening> = crate::retros::flow::all(c, retros)?
        .iter()
        .filter(|r| r.squad_id == squad && !r.closed())
        .map(|r| Happening {
            what: format!("Retro: {}", r.title),
            detail: format!("{} phase, {}", r.phase.label(), r.held_on),
            url: format!("/retros/{}", r.id),
        })
        .collect();
    out.reverse();
    out.extend(
        crate::health::repo::sessions_of(c, &[squad])?
            .into_iter()
            .filter(|s| !s.closed())
            .map(|s| Happening {
                what: "Health check".into(),
                detail: format!("open for votes, {}", s.held_on),
                url: format!("/health/{}", s.id),
            }),
    );
    Ok(out)
}
