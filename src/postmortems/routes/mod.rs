//! `/postmortems`: the list with its filters, a post-mortem, new and edit (with the blameless
//! check on "Check the wording" and after saving), the workflow (send to review, review,
//! dismiss a finding), the Markdown export, the Atom feed, the rules and the insights.
//!
//! Here: every route, the list, a post-mortem's page and the rules. New and edit are in
//! `edit`, the workflow's forms in `workflow`, the Markdown download and the feed in `feed`.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::flow::{self, Checker, ListQuery};
use super::model::Postmortem;
use super::repo;
use super::views::{ListPage, ListRow, Section, ShowData, ShowPage};
use crate::auth::Viewer;
use crate::db::EntityKind;
use crate::error::AppResult;
use crate::notify::model::Target;
use crate::org::cache::OrgCache;
use crate::org::cache::OrgView;
use crate::org::cache::org_view;
use crate::postmortems::blameless::Rules;
use crate::postmortems::flow::SummaryCache;
use crate::site::views::{Shell, html};
use crate::state::AppState;

mod edit;
mod feed;
mod workflow;

use edit::{create, edit_form, new_form, save};
use feed::{feed, markdown};
use workflow::{dismiss, review, status};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Fixed paths before `{id}`, which would take them for an id.
    cfg.route("/postmortems", web::get().to(list))
        .route("/postmortems/new", web::get().to(new_form))
        .route("/postmortems/new", web::post().to(create))
        .route("/feeds/postmortems.atom", web::get().to(feed))
        // Where the feed was first published; readers subscribed there keep it.
        .route("/postmortems/feed.atom", web::get().to(feed))
        .route("/postmortems/rules", web::get().to(rules))
        .route(
            "/postmortems/insights",
            web::get().to(super::insights::page),
        )
        .route("/postmortems/{id:\\d+}.md", web::get().to(markdown))
        .route("/postmortems/{id}", web::get().to(show))
        .route("/postmortems/{id}/edit", web::get().to(edit_form))
        .route("/postmortems/{id}/edit", web::post().to(save))
        .route("/postmortems/{id}/status", web::post().to(status))
        .route("/postmortems/{id}/review", web::post().to(review))
        .route("/postmortems/{id}/dismiss", web::post().to(dismiss));
}

/// Post-mortems per page of the list.
const PAGE: usize = 50;

fn shell(viewer: &Viewer) -> Shell {
    Shell::new(viewer, "postmortems")
}

async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let org = org_view(&state).await?;
    let cache = state.part::<SummaryCache>()?;
    let all = state.db.run(move |c| flow::all(c, &cache)).await?;
    let found = q.select(&all, viewer.person(), &org)?;
    let pages = found.len().div_ceil(PAGE).max(1);
    let page = q.page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
    let rows = found
        .iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .map(|s| ListRow::of(s, &org))
        .collect();
    let mut list = ListPage::new(shell(&viewer), &org, rows, q);
    list.total = found.len();
    list.prev = (page > 1).then(|| list.q.page_url(page - 1));
    list.next = (page < pages).then(|| list.q.page_url(page + 1));
    html(&list)
}

/// The show page's data, read in one trip.
async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> AppResult<(std::sync::Arc<OrgView>, Postmortem, ShowData)> {
    let (org_cache, checker, renderer) = (
        state.part::<OrgCache>()?,
        Checker::of(state)?,
        crate::pages::render::Renderer::of(state)?,
    );
    let me = viewer.person().cloned();
    state
        .db
        .run(move |c| {
            let org = org_cache.get(c)?;
            let pm = flow::visible(repo::get(c, id)?, me.as_ref(), &org)?;
            let dismissals = repo::dismissals(c, id)?;
            let (open, dismissed) = checker.findings(c, &org, &pm.input, &dismissals)?;
            // Rendered once per saved version (wikilinks resolve as on pages).
            let version = pm.updated_at.and_utc().timestamp_micros();
            let mut sections = Vec::new();
            for (n, (title, text)) in Section::sources(&pm.input).into_iter().enumerate() {
                if !text.trim().is_empty() {
                    let key = format!("postmortem:{id}:{version}:{n}");
                    let html = renderer.render(c, text, Some(key))?;
                    sections.push(Section { title, html });
                }
            }
            let actions = pm
                .items
                .iter()
                .map(|a| crate::action_items::flow::Listed {
                    may_change: crate::action_items::flow::may_change(
                        a,
                        super::flow::may_edit(pm.people(), me.as_ref(), &org),
                        me.as_ref(),
                        &org,
                    ),
                    item: a.clone(),
                    source_title: String::new(),
                })
                .collect();
            let data = ShowData {
                actions,
                sections,
                lessons: crate::lessons::repo::from_source(c, repo::KIND, &id.to_string())?,
                open,
                dismissed,
                reviews: repo::reviews(c, id)?,
                may_edit: flow::may_edit(pm.people(), me.as_ref(), &org),
                may_review: flow::may_review(pm.people(), pm.creator_id, me.as_ref(), &org),
                watch: crate::notify::flow::button(
                    c,
                    me.as_ref().map(|p| p.id),
                    Target::Record(EntityKind::Postmortem, id.to_string()),
                    &pm.url(),
                )?,
                thread: crate::comments::flow::thread(c, me.as_ref(), EntityKind::Postmortem, id)?,
            };
            Ok((org, pm, data))
        })
        .await
}

async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (org, pm, data) = show_page(&state, &viewer, id.into_inner()).await?;
    html(&ShowPage::new(
        shell(&viewer),
        &org,
        pm,
        data,
        crate::dates::today(),
    ))
}

#[derive(Template)]
#[template(path = "postmortems/rules.html")]
struct RulesPage {
    shell: Shell,
    rules: Vec<(String, String, String)>,
    file: &'static str,
}

async fn rules(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    html(&RulesPage {
        shell: shell(&viewer),
        rules: state.part::<Rules>()?.describe(),
        file: super::RULES_FILE,
    })
}
