//! Views across people, counts or lists, for those who may see them: a chapter lead's
//! overview of their people (`/chapters/{slug}/steps`), the admin's distribution of steps per
//! tribe (counts only, `/steps/distribution`) and the six-month reviews due (`/steps/reviews`).

use std::collections::{HashMap, HashSet};

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;

use super::{shell, signed_in};
use crate::auth::Viewer;
use crate::dates::today;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::cache::org_view;
use crate::org::unit::{Membership, Role, UnitKind};
use crate::org::unit_repo::PersonBrief;
use crate::site::views::no_store;
use crate::site::views::{Shell, html};
use crate::state::AppState;
use crate::steps::flow;
use crate::steps::framework::Framework;
use crate::steps::model::{Side, Step, review_due};
use crate::steps::proposal_repo;
use crate::steps::repo;
use crate::steps::views::{ChapterPage, DistRow, DistributionPage, DueRow, MemberRow, ReviewsPage};

/// The tribe a person counts under: their chapter's, else their squad's.
fn tribe_of(snap: &crate::org::rules::Snapshot, mine: &[&Membership]) -> Option<UnitId> {
    let mut squad_tribe = None;
    for m in mine {
        let Some(u) = snap.unit(m.unit_id) else {
            continue;
        };
        match u.kind() {
            UnitKind::Chapter if u.tribe_id.is_some() => return u.tribe_id,
            UnitKind::Squad | UnitKind::Trio => squad_tribe = squad_tribe.or(u.tribe_id),
            UnitKind::Tribe => squad_tribe = squad_tribe.or(Some(u.id)),
            _ => {}
        }
    }
    squad_tribe
}

pub(super) async fn distribution(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    let view = org_view(&state).await?;
    let (profiles, fw) = state
        .db
        .run(|c| Ok((repo::profiles(c)?, Framework::new(repo::texts(c)?))))
        .await?;
    let steps: HashMap<PersonId, Step> = profiles
        .iter()
        .filter_map(|p| Some((p.person_id, p.step()?)))
        .collect();
    let mut rows: Vec<DistRow> = view
        .snap
        .of_kind(UnitKind::Tribe)
        .map(|t| DistRow {
            name: t.name.clone(),
            counts: [0; 4],
            unset: 0,
        })
        .collect();
    let tribe_ids: Vec<UnitId> = view.snap.of_kind(UnitKind::Tribe).map(|t| t.id).collect();
    let mut none = DistRow {
        name: "In no tribe".into(),
        counts: [0; 4],
        unset: 0,
    };
    let mut company = DistRow {
        name: "The whole company".into(),
        counts: [0; 4],
        unset: 0,
    };
    let by_person = flow::ByPerson::of(&view.snap);
    for p in view.snap.people.iter().filter(|p| !p.disabled) {
        let row = match tribe_of(&view.snap, by_person.of_person(p.id))
            .and_then(|t| tribe_ids.iter().position(|x| *x == t))
        {
            Some(i) => &mut rows[i],
            None => &mut none,
        };
        match steps.get(&p.id) {
            Some(s) => {
                row.counts[s.rank()] += 1;
                company.counts[s.rank()] += 1;
            }
            None => {
                row.unset += 1;
                company.unset += 1;
            }
        }
    }
    if none.total() + none.unset > 0 {
        rows.push(none);
    }
    let intended = [
        fw.intended(&Step::Individual),
        fw.intended(&Step::Squad),
        fw.intended(&Step::Tribe),
        fw.intended(&Step::Company),
    ];
    Ok(no_store(html(&DistributionPage {
        shell: Shell::new(&viewer, "admin"),
        rows,
        company,
        intended,
    })?))
}

/// When the six-month review of someone without a step is due (None: they have a step, or
/// no start date is known).
fn due_row(
    p: &PersonBrief,
    profiles: &HashMap<PersonId, repo::Profile>,
    starts: &HashMap<PersonId, NaiveDate>,
) -> Option<DueRow> {
    let profile = profiles.get(&p.id);
    if profile.and_then(|r| r.step()).is_some() {
        return None;
    }
    let started_on = profile
        .and_then(|r| r.started_on)
        .or_else(|| starts.get(&p.id).copied())?;
    let due = review_due(started_on);
    Some(DueRow {
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        started_on,
        due,
        overdue: due < today(),
    })
}

pub(super) async fn reviews(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    let view = org_view(&state).await?;
    let (profiles, starts) = state
        .db
        .run(|c| Ok((repo::profiles(c)?, repo::first_starts(c)?)))
        .await?;
    let profiles: HashMap<PersonId, repo::Profile> =
        profiles.into_iter().map(|p| (p.person_id, p)).collect();
    let mut rows: Vec<DueRow> = (view.snap.people.iter())
        .filter(|p| !p.disabled)
        .filter_map(|p| due_row(p, &profiles, &starts))
        .collect();
    rows.sort_by_key(|r| r.due);
    Ok(no_store(html(&ReviewsPage {
        shell: Shell::new(&viewer, "admin"),
        rows,
    })?))
}

// ---------------------------------------------------------------- a chapter's overview

pub(super) async fn chapter(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (me, admin) = signed_in(&viewer)?;
    let view = org_view(&state).await?;
    let unit = view
        .unit_by_key(UnitKind::Chapter.as_str(), &slug)
        .ok_or(AppError::NotFound)?
        .clone();
    let leads: Vec<PersonId> = view
        .snap
        .members_with_role(unit.id, Role::ChapterLead)
        .iter()
        .map(|p| p.id)
        .collect();
    if !admin && !leads.contains(&me) {
        return Err(AppError::forbidden(
            "A chapter's career overview is for its chapter leads and admins.",
        ));
    }
    let (profiles, starts, assessed, open) = state
        .db
        .run(|c| {
            Ok((
                repo::profiles(c)?,
                repo::first_starts(c)?,
                repo::assessed(c)?,
                proposal_repo::open_proposals(c)?,
            ))
        })
        .await?;
    let profiles: HashMap<PersonId, repo::Profile> =
        profiles.into_iter().map(|p| (p.person_id, p)).collect();
    let assessed: HashSet<(PersonId, String)> = assessed.into_iter().collect();
    let mut seen = HashSet::new();
    let mut members = Vec::new();
    let (mut counts, mut unset) = ([0usize; 4], 0);
    for m in view.snap.memberships_of(unit.id) {
        if m.role() == Role::ChapterLead || !seen.insert(m.person_id) {
            continue;
        }
        let Some(p) = view.snap.person(m.person_id).filter(|p| !p.disabled) else {
            continue;
        };
        let profile = profiles.get(&p.id);
        let step = profile.and_then(|p| p.step());
        match step {
            Some(s) => counts[s.rank()] += 1,
            None => unset += 1,
        }
        members.push(MemberRow {
            username: p.username.clone(),
            display_name: p.display_name.clone(),
            step,
            since: profile.and_then(|p| p.step_since),
            public: profile.is_some_and(|p| p.public),
            due: due_row(p, &profiles, &starts),
            own_done: assessed.contains(&(p.id, Side::Own.key().to_string())),
            lead_done: assessed.contains(&(p.id, Side::Lead.key().to_string())),
            open: open.iter().find(|o| o.person_id == p.id).map(|o| o.to()),
        });
    }
    members.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    Ok(no_store(html(&ChapterPage {
        shell: shell(&viewer),
        url: unit.url(),
        name: unit.name,
        members,
        counts,
        unset,
    })?))
}
