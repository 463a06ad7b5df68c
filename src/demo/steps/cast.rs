//! Who the career-step story is about: the org as of today (`Story`), the people found by
//! their place in it (`Cast`), and a chapter's lead and members.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use super::Texts;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::org::rules::Snapshot;
use crate::org::unit::{Role, UnitKind};
use crate::org::unit_repo::PersonBrief;
use crate::steps::repo::{self, Who};

/// A chapter by name: its lead and its other members, by id.
pub(super) fn chapter(snap: &Snapshot, name: &str) -> AppResult<(PersonId, Vec<PersonId>)> {
    let missing = || AppError::internal(format!("demo: no chapter {name:?} with a lead"));
    let unit = snap
        .of_kind(UnitKind::Chapter)
        .find(|u| u.name == name)
        .ok_or_else(missing)?;
    let lead = snap
        .members_with_role(unit.id, Role::ChapterLead)
        .first()
        .map(|p| p.id)
        .ok_or_else(missing)?;
    let mut members: Vec<PersonId> = snap
        .memberships_of(unit.id)
        .filter(|m| m.role() != Role::ChapterLead)
        .map(|m| m.person_id)
        .collect();
    members.sort_unstable();
    members.dedup();
    Ok((lead, members))
}

pub(super) fn nth(members: &[PersonId], n: usize) -> AppResult<PersonId> {
    members
        .get(n)
        .copied()
        .ok_or_else(|| AppError::internal("demo: chapter too small"))
}

pub(super) fn last(members: &[PersonId]) -> AppResult<PersonId> {
    nth(members, members.len().saturating_sub(1))
}

/// The org as of today, and what the demo's people wrote.
pub(super) struct Story {
    pub(super) today: NaiveDate,
    pub(super) snap: Snapshot,
    pub(super) texts: Texts,
    pub(super) admin: PersonId,
}

impl Story {
    pub(super) fn days(&self, n: i64) -> NaiveDate {
        self.today - Duration::days(n)
    }

    pub(super) fn id(&self, username: &str) -> AppResult<PersonId> {
        person_id(&self.snap, username)
    }

    pub(super) fn who(&self, pid: PersonId) -> AppResult<Who> {
        self.snap
            .person(pid)
            .map(|p| Who {
                id: p.id,
                username: p.username.clone(),
            })
            .ok_or_else(|| AppError::internal("demo: no such person"))
    }

    /// Everyone who can sign in, in the order they were added.
    pub(super) fn people(&self) -> Vec<&PersonBrief> {
        let mut people: Vec<_> = self.snap.people.iter().filter(|p| !p.disabled).collect();
        people.sort_by_key(|p| p.id);
        people
    }
}

pub(super) fn person_id(snap: &Snapshot, username: &str) -> AppResult<PersonId> {
    snap.people
        .iter()
        .find(|p| p.username == username)
        .map(|p| p.id)
        .ok_or_else(|| AppError::internal(format!("demo: no person {username}")))
}

/// The people the story is about, found by their place in the org, and when everyone started.
pub(super) struct Cast {
    pub(super) cto: PersonId,
    pub(super) bjorn: PersonId,
    pub(super) aino: PersonId,
    pub(super) ben: PersonId,
    pub(super) fatima: PersonId,
    pub(super) cem: PersonId,
    pub(super) carla: PersonId,
    pub(super) hugo: PersonId,
    pub(super) listening: Vec<PersonId>,
    pub(super) web: Vec<PersonId>,
    pub(super) platform: Vec<PersonId>,
    /// Newcomers: when they started.
    pub(super) started: HashMap<PersonId, NaiveDate>,
    /// Everyone else: their first membership's start.
    pub(super) firsts: HashMap<PersonId, NaiveDate>,
}

impl Cast {
    pub(super) fn find(conn: &mut AnyConnection, story: &Story) -> AppResult<Cast> {
        let snap = &story.snap;
        let (aino, listening) = chapter(snap, "Listening Backend")?;
        let (ben, web) = chapter(snap, "Listening Web & Mobile")?;
        let (_, platform) = chapter(snap, "Platform Backend")?;
        let (fatima, _) = chapter(snap, "Platform Web & Mobile")?;
        let (cem, _) = chapter(snap, "Discovery Quality")?;
        let (carla, hugo) = (nth(&listening, 0)?, nth(&listening, 1)?);
        // Newcomers: three in chapters, and the people not placed in any unit yet.
        let mut newcomers = vec![
            last(&chapter(snap, "Discovery Backend")?.1)?,
            last(&listening)?,
            last(&chapter(snap, "Creators Web & Mobile")?.1)?,
        ];
        let placed: HashSet<PersonId> = snap.memberships.iter().map(|m| m.person_id).collect();
        let unplaced = story.people().into_iter().map(|p| p.id);
        newcomers.extend(unplaced.filter(|p| !placed.contains(p)));
        let started = newcomers
            .iter()
            .zip(&story.texts.newcomer_days)
            .map(|(p, d)| (*p, story.days(*d)))
            .collect();
        Ok(Cast {
            cto: story.id(&story.texts.cto)?,
            bjorn: story.id("bjorn")?,
            aino,
            ben,
            fatima,
            cem,
            carla,
            hugo,
            listening,
            web,
            platform,
            started,
            firsts: repo::first_starts(conn)?,
        })
    }
}
