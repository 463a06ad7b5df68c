//! Reading Backstage catalog YAML into a plan of what the org should be, without touching
//! the database: entities told apart as Backstage does (kind, namespace and name; a ref
//! without a namespace is in the referencing entity's namespace), usernames and slugs that
//! cannot collide across namespaces, and each group placed in fika's hierarchy. What does not
//! fit is reported group by group, never dropped in silence: a group whose type maps to no
//! kind is skipped with a `--map` hint, and a squad, chapter or trio below a deeper hierarchy
//! (organization → department → sub-department → team) goes into its nearest tribe ancestor.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Deserialize;

use super::import::{Options, Source};
use super::{
    ANN_DESCRIPTION, ANN_DISCIPLINE, ANN_INITIATIVES, ANN_KIND, ANN_MEMBERSHIPS, ANN_ROLES,
    ANN_SLUG, ANN_TITLE, ANN_USERNAME, DEFAULT_NAMESPACE, DatedMembership, Entity, EntityRef,
};
use crate::error::{AppError, AppResult};
use crate::org::unit::{Role, Slug, Stage, UnitKind, parse_links};
use crate::people::model::{Email, MAX_USERNAME, Username, parse_discipline, parse_display_name};

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

pub struct GroupPlan {
    pub at: String,
    pub entity: EntityRef,
    pub kind: UnitKind,
    /// `spec.type` when it is not the kind's name, kept so the export gives it back.
    pub backstage_type: String,
    /// The entity ref to keep: empty when the export names the unit so anyway.
    pub backstage_ref: String,
    pub slug: String,
    pub display: String,
    pub mission: String,
    pub description: Option<String>,
    pub links: String,
    /// The tribe: a group of the import, or one outside it (an existing fika tribe, if any).
    pub tribe: Option<EntityRef>,
    /// The tribe is not in the import: an existing fika tribe, if there is one.
    pub tribe_outside: bool,
    pub discipline: String,
    /// Alliances: their tribes.
    pub alliance_tribes: Vec<EntityRef>,
    /// Members → roles named for them (empty: the kind's default role).
    pub members: BTreeMap<EntityRef, BTreeSet<Role>>,
    /// `fika.dev/memberships`: dates of current memberships, and past ones to bring back.
    pub dated: Vec<DatedMembership>,
    pub initiatives: Vec<(Stage, String, String)>,
}

pub struct UserPlan {
    pub at: String,
    pub entity: EntityRef,
    /// The username a new person gets, if no one else has it (then they get `-2`, `-3`…).
    pub username: String,
    /// None: the entity gives no name; a new person is named by their username, an existing
    /// one keeps the name fika has.
    pub display: Option<String>,
    pub email: Option<String>,
    pub discipline: Option<String>,
    pub title: Option<String>,
    pub bio: Option<String>,
    pub links: Option<String>,
}

impl UserPlan {
    /// Someone named only as a member: a person with just a username.
    fn named(entity: EntityRef, at: String) -> AppResult<UserPlan> {
        Ok(UserPlan {
            username: wanted_username(&entity, None, &at)?,
            entity,
            at,
            display: None,
            email: None,
            discipline: None,
            title: None,
            bio: None,
            links: None,
        })
    }

    /// The user is who their name says in the default namespace: a person with that
    /// username and no stored ref is them.
    pub fn is_natural(&self) -> bool {
        self.entity.namespace == DEFAULT_NAMESPACE && self.entity.name == self.username
    }
}

/// What the hierarchy needs of every Group document, mapped to a kind or not.
struct GroupDoc {
    at: String,
    type_: String,
    kind: Option<UnitKind>,
    parent: Option<EntityRef>,
    children: Vec<EntityRef>,
}

