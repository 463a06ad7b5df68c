//! One person's record as a viewer reads it: the person, what the viewer may do with the
//! record, the whole of it for those who may see it, and what its owner made public.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::relations::relations;
use super::{Me, private};
use crate::db::AnyConnection;
use crate::db::schema::people;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::org::cache::OrgView;
use crate::steps::model::{Access, Assessment, Relations, Side, Status, Step, review_due};
use crate::steps::proposal_repo::{self, Feedback, Proposal};
use crate::steps::repo::{self, Entry, Event, Profile, Who};

/// A person as their record names them.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: PersonId,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
}

impl Person {
    pub fn who(&self) -> Who {
        Who {
            id: self.id,
            username: self.username.clone(),
        }
    }
}

pub fn person(conn: &mut AnyConnection, username: &str, me: Me) -> AppResult<Person> {
    let (id, username, display_name, disabled) = people::table
        .filter(people::username.eq(username.trim().to_lowercase()))
        .select((
            people::id,
            people::username,
            people::display_name,
            people::disabled,
        ))
        .first::<(PersonId, String, String, bool)>(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    // Someone who left is history only admins browse (as on their profile page).
    if disabled && !me.is_some_and(|(_, admin)| admin) {
        return Err(AppError::NotFound);
    }
    Ok(Person {
        id,
        username,
        display_name,
        disabled,
    })
}

/// One person's record with what the viewer may do with it. Reading it does not check
/// access: callers decide what of it to show (see [`Loaded::require_sees`]).
pub struct Loaded {
    pub person: Person,
    pub rel: Relations,
    pub access: Access,
    pub profile: Option<Profile>,
    /// When they started: the record's date, else their first membership.
    pub started_on: Option<NaiveDate>,
}

impl Loaded {
    pub fn step(&self) -> Option<Step> {
        self.profile.as_ref().and_then(Profile::step)
    }

    pub fn public(&self) -> bool {
        self.profile
            .as_ref()
            .is_some_and(|p| p.public && p.step.is_some())
    }

    /// The private record, or the one answer everyone else gets.
    pub fn require_sees(&self) -> AppResult<()> {
        if self.access.sees() {
            Ok(())
        } else {
            Err(private())
        }
    }

    pub fn review_due(&self) -> Option<NaiveDate> {
        match self.step() {
            Some(_) => None,
            None => self.started_on.map(review_due),
        }
    }
}

pub fn load(conn: &mut AnyConnection, view: &OrgView, username: &str, me: Me) -> AppResult<Loaded> {
    let person = person(conn, username, me)?;
    let company = repo::company_holders(conn)?;
    let rel = relations(&view.snap, &company, person.id);
    let access = Access::of(&rel, me);
    let profile = repo::profile(conn, person.id)?;
    let started_on = match profile.as_ref().and_then(|p| p.started_on) {
        Some(d) => Some(d),
        None => repo::first_start(conn, person.id)?,
    };
    Ok(Loaded {
        person,
        rel,
        access,
        profile,
        started_on,
    })
}

/// A proposal with what its page shows.
pub struct ProposalView {
    pub proposal: Proposal,
    pub feedback: Vec<Feedback>,
}

/// Everything of one record, for the private page, the API and the export.
pub struct Full {
    pub loaded: Loaded,
    pub catalogue: Vec<Entry>,
    pub role_ids: Vec<i64>,
    pub own: Assessment,
    pub lead: Assessment,
    pub proposals: Vec<ProposalView>,
    pub events: Vec<Event>,
    /// Display names (and usernames) of everyone the record names.
    pub names: HashMap<PersonId, (String, String)>,
}

impl Full {
    pub fn name(&self, id: PersonId) -> String {
        self.names
            .get(&id)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| "someone".into())
    }

    pub fn discipline(&self) -> Option<&Entry> {
        let id = self.loaded.profile.as_ref()?.discipline_id?;
        self.catalogue.iter().find(|e| e.id == id)
    }

    pub fn roles(&self) -> Vec<&Entry> {
        self.catalogue
            .iter()
            .filter(|e| self.role_ids.contains(&e.id))
            .collect()
    }

    pub fn open_proposal(&self) -> Option<&ProposalView> {
        self.proposals
            .iter()
            .find(|p| p.proposal.status() == Status::Open)
    }
}

/// The whole record of a person the viewer may see (else [`private`]).
pub fn full(conn: &mut AnyConnection, view: &OrgView, username: &str, me: Me) -> AppResult<Full> {
    let loaded = load(conn, view, username, me)?;
    loaded.require_sees()?;
    read_full(conn, loaded)
}

pub fn read_full(conn: &mut AnyConnection, loaded: Loaded) -> AppResult<Full> {
    let id = loaded.person.id;
    let proposals = proposal_repo::proposals_of(conn, id)?
        .into_iter()
        .map(|proposal| {
            Ok(ProposalView {
                feedback: proposal_repo::feedback_on(conn, proposal.id)?,
                proposal,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let events = repo::events_of(conn, id)?;
    let own = repo::assessment(conn, id, Side::Own)?;
    let lead = repo::assessment(conn, id, Side::Lead)?;
    let mut ids: HashSet<PersonId> = HashSet::new();
    ids.extend(loaded.rel.chapter_leads.iter().copied());
    ids.extend(loaded.rel.tribe_leads.iter().copied());
    ids.extend(loaded.rel.company.iter().copied());
    for p in &proposals {
        ids.insert(p.proposal.proposed_by);
        ids.extend(p.proposal.decided_by);
        ids.extend(p.feedback.iter().flat_map(|f| [f.peer_id, f.asked_by]));
    }
    ids.extend(events.iter().map(|e| e.actor_id));
    Ok(Full {
        catalogue: repo::catalogue(conn)?,
        role_ids: repo::roles_of(conn, id)?,
        names: repo::names(conn, ids)?,
        own,
        lead,
        proposals,
        events,
        loaded,
    })
}

/// A record the viewer may not see, reduced to what its owner made public (or nothing).
pub struct Public {
    pub step: Step,
    pub since: Option<NaiveDate>,
}

pub fn public_of(loaded: &Loaded) -> Option<Public> {
    if !loaded.public() {
        return None;
    }
    Some(Public {
        step: loaded.step()?,
        since: loaded.profile.as_ref().and_then(|p| p.step_since),
    })
}
