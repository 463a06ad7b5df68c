//! What the index holds of each record, read from the database: one change-log entry becomes
//! the current state of its record (or its removal), and a rebuild reads every record in
//! batches. The database decides; this module only translates.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    lesson_tags, lesson_units, lessons, memberships, page_tags, page_units, pages, people, units,
};
use crate::db::{AnyConnection, EntityKind};
use crate::error::AppResult;
use crate::org::unit::{Unit, UnitKind};

/// Readers of a record everyone signed in (or, with `--public-read`, everyone) may open.
pub const EVERYONE: &str = "everyone";

/// One searchable record.
#[derive(Debug, Clone)]
pub struct Record {
    /// `kind:id`, unique in the index.
    pub key: String,
    pub kind: &'static str,
    pub title: String,
    /// Plain text (Markdown stripped).
    pub body: String,
    pub tags: Vec<String>,
    pub unit_ids: Vec<i64>,
    pub author: Option<String>,
    pub date: NaiveDateTime,
    pub url: String,
    pub context: String,
    pub readers: Vec<String>,
}

/// What to do to the index for one record.
#[derive(Debug)]
pub enum Update {
    Put(Box<Record>),
    Remove(String),
}

pub fn key(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

/// Every unit, for facet paths (`/tribe/x/squad/y`); small enough to read once per batch.
pub struct Units(HashMap<i64, Unit>);

impl Units {
    #[cfg(test)]
    pub fn of(all: Vec<Unit>) -> Units {
        Units(all.into_iter().map(|u| (u.id, u)).collect())
    }

    pub fn load(conn: &mut AnyConnection) -> AppResult<Units> {
        let all: Vec<Unit> = units::table.select(Unit::as_select()).load(conn)?;
        Ok(Units(all.into_iter().map(|u| (u.id, u)).collect()))
    }

    pub fn get(&self, id: i64) -> Option<&Unit> {
        self.0.get(&id)
    }

    /// The facet path of a unit: under its tribe when it has one.
    pub fn path(&self, id: i64) -> Option<String> {
        let u = self.0.get(&id)?;
        Some(facet_path(u, u.tribe_id.and_then(|t| self.0.get(&t))))
    }

    /// The tribe a unit is (in), by slug.
    pub fn tribe_of(&self, id: i64) -> Option<&str> {
        let u = self.0.get(&id)?;
        if u.kind() == UnitKind::Tribe {
            return Some(&u.slug);
        }
        u.tribe_id
            .and_then(|t| self.0.get(&t))
            .map(|t| t.slug.as_str())
    }

    pub fn squad_slug(&self, id: i64) -> Option<&str> {
        self.0
            .get(&id)
            .filter(|u| u.kind() == UnitKind::Squad)
            .map(|u| u.slug.as_str())
    }

    /// A unit and every unit that belongs to it (a tribe's squads, chapters and trio).
    pub fn with_members(&self, id: i64) -> Vec<i64> {
        let mut ids = vec![id];
        ids.extend(
            self.0
                .values()
                .filter(|u| u.tribe_id == Some(id))
                .map(|u| u.id),
        );
        ids
    }
}

/// A unit's facet path, given its tribe: `/tribe/x/squad/y`, `/guild/z`.
pub fn facet_path(u: &Unit, tribe: Option<&Unit>) -> String {
    let own = format!("/{}/{}", u.kind, u.slug);
    match tribe {
        Some(t) if u.kind() != UnitKind::Tribe => format!("/tribe/{}{own}", t.slug),
        _ => own,
    }
}

/// The index updates one change-log entry asks for.
pub fn for_change(
    conn: &mut AnyConnection,
    units: &Units,
    kind: EntityKind,
    entity_key: &str,
) -> AppResult<Vec<Update>> {
    let gone = |kind: &str| vec![Update::Remove(key(kind, entity_key))];
    // Every kind is named: a new one does not compile until it says what the index does.
    Ok(match kind {
        EntityKind::Lesson => match entity_key.parse::<i64>() {
            Ok(id) => one(lessons_by_ids(conn, &[id])?, gone("lesson")),
            Err(_) => vec![],
        },
        EntityKind::Page => {
            let ids: Vec<i64> = pages::table
                .filter(pages::slug.eq(entity_key))
                .select(pages::id)
                .load(conn)?;
            one(pages_by_ids(conn, &ids)?, gone("page"))
        }
        EntityKind::Person => {
            let ids: Vec<i64> = people::table
                .filter(people::username.eq(entity_key))
                .select(people::id)
                .load(conn)?;
            // A person's step record goes with them: it leaves the index when they are
            // disabled.
            let mut updates = one(people_by_ids(conn, &ids)?, gone("person"));
            updates.extend(one(
                crate::steps::flow::records(conn, &ids)?,
                vec![Update::Remove(key("step", entity_key))],
            ));
            updates
        }
        EntityKind::Step => one(
            crate::steps::flow::records_of(conn, entity_key)?,
            gone("step"),
        ),
        EntityKind::Unit => {
            let found = entity_key.split_once('/').and_then(|(kind, slug)| {
                units
                    .0
                    .values()
                    .find(|u| u.kind == kind && u.slug == slug)
                    .map(|u| u.id)
            });
            match found {
                Some(id) => vec![Update::Put(Box::new(unit_record(units, id)?))],
                None => gone("unit"),
            }
        }
        EntityKind::Experiment => match entity_key.parse::<i64>() {
            Ok(id) => one(
                crate::experiments::repo::records(conn, &[id])?,
                gone("experiment"),
            ),
            Err(_) => vec![],
        },
        EntityKind::Postmortem => match entity_key.parse::<i64>() {
            Ok(id) => one(
                crate::postmortems::repo::records(conn, &[id])?,
                gone("postmortem"),
            ),
            Err(_) => vec![],
        },
        EntityKind::Retro => match entity_key.parse::<i64>() {
            Ok(id) => one(crate::retros::repo::records(conn, &[id])?, gone("retro")),
            Err(_) => vec![],
        },
        // Kinds the index does not hold: action items and health checks are not searched,
        // and the career-steps framework is read from the database by its own pages.
        EntityKind::Action
        | EntityKind::HealthSession
        | EntityKind::HealthIndicator
        | EntityKind::StepFramework => vec![],
    })
}

fn one(found: Vec<Record>, otherwise: Vec<Update>) -> Vec<Update> {
    if found.is_empty() {
        otherwise
    } else {
        found
            .into_iter()
            .map(|r| Update::Put(Box::new(r)))
            .collect()
    }
}

/// Lessons and pages filed under any of `unit_ids`: their facet paths follow the unit when it
/// is renamed or moves to another tribe.
pub fn filed_under(conn: &mut AnyConnection, unit_ids: &[i64]) -> AppResult<Vec<Record>> {
    let lesson_ids: Vec<i64> = lesson_units::table
        .filter(lesson_units::unit_id.eq_any(unit_ids))
        .select(lesson_units::lesson_id)
        .distinct()
        .load(conn)?;
    let page_ids: Vec<i64> = page_units::table
        .filter(page_units::unit_id.eq_any(unit_ids))
        .select(page_units::page_id)
        .distinct()
        .load(conn)?;
    let mut out = Vec::new();
    for chunk in lesson_ids.chunks(500) {
        out.extend(lessons_by_ids(conn, chunk)?);
    }
    for chunk in page_ids.chunks(500) {
        out.extend(pages_by_ids(conn, chunk)?);
    }
    let experiment_ids = crate::experiments::repo::ids_of_squads(conn, unit_ids)?;
    for chunk in experiment_ids.chunks(500) {
        out.extend(crate::experiments::repo::records(conn, chunk)?);
    }
    let postmortem_ids = crate::postmortems::repo::ids_of_squads(conn, unit_ids)?;
    for chunk in postmortem_ids.chunks(500) {
        out.extend(crate::postmortems::repo::records(conn, chunk)?);
    }
    let retro_ids = crate::retros::repo::ids_of_squads(conn, unit_ids)?;
    for chunk in retro_ids.chunks(500) {
        out.extend(crate::retros::repo::records(conn, chunk)?);
    }
    Ok(out)
}

/// How many records a rebuild reads (for its progress bar).
pub fn count_all(conn: &mut AnyConnection) -> AppResult<u64> {
    let n = |r: QueryResult<i64>| -> AppResult<u64> { Ok(r?.max(0) as u64) };
    Ok(n(lessons::table
        .filter(lessons::deleted_at.is_null())
        .count()
        .get_result(conn))?
        + n(pages::table
            .filter(pages::deleted_at.is_null())
            .count()
            .get_result(conn))?
        + n(people::table
            .filter(people::disabled.eq(false))
            .count()
            .get_result(conn))?
        + n(units::table.count().get_result(conn))?
        + n(Ok(crate::experiments::repo::count(conn)?))?
        + n(Ok(crate::postmortems::repo::count_published(conn)?))?
        + n(Ok(crate::retros::repo::count_closed(conn)?))?
        + n(Ok(crate::steps::flow::count(conn)?))?)
}

/// Every record, in batches of `batch`, handed to `each`.
pub fn for_all(
    conn: &mut AnyConnection,
    units: &Units,
    batch: i64,
    mut each: impl FnMut(Vec<Record>) -> AppResult<()>,
) -> AppResult<()> {
    let mut ids: Vec<i64> = units.0.keys().copied().collect();
    ids.sort_unstable();
    each(
        ids.into_iter()
            .map(|id| unit_record(units, id))
            .collect::<AppResult<_>>()?,
    )?;
    type Load = fn(&mut AnyConnection, &[i64]) -> AppResult<Vec<Record>>;
    type NextIds = fn(&mut AnyConnection, i64, i64) -> QueryResult<Vec<i64>>;
    let kinds: [(Load, NextIds); 7] = [
        (people_by_ids, |c, after, n| {
            people::table
                .filter(people::id.gt(after))
                .order(people::id)
                .limit(n)
                .select(people::id)
                .load(c)
        }),
        (pages_by_ids, |c, after, n| {
            pages::table
                .filter(pages::id.gt(after))
                .order(pages::id)
                .limit(n)
                .select(pages::id)
                .load(c)
        }),
        (lessons_by_ids, |c, after, n| {
            lessons::table
                .filter(lessons::id.gt(after))
                .order(lessons::id)
                .limit(n)
                .select(lessons::id)
                .load(c)
        }),
        (
            crate::experiments::repo::records,
            crate::experiments::repo::ids_after,
        ),
        (
            crate::postmortems::repo::records,
            crate::postmortems::repo::ids_after,
        ),
        (crate::retros::repo::records, crate::retros::repo::ids_after),
        (crate::steps::flow::records, crate::steps::flow::ids_after),
    ];
    for (load, next_ids) in kinds {
        let mut after = 0;
        loop {
            let ids = next_ids(conn, after, batch)?;
            let Some(&last) = ids.last() else { break };
            after = last;
            each(load(conn, &ids)?)?;
        }
    }
    Ok(())
}

fn unit_record(units: &Units, id: i64) -> AppResult<Record> {
    let u = units.get(id).ok_or(crate::error::AppError::NotFound)?;
    let kind = u.kind();
    let mut unit_ids = vec![u.id];
    unit_ids.extend(u.tribe_id);
    let body = [u.mission.as_str(), u.description.as_str()]
        .iter()
        .map(|t| crate::markdown::plain_text(t))
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Record {
        key: key("unit", &format!("{}/{}", u.kind, u.slug)),
        kind: "unit",
        title: u.name.clone(),
        body,
        tags: vec![],
        unit_ids,
        author: None,
        date: u.updated_at,
        url: u.url(),
        context: kind.label().to_string(),
        readers: vec![EVERYONE.into()],
    })
}

