//! What the pages, the API, the feed and search share about career records: who stands
//! where around a person (their chapter leads, tribe leads, the company-level role holders),
//! who may see and do what, and each record read as one viewer may read it. The privacy rule
//! lives here so every surface applies the same one.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::{Access, Assessment, Relations, Side, Status, Step, review_due};
use super::proposal_repo::{self, Feedback, Proposal};
use super::repo::{self, Entry, Event, Profile, Who};
use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::db::schema::people;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgView;
use crate::org::rules::Snapshot;
use crate::org::unit::{Membership, Role, Unit, UnitKind};
use crate::projection::{EVERYONE, Record, key};

/// The viewer as the blocking pool needs them: `(person id, is admin)`, or nobody.
pub type Me = Option<(i64, bool)>;

pub fn me(viewer: &Viewer) -> Me {
    viewer.person().map(|p| (p.id, p.is_admin))
}

/// What everyone else is told about a record they may not see: the same whether or not a
/// step exists.
pub fn private() -> AppError {
    AppError::forbidden(
        "Career steps are private to the person, their chapter lead and admins.".to_string(),
    )
}

/// Today's memberships by person, for work over many people at once (the snapshot indexes
/// them by unit only): without it, one person's relations scan every membership.
pub struct ByPerson<'a>(HashMap<i64, Vec<&'a Membership>>);

