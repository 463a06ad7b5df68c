//! Reading Backstage catalog YAML into a plan of what the org should be, without touching
//! the database: entities told apart as Backstage does (kind, namespace and name; a ref
//! without a namespace is in the referencing entity's namespace), usernames and slugs that
//! cannot collide across namespaces, and each group placed in fika's hierarchy. What does not
//! fit is reported group by group, never dropped in silence: a group whose type maps to no
//! kind is skipped with a `--map` hint, and a squad, chapter or trio below a deeper hierarchy
//! (organization → department → sub-department → team) goes into its nearest tribe ancestor.

mod annotations;
mod entity;
mod hierarchy;
mod names;
#[cfg(test)]
mod tests;

use serde::Deserialize;

use super::import::{Options, Source};
use super::{ANN_KIND, DEFAULT_NAMESPACE, Entity, EntityRef};
use crate::error::{AppError, AppResult};
use crate::org::unit::UnitKind;
use entity::{group_plan, kind_for, user_plan};
use hierarchy::{GroupDoc, Hierarchy, place};

pub use entity::{GroupPlan, UserPlan};
pub use names::derived_slug;

pub struct Doc {
    pub at: String,
    pub entity: Entity,
}

fn bad(at: &str, msg: impl std::fmt::Display) -> AppError {
    AppError::Validation(format!("{at}: {msg}"))
}

/// An entity as people write it: `team-a`, or `development/team-a` outside the default
/// namespace.
pub fn shown(r: &EntityRef) -> String {
    r.relative_to(DEFAULT_NAMESPACE)
}

/// Every Group and User document of every source; other kinds are passed over.
pub fn parse(sources: &[Source]) -> AppResult<(Vec<Doc>, usize)> {
    let mut docs = Vec::new();
    let mut others = 0;
    for src in sources {
        for (i, de) in serde_yaml_ng::Deserializer::from_str(&src.text).enumerate() {
            let at = format!("{}, document {}", src.name, i + 1);
            let value = serde_yaml_ng::Value::deserialize(de).map_err(|e| bad(&at, e))?;
            if value.is_null() {
                continue;
            }
            let entity: Entity = serde_yaml_ng::from_value(value).map_err(|e| bad(&at, e))?;
            if entity.kind != "Group" && entity.kind != "User" {
                others += 1;
                continue;
            }
            if !entity.api_version.starts_with("backstage.io/") {
                return Err(bad(
                    &at,
                    format!(
                        "apiVersion {:?} is not a Backstage catalog version",
                        entity.api_version
                    ),
                ));
            }
            if entity.metadata.name.trim().is_empty() {
                return Err(bad(&at, "metadata.name is missing"));
            }
            docs.push(Doc { at, entity });
        }
    }
    Ok((docs, others))
}

pub struct Plan {
    pub users: Vec<UserPlan>,
    pub groups: Vec<GroupPlan>,
    pub skipped: Vec<String>,
}

/// A ref in a field of `entity` that names an entity of `kind` (a short ref is in `entity`'s
/// namespace, as in Backstage).
fn ref_in(raw: &str, kind: &str, entity: &EntityRef, at: &str) -> AppResult<EntityRef> {
    let r = EntityRef::parse(raw, kind, &entity.namespace).map_err(|m| bad(at, m))?;
    if r.kind != kind {
        return Err(bad(at, format!("{raw:?} names a {}, not a {kind}", r.kind)));
    }
    Ok(r)
}

/// What reading the documents one by one gathers, before groups are placed and members
/// become people.
#[derive(Default)]
struct Gathered {
    users: Vec<UserPlan>,
    groups: Vec<GroupPlan>,
    skipped: Vec<String>,
    /// (group, user, at): a User's `spec.memberOf`.
    member_of: Vec<(EntityRef, EntityRef, String)>,
    /// Members of skipped groups: still people.
    people_only: Vec<(EntityRef, String)>,
    tree: Hierarchy,
}

impl Gathered {
    fn user(&mut self, d: &Doc) -> AppResult<()> {
        let e = &d.entity;
        let me = e.entity_ref();
        if self.users.iter().any(|u| u.entity == me) {
            return Err(bad(
                &d.at,
                format!("user {:?} is defined twice", shown(&me)),
            ));
        }
        for g in e.spec.member_of.iter().flatten() {
            self.member_of
                .push((ref_in(g, "group", &me, &d.at)?, me.clone(), d.at.clone()));
        }
        self.users.push(user_plan(d, me)?);
        Ok(())
    }

