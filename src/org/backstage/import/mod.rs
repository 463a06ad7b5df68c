//! `fika import backstage` and `/admin/import`: reads Backstage catalog YAML and makes the org
//! match it, in one transaction (one bad document rolls back everything). Importing the same
//! files again changes nothing; a dry run makes the same changes and rolls them back.
//!
//! `plan/` reads the files into a plan; this applies it: `people.rs`, then per group
//! `units.rs` and `memberships.rs`. A person is found by the entity ref stored with them (a
//! user in another namespace, `user:development/guest`, is the person `development-guest`),
//! else by username; a new person whose username someone else has gets `-2`, `-3`…, and
//! their ref stored, so the next import finds them again. Memberships get the dates
//! `fika.dev/memberships` gives, and ended ones it lists come back with theirs.

mod memberships;
mod people;
mod units;

use super::plan::{Plan, parse, plan};
use crate::db::{self, AnyConnection};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::org::unit::UnitKind;
use crate::org::unit_repo as repo;
use memberships::apply_memberships;
use people::apply_people;
use units::{Tribes, apply_initiatives, apply_unit};

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
    actor: Option<PersonId>,
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

/// Applies the plan: every person first, then each group's unit (tribes before what belongs
/// to them), its memberships and, for an alliance, its initiatives.
fn apply(c: &mut AnyConnection, actor: Option<PersonId>, plan: &Plan) -> AppResult<Report> {
    let mut report = Report::default();
    let who = apply_people(c, actor, &plan.users, &mut report)?;
    let mut tribes = Tribes::new(plan);
    let today = crate::dates::today();
    let alliance_links = repo::alliance_links(c)?;
    for g in &plan.groups {
        let unit = apply_unit(c, actor, g, &tribes, &alliance_links, &mut report)?;
        tribes.made(&g.entity, unit.id);
        apply_memberships(c, actor, g, unit.id, today, &who, &mut report)?;
        if g.kind == UnitKind::Alliance {
            apply_initiatives(c, actor, g, &unit, &mut report)?;
        }
    }
    Ok(report)
}