/// The groups of the import and their links, for walking up the hierarchy.
struct Hierarchy {
    groups: HashMap<EntityRef, GroupDoc>,
    /// child → the groups listing it in `spec.children`, in document order.
    listed_by: HashMap<EntityRef, Vec<EntityRef>>,
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

pub struct Plan {
    pub users: Vec<UserPlan>,
    pub groups: Vec<GroupPlan>,
    pub skipped: Vec<String>,
}

/// `metadata.links` as fika writes links: one `Title URL` a line.
fn entity_links(e: &Entity) -> String {
    e.metadata
        .links
        .iter()
        .map(|l| match &l.title {
            Some(t) => format!("{t} {}", l.url),
            None => l.url.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The kind of a group: `--map` first, then fika's own `fika.dev/kind` (from an export), then
/// the types named like a kind (and `team`). None: the type maps to no kind.
fn kind_for(
    type_: &str,
    annotation: Option<&str>,
    map: &[(String, UnitKind)],
    at: &str,
) -> AppResult<Option<UnitKind>> {
    let t = type_.trim().to_lowercase();
    if let Some((_, k)) = map.iter().find(|(m, _)| *m == t) {
        return Ok(Some(*k));
    }
    if let Some(a) = annotation {
        return UnitKind::parse(a)
            .map(Some)
            .ok_or_else(|| bad(at, format!("{ANN_KIND}: {a:?} is not a kind")));
    }
    Ok(match t.as_str() {
        "team" => Some(UnitKind::Squad),
        other => UnitKind::parse(other).filter(|k| k.as_str() == other),
    })
}

/// `text` cut to at most `max` characters, without a separator at the end.
pub fn fit(text: &str, max: usize) -> String {
    let cut: String = text.chars().take(max).collect();
    cut.trim_end_matches(['-', '.', '_']).to_string()
}

/// The slug a group gets from its ref: its name (Backstage names allow `_` and `.`, slugs
/// use dashes), prefixed with its namespace outside `default`, so `group:development/team-a`
/// is never the default namespace's `team-a`.
pub fn derived_slug(r: &EntityRef) -> Option<String> {
    let name = if r.namespace == DEFAULT_NAMESPACE {
        r.name.clone()
    } else {
        format!("{}-{}", r.namespace, r.name)
    };
    Slug::from_name(&name.replace(['_', '.'], "-")).map(|s| s.as_str().to_string())
}

fn slug_for(entity: &Entity, r: &EntityRef, at: &str) -> AppResult<String> {
    if let Some(s) = entity.metadata.annotations.get(ANN_SLUG) {
        return Slug::parse(s)
            .map(|s| s.as_str().to_string())
            .map_err(|e| bad(at, e));
    }
    derived_slug(r).ok_or_else(|| {
        bad(
            at,
            format!("{:?} cannot be made into a slug", entity.metadata.name),
        )
    })
}

/// The username a user entity asks for: its `fika.dev/username`, else its name, prefixed
/// with its namespace outside `default` (as slugs are), cut to a username's length. A name
/// that is not a username as it stands gets its ref stored (see [`UserPlan::is_natural`]).
fn wanted_username(r: &EntityRef, annotation: Option<&str>, at: &str) -> AppResult<String> {
    let base = match annotation {
        Some(u) => u.trim().to_lowercase(),
        None if r.namespace == DEFAULT_NAMESPACE => r.name.clone(),
        None => format!("{}-{}", r.namespace, r.name),
    };
    Username::parse(&fit(&base, MAX_USERNAME))
        .map(|u| u.as_str().to_string())
        .map_err(|e| bad(at, format!("user {:?}: {e}", shown(r))))
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

/// The entries of an annotation written one a line (or `; `-separated).
fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// `alice=product owner; bob=chapter lead`
fn roles_annotation(text: &str, group: &EntityRef, at: &str) -> AppResult<Vec<(EntityRef, Role)>> {
    let mut out = Vec::new();
    for part in entries(text) {
        let (user, role) = part
            .split_once('=')
            .ok_or_else(|| bad(at, format!("{ANN_ROLES}: {part:?} is not user=role")))?;
        let role = Role::parse(role)
            .ok_or_else(|| bad(at, format!("{ANN_ROLES}: {role:?} is not a role")))?;
        out.push((ref_in(user, "user", group, at)?, role));
    }
    Ok(out)
}

/// `ada=member from 2024-02-01 to 2025-06-30` lines.
fn memberships_annotation(
    text: &str,
    group: &EntityRef,
    at: &str,
) -> AppResult<Vec<DatedMembership>> {
    entries(text)
        .map(|line| {
            let m = DatedMembership::parse(line, &group.namespace)
                .map_err(|m| bad(at, format!("{ANN_MEMBERSHIPS}: {m}")))?;
            if m.user.kind != "user" {
                return Err(bad(
                    at,
                    format!("{ANN_MEMBERSHIPS}: {line:?} names a {}", m.user.kind),
                ));
            }
            Ok(m)
        })
        .collect()
}

/// `build\tName\tDescription` lines.
fn initiatives_annotation(text: &str, at: &str) -> AppResult<Vec<(Stage, String, String)>> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.splitn(3, '\t');
        let stage = parts.next().and_then(Stage::parse).ok_or_else(|| {
            bad(
                at,
                format!("{ANN_INITIATIVES}: {line:?} does not start with a stage"),
            )
        })?;
        let name = parts.next().unwrap_or("").trim().to_string();
        if name.is_empty() {
            return Err(bad(at, format!("{ANN_INITIATIVES}: {line:?} has no name")));
        }
        out.push((stage, name, parts.next().unwrap_or("").trim().to_string()));
    }
    Ok(out)
}

fn user_plan(d: &Doc, me: EntityRef) -> AppResult<UserPlan> {
    let e = &d.entity;
    let ann = |key: &str| {
        e.metadata
            .annotations
            .get(key)
            .map(|v| v.trim().to_string())
    };
    let profile = e.spec.profile.clone().unwrap_or_default();
    let username = wanted_username(&me, ann(ANN_USERNAME).as_deref(), &d.at)?;
    let display = match profile.display_name.or_else(|| e.metadata.title.clone()) {
        Some(name) => Some(parse_display_name(&name).map_err(|m| bad(&d.at, m))?),
        None => None,
    };
    let email = match profile.email {
        Some(m) => Some(
            Email::parse(&m)
                .map_err(|m| bad(&d.at, m))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let discipline = match ann(ANN_DISCIPLINE) {
        Some(v) => Some(parse_discipline(&v).map_err(|m| bad(&d.at, m))?),
        None => None,
    };
    let links = entity_links(e);
    parse_links(&links).map_err(|m| bad(&d.at, m))?;
    Ok(UserPlan {
        at: d.at.clone(),
        entity: me,
        username,
        display,
        email,
        discipline,
        title: ann(ANN_TITLE).map(|t| t.chars().take(100).collect()),
        bio: ann(super::ANN_BIO),
        links: (!links.is_empty()).then_some(links),
    })
}

fn group_plan(d: &Doc, me: EntityRef, kind: UnitKind) -> AppResult<GroupPlan> {
    let e = &d.entity;
    let profile = e.spec.profile.clone().unwrap_or_default();
    let display = profile
        .display_name
        .or_else(|| e.metadata.title.clone())
        .unwrap_or_else(|| e.metadata.name.clone());
    let display = parse_display_name(&display).map_err(|m| bad(&d.at, m))?;
    let links = entity_links(e);
    parse_links(&links).map_err(|m| bad(&d.at, m))?;
    let discipline = match kind {
        UnitKind::Chapter => {
            let raw = e
                .metadata
                .annotations
                .get(ANN_DISCIPLINE)
                .cloned()
                .unwrap_or_else(|| {
                    // No annotation: the chapter's name is the best guess at its discipline.
                    display.to_lowercase().replace("chapter", "")
                });
            parse_discipline(&raw).map_err(|m| bad(&d.at, m))?
        }
        _ => String::new(),
    };
    let mut members: BTreeMap<EntityRef, BTreeSet<Role>> = BTreeMap::new();
    for m in &e.spec.members {
        members.entry(ref_in(m, "user", &me, &d.at)?).or_default();
    }
    if let Some(text) = e.metadata.annotations.get(ANN_ROLES) {
        for (user, role) in roles_annotation(text, &me, &d.at)? {
            members.entry(user).or_default().insert(role);
        }
    }
    let dated = match e.metadata.annotations.get(ANN_MEMBERSHIPS) {
        Some(text) => memberships_annotation(text, &me, &d.at)?,
        None => vec![],
    };
    let initiatives = match e.metadata.annotations.get(ANN_INITIATIVES) {
        Some(text) => initiatives_annotation(text, &d.at)?,
        None => vec![],
    };
    let slug = slug_for(e, &me, &d.at)?;
    // The ref is kept only when the export could not name the unit so from its slug (the
    // kind suffix is how the export names two kinds that share a slug).
    let natural = [slug.clone(), format!("{slug}-{kind}")]
        .map(|n| EntityRef::new("group", DEFAULT_NAMESPACE, &n));
    let type_ = e.spec.type_.as_deref().unwrap_or("").trim();
    Ok(GroupPlan {
        at: d.at.clone(),
        backstage_type: if type_.eq_ignore_ascii_case(kind.as_str()) {
            String::new()
        } else {
            type_.to_string()
        },
        backstage_ref: if natural.contains(&me) {
            String::new()
        } else {
            me.to_string()
        },
        entity: me,
        slug,
        kind,
        display,
        mission: e
            .metadata
            .description
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string(),
        description: e.metadata.annotations.get(ANN_DESCRIPTION).cloned(),
        links,
        tribe: None,
        tribe_outside: false,
        discipline,
        alliance_tribes: vec![],
        members,
        dated,
        initiatives,
    })
}

pub fn plan(docs: &[Doc], opts: &Options) -> AppResult<Plan> {
    let mut users: Vec<UserPlan> = Vec::new();
    let mut groups: Vec<GroupPlan> = Vec::new();
    let mut skipped = Vec::new();
    let mut member_of: Vec<(EntityRef, EntityRef, String)> = Vec::new(); // (group, user, at)
    // Members of skipped groups: still people.
    let mut people_only: Vec<(EntityRef, String)> = Vec::new();
    let mut tree = Hierarchy {
        groups: HashMap::new(),
        listed_by: HashMap::new(),
    };
    for d in docs {
        let e = &d.entity;
        let me = e.entity_ref();
        if e.kind == "User" {
            if users.iter().any(|u| u.entity == me) {
                return Err(bad(
                    &d.at,
                    format!("user {:?} is defined twice", shown(&me)),
                ));
            }
            for g in e.spec.member_of.iter().flatten() {
                member_of.push((ref_in(g, "group", &me, &d.at)?, me.clone(), d.at.clone()));
            }
            users.push(user_plan(d, me)?);
            continue;
        }
        if let Some(first) = tree.groups.get(&me) {
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
            tree.listed_by
                .entry(c.clone())
                .or_default()
                .push(me.clone());
        }
        let type_ = e.spec.type_.clone().unwrap_or_default();
        let annotation = e.metadata.annotations.get(ANN_KIND).map(String::as_str);
        let kind = kind_for(&type_, annotation, &opts.map, &d.at)?;
        tree.groups.insert(
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
            skipped.push(format!(
                "group {} ({}): type {type_:?} is not mapped; use --map {}=KIND",
                shown(&me),
                d.at,
                if type_.is_empty() { "TYPE" } else { &type_ }
            ));
            for m in &e.spec.members {
                people_only.push((ref_in(m, "user", &me, &d.at)?, d.at.clone()));
            }
            continue;
        };
        groups.push(group_plan(d, me, kind)?);
    }
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
    for g in &mut groups {
        place(g, &tree, &mut skipped)?;
    }
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
    // Everyone named as a member (now or in the past) is a person, with or without a User
    // document.
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

/// Places a group in fika's hierarchy: a squad, chapter or trio in its tribe, an alliance
/// with its tribes. A group above it that fika has no place for is reported with what
/// became of the link, so a deeper hierarchy is never dropped in silence.
fn place(g: &mut GroupPlan, tree: &Hierarchy, skipped: &mut Vec<String>) -> AppResult<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::backstage::import::parse_mapping;

    fn src(text: &str) -> Vec<Source> {
        vec![Source {
            name: "org.yaml".into(),
            text: text.into(),
        }]
    }

    fn plan_of(yaml: &str, map: &[&str]) -> AppResult<Plan> {
        let (docs, _) = parse(&src(yaml))?;
        let map = map.iter().map(|m| parse_mapping(m).unwrap()).collect();
        plan(
            &docs,
            &Options {
                map,
                ..Default::default()
            },
        )
    }

    fn group<'a>(p: &'a Plan, r: &str) -> &'a GroupPlan {
        p.groups
            .iter()
            .find(|g| g.entity.to_string() == r)
            .unwrap_or_else(|| panic!("no group {r}"))
    }

    fn user<'a>(p: &'a Plan, r: &str) -> &'a UserPlan {
        p.users
            .iter()
            .find(|u| u.entity.to_string() == r)
            .unwrap_or_else(|| panic!("no user {r}"))
    }

    fn members(g: &GroupPlan) -> Vec<String> {
        g.members.keys().map(|r| r.to_string()).collect()
    }

    #[test]
    fn parse_errors_name_file_and_document() {
        let err = parse(&src("apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: a}\n---\nkind: [oops\n"))
            .err()
            .unwrap();
        assert!(
            err.to_string().starts_with("org.yaml, document 2:"),
            "{err}"
        );
        let err = parse(&src("apiVersion: v1\nkind: Group\nmetadata: {name: a}\n"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("document 1: apiVersion"), "{err}");
    }

    #[test]
    fn both_tribe_directions_are_reconciled() {
        let yaml = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: core}
spec: {type: tribe, children: [group:default/pay]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: pay}
spec: {type: team}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: web}
spec: {type: squad, parent: core}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: dept}
spec: {type: department, members: [zed]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: svc}
";
        let (docs, others) = parse(&src(yaml)).unwrap();
        assert_eq!(others, 1);
        let p = plan(&docs, &Options::default()).unwrap();
        let tribe = |n: &str| {
            group(&p, &format!("group:default/{n}"))
                .tribe
                .as_ref()
                .map(|t| t.to_string())
        };
        assert_eq!(tribe("pay").as_deref(), Some("group:default/core"));
        assert_eq!(tribe("web").as_deref(), Some("group:default/core"));
        assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
        assert!(p.skipped[0].contains("--map department=KIND"));
        assert!(
            p.users.iter().any(|u| u.username == "zed"),
            "members of skipped groups are people"
        );
        let mapped = plan_of(yaml, &["department=guild"]).unwrap();
        assert!(mapped.skipped.is_empty(), "{:?}", mapped.skipped);
        let conflict = yaml
            .replace(
                "spec: {type: squad, parent: core}",
                "spec: {type: squad, parent: other}",
            )
            .replace(
                "children: [group:default/pay]",
                "children: [group:default/pay, web]",
            );
        let err = plan_of(&conflict, &[]).err().unwrap();
        assert!(err.to_string().contains("lists it as a child"), "{err}");
    }

    #[test]
    fn mappings() {
        assert_eq!(
            parse_mapping("Department=tribe").unwrap(),
            ("department".into(), UnitKind::Tribe)
        );
        assert!(parse_mapping("department").is_err());
        assert!(parse_mapping("department=team").is_err());
    }

    /// Shaped like Backstage's example org: a `guest` in `default` and one in `development`,
    /// and a group of the same name in both namespaces.
    const NAMESPACES: &str = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a, namespace: development}
