//! `/postmortems`: the list with its filters, a post-mortem, new and edit (with the blameless
//! check on "Check the wording" and after saving), the workflow (send to review, review,
//! dismiss a finding), the Markdown export, the Atom feed, the rules and the insights.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::export;
use super::flow::{
    self, Acknowledge, Checker, ListQuery, ReviewInput, ReviewRefused, editable, load, store,
};
use super::forms::Form;
use super::model::Postmortem;
use super::model::Status;
use super::repo::{self, Verdict};
use super::views::{EditPage, FindingView, ListPage, ListRow, Section, ShowData, ShowPage};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgCache;
use crate::org::cache::OrgView;
use crate::org::cache::org_view;
use crate::pages::changes::{Feed, FeedEntry, absolute_links, entry_id, rfc3339};
use crate::postmortems::blameless::Rules;
use crate::postmortems::flow::SummaryCache;
use crate::request::site_origin;
use crate::site::forms::FieldErrors;
use crate::site::forms::Pairs;
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;

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
    let me = viewer.require_user()?;
    let org = org_view(&state).await?;
    // The writer's own squad by default.
    let squad = if q.squad.trim().is_empty() {
        org.snap
            .of_kind(crate::org::unit::UnitKind::Squad)
            .find(|u| org.snap.people_in(u.id).contains(&me.id))
            .map(|u| u.slug.clone())
            .unwrap_or_default()
    } else {
        q.squad.trim().to_string()
    };
    let now = chrono::Utc::now().naive_utc();
    html(&EditPage::new(
        shell(&viewer),
        &org,
        None,
        Form::blank(&squad, &me.username, now),
        FieldErrors::new(),
        None,
    ))
}

/// The findings of a form as typed (the saved post-mortem's when the form does not parse
/// yet: its errors come first).
async fn check_form(
    state: &AppState,
    org: &Arc<OrgView>,
    form: &Form,
    me: i64,
    saved: Option<&Postmortem>,
) -> AppResult<Vec<FindingView>> {
    let input = match (form.parse(org, me), saved) {
        (Ok(i), _) => i,
        (Err(_), Some(pm)) => pm.input.clone(),
        (Err(_), None) => return Ok(vec![]),
    };
    let (checker, org, id) = (Checker::of(state)?, org.clone(), saved.map(|p| p.id));
    let (open, dismissed) = state
        .db
        .run(move |c| {
            let dismissals = match id {
                Some(id) => repo::dismissals(c, id)?,
                None => vec![],
            };
            checker.findings(c, &org, &input, &dismissals)
        })
        .await?;
    Ok(open
        .into_iter()
        .chain(dismissed)
        .map(FindingView::of)
        .collect())
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let org = org_view(&state).await?;
    submit(&state, &viewer, &org, None, Pairs(form.into_inner())).await
}

/// A sent form, new or an edit: "Check the wording" shows the findings of what was typed
/// and saves nothing; otherwise it is parsed and saved, or shown again with its errors.
async fn submit(
    state: &AppState,
    viewer: &Viewer,
    org: &Arc<OrgView>,
    editing: Option<Postmortem>,
    pairs: Pairs,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let form = Form::from_pairs(&pairs);
    let parsed = form.parse(org, me);
    if !pairs.get("check").is_empty() {
        let findings = check_form(state, org, &form, me, editing.as_ref()).await?;
        let errors = parsed.err().unwrap_or_default();
        return html(&EditPage::new(
            shell(viewer),
            org,
            editing.as_ref(),
            form,
            errors,
            Some(findings),
        ));
    }
    let input = match parsed {
        Ok(input) => input,
        Err(errors) => return again(viewer, org, editing.as_ref(), form, errors, None),
    };
    match store(state, org, viewer, editing.as_ref(), input).await? {
        Ok(saved) => Ok(see_other(&format!("{}#bl-h", saved.url()))),
        Err(errors) => {
            // Refused for its wording: show what the check found.
            let findings = if errors.contains_key("blameless") {
                Some(check_form(state, org, &form, me, editing.as_ref()).await?)
            } else {
                None
            };
            again(viewer, org, editing.as_ref(), form, errors, findings)
        }
    }
}