    fn group(&mut self, d: &Doc, opts: &Options) -> AppResult<()> {
        let e = &d.entity;
        let me = e.entity_ref();
        if let Some(first) = self.tree.groups.get(&me) {
            return Err(bad(
                &d.at,
                format!(
                    "group {:?} is defined twice (also in {})",
                    shown(&me),
                    first.at
                ),
            ));
        }
        let parent = match &e.spec.parent {
            Some(p) => Some(ref_in(p, "group", &me, &d.at)?),
            None => None,
        };
        let children = e
            .spec
            .children
            .iter()
            .flatten()
            .map(|c| ref_in(c, "group", &me, &d.at))
            .collect::<AppResult<Vec<_>>>()?;
        for c in &children {
            self.tree
                .listed_by
                .entry(c.clone())
                .or_default()
                .push(me.clone());
        }
        let type_ = e.spec.type_.clone().unwrap_or_default();
        let annotation = e.metadata.annotations.get(ANN_KIND).map(String::as_str);
        let kind = kind_for(&type_, annotation, &opts.map, &d.at)?;
        self.tree.groups.insert(
            me.clone(),
            GroupDoc {
                at: d.at.clone(),
                type_: type_.clone(),
                kind,
                parent,
                children,
            },
        );
        let Some(kind) = kind else {
            self.skipped.push(format!(
                "group {} ({}): type {type_:?} is not mapped; use --map {}=KIND",
                shown(&me),
                d.at,
                if type_.is_empty() { "TYPE" } else { &type_ }
            ));
            for m in &e.spec.members {
                self.people_only
                    .push((ref_in(m, "user", &me, &d.at)?, d.at.clone()));
            }
            return Ok(());
        };
        self.groups.push(group_plan(d, me, kind)?);
        Ok(())
    }
}

pub fn plan(docs: &[Doc], opts: &Options) -> AppResult<Plan> {
    let mut read = Gathered::default();
    for d in docs {
        if d.entity.kind == "User" {
            read.user(d)?;
        } else {
            read.group(d, opts)?;
        }
    }
    let Gathered {
        mut users,
        mut groups,
        mut skipped,
        member_of,
        people_only,
        tree,
    } = read;
    check_slugs(&groups)?;
    for g in &mut groups {
        place(g, &tree, &mut skipped)?;
    }
    add_member_of(&mut groups, member_of, &tree, &mut skipped);
    add_named_people(&mut users, &groups, people_only)?;
    // The default namespace first: its users keep their names when another namespace's user
    // asks for the same one (`development-guest` may be a default user's name too).
    users.sort_by_key(|u| u.entity.namespace != DEFAULT_NAMESPACE);
    // Parents before children: tribes, then what belongs to them.
    groups.sort_by_key(|g| match g.kind {
        UnitKind::Tribe => 0,
        UnitKind::Trio => 1,
        UnitKind::Squad => 2,
        UnitKind::Chapter => 3,
        UnitKind::Guild => 4,
        UnitKind::Alliance => 5,
    });
    Ok(Plan {
        users,
        groups,
        skipped,
    })
}

/// No two groups may become the same unit (kind and slug).
fn check_slugs(groups: &[GroupPlan]) -> AppResult<()> {
    for (i, g) in groups.iter().enumerate() {
        if let Some(other) = groups[..i]
            .iter()
            .find(|o| o.kind == g.kind && o.slug == g.slug)
        {
            return Err(bad(
                &g.at,
                format!(
                    "{} and {} would both be the {} {:?}",
                    shown(&other.entity),
                    shown(&g.entity),
                    g.kind,
                    g.slug
                ),
            ));
        }
    }
    Ok(())
}

/// A User's `spec.memberOf` makes them a member of that group, or is reported.
fn add_member_of(
    groups: &mut [GroupPlan],
    member_of: Vec<(EntityRef, EntityRef, String)>,
    tree: &Hierarchy,
    skipped: &mut Vec<String>,
) {
    for (group, user, at) in member_of {
        match groups.iter_mut().find(|g| g.entity == group) {
            Some(g) => {
                g.members.entry(user).or_default();
            }
            None => skipped.push(format!(
                "membership of {} in {} ({at}): {}",
                shown(&user),
                shown(&group),
                if tree.groups.contains_key(&group) {
                    "the group is skipped"
                } else {
                    "no such group in the import"
                }
            )),
        }
    }
}

/// Everyone named as a member (now or in the past) is a person, with or without a User
/// document.
fn add_named_people(
    users: &mut Vec<UserPlan>,
    groups: &[GroupPlan],
    people_only: Vec<(EntityRef, String)>,
) -> AppResult<()> {
    let named = groups
        .iter()
        .flat_map(|g| {
            g.members
                .keys()
                .chain(g.dated.iter().map(|m| &m.user))
                .map(|u| (u.clone(), g.at.clone()))
        })
        .chain(people_only);
    for (user, at) in named.collect::<Vec<_>>() {
        if !users.iter().any(|u| u.entity == user) {
            users.push(UserPlan::named(user, at)?);
        }
    }
    Ok(())
}
