//! The groups of an import as a hierarchy: what each Group document links to, walked up to
//! find a group's tribe, and each group placed where fika keeps it (or reported).

use std::collections::{HashMap, HashSet};

use super::super::EntityRef;
use super::{GroupPlan, bad, shown};
use crate::error::AppResult;
use crate::org::unit::UnitKind;

/// What the hierarchy needs of every Group document, mapped to a kind or not.
pub(super) struct GroupDoc {
    pub(super) at: String,
    pub(super) type_: String,
    pub(super) kind: Option<UnitKind>,
    pub(super) parent: Option<EntityRef>,
    pub(super) children: Vec<EntityRef>,
}

/// The groups of the import and their links, for walking up the hierarchy.
#[derive(Default)]
pub(super) struct Hierarchy {
    pub(super) groups: HashMap<EntityRef, GroupDoc>,
    /// child → the groups listing it in `spec.children`, in document order.
    pub(super) listed_by: HashMap<EntityRef, Vec<EntityRef>>,
}

impl Hierarchy {
    fn is_tribe(&self, r: &EntityRef) -> bool {
        self.groups
            .get(r)
            .is_some_and(|g| g.kind == Some(UnitKind::Tribe))
    }

    /// A tribe of the import that lists `r` among its children.
    fn tribe_listing(&self, r: &EntityRef) -> Option<&EntityRef> {
        self.listed_by
            .get(r)
            .and_then(|ps| ps.iter().find(|p| self.is_tribe(p)))
    }

    /// The group above `r`. Backstage links a child to its parent from either side; where
    /// the sides differ, a tribe wins (it is the one place fika keeps), then `spec.parent`.
    fn above(&self, r: &EntityRef) -> Option<&EntityRef> {
        let parent = self.groups.get(r).and_then(|g| g.parent.as_ref());
        match parent {
            Some(p) if self.is_tribe(p) || !self.groups.contains_key(p) => Some(p),
            _ => self
                .tribe_listing(r)
                .or(parent)
                .or_else(|| self.listed_by.get(r).and_then(|ps| ps.first())),
        }
    }

    /// The nearest tribe at or above `start`, through the groups of the import.
    fn nearest_tribe(&self, start: &EntityRef) -> Option<EntityRef> {
        let mut seen = HashSet::new();
        let mut at = start;
        loop {
            if self.is_tribe(at) {
                return Some(at.clone());
            }
            // A cycle (a → b → a) has no tribe above it.
            if !self.groups.contains_key(at) || !seen.insert(at.clone()) {
                return None;
            }
            at = self.above(at)?;
        }
    }

    /// "a skipped "sub-department" group" or "a guild": what `r` became, for the report.
    fn what(&self, r: &EntityRef) -> String {
        match self.groups.get(r) {
            Some(GroupDoc { kind: Some(k), .. }) => format!("a {k}"),
            Some(g) => format!("a skipped {:?} group", g.type_),
            None => "not in the import".into(),
        }
    }
}

/// Places a group in fika's hierarchy: a squad, chapter or trio in its tribe, an alliance
/// with its tribes. A group above it that fika has no place for is reported with what
/// became of the link, so a deeper hierarchy is never dropped in silence.
pub(super) fn place(
    g: &mut GroupPlan,
    tree: &Hierarchy,
    skipped: &mut Vec<String>,
) -> AppResult<()> {
    let Some(doc) = tree.groups.get(&g.entity) else {
        return Ok(());
    };
    if g.kind == UnitKind::Alliance {
        g.alliance_tribes = doc.children.clone();
    }
    let Some(up) = tree.above(&g.entity) else {
        return Ok(());
    };
    let link = format!("parent {} of {} ({})", shown(up), shown(&g.entity), g.at);
    if !matches!(g.kind, UnitKind::Squad | UnitKind::Chapter | UnitKind::Trio) {
        // Tribes, guilds and alliances stand on their own in fika; only an alliance that
        // lists a tribe keeps it (as one of its tribes).
        let kept = g.kind == UnitKind::Tribe
            && tree.groups.get(up).is_some_and(|p| {
                p.kind == Some(UnitKind::Alliance) && p.children.contains(&g.entity)
            });
        if !kept {
            skipped.push(format!(
                "{link}: {}; a {} belongs to no other group in fika, so the link is not kept",
                tree.what(up),
                g.kind
            ));
        }
        return Ok(());
    }
    if tree.is_tribe(up) || !tree.groups.contains_key(up) {
        if let Some(t) = tree.tribe_listing(&g.entity).filter(|t| *t != up)
            && let Some(listing) = tree.groups.get(t)
        {
            return Err(bad(
                &g.at,
                format!(
                    "{} names {} as its parent, but {} ({}) lists it as a child",
                    shown(&g.entity),
                    shown(up),
                    shown(t),
                    listing.at
                ),
            ));
        }
        g.tribe_outside = !tree.groups.contains_key(up);
        g.tribe = Some(up.clone());
        return Ok(());
    }
    g.tribe = tree.nearest_tribe(up);
    skipped.push(match &g.tribe {
        Some(t) => format!(
            "{link}: {}, not a tribe; placed in tribe {}, its nearest tribe ancestor",
            tree.what(up),
            shown(t)
        ),
        None => format!(
            "{link}: {}, not a tribe, and no group above it is a tribe; {} belongs to no tribe",
            tree.what(up),
            shown(&g.entity)
        ),
    });
    Ok(())
}