fn again(
    viewer: &Viewer,
    org: &OrgView,
    editing: Option<&Postmortem>,
    form: Form,
    errors: FieldErrors,
    findings: Option<Vec<FindingView>>,
) -> AppResult<HttpResponse> {
    html_with_status(
        &EditPage::new(shell(viewer), org, editing, form, errors, findings),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
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

async fn edit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let pm = editable(&state, &org, &viewer, id.into_inner()).await?;
    let form = Form::of(&pm.input, &org);
    html(&EditPage::new(
        shell(&viewer),
        &org,
        Some(&pm),
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
    let org = org_view(&state).await?;
    let pm = editable(&state, &org, &viewer, id.into_inner()).await?;
    submit(&state, &viewer, &org, Some(pm), Pairs(form.into_inner())).await
}

#[derive(Deserialize)]
struct StatusForm {
    to: String,
}

async fn status(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> AppResult<HttpResponse> {
    let to = Status::parse(&form.to)
        .ok_or_else(|| AppError::BadRequest(format!("{:?} is not a status.", form.to)))?;
    let org = org_view(&state).await?;
    let pm = flow::move_to(&state, &org, &viewer, id.into_inner(), to).await?;
    Ok(see_other(&pm.url()))
}

#[derive(Deserialize)]
struct ReviewForm {
    verdict: String,
    #[serde(default)]
    comments: String,
    /// The number of open findings the page showed, when the reviewer ticked the box.
    #[serde(default)]
    acknowledge: String,
    /// The version the reviewer read.
    #[serde(default)]
    version: String,
}

async fn review(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<ReviewForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let form = form.into_inner();
    let verdict = Verdict::parse(&form.verdict)
        .ok_or_else(|| AppError::BadRequest(format!("{:?} is not a verdict.", form.verdict)))?;
    let org = org_view(&state).await?;
    let input = ReviewInput {
        verdict,
        comments: form.comments.clone(),
        acknowledge: match form.acknowledge.trim().parse::<usize>() {
            Ok(n) => Acknowledge::Count(n),
            Err(_) => Acknowledge::None,
        },
        version: form.version.trim().parse().ok(),
    };
    let refused = match flow::review(&state, &org, &viewer, id, input).await? {
        Ok(pm) => return Ok(see_other(&pm.url())),
        Err(r) => r,
    };
    let (org, pm, data) = show_page(&state, &viewer, id).await?;
    let mut page = ShowPage::new(shell(&viewer), &org, pm, data, crate::dates::today());
    page.comments = form.comments;
    match refused {
        ReviewRefused::Findings(n) => page.errors.insert(
            "acknowledge",
            format!(
                "{n} blameless finding{} open: have them rewritten (request changes), or \
                 tick the box to publish anyway.",
                if n == 1 { " is" } else { "s are" }
            ),
        ),
        ReviewRefused::Comments(m) => page.errors.insert("comments", m),
        ReviewRefused::Changed => page.errors.insert(
            "acknowledge",
            "It changed since you read it: read this version, then review again.",
        ),
    };
    html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

#[derive(Deserialize)]
struct DismissForm {
    field: String,
    rule: String,
    phrase: String,
    #[serde(default)]
    reason: String,
}

async fn dismiss(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<DismissForm>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let org = org_view(&state).await?;
    let pm = flow::dismiss(
        &state,
        &org,
        &viewer,
        id.into_inner(),
        &f.field,
        &f.rule,
        &f.phrase,
        &f.reason,
    )
    .await?;
    Ok(see_other(&format!("{}#bl-h", pm.url())))
}

async fn markdown(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let org = org_view(&state).await?;
    let pm = load(&state, &org, &viewer, id).await?;
    let lessons = state
        .db
        .run(move |c| crate::lessons::repo::from_source(c, repo::KIND, &id.to_string()))
        .await?;
    let text = export::markdown(&pm, &org, &lessons, &site_origin(&req, &state.settings));
    Ok(HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"postmortem-{id}.md\""),
        ))
        .body(text))
}

/// Published post-mortems, newest first (drafts never reach a feed).
async fn feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let cache = state.part::<SummaryCache>()?;
    let all = state.db.run(move |c| flow::all(c, &cache)).await?;
    let mut published: Vec<_> = all
        .iter()
        .filter(|s| s.status == Status::Published)
        .collect();
    published.sort_by_key(|s| std::cmp::Reverse(s.published_at));
    published.truncate(30);
    let ids: Vec<i64> = published.iter().map(|s| s.id).collect();
    let pms = state
        .db
        .run(move |c| {
            ids.iter()
                .map(|id| repo::get(c, *id))
                .collect::<AppResult<Vec<_>>>()
        })
        .await?;
    let base = site_origin(&req, &state.settings);
    let entries: Vec<FeedEntry> = pms
        .iter()
        .map(|pm| FeedEntry {
            id: entry_id(&state.settings.site_id, &format!("postmortem/{}", pm.id)),
            title: format!("{}: {}", pm.input.severity.key(), pm.input.title),
            url: format!("{base}{}", pm.url()),
            updated: rfc3339(pm.published_at.unwrap_or(pm.updated_at)),
            author: "fika".into(),
            html: absolute_links(
                &crate::markdown::render(&pm.input.summary).to_string(),
                &base,
            ),
        })
        .collect();
    Feed::new(
        &base,
        &state.settings.site_id,
        "/feeds/postmortems.atom",
        "/postmortems",
        "Post-mortems".into(),
        entries,
    )
    .response(&req)
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
