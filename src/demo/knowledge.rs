//! The demo's knowledge: team pages for every squad, guides, decision records and lessons,
//! linked to each other with wikilinks — made through the same functions as the pages. The
//! guides and lessons are `data/knowledge.yaml`, embedded at build time.

use crate::db::AnyConnection;
use crate::ids::{PersonId, UnitId};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::lessons::model::{LessonInput, Source};
use crate::org::unit::UnitKind;
use crate::org::unit_repo as units;
use crate::pages::model::PageInput;

/// A guide or decision record, as a wiki page.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Guide {
    title: String,
    tags: Vec<String>,
    body: String,
}

/// A lesson, learned from a guide or on its own.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Lesson {
    title: String,
    #[serde(default)]
    source: String,
    squads: Vec<String>,
    tags: Vec<String>,
    body: String,
    /// News only: who wrote it, by username.
    #[serde(default)]
    author: String,
    /// News only: what people said under it.
    #[serde(default)]
    comments: Vec<Said>,
}

/// A comment under a news lesson.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Said {
    author: String,
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Knowledge {
    guides: Vec<Guide>,
    lessons: Vec<Lesson>,
    news: Vec<Lesson>,
}

fn knowledge() -> AppResult<Knowledge> {
    demo_data!("knowledge")
}

fn squad_id(conn: &mut AnyConnection, slug: &str) -> AppResult<Option<UnitId>> {
    match units::unit(conn, UnitKind::Squad, slug) {
        Ok(u) => Ok(Some(u.id)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Loads the pages and lessons; `authors` are person ids to take turns as authors.
pub fn load(conn: &mut AnyConnection, authors: &[PersonId]) -> AppResult<(usize, usize)> {
    let author = |i: usize| authors.get(i % authors.len().max(1)).copied();
    let data = knowledge()?;
    let pages = guides(conn, &data, &author)? + team_pages(conn, &author)?;
    let lessons = lessons(conn, &data, &author)?;
    Ok((pages, lessons))
}

/// The guides everyone reads; returns how many.
fn guides(
    conn: &mut AnyConnection,
    data: &Knowledge,
    author: &dyn Fn(usize) -> Option<PersonId>,
) -> AppResult<usize> {
    let mut pages = 0;
    for (i, Guide { title, tags, body }) in data.guides.iter().enumerate() {
        crate::pages::repo::create(
            conn,
            author(i),
            &PageInput {
                title: title.clone(),
                slug: crate::pages::model::parse_slug("", title).map_err(AppError::Validation)?,
                body: body.clone(),
                summary: "first version".into(),
                tags: tags.clone(),
                units: vec![],
                slug_from_title: false,
            },
        )?;
        pages += 1;
    }
    Ok(pages)
}

/// A team page for every squad, attached to it; returns how many.
fn team_pages(
    conn: &mut AnyConnection,
    author: &dyn Fn(usize) -> Option<PersonId>,
) -> AppResult<usize> {
    let mut pages = 0;
    for (i, squad) in units::units_of_kind(conn, UnitKind::Squad)?
        .into_iter()
        .enumerate()
    {
        let tribe = squad
            .tribe_id
            .map(|t| units::unit_by_id(conn, t))
            .transpose()?;
        let tribe_link = tribe
            .map(|t| format!("We are part of [[tribe:{}]].", t.slug))
            .unwrap_or_default();
        let body = format!(
            "# {name}\n\n{mission}\n\n{tribe_link} Our people and roles are on the [[squad:{slug}]] page.\n\n## How to work with us\n\n- Ask in our chat channel; we answer within a day.\n- Deploys follow the [[Deploy checklist]].\n- New here? Start with the [[Onboarding guide]].\n\n## What we own\n\n| Service | On call |\n|---|---|\n| {name} API | yes |\n| {name} jobs | office hours |",
            name = squad.name,
            mission = squad.mission,
            slug = squad.slug,
        );
        crate::pages::repo::create(
            conn,
            author(i + 3),
            &PageInput {
                title: format!("{} team page", squad.name),
                slug: format!("{}-team", squad.slug),
                body,
                summary: "team page".into(),
                tags: vec!["team".into()],
                units: vec![squad.id],
                slug_from_title: false,
            },
        )?;
        pages += 1;
    }
    Ok(pages)
}

/// The lessons, some of them drawn from a guide; returns how many.
fn lessons(
    conn: &mut AnyConnection,
    data: &Knowledge,
    author: &dyn Fn(usize) -> Option<PersonId>,
) -> AppResult<usize> {
    let mut lessons = 0;
    for (i, l) in data.lessons.iter().enumerate() {
        let Lesson {
            title,
            source,
            squads,
            tags,
            body,
            author: _,
            comments: _,
        } = l;
        let source = if source.is_empty() {
            Source::Alone
        } else {
            Source::Page(crate::pages::model::parse_slug("", source).map_err(AppError::Validation)?)
        };
        let mut unit_ids = Vec::new();
        for s in squads {
            unit_ids.extend(squad_id(conn, s)?);
        }
        let body = match &source {
            Source::Page(slug) => format!("{body}\n\nMore in [[{slug}]]."),
            _ => body.clone(),
        };
        crate::lessons::repo::create(
            conn,
            author(i + 1),
            &LessonInput {
                title: title.clone(),
                body,
                source,
                summary: String::new(),
                tags: tags.clone(),
                units: unit_ids,
            },
        )?;
        lessons += 1;
    }
    Ok(lessons)
}

/// The lessons written just now: loaded after the history is settled, they reach the
/// inboxes of the people they mention and the squads they concern.
pub fn news(conn: &mut AnyConnection) -> AppResult<usize> {
    let data = knowledge()?;
    for l in &data.news {
        let author = crate::people::repo::by_username(conn, &l.author)?.id;
        let mut unit_ids = Vec::new();
        for s in &l.squads {
            unit_ids.extend(squad_id(conn, s)?);
        }
        let lesson = crate::lessons::repo::create(
            conn,
            Some(author),
            &LessonInput {
                title: l.title.clone(),
                body: l.body.clone(),
                source: Source::Alone,
                summary: String::new(),
                tags: l.tags.clone(),
                units: unit_ids,
            },
        )?;
        for said in &l.comments {
            let by = crate::people::repo::by_username(conn, &said.author)?;
            let on = (crate::db::EntityKind::Lesson, lesson.id);
            let lessons =
                crate::comments::flow::Commentables(vec![Box::new(crate::comments::flow::Open {
                    kind: crate::db::EntityKind::Lesson,
                    find: crate::lessons::flow::commentable,
                })]);
            crate::comments::flow::post(conn, &lessons, &by, on, &said.body)?
                .map_err(AppError::Validation)?;
        }
    }
    Ok(data.news.len())
}

#[cfg(test)]
mod tests {
    /// Every lesson's source is one of the guides, so it links to a page that exists.
    #[test]
    fn the_demo_knowledge_reads_and_links_up() {
        let k = super::knowledge().unwrap();
        assert!(k.guides.len() >= 10 && k.lessons.len() >= 10);
        assert!(!k.news.is_empty() && k.news.iter().all(|l| !l.author.is_empty()));
        assert!(
            k.lessons.iter().all(|l| l.author.is_empty()),
            "history has no author"
        );
        assert!(
            k.lessons.iter().all(|l| l.comments.is_empty()),
            "nor comments"
        );
        for l in &k.lessons {
            assert!(
                l.source.is_empty() || k.guides.iter().any(|g| g.title == l.source),
                "{}: no guide {:?}",
                l.title,
                l.source
            );
        }
    }
}
