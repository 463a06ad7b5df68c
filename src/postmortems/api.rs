//! Post-mortems' JSON API (a contract): `GET/POST /api/v1/postmortems`,
//! `GET/PUT /api/v1/postmortems/{id}`, plus `POST /api/v1/postmortems/{id}/reviews` for the
//! workflow and `POST /api/v1/blameless/check` for any text.
//!
//! Writes fill the same form as the pages and go through the same parsing, so both refuse the
//! same input with the same messages (keyed by the form's field names). Drafts are visible
//! through the API exactly as on the pages: to their people only.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::blameless::{Finding, Place};
use super::flow::{
    self, Acknowledge, Checker, ListQuery, Located, ReviewInput, ReviewRefused, editable, load,
    store,
};
use super::forms::{ActionRow, Form, LessonRow, TimelineRow, show_datetime};
use super::model::Postmortem;
use super::model::{LessonDraft, Status};
use super::repo::{self, Review, Verdict};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgCache;
use crate::org::cache::OrgView;
use crate::org::cache::org_view;
use crate::postmortems::blameless::Rules;
use crate::postmortems::flow::PeopleCache;
use crate::postmortems::flow::SummaryCache;
use crate::site::forms::FieldErrors;
use crate::site::paging::{self, PageQuery};
use crate::site::views::invalid;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/postmortems", web::get().to(list))
        .route("/api/v1/postmortems", web::post().to(create))
        .route("/api/v1/postmortems/{id}", web::get().to(get))
        .route("/api/v1/postmortems/{id}", web::put().to(update))
        .route("/api/v1/postmortems/{id}/reviews", web::post().to(review))
        .route("/api/v1/blameless/check", web::post().to(check));
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelineJson {
    at: String,
    text: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionJson {
    #[serde(default)]
    id: Option<i64>,
    title: String,
    #[serde(rename = "type")]
    kind: String,
    /// Owner squad slug (the first squad involved when left out).
    #[serde(default)]
    squad: String,
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    due: Option<String>,
    #[serde(default = "open")]
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    tracker: String,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    overdue: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closed_on: Option<NaiveDate>,
}

fn open() -> String {
    "open".into()
}

/// What a script sends. The fields `GET` adds may be sent back and are ignored, so a script
/// can change what it read and `PUT` it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostmortemBody {
    title: String,
    severity: String,
    squads: Vec<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    facilitator: Option<String>,
    started_at: String,
    #[serde(default)]
    detected_at: Option<String>,
    #[serde(default)]
    mitigated_at: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    timeline: Vec<TimelineJson>,
    #[serde(default)]
    contributing_factors: Vec<String>,
    #[serde(default)]
    detection: String,
    #[serde(default)]
    went_well: String,
    #[serde(default)]
    went_wrong: String,
    #[serde(default)]
    lucky: String,
    /// Lessons to publish with it.
    #[serde(default)]
    lessons: Vec<LessonDraft>,
    #[serde(default)]
    action_items: Vec<ActionJson>,
    /// `draft` or `review`: where to move it after saving.
    #[serde(default)]
    status: Option<String>,
    // Read-only fields of the response.
    #[serde(default, rename = "id")]
    _id: Option<IgnoredAny>,
    #[serde(default, rename = "url")]
    _url: Option<IgnoredAny>,
    #[serde(default, rename = "durations")]
    _durations: Option<IgnoredAny>,
    #[serde(default, rename = "published_lessons")]
    _published_lessons: Option<IgnoredAny>,
    #[serde(default, rename = "findings")]
    _findings: Option<IgnoredAny>,
    #[serde(default, rename = "reviews")]
    _reviews: Option<IgnoredAny>,
    #[serde(default, rename = "published_at")]
    _published_at: Option<IgnoredAny>,
    #[serde(default, rename = "created_at")]
    _created_at: Option<IgnoredAny>,
    #[serde(default, rename = "updated_at")]
    _updated_at: Option<IgnoredAny>,
}

