//! The org pages: `/org`, `/org/health`, `/people`, the tribe matrix, and the forms that
//! create and change units and memberships. Unit and person pages, which gather several
//! features, are in `overview`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::access::Access;
use super::flow::{self, MemberInput};
use super::forms;
use super::unit::{Stage, UnitKind};
use super::unit_repo::{self as repo, Lookup};
use super::views::{self, UnitFormPage};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::{OrgCache, org_view};
use crate::people::repo as people;
use crate::site::forms::{FieldErrors, Pairs};
use crate::site::views::{Shell, html, html_with_status, moved_permanently, see_other};
use crate::state::AppState;

const MOVE_REFUSED: &str = "Only an admin or the lead of its tribe may move a squad or chapter \
     to another tribe (and only an admin a trio).";

/// Catalog uploads may be large (thousands of people).
pub const IMPORT_LIMIT: usize = 20 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/import")
            .app_data(
                actix_multipart::form::MultipartFormConfig::default()
                    .total_limit(IMPORT_LIMIT)
                    .memory_limit(IMPORT_LIMIT),
            )
            .route(web::get().to(super::import_page::form))
            .route(web::post().to(super::import_page::upload)),
    );
    cfg.route("/org", web::get().to(org))
        .route("/org/health", web::get().to(health))
        .route("/org/chart.svg", web::get().to(super::chart::chart))
        .route("/org/new", web::get().to(new_unit_form))
        .route("/org/new", web::post().to(create_unit))
        .route("/people", web::get().to(people_list))
        .route("/people/{username}/edit", web::get().to(edit_person_form))
        .route("/people/{username}/edit", web::post().to(edit_person))
        .route("/tribes/{slug}/matrix", web::get().to(matrix))
        .route("/guilds/{slug}/join", web::post().to(join_guild))
        .route("/squads/{slug}/move", web::post().to(move_squad))
        .route(
            "/alliances/{slug}/initiatives",
            web::post().to(add_initiative),
        )
        .route(
            "/alliances/{slug}/initiatives/{id}/stage",
            web::post().to(set_stage),
        );
    for kind in UnitKind::ALL {
        let base = format!("/{}/{{slug}}", kind.plural());
        cfg.route(&format!("{base}/edit"), web::get().to(edit_unit_form))
            .route(&format!("{base}/edit"), web::post().to(edit_unit))
            .route(
                &format!("{base}/members/{{id}}/end"),
                web::post().to(end_member),
            );
    }
}

async fn org(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let view = org_view(&state).await?;
    html(&views::org_page(
        Shell::new(&viewer, "org"),
        &view.snap,
        &view.alliance_links,
        view.warnings.len(),
        viewer.is_admin(),
    ))
}

async fn health(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let view = org_view(&state).await?;
    html(&views::health_page(
        Shell::new(&viewer, "org"),
        &view.snap,
        &view.warnings,
    ))
}

#[derive(Deserialize)]
struct PeopleQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    discipline: String,
    page: Option<usize>,
}

async fn people_list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<PeopleQuery>,
) -> AppResult<HttpResponse> {
    let view = org_view(&state).await?;
    html(&views::people_page(
        Shell::new(&viewer, "org"),
        &view.snap,
        &q.q,
        &q.discipline,
        q.page.unwrap_or(1),
    ))
}

fn may_edit_person(viewer: &Viewer, person_id: i64) -> AppResult<()> {
    let me = viewer.require_user()?;
    if me.is_admin || me.id == person_id {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only the person themselves or an admin may edit a profile.",
        ))
    }
}

async fn edit_person_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let username = username.into_inner();
    let p = state.db.run(move |c| people::profile(c, &username)).await?;
    may_edit_person(&viewer, p.id)?;
    html(&views::PersonForm {
        shell: Shell::new(&viewer, "org"),
        username: p.username,
        display_name: p.display_name,
        email: p.email.unwrap_or_default(),
        discipline: p.discipline,
        title: p.title,
        bio: p.bio,
        links: p.links,
        errors: Default::default(),
    })
}

