//! A unit's page (`/tribes/{slug}`, `/squads/{slug}`, … for every kind): the unit, its members
//! and warnings from the org, with the wiki pages, lessons, experiments and open action items
//! of its teams; and the add-member form, which shows the page again when it is refused.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::action_items::flow::{Caches, Listed};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::experiments::flow::EndedCache;
use crate::experiments::insights::UnitExperiments;
use crate::ids::{PersonId, UnitId};
use crate::lessons::repo::LessonSummary;
use crate::markdown::{self, SafeHtml};
use crate::notify::flow::{WatchButton, button};
use crate::notify::model::Target;
use crate::org::access::Access;
use crate::org::cache::{OrgCache, OrgView};
use crate::org::flow::{self, MemberInput};
use crate::org::rules::{Snapshot, Warning};
use crate::org::unit::{Initiative, Link, Membership, Role, Stage, Unit, UnitKind, stored_links};
use crate::org::unit_repo::{self as repo, Lookup, PersonBrief, UnitEvent};
use crate::org::views::{
    InitiativeRow, MemberForm, MemberRow, PersonRef, UnitRef, WarningView, warning_views,
};
use crate::pages::repo::PageSummary;
use crate::site::views::{Shell, html_with_status, moved_permanently, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "overview/unit.html")]
pub struct UnitPage {
    pub shell: Shell,
    pub unit: Unit,
    pub kind: UnitKind,
    pub description: SafeHtml,
    pub links: Vec<Link>,
    pub tribe: Option<UnitRef>,
    /// (heading, units) groups of related units.
    pub related: Vec<(&'static str, Vec<UnitRef>)>,
    pub current: Vec<MemberRow>,
    pub former: Vec<MemberRow>,
    pub warnings: Vec<WarningView>,
    pub initiatives: Vec<InitiativeRow>,
    pub stages: Vec<(&'static str, &'static str)>,
    pub events: Vec<UnitEvent>,
    pub can_edit: bool,
    /// Guilds: the viewer may join (not a member yet) or leave (their membership id).
    pub can_join: bool,
    pub leave_id: Option<i64>,
    pub roles: Vec<&'static str>,
    pub move_targets: Vec<UnitRef>,
    pub member_form: MemberForm,
    pub today: NaiveDate,
    pub people_count: usize,
    /// A tribe: everyone in it (trio, squads, chapters, the tribe itself), by name, with the
    /// units of the tribe each is in. Empty for other kinds.
    pub tribe_people: Vec<(PersonRef, String)>,
    pub has_matrix: bool,
    pub pages: Vec<PageSummary>,
    pub lessons: Vec<LessonSummary>,
    /// Squads and tribes: their learning rate and recent experiments.
    pub experiments: Option<UnitExperiments>,
    /// Open action items of the squad (or the tribe's squads), overdue first.
    pub actions: Vec<crate::action_items::flow::ActionView>,
    /// The squad's running retros and open health checks.
    pub happening: Vec<super::happening::Happening>,
    pub watch: Option<WatchButton>,
}

/// Everything a unit page shows, from a snapshot and the unit's own records.
pub struct UnitData {
    pub unit: Unit,
    pub memberships: Vec<(Membership, PersonBrief)>,
    pub initiatives: Vec<Initiative>,
    pub events: Vec<UnitEvent>,
    /// Wiki pages attached to the unit, and its recent lessons.
    pub pages: Vec<PageSummary>,
    pub lessons: Vec<LessonSummary>,
    pub experiments: Option<UnitExperiments>,
    /// Open action items owned by the squad (or the tribe's squads), overdue first.
    pub actions: Vec<Listed>,
    /// A squad's retros and health checks still open, for a signed-in viewer to join.
    pub happening: Vec<super::happening::Happening>,
    pub watch: Option<WatchButton>,
}

pub fn unit_page(
    shell: Shell,
    s: &Snapshot,
    warnings: &[Warning],
    alliance_links: &[(UnitId, UnitId)],
    access: &Access,
    data: UnitData,
    member_form: MemberForm,
) -> UnitPage {
    let today = crate::dates::today();
    let unit = data.unit;
    let kind = unit.kind();
    let can_edit = access.can_edit(&unit);
    let (current, former) = member_rows(&data.memberships, access, &unit, today);
    let leave_id = data
        .memberships
        .iter()
        .find(|(m, _)| m.end_date.is_none() && Some(m.person_id) == access.person_id)
        .map(|(m, _)| m.id);
    let related = related_units(s, &unit, alliance_links);
    let tribe = unit.tribe_id.and_then(|t| s.unit(t));
    let unit_warnings = crate::org::rules::warnings_for_unit(warnings, s, unit.id);
    let move_targets = if kind == UnitKind::Squad && can_edit {
        s.of_kind(UnitKind::Tribe)
            .filter(|t| Some(t.id) != unit.tribe_id)
            .map(UnitRef::of)
            .collect()
    } else {
        vec![]
    };
    UnitPage {
        shell,
        kind,
        description: markdown::render(&unit.description),
        links: stored_links(&unit.links),
        tribe: tribe.map(UnitRef::of),
        related,
        people_count: people_count(s, &unit),
        tribe_people: tribe_people(s, &unit),
        current,
        former,
        warnings: warning_views(s, &unit_warnings),
        initiatives: data
            .initiatives
            .iter()
            .map(|i| InitiativeRow {
                id: i.id,
                name: i.name.clone(),
                stage: i.stage().as_str(),
                stage_label: i.stage().label(),
                description: i.description.clone(),
            })
            .collect(),
        stages: Stage::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        events: data.events,
        pages: data.pages,
        lessons: data.lessons,
        experiments: data.experiments,
        happening: data.happening,
        watch: data.watch,
        actions: data
            .actions
            .iter()
            .map(|l| crate::action_items::flow::ActionView::of(l, s, today))
            .collect(),
        can_edit,
        can_join: kind == UnitKind::Guild && access.person_id.is_some() && leave_id.is_none(),
        leave_id: if kind == UnitKind::Guild {
            leave_id
        } else {
            None
        },
        roles: kind.roles().iter().map(|r| r.as_str()).collect(),
        move_targets,
        member_form,
        today,
        has_matrix: kind == UnitKind::Tribe,
        unit,
    }
}

/// How many people a unit has: a tribe counts everyone in it, as `/org` does.
fn people_count(s: &Snapshot, unit: &Unit) -> usize {
    match unit.kind() {
        UnitKind::Tribe => s.people_in_tribe(unit.id).len(),
        _ => s.people_in(unit.id).len(),
    }
}

/// Everyone in a tribe, by name, with the units of the tribe each is in (the tribe itself
/// last): the people `/org` counts for it.
fn tribe_people(s: &Snapshot, tribe: &Unit) -> Vec<(PersonRef, String)> {
    if tribe.kind() != UnitKind::Tribe {
        return vec![];
    }
    let mut units_of: HashMap<PersonId, Vec<&str>> = HashMap::new();
    for u in s.units_of_tribe(tribe.id).chain([tribe]) {
        for m in s.memberships_of(u.id) {
            let units = units_of.entry(m.person_id).or_default();
            if !units.contains(&u.name.as_str()) {
                units.push(&u.name);
            }
        }
    }
    let mut people: Vec<(PersonRef, String)> = units_of
        .into_iter()
        .filter_map(|(p, units)| Some((PersonRef::of(s.person(p)?), units.join(" · "))))
        .collect();
    people.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    people
}

/// A unit's members now, roles first, and its former members, the most recent first.
fn member_rows(
    memberships: &[(Membership, PersonBrief)],
    access: &Access,
    unit: &Unit,
    today: NaiveDate,
) -> (Vec<MemberRow>, Vec<MemberRow>) {
    let row = |(m, p): &(Membership, PersonBrief)| MemberRow {
        membership_id: m.id,
        person: PersonRef::of(p),
        left: p.disabled,
        role: m.role(),
        since: m.start_date,
        until: m.end_date,
        can_end: m.end_date.is_none()
            && access.can_change_membership_of(unit, m.person_id, m.role()),
    };
    let (current, former): (Vec<_>, Vec<_>) = memberships
        .iter()
        .partition(|(m, p)| !p.disabled && m.end_date.is_none_or(|e| e > today));
    let mut current: Vec<MemberRow> = current.into_iter().map(row).collect();
    current.sort_by(|a, b| {
        a.role
            .cmp(&b.role)
            .reverse()
            .then(a.person.name.cmp(&b.person.name))
    });
    current.sort_by_key(|r| r.role == Role::Member);
    let mut former: Vec<MemberRow> = former.into_iter().map(row).collect();
    // Those who left the company without their memberships being ended come first: their
    // membership is still open, so it has no end date to sort by.
    former.sort_by_key(|r| std::cmp::Reverse((r.left && r.until.is_none(), r.until)));
    (current, former)
}

/// The units a unit's page links to: a tribe's trio, squads and chapters (and alliances),
/// the other squads or chapters of a squad's or chapter's tribe, an alliance's tribes.
fn related_units(
    s: &Snapshot,
    unit: &Unit,
    alliance_links: &[(UnitId, UnitId)],
) -> Vec<(&'static str, Vec<UnitRef>)> {
    let kind = unit.kind();
    let units_of =
        |kind: UnitKind| -> Vec<UnitRef> { s.in_tribe(unit.id, kind).map(UnitRef::of).collect() };
    let tribe = unit.tribe_id.and_then(|t| s.unit(t));
    let mut related: Vec<(&'static str, Vec<UnitRef>)> = match kind {
        UnitKind::Tribe => vec![
            ("Trio", units_of(UnitKind::Trio)),
            ("Squads", units_of(UnitKind::Squad)),
            ("Chapters", units_of(UnitKind::Chapter)),
        ],
        UnitKind::Squad | UnitKind::Chapter => {
            let other = if kind == UnitKind::Squad {
                UnitKind::Chapter
            } else {
                UnitKind::Squad
            };
            let heading = if kind == UnitKind::Squad {
                "Chapters of the tribe"
            } else {
                "Squads of the tribe"
            };
            vec![(
                heading,
                tribe
                    .map(|t| s.in_tribe(t.id, other).map(UnitRef::of).collect())
                    .unwrap_or_default(),
            )]
        }
        UnitKind::Alliance => vec![(
            "Tribes",
            alliance_links
                .iter()
                .filter(|(a, _)| *a == unit.id)
                .filter_map(|(_, t)| s.unit(*t))
                .map(UnitRef::of)
                .collect(),
        )],
        UnitKind::Trio | UnitKind::Guild => vec![],
    };
    if kind == UnitKind::Tribe {
        let alliances: Vec<UnitRef> = alliance_links
            .iter()
            .filter(|(_, t)| *t == unit.id)
            .filter_map(|(a, _)| s.unit(*a))
            .map(UnitRef::of)
            .collect();
        related.push(("Alliances", alliances));
    }
    related.retain(|(_, units)| !units.is_empty());
    related
}

/// For every kind of unit, its page and its add-member form.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for kind in UnitKind::ALL {
        let base = format!("/{}/{{slug}}", kind.plural());
        cfg.route(&base, web::get().to(unit))
            .route(&format!("{base}/members"), web::post().to(add_member));
    }
}