spec: {type: team, children: [], members: [bob, user:default/ann]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest}
spec: {memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest, namespace: development}
spec: {memberOf: [group:default/team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: carl, namespace: development}
spec: {memberOf: [team-a, team-b]}
";

    #[test]
    fn entities_in_other_namespaces_are_other_entities() {
        let p = plan_of(NAMESPACES, &[]).expect("two guests are not one defined twice");
        let guest = user(&p, "user:default/guest");
        assert_eq!(guest.username, "guest");
        assert!(guest.is_natural());
        let dev_guest = user(&p, "user:development/guest");
        assert_eq!(dev_guest.username, "development-guest");
        assert!(!dev_guest.is_natural(), "its ref is stored");
        let a = group(&p, "group:default/team-a");
        let dev_a = group(&p, "group:development/team-a");
        assert_eq!((a.slug.as_str(), a.backstage_ref.as_str()), ("team-a", ""));
        assert_eq!(dev_a.slug, "development-team-a", "no clash with team-a");
        assert_eq!(dev_a.backstage_ref, "group:development/team-a");
        assert_eq!(a.backstage_type, "team", "kept for the export");
        // Names compare without case, as in Backstage: `Guest` is `guest`.
        let dup = format!(
            "{NAMESPACES}---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {{name: Guest, namespace: development}}\n"
        );
        let err = plan_of(&dup, &[]).err().expect("the same entity twice");
        assert!(
            err.to_string()
                .contains("\"development/guest\" is defined twice"),
            "{err}"
        );
    }

    #[test]
    fn refs_without_a_namespace_are_in_the_referencing_entitys_namespace() {
        let p = plan_of(NAMESPACES, &[]).unwrap();
        assert_eq!(
            members(group(&p, "group:default/team-a")),
            ["user:default/guest", "user:development/guest"],
            "guest's short memberOf stays in default; development/guest names default"
        );
        assert_eq!(
            members(group(&p, "group:development/team-a")),
            [
                "user:default/ann",
                "user:development/bob",
                "user:development/carl"
            ],
            "short members are in the group's namespace, carl's short memberOf in his"
        );
        assert_eq!(user(&p, "user:development/bob").username, "development-bob");
        assert_eq!(user(&p, "user:default/ann").username, "ann");
        assert!(
            p.skipped.iter().any(|s| s.starts_with(
                "membership of development/carl in development/team-b (org.yaml, document 5): no such group"
            )),
            "team-b is looked for in carl's namespace: {:?}",
            p.skipped
        );
        // Fields and annotations resolve the same way.
        let yaml = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: core
  namespace: ops
  annotations:
    fika.dev/roles: ada=tribe lead
    fika.dev/memberships: |-
      ada=tribe lead from 2024-02-01
      default/bea=member from 2024-02-01 to 2025-06-30
spec: {type: tribe, children: [web]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: web, namespace: ops}
spec: {type: squad, children: []}
";
        let p = plan_of(yaml, &[]).unwrap();
        let core = group(&p, "group:ops/core");
        assert_eq!(members(core), ["user:ops/ada"]);
        let dated: Vec<String> = core.dated.iter().map(|d| d.user.to_string()).collect();
        assert_eq!(dated, ["user:ops/ada", "user:default/bea"]);
        assert_eq!(
            group(&p, "group:ops/web")
                .tribe
                .as_ref()
                .map(|t| t.to_string())
                .as_deref(),
            Some("group:ops/core")
        );
        assert_eq!(
            user(&p, "user:default/bea").username,
            "bea",
            "past members are people"
        );
        assert_eq!(user(&p, "user:ops/ada").username, "ops-ada");
    }

    #[test]
    fn usernames_fit_and_annotations_win() {
        let at = "here";
        let long = EntityRef::new("user", "a-very-long-namespace-name", "firstname.lastname");
        let u = wanted_username(&long, None, at).unwrap();
        assert_eq!(u, "a-very-long-namespace-name-first");
        assert_eq!(u.len(), MAX_USERNAME);
        let cut = EntityRef::new("user", "default", "abcdefghijklmnopqrstuvwxyz01234.x");
        assert_eq!(
            wanted_username(&cut, None, at).unwrap(),
            "abcdefghijklmnopqrstuvwxyz01234",
            "no separator left at the end"
        );
        let guest = EntityRef::new("user", "development", "guest");
        assert_eq!(
            wanted_username(&guest, Some("dev-guest"), at).unwrap(),
            "dev-guest"
        );
        assert!(wanted_username(&EntityRef::new("user", "default", "x"), None, at).is_err());
    }

    /// Backstage's example hierarchy: organization → department → sub-department → team.
    const DEEP: &str = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: acme-corp}
