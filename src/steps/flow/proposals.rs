//! Proposals as a viewer may see them: one proposal's page, the open proposals waiting for
//! someone's decision, and the events a feed shows them.

use super::record::{Full, Loaded, Person, load, read_full};
use super::relations::{managed_by, relations};
use super::{Me, private};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::org::cache::OrgView;
use crate::steps::model::Status;
use crate::steps::proposal_repo::{self, Proposal};
use crate::steps::repo::{self, Event};

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
    me: PersonId,
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
