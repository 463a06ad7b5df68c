//! The org's JSON API (a contract: scripts depend on these paths and keys).
//!
//! - `GET /api/v1/people`, `GET /api/v1/people/{username}`
//! - `GET /api/v1/units?kind=squad`, `GET /api/v1/units/{kind}/{slug}`
//! - `POST /api/v1/units/{kind}` and `POST /api/v1/units/{kind}/{slug}/members` (admin or the
//!   unit's lead), answering `{"error": "..."}` with a 4xx status on bad input.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::access::Access;
use super::flow::{self, MemberInput};
use super::forms;
use super::rules::Snapshot;
use super::unit::{Link, Role, Unit, UnitKind, stored_links};
use super::unit_repo as repo;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult, ErrorJson};
use crate::org::cache::OrgCache;
use crate::people::model::Profile;
use crate::people::repo as people;
use crate::site::forms::Pairs;
use crate::site::paging::{self, Page, PageQuery};
use crate::state::AppState;

/// This API's part of the OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_people, get_person, list_units, get_unit, create_unit, add_member))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/people", web::get().to(list_people))
        .route("/api/v1/people/{username}", web::get().to(get_person))
        .route("/api/v1/units", web::get().to(list_units))
        .route("/api/v1/units/{kind}", web::post().to(create_unit))
        .route("/api/v1/units/{kind}/{slug}", web::get().to(get_unit))
        .route(
            "/api/v1/units/{kind}/{slug}/members",
            web::post().to(add_member),
        );
}

