//! What a script gets back: a post-mortem as JSON, with its published lessons, blameless
//! findings and reviews; and a post-mortem's row in the list.

use std::sync::Arc;

use actix_web::HttpResponse;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::super::blameless::Finding;
use super::super::flow::{Checker, Located};
use super::super::forms::show_datetime;
use super::super::model::{LessonDraft, Postmortem};
use super::super::repo::{self, Review, Summary};
use super::body::{ActionJson, TimelineJson};
use crate::action_items::model::ActionItem;
use crate::error::AppResult;
use crate::ids::{PersonId, UnitId};
use crate::org::cache::OrgView;
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = PostmortemLesson)]
struct LessonLink {
    id: i64,
    title: String,
    url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Durations {
    detect_minutes: Option<i64>,
    mitigate_minutes: Option<i64>,
    resolve_minutes: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct FindingJson {
    field: &'static str,
    #[serde(rename = "where")]
    place: String,
    #[serde(flatten)]
    finding: Finding,
    /// Why it was dismissed (null: open).
    dismissed: Option<String>,
}

impl FindingJson {
    fn of(l: Located) -> FindingJson {
        FindingJson {
            field: l.field,
            place: l.label,
            finding: l.finding,
            dismissed: l.dismissed.map(|d| d.reason),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = PostmortemReview)]
struct ReviewJson {
    reviewer: String,
    #[serde(flatten)]
    review: Review,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct PostmortemJson {
    id: i64,
    url: String,
    title: String,
    severity: String,
    status: &'static str,
    squads: Vec<String>,
    authors: Vec<String>,
    facilitator: Option<String>,
    started_at: String,
    detected_at: Option<String>,
    mitigated_at: Option<String>,
    resolved_at: Option<String>,
    durations: Durations,
    summary: String,
    impact: String,
    timeline: Vec<TimelineJson>,
    contributing_factors: Vec<String>,
    detection: String,
    went_well: String,
    went_wrong: String,
    lucky: String,
    lessons: Vec<LessonDraft>,
    published_lessons: Vec<LessonLink>,
    action_items: Vec<ActionJson>,
    findings: Vec<FindingJson>,
    reviews: Vec<ReviewJson>,
    published_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// What a post-mortem's JSON shows besides the post-mortem itself.
struct Related {
    /// Lessons published from it: (id, title).
    lessons: Vec<(i64, String)>,
    /// Blameless findings, open ones first.
    findings: Vec<Located>,
    /// Reviews with the reviewer's username and name.
    reviews: Vec<(Review, String, String)>,
}

/// The post-mortem as JSON; a `created` one is answered 201 with its address.
pub(super) async fn respond(
    state: &AppState,
    org: &Arc<OrgView>,
    pm: Postmortem,
    created: bool,
) -> AppResult<HttpResponse> {
    let related = related(state, org, &pm).await?;
    let json = PostmortemJson::new(&pm, org, related, crate::dates::today());
    Ok(if created {
        HttpResponse::Created()
            .insert_header((actix_web::http::header::LOCATION, json.url.clone()))
            .json(json)
    } else {
        HttpResponse::Ok().json(json)
    })
}

/// Its published lessons, blameless findings and reviews, read in one go.
async fn related(state: &AppState, org: &Arc<OrgView>, pm: &Postmortem) -> AppResult<Related> {
    let (checker, org2) = (Checker::of(state)?, org.clone());
    let id = pm.id;
    let pm2 = pm.clone();
    let (lessons, findings, reviews) = state
        .db
        .run(move |c| {
            let dismissals = repo::dismissals(c, id)?;
            let (open, dismissed) = checker.findings(c, &org2, &pm2.input, &dismissals)?;
            Ok((
                crate::lessons::repo::from_source(c, repo::KIND, &id.to_string())?,
                open.into_iter().chain(dismissed).collect::<Vec<_>>(),
                repo::reviews(c, id)?,
            ))
        })
        .await?;
    Ok(Related {
        lessons,
        findings,
        reviews,
    })
}

/// A unit's slug ("" for a unit that is gone).
fn slug(org: &OrgView, id: UnitId) -> String {
    org.snap
        .unit(id)
        .map(|u| u.slug.clone())
        .unwrap_or_default()
}

fn username(org: &OrgView, id: PersonId) -> Option<String> {
    org.snap.person(id).map(|p| p.username.clone())
}

fn minutes(d: Option<chrono::Duration>) -> Option<i64> {
    d.map(|d| d.num_minutes())
}

impl PostmortemJson {
    fn new(pm: &Postmortem, org: &OrgView, related: Related, today: NaiveDate) -> PostmortemJson {
        let i = &pm.input;
        let d = i.times.durations();
        PostmortemJson {
            id: pm.id,
            url: pm.url(),
            title: i.title.clone(),
            severity: i.severity.key(),
            status: pm.status.key(),
            squads: i.squads.iter().map(|s| slug(org, *s)).collect(),
            authors: i.authors.iter().filter_map(|a| username(org, *a)).collect(),
            facilitator: i.facilitator.and_then(|f| username(org, f)),
            started_at: show_datetime(i.times.started),
            detected_at: i.times.detected.map(|t| show_datetime(Some(t))),
            mitigated_at: i.times.mitigated.map(|t| show_datetime(Some(t))),
            resolved_at: i.times.resolved.map(|t| show_datetime(Some(t))),
            durations: Durations {
                detect_minutes: minutes(d.detect),
                mitigate_minutes: minutes(d.mitigate),
                resolve_minutes: minutes(d.resolve),
            },
            summary: i.summary.clone(),
            impact: i.impact.clone(),
            timeline: i
                .timeline
                .iter()
                .map(|e| TimelineJson {
                    at: show_datetime(Some(e.at)),
                    text: e.text.clone(),
                })
                .collect(),
            contributing_factors: i.factors.clone(),
            detection: i.detection.clone(),
            went_well: i.went_well.clone(),
            went_wrong: i.went_wrong.clone(),
            lucky: i.lucky.clone(),
            lessons: i.lessons.clone(),
            published_lessons: related
                .lessons
                .into_iter()
                .map(|(id, title)| LessonLink {
                    url: format!("/lessons/{id}"),
                    id,
                    title,
                })
                .collect(),
            action_items: pm.items.iter().map(|a| shown_item(a, org, today)).collect(),
            findings: related.findings.into_iter().map(FindingJson::of).collect(),
            reviews: related
                .reviews
                .into_iter()
                .map(|(review, username, _)| ReviewJson {
                    reviewer: username,
                    review,
                })
                .collect(),
            published_at: pm.published_at,
            created_at: pm.created_at,
            updated_at: pm.updated_at,
        }
    }
}

/// An action item as shown, with what only a read answers (overdue, closed on).
fn shown_item(a: &ActionItem, org: &OrgView, today: NaiveDate) -> ActionJson {
    ActionJson {
        id: Some(a.id),
        title: a.title.clone(),
        kind: a.kind.key().into(),
        squad: slug(org, a.squad_id),
        person: a.person_id.and_then(|p| username(org, p)),
        due: a.due_on.map(|d| d.to_string()),
        status: a.status.key().into(),
        reason: a.reason.clone(),
        tracker: a.tracker.clone(),
        overdue: Some(a.overdue(today)),
        closed_on: a.closed_on,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = PostmortemSummary)]
pub(super) struct SummaryJson {
    pub(super) id: i64,
    url: String,
    title: String,
    severity: String,
    status: &'static str,
    squads: Vec<String>,
    started_at: String,
    detect_minutes: Option<i64>,
    resolve_minutes: Option<i64>,
    published_at: Option<NaiveDateTime>,
}

impl SummaryJson {
    pub(super) fn of(s: &Summary, org: &OrgView) -> SummaryJson {
        let d = s.times.durations();
        SummaryJson {
            id: s.id,
            url: s.url(),
            title: s.title.clone(),
            severity: s.severity.key(),
            status: s.status.key(),
            squads: s
                .squads
                .iter()
                .filter_map(|u| org.snap.unit(*u).map(|u| u.slug.clone()))
                .collect(),
            started_at: show_datetime(s.times.started),
            detect_minutes: d.detect.map(|d| d.num_minutes()),
            resolve_minutes: d.resolve.map(|d| d.num_minutes()),
            published_at: s.published_at,
        }
    }
}
