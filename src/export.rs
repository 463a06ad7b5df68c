//! `fika export markdown DIR`: every page and lesson as a Markdown file with YAML front matter
//! (id, title, slug, author, units, tags, dates), and every uploaded image as a file that the
//! Markdown links relatively, so an organization can keep a plain-text copy or build a static
//! site from it. `--relative-links` also turns wikilinks and links to fika's own pages and
//! lessons into relative links between the files.
//! It sits with the composition because it gathers two features (pages and lessons).

use std::collections::HashMap;
use std::path::Path;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::AnyConnection;
use crate::db::schema::{images, page_revisions, people};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::lessons::model::Lesson;
use crate::markdown::{Rewrite, SourceLink, WikiTarget, link_text, rewrite_links};
use crate::pages::model::Page;

/// How the export writes links.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Wikilinks and `/pages/…`, `/lessons/…` links become relative links to the exported
    /// files (for static-site tools); without it they stay as fika writes them, so the
    /// files can go back into a wiki.
    pub relative_links: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    pub pages: usize,
    pub lessons: usize,
    pub images: usize,
}

#[derive(Serialize)]
struct FrontMatter<'a> {
    id: i64,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    /// The username of who wrote it first, and their name.
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author_name: Option<&'a str>,
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

/// The file extension of an image type fika accepts.
fn image_extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => "bin",
    }
}

/// A lesson's file name: its id (unique) and a readable part of its title.
fn lesson_file(id: i64, title: &str) -> String {
    format!(
        "{id}-{}.md",
        crate::markdown::slugify(title)
            .chars()
            .take(60)
            .collect::<String>()
    )
}

/// Everything a body's links may point at, and the directory the body is written in.
struct Links<'a> {
    options: Options,
    pages: &'a crate::pages::repo::LinkIndex,
    /// sha256 → file name under `images/`.
    images: &'a HashMap<String, String>,
    /// lesson id → file name under `lessons/`.
    lessons: &'a HashMap<i64, String>,
}

impl Links<'_> {
    /// Rewrites a body written into `pages/` or `lessons/` (both one level below `dir`).
    fn rewrite(&self, body: &str, in_pages: bool) -> String {
        let page_path = |slug: &str| {
            if in_pages {
                format!("{slug}.md")
            } else {
                format!("../pages/{slug}.md")
            }
        };
        let lesson_path = |file: &str| {
            if in_pages {
                format!("../lessons/{file}")
            } else {
                file.to_string()
            }
        };
        rewrite_links(body, &mut |link| match link {
            SourceLink::Url(url) => {
                let (path, rest) = split_suffix(url);
                if let Some(sha) = path.strip_prefix("/images/") {
                    return self
                        .images
                        .get(sha)
                        .map(|f| Rewrite::Url(format!("../images/{f}{rest}")));
                }
                if !self.options.relative_links {
                    return None;
                }
                if let Some(slug) = path.strip_prefix("/pages/") {
                    return self
                        .pages
                        .resolve(slug)
                        .map(|(slug, _)| Rewrite::Url(format!("{}{rest}", page_path(&slug))));
                }
                let id = path.strip_prefix("/lessons/")?.parse::<i64>().ok()?;
                self.lessons
                    .get(&id)
                    .map(|f| Rewrite::Url(format!("{}{rest}", lesson_path(f))))
            }
            SourceLink::Wiki { target, label } if self.options.relative_links => {
                let WikiTarget::Page(name) = target else {
                    // Org units and people have no file: their name, as fika shows it.
                    let WikiTarget::Org { slug, .. } = target else {
                        return None;
                    };
                    return Some(Rewrite::Whole(link_text(label.as_deref().unwrap_or(slug))));
                };
                Some(Rewrite::Whole(match self.pages.resolve(name) {
                    Some((slug, title)) => format!(
                        "[{}]({})",
                        link_text(label.as_deref().unwrap_or(&title)),
                        page_path(&slug)
                    ),
                    // A page not written yet: the words stay, without a broken link.
                    None => link_text(label.as_deref().unwrap_or(name)),
                }))
            }
            SourceLink::Wiki { .. } => None,
        })
    }
}

/// `/pages/a#part` → (`/pages/a`, `#part`): the anchor or query stays on the new link.
fn split_suffix(url: &str) -> (&str, &str) {
    match url.find(['#', '?']) {
        Some(i) => url.split_at(i),
        None => (url, ""),
    }
}

/// Writes every image into `dir/images`; returns sha256 → file name.
fn write_images(conn: &mut AnyConnection, dir: &Path) -> Result<HashMap<String, String>, String> {
    let fail = |e: diesel::result::Error| AppError::from(e).to_string();
    let list: Vec<(i64, String, String)> = images::table
        .select((images::id, images::sha256, images::content_type))
        .order(images::id)
        .load(conn)
        .map_err(fail)?;
    let mut names = HashMap::new();
    if list.is_empty() {
        return Ok(names);
    }
    let images_dir = dir.join("images");
    std::fs::create_dir_all(&images_dir)
        .map_err(|e| format!("cannot create {}: {e}", images_dir.display()))?;
    // One at a time: images can be large, and there can be many.
    for (id, sha, content_type) in list {
        let data: Vec<u8> = images::table
            .find(id)
            .select(images::data)
            .first(conn)
            .map_err(fail)?;
        let name = format!("{sha}.{}", image_extension(&content_type));
        crate::files::write_bytes(&images_dir.join(&name), &data)?;
        names.insert(sha, name);
    }
    Ok(names)
}

