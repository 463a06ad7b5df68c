//! `fika import backstage` and `/admin/import`: reads Backstage catalog YAML and makes the org
//! match it, in one transaction (one bad document rolls back everything). Importing the same
//! files again changes nothing; a dry run makes the same changes and rolls them back.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;

use super::{
    ANN_DESCRIPTION, ANN_DISCIPLINE, ANN_INITIATIVES, ANN_ROLES, ANN_SLUG, ANN_TITLE, Entity,
    ref_name,
};
use crate::db::{self, AnyConnection};
use crate::error::{AppError, AppResult};
use crate::org::model::{
    Email, NewPerson, ProfileFields, Username, parse_discipline, parse_display_name,
};
use crate::org::repo as people;
use crate::org::unit::{Role, Slug, Stage, UnitKind, parse_links};
use crate::org::unit_repo::{self as repo, NewMembership, UnitFields};

/// One file's text and the name errors will use.
pub struct Source {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub dry_run: bool,
    /// Extra `spec.type` → kind mappings (`--map department=tribe`); they win over the
    /// built-in ones.
    pub map: Vec<(String, UnitKind)>,
}

/// Parses `TYPE=KIND`.
pub fn parse_mapping(raw: &str) -> Result<(String, UnitKind), String> {
    let (t, k) = raw
        .split_once('=')
        .ok_or_else(|| format!("--map {raw:?}: write TYPE=KIND, e.g. department=tribe"))?;
    let kind = UnitKind::parse(k).ok_or_else(|| {
        format!("--map {raw:?}: {k:?} is not a kind (tribe, squad, chapter, guild, trio, alliance)")
    })?;
    Ok((t.trim().to_lowercase(), kind))
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub actions: Vec<String>,
    pub skipped: Vec<String>,
    pub dry_run: bool,
}

impl Report {
    pub fn summary(&self) -> String {
        let verb = if self.dry_run { "would make" } else { "made" };
        format!(
            "{} {verb} {} change{}{}",
            if self.dry_run { "dry run:" } else { "import:" },
            self.actions.len(),
            if self.actions.len() == 1 { "" } else { "s" },
            if self.skipped.is_empty() {
                String::new()
            } else {
                format!(", skipped {}", self.skipped.len())
            }
        )
    }
}

struct Doc {
    at: String,
    entity: Entity,
}

fn bad(at: &str, msg: impl std::fmt::Display) -> AppError {
    AppError::Validation(format!("{at}: {msg}"))
}

