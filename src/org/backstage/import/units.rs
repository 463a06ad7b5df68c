//! The units of an import: each group's unit created or brought up to date (found again
//! when renamed in fika), placed in its tribe, with its Backstage identity and, for an
//! alliance, its initiatives.

use std::collections::HashMap;

use super::super::EntityRef;
use super::super::plan::{GroupPlan, Plan, derived_slug, shown};
use super::{Report, at};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::unit::{Unit, UnitKind};
use crate::org::unit_repo::{self as repo, UnitFields};

/// Finds the tribes groups name: a unit of the import as it is made (so a tribe renamed in
/// fika is still found), else the tribe with the slug the import gives it.
pub(super) struct Tribes<'a> {
    slug_of: HashMap<&'a EntityRef, &'a str>,
    /// The units of the import as they are made.
    unit_ids: HashMap<&'a EntityRef, UnitId>,
}

impl<'a> Tribes<'a> {
    pub(super) fn new(plan: &'a Plan) -> Tribes<'a> {
        Tribes {
            slug_of: plan
                .groups
                .iter()
                .map(|g| (&g.entity, g.slug.as_str()))
                .collect(),
            unit_ids: HashMap::new(),
        }
    }

    /// The unit made of group `r`.
    pub(super) fn made(&mut self, r: &'a EntityRef, unit_id: UnitId) {
        self.unit_ids.insert(r, unit_id);
    }

    fn id(&self, c: &mut AnyConnection, r: &EntityRef) -> AppResult<UnitId> {
        if let Some(id) = self.unit_ids.get(r) {
            return Ok(*id);
        }
        let slug = match self.slug_of.get(r) {
            Some(s) => s.to_string(),
            None => derived_slug(r).ok_or(AppError::NotFound)?,
        };
        Ok(repo::unit(c, UnitKind::Tribe, &slug)?.id)
    }
}

/// Creates the unit of a group, or updates the one it is, and its Backstage identity.
pub(super) fn apply_unit(
    c: &mut AnyConnection,
    actor: Option<PersonId>,
    g: &GroupPlan,
    tribes: &Tribes,
    alliance_links: &[(UnitId, UnitId)],
    report: &mut Report,
) -> AppResult<Unit> {
    let err = at(&g.at);
    // A unit renamed in fika since the last import is still the same unit, and keeps
    // its new slug.
    let existing = repo::unit_or_renamed(c, g.kind, &g.slug)?;
    let fields = unit_fields(c, g, tribes, report)?;
    // Whether the unit's line in the report is written already.
    let (unit, reported) = match existing {
        None => {
            let u = repo::create_unit(c, actor, g.kind, &fields).map_err(&err)?;
            report.actions.push(format!("create {} {}", g.kind, g.slug));
            (u, true)
        }
        Some(u) => update(c, actor, g, u, fields, alliance_links, report)?,
    };
    if unit.backstage_type != g.backstage_type || unit.backstage_ref != g.backstage_ref {
        repo::set_backstage_identity(c, actor, unit.id, &g.backstage_type, &g.backstage_ref)
            .map_err(&err)?;
        if !reported {
            report.actions.push(format!("update {} {}", g.kind, g.slug));
        }
    }
    Ok(unit)
}

/// The fields the group gives its unit, its tribe and an alliance's tribes found.
fn unit_fields(
    c: &mut AnyConnection,
    g: &GroupPlan,
    tribes: &Tribes,
    report: &mut Report,
) -> AppResult<UnitFields> {
    let tribe = match &g.tribe {
        Some(t) => match tribes.id(c, t) {
            Ok(id) => Some(id),
            // A squad's parent outside the import that is no fika tribe: no tribe.
            Err(_) if g.tribe_outside && g.kind == UnitKind::Squad => {
                report.skipped.push(format!(
                    "parent {} of {} ({}): not a tribe in fika or in the import",
                    shown(t),
                    shown(&g.entity),
                    g.at
                ));
                None
            }
            Err(_) => {
                return Err(AppError::Validation(format!(
                    "{}: its tribe {:?} does not exist",
                    g.at,
                    shown(t)
                )));
            }
        },
        None => None,
    };
    let mut alliance_tribes = Vec::new();
    for t in &g.alliance_tribes {
        alliance_tribes.push(tribes.id(c, t).map_err(|_| {
            AppError::Validation(format!("{}: its tribe {:?} does not exist", g.at, shown(t)))
        })?);
    }
    Ok(UnitFields {
        slug: g.slug.clone(),
        name: g.display.clone(),
        mission: g.mission.clone(),
        description: g.description.clone().unwrap_or_default(),
        links: g.links.clone(),
        tribe_id: tribe,
        discipline: g.discipline.clone(),
        alliance_tribes,
    })
}

/// Updates an existing unit when the group changes it: (the unit, whether that was
/// reported).
fn update(
    c: &mut AnyConnection,
    actor: Option<PersonId>,
    g: &GroupPlan,
    u: Unit,
    mut fields: UnitFields,
    alliance_links: &[(UnitId, UnitId)],
    report: &mut Report,
) -> AppResult<(Unit, bool)> {
    fields.slug = u.slug.clone();
    if g.description.is_none() {
        fields.description = u.description.clone();
    }
    let (mut current_tribes, mut wanted) = (Vec::new(), Vec::new());
    if g.kind == UnitKind::Alliance {
        current_tribes = alliance_links
            .iter()
            .filter(|(a, _)| *a == u.id)
            .map(|(_, t)| *t)
            .collect();
        current_tribes.sort_unstable();
        wanted = fields.alliance_tribes.clone();
        wanted.sort_unstable();
    }
    let changed = u.name != fields.name
        || u.mission != fields.mission
        || u.description != fields.description
        || u.links != fields.links
        || u.tribe_id != fields.tribe_id
        || u.discipline != fields.discipline
        || (g.kind == UnitKind::Alliance && current_tribes != wanted);
    if !changed {
        return Ok((u, false));
    }
    let u2 = repo::update_unit(c, actor, u.id, &fields).map_err(at(&g.at))?;
    report.actions.push(format!("update {} {}", g.kind, g.slug));
    Ok((u2, true))
}

/// Adds the initiatives an alliance lists and moves those whose stage changed.
pub(super) fn apply_initiatives(
    c: &mut AnyConnection,
    actor: Option<PersonId>,
    g: &GroupPlan,
    unit: &Unit,
    report: &mut Report,
) -> AppResult<()> {
    let err = at(&g.at);
    let existing = repo::initiatives_of(c, unit.id)?;
    for (stage, name, description) in &g.initiatives {
        match existing.iter().find(|i| i.name == *name) {
            Some(i) if i.stage() != *stage => {
                repo::set_initiative_stage(c, actor, unit, i.id, *stage).map_err(&err)?;
                report.actions.push(format!(
                    "set initiative {name:?} of {} to {}",
                    g.slug,
                    stage.label()
                ));
            }
            Some(_) => {}
            None => {
                repo::add_initiative(c, actor, unit, name, *stage, description).map_err(&err)?;
                report
                    .actions
                    .push(format!("add initiative {name:?} to {}", g.slug));
            }
        }
    }
    Ok(())
}