/// Loads everything a unit page needs; `Err(url)` when the slug is an old one.
async fn unit_data(
    state: &AppState,
    viewer: &Viewer,
    kind: UnitKind,
    slug: String,
) -> AppResult<Result<(Arc<OrgView>, Access, UnitData), String>> {
    let me = viewer.person().cloned();
    let (cache, ended, actions, retros) = (
        state.part::<OrgCache>()?,
        state.part::<EndedCache>()?,
        Caches::of(state)?,
        state.part::<crate::retros::flow::RetroCache>()?,
    );
    state
        .db
        .run(move |c| {
            let unit = match repo::find_unit(c, kind, &slug)? {
                Lookup::Found(u) => *u,
                Lookup::MovedTo(url) => return Ok(Err(url)),
            };
            let access = Access::load(c, me.as_ref())?;
            let view = cache.get(c)?;
            let squads: Option<Vec<UnitId>> = match kind {
                UnitKind::Squad => Some(vec![unit.id]),
                UnitKind::Tribe => Some(
                    view.snap
                        .in_tribe(unit.id, UnitKind::Squad)
                        .map(|u| u.id)
                        .collect(),
                ),
                _ => None,
            };
            let actions = match &squads {
                Some(s) => crate::action_items::flow::visible(
                    c,
                    &actions,
                    &view,
                    me.as_ref(),
                    Some(crate::action_items::model::Status::Open),
                    Some(s),
                )?,
                None => vec![],
            };
            // Open retros and health checks are for the signed-in to join.
            let happening = match (kind, &me) {
                (UnitKind::Squad, Some(_)) => super::happening::happening(c, &retros, unit.id)?,
                _ => vec![],
            };
            let me_id = me.as_ref().map(|p| p.id);
            let watch = button(c, me_id, Target::Unit(unit.id), &unit.url())?;
            let data = UnitData {
                watch,
                happening,
                actions,
                experiments: squads
                    .map(|s| crate::experiments::flow::for_unit(c, &ended, &s))
                    .transpose()?,
                memberships: repo::memberships_of_unit(c, unit.id)?,
                initiatives: if kind == UnitKind::Alliance {
                    repo::initiatives_of(c, unit.id)?
                } else {
                    vec![]
                },
                events: repo::events_of(c, unit.id)?,
                pages: crate::pages::repo::list(c, Some(unit.id), None, 20)?,
                lessons: crate::lessons::repo::list(
                    c,
                    &crate::lessons::repo::Filter {
                        unit_id: Some(unit.id),
                        ..Default::default()
                    },
                    10,
                )?,
                unit,
            };
            Ok(Ok((view, access, data)))
        })
        .await
}

