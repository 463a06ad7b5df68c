//! What pages and the API share: who may see and change a post-mortem, the blameless findings
//! of one, and the workflow draft → in review → published with its publishing gate. The
//! permission is checked here, on the blocking thread that also reads or writes.
//!
//! Here: who may see, change and review a post-mortem. The blameless findings of one are in
//! `checking` (and carried over to new rules in `carry`), saving and the review workflow in `workflow`, and the list with its filters
//! (and what action items see of it) in `list`.

use std::sync::Arc;

use super::model::{Involved, Postmortem, Status};
use super::repo;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::org::cache::OrgView;
use crate::people::model::Person;
use crate::state::AppState;

mod carry;
mod checking;
mod list;
mod workflow;

pub use carry::carry_dismissals;
pub use checking::{Checker, Located, PeopleCache, findings, known, open_findings, people};
pub use list::{ItemsFrom, ListQuery, SummaryCache, all, visible_summaries};
pub use workflow::{
    Acknowledge, ReviewInput, ReviewRefused, dismiss, move_to, review, store, version_of,
};

/// Whether `viewer` is one of the people of a post-mortem: an author, its facilitator or a
/// current member of an involved squad. Admins count as involved.
fn involved(inv: Involved<'_>, viewer: &Person, org: &OrgView) -> bool {
    viewer.is_admin
        || inv.authors.contains(&viewer.id)
        || inv.facilitator == Some(viewer.id)
        || inv
            .squads
            .iter()
            .any(|s| org.snap.people_in(*s).contains(&viewer.id))
}

/// Published post-mortems are for everyone who may browse; drafts and those in review only
/// for the people involved (the incident is theirs to tell first).
pub fn may_see(inv: Involved<'_>, viewer: Option<&Person>, org: &OrgView) -> bool {
    inv.status == Status::Published || viewer.is_some_and(|v| involved(inv, v, org))
}

/// The people involved may change a post-mortem, before and after it is published.
pub fn may_edit(inv: Involved<'_>, viewer: Option<&Person>, org: &OrgView) -> bool {
    viewer.is_some_and(|v| involved(inv, v, org))
}

/// A reviewer is anyone who may see it and did not write it: not an author, and not the
/// person who created it (who could otherwise take themself off the authors and approve).
pub fn may_review(
    inv: Involved<'_>,
    creator: Option<PersonId>,
    viewer: Option<&Person>,
    org: &OrgView,
) -> bool {
    inv.status == Status::Review
        && viewer.is_some_and(|v| {
            !inv.authors.contains(&v.id) && creator != Some(v.id) && may_see(inv, Some(v), org)
        })
}

/// A post-mortem the viewer may see; a hidden one is "not found", so that drafts do not even
/// reveal that they exist.
pub fn visible(pm: Postmortem, viewer: Option<&Person>, org: &OrgView) -> AppResult<Postmortem> {
    if may_see(pm.people(), viewer, org) {
        Ok(pm)
    } else {
        Err(AppError::NotFound)
    }
}

fn require_edit(pm: &Postmortem, viewer: Option<&Person>, org: &OrgView) -> AppResult<()> {
    match viewer {
        None => Err(AppError::Unauthorized),
        Some(_) if may_edit(pm.people(), viewer, org) => Ok(()),
        Some(_) => Err(AppError::forbidden(
            "Only its authors, its facilitator, the involved squads and admins may change a \
             post-mortem.",
        )),
    }
}

/// Loads a post-mortem the viewer may see.
pub async fn load(
    state: &AppState,
    org: &Arc<OrgView>,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Postmortem> {
    let (org, me) = (org.clone(), viewer.person().cloned());
    state
        .db
        .run(move |c| visible(repo::get(c, id)?, me.as_ref(), &org))
        .await
}

/// Loads a post-mortem the viewer may change (404 if hidden, 403 if only readable).
pub async fn editable(
    state: &AppState,
    org: &Arc<OrgView>,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Postmortem> {
    let pm = load(state, org, viewer, id).await?;
    require_edit(&pm, viewer.person(), org)?;
    Ok(pm)
}

/// Post-mortems take comments from those who may see them: everyone once published, the
/// people involved before (their draft, their discussion).
pub struct CommentsOnPostmortems(pub Arc<crate::org::cache::OrgCache>);

impl crate::comments::flow::Commentable for CommentsOnPostmortems {
    fn kind(&self) -> crate::db::EntityKind {
        crate::db::EntityKind::Postmortem
    }

    fn find(
        &self,
        conn: &mut crate::db::AnyConnection,
        viewer: &Person,
        id: i64,
    ) -> AppResult<Option<crate::comments::flow::Found>> {
        let pm = match repo::get(conn, id) {
            Ok(pm) => pm,
            Err(AppError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let org = self.0.get(conn)?;
        if !may_see(pm.people(), Some(viewer), &org) {
            return Ok(None);
        }
        let mut readers = pm.input.authors.clone();
        readers.extend(pm.input.facilitator);
        Ok(Some(crate::comments::flow::Found {
            url: pm.url(),
            log_key: pm.id.to_string(),
            everyone: pm.status == Status::Published,
            readers,
            title: pm.input.title,
        }))
    }
}