/// A unit in front matter: `squad:payments`.
fn unit_keys(units: &[crate::org::unit::Unit]) -> Vec<String> {
    units
        .iter()
        .map(|u| format!("{}:{}", u.kind, u.slug))
        .collect()
}

/// A timestamp in front matter, in UTC as RFC 3339 says it.
fn utc(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Exports into `dir`/pages, `dir`/lessons and `dir`/images.
pub fn export(conn: &mut AnyConnection, dir: &Path, options: Options) -> Result<Written, String> {
    for sub in ["pages", "lessons"] {
        std::fs::create_dir_all(dir.join(sub))
            .map_err(|e| format!("cannot create {}: {e}", dir.join(sub).display()))?;
    }
    let image_names = write_images(conn, dir)?;
    let pages = crate::pages::repo::list(conn, None, None, i64::MAX).map_err(fail)?;
    let lessons = crate::lessons::repo::list(conn, &Default::default(), i64::MAX).map_err(fail)?;
    let lesson_names: HashMap<i64, String> = lessons
        .iter()
        .map(|l| (l.id, lesson_file(l.id, &l.title)))
        .collect();
    let index = crate::pages::repo::LinkIndex::load(conn).map_err(fail)?;
    let links = Links {
        options,
        pages: &index,
        images: &image_names,
        lessons: &lesson_names,
    };
    let authors = Authors::load(conn)?;
    for summary in &pages {
        let page = crate::pages::repo::page(conn, &summary.slug).map_err(fail)?;
        let text = page_document(conn, &page, &authors, &links)?;
        let file = dir.join("pages").join(format!("{}.md", page.slug));
        crate::files::write_bytes(&file, text.as_bytes())?;
    }
    for summary in &lessons {
        let lesson = crate::lessons::repo::lesson(conn, summary.id).map_err(fail)?;
        let text = lesson_document(conn, &lesson, &authors, &links)?;
        let file = dir.join("lessons").join(&lesson_names[&lesson.id]);
        crate::files::write_bytes(&file, text.as_bytes())?;
    }
    Ok(Written {
        pages: pages.len(),
        lessons: lessons.len(),
        images: image_names.len(),
    })
}

fn fail(e: AppError) -> String {
    e.to_string()
}

/// Who wrote what: every person's username and name, and each page's first author.
struct Authors {
    people: HashMap<PersonId, (String, String)>,
    /// A page's author is who wrote its first revision.
    of_page: HashMap<i64, PersonId>,
}

impl Authors {
    fn load(conn: &mut AnyConnection) -> Result<Authors, String> {
        let people = people::table
            .select((people::id, people::username, people::display_name))
            .load::<(PersonId, String, String)>(conn)
            .map_err(|e| fail(e.into()))?
            .into_iter()
            .map(|(id, u, n)| (id, (u, n)))
            .collect();
        let of_page = page_revisions::table
            .filter(page_revisions::number.eq(1))
            .select((page_revisions::page_id, page_revisions::author_id))
            .load::<(i64, Option<PersonId>)>(conn)
            .map_err(|e| fail(e.into()))?
            .into_iter()
            .filter_map(|(page, author)| Some((page, author?)))
            .collect();
        Ok(Authors { people, of_page })
    }

    /// (username, name) of a person.
    fn get(&self, id: Option<PersonId>) -> Option<&(String, String)> {
        id.and_then(|id| self.people.get(&id))
    }
}

/// A page as a Markdown file with front matter.
fn page_document(
    conn: &mut AnyConnection,
    page: &Page,
    authors: &Authors,
    links: &Links,
) -> Result<String, String> {
    let units = crate::pages::repo::units_of(conn, page.id).map_err(fail)?;
    let by = authors.get(authors.of_page.get(&page.id).copied());
    let front = FrontMatter {
        id: page.id,
        title: &page.title,
        slug: Some(&page.slug),
        source: None,
        author: by.map(|(u, _)| u.as_str()),
        author_name: by.map(|(_, n)| n.as_str()),
        units: unit_keys(&units),
        tags: crate::pages::repo::tags_of(conn, page.id).map_err(fail)?,
        revision: page.revision,
        created: utc(page.created_at),
        updated: utc(page.updated_at),
    };
    document(&front, &links.rewrite(&page.body, true)).map_err(fail)
}

/// A lesson as a Markdown file with front matter.
fn lesson_document(
    conn: &mut AnyConnection,
    l: &Lesson,
    authors: &Authors,
    links: &Links,
) -> Result<String, String> {
    let units = crate::lessons::repo::units_of(conn, l.id).map_err(fail)?;
    let source = l.source();
    let by = authors.get(l.author_id);
    let front = FrontMatter {
        id: l.id,
        title: &l.title,
        slug: None,
        source: Some(match source.reference() {
            "" => source.kind().to_string(),
            r => format!("{}:{r}", source.kind()),
        }),
        author: by.map(|(u, _)| u.as_str()),
        author_name: by.map(|(_, n)| n.as_str()),
        units: unit_keys(&units),
        tags: crate::lessons::repo::tags_of(conn, l.id).map_err(fail)?,
        revision: l.revision,
        created: utc(l.created_at),
        updated: utc(l.updated_at),
    };
    document(&front, &links.rewrite(&l.body, false)).map_err(fail)
}