async fn render_unit(
    state: &AppState,
    viewer: &Viewer,
    req: &HttpRequest,
    slug: String,
    member_form: MemberForm,
) -> AppResult<HttpResponse> {
    let kind = UnitKind::of_path(req.path())?;
    let (view, access, data) = match unit_data(state, viewer, kind, slug).await? {
        Ok(found) => found,
        // A renamed unit: its old address points to the new one for good.
        Err(url) => return Ok(moved_permanently(&url)),
    };
    let status = if member_form.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = unit_page(
        Shell::new(viewer, "org"),
        &view.snap,
        &view.warnings,
        &view.alliance_links,
        &access,
        data,
        member_form,
    );
    html_with_status(&page, status)
}

async fn unit(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    render_unit(
        &state,
        &viewer,
        &req,
        slug.into_inner(),
        MemberForm::default(),
    )
    .await
}

#[derive(Deserialize)]
struct MemberFields {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    since: String,
}

async fn add_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<MemberFields>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let kind = UnitKind::of_path(req.path())?;
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = match MemberInput::parse(kind, &form.username, &form.role, &form.since) {
        Err(msg) => Err(AppError::Validation(msg)),
        Ok(input) => {
            let slug = slug.clone();
            state
                .db
                .run(move |c| Ok(flow::add_member(c, &me, kind, &slug, &input)?.0.url()))
                .await
        }
    };
    match result {
        Ok(url) => Ok(see_other(&url)),
        Err(AppError::Validation(msg)) | Err(AppError::Conflict(msg)) => {
            let member_form = MemberForm {
                username: form.username,
                role: form.role,
                since: form.since,
                error: Some(msg),
            };
            render_unit(&state, &viewer, &req, slug, member_form).await
        }
        Err(e) => Err(e),
    }
}
