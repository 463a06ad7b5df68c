//! What changed lately: `/changes` and the Atom feeds (`/feeds/lessons.atom`,
//! `/feeds/changes.atom`, `/feeds/{kind}/{slug}.atom`).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::db::schema::{
    lesson_revisions, lesson_units, lessons, page_revisions, page_units, pages, people,
};
use crate::error::{AppError, AppResult};
use crate::ids::UnitId;
use crate::org::unit::UnitKind;
use crate::request::site_origin;
use crate::site::views::{Shell, html};
use crate::state::AppState;

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
    /// Names the revision for good (`page/12/3`): a slug or title may change, this may not.
    pub key: String,
    pub title: String,
    pub url: String,
    pub revision: i32,
    pub summary: String,
    pub author: Option<String>,
    pub at: NaiveDateTime,
    pub body: String,
}

/// Which revisions a list of changes holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    /// Only pages attached to this unit and lessons filed under it.
    pub unit: Option<UnitId>,
    /// Only first revisions of lessons (new lessons), and no pages.
    pub new_lessons: bool,
}

/// (id, title, slug or id, number, summary, author, when, body) of a revision.
type RevRow<K> = (
    i64,
    String,
    K,
    i32,
    String,
    Option<String>,
    NaiveDateTime,
    String,
);

/// The newest `limit` revisions of live pages and lessons in `scope`, newest first. Each
/// table is asked for its own newest, so a busy wiki never crowds lessons out of a list.
pub fn recent(conn: &mut AnyConnection, scope: Scope, limit: i64) -> AppResult<Vec<ChangeItem>> {
    let page_revs = if scope.new_lessons {
        Vec::new()
    } else {
        page_revisions_in(conn, &scope, limit)?
    };
    let lesson_revs = lesson_revisions_in(conn, &scope, limit)?;
    let item = |kind: &'static str,
                id: i64,
                url: String,
                row: (String, i32, String, Option<String>, NaiveDateTime, String)| {
        let (title, revision, summary, author, at, body) = row;
        ChangeItem {
            kind,
            key: format!("{kind}/{id}/{revision}"),
            title,
            url,
            revision,
            summary,
            author,
            at,
            body,
        }
    };
    let mut all: Vec<ChangeItem> = page_revs
        .into_iter()
        .map(|(id, title, slug, n, summary, author, at, body)| {
            item(
                "page",
                id,
                format!("/pages/{slug}"),
                (title, n, summary, author, at, body),
            )
        })
        .chain(
            lesson_revs
                .into_iter()
                .map(|(id, title, _, n, summary, author, at, body)| {
                    item(
                        "lesson",
                        id,
                        format!("/lessons/{id}"),
                        (title, n, summary, author, at, body),
                    )
                }),
        )
        .collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.at));
    all.truncate(limit as usize);
    Ok(all)
}

/// The newest `limit` revisions of live pages in the scope.
fn page_revisions_in(
    conn: &mut AnyConnection,
    scope: &Scope,
    limit: i64,
) -> AppResult<Vec<RevRow<String>>> {
    let mut q = page_revisions::table
        .inner_join(pages::table)
        .left_join(people::table.on(page_revisions::author_id.eq(people::id.nullable())))
        .filter(pages::deleted_at.is_null())
        .into_boxed();
    if let Some(unit) = scope.unit {
        q = q.filter(
            pages::id.eq_any(
                page_units::table
                    .filter(page_units::unit_id.eq(unit))
                    .select(page_units::page_id),
            ),
        );
    }
    Ok(q.order(page_revisions::created_at.desc())
        .limit(limit)
        .select((
            pages::id,
            page_revisions::title,
            pages::slug,
            page_revisions::number,
            page_revisions::summary,
            people::display_name.nullable(),
            page_revisions::created_at,
            page_revisions::body,
        ))
        .load(conn)?)
}

/// The newest `limit` revisions of live lessons in the scope (first revisions only, for new
/// lessons).
fn lesson_revisions_in(
    conn: &mut AnyConnection,
    scope: &Scope,
    limit: i64,
) -> AppResult<Vec<RevRow<i64>>> {
    let mut q = lesson_revisions::table
        .inner_join(lessons::table)
        .left_join(people::table.on(lesson_revisions::author_id.eq(people::id.nullable())))
        .filter(lessons::deleted_at.is_null())
        .into_boxed();
    if let Some(unit) = scope.unit {
        q = q.filter(
            lessons::id.eq_any(
                lesson_units::table
                    .filter(lesson_units::unit_id.eq(unit))
                    .select(lesson_units::lesson_id),
            ),
        );
    }
    if scope.new_lessons {
        q = q.filter(lesson_revisions::number.eq(1));
    }
    Ok(q.order(lesson_revisions::created_at.desc())
        .limit(limit)
        .select((
            lessons::id,
            lesson_revisions::title,
            lessons::id,
            lesson_revisions::number,
            lesson_revisions::summary,
            people::display_name.nullable(),
            lesson_revisions::created_at,
            lesson_revisions::body,
        ))
        .load(conn)?)
}

