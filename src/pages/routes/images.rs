//! Images: the upload (the type is read from the bytes) and serving them by their SHA-256.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::pages::repo;
use crate::site::views::{Shell, html};
use crate::state::AppState;

/// Images may be large; everything else keeps the 1 MiB limit.
pub const IMAGE_LIMIT: usize = 10 * 1024 * 1024;

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
pub(super) async fn upload_image(
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

/// Images are addressed by their SHA-256, so they can be cached for ever.
pub(super) async fn image(
    state: web::Data<AppState>,
    sha: web::Path<String>,
) -> AppResult<HttpResponse> {
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
