//! `fika import backstage` and `/admin/import`: reads Backstage catalog YAML and makes the org
//! match it, in one transaction (one bad document rolls back everything). Importing the same
//! files again changes nothing; a dry run makes the same changes and rolls them back.
//!
//! `plan/` reads the files into a plan; this applies it. A person is found by the entity
//! ref stored with them (a user in another namespace, `user:development/guest`, is the person
//! `development-guest`), else by username; a new person whose username someone else has gets
//! `-2`, `-3`…, and their ref stored, so the next import finds them again. Memberships get the
//! dates `fika.dev/memberships` gives, and ended ones it lists come back with theirs.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use super::EntityRef;
use super::plan::{GroupPlan, Plan, UserPlan, derived_slug, fit, parse, plan, shown};
use crate::db::{self, AnyConnection};
use crate::error::{AppError, AppResult};
use crate::org::unit::{Role, UnitKind};
use crate::org::unit_repo::{self as repo, NewMembership, UnitFields};
use crate::people::model::{Email, MAX_USERNAME, NewPerson, Profile, ProfileFields, Username};
use crate::people::repo as people;

/// One file's text and the name errors will use.
pub struct Source {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub dry_run: bool,
    /// Extra `spec.type` → kind mappings (`--map department=tribe`); they win over the
    /// built-in ones and over a `fika.dev/kind` annotation.
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
    let from_apply = std::mem::take(&mut report.skipped);
    report.skipped = plan.skipped;
    report.skipped.extend(from_apply);
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

/// The person a user entity is: the one imported from it before, else (for a user who is
/// their name in the default namespace) the person with that username whom no other entity
/// claims — someone made in fika, or imported by name. None: a new person.
fn find_person(c: &mut AnyConnection, u: &UserPlan) -> AppResult<Option<Profile>> {
    if let Some(p) = people::by_backstage_ref(c, &u.entity.to_string())? {
        return Ok(Some(p));
    }
    if !u.is_natural() {
        return Ok(None);
    }
    match people::profile(c, &u.username) {
        Ok(p) if p.backstage_ref.is_empty() => Ok(Some(p)),
        Ok(_) | Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `wanted`, or `wanted-2`, `wanted-3`… when that username is someone else's.
fn free_username(c: &mut AnyConnection, wanted: &str) -> AppResult<Username> {
    for n in 1..1000 {
        let candidate = if n == 1 {
            wanted.to_string()
        } else {
            let suffix = format!("-{n}");
            format!("{}{suffix}", fit(wanted, MAX_USERNAME - suffix.len()))
        };
        let username = Username::parse(&candidate).map_err(AppError::Validation)?;
        if !people::exists(c, &username)? {
            return Ok(username);
        }
    }
    Err(AppError::Conflict(format!(
        "every username like {wanted:?} is taken"
    )))
}

/// The person of each user entity of the import: (person id, username).
type People = HashMap<EntityRef, (i64, String)>;

/// The person a group names, found or made by [`apply_people`].
fn person(who: &People, g: &GroupPlan, r: &EntityRef) -> AppResult<(i64, String)> {
    who.get(r).cloned().ok_or_else(|| {
        AppError::Validation(format!("{}: member {:?} is not a person", g.at, shown(r)))
    })
}

/// Finds or creates the person of every user entity.
fn apply_people(
    c: &mut AnyConnection,
    actor: Option<i64>,
    users: &[UserPlan],
    report: &mut Report,
) -> AppResult<People> {
    let mut who = People::new();
    for u in users {
        let err = at(&u.at);
        let person = match find_person(c, u)? {
            Some(p) => {
                let fields = ProfileFields {
                    discipline: u.discipline.clone().unwrap_or_else(|| p.discipline.clone()),
                    title: u.title.clone().unwrap_or_else(|| p.title.clone()),
                    bio: u.bio.clone().unwrap_or_else(|| p.bio.clone()),
                    links: u.links.clone().unwrap_or_else(|| p.links.clone()),
                };
                let display = u.display.clone().unwrap_or_else(|| p.display_name.clone());
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
                    report.actions.push(format!("update person {}", p.username));
                }
                (p.id, p.username)
            }
            None => {
                let username = free_username(c, &u.username).map_err(&err)?;
                let email = match &u.email {
                    Some(e) => Some(Email::parse(e).map_err(|m| err(AppError::Validation(m)))?),
                    None => None,
                };
                let p = people::create(
                    c,
                    actor,
                    &NewPerson {
                        display_name: u
                            .display
                            .clone()
                            .unwrap_or_else(|| username.as_str().to_string()),
                        username: username.clone(),
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
                // Who the person is in Backstage, unless their username says it already.
                if !(u.is_natural() && username.as_str() == u.username) {
                    people::set_backstage_ref(c, actor, p.id, &u.entity.to_string())
                        .map_err(&err)?;
                }
                report.actions.push(format!("create person {username}"));
                (p.id, p.username)
            }
        };
        who.insert(u.entity.clone(), person);
    }
    Ok(who)
}

/// A membership the import adds.
struct Add {
    person_id: i64,
    username: String,
    role: Role,
    start: NaiveDate,
    end: Option<NaiveDate>,
    /// A past (or planned) membership from `fika.dev/memberships`, not a current one.
    history: bool,
}

fn apply(c: &mut AnyConnection, actor: Option<i64>, plan: &Plan) -> AppResult<Report> {
    let mut report = Report::default();
    let who = apply_people(c, actor, &plan.users, &mut report)?;
    let slug_of: HashMap<&EntityRef, &str> = plan
        .groups
        .iter()
        .map(|g| (&g.entity, g.slug.as_str()))
        .collect();
    // The units of the import as they are made, so a tribe renamed in fika is still found.
    let mut unit_ids: HashMap<&EntityRef, i64> = HashMap::new();
    let tribe_id = |c: &mut AnyConnection,
                    unit_ids: &HashMap<&EntityRef, i64>,
                    r: &EntityRef|
     -> AppResult<i64> {
        if let Some(id) = unit_ids.get(r) {
            return Ok(*id);
        }
        let slug = match slug_of.get(r) {
            Some(s) => s.to_string(),
            None => derived_slug(r).ok_or(AppError::NotFound)?,
        };
        Ok(repo::unit(c, UnitKind::Tribe, &slug)?.id)
    };
    let today = crate::dates::today();
    let alliance_links = repo::alliance_links(c)?;
    for g in &plan.groups {
        let err = at(&g.at);
        // A unit renamed in fika since the last import is still the same unit, and keeps
        // its new slug.
        let existing = repo::unit_or_renamed(c, g.kind, &g.slug)?;
        let tribe = match &g.tribe {
            Some(t) => match tribe_id(c, &unit_ids, t) {
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
            alliance_tribes.push(tribe_id(c, &unit_ids, t).map_err(|_| {
                AppError::Validation(format!("{}: its tribe {:?} does not exist", g.at, shown(t)))
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
        // Whether the unit's line in the report is written already.
        let (unit, reported) = match existing {
            None => {
                let u = repo::create_unit(c, actor, g.kind, &fields).map_err(&err)?;
                report.actions.push(format!("create {} {}", g.kind, g.slug));
                (u, true)
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
                    (u2, true)
                } else {
                    (u, false)
                }
            }
        };
        if unit.backstage_type != g.backstage_type || unit.backstage_ref != g.backstage_ref {
            repo::set_backstage_identity(c, actor, unit.id, &g.backstage_type, &g.backstage_ref)
                .map_err(&err)?;
            if !reported {
                report.actions.push(format!("update {} {}", g.kind, g.slug));
            }
        }
        unit_ids.insert(&g.entity, unit.id);
        apply_memberships(c, actor, g, unit.id, today, &who, &mut report)?;
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

/// Makes a unit's memberships match the group: people no longer listed end today, listed
/// people get their roles (from the dates `fika.dev/memberships` gives, else today), and past
/// memberships it lists that fika does not know are added with their dates.
fn apply_memberships(
    c: &mut AnyConnection,
    actor: Option<i64>,
    g: &GroupPlan,
    unit_id: i64,
    today: NaiveDate,
    who: &People,
    report: &mut Report,
) -> AppResult<()> {
    let err = at(&g.at);
    let all = repo::memberships_of_unit(c, unit_id)?;
    // Current today, planned ends included: someone leaving next month is still a member
    // (and adding them again would be refused).
    let current: Vec<_> = all.iter().filter(|(m, _)| m.is_current(today)).collect();
    let listed = g
        .members
        .keys()
        .map(|r| Ok(person(who, g, r)?.0))
        .collect::<AppResult<HashSet<i64>>>()?;
    // Someone with a planned end is leaving anyway: that end stays as planned.
    for (m, p) in current.iter().filter(|(m, _)| m.end_date.is_none()) {
        if !listed.contains(&m.person_id) {
            repo::end_membership(c, actor, m.id, today).map_err(&err)?;
            report
                .actions
                .push(format!("end {} in {} {}", p.username, g.kind, g.slug));
        }
    }
    let mut adds: Vec<Add> = Vec::new();
    for (r, roles) in &g.members {
        let (person_id, username) = person(who, g, r)?;
        let has: BTreeSet<Role> = current
            .iter()
            .filter(|(m, _)| m.person_id == person_id)
            .map(|(m, _)| m.role())
            .collect();
        // Roles the file names replace the ones it named before: a role it no longer gives
        // ends. A person listed without roles keeps whatever roles fika gave them.
        if !roles.is_empty() {
            for (m, p) in current
                .iter()
                .filter(|(m, _)| m.person_id == person_id && m.end_date.is_none())
            {
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
            let dated = g
                .dated
                .iter()
                .find(|d| d.user == *r && d.role == role && d.is_current(today));
            adds.push(Add {
                person_id,
                username: username.clone(),
                role,
                start: dated.map_or(today, |d| d.start),
                end: dated.and_then(|d| d.end),
                history: false,
            });
        }
    }
    for d in g.dated.iter().filter(|d| !d.is_current(today)) {
        let (person_id, username) = person(who, g, &d.user)?;
        let known = all.iter().any(|(m, _)| {
            m.person_id == person_id && m.role() == d.role && m.start_date == d.start
        });
        if !known {
            adds.push(Add {
                person_id,
                username,
                role: d.role,
                start: d.start,
                end: d.end,
                history: true,
            });
        }
    }
    // In the order they began, so each one meets only the memberships before it (the
    // rules see a past membership as current on the day it starts).
    adds.sort_by_key(|a| a.start);
    for a in adds {
        let mut what = format!("{} to {} {} as {}", a.username, g.kind, g.slug, a.role);
        if a.start != today {
            what.push_str(&format!(" from {}", a.start));
        }
        if let Some(end) = a.end {
            what.push_str(&format!(" to {end}"));
        }
        let added = repo::add_membership(
            c,
            actor,
            &NewMembership {
                person_id: a.person_id,
                unit_id,
                role: a.role,
                start_date: a.start,
            },
        );
        let m = match added {
            Ok(m) => m,
            // The rules refuse before anything is written, so the import goes on: a past
            // membership that clashes with what fika knows is reported, not forced in.
            Err(AppError::Conflict(why)) if a.history => {
                report
                    .skipped
                    .push(format!("membership of {what} ({}): {why}", g.at));
                continue;
            }
            Err(e) => return Err(err(e)),
        };
        if let Some(end) = a.end {
            repo::end_membership(c, actor, m.id, end).map_err(&err)?;
        }
        report.actions.push(format!("add {what}"));
    }
    Ok(())
}