#[derive(Template)]
#[template(path = "pages/changes.html")]
struct ChangesPage {
    shell: Shell,
    changes: Vec<ChangeItem>,
}

async fn changes_page(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let changes = state.db.run(|c| recent(c, Scope::default(), 100)).await?;
    html(&ChangesPage {
        shell: Shell::new(&viewer, "pages"),
        changes,
    })
}

/// One entry of a feed; `id` comes from [`entry_id`].
pub struct FeedEntry {
    pub id: String,
    pub title: String,
    pub url: String,
    pub updated: String,
    pub author: String,
    pub html: String,
}

/// An Atom id that names `key` of this installation for good: a `urn:uuid:` made from the
/// site id, independent of the address the feed was fetched at.
pub fn entry_id(site_id: &str, key: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(format!("fika:{site_id}:{key}").as_bytes());
    let h = hex::encode(&d[..16]);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Rendered HTML made fit for a feed reader, which has no page to resolve `/pages/x`
/// against: site-relative links and images become absolute. The sanitizer writes every
/// attribute in double quotes, so these two forms are all there is.
pub fn absolute_links(html: &str, base: &str) -> String {
    html.replace("href=\"/", &format!("href=\"{base}/"))
        .replace("src=\"/", &format!("src=\"{base}/"))
}

/// An Atom 1.0 feed; askama escapes every value, so the HTML content is carried as text.
#[derive(Template)]
#[template(path = "pages/feed.xml")]
pub struct Feed {
    pub id: String,
    pub base: String,
    pub title: String,
    pub self_url: String,
    pub alternate: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

impl Feed {
    /// The feed at `path` (its self link; a token, if any, stays out), updated as of its
    /// newest entry (entries come newest first).
    pub fn new(
        base: &str,
        site_id: &str,
        path: &str,
        alternate: &str,
        title: String,
        entries: Vec<FeedEntry>,
    ) -> Feed {
        Feed {
            id: entry_id(site_id, &format!("feed{path}")),
            base: format!("{base}/"),
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

    /// The feed, or 304 Not Modified when the reader already has it: readers poll often,
    /// and a strong ETag over the body is exact for every viewer (feeds differ by viewer).
    pub fn response(&self, req: &HttpRequest) -> AppResult<HttpResponse> {
        use actix_web::http::header;
        use sha2::Digest;
        let body = self.render().map_err(AppError::internal)?;
        let etag = format!(
            "\"{}\"",
            hex::encode(&sha2::Sha256::digest(body.as_bytes())[..12])
        );
        let modified = chrono::DateTime::parse_from_rfc3339(&self.updated)
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(|_| chrono::Utc::now());
        let last_modified = modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let headers = req.headers();
        let not_modified = match headers.get(header::IF_NONE_MATCH) {
            Some(v) => v
                .to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")),
            None => headers
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
                .is_some_and(|since| modified.timestamp() <= since.timestamp()),
        };
        let mut res = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        res.insert_header((header::ETAG, etag))
            .insert_header((header::LAST_MODIFIED, last_modified))
            // Readers revalidate every time; a feed can hold what only this viewer may read.
            .insert_header((header::CACHE_CONTROL, "private, no-cache"));
        if not_modified {
            return Ok(res.finish());
        }
        Ok(res
            .content_type("application/atom+xml; charset=utf-8")
            .body(body))
    }
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
    let base = site_origin(req, &state.settings);
    let site = &state.settings.site_id;
    let mut entries = Vec::new();
    for item in &items {
        let html = super::render::render(state, item.body.clone()).await?;
        entries.push(FeedEntry {
            id: entry_id(site, &item.key),
            title: item.title.clone(),
            url: format!("{base}{}", item.url),
            updated: rfc3339(item.at),
            author: item.author.clone().unwrap_or_else(|| "fika".into()),
            html: absolute_links(&html.to_string(), &base),
        });
    }
    Feed::new(&base, site, req.path(), alternate, title, entries).response(req)
}

/// Entries per feed.
const FEED_ENTRIES: i64 = 50;

async fn lessons_feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let scope = Scope {
        new_lessons: true,
        ..Scope::default()
    };
    let items = state
        .db
        .run(move |c| recent(c, scope, FEED_ENTRIES))
        .await?;
    feed_response(&state, &req, "fika: new lessons".into(), "/lessons", items).await
}

async fn changes_feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let items = state
        .db
        .run(|c| recent(c, Scope::default(), FEED_ENTRIES))
        .await?;
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
            let scope = Scope {
                unit: Some(unit.id),
                ..Scope::default()
            };
            Ok((unit, recent(c, scope, FEED_ENTRIES)?))
        })
        .await?;
    let url = unit.url();
    feed_response(&state, &req, format!("fika: {}", unit.name), &url, items).await
}
