//! The unit forms: a new unit, editing one, and moving a squad to another tribe.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::ids::UnitId;
use crate::org::access::Access;
use crate::org::forms;
use crate::org::unit::{Unit, UnitKind};
use crate::org::unit_repo as repo;
use crate::org::views::{self, UnitFormPage};
use crate::site::forms::{FieldErrors, Pairs};
use crate::site::views::{Shell, html, html_with_status, see_other};
use crate::state::AppState;

const MOVE_REFUSED: &str = "Only an admin or the lead of its tribe may move a squad or chapter \
     to another tribe (and only an admin a trio).";

#[derive(Deserialize)]
pub(super) struct MoveFields {
    #[serde(default)]
    tribe: String,
}

/// Moves a squad to another tribe (or out of every tribe) as one action, kept in history.
pub(super) async fn move_squad(
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
fn unit_fields_of(c: &mut crate::db::AnyConnection, u: &Unit) -> AppResult<repo::UnitFields> {
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
pub(super) struct NewUnitQuery {
    kind: Option<String>,
    tribe: Option<String>,
}

fn kind_choices() -> Vec<(&'static str, &'static str)> {
    UnitKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

pub(super) async fn new_unit_form(
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
    tribes: &[Unit],
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

pub(super) async fn create_unit(
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

pub(super) async fn edit_unit_form(
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
    let slug_of = |id: UnitId| tribes.iter().find(|t| t.id == id).map(|t| t.slug.clone());
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

pub(super) async fn edit_unit(
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