/// Pairs `(owner id, value)` grouped by owner.
fn grouped<V>(pairs: Vec<(i64, V)>) -> HashMap<i64, Vec<V>> {
    let mut map: HashMap<i64, Vec<V>> = HashMap::new();
    for (id, v) in pairs {
        map.entry(id).or_default().push(v);
    }
    map
}

fn lessons_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime, Option<String>)> = lessons::table
        .left_join(people::table.on(lessons::author_id.eq(people::id.nullable())))
        .filter(lessons::id.eq_any(ids))
        .filter(lessons::deleted_at.is_null())
        .select((
            lessons::id,
            lessons::title,
            lessons::body,
            lessons::source_kind,
            lessons::created_at,
            people::username.nullable(),
        ))
        .load(conn)?;
    let mut tags = grouped(
        lesson_tags::table
            .filter(lesson_tags::lesson_id.eq_any(ids))
            .select((lesson_tags::lesson_id, lesson_tags::tag))
            .load(conn)?,
    );
    let mut unit_ids = grouped(
        lesson_units::table
            .filter(lesson_units::lesson_id.eq_any(ids))
            .select((lesson_units::lesson_id, lesson_units::unit_id))
            .load(conn)?,
    );
    Ok(rows
        .into_iter()
        .map(|(id, title, body, source_kind, created, author)| {
            let context = crate::lessons::model::Source::KINDS
                .iter()
                .find(|(k, _)| *k == source_kind && *k != "alone")
                .map(|(_, label)| format!("From {}", label.to_lowercase()))
                .unwrap_or_default();
            Record {
                key: key("lesson", &id.to_string()),
                kind: "lesson",
                title,
                body: crate::markdown::plain_text(&body),
                tags: tags.remove(&id).unwrap_or_default(),
                unit_ids: unit_ids.remove(&id).unwrap_or_default(),
                author,
                date: created,
                url: format!("/lessons/{id}"),
                context,
                readers: vec![EVERYONE.into()],
            }
        })
        .collect())
}

