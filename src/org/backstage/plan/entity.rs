//! What one User or Group document asks for: the person or unit it becomes, read from its
//! fields and annotations, before the hierarchy and the other documents are looked at.

use std::collections::{BTreeMap, BTreeSet};

use super::super::{
    ANN_BIO, ANN_DESCRIPTION, ANN_DISCIPLINE, ANN_INITIATIVES, ANN_KIND, ANN_MEMBERSHIPS,
    ANN_ROLES, ANN_TITLE, ANN_USERNAME, DEFAULT_NAMESPACE, DatedMembership, Entity, EntityRef,
};
use super::annotations::{initiatives_annotation, memberships_annotation, roles_annotation};
use super::names::{slug_for, wanted_username};
use super::{Doc, bad, ref_in};
use crate::error::AppResult;
use crate::org::unit::{Role, Stage, UnitKind, parse_links};
use crate::people::model::{Email, parse_discipline, parse_display_name};

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
    pub(super) fn named(entity: EntityRef, at: String) -> AppResult<UserPlan> {
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
pub(super) fn kind_for(
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

pub(super) fn user_plan(d: &Doc, me: EntityRef) -> AppResult<UserPlan> {
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
        bio: ann(ANN_BIO),
        links: (!links.is_empty()).then_some(links),
    })
}

pub(super) fn group_plan(d: &Doc, me: EntityRef, kind: UnitKind) -> AppResult<GroupPlan> {
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
        UnitKind::Chapter => chapter_discipline(e, &display, &d.at)?,
        _ => String::new(),
    };
    let members = group_members(e, &me, &d.at)?;
    let dated = match e.metadata.annotations.get(ANN_MEMBERSHIPS) {
        Some(text) => memberships_annotation(text, &me, &d.at)?,
        None => vec![],
    };
    let initiatives = match e.metadata.annotations.get(ANN_INITIATIVES) {
        Some(text) => initiatives_annotation(text, &d.at)?,
        None => vec![],
    };
    let slug = slug_for(e, &me, &d.at)?;
    let (backstage_type, backstage_ref) = backstage_identity(e, &me, kind, &slug);
    Ok(GroupPlan {
        at: d.at.clone(),
        backstage_type,
        backstage_ref,
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

/// A chapter's discipline: its `fika.dev/discipline`, else guessed from its name.
fn chapter_discipline(e: &Entity, display: &str, at: &str) -> AppResult<String> {
    let raw = e
        .metadata
        .annotations
        .get(ANN_DISCIPLINE)
        .cloned()
        .unwrap_or_else(|| {
            // No annotation: the chapter's name is the best guess at its discipline.
            display.to_lowercase().replace("chapter", "")
        });
    parse_discipline(&raw).map_err(|m| bad(at, m))
}

/// The members `spec.members` and `fika.dev/roles` name, with the roles the annotation
/// gives them.
fn group_members(
    e: &Entity,
    me: &EntityRef,
    at: &str,
) -> AppResult<BTreeMap<EntityRef, BTreeSet<Role>>> {
    let mut members: BTreeMap<EntityRef, BTreeSet<Role>> = BTreeMap::new();
    for m in &e.spec.members {
        members.entry(ref_in(m, "user", me, at)?).or_default();
    }
    if let Some(text) = e.metadata.annotations.get(ANN_ROLES) {
        for (user, role) in roles_annotation(text, me, at)? {
            members.entry(user).or_default().insert(role);
        }
    }
    Ok(members)
}

/// The `spec.type` and entity ref a unit keeps for the export: (type, ref), each empty when
/// the export would give it back anyway.
fn backstage_identity(e: &Entity, me: &EntityRef, kind: UnitKind, slug: &str) -> (String, String) {
    // The ref is kept only when the export could not name the unit so from its slug (the
    // kind suffix is how the export names two kinds that share a slug).
    let natural = [slug.to_string(), format!("{slug}-{kind}")]
        .map(|n| EntityRef::new("group", DEFAULT_NAMESPACE, &n));
    let type_ = e.spec.type_.as_deref().unwrap_or("").trim();
    let backstage_type = if type_.eq_ignore_ascii_case(kind.as_str()) {
        String::new()
    } else {
        type_.to_string()
    };
    let backstage_ref = if natural.contains(me) {
        String::new()
    } else {
        me.to_string()
    };
    (backstage_type, backstage_ref)
}