async fn edit_person(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let username = username.into_inner();
    let lookup = username.clone();
    let p = state.db.run(move |c| people::profile(c, &lookup)).await?;
    may_edit_person(&viewer, p.id)?;
    let form = Pairs(form.into_inner());
    match forms::profile_fields(&form) {
        Ok(parsed) => {
            let actor = viewer.person().map(|me| me.id);
            let saved = state
                .db
                .run(move |c| {
                    people::update_profile(
                        c,
                        actor,
                        p.id,
                        &parsed.display_name,
                        parsed.email.as_deref(),
                        &parsed.fields,
                    )
                })
                .await?;
            Ok(see_other(&format!("/people/{}", saved.username)))
        }
        Err(errors) => html_with_status(
            &views::PersonForm {
                shell: Shell::new(&viewer, "org"),
                username,
                display_name: form.get("display_name").to_string(),
                email: form.get("email").to_string(),
                discipline: form.get("discipline").to_string(),
                title: form.get("title").to_string(),
                bio: form.get("bio").to_string(),
                links: form.get("links").to_string(),
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

async fn matrix(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let slug = slug.into_inner();
    let cache = state.part::<OrgCache>()?;
    let (tribe, view) = state
        .db
        .run(move |c| {
            let tribe = match repo::find_unit(c, UnitKind::Tribe, &slug)? {
                Lookup::Found(t) => Ok(*t),
                Lookup::MovedTo(url) => Err(url),
            };
            Ok((tribe, cache.get(c)?))
        })
        .await?;
    match tribe {
        Ok(tribe) => html(&views::matrix_page(
            Shell::new(&viewer, "org"),
            &view.snap,
            &tribe,
        )),
        Err(url) => Ok(moved_permanently(&format!("{url}/matrix"))),
    }
}

async fn join_guild(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let slug = slug.into_inner();
    let url = state
        .db
        .run(move |c| {
            let input = MemberInput::parse(UnitKind::Guild, &me.username, "member", "")
                .map_err(AppError::Validation)?;
            Ok(flow::add_member(c, &me, UnitKind::Guild, &slug, &input)?
                .0
                .url())
        })
        .await?;
    Ok(see_other(&url))
}

#[derive(Deserialize)]
struct EndFields {
    #[serde(default)]
    until: String,
}

async fn end_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: web::Form<EndFields>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let kind = UnitKind::of_path(req.path())?;
    let (slug, id) = path.into_inner();
    let until = crate::site::forms::date_or_today(&form.until, crate::dates::today())
        .map_err(AppError::Validation)?;
    let url = state
        .db
        .run(move |c| {
            let unit = repo::unit(c, kind, &slug)?;
            let m = repo::membership(c, id)?;
            if m.unit_id != unit.id {
                return Err(AppError::NotFound);
            }
            if !Access::load(c, Some(&me))?.can_change_membership_of(&unit, m.person_id, m.role()) {
                return Err(AppError::forbidden(format!(
                    "Only an admin or a lead of {} (or of its tribe) may change its members.",
                    unit.name
                )));
            }
            repo::end_membership(c, Some(me.id), id, until)?;
            Ok(unit.url())
        })
        .await?;
    Ok(see_other(&url))
}

#[derive(Deserialize)]
struct MoveFields {
    #[serde(default)]
    tribe: String,
}

/// Moves a squad to another tribe (or out of every tribe) as one action, kept in history.
async fn move_squad(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<MoveFields>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let slug = slug.into_inner();
    let target = form.into_inner().tribe;
    let url = state
        .db
        .run(move |c| {
            let squad = repo::unit(c, UnitKind::Squad, &slug)?;
            let to = match target.trim() {
                "" => None,
                t => Some(
                    repo::unit(c, UnitKind::Tribe, t)
                        .map_err(|_| AppError::validation(format!("There is no tribe {t:?}.")))?,
                ),
            };
            let to_id = to.as_ref().map(|t| t.id);
            if !Access::load(c, Some(&me))?.can_move(&squad, to_id) {
                return Err(AppError::forbidden(MOVE_REFUSED));
            }
            let mut fields = unit_fields_of(c, &squad)?;
            fields.tribe_id = to_id;
            Ok(repo::update_unit(c, Some(me.id), squad.id, &fields)?.url())
        })
        .await?;
    Ok(see_other(&url))
}

/// A unit's current fields, to change one of them.
fn unit_fields_of(
    c: &mut crate::db::AnyConnection,
    u: &super::unit::Unit,
) -> AppResult<repo::UnitFields> {
    let alliance_tribes = repo::alliance_links(c)?
        .into_iter()
        .filter(|(a, _)| *a == u.id)
        .map(|(_, t)| t)
        .collect();
    Ok(repo::UnitFields {
        slug: u.slug.clone(),
        name: u.name.clone(),
        mission: u.mission.clone(),
        description: u.description.clone(),
        links: u.links.clone(),
        tribe_id: u.tribe_id,
        discipline: u.discipline.clone(),
        alliance_tribes,
    })
}

#[derive(Deserialize)]
struct NewUnitQuery {
    kind: Option<String>,
    tribe: Option<String>,
}

fn kind_choices() -> Vec<(&'static str, &'static str)> {
    UnitKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

async fn new_unit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NewUnitQuery>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let kind = q
        .kind
        .as_deref()
        .and_then(UnitKind::parse)
        .unwrap_or(UnitKind::Squad);
    let tribes = state
        .db
        .run(|c| repo::units_of_kind(c, UnitKind::Tribe))
        .await?;
    html(&UnitFormPage {
        shell: Shell::new(&viewer, "org"),
        kind,
        editing: None,
        name: String::new(),
        slug: String::new(),
        mission: String::new(),
        description: String::new(),
        links: String::new(),
        tribe: q.tribe.clone().unwrap_or_default(),
        discipline: String::new(),
        alliance_tribes: vec![],
        tribes: tribes.into_iter().map(|t| (t.slug, t.name)).collect(),
        kinds: kind_choices(),
        errors: Default::default(),
    })
}

fn form_page(
    viewer: &Viewer,
    kind: UnitKind,
    editing: Option<views::UnitRef>,
    form: &Pairs,
    tribes: &[super::unit::Unit],
    errors: FieldErrors,
) -> UnitFormPage {
    UnitFormPage {
        shell: Shell::new(viewer, "org"),
        kind,
        editing,
        name: form.get("name").to_string(),
        slug: form.get("slug").to_string(),
        mission: form.get("mission").to_string(),
        description: form.get("description").to_string(),
        links: form.get("links").to_string(),
        tribe: form.get("tribe").to_string(),
        discipline: form.get("discipline").to_string(),
        alliance_tribes: form.all("alliance_tribes"),
        tribes: tribes
            .iter()
            .map(|t| (t.slug.clone(), t.name.clone()))
            .collect(),
        kinds: kind_choices(),
        errors,
    }
}

/// Rule violations found in the database are shown next to the field they concern.
fn field_of(kind: UnitKind, msg: &str) -> &'static str {
    if msg.contains("slug") {
        "slug"
    } else if kind == UnitKind::Alliance && msg.contains("trio") {
        "alliance_tribes"
    } else if msg.contains("tribe") || msg.contains("trio") {
        "tribe"
    } else {
        "name"
    }
}

async fn create_unit(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let form = Pairs(form.into_inner());
    let kind = UnitKind::parse(form.get("kind"))
        .ok_or_else(|| AppError::BadRequest("Choose what kind of unit to create.".into()))?;
    let me2 = me.clone();
    let (tribes, access) = state
        .db
        .run(move |c| {
            Ok((
                repo::units_of_kind(c, UnitKind::Tribe)?,
                Access::load(c, Some(&me2))?,
            ))
        })
        .await?;
    let fields = match forms::unit_fields(kind, &form, &tribes) {
        Ok(f) => f,
        Err(errors) => {
            let page = form_page(&viewer, kind, None, &form, &tribes, errors);
            return html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if !access.can_create(kind, fields.tribe_id) {
        return Err(AppError::forbidden(format!(
            "Only an admin{} may create a {kind}.",
            if matches!(kind, UnitKind::Squad | UnitKind::Chapter | UnitKind::Trio) {
                " or the tribe's lead"
            } else {
                ""
            }
        )));
    }
    match state
        .db
        .run(move |c| repo::create_unit(c, Some(me.id), kind, &fields))
        .await
    {
        Ok(u) => Ok(see_other(&u.url())),
        Err(AppError::Validation(msg)) | Err(AppError::Conflict(msg)) => {
            let mut errors = FieldErrors::new();
            errors.insert(field_of(kind, &msg), msg);
            let page = form_page(&viewer, kind, None, &form, &tribes, errors);
            html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}

async fn edit_unit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let kind = UnitKind::of_path(req.path())?;
    let slug = slug.into_inner();
    let (unit, fields, tribes, access) = state
        .db
        .run(move |c| {
            let unit = repo::unit(c, kind, &slug)?;
            let fields = unit_fields_of(c, &unit)?;
            Ok((
                unit,
                fields,
                repo::units_of_kind(c, UnitKind::Tribe)?,
                Access::load(c, Some(&me))?,
            ))
        })
        .await?;
    access.require_edit(&unit)?;
    let slug_of = |id: i64| tribes.iter().find(|t| t.id == id).map(|t| t.slug.clone());
    html(&UnitFormPage {
        shell: Shell::new(&viewer, "org"),
        kind,
        editing: Some(views::UnitRef::of(&unit)),
        name: fields.name,
        slug: fields.slug,
        mission: fields.mission,
        description: fields.description,
        links: fields.links,
        tribe: fields.tribe_id.and_then(slug_of).unwrap_or_default(),
        discipline: fields.discipline,
        alliance_tribes: fields
            .alliance_tribes
            .into_iter()
            .filter_map(slug_of)
            .collect(),
        tribes: tribes
            .iter()
            .map(|t| (t.slug.clone(), t.name.clone()))
            .collect(),
        kinds: kind_choices(),
        errors: Default::default(),
    })
}

async fn edit_unit(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let kind = UnitKind::of_path(req.path())?;
    let slug = slug.into_inner();
    let form = Pairs(form.into_inner());
    let me2 = me.clone();
    let (unit, tribes, access) = state
        .db
        .run(move |c| {
            Ok((
                repo::unit(c, kind, &slug)?,
                repo::units_of_kind(c, UnitKind::Tribe)?,
                Access::load(c, Some(&me2))?,
            ))
        })
        .await?;
    access.require_edit(&unit)?;
    let editing = Some(views::UnitRef::of(&unit));
    let fields = match forms::unit_fields(kind, &form, &tribes) {
        Ok(f) => f,
        Err(errors) => {
            let page = form_page(&viewer, kind, editing, &form, &tribes, errors);
            return html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if fields.tribe_id != unit.tribe_id && !access.can_move(&unit, fields.tribe_id) {
        return Err(AppError::forbidden(MOVE_REFUSED));
    }
    let id = unit.id;
    match state
        .db
        .run(move |c| repo::update_unit(c, Some(me.id), id, &fields))
        .await
    {
        Ok(u) => Ok(see_other(&u.url())),
        Err(AppError::Validation(msg)) | Err(AppError::Conflict(msg)) => {
            let mut errors = FieldErrors::new();
            errors.insert(field_of(kind, &msg), msg);
            let page = form_page(&viewer, kind, editing, &form, &tribes, errors);
            html_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct InitiativeFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    description: String,
}

async fn add_initiative(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    form: web::Form<InitiativeFields>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let slug = slug.into_inner();
    let f = form.into_inner();
    let name = f.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::validation(
            "An initiative has a name of 1–120 characters.",
        ));
    }
    let stage = Stage::parse(&f.stage).unwrap_or(Stage::ThinkIt);
    let url = state
        .db
        .run(move |c| {
            let alliance = repo::unit(c, UnitKind::Alliance, &slug)?;
            Access::load(c, Some(&me))?.require_edit(&alliance)?;
            repo::add_initiative(
                c,
                Some(me.id),
                &alliance,
                &name,
                stage,
                f.description.trim(),
            )?;
            Ok(alliance.url())
        })
        .await?;
    Ok(see_other(&url))
}

#[derive(Deserialize)]
struct StageFields {
    #[serde(default)]
    stage: String,
}

async fn set_stage(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: web::Form<StageFields>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.clone();
    let (slug, id) = path.into_inner();
    let stage = Stage::parse(&form.stage).ok_or_else(|| {
        AppError::validation("Choose a stage: Think it, Build it, Ship it or Tweak it.")
    })?;
    let url = state
        .db
        .run(move |c| {
            let alliance = repo::unit(c, UnitKind::Alliance, &slug)?;
            Access::load(c, Some(&me))?.require_edit(&alliance)?;
            repo::set_initiative_stage(c, Some(me.id), &alliance, id, stage)?;
            Ok(alliance.url())
        })
        .await?;
    Ok(see_other(&url))
}
