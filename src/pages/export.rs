//! `fika export markdown DIR`: every page and lesson as a Markdown file with YAML front matter
//! (title, slug, units, tags, dates), so an organization can keep a plain-text copy.

use std::path::Path;

use serde::Serialize;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};

#[derive(Serialize)]
struct FrontMatter<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    units: Vec<String>,
    tags: Vec<String>,
    revision: i32,
    created: String,
    updated: String,
}

fn document(front: &FrontMatter, body: &str) -> AppResult<String> {
    let yaml = serde_yaml_ng::to_string(front).map_err(AppError::internal)?;
    Ok(format!("---\n{yaml}---\n\n{}\n", body.trim_end()))
}

/// Writes `path` through a temporary file beside it, so no file is ever half written.
fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })
}

/// Exports into `dir`/pages and `dir`/lessons; returns (pages, lessons) written.
pub fn export(conn: &mut AnyConnection, dir: &Path) -> Result<(usize, usize), String> {
    let fail = |e: AppError| e.to_string();
    for sub in ["pages", "lessons"] {
        std::fs::create_dir_all(dir.join(sub))
            .map_err(|e| format!("cannot create {}: {e}", dir.join(sub).display()))?;
    }
    let pages = super::repo::list(conn, None, None, i64::MAX).map_err(fail)?;
    for summary in &pages {
        let page = super::repo::page(conn, &summary.slug).map_err(fail)?;
        let units = super::repo::units_of(conn, page.id).map_err(fail)?;
        let front = FrontMatter {
            title: &page.title,
            slug: Some(&page.slug),
            source: None,
            units: units
                .iter()
                .map(|u| format!("{}:{}", u.kind, u.slug))
                .collect(),
            tags: super::repo::tags_of(conn, page.id).map_err(fail)?,
            revision: page.revision,
            created: page.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            updated: page.updated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        };
        let text = document(&front, &page.body).map_err(fail)?;
        write_file(&dir.join("pages").join(format!("{}.md", page.slug)), &text)?;
    }
    let lessons = crate::lessons::repo::list(conn, &Default::default(), i64::MAX).map_err(fail)?;
    for summary in &lessons {
        let l = crate::lessons::repo::lesson(conn, summary.id).map_err(fail)?;
        let units = crate::lessons::repo::units_of(conn, l.id).map_err(fail)?;
        let source = l.source();
        let front = FrontMatter {
            title: &l.title,
            slug: None,
            source: Some(match source.reference() {
                "" => source.kind().to_string(),
                r => format!("{}:{r}", source.kind()),
            }),
            units: units
                .iter()
                .map(|u| format!("{}:{}", u.kind, u.slug))
                .collect(),
            tags: crate::lessons::repo::tags_of(conn, l.id).map_err(fail)?,
            revision: l.revision,
            created: l.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            updated: l.updated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        };
        let name = format!(
            "{}-{}.md",
            l.id,
            crate::markdown::slugify(&l.title)
                .chars()
                .take(60)
                .collect::<String>()
        );
        write_file(
            &dir.join("lessons").join(name),
            &document(&front, &l.body).map_err(fail)?,
        )?;
    }
    Ok((pages.len(), lessons.len()))
}
