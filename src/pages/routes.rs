//! The wiki: `/pages`, `/pages/new`, `/pages/{slug}` with edit, history, diff, restore and
//! (soft) delete, the live preview, and images.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::flow::parse_input;
use super::model::{self, PageInput};
use super::render::{PageParts, Renderer, render};
use super::repo::{self, Lookup, Saved};
use super::views::{EditPage, HistoryPage, ListPage, ShowPage};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::all_units;
use crate::org::views::UnitRef;
use crate::revisions::merge::OnStale;
use crate::revisions::views::DiffPage;
use crate::site::forms::Pairs;
use crate::site::views::see_other;
use crate::site::views::{Shell, html, html_with_status};
use crate::state::AppState;

/// Images may be large; everything else keeps the 1 MiB limit.
pub const IMAGE_LIMIT: usize = 10 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/pages", web::get().to(list))
        .route("/pages/new", web::get().to(new_form))
        .route("/pages/new", web::post().to(create))
        .route("/pages/preview", web::post().to(preview))
        .route("/pages/{slug}", web::get().to(show))
        .route("/pages/{slug}/edit", web::get().to(edit_form))
        .route("/pages/{slug}/edit", web::post().to(save))
        .route("/pages/{slug}/history", web::get().to(history))
        .route("/pages/{slug}/revisions/{n}", web::get().to(old_revision))
        .route("/pages/{slug}/diff", web::get().to(diff))
        .route("/pages/{slug}/restore/{n}", web::post().to(restore))
        .route("/pages/{slug}/delete", web::post().to(delete))
        .route("/pages/{slug}/undelete", web::post().to(undelete))
        .route("/images/{sha}", web::get().to(image));
    cfg.service(
        web::resource("/images")
            .app_data(
                actix_multipart::form::MultipartFormConfig::default()
                    .total_limit(IMAGE_LIMIT + 64 * 1024)
                    .memory_limit(IMAGE_LIMIT + 64 * 1024),
            )
            .route(web::post().to(upload_image)),
    );
}

#[derive(actix_multipart::form::MultipartForm)]
pub struct ImageUpload {
    csrf_token: Option<actix_multipart::form::text::Text<String>>,
    file: actix_multipart::form::bytes::Bytes,
}

#[derive(askama::Template)]
#[template(path = "pages/uploaded.html")]
struct UploadedPage {
    shell: Shell,
    markdown: String,
    url: String,
}

/// Stores an image (PNG, JPEG, GIF or WebP, up to 10 MiB; the type is read from the bytes).
/// Scripts and the editor's JavaScript get JSON; a plain form gets a page with the Markdown
/// to paste.
async fn upload_image(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    form: actix_multipart::form::MultipartForm<ImageUpload>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let form = form.into_inner();
    crate::auth::middleware::verify_form_token(
        &viewer,
        form.csrf_token.as_ref().map(|t| t.as_str()),
    )?;
    let data = form.file.data;
    if data.len() > IMAGE_LIMIT {
        return Err(AppError::PayloadTooLarge);
    }
    let content_type = image_type(&data).ok_or_else(|| {
        AppError::validation("Only PNG, JPEG, GIF and WebP images can be uploaded (judged by the file's content, not its name).")
    })?;
    let alt = form
        .file
        .file_name
        .as_deref()
        .map(|n| n.rsplit_once('.').map(|(a, _)| a).unwrap_or(n))
        .unwrap_or("image")
        .replace(['[', ']'], "");
    let sha = sha256_hex(&data);
    let url = state
        .db
        .run(move |c| repo::store_image(c, Some(me), &sha, content_type, &data))
        .await?;
    let markdown = format!("![{alt}]({url})");
    let wants_json = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"));
    if wants_json {
        return Ok(
            HttpResponse::Created().json(serde_json::json!({"url": url, "markdown": markdown}))
        );
    }
    html(&UploadedPage {
        shell: Shell::new(&viewer, "pages"),
        markdown,
        url,
    })
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    tag: String,
    /// "squad/payments"
    #[serde(default)]
    unit: String,
}