/// Every Group and User document of every source; other kinds are passed over.
fn parse(sources: &[Source]) -> AppResult<(Vec<Doc>, usize)> {
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

struct GroupPlan {
    at: String,
    name: String,
    kind: UnitKind,
    slug: String,
    display: String,
    mission: String,
    description: Option<String>,
    links: String,
    /// The tribe, by group name (or an existing tribe's slug).
    tribe: Option<String>,
    /// The tribe is not in the import: an existing fika tribe, if there is one.
    tribe_outside: bool,
    discipline: String,
    /// Alliances: their tribes, by group name.
    alliance_tribes: Vec<String>,
    /// username → roles named for them (empty: the kind's default role).
    members: BTreeMap<String, BTreeSet<Role>>,
    initiatives: Vec<(Stage, String, String)>,
}

struct UserPlan {
    at: String,
    username: String,
    display: String,
    email: Option<String>,
    discipline: Option<String>,
    title: Option<String>,
    bio: Option<String>,
    links: Option<String>,
}

impl UserPlan {
    /// Someone named only as a member: a person with just a username.
    fn named(username: String, at: String) -> UserPlan {
        UserPlan {
            at,
            display: username.clone(),
            username,
            email: None,
            discipline: None,
            title: None,
            bio: None,
            links: None,
        }
    }
}

struct Plan {
    users: Vec<UserPlan>,
    groups: Vec<GroupPlan>,
    skipped: Vec<String>,
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

fn kind_for(type_: &str, map: &[(String, UnitKind)]) -> Option<UnitKind> {
    let t = type_.trim().to_lowercase();
    if let Some((_, k)) = map.iter().find(|(m, _)| *m == t) {
        return Some(*k);
    }
    match t.as_str() {
        "team" => Some(UnitKind::Squad),
        other => UnitKind::parse(other).filter(|k| k.as_str() == other),
    }
}

/// Backstage names allow `_` and `.`; slugs use dashes.
fn slug_for(entity: &Entity, at: &str) -> AppResult<String> {
    if let Some(s) = entity.metadata.annotations.get(ANN_SLUG) {
        return Slug::parse(s)
            .map(|s| s.as_str().to_string())
            .map_err(|e| bad(at, e));
    }
    let name = entity.metadata.name.to_lowercase().replace(['_', '.'], "-");
    Slug::from_name(&name)
        .map(|s| s.as_str().to_string())
        .ok_or_else(|| {
            bad(
                at,
                format!("{:?} cannot be made into a slug", entity.metadata.name),
            )
        })
}

fn username_for(raw: &str, at: &str) -> AppResult<String> {
    Username::parse(&ref_name(raw))
        .map(|u| u.as_str().to_string())
        .map_err(|e| bad(at, format!("user {raw:?}: {e}")))
}

/// `alice=product owner; bob=chapter lead`
fn roles_annotation(text: &str, at: &str) -> AppResult<Vec<(String, Role)>> {
    let mut out = Vec::new();
    for part in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (user, role) = part
            .split_once('=')
            .ok_or_else(|| bad(at, format!("{ANN_ROLES}: {part:?} is not user=role")))?;
        let role = Role::parse(role)
            .ok_or_else(|| bad(at, format!("{ANN_ROLES}: {role:?} is not a role")))?;
        out.push((username_for(user, at)?, role));
    }
    Ok(out)
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

fn plan(docs: &[Doc], opts: &Options) -> AppResult<Plan> {
    let mut users = Vec::new();
    let mut groups: Vec<GroupPlan> = Vec::new();
    let mut skipped = Vec::new();
    let mut member_of: Vec<(String, String, String)> = Vec::new(); // (group, user, at)
    let mut seen_groups: HashMap<String, String> = HashMap::new();
    for d in docs {
        let e = &d.entity;
        if e.kind == "User" {
            let profile = e.spec.profile.clone().unwrap_or_default();
            let username = username_for(&e.metadata.name, &d.at)?;
            let display = profile
                .display_name
                .or_else(|| e.metadata.title.clone())
                .unwrap_or_else(|| username.clone());
            let display = parse_display_name(&display).map_err(|m| bad(&d.at, m))?;
            let email = match profile.email {
                Some(m) => Some(
                    Email::parse(&m)
                        .map_err(|m| bad(&d.at, m))?
                        .as_str()
                        .to_string(),
                ),
                None => None,
            };
            if users.iter().any(|u: &UserPlan| u.username == username) {
                return Err(bad(&d.at, format!("user {username:?} is defined twice")));
            }
            for g in &e.spec.member_of {
                member_of.push((ref_name(g), username.clone(), d.at.clone()));
            }
            let ann = |key: &str| {
                e.metadata
                    .annotations
                    .get(key)
                    .map(|v| v.trim().to_string())
            };
            let discipline = match ann(ANN_DISCIPLINE) {
                Some(v) => Some(parse_discipline(&v).map_err(|m| bad(&d.at, m))?),
                None => None,
            };
            let title = ann(ANN_TITLE).map(|t| t.chars().take(100).collect());
            let links = entity_links(e);
            parse_links(&links).map_err(|m| bad(&d.at, m))?;
            users.push(UserPlan {
                at: d.at.clone(),
                username,
                display,
                email,
                discipline,
                title,
                bio: ann(super::ANN_BIO),
                links: (!links.is_empty()).then_some(links),
            });
            continue;
        }
        let name = e.metadata.name.clone();
        if let Some(first) = seen_groups.insert(name.clone(), d.at.clone()) {
            return Err(bad(
                &d.at,
                format!("group {name:?} is defined twice (also in {first})"),
            ));
        }
        let type_ = e.spec.type_.clone().unwrap_or_default();
        let Some(kind) = kind_for(&type_, &opts.map) else {
            skipped.push(format!(
                "group {name} ({}): type {type_:?} is not mapped; use --map {}=KIND",
                d.at,
                if type_.is_empty() { "TYPE" } else { &type_ }
            ));
            // Its members are still imported as people.
            for m in &e.spec.members {
                member_of.push((String::new(), username_for(m, &d.at)?, d.at.clone()));
            }
            continue;
        };
        let profile = e.spec.profile.clone().unwrap_or_default();
        let display = profile
            .display_name
            .or_else(|| e.metadata.title.clone())
            .unwrap_or_else(|| name.clone());
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
        let mut members: BTreeMap<String, BTreeSet<Role>> = BTreeMap::new();
        for m in &e.spec.members {
            members.entry(username_for(m, &d.at)?).or_default();
        }
        if let Some(text) = e.metadata.annotations.get(ANN_ROLES) {
            for (user, role) in roles_annotation(text, &d.at)? {
                members.entry(user).or_default().insert(role);
            }
        }
        let initiatives = match e.metadata.annotations.get(ANN_INITIATIVES) {
            Some(text) => initiatives_annotation(text, &d.at)?,
            None => vec![],
        };
        groups.push(GroupPlan {
            at: d.at.clone(),
            slug: slug_for(e, &d.at)?,
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
            initiatives,
            name,
        });
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
                    other.name, g.name, g.kind, g.slug
                ),
            ));
        }
    }
    // Tribes from both directions: a squad's parent, and a tribe's children.
    let kind_of: HashMap<String, UnitKind> =
        groups.iter().map(|g| (g.name.clone(), g.kind)).collect();
    let children: Vec<(String, Vec<String>, String)> = docs
        .iter()
        .filter(|d| d.entity.kind == "Group")
        .map(|d| {
            (
                d.entity.metadata.name.clone(),
                d.entity.spec.children.iter().map(|c| ref_name(c)).collect(),
                d.at.clone(),
            )
        })
        .collect();
    let parent_of: HashMap<String, String> = docs
        .iter()
        .filter(|d| d.entity.kind == "Group")
        .filter_map(|d| {
            d.entity
                .spec
                .parent
                .as_ref()
                .map(|p| (d.entity.metadata.name.clone(), ref_name(p)))
        })
        .collect();
    for g in &mut groups {
        if !matches!(g.kind, UnitKind::Squad | UnitKind::Chapter | UnitKind::Trio) {
            continue;
        }
        // A parent that is a group of the import counts only if it is a tribe (a department,
        // mapped or skipped, is not); a parent outside the import may be an existing tribe.
        let from_parent = parent_of
            .get(&g.name)
            .filter(|p| match kind_of.get(*p) {
                Some(k) => *k == UnitKind::Tribe,
                None => !seen_groups.contains_key(*p),
            })
            .cloned();
        g.tribe_outside = from_parent
            .as_ref()
            .is_some_and(|p| !kind_of.contains_key(p));
        let from_children = children
            .iter()
            .find(|(t, c, _)| kind_of.get(t) == Some(&UnitKind::Tribe) && c.contains(&g.name));
        g.tribe = match (from_parent, from_children) {
            (Some(p), Some((t, _, at))) if p != *t => {
                return Err(bad(
                    &g.at,
                    format!(
                        "{} names {p} as its parent, but {t} ({at}) lists it as a child",
                        g.name
                    ),
                ));
            }
            (Some(p), _) => Some(p),
            (None, Some((t, _, _))) => {
                g.tribe_outside = false;
                Some(t.clone())
            }
            (None, None) => None,
        };
    }
    for g in &mut groups {
        if g.kind == UnitKind::Alliance {
            g.alliance_tribes = children
                .iter()
                .find(|(n, _, _)| *n == g.name)
                .map(|(_, c, _)| c.clone())
                .unwrap_or_default();
        }
    }
    for (group, user, at) in member_of {
        match groups.iter_mut().find(|g| g.name == group) {
            Some(g) => {
                g.members.entry(user).or_default();
            }
            None if group.is_empty() => {
                if !users.iter().any(|u| u.username == user) {
                    users.push(UserPlan::named(user, at));
                }
            }
            None => skipped.push(format!(
                "membership of {user} in {group} ({at}): no such group in the import"
            )),
        }
    }
    // Everyone named as a member is a person, with or without a User document.
    for g in &groups {
        for user in g.members.keys() {
            if !users.iter().any(|u| u.username == *user) {
                users.push(UserPlan::named(user.clone(), g.at.clone()));
            }
        }
    }
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

