//! New and edit: the form, "Check the wording" (the findings of the form as typed), and
//! saving, which shows the findings again when there are any.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::super::flow::{Checker, editable, store};
use super::super::forms::Form;
use super::super::model::Postmortem;
use super::super::repo;
use super::super::views::{EditPage, FindingView};
use super::shell;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::org::cache::OrgView;
use crate::org::cache::org_view;
use crate::site::forms::FieldErrors;
use crate::site::forms::Pairs;
use crate::site::views::{html, html_with_status, see_other};
use crate::state::AppState;

#[derive(Deserialize)]
pub(super) struct NewQuery {
    #[serde(default)]
    squad: String,
}

pub(super) async fn new_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?;
    let org = org_view(&state).await?;
    // The writer's own squad by default.
    let squad = if q.squad.trim().is_empty() {
        org.snap
            .of_kind(crate::org::unit::UnitKind::Squad)
            .find(|u| org.snap.people_in(u.id).contains(&me.id))
            .map(|u| u.slug.clone())
            .unwrap_or_default()
    } else {
        q.squad.trim().to_string()
    };
    html(&EditPage::new(
        shell(&viewer),
        &org,
        None,
        Form::blank(&squad, &me.username),
        FieldErrors::new(),
        None,
    ))
}

/// The findings of a form as typed, whatever else in it does not read yet (its errors are
/// shown as well), with the saved post-mortem's dismissals.
async fn check_form(
    state: &AppState,
    org: &Arc<OrgView>,
    form: &Form,
    saved: Option<&Postmortem>,
) -> AppResult<Vec<FindingView>> {
    // What was typed, even where another field does not read yet: a form missing its squads
    // must not be told its wording is fine.
    let typed = form.clone();
    let (checker, org2, id) = (Checker::of(state)?, org.clone(), saved.map(|p| p.id));
    let (open, dismissed) = state
        .db
        .run(move |c| {
            let dismissals = match id {
                Some(id) => repo::dismissals(c, id)?,
                None => vec![],
            };
            checker.findings_in(c, &org2, &typed.texts(), &dismissals)
        })
        .await?;
    Ok(open
        .into_iter()
        .chain(dismissed)
        .map(|l| FindingView::of(l, org))
        .collect())
}

pub(super) async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    viewer.require_user()?;
    let org = org_view(&state).await?;
    submit(&state, &viewer, &org, None, Pairs(form.into_inner())).await
}

/// A sent form, new or an edit: "Check the wording" shows the findings of what was typed
/// and saves nothing; otherwise it is parsed and saved, or shown again with its errors.
async fn submit(
    state: &AppState,
    viewer: &Viewer,
    org: &Arc<OrgView>,
    editing: Option<Postmortem>,
    pairs: Pairs,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let mut form = Form::from_pairs(&pairs);
    // Times the rule moved past midnight are shown with their date before anything is saved.
    let next_day = form.date_next_day_rows();
    let parsed = form.parse(org, me);
    if !pairs.get("check").is_empty() {
        let findings = check_form(state, org, &form, editing.as_ref()).await?;
        let mut errors = parsed.err().unwrap_or_default();
        errors.extend(next_day);
        return html(&EditPage::new(
            shell(viewer),
            org,
            editing.as_ref(),
            form,
            errors,
            Some(findings),
        ));
    }
    let input = match parsed {
        Ok(input) if next_day.is_empty() => input,
        Ok(_) => return again(viewer, org, editing.as_ref(), form, next_day, None),
        Err(mut errors) => {
            errors.extend(next_day);
            return again(viewer, org, editing.as_ref(), form, errors, None);
        }
    };
    match store(state, org, viewer, editing.as_ref(), input).await? {
        Ok(saved) => Ok(see_other(&format!("{}#bl-h", saved.url()))),
        Err(errors) => {
            // Refused for its wording: show what the check found.
            let findings = if errors.contains_key("blameless") {
                Some(check_form(state, org, &form, editing.as_ref()).await?)
            } else {
                None
            };
            again(viewer, org, editing.as_ref(), form, errors, findings)
        }
    }
}

fn again(
    viewer: &Viewer,
    org: &OrgView,
    editing: Option<&Postmortem>,
    form: Form,
    errors: FieldErrors,
    findings: Option<Vec<FindingView>>,
) -> AppResult<HttpResponse> {
    html_with_status(
        &EditPage::new(shell(viewer), org, editing, form, errors, findings),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

pub(super) async fn edit_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let pm = editable(&state, &org, &viewer, id.into_inner()).await?;
    let form = Form::of(&pm.input, &org);
    html(&EditPage::new(
        shell(&viewer),
        &org,
        Some(&pm),
        form,
        FieldErrors::new(),
        None,
    ))
}

pub(super) async fn save(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let org = org_view(&state).await?;
    let pm = editable(&state, &org, &viewer, id.into_inner()).await?;
    submit(&state, &viewer, &org, Some(pm), Pairs(form.into_inner())).await
}