async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let units = all_units(&state).await?;
    let unit = units.iter().find(|u| u.key() == q.unit).cloned();
    let (unit_id, tag) = (unit.as_ref().map(|u| u.id), q.tag.trim().to_lowercase());
    let tag2 = tag.clone();
    let (pages, tags) = state
        .db
        .run(move |c| {
            let tag = (!tag2.is_empty()).then_some(tag2.as_str());
            Ok((repo::list(c, unit_id, tag, 500)?, repo::all_tags(c)?))
        })
        .await?;
    html(&ListPage {
        shell: Shell::new(&viewer, "pages"),
        pages,
        tags,
        tag,
        unit,
        all_units: units,
    })
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    title: String,
}

async fn new_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    html(&EditPage {
        shell: Shell::new(&viewer, "pages"),
        editing: None,
        title: q.title.clone(),
        slug: String::new(),
        body: String::new(),
        summary: String::new(),
        tags: String::new(),
        units: vec![],
        all_units: all_units(&state).await?,
        base_revision: 0,
        preview: None,
        errors: Default::default(),
        conflict: None,
    })
}

/// The form again, with what was typed.
fn form_again(
    viewer: &Viewer,
    editing: Option<model::Page>,
    form: &Pairs,
    all_units: Vec<UnitRef>,
) -> EditPage {
    EditPage {
        shell: Shell::new(viewer, "pages"),
        editing,
        title: form.get("title").to_string(),
        slug: form.get("slug").to_string(),
        body: form.get("body").to_string(),
        summary: form.get("summary").to_string(),
        tags: form.get("tags").to_string(),
        units: form.all("units"),
        all_units,
        base_revision: form.get("base_revision").parse().unwrap_or(0),
        preview: None,
        errors: Default::default(),
        conflict: None,
    }
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let form = Pairs(form.into_inner());
    let units = all_units(&state).await?;
    if !form.get("preview").is_empty() {
        let mut page = form_again(&viewer, None, &form, units);
        page.preview = Some(render(&state, form.get("body").to_string()).await?);
        return html(&page);
    }
    let input = match parse_input(&form, &units) {
        Ok(i) => i,
        Err(errors) => {
            let mut page = form_again(&viewer, None, &form, units);
            page.errors = errors;
            return html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    match state
        .db
        .run(move |c| repo::create(c, Some(me), &input))
        .await
    {
        Ok(p) => Ok(see_other(&p.url())),
        Err(AppError::Conflict(msg)) => {
            let mut page = form_again(&viewer, None, &form, units);
            page.errors.insert("slug", msg);
            html_with_status(&page, StatusCode::CONFLICT)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct PreviewForm {
    #[serde(default)]
    body: String,
}

/// The live preview's HTML fragment (the edit form fetches it as the user types).
async fn preview(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<PreviewForm>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let body = model::parse_body(&form.body).map_err(AppError::Validation)?;
    let html = render(&state, body).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html.to_string()))
}

/// The page at `slug`; an old slug redirects, a deleted page is gone (410) unless an admin asks.
async fn load(state: &AppState, slug: String) -> AppResult<Result<model::Page, String>> {
    state
        .db
        .run(move |c| match repo::find(c, &slug)? {
            Lookup::Found(p) => Ok(Ok(p)),
            Lookup::MovedTo(s) => Ok(Err(s)),
        })
        .await
}

fn gone() -> AppError {
    AppError::NotFound
}

async fn show(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let (renderer, admin) = (Renderer::of(&state)?, viewer.is_admin());
    // One trip to the blocking pool: the page and, from the cache, everything it shows.
    let found = state
        .db
        .run(move |c| match repo::find(c, &slug)? {
            Lookup::MovedTo(s) => Ok(Err(s)),
            Lookup::Found(p) if p.deleted_at.is_some() && !admin => Err(gone()),
            Lookup::Found(p) => {
                let parts = renderer.page_parts(c, &p, None)?;
                Ok(Ok((p, parts)))
            }
        })
        .await?;
    match found {
        Ok((page, parts)) => show_page(&state, &viewer, page, parts, None).await,
        Err(new_slug) => Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/pages/{new_slug}")))
            .finish()),
    }
}

async fn render_show(
    state: &AppState,
    viewer: &Viewer,
    page: model::Page,
    old: Option<model::Revision>,
) -> AppResult<HttpResponse> {
    let renderer = Renderer::of(state)?;
    let (p, o) = (page.clone(), old.clone());
    let parts = state
        .db
        .run(move |c| renderer.page_parts(c, &p, o.as_ref()))
        .await?;
    show_page(state, viewer, page, parts, old).await
}

async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    page: model::Page,
    parts: std::sync::Arc<PageParts>,
    old: Option<model::Revision>,
) -> AppResult<HttpResponse> {
    let related = if page.deleted_at.is_none() {
        crate::search::aside::related(
            state,
            crate::projection::key("page", &page.slug),
            page.title.clone(),
            page.body.clone(),
            parts.units.iter().map(|u| u.id).collect(),
        )
        .await
    } else {
        vec![]
    };
    let can_delete = page.deleted_at.is_none()
        && may_delete(
            state,
            viewer,
            page.id,
            parts.units.iter().map(|u| u.id).collect(),
        )
        .await?;
    html(&ShowPage {
        related,
        shell: Shell::new(viewer, "pages"),
        can_undelete: viewer.is_admin() && page.deleted_at.is_some(),
        can_delete,
        page,
        html: parts.html.clone(),
        tags: parts.tags.clone(),
        units: parts.units.clone(),
        backlinks: parts.backlinks.clone(),
        old_revision: old,
    })
}

async fn live_page(state: &AppState, slug: String) -> AppResult<model::Page> {
    match load(state, slug).await? {
        Ok(p) if p.deleted_at.is_none() => Ok(p),
        _ => Err(gone()),
    }
}

async fn edit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let page = live_page(&state, slug.into_inner()).await?;
    let id = page.id;
    let (tags, units) = state
        .db
        .run(move |c| Ok((repo::tags_of(c, id)?, repo::units_of(c, id)?)))
        .await?;
    html(&EditPage {
        shell: Shell::new(&viewer, "pages"),
        title: page.title.clone(),
        slug: page.slug.clone(),
        body: page.body.clone(),
        summary: String::new(),
        tags: tags.join(", "),
        units: units
            .iter()
            .map(|u| format!("{}/{}", u.kind, u.slug))
            .collect(),
        all_units: all_units(&state).await?,
        base_revision: page.revision,
        preview: None,
        errors: Default::default(),
        conflict: None,
        editing: Some(page),
    })
}