fn pages_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime, Option<String>)> = pages::table
        .left_join(people::table.on(pages::updated_by.eq(people::id.nullable())))
        .filter(pages::id.eq_any(ids))
        .filter(pages::deleted_at.is_null())
        .select((
            pages::id,
            pages::slug,
            pages::title,
            pages::body,
            pages::updated_at,
            people::username.nullable(),
        ))
        .load(conn)?;
    let mut tags = grouped(
        page_tags::table
            .filter(page_tags::page_id.eq_any(ids))
            .select((page_tags::page_id, page_tags::tag))
            .load(conn)?,
    );
    let mut unit_ids = grouped(
        page_units::table
            .filter(page_units::page_id.eq_any(ids))
            .select((page_units::page_id, page_units::unit_id))
            .load(conn)?,
    );
    Ok(rows
        .into_iter()
        .map(|(id, slug, title, body, updated, author)| Record {
            key: key("page", &slug),
            kind: "page",
            title,
            body: crate::markdown::plain_text(&body),
            tags: tags.remove(&id).unwrap_or_default(),
            unit_ids: unit_ids.remove(&id).unwrap_or_default(),
            author,
            date: updated,
            url: format!("/pages/{slug}"),
            context: String::new(),
            readers: vec![EVERYONE.into()],
        })
        .collect())
}

