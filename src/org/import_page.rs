//! `/admin/import`: the upload form for Backstage catalog files (admins only). A dry run is
//! the default, so an admin sees what would change before changing it.

use actix_multipart::form::{MultipartForm, bytes::Bytes, text::Text};
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use super::backstage::import::{Options, Report, Source, import, parse_mapping};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::site::views::{Shell, html, html_with_status};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "org/import.html")]
pub struct ImportPage {
    pub shell: Shell,
    pub yaml: String,
    pub map: String,
    pub dry_run: bool,
    pub error: Option<String>,
    pub report: Option<Report>,
}

pub async fn form(viewer: Viewer) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    html(&ImportPage {
        shell: Shell::new(&viewer, "admin"),
        yaml: String::new(),
        map: String::new(),
        dry_run: true,
        error: None,
        report: None,
    })
}

#[derive(MultipartForm)]
pub struct Upload {
    csrf_token: Option<Text<String>>,
    #[multipart(rename = "files")]
    files: Vec<Bytes>,
    yaml: Option<Text<String>>,
    map: Option<Text<String>>,
    dry_run: Option<Text<String>>,
}

pub async fn upload(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: MultipartForm<Upload>,
) -> AppResult<HttpResponse> {
    let actor = viewer.require_admin()?.id;
    let form = form.into_inner();
    crate::auth::middleware::verify_form_token(
        &viewer,
        form.csrf_token.as_ref().map(|t| t.as_str()),
    )?;
    let yaml = form.yaml.map(|t| t.into_inner()).unwrap_or_default();
    let map_text = form.map.map(|t| t.into_inner()).unwrap_or_default();
    let dry_run = form.dry_run.is_some();
    let mut page = ImportPage {
        shell: Shell::new(&viewer, "admin"),
        yaml: yaml.clone(),
        map: map_text.clone(),
        dry_run,
        error: None,
        report: None,
    };
    let prepared = (|| {
        let mut sources = Vec::new();
        for (i, f) in form.files.into_iter().enumerate() {
            if f.data.is_empty() {
                continue;
            }
            let name = f
                .file_name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("file {}", i + 1));
            let text = String::from_utf8(f.data.to_vec())
                .map_err(|_| format!("{name} is not UTF-8 text."))?;
            sources.push(Source { name, text });
        }
        if !yaml.trim().is_empty() {
            sources.push(Source {
                name: "pasted YAML".into(),
                text: yaml.clone(),
            });
        }
        if sources.is_empty() {
            return Err("Choose a catalog file or paste its YAML.".to_string());
        }
        let map = map_text
            .split([',', '\n'])
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(parse_mapping)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((sources, map))
    })();
    let (sources, map) = match prepared {
        Ok(p) => p,
        Err(msg) => {
            page.error = Some(msg);
            return html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let outcome = state
        .db
        .run(move |c| import(c, Some(actor), &sources, &Options { dry_run, map }))
        .await;
    match outcome {
        Ok(report) => {
            page.report = Some(report);
            html(&page)
        }
        Err(AppError::Validation(msg)) | Err(AppError::Conflict(msg)) => {
            page.error = Some(format!("Nothing was imported. {msg}"));
            html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}
