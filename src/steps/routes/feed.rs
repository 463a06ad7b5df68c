//! A person's career record as a Markdown download (`/people/{username}/steps.md`), and the
//! private Atom feed of the records and proposals a viewer may see (`/feeds/steps.atom`).
//! Same readers as the pages.

use actix_web::{HttpRequest, HttpResponse, web};

use super::signed_in;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::ids::PersonId;
use crate::pages::changes::{Feed, FeedEntry, entry_id, rfc3339};
use crate::request::site_origin;
use crate::site::views::no_store;
use crate::state::AppState;
use crate::steps::flow::{self, Me, with_org};
use crate::steps::framework::Framework;
use crate::steps::repo;

pub(super) async fn export(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = signed_in(&viewer)?;
    let username = username.into_inner();
    let (f, fw) = with_org(&state, move |c, view| {
        Ok((
            flow::full(c, view, &username, Some(me))?,
            Framework::new(repo::texts(c)?),
        ))
    })
    .await?;
    Ok(no_store(
        HttpResponse::Ok()
            .content_type("text/markdown; charset=utf-8")
            .body(crate::steps::export::markdown(&f, &fw)),
    ))
}

pub(super) async fn feed(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let me: Me = Some(signed_in(&viewer)?);
    let (events, names) = with_org(&state, move |c, view| {
        let events = flow::feed_events(c, view, me)?;
        let names = repo::names(c, events.iter().flat_map(|e| [e.person_id, e.actor_id]))?;
        Ok((events, names))
    })
    .await?;
    let base = site_origin(&req, &state.settings);
    let name = |id: PersonId| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| (String::new(), "someone".into()))
    };
    let entries: Vec<FeedEntry> = events
        .iter()
        .map(|e| {
            let (username, person) = name(e.person_id);
            let (_, actor) = name(e.actor_id);
            let what = e.kind().map(|k| k.label()).unwrap_or("Changed");
            let step = e
                .step()
                .map(|s| format!(": {}", s.label()))
                .unwrap_or_default();
            let url = match e.proposal_id {
                Some(p) => format!("{base}/people/{username}/steps/proposals/{p}"),
                None => format!("{base}/people/{username}/steps"),
            };
            FeedEntry {
                id: entry_id(&state.settings.site_id, &format!("step-event/{}", e.id)),
                title: format!("{person}: {what}{step}"),
                url,
                updated: rfc3339(e.created_at),
                author: actor,
                html: String::new(),
            }
        })
        .collect();
    Ok(no_store(
        Feed::new(
            &base,
            &state.settings.site_id,
            "/feeds/steps.atom",
            "/steps",
            "fika: career steps (private)".into(),
            entries,
        )
        .response(&req)?,
    ))
}