spec: {type: organization, children: [infrastructure]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: infrastructure}
spec: {type: department, parent: acme-corp, children: [backstage]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: backstage}
spec: {type: sub-department, parent: infrastructure, children: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-e}
spec: {type: team, parent: backstage, children: []}
";

    #[test]
    fn a_deeper_hierarchy_is_reported_group_by_group() {
        let p = plan_of(DEEP, &["department=tribe"]).unwrap();
        for team in ["team-a", "team-e"] {
            let g = group(&p, &format!("group:default/{team}"));
            assert_eq!(
                g.tribe.as_ref().map(|t| t.to_string()).as_deref(),
                Some("group:default/infrastructure"),
                "{team}: from its parent or from the children that list it"
            );
            assert!(!g.tribe_outside);
        }
        let has = |p: &Plan, line: &str| {
            assert!(
                p.skipped.iter().any(|s| s == line),
                "{line}\nnot in {:#?}",
                p.skipped
            )
        };
        has(
            &p,
            "parent backstage of team-a (org.yaml, document 4): a skipped \"sub-department\" group, not a tribe; placed in tribe infrastructure, its nearest tribe ancestor",
        );
        has(
            &p,
            "parent backstage of team-e (org.yaml, document 5): a skipped \"sub-department\" group, not a tribe; placed in tribe infrastructure, its nearest tribe ancestor",
        );
        has(
            &p,
            "group acme-corp (org.yaml, document 1): type \"organization\" is not mapped; use --map organization=KIND",
        );
        has(
            &p,
            "group backstage (org.yaml, document 3): type \"sub-department\" is not mapped; use --map sub-department=KIND",
        );
        has(
            &p,
            "parent acme-corp of infrastructure (org.yaml, document 2): a skipped \"organization\" group; a tribe belongs to no other group in fika, so the link is not kept",
        );
        assert_eq!(p.skipped.len(), 5, "{:#?}", p.skipped);
        assert_eq!(
            group(&p, "group:default/infrastructure").backstage_type,
            "department"
        );

        // A mapped group that is no tribe is passed the same way.
        let p = plan_of(DEEP, &["department=tribe", "sub-department=guild"]).unwrap();
        has(
            &p,
            "parent backstage of team-a (org.yaml, document 4): a guild, not a tribe; placed in tribe infrastructure, its nearest tribe ancestor",
        );
        // Nothing above is a tribe: the squad stands alone, and the report says so.
        let p = plan_of(DEEP, &[]).unwrap();
        assert!(group(&p, "group:default/team-a").tribe.is_none());
        has(
            &p,
            "parent backstage of team-a (org.yaml, document 4): a skipped \"sub-department\" group, not a tribe, and no group above it is a tribe; team-a belongs to no tribe",
        );
        // A cycle ends the walk.
        let cyclic = DEEP.replace("parent: acme-corp", "parent: backstage");
        let p = plan_of(&cyclic, &[]).unwrap();
        assert!(group(&p, "group:default/team-a").tribe.is_none());
    }

    #[test]
    fn fikas_kind_comes_back_without_a_map() {
        let yaml = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: infrastructure
  annotations: {fika.dev/kind: tribe}
spec: {type: department, children: []}
";
        let p = plan_of(yaml, &[]).unwrap();
        let g = group(&p, "group:default/infrastructure");
        assert_eq!(
            (g.kind, g.backstage_type.as_str()),
            (UnitKind::Tribe, "department")
        );
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let p = plan_of(yaml, &["department=guild"]).unwrap();
        assert_eq!(
            group(&p, "group:default/infrastructure").kind,
            UnitKind::Guild,
            "--map wins"
        );
        let err = plan_of(&yaml.replace("kind: tribe", "kind: boss"), &[])
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("fika.dev/kind: \"boss\" is not a kind"),
            "{err}"
        );
        // A type that is the kind's name is not kept: the export writes it anyway.
        let p = plan_of(&yaml.replace("type: department", "type: Tribe"), &[]).unwrap();
        assert_eq!(group(&p, "group:default/infrastructure").backstage_type, "");
    }
}