impl<'a> ByPerson<'a> {
    pub fn of(snap: &'a Snapshot) -> ByPerson<'a> {
        let mut map: HashMap<i64, Vec<&Membership>> = HashMap::new();
        for m in &snap.memberships {
            map.entry(m.person_id).or_default().push(m);
        }
        ByPerson(map)
    }

    pub fn of_person(&self, id: i64) -> &[&'a Membership] {
        self.0.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The relations of `person_id` in today's org.
pub fn relations(snap: &Snapshot, company: &[i64], person_id: i64) -> Relations {
    let mine: Vec<&Membership> = snap
        .memberships
        .iter()
        .filter(|m| m.person_id == person_id)
        .collect();
    relations_of(snap, company, person_id, &mine)
}

/// [`relations`], given the person's memberships.
pub fn relations_of(
    snap: &Snapshot,
    company: &[i64],
    person_id: i64,
    mine: &[&Membership],
) -> Relations {
    let mut chapter_leads = Vec::new();
    let mut tribes = HashSet::new();
    for m in mine {
        let Some(unit) = snap.unit(m.unit_id) else {
            continue;
        };
        match unit.kind() {
            UnitKind::Chapter => {
                tribes.extend(unit.tribe_id);
                if m.role() != Role::ChapterLead {
                    chapter_leads
                        .extend(active(snap.members_with_role(unit.id, Role::ChapterLead)));
                }
            }
            UnitKind::Squad | UnitKind::Trio => {
                tribes.extend(unit.tribe_id);
            }
            UnitKind::Tribe => {
                tribes.insert(unit.id);
            }
            _ => {}
        }
    }
    let mut tribe_leads = Vec::new();
    for t in &tribes {
        tribe_leads.extend(active(snap.members_with_role(*t, Role::TribeLead)));
        for trio in snap.in_tribe(*t, UnitKind::Trio) {
            tribe_leads.extend(active(snap.members_with_role(trio.id, Role::TribeLead)));
        }
    }
    let clean = |mut v: Vec<i64>| {
        v.retain(|id| *id != person_id);
        v.sort_unstable();
        v.dedup();
        v
    };
    Relations {
        person_id,
        chapter_leads: clean(chapter_leads),
        tribe_leads: clean(tribe_leads),
        company: clean(company.to_vec()),
    }
}

/// The ids of those who may still sign in: someone who left leads nobody.
fn active(people: Vec<&crate::org::unit_repo::PersonBrief>) -> impl Iterator<Item = i64> + '_ {
    people.into_iter().filter(|p| !p.disabled).map(|p| p.id)
}

/// The chapters `lead` currently leads.
pub fn led_chapters(snap: &Snapshot, lead: i64) -> Vec<&Unit> {
    snap.memberships
        .iter()
        .filter(|m| m.person_id == lead && m.role() == Role::ChapterLead)
        .filter_map(|m| snap.unit(m.unit_id))
        .filter(|u| u.kind() == UnitKind::Chapter)
        .collect()
}

/// The people whose chapter `lead` currently leads (not their co-leads).
pub fn led_by(snap: &Snapshot, lead: i64) -> Vec<i64> {
    let chapters: Vec<i64> = led_chapters(snap, lead).iter().map(|u| u.id).collect();
    let mut out: Vec<i64> = snap
        .memberships
        .iter()
        .filter(|m| chapters.contains(&m.unit_id) && m.role() != Role::ChapterLead)
        .map(|m| m.person_id)
        .filter(|p| *p != lead)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Everyone whose line manager `lead` is (see [`Relations::line_managers`]): the people of the
/// chapters they lead, and — for a tribe lead or a company-level role — those with nobody
/// nearer.
pub fn managed_by(snap: &Snapshot, company: &[i64], lead: i64) -> Vec<i64> {
    let mut candidates: HashSet<i64> = led_by(snap, lead).into_iter().collect();
    let leads_tribes = snap
        .memberships
        .iter()
        .any(|m| m.person_id == lead && m.role() == Role::TribeLead);
    if company.contains(&lead) {
        candidates.extend(snap.people.iter().map(|p| p.id));
    } else if leads_tribes {
        for m in snap
            .memberships
            .iter()
            .filter(|m| m.person_id == lead && m.role() == Role::TribeLead)
        {
            let tribe = snap.unit(m.unit_id).and_then(|u| match u.kind() {
                UnitKind::Tribe => Some(u.id),
                _ => u.tribe_id,
            });
            if let Some(t) = tribe {
                candidates.extend(snap.people_in_tribe(t));
            }
        }
    }
    let by_person = ByPerson::of(snap);
    let mut out: Vec<i64> = candidates
        .into_iter()
        .filter(|p| {
            *p != lead && relations_of(snap, company, *p, by_person.of_person(*p)).is_lead(lead)
        })
        .collect();
    out.sort_unstable();
    out
}

/// A person as their record names them.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
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
        .first::<(i64, String, String, bool)>(conn)
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
    pub names: HashMap<i64, (String, String)>,
}

impl Full {
    pub fn name(&self, id: i64) -> String {
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
    let mut ids: HashSet<i64> = HashSet::new();
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

/// One proposal as the viewer may see it: the record's readers, and whoever decides it.
pub struct ProposalPage {
    pub full: Full,
    pub id: i64,
    pub may_decide: bool,
}

pub fn proposal_page(
    conn: &mut AnyConnection,
    view: &OrgView,
    username: &str,
    id: i64,
    me: Me,
) -> AppResult<ProposalPage> {
    let loaded = load(conn, view, username, me)?;
    let (_, may_decide) = proposal_for(conn, &loaded, id, me)?;
    Ok(ProposalPage {
        full: read_full(conn, loaded)?,
        id,
        may_decide,
    })
}

/// Proposal `id` of the loaded person, if the viewer may see it (the record's readers,
/// whoever decides it while it is open, whoever decided it), with whether they may decide
/// it. Anyone else gets the one private answer whether or not such a proposal exists, so
/// proposal ids cannot be probed for whose they are.
pub fn proposal_for(
    conn: &mut AnyConnection,
    loaded: &Loaded,
    id: i64,
    me: Me,
) -> AppResult<(Proposal, bool)> {
    let hidden = || {
        if loaded.access.sees() {
            AppError::NotFound
        } else {
            private()
        }
    };
    let p = match proposal_repo::proposal(conn, id) {
        Ok(p) if p.person_id == loaded.person.id => p,
        Ok(_)
        | Err(AppError::NotFound)
        | Err(AppError::Database(diesel::result::Error::NotFound)) => return Err(hidden()),
        Err(e) => return Err(e),
    };
    let viewer = me.map(|(id, _)| id);
    let may_decide =
        p.status() == Status::Open && viewer.is_some_and(|v| loaded.rel.may_decide(p.to(), v));
    // A withdrawal is no decision: only approving or declining keeps the page open to them.
    let decided_it = viewer.is_some()
        && p.decided_by == viewer
        && matches!(p.status(), Status::Approved | Status::Declined);
    if loaded.access.sees() || may_decide || decided_it {
        Ok((p, may_decide))
    } else {
        Err(private())
    }
}

/// The open proposals waiting for `me` to decide, with whose they are.
pub fn awaiting(
    conn: &mut AnyConnection,
    view: &OrgView,
    me: i64,
) -> AppResult<Vec<(Proposal, Person)>> {
    let company = repo::company_holders(conn)?;
    let mut out = Vec::new();
    for p in proposal_repo::open_proposals(conn)? {
        let rel = relations(&view.snap, &company, p.person_id);
        if rel.may_decide(p.to(), me)
            && let Some(b) = view.snap.person(p.person_id)
        {
            out.push((
                p,
                Person {
                    id: b.id,
                    username: b.username.clone(),
                    display_name: b.display_name.clone(),
                    disabled: b.disabled,
                },
            ));
        }
    }
    Ok(out)
}

/// The events a feed shows `me`: everything for admins; otherwise the records they see
/// (their own, their chapter's people) and the proposals waiting for their decision.
pub fn feed_events(conn: &mut AnyConnection, view: &OrgView, me: Me) -> AppResult<Vec<Event>> {
    let Some((id, admin)) = me else {
        return Ok(vec![]);
    };
    if admin {
        return repo::recent_events(conn, None, 50);
    }
    let company = repo::company_holders(conn)?;
    let mut people = managed_by(&view.snap, &company, id);
    people.push(id);
    let mut events = repo::recent_events(conn, Some(&people), 50)?;
    for (p, _) in awaiting(conn, view, id)? {
        events.extend(
            repo::events_of(conn, p.person_id)?
                .into_iter()
                .filter(|e| e.proposal_id == Some(p.id)),
        );
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.id));
    events.dedup_by_key(|e| e.id);
    events.truncate(50);
    Ok(events)
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

// ---------------------------------------------------------------- search

/// (person id, username, display name, step, since, public, updated) of a step record.
type StepRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<NaiveDate>,
    bool,
    chrono::NaiveDateTime,
);

/// The search records of these people's steps: readable by the person and admins, and by
/// everyone once the person made the step public. Chapter leads find their people on the
/// chapter overview instead: a reader list naming leads would go stale the day a membership
/// ends, and a stale reader is a leak.
pub fn records(conn: &mut AnyConnection, person_ids: &[i64]) -> AppResult<Vec<Record>> {
    use crate::db::schema::step_profiles;
    let rows: Vec<StepRow> = step_profiles::table
        .inner_join(people::table.on(people::id.eq(step_profiles::person_id)))
        .filter(step_profiles::person_id.eq_any(person_ids))
        .filter(people::disabled.eq(false))
        .filter(step_profiles::step.is_not_null())
        .select((
            people::id,
            people::username,
            people::display_name,
            step_profiles::step,
            step_profiles::step_since,
            step_profiles::public,
            step_profiles::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, username, name, step, since, public, at)| {
            let step = Step::parse(step.as_deref()?)?;
            let mut readers = vec![format!("person:{id}"), "admin".to_string()];
            if public {
                readers.push(EVERYONE.to_string());
            }
            let since_date = since.and_then(|d| d.and_hms_opt(0, 0, 0));
            let since = since.map(|d| format!(" since {d}")).unwrap_or_default();
            Some(Record {
                key: key("step", &username),
                kind: "step",
                title: format!("{name}: {} step", step.label()),
                body: format!(
                    "{name} is at the {} step{since}. Career step.",
                    step.label()
                ),
                tags: vec![],
                unit_ids: vec![],
                author: None,
                // Dated by the step, never by the last write: a public record must not tell
                // when something private (an assessment, a declined proposal) happened.
                date: since_date.unwrap_or(at),
                url: if public {
                    format!("/people/{username}")
                } else {
                    format!("/people/{username}/steps")
                },
                context: "Career step".into(),
                readers,
            })
        })
        .collect())
}

pub fn ids_after(conn: &mut AnyConnection, after: i64, n: i64) -> QueryResult<Vec<i64>> {
    use crate::db::schema::step_profiles;
    step_profiles::table
        .filter(step_profiles::person_id.gt(after))
        .filter(step_profiles::step.is_not_null())
        .order(step_profiles::person_id)
        .limit(n)
        .select(step_profiles::person_id)
        .load(conn)
}

pub fn count(conn: &mut AnyConnection) -> AppResult<i64> {
    use crate::db::schema::step_profiles;
    Ok(step_profiles::table
        .filter(step_profiles::step.is_not_null())
        .count()
        .get_result(conn)?)
}

/// The search updates for a change to `username`'s record (or their person).
pub fn records_of(conn: &mut AnyConnection, username: &str) -> AppResult<Vec<Record>> {
    let ids: Vec<i64> = people::table
        .filter(people::username.eq(username))
        .select(people::id)
        .load(conn)?;
    records(conn, &ids)
}

/// Runs `f` on the blocking pool with today's org, read in the same trip.
pub async fn with_org<T, F>(state: &crate::state::AppState, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection, &crate::org::cache::OrgView) -> AppResult<T> + Send + 'static,
{
    let cache = state.part::<crate::org::cache::OrgCache>()?;
    state
        .db
        .run(move |c| {
            let view = cache.get(c)?;
            f(c, &view)
        })
        .await
}
