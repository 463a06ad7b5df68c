//! What the index holds of each record, read from the database: one change-log entry becomes
//! the current state of its records (or their removal), and a rebuild reads every record in
//! batches. People and units belong to the org, below the features, and are read here; every
//! feature's records come from its [`Projection`], handed over by the composition
//! (`app::projections`). The database decides; this module only translates.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{memberships, people, units};
use crate::db::{AnyConnection, EntityKind};
use crate::error::AppResult;
use crate::ids::UnitId;
use crate::org::unit::{Unit, UnitKind};
use crate::projection::{EVERYONE, Projection, Record, Update, found_or, grouped, key};

/// The kinds read here rather than by a feature's projection.
pub const OWN_KINDS: &[EntityKind] = &[EntityKind::Person, EntityKind::Unit];

/// Logged kinds the index does not hold: action items and health checks are not searched,
/// and the career-steps framework is read from the database by its own pages.
pub const NOT_INDEXED: &[EntityKind] = &[
    EntityKind::Action,
    EntityKind::HealthSession,
    EntityKind::HealthIndicator,
    EntityKind::StepFramework,
];

/// Every unit, for facet paths (`/tribe/x/squad/y`); small enough to read once per batch.
pub struct Units(HashMap<UnitId, Unit>);

impl Units {
    #[cfg(test)]
    pub fn of(all: Vec<Unit>) -> Units {
        Units(all.into_iter().map(|u| (u.id, u)).collect())
    }

    pub fn load(conn: &mut AnyConnection) -> AppResult<Units> {
        let all: Vec<Unit> = units::table.select(Unit::as_select()).load(conn)?;
        Ok(Units(all.into_iter().map(|u| (u.id, u)).collect()))
    }

    pub fn get(&self, id: UnitId) -> Option<&Unit> {
        self.0.get(&id)
    }

    /// The facet path of a unit: under its tribe when it has one.
    pub fn path(&self, id: UnitId) -> Option<String> {
        let u = self.0.get(&id)?;
        Some(facet_path(u, u.tribe_id.and_then(|t| self.0.get(&t))))
    }

    /// The tribe a unit is (in), by slug.
    pub fn tribe_of(&self, id: UnitId) -> Option<&str> {
        let u = self.0.get(&id)?;
        if u.kind() == UnitKind::Tribe {
            return Some(&u.slug);
        }
        u.tribe_id
            .and_then(|t| self.0.get(&t))
            .map(|t| t.slug.as_str())
    }

    pub fn squad_slug(&self, id: UnitId) -> Option<&str> {
        self.0
            .get(&id)
            .filter(|u| u.kind() == UnitKind::Squad)
            .map(|u| u.slug.as_str())
    }

    /// A unit and every unit that belongs to it (a tribe's squads, chapters and trio).
    pub fn with_members(&self, id: UnitId) -> Vec<UnitId> {
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

/// The index updates one change-log entry asks for: the person or unit it names, and what
/// each projection that claims its kind makes of it (a person's step record follows them).
pub fn for_change(
    conn: &mut AnyConnection,
    units: &Units,
    projections: &[Box<dyn Projection>],
    kind: EntityKind,
    entity_key: &str,
) -> AppResult<Vec<Update>> {
    let gone = |kind: &str| vec![Update::Remove(key(kind, entity_key))];
    let mut updates = match kind {
        EntityKind::Person => {
            let ids: Vec<i64> = people::table
                .filter(people::username.eq(entity_key))
                .select(people::id)
                .load(conn)?;
            found_or(people_by_ids(conn, &ids)?, gone("person"))
        }
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
        _ => vec![],
    };
    for p in projections.iter().filter(|p| p.kinds().contains(&kind)) {
        updates.extend(p.for_change(conn, kind, entity_key)?);
    }
    Ok(updates)
}

/// Records filed under any of `unit_ids`: their facet paths follow the unit when it is
/// renamed or moves to another tribe.
pub fn filed_under(
    conn: &mut AnyConnection,
    projections: &[Box<dyn Projection>],
    unit_ids: &[UnitId],
) -> AppResult<Vec<Record>> {
    let mut out = Vec::new();
    for p in projections {
        for chunk in p.filed_under(conn, unit_ids)?.chunks(500) {
            out.extend(p.records(conn, chunk)?);
        }
    }
    Ok(out)
}

/// How many records a rebuild reads (for its progress bar).
pub fn count_all(conn: &mut AnyConnection, projections: &[Box<dyn Projection>]) -> AppResult<u64> {
    let people: i64 = people::table
        .filter(people::disabled.eq(false))
        .count()
        .get_result(conn)?;
    let units: i64 = units::table.count().get_result(conn)?;
    let mut total = people.max(0) as u64 + units.max(0) as u64;
    for p in projections {
        total += p.count(conn)?;
    }
    Ok(total)
}

/// Every record, in batches of `batch`, handed to `each`: units, people, then each
/// projection's.
pub fn for_all(
    conn: &mut AnyConnection,
    units: &Units,
    projections: &[Box<dyn Projection>],
    batch: i64,
    mut each: impl FnMut(Vec<Record>) -> AppResult<()>,
) -> AppResult<()> {
    let mut ids: Vec<UnitId> = units.0.keys().copied().collect();
    ids.sort_unstable();
    each(
        ids.into_iter()
            .map(|id| unit_record(units, id))
            .collect::<AppResult<_>>()?,
    )?;
    let mut after = 0;
    loop {
        let ids: Vec<i64> = people::table
            .filter(people::id.gt(after))
            .order(people::id)
            .limit(batch)
            .select(people::id)
            .load(conn)?;
        let Some(&last) = ids.last() else { break };
        after = last;
        each(people_by_ids(conn, &ids)?)?;
    }
    for p in projections {
        let mut after = 0;
        loop {
            let ids = p.ids_after(conn, after, batch)?;
            let Some(&last) = ids.last() else { break };
            after = last;
            each(p.records(conn, &ids)?)?;
        }
    }
    Ok(())
}

fn unit_record(units: &Units, id: UnitId) -> AppResult<Record> {
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
    let today = crate::dates::today();
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