/// Reads, checks and applies `sources` in one transaction.
pub fn import(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    sources: &[Source],
    opts: &Options,
) -> AppResult<Report> {
    let (docs, others) = parse(sources)?;
    let plan = plan(&docs, opts)?;
    let mut report = if opts.dry_run {
        db::dry_run(conn, |c| apply(c, actor, &plan))?
    } else {
        db::write_transaction(conn, |c| apply(c, actor, &plan))?
    };
    report.dry_run = opts.dry_run;
    report.skipped.extend(plan.skipped);
    if others > 0 {
        report.skipped.push(format!(
            "{others} entities of other kinds (Component, API, …)"
        ));
    }
    Ok(report)
}

/// Prefixes an error with where it came from.
fn at(at: &str) -> impl Fn(AppError) -> AppError + '_ {
    move |e| match e {
        AppError::Validation(m) | AppError::Conflict(m) => {
            AppError::Validation(format!("{at}: {m}"))
        }
        AppError::NotFound => {
            AppError::Validation(format!("{at}: something it names does not exist"))
        }
        other => other,
    }
}

fn apply(c: &mut AnyConnection, actor: Option<i64>, plan: &Plan) -> AppResult<Report> {
    let mut report = Report::default();
    for u in &plan.users {
        let err = at(&u.at);
        match people::profile(c, &u.username) {
            Ok(p) => {
                let fields = ProfileFields {
                    discipline: u.discipline.clone().unwrap_or_else(|| p.discipline.clone()),
                    title: u.title.clone().unwrap_or_else(|| p.title.clone()),
                    bio: u.bio.clone().unwrap_or_else(|| p.bio.clone()),
                    links: u.links.clone().unwrap_or_else(|| p.links.clone()),
                };
                // Someone only named as a member keeps the name fika has.
                let display = if u.display == u.username {
                    p.display_name.clone()
                } else {
                    u.display.clone()
                };
                let email = u.email.clone().or(p.email.clone());
                if p.display_name != display
                    || p.email != email
                    || p.discipline != fields.discipline
                    || p.title != fields.title
                    || p.bio != fields.bio
                    || p.links != fields.links
                {
                    people::update_profile(c, actor, p.id, &display, email.as_deref(), &fields)
                        .map_err(&err)?;
                    report.actions.push(format!("update person {}", u.username));
                }
            }
            Err(AppError::NotFound) => {
                let username =
                    Username::parse(&u.username).map_err(|m| err(AppError::Validation(m)))?;
                let email = match &u.email {
                    Some(e) => Some(Email::parse(e).map_err(|m| err(AppError::Validation(m)))?),
                    None => None,
                };
                people::create(
                    c,
                    actor,
                    &NewPerson {
                        username,
                        display_name: u.display.clone(),
                        email,
                        is_admin: false,
                        password_hash: None,
                        profile: ProfileFields {
                            discipline: u.discipline.clone().unwrap_or_default(),
                            title: u.title.clone().unwrap_or_default(),
                            bio: u.bio.clone().unwrap_or_default(),
                            links: u.links.clone().unwrap_or_default(),
                        },
                    },
                )
                .map_err(&err)?;
                report.actions.push(format!("create person {}", u.username));
            }
            Err(e) => return Err(e),
        }
    }
    let slug_of: HashMap<&str, &str> = plan
        .groups
        .iter()
        .map(|g| (g.name.as_str(), g.slug.as_str()))
        .collect();
    let tribe_id = |c: &mut AnyConnection, name: &str| -> AppResult<i64> {
        let slug = slug_of.get(name).copied().unwrap_or(name);
        Ok(repo::unit(c, UnitKind::Tribe, slug)?.id)
    };
    let today = repo::today();
    let alliance_links = repo::alliance_links(c)?;
    for g in &plan.groups {
        let err = at(&g.at);
        // A unit renamed in fika since the last import is still the same unit, and keeps
        // its new slug.
        let existing = repo::unit_or_renamed(c, g.kind, &g.slug)?;
        let tribe = match &g.tribe {
            Some(t) => match tribe_id(c, t) {
                Ok(id) => Some(id),
                // A squad's parent outside the import that is no fika tribe: no tribe.
                Err(_) if g.tribe_outside && g.kind == UnitKind::Squad => {
                    report.skipped.push(format!(
                        "parent {t} of {} ({}): not a tribe in fika or in the import",
                        g.name, g.at
                    ));
                    None
                }
                Err(_) => {
                    return Err(AppError::Validation(format!(
                        "{}: its tribe {t:?} does not exist",
                        g.at
                    )));
                }
            },
            None => None,
        };
        let mut alliance_tribes = Vec::new();
        for t in &g.alliance_tribes {
            alliance_tribes.push(tribe_id(c, t).map_err(|_| {
                AppError::Validation(format!("{}: its tribe {t:?} does not exist", g.at))
            })?);
        }
        let mut fields = UnitFields {
            slug: g.slug.clone(),
            name: g.display.clone(),
            mission: g.mission.clone(),
            description: g.description.clone().unwrap_or_default(),
            links: g.links.clone(),
            tribe_id: tribe,
            discipline: g.discipline.clone(),
            alliance_tribes,
        };
        let unit = match existing {
            None => {
                let u = repo::create_unit(c, actor, g.kind, &fields).map_err(&err)?;
                report.actions.push(format!("create {} {}", g.kind, g.slug));
                u
            }
            Some(u) => {
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
                if changed {
                    let u2 = repo::update_unit(c, actor, u.id, &fields).map_err(&err)?;
                    report.actions.push(format!("update {} {}", g.kind, g.slug));
                    u2
                } else {
                    u
                }
            }
        };
        // Memberships: people no longer listed end today; listed people get their roles.
        let current: Vec<_> = repo::memberships_of_unit(c, unit.id)?
            .into_iter()
            .filter(|(m, _)| m.is_current(today) && m.end_date.is_none())
            .collect();
        for (m, p) in &current {
            if !g.members.contains_key(&p.username) {
                repo::end_membership(c, actor, m.id, today).map_err(&err)?;
                report
                    .actions
                    .push(format!("end {} in {} {}", p.username, g.kind, g.slug));
            }
        }
        for (username, roles) in &g.members {
            let person = people::by_username(c, username).map_err(|_| {
                AppError::Validation(format!("{}: member {username:?} is not a person", g.at))
            })?;
            let has: BTreeSet<Role> = current
                .iter()
                .filter(|(_, p)| p.username == *username)
                .map(|(m, _)| m.role())
                .collect();
            // Roles the file names replace the ones it named before: a role it no longer gives
            // ends. A person listed without roles keeps whatever roles fika gave them.
            if !roles.is_empty() {
                for (m, p) in current.iter().filter(|(_, p)| p.username == *username) {
                    if !roles.contains(&m.role()) {
                        repo::end_membership(c, actor, m.id, today).map_err(&err)?;
                        report.actions.push(format!(
                            "end {} as {} in {} {}",
                            p.username,
                            m.role(),
                            g.kind,
                            g.slug
                        ));
                    }
                }
            }
            let wanted: Vec<Role> = if roles.is_empty() {
                if has.is_empty() {
                    vec![g.kind.roles()[0]]
                } else {
                    vec![]
                }
            } else {
                roles.iter().copied().filter(|r| !has.contains(r)).collect()
            };
            for role in wanted {
                repo::add_membership(
                    c,
                    actor,
                    &NewMembership {
                        person_id: person.id,
                        unit_id: unit.id,
                        role,
                        start_date: today,
                    },
                )
                .map_err(&err)?;
                report
                    .actions
                    .push(format!("add {username} to {} {} as {role}", g.kind, g.slug));
            }
        }
        if g.kind == UnitKind::Alliance {
            let existing = repo::initiatives_of(c, unit.id)?;
            for (stage, name, description) in &g.initiatives {
                match existing.iter().find(|i| i.name == *name) {
                    Some(i) if i.stage() != *stage => {
                        repo::set_initiative_stage(c, actor, &unit, i.id, *stage).map_err(&err)?;
                        report.actions.push(format!(
                            "set initiative {name:?} of {} to {}",
                            g.slug,
                            stage.label()
                        ));
                    }
                    Some(_) => {}
                    None => {
                        repo::add_initiative(c, actor, &unit, name, *stage, description)
                            .map_err(&err)?;
                        report
                            .actions
                            .push(format!("add initiative {name:?} to {}", g.slug));
                    }
                }
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Vec<Source> {
        vec![Source {
            name: "org.yaml".into(),
            text: text.into(),
        }]
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
        let tribe = |n: &str| p.groups.iter().find(|g| g.name == n).unwrap().tribe.clone();
        assert_eq!(tribe("pay").as_deref(), Some("core"));
        assert_eq!(tribe("web").as_deref(), Some("core"));
        assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
        assert!(p.skipped[0].contains("--map department=KIND"));
        assert!(
            p.users.iter().any(|u| u.username == "zed"),
            "members of skipped groups are people"
        );
        let mapped = plan(
            &docs,
            &Options {
                map: vec![parse_mapping("department=guild").unwrap()],
                ..Default::default()
            },
        )
        .unwrap();
        assert!(mapped.skipped.is_empty());
        let conflict = yaml
            .replace(
                "spec: {type: squad, parent: core}",
                "spec: {type: squad, parent: other}",
            )
            .replace(
                "children: [group:default/pay]",
                "children: [group:default/pay, web]",
            );
        let (docs, _) = parse(&src(&conflict)).unwrap();
        let err = plan(&docs, &Options::default()).err().unwrap();
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
}