impl PostmortemBody {
    fn form(self) -> (Form, Option<String>) {
        let opt = |s: Option<String>| s.unwrap_or_default();
        (
            Form {
                title: self.title,
                severity: self.severity,
                squads: self.squads,
                authors: self.authors.join(","),
                facilitator: opt(self.facilitator),
                started_at: self.started_at,
                detected_at: opt(self.detected_at),
                mitigated_at: opt(self.mitigated_at),
                resolved_at: opt(self.resolved_at),
                summary: self.summary,
                impact: self.impact,
                timeline: self
                    .timeline
                    .into_iter()
                    .map(|t| TimelineRow {
                        at: t.at,
                        text: t.text,
                    })
                    .collect(),
                factors: self.contributing_factors,
                detection: self.detection,
                went_well: self.went_well,
                went_wrong: self.went_wrong,
                lucky: self.lucky,
                lessons: self
                    .lessons
                    .into_iter()
                    .map(|l| LessonRow {
                        title: l.title,
                        body: l.body,
                    })
                    .collect(),
                actions: self
                    .action_items
                    .into_iter()
                    .map(|a| ActionRow {
                        id: a.id.map(|i| i.to_string()).unwrap_or_default(),
                        title: a.title,
                        kind: a.kind,
                        squad: a.squad,
                        person: opt(a.person),
                        due: opt(a.due),
                        status: a.status,
                        reason: a.reason,
                        tracker: a.tracker,
                    })
                    .collect(),
            },
            self.status,
        )
    }
}

#[derive(Serialize)]
struct LessonLink {
    id: i64,
    title: String,
    url: String,
}

#[derive(Serialize)]
struct Durations {
    detect_minutes: Option<i64>,
    mitigate_minutes: Option<i64>,
    resolve_minutes: Option<i64>,
}

#[derive(Serialize)]
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

#[derive(Serialize)]
struct ReviewJson {
    reviewer: String,
    #[serde(flatten)]
    review: Review,
}

#[derive(Serialize)]
struct PostmortemJson {
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

async fn respond(
    state: &AppState,
    org: &Arc<OrgView>,
    pm: Postmortem,
    created: bool,
) -> AppResult<HttpResponse> {
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
    let today = crate::dates::today();
    let slug = |id: i64| {
        org.snap
            .unit(id)
            .map(|u| u.slug.clone())
            .unwrap_or_default()
    };
    let user = |id: i64| org.snap.person(id).map(|p| p.username.clone());
    let minutes = |d: Option<chrono::Duration>| d.map(|d| d.num_minutes());
    let i = &pm.input;
    let d = i.times.durations();
    let json = PostmortemJson {
        id,
        url: pm.url(),
        title: i.title.clone(),
        severity: i.severity.key(),
        status: pm.status.key(),
        squads: i.squads.iter().map(|s| slug(*s)).collect(),
        authors: i.authors.iter().filter_map(|a| user(*a)).collect(),
        facilitator: i.facilitator.and_then(user),
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
        published_lessons: lessons
            .into_iter()
            .map(|(id, title)| LessonLink {
                url: format!("/lessons/{id}"),
                id,
                title,
            })
            .collect(),
        action_items: pm
            .items
            .iter()
            .map(|a| ActionJson {
                id: Some(a.id),
                title: a.title.clone(),
                kind: a.kind.key().into(),
                squad: slug(a.squad_id),
                person: a.person_id.and_then(user),
                due: a.due_on.map(|d| d.to_string()),
                status: a.status.key().into(),
                reason: a.reason.clone(),
                tracker: a.tracker.clone(),
                overdue: Some(a.overdue(today)),
                closed_on: a.closed_on,
            })
            .collect(),
        findings: findings.into_iter().map(FindingJson::of).collect(),
        reviews: reviews
            .into_iter()
            .map(|(review, username, _)| ReviewJson {
                reviewer: username,
                review,
            })
            .collect(),
        published_at: pm.published_at,
        created_at: pm.created_at,
        updated_at: pm.updated_at,
    };
    Ok(if created {
        HttpResponse::Created()
            .insert_header((actix_web::http::header::LOCATION, json.url.clone()))
            .json(json)
    } else {
        HttpResponse::Ok().json(json)
    })
}

#[derive(Serialize)]
struct SummaryJson {
    id: i64,
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

async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let cache = state.part::<SummaryCache>()?;
    let all = state.db.run(move |c| flow::all(c, &cache)).await?;
    let rows: Vec<SummaryJson> = q
        .select(&all, viewer.person(), &org)?
        .into_iter()
        .map(|s| {
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
        })
        .collect();
    paging::respond(&req, &page, rows, |p| p.id.to_string())
}

async fn get(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let pm = load(&state, &org, &viewer, id.into_inner()).await?;
    respond(&state, &org, pm, false).await
}

/// The status a body asks to move to after saving, checked before anything is saved: the
/// current status is no move (so what `GET` answered can be `PUT` back), draft ⇄ review is,
/// and publishing is a reviewer's approval, never a `PUT`.
fn wanted_status(raw: Option<String>, current: Status) -> Result<Option<Status>, FieldErrors> {
    let Some(raw) = raw.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let refuse = |m: String| {
        let mut e = FieldErrors::new();
        e.insert("status", m);
        Err(e)
    };
    match Status::parse(&raw) {
        Some(s) if s == current => Ok(None),
        Some(Status::Published) => refuse(
            "A post-mortem is published by a reviewer's approval: POST \
             /api/v1/postmortems/{id}/reviews."
                .into(),
        ),
        Some(_) if current == Status::Published => {
            refuse("A published post-mortem stays published.".into())
        }
        Some(s) => Ok(Some(s)),
        None => refuse(format!("{raw:?} is not a status (draft or review).")),
    }
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    old: Option<Postmortem>,
    body: PostmortemBody,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let org = org_view(state).await?;
    let (form, status) = body.form();
    let parsed = form.parse(&org, me);
    let wanted = wanted_status(status, old.as_ref().map_or(Status::Draft, |p| p.status));
    let (input, to) = match (parsed, wanted) {
        (Ok(i), Ok(s)) => (i, s),
        (Err(mut e), w) => {
            e.extend(w.err().unwrap_or_default());
            return Ok(invalid(e));
        }
        (_, Err(e)) => return Ok(invalid(e)),
    };
    let created = old.is_none();
    let mut pm = match store(state, &org, viewer, old.as_ref(), input).await? {
        Ok(pm) => pm,
        Err(e) => return Ok(invalid(e)),
    };
    if let Some(to) = to {
        pm = flow::move_to(state, &org, viewer, pm.id, to).await?;
    }
    respond(state, &org, pm, created).await
}

async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<PostmortemBody>,
) -> AppResult<HttpResponse> {
    save(&state, &viewer, None, body.into_inner()).await
}

