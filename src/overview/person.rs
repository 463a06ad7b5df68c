//! A person's page (`/people/{username}`): their profile, teams and warnings from the org,
//! their public career step, and the lessons they wrote.

use std::collections::HashSet;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::lessons::repo::LessonSummary;
use crate::markdown::{self, SafeHtml};
use crate::org::cache::OrgCache;
use crate::org::unit::{Link, Membership, Role, Unit, stored_links};
use crate::org::unit_repo as repo;
use crate::org::views::{UnitRef, WarningView, warning_views};
use crate::people::model::Profile;
use crate::people::repo as people;
use crate::site::views::{Shell, html};
use crate::state::AppState;

#[derive(Deserialize)]
struct OnQuery {
    on: Option<String>,
}

/// `/people/{username}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/people/{username}", web::get().to(person));
}

async fn person(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    q: web::Query<OnQuery>,
) -> AppResult<HttpResponse> {
    let on = crate::site::forms::optional_date(q.on.as_deref().unwrap_or(""))
        .map_err(AppError::BadRequest)?;
    let username = username.into_inner();
    let cache = state.part::<OrgCache>()?;
    let me = crate::steps::flow::me(&viewer);
    let (profile, (memberships, lessons), view, (public_step, sees_steps)) = state
        .db
        .run(move |c| {
            let profile = people::profile(c, &username)?;
            let view = cache.get(c)?;
            // Their career step: shown when they made it public; the link to the record only
            // to those who may read it (nobody else learns that it exists).
            let steps = crate::steps::flow::load(c, &view, &username, me)?;
            let steps = (
                crate::steps::flow::public_of(&steps).map(|p| (p.step.label(), p.since)),
                steps.access.sees(),
            );
            let memberships = repo::memberships_of_person(c, profile.id)?;
            let lessons = crate::lessons::repo::list(
                c,
                &crate::lessons::repo::Filter {
                    author_id: Some(profile.id),
                    ..Default::default()
                },
                20,
            )?;
            Ok((profile, (memberships, lessons), view, steps))
        })
        .await?;
    // A disabled account (someone who left) is history only admins browse.
    if profile.disabled && !viewer.is_admin() {
        return Err(AppError::NotFound);
    }
    let warnings = warning_views(
        &view.snap,
        &crate::org::rules::warnings_for_person(&view.warnings, profile.id),
    );
    let can_edit = viewer
        .person()
        .is_some_and(|p| p.is_admin || p.id == profile.id);
    let mut page = person_page(
        Shell::new(&viewer, "org"),
        profile,
        memberships,
        warnings,
        on,
        can_edit,
        lessons,
    );
    page.public_step = public_step;
    page.sees_steps = sees_steps;
    page.teams = crate::org::leads::teams_of(&view.snap, page.profile.id);
    page.is_me = viewer.person().is_some_and(|p| p.id == page.profile.id);
    if !page.is_me {
        let target = crate::notify::model::Target::Person(page.profile.id);
        let next = format!("/people/{}", page.profile.username);
        page.watch = crate::notify::flow::button_for(&state, &viewer, target, next).await?;
    }
    html(&page)
}

pub struct PersonMembership {
    pub unit: UnitRef,
    pub role: Role,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

#[derive(Template)]
#[template(path = "overview/person.html")]
pub struct PersonPage {
    pub shell: Shell,
    pub profile: Profile,
    pub bio: SafeHtml,
    pub links: Vec<Link>,
    pub current: Vec<PersonMembership>,
    pub past: Vec<PersonMembership>,
    pub led: Vec<UnitRef>,
    pub warnings: Vec<WarningView>,
    /// `?on=DATE`: the teams of that day.
    pub on: Option<NaiveDate>,
    pub on_teams: Vec<PersonMembership>,
    pub can_edit: bool,
    /// Lessons they wrote, newest first.
    pub lessons: Vec<LessonSummary>,
    /// Their career step, when they made it public: (step, since).
    pub public_step: Option<(&'static str, Option<NaiveDate>)>,
    /// Whether the viewer may open their private career record.
    pub sees_steps: bool,
    /// Their teams today with the tribes they are in through them, and who leads each.
    pub teams: Vec<crate::org::leads::Team>,
    /// The viewer's own page: the way on to their account settings.
    pub is_me: bool,
    /// Watching their lessons (not offered on one's own page).
    pub watch: Option<crate::notify::flow::WatchButton>,
}

pub fn person_page(
    shell: Shell,
    profile: Profile,
    memberships: Vec<(Membership, Unit)>,
    warnings: Vec<WarningView>,
    on: Option<NaiveDate>,
    can_edit: bool,
    lessons: Vec<LessonSummary>,
) -> PersonPage {
    let today = crate::dates::today();
    let view = |(m, u): &(Membership, Unit)| PersonMembership {
        unit: UnitRef::of(u),
        role: m.role(),
        since: m.start_date,
        until: m.end_date,
    };
    let current: Vec<PersonMembership> = memberships
        .iter()
        .filter(|(m, _)| m.is_current(today))
        .map(view)
        .collect();
    let past = memberships
        .iter()
        .filter(|(m, _)| m.end_date.is_some_and(|e| e <= today))
        .map(view)
        .collect();
    let on_teams = on
        .map(|day| {
            memberships
                .iter()
                .filter(|(m, _)| m.is_current(day))
                .map(view)
                .collect()
        })
        .unwrap_or_default();
    let mut seen = HashSet::new();
    let led = current
        .iter()
        .filter(|m| m.role.leads() && seen.insert(m.unit.id))
        .map(|m| m.unit.clone())
        .collect();
    PersonPage {
        shell,
        bio: markdown::render(&profile.bio),
        links: stored_links(&profile.links),
        profile,
        current,
        past,
        led,
        warnings,
        on,
        on_teams,
        can_edit,
        lessons,
        public_step: None,
        sees_steps: false,
        teams: Vec::new(),
        is_me: false,
        watch: None,
    }
}