#[derive(Serialize, utoipa::ToSchema)]
struct PersonSummary {
    username: String,
    name: String,
    email: Option<String>,
    discipline: String,
    title: String,
    url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct MembershipJson {
    kind: UnitKind,
    slug: String,
    name: String,
    role: Role,
    since: NaiveDate,
    until: Option<NaiveDate>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct PersonJson {
    username: String,
    name: String,
    email: Option<String>,
    discipline: String,
    title: String,
    bio: String,
    links: Vec<Link>,
    url: String,
    /// Current and past, newest first.
    memberships: Vec<MembershipJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct MemberJson {
    username: String,
    name: String,
    role: Role,
    since: NaiveDate,
}

#[derive(Serialize, utoipa::ToSchema)]
struct UnitSummary {
    kind: UnitKind,
    slug: String,
    name: String,
    mission: String,
    tribe: Option<String>,
    url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct InitiativeJson {
    name: String,
    stage: &'static str,
    description: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct UnitJson {
    kind: UnitKind,
    slug: String,
    name: String,
    mission: String,
    description: String,
    tribe: Option<String>,
    discipline: Option<String>,
    links: Vec<Link>,
    url: String,
    /// Current members.
    members: Vec<MemberJson>,
    /// Alliances: the tribes whose trios work together.
    #[serde(skip_serializing_if = "Option::is_none")]
    tribes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initiatives: Option<Vec<InitiativeJson>>,
}

fn tribe_slug(s: &Snapshot, u: &Unit) -> Option<String> {
    u.tribe_id.and_then(|t| s.unit(t)).map(|t| t.slug.clone())
}

fn summary(s: &Snapshot, u: &Unit) -> UnitSummary {
    UnitSummary {
        kind: u.kind(),
        slug: u.slug.clone(),
        name: u.name.clone(),
        mission: u.mission.clone(),
        tribe: tribe_slug(s, u),
        url: u.url(),
    }
}

#[utoipa::path(get, path = "/api/v1/people", tag = "org", params(PageQuery), responses((status = 200, description = "A page of people", body = Page<PersonSummary>)))]
async fn list_people(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    // Visitors of a --public-read instance see the directory, not the e-mail addresses.
    let signed_in = viewer.person().is_some();
    let list = state
        .db
        .run(people::all_profiles)
        .await?
        .into_iter()
        .filter(|p| !p.disabled)
        .map(|p| PersonSummary {
            url: format!("/people/{}", p.username),
            username: p.username,
            name: p.display_name,
            email: p.email.filter(|_| signed_in),
            discipline: p.discipline,
            title: p.title,
        })
        .collect::<Vec<_>>();
    paging::respond(&req, &page, list, |p| p.username.clone())
}

#[utoipa::path(get, path = "/api/v1/people/{username}", tag = "org", params(("username" = String, Path, description = "The person's username")), responses((status = 200, description = "The person, with their memberships", body = PersonJson), (status = 404, description = "No such person", body = ErrorJson)))]
async fn get_person(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let username = username.into_inner();
    let (p, memberships): (Profile, _) = state
        .db
        .run(move |c| {
            let p = people::profile(c, &username)?;
            let m = repo::memberships_of_person(c, p.id)?;
            Ok((p, m))
        })
        .await?;
    if p.disabled && !viewer.is_admin() {
        return Err(AppError::NotFound);
    }
    let signed_in = viewer.person().is_some();
    Ok(HttpResponse::Ok().json(PersonJson {
        url: format!("/people/{}", p.username),
        links: stored_links(&p.links),
        username: p.username,
        name: p.display_name,
        email: p.email.filter(|_| signed_in),
        discipline: p.discipline,
        title: p.title,
        bio: p.bio,
        memberships: memberships
            .into_iter()
            .map(|(m, u)| MembershipJson {
                kind: u.kind(),
                slug: u.slug,
                name: u.name,
                role: m.role(),
                since: m.start_date,
                until: m.end_date,
            })
            .collect(),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct KindQuery {
    /// Only units of this kind: squad, tribe, chapter, guild, trio or alliance.
    #[param(value_type = Option<UnitKind>)]
    kind: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/units", tag = "org", params(KindQuery, PageQuery), responses((status = 200, description = "A page of units", body = Page<UnitSummary>), (status = 422, description = "Not a kind of unit", body = ErrorJson)))]
async fn list_units(
    state: web::Data<AppState>,
    q: web::Query<KindQuery>,
    req: HttpRequest,
    page: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let kind = match q.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some(UnitKind::parse(k).ok_or_else(|| {
            AppError::Validation(format!(
                "Unknown kind {k:?}: use tribe, squad, chapter, guild, trio or alliance."
            ))
        })?),
        None => None,
    };
    let view = super::cache::org_view(&state).await?;
    let list: Vec<UnitSummary> = view
        .snap
        .units
        .iter()
        .filter(|u| kind.is_none_or(|k| u.kind() == k))
        .map(|u| summary(&view.snap, u))
        .collect();
    paging::respond(&req, &page, list, |u| u.url.clone())
}

fn parse_kind(raw: &str) -> AppResult<UnitKind> {
    UnitKind::parse(raw).ok_or(AppError::NotFound)
}

async fn unit_json(state: &AppState, kind: UnitKind, slug: String) -> AppResult<UnitJson> {
    let cache = state.part::<OrgCache>()?;
    let (unit, members, view, initiatives) = state
        .db
        .run(move |c| {
            let unit = repo::unit(c, kind, &slug)?;
            let members = repo::memberships_of_unit(c, unit.id)?;
            let initiatives = repo::initiatives_of(c, unit.id)?;
            Ok((unit, members, cache.get(c)?, initiatives))
        })
        .await?;
    let snap = &view.snap;
    let today = crate::dates::today();
    let alliance = kind == UnitKind::Alliance;
    let tribes = if alliance {
        Some(
            view.alliance_links
                .iter()
                .filter(|(a, _)| *a == unit.id)
                .filter_map(|(_, t)| snap.unit(*t))
                .map(|t| t.slug.clone())
                .collect(),
        )
    } else {
        None
    };
    Ok(UnitJson {
        kind,
        tribe: tribe_slug(snap, &unit),
        discipline: (kind == UnitKind::Chapter).then(|| unit.discipline.clone()),
        links: stored_links(&unit.links),
        url: unit.url(),
        members: members
            .into_iter()
            // Someone who left the company (disabled) is no current member of anything.
            .filter(|(m, p)| m.is_current(today) && !p.disabled)
            .map(|(m, p)| MemberJson {
                username: p.username,
                name: p.display_name,
                role: m.role(),
                since: m.start_date,
            })
            .collect(),
        tribes,
        initiatives: alliance.then(|| {
            initiatives
                .into_iter()
                .map(|i| InitiativeJson {
                    stage: i.stage().as_str(),
                    name: i.name,
                    description: i.description,
                })
                .collect()
        }),
        slug: unit.slug,
        name: unit.name,
        mission: unit.mission,
        description: unit.description,
    })
}

#[utoipa::path(get, path = "/api/v1/units/{kind}/{slug}", tag = "org", params(("kind" = UnitKind, Path, description = "squad, tribe, chapter, guild, trio or alliance"), ("slug" = String, Path, description = "The unit's slug")), responses((status = 200, description = "The unit and its members", body = UnitJson), (status = 404, description = "No such unit", body = ErrorJson)))]
async fn get_unit(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (kind, slug) = path.into_inner();
    Ok(HttpResponse::Ok().json(unit_json(&state, parse_kind(&kind)?, slug).await?))
}

/// A unit to create; tribes are named by slug.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUnitJson {
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    mission: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    tribe: Option<String>,
    #[serde(default)]
    discipline: String,
    #[serde(default)]
    tribes: Vec<String>,
    /// One link a line, or a list of "Label URL" strings.
    #[serde(default)]
    links: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/units/{kind}", tag = "org", request_body = NewUnitJson, params(("kind" = UnitKind, Path, description = "squad, tribe, chapter, guild, trio or alliance")), responses((status = 201, description = "The unit made", body = UnitJson), (status = 403, description = "Only administrators may", body = ErrorJson), (status = 409, description = "The slug is taken", body = ErrorJson), (status = 422, description = "A field is wrong", body = ErrorJson)))]
async fn create_unit(
    state: web::Data<AppState>,
    viewer: Viewer,
    kind: web::Path<String>,
    body: crate::request::JsonBody<NewUnitJson>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let kind = parse_kind(&kind)?;
    let b = body.into_inner();
    let mut pairs = vec![
        ("name".to_string(), b.name),
        ("slug".to_string(), b.slug),
        ("mission".to_string(), b.mission),
        ("description".to_string(), b.description),
        ("tribe".to_string(), b.tribe.unwrap_or_default()),
        ("discipline".to_string(), b.discipline),
        ("links".to_string(), b.links.join("\n")),
    ];
    pairs.extend(
        b.tribes
            .into_iter()
            .map(|t| ("alliance_tribes".to_string(), t)),
    );
    let form = Pairs(pairs);
    let slug = state
        .db
        .run(move |c| {
            let tribes = repo::units_of_kind(c, UnitKind::Tribe)?;
            let fields = forms::unit_fields(kind, &form, &tribes)?;
            if !Access::load(c, Some(&me))?.can_create(kind, fields.tribe_id) {
                return Err(AppError::forbidden(format!(
                    "Only an admin (or, inside their tribe, a tribe lead) may create a {kind}."
                )));
            }
            Ok(repo::create_unit(c, Some(me.id), kind, &fields)?.slug)
        })
        .await?;
    let json = unit_json(&state, kind, slug).await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, json.url.clone()))
        .json(json))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewMemberJson {
    username: String,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    since: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/units/{kind}/{slug}/members", tag = "org", request_body = NewMemberJson, params(("kind" = UnitKind, Path, description = "squad, tribe, chapter, guild, trio or alliance"), ("slug" = String, Path, description = "The unit's slug")), responses((status = 201, description = "The membership made", body = MemberJson), (status = 403, description = "Not allowed to change this unit", body = ErrorJson), (status = 404, description = "No such unit", body = ErrorJson), (status = 422, description = "A field is wrong, or the org's rules forbid it", body = ErrorJson)))]
async fn add_member(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    body: crate::request::JsonBody<NewMemberJson>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let (kind, slug) = path.into_inner();
    let kind = parse_kind(&kind)?;
    let b = body.into_inner();
    let input = MemberInput::parse(
        kind,
        &b.username,
        b.role.as_deref().unwrap_or(""),
        b.since.as_deref().unwrap_or(""),
    )
    .map_err(AppError::Validation)?;
    let member = state
        .db
        .run(move |c| {
            let (_, person, m) = flow::add_member(c, &me, kind, &slug, &input)?;
            Ok(MemberJson {
                username: person.username,
                name: person.display_name,
                role: m.role(),
                since: m.start_date,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(member))
}