async fn update(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    body: web::Json<PostmortemBody>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let old = editable(&state, &org, &viewer, id.into_inner()).await?;
    save(&state, &viewer, Some(old), body.into_inner()).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    verdict: String,
    #[serde(default)]
    comments: String,
    /// Publish although blameless findings are open.
    #[serde(default)]
    acknowledge_findings: bool,
}

async fn review(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    body: web::Json<ReviewBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let mut e = FieldErrors::new();
    let Some(verdict) = Verdict::parse(&b.verdict) else {
        e.insert(
            "verdict",
            format!("{:?} is not a verdict (approved or changes).", b.verdict),
        );
        return Ok(invalid(e));
    };
    let org = org_view(&state).await?;
    let input = ReviewInput {
        verdict,
        comments: b.comments,
        acknowledge: if b.acknowledge_findings {
            Acknowledge::All
        } else {
            Acknowledge::None
        },
        version: None,
    };
    match flow::review(&state, &org, &viewer, id.into_inner(), input).await? {
        Ok(pm) => respond(&state, &org, pm, false).await,
        Err(ReviewRefused::Findings(n)) => {
            e.insert(
                "acknowledge_findings",
                format!(
                    "{n} blameless finding(s) are open: request changes, or send \
                     \"acknowledge_findings\": true to publish anyway."
                ),
            );
            Ok(invalid(e))
        }
        Err(ReviewRefused::Comments(m)) => {
            e.insert("comments", m);
            Ok(invalid(e))
        }
        Err(ReviewRefused::Changed) => Err(AppError::Conflict(
            "It changed while it was being reviewed; read it again.".into(),
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckBody {
    text: String,
    /// `contributing_factors` also flags people named as the cause.
    #[serde(default)]
    place: Option<String>,
}

/// The findings of any text: `[{"rule","phrase","start","end","reason","suggestion"}]`, with
/// `start`/`end` in characters.
async fn check(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CheckBody>,
) -> AppResult<HttpResponse> {
    if !viewer.may_browse() {
        return Err(AppError::Unauthorized);
    }
    let b = body.into_inner();
    let place = match b.place.as_deref().map(str::trim) {
        None | Some("") | Some("anywhere") => Place::Anywhere,
        Some("contributing_factors") => Place::ContributingFactors,
        Some(other) => {
            let mut e = FieldErrors::new();
            e.insert(
                "place",
                format!("{other:?} is not a place (anywhere or contributing_factors)."),
            );
            return Ok(invalid(e));
        }
    };
    let (org_cache, people, rules) = (
        state.part::<OrgCache>()?,
        state.part::<PeopleCache>()?,
        state.part::<Rules>()?,
    );
    let findings = state
        .db
        .run(move |c| {
            let org = org_cache.get(c)?;
            let known = flow::known(c, &people, &org)?;
            Ok(rules.check_known(&b.text, place, &known))
        })
        .await?;
    Ok(HttpResponse::Ok().json(findings))
}