fn people_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
    type Row = (i64, String, String, String, String, String, NaiveDateTime);
    let rows: Vec<Row> = people::table
        .filter(people::id.eq_any(ids))
        .filter(people::disabled.eq(false))
        .select((
            people::id,
            people::username,
            people::display_name,
            people::title,
            people::discipline,
            people::bio,
            people::created_at,
        ))
        .load(conn)?;
    let today = crate::org::unit_repo::today();
    let mut unit_ids = grouped(
        memberships::table
            .filter(memberships::person_id.eq_any(ids))
            .filter(memberships::start_date.le(today))
            .filter(
                memberships::end_date
                    .is_null()
                    .or(memberships::end_date.gt(today)),
            )
            .select((memberships::person_id, memberships::unit_id))
            .load(conn)?,
    );
    Ok(rows
        .into_iter()
        .map(|(id, username, name, title, discipline, bio, created)| {
            let context = [title.as_str(), discipline.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            let mut ids = unit_ids.remove(&id).unwrap_or_default();
            ids.sort_unstable();
            ids.dedup();
            Record {
                key: key("person", &username),
                kind: "person",
                title: name,
                body: format!(
                    "{username} {title} {discipline} {}",
                    crate::markdown::plain_text(&bio)
                ),
                tags: vec![],
                unit_ids: ids,
                author: None,
                date: created,
                url: format!("/people/{username}"),
                context,
                readers: vec![EVERYONE.into()],
            }
        })
        .collect())
}
