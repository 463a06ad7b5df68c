//! What changed lately: `/changes` and the Atom feeds (`/feeds/lessons.atom`,
//! `/feeds/changes.atom`, `/feeds/{kind}/{slug}.atom`).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::app::AppState;
use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::db::schema::{lesson_revisions, lessons, page_revisions, pages, people};
use crate::error::{AppError, AppResult};
use crate::org::unit::UnitKind;
use crate::site::views::{Shell, html};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/changes", web::get().to(changes_page))
        .route("/feeds/lessons.atom", web::get().to(lessons_feed))
        .route("/feeds/changes.atom", web::get().to(changes_feed))
        .route("/feeds/{kind}/{slug}.atom", web::get().to(unit_feed));
}

/// One saved revision of a page or a lesson.
#[derive(Debug, Clone)]
pub struct ChangeItem {
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    pub revision: i32,
    pub summary: String,
    pub author: Option<String>,
    pub at: NaiveDateTime,
    pub body: String,
}

/// (title, slug or id, number, summary, author, when, body) of a revision.
type RevRow<K> = (
    String,
    K,
    i32,
    String,
    Option<String>,
    NaiveDateTime,
    String,
);

/// The newest revisions of live pages and lessons, newest first.
pub fn recent(conn: &mut AnyConnection, limit: i64) -> AppResult<Vec<ChangeItem>> {
    let page_revs: Vec<RevRow<String>> = page_revisions::table
        .inner_join(pages::table)
        .left_join(people::table.on(page_revisions::author_id.eq(people::id.nullable())))
        .filter(pages::deleted_at.is_null())
        .order(page_revisions::created_at.desc())
        .limit(limit)
        .select((
            page_revisions::title,
            pages::slug,
            page_revisions::number,
            page_revisions::summary,
            people::display_name.nullable(),
            page_revisions::created_at,
            page_revisions::body,
        ))
        .load(conn)?;
    let lesson_revs: Vec<RevRow<i64>> = lesson_revisions::table
        .inner_join(lessons::table)
        .left_join(people::table.on(lesson_revisions::author_id.eq(people::id.nullable())))
        .filter(lessons::deleted_at.is_null())
        .order(lesson_revisions::created_at.desc())
        .limit(limit)
        .select((
            lesson_revisions::title,
            lessons::id,
            lesson_revisions::number,
            lesson_revisions::summary,
            people::display_name.nullable(),
            lesson_revisions::created_at,
            lesson_revisions::body,
        ))
        .load(conn)?;
    let mut all: Vec<ChangeItem> =
        page_revs
            .into_iter()
            .map(
                |(title, slug, revision, summary, author, at, body)| ChangeItem {
                    kind: "page",
                    title,
                    url: format!("/pages/{slug}"),
                    revision,
                    summary,
                    author,
                    at,
                    body,
                },
            )
            .chain(lesson_revs.into_iter().map(
                |(title, id, revision, summary, author, at, body)| ChangeItem {
                    kind: "lesson",
                    title,
                    url: format!("/lessons/{id}"),
                    revision,
                    summary,
                    author,
                    at,
                    body,
                },
            ))
            .collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.at));
    all.truncate(limit as usize);
    Ok(all)
}

#[derive(Template)]
#[template(path = "pages/changes.html")]
struct ChangesPage {
    shell: Shell,
    changes: Vec<ChangeItem>,
}

async fn changes_page(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let changes = state.db.run(|c| recent(c, 100)).await?;
    html(&ChangesPage {
        shell: Shell::new(&viewer, "pages"),
        changes,
    })
}

pub struct FeedEntry {
    pub id: String,
    pub title: String,
    pub url: String,
    pub updated: String,
    pub author: String,
    pub html: String,
}

/// An Atom 1.0 feed; askama escapes every value, so the HTML content is carried as text.
#[derive(Template)]
#[template(path = "pages/feed.xml")]
pub struct Feed {
    pub id: String,
    pub title: String,
    pub self_url: String,
    pub alternate: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

impl Feed {
    /// The feed at `path` (its id and self link; a token, if any, stays out of both), updated
    /// as of its newest entry (entries come newest first).
    pub fn new(
        base: &str,
        path: &str,
        alternate: &str,
        title: String,
        entries: Vec<FeedEntry>,
    ) -> Feed {
        Feed {
            id: format!("{base}{path}"),
            self_url: format!("{base}{path}"),
            alternate: format!("{base}{alternate}"),
            title,
            updated: entries
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| rfc3339(chrono::Utc::now().naive_utc())),
            entries,
        }
    }

    pub fn response(&self) -> AppResult<HttpResponse> {
        Ok(HttpResponse::Ok()
            .content_type("application/atom+xml; charset=utf-8")
            .body(self.render().map_err(AppError::internal)?))
    }
}

/// The site's origin for absolute links (see [`crate::request::site_origin`]).
pub fn base_url(req: &HttpRequest, settings: &crate::config::Settings) -> String {
    crate::request::site_origin(req, settings)
}

pub fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn feed_response(
    state: &AppState,
    req: &HttpRequest,
    title: String,
    alternate: &str,
    items: Vec<ChangeItem>,
) -> AppResult<HttpResponse> {
    let base = base_url(req, &state.settings);
    let mut entries = Vec::new();
    for item in &items {
        let html = super::routes::render(state, item.body.clone()).await?;
        entries.push(FeedEntry {
            id: format!("{base}{}#revision-{}", item.url, item.revision),
            title: item.title.clone(),
            url: format!("{base}{}", item.url),
            updated: rfc3339(item.at),
            author: item.author.clone().unwrap_or_else(|| "fika".into()),
            html: html.to_string(),
        });
    }
    Feed::new(&base, req.path(), alternate, title, entries).response()
}

async fn lessons_feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let items = state
        .db
        .run(|c| {
            Ok(recent(c, 100)?
                .into_iter()
                .filter(|i| i.kind == "lesson" && i.revision == 1)
                .take(50)
                .collect())
        })
        .await?;
    feed_response(&state, &req, "fika: new lessons".into(), "/lessons", items).await
}

async fn changes_feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let items = state.db.run(|c| recent(c, 50)).await?;
    feed_response(
        &state,
        &req,
        "fika: recent changes".into(),
        "/changes",
        items,
    )
    .await
}

/// Pages attached to a unit and lessons about it, as they change.
async fn unit_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (kind, slug) = path.into_inner();
    let kind = UnitKind::parse(&kind).ok_or(AppError::NotFound)?;
    let (unit, items) = state
        .db
        .run(move |c| {
            let unit = crate::org::unit_repo::unit(c, kind, &slug)?;
            let page_urls: Vec<String> = super::repo::list(c, Some(unit.id), None, 500)?
                .into_iter()
                .map(|p| format!("/pages/{}", p.slug))
                .collect();
            let lesson_urls: Vec<String> = crate::lessons::repo::list(
                c,
                &crate::lessons::repo::Filter {
                    unit_id: Some(unit.id),
                    ..Default::default()
                },
                500,
            )?
            .into_iter()
            .map(|l| format!("/lessons/{}", l.id))
            .collect();
            let items: Vec<ChangeItem> = recent(c, 500)?
                .into_iter()
                .filter(|i| page_urls.contains(&i.url) || lesson_urls.contains(&i.url))
                .take(50)
                .collect();
            Ok((unit, items))
        })
        .await?;
    let url = unit.url();
    feed_response(&state, &req, format!("fika: {}", unit.name), &url, items).await
}