async fn save(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let page = live_page(&state, slug.into_inner()).await?;
    let form = Pairs(form.into_inner());
    let units = all_units(&state).await?;
    if !form.get("preview").is_empty() {
        let mut again = form_again(&viewer, Some(page), &form, units);
        again.preview = Some(render(&state, form.get("body").to_string()).await?);
        return html(&again);
    }
    let input = match parse_input(&form, &units) {
        Ok(i) => i,
        Err(errors) => {
            let mut again = form_again(&viewer, Some(page), &form, units);
            again.errors = errors;
            return html_with_status(&again, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let base: i32 = form
        .get("base_revision")
        .parse()
        .map_err(|_| AppError::BadRequest("The form lacks the revision it started from.".into()))?;
    let id = page.id;
    match state
        .db
        .run(move |c| repo::save(c, Some(me), id, base, &input, OnStale::Merge))
        .await
    {
        Ok(Saved::Ok {
            saved: page,
            merged,
        }) => {
            let url = if merged {
                format!("{}?merged=1", page.url())
            } else {
                page.url()
            };
            Ok(see_other(&url))
        }
        Ok(Saved::Conflict {
            current,
            conflicted,
        }) => {
            // Nothing was saved. The user's text stays in the form; the other save and the
            // clash are shown beside it; the form now builds on the current revision.
            let mut again = form_again(&viewer, Some(current.clone()), &form, units);
            again.base_revision = current.revision;
            again.conflict = Some((current, conflicted));
            html_with_status(&again, StatusCode::CONFLICT)
        }
        Err(AppError::Conflict(msg)) => {
            let mut again = form_again(&viewer, Some(page), &form, units);
            again.errors.insert("slug", msg);
            html_with_status(&again, StatusCode::CONFLICT)
        }
        Err(e) => Err(e),
    }
}

async fn history(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let page = live_page(&state, slug.into_inner()).await?;
    let id = page.id;
    let revisions = state.db.run(move |c| repo::history(c, id)).await?;
    html(&HistoryPage {
        shell: Shell::new(&viewer, "pages"),
        page,
        revisions,
    })
}

async fn old_revision(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let (slug, n) = path.into_inner();
    let page = live_page(&state, slug).await?;
    let id = page.id;
    let rev = state.db.run(move |c| repo::revision(c, id, n)).await?;
    render_show(&state, &viewer, page, Some(rev)).await
}

#[derive(Deserialize)]
struct DiffQuery {
    from: i32,
    to: i32,
}

async fn diff(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    q: web::Query<DiffQuery>,
) -> AppResult<HttpResponse> {
    let page = live_page(&state, slug.into_inner()).await?;
    let (id, from, to) = (page.id, q.from, q.to);
    let (from, to) = state
        .db
        .run(move |c| Ok((repo::revision(c, id, from)?, repo::revision(c, id, to)?)))
        .await?;
    let lines = crate::revisions::merge::diff(&from.body, &to.body);
    html(&DiffPage {
        shell: Shell::new(&viewer, "pages"),
        title: page.title.clone(),
        url: page.url(),
        section: ("Pages", "/pages"),
        from: (from.number, from.title),
        to: (to.number, to.title),
        lines,
    })
}

/// Restoring makes a new revision with the old content: history only grows.
async fn restore(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let (slug, n) = path.into_inner();
    let page = live_page(&state, slug).await?;
    let id = page.id;
    let saved = state
        .db
        .run(move |c| {
            let old = repo::revision(c, id, n)?;
            let input = PageInput {
                title: old.title,
                slug: page.slug.clone(),
                body: old.body,
                summary: format!("restored revision {n}"),
                tags: repo::tags_of(c, id)?,
                units: repo::units_of(c, id)?.iter().map(|u| u.id).collect(),
                slug_from_title: false,
            };
            repo::save(c, Some(me), id, page.revision, &input, OnStale::Refuse)
        })
        .await?;
    match saved {
        Saved::Ok { saved: page, .. } => Ok(see_other(&page.url())),
        Saved::Conflict { current, .. } => Ok(see_other(&format!("{}/history", current.url()))),
    }
}

async fn delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let page = live_page(&state, slug.into_inner()).await?;
    let id = page.id;
    let units = state
        .db
        .run(move |c| Ok(repo::units_of(c, id)?.iter().map(|u| u.id).collect()))
        .await?;
    if !may_delete(&state, &viewer, id, units).await? {
        return Err(AppError::forbidden(
            "Only the page's creator, members of the teams it belongs to and admins may \
             delete it.",
        ));
    }
    state
        .db
        .run(move |c| repo::set_deleted(c, Some(me), id, true))
        .await?;
    Ok(see_other("/pages"))
}

/// Who may delete a page: its creator, current members of the units it is attached to, and
/// admins — as with lessons, not everyone who may edit it.
async fn may_delete(
    state: &AppState,
    viewer: &Viewer,
    page_id: i64,
    units: Vec<i64>,
) -> AppResult<bool> {
    let Some(me) = viewer.person() else {
        return Ok(false);
    };
    if me.is_admin {
        return Ok(true);
    }
    let me = me.id;
    let org = crate::org::cache::org_view(state).await?;
    if units.iter().any(|u| org.snap.people_in(*u).contains(&me)) {
        return Ok(true);
    }
    let creator = state.db.run(move |c| repo::creator(c, page_id)).await?;
    Ok(creator == Some(me))
}

async fn undelete(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_admin()?.id;
    let page = match load(&state, slug.into_inner()).await? {
        Ok(p) => p,
        Err(_) => return Err(AppError::NotFound),
    };
    let id = page.id;
    let p = state
        .db
        .run(move |c| repo::set_deleted(c, Some(me), id, false))
        .await?;
    Ok(see_other(&p.url()))
}

/// Images are addressed by their SHA-256, so they can be cached for ever.
async fn image(state: web::Data<AppState>, sha: web::Path<String>) -> AppResult<HttpResponse> {
    let sha = sha.into_inner();
    if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let (content_type, data) = state.db.run(move |c| repo::image(c, &sha)).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(data))
}

/// The image type, from the bytes (never from the name): PNG, JPEG, GIF or WebP.
pub fn image_type(data: &[u8]) -> Option<&'static str> {
    match data {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::image_type;

    #[test]
    fn image_types_come_from_the_bytes() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(image_type(b"GIF89a..."), Some("image/gif"));
        assert_eq!(
            image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(image_type(b"<svg xmlns=..."), None);
        assert_eq!(image_type(b"<html>"), None);
    }
}
