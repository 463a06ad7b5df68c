//! Static files, embedded in the binary (fika runs on intranets: no CDN, nothing to deploy
//! beside the binary). URLs carry a content hash, so browsers may cache them for a year.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "fika.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/fika.css"),
    },
    Asset {
        name: "fika.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/fika.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/favicon.svg"),
    },
];

fn version(asset: &Asset) -> String {
    hex::encode(&Sha256::digest(asset.bytes)[..6])
}

/// `/static/NAME?v=HASH` for templates; computed once.
pub fn url(name: &str) -> &'static str {
    static URLS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let urls = URLS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| (a.name, format!("/static/{}?v={}", a.name, version(a))))
            .collect()
    });
    urls.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, u)| u.as_str())
        .unwrap_or("/static/missing")
}

pub async fn serve(req: HttpRequest, name: web::Path<String>) -> AppResult<HttpResponse> {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name.as_str())
        .ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", version(asset));
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok(HttpResponse::NotModified().finish());
    }
    let cache = if req.query_string().starts_with("v=") {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag))
        .body(asset.bytes))
}

pub async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, url("favicon.svg")))
        .finish()
}
