//! The career-step pages: the framework (`/steps`) and its admin pages (texts, disciplines
//! and roles, the distribution per tribe, the six-month reviews due), a person's private
//! record (`/people/{username}/steps`) with its forms and Markdown export, a proposal with its
//! decision and peer feedback, a peer's feedback form, a chapter lead's overview
//! (`/chapters/{slug}/steps`) and the private Atom feed (`/feeds/steps.atom`).

use std::collections::{HashMap, HashSet};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::flow::{self, Me};
use super::model::{
    Behavior, Framework, Row, Side, Status, Step, check_texts, parse_rating, parse_text, review_due,
};
use super::repo::{self, EntryInput, RecordInput};
use super::views::{
    CataloguePage, ChapterPage, DistRow, DistributionPage, DueRow, EditPage, Errors, FeedbackPage,
    FrameworkPage, MemberRow, PersonPage, ProposalForm, ProposalPage, ReviewsPage,
};
use crate::app::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::forms::Pairs;
use crate::org::routes::org_view;
use crate::org::unit::{Role, UnitKind};
use crate::org::unit_repo::today;
use crate::pages::changes::{Feed, FeedEntry, base_url, rfc3339};
use crate::site::views::{Shell, html, html_with_status, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/steps", web::get().to(framework))
        .route("/steps/edit", web::get().to(edit_page))
        .route("/steps/edit", web::post().to(edit))
        .route("/steps/catalogue", web::get().to(catalogue_page))
        .route("/steps/catalogue", web::post().to(add_entry))
        .route("/steps/catalogue/{id:\\d+}", web::post().to(save_entry))
        .route("/steps/distribution", web::get().to(distribution))
        .route("/steps/reviews", web::get().to(reviews))
        .route("/steps/feedback/{id:\\d+}", web::get().to(feedback_page))
        .route("/steps/feedback/{id:\\d+}", web::post().to(answer))
        .route("/people/{username}/steps", web::get().to(person_page))
        .route("/people/{username}/steps.md", web::get().to(export))
        .route("/people/{username}/steps/record", web::post().to(record))
        .route(
            "/people/{username}/steps/visibility",
            web::post().to(visibility),
        )
        .route("/people/{username}/steps/first", web::post().to(first))
        .route(
            "/people/{username}/steps/assessment",
            web::post().to(assess),
        )
        .route(
            "/people/{username}/steps/proposals",
            web::post().to(propose),
        )
        .route(
            "/people/{username}/steps/proposals/{id:\\d+}",
            web::get().to(proposal_page),
        )
        .route(
            "/people/{username}/steps/proposals/{id:\\d+}/decide",
            web::post().to(decide),
        )
        .route(
            "/people/{username}/steps/proposals/{id:\\d+}/withdraw",
            web::post().to(withdraw),
        )
        .route(
            "/people/{username}/steps/proposals/{id:\\d+}/feedback",
            web::post().to(ask),
        )
        .route("/chapters/{slug}/steps", web::get().to(chapter))
        .route("/feeds/steps.atom", web::get().to(feed));
}

type Form = web::Form<Vec<(String, String)>>;

fn shell(viewer: &Viewer) -> Shell {
    Shell::new(viewer, "steps")
}

/// Private pages are never kept by a shared cache.
fn private(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    res
}

fn signed_in(viewer: &Viewer) -> AppResult<(i64, bool)> {
    let p = viewer.require_user()?;
    Ok((p.id, p.is_admin))
}

async fn framework_of(state: &AppState) -> AppResult<Framework> {
    state.db.run(|c| Ok(Framework::new(repo::texts(c)?))).await
}

// ---------------------------------------------------------------- the framework

async fn framework(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let me = flow::me(&viewer);
    let view = org_view(&state).await?;
    let chapters = match me {
        Some((id, _)) => led_chapters(&view, id)
            .into_iter()
            .map(|u| (u.name.clone(), format!("{}/steps", u.url())))
            .collect(),
        None => vec![],
    };
    let (fw, catalogue, awaiting, asked) = state
        .db
        .run(move |c| {
            let fw = Framework::new(repo::texts(c)?);
            let catalogue = repo::catalogue(c)?;
            let (awaiting, asked) = match me {
                Some((id, _)) => {
                    let awaiting = flow::awaiting(c, &view, id)?
                        .into_iter()
                        .map(|(p, who)| (who, p))
                        .collect();
                    let asked_rows = repo::asked_of(c, id)?;
                    let names = repo::names(c, asked_rows.iter().map(|(_, p)| p.person_id))?;
                    let asked = asked_rows
                        .into_iter()
                        .map(|(f, p)| {
                            let name = names
                                .get(&p.person_id)
                                .map(|(_, d)| d.clone())
                                .unwrap_or_default();
                            (f.id, name, f.answered_at.is_some())
                        })
                        .collect();
                    (awaiting, asked)
                }
                None => (vec![], vec![]),
            };
            Ok((fw, catalogue, awaiting, asked))
        })
        .await?;
    let (disciplines, roles) = catalogue
        .into_iter()
        .filter(|e| !e.retired)
        .partition(|e| e.kind == "discipline");
    html(&FrameworkPage {
        shell: shell(&viewer),
        fw,
        disciplines,
        roles,
        awaiting,
        asked,
        chapters,
    })
}

fn led_chapters(view: &crate::org::cache::OrgView, id: i64) -> Vec<&crate::org::unit::Unit> {
    view.snap
        .memberships
        .iter()
        .filter(|m| m.person_id == id && m.role() == Role::ChapterLead)
        .filter_map(|m| view.snap.unit(m.unit_id))
        .filter(|u| u.kind() == UnitKind::Chapter)
        .collect()
}

async fn edit_page(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    let fw = framework_of(&state).await?;
    let values = super::model::default_texts()
        .into_iter()
        .map(|(k, _)| {
            let v = fw.text(&k).to_string();
            (k, v)
        })
        .collect();
    html(&EditPage {
        shell: Shell::new(&viewer, "admin"),
        values,
        errors: HashMap::new(),
    })
}

async fn edit(state: web::Data<AppState>, viewer: Viewer, form: Form) -> AppResult<HttpResponse> {
    let admin = viewer.require_admin()?.id;
    let values: HashMap<String, String> = form
        .into_inner()
        .into_iter()
        .filter(|(k, _)| super::model::is_text_key(k))
        .collect();
    if let Err(errors) = check_texts(&values) {
        return html_with_status(
            &EditPage {
                shell: Shell::new(&viewer, "admin"),
                values,
                errors,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    state
        .db
        .run(move |c| repo::save_texts(c, admin, &values))
        .await?;
    Ok(see_other("/steps"))
}

async fn catalogue_page(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    render_catalogue(&state, &viewer, None).await
}

async fn render_catalogue(
    state: &AppState,
    viewer: &Viewer,
    error: Option<String>,
) -> AppResult<HttpResponse> {
    let entries = state.db.run(repo::catalogue).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html_with_status(
        &CataloguePage {
            shell: Shell::new(viewer, "admin"),
            entries,
            error,
        },
        status,
    )
}

fn entry_input(form: &Pairs, kind: &str) -> Result<EntryInput, String> {
    let name = form.get("name").trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err("A name has 1 to 80 characters.".into());
    }
    if form.get("description").chars().count() > 300 {
        return Err("A description has at most 300 characters.".into());
    }
    Ok(EntryInput {
        kind: kind.to_string(),
        name: name.to_string(),
        description: form.get("description").to_string(),
        company_level: form.get("company_level") == "1",
        retired: form.get("retired") == "1",
    })
}

async fn add_entry(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Form,
) -> AppResult<HttpResponse> {
    let admin = viewer.require_admin()?.id;
    let form = Pairs(form.into_inner());
    let kind = match form.get("kind") {
        k @ ("discipline" | "role") => k.to_string(),
        _ => {
            return render_catalogue(&state, &viewer, Some("Choose discipline or role.".into()))
                .await;
        }
    };
    save_catalogue(&state, &viewer, admin, None, entry_input(&form, &kind)).await
}

async fn save_entry(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Form,
) -> AppResult<HttpResponse> {
    let admin = viewer.require_admin()?.id;
    let id = id.into_inner();
    let form = Pairs(form.into_inner());
    let kind = state
        .db
        .run(move |c| {
            repo::catalogue(c)?
                .into_iter()
                .find(|e| e.id == id)
                .map(|e| e.kind)
                .ok_or(AppError::NotFound)
        })
        .await?;
    save_catalogue(&state, &viewer, admin, Some(id), entry_input(&form, &kind)).await
}

async fn save_catalogue(
    state: &AppState,
    viewer: &Viewer,
    admin: i64,
    id: Option<i64>,
    input: Result<EntryInput, String>,
) -> AppResult<HttpResponse> {
    let input = match input {
        Ok(i) => i,
        Err(e) => return render_catalogue(state, viewer, Some(e)).await,
    };
    match state
        .db
        .run(move |c| repo::save_entry(c, admin, id, &input))
        .await
    {
        Ok(()) => Ok(see_other("/steps/catalogue")),
        Err(AppError::Conflict(m)) => render_catalogue(state, viewer, Some(m)).await,
        Err(e) => Err(e),
    }
}

/// The tribe a person counts under: their chapter's, else their squad's.
fn tribe_of(snap: &crate::org::rules::Snapshot, person: i64) -> Option<i64> {
    let mut squad_tribe = None;
    for m in snap.memberships.iter().filter(|m| m.person_id == person) {
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

async fn distribution(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    let view = org_view(&state).await?;
    let (profiles, fw) = state
        .db
        .run(|c| Ok((repo::profiles(c)?, Framework::new(repo::texts(c)?))))
        .await?;
    let steps: HashMap<i64, Step> = profiles
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
    let tribe_ids: Vec<i64> = view.snap.of_kind(UnitKind::Tribe).map(|t| t.id).collect();
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
    for p in view.snap.people.iter().filter(|p| !p.disabled) {
        let row =
            match tribe_of(&view.snap, p.id).and_then(|t| tribe_ids.iter().position(|x| *x == t)) {
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
    Ok(private(html(&DistributionPage {
        shell: Shell::new(&viewer, "admin"),
        rows,
        company,
        intended,
    })?))
}

/// People without a step and when their six-month review is due, soonest first.
fn due_rows(
    people: impl Iterator<Item = (i64, String, String)>,
    profiles: &HashMap<i64, repo::Profile>,
    starts: &HashMap<i64, NaiveDate>,
) -> Vec<DueRow> {
    let today = today();
    let mut rows: Vec<DueRow> = people
        .filter(|(id, _, _)| profiles.get(id).and_then(|p| p.step()).is_none())
        .filter_map(|(id, username, display_name)| {
            let started_on = profiles
                .get(&id)
                .and_then(|p| p.started_on)
                .or_else(|| starts.get(&id).copied())?;
            let due = review_due(started_on);
            Some(DueRow {
                username,
                display_name,
                started_on,
                due,
                overdue: due < today,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.due);
    rows
}

async fn reviews(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    viewer.require_admin()?;
    let view = org_view(&state).await?;
    let (profiles, starts) = state
        .db
        .run(|c| Ok((repo::profiles(c)?, repo::first_starts(c)?)))
        .await?;
    let profiles: HashMap<i64, repo::Profile> =
        profiles.into_iter().map(|p| (p.person_id, p)).collect();
    let people = view
        .snap
        .people
        .iter()
        .filter(|p| !p.disabled)
        .map(|p| (p.id, p.username.clone(), p.display_name.clone()));
    Ok(private(html(&ReviewsPage {
        shell: Shell::new(&viewer, "admin"),
        rows: due_rows(people, &profiles, &starts),
    })?))
}

// ---------------------------------------------------------------- a chapter's overview

async fn chapter(
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
    let leads: Vec<i64> = view
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
                repo::open_proposals(c)?,
            ))
        })
        .await?;
    let profiles: HashMap<i64, repo::Profile> =
        profiles.into_iter().map(|p| (p.person_id, p)).collect();
    let assessed: HashSet<(i64, String)> = assessed.into_iter().collect();
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
            due: due_rows(
                std::iter::once((p.id, p.username.clone(), p.display_name.clone())),
                &profiles,
                &starts,
            )
            .pop(),
            own_done: assessed.contains(&(p.id, Side::Own.key().to_string())),
            lead_done: assessed.contains(&(p.id, Side::Lead.key().to_string())),
            open: open.iter().find(|o| o.person_id == p.id).map(|o| o.to()),
        });
    }
    members.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    Ok(private(html(&ChapterPage {
        shell: shell(&viewer),
        url: unit.url(),
        name: unit.name,
        members,
        counts,
        unset,
    })?))
}

// ---------------------------------------------------------------- a person's record

async fn person_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    render_person(
        &state,
        &viewer,
        &username,
        ProposalForm::default(),
        Errors::new(),
    )
    .await
}

async fn render_person(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
    typed: ProposalForm,
    errors: Errors,
) -> AppResult<HttpResponse> {
    let (me, is_admin) = signed_in(viewer)?;
    let view = org_view(state).await?;
    let username = username.to_string();
    let (f, fw) = state
        .db
        .run(move |c| {
            Ok((
                flow::full(c, &view, &username, Some((me, is_admin)))?,
                Framework::new(repo::texts(c)?),
            ))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(private(html_with_status(
        &PersonPage {
            shell: shell(viewer),
            f,
            fw,
            me,
            is_admin,
            today: today(),
            typed,
            errors,
        },
        status,
    )?))
}

/// Loads the record for a write by the signed-in viewer; anyone who may not see it gets the
/// one private answer.
async fn load_for_write(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
) -> AppResult<(flow::Loaded, i64)> {
    let me = signed_in(viewer)?;
    let view = org_view(state).await?;
    let username = username.to_string();
    let loaded = state
        .db
        .run(move |c| flow::load(c, &view, &username, Some(me)))
        .await?;
    Ok((loaded, me.0))
}

fn back(loaded: &flow::Loaded) -> HttpResponse {
    see_other(&format!("/people/{}/steps", loaded.person.username))
}

fn one_error(key: &str, message: impl Into<String>) -> Errors {
    Errors::from([(key.to_string(), message.into())])
}

async fn record(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, me) = load_for_write(&state, &viewer, &username).await?;
    loaded.require_sees()?;
    if !loaded.access.may_edit_record() {
        return Err(AppError::forbidden(
            "Discipline, roles and start date are set by the chapter lead or an admin.",
        ));
    }
    let form = Pairs(form.into_inner());
    let catalogue = state.db.run(repo::catalogue).await?;
    let held = state
        .db
        .run({
            let id = loaded.person.id;
            move |c| repo::roles_of(c, id)
        })
        .await?;
    let discipline_id = match form.get("discipline").trim() {
        "" => None,
        raw => Some(
            raw.parse::<i64>()
                .ok()
                .filter(|id| {
                    catalogue
                        .iter()
                        .any(|e| e.id == *id && e.kind == "discipline")
                })
                .ok_or_else(|| AppError::BadRequest("Unknown discipline.".into()))?,
        ),
    };
    let mut role_ids = Vec::new();
    for raw in form.all("role") {
        let entry = raw
            .parse::<i64>()
            .ok()
            .and_then(|id| catalogue.iter().find(|e| e.id == id && e.kind == "role"))
            .ok_or_else(|| AppError::BadRequest("Unknown role.".into()))?;
        role_ids.push(entry.id);
    }
    // A company-level role decides company-wide promotions: only admins give or take it. A
    // disabled checkbox is not sent, so a lead's save keeps what the person holds.
    for e in catalogue.iter().filter(|e| e.company_level) {
        let had = held.contains(&e.id);
        let has = role_ids.contains(&e.id);
        if had != has && !loaded.access.admin {
            if has {
                return Err(AppError::forbidden(
                    "Only an admin gives a company-level role.",
                ));
            }
            role_ids.push(e.id);
        }
    }
    role_ids.sort_unstable();
    role_ids.dedup();
    let started_on = match form.get("started_on").trim() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                return render_person(
                    &state,
                    &viewer,
                    &username,
                    ProposalForm::default(),
                    one_error("record", format!("{raw:?} is not a date (YYYY-MM-DD).")),
                )
                .await;
            }
        },
    };
    let who = loaded.person.who();
    let input = RecordInput {
        discipline_id,
        role_ids,
        started_on,
    };
    state
        .db
        .run(move |c| repo::save_record(c, me, &who, &input))
        .await?;
    Ok(back(&loaded))
}

async fn visibility(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, _) = load_for_write(&state, &viewer, &username).await?;
    loaded.require_sees()?;
    if !loaded.access.own {
        return Err(AppError::forbidden(
            "Only the person decides whether their step is public.",
        ));
    }
    let public = Pairs(form.into_inner()).get("public") == "1";
    let who = loaded.person.who();
    state
        .db
        .run(move |c| repo::set_public(c, &who, public))
        .await?;
    Ok(back(&loaded))
}

async fn first(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, me) = load_for_write(&state, &viewer, &username).await?;
    let form = Pairs(form.into_inner());
    let Some(step) = Step::parse(form.get("step")) else {
        loaded.require_sees()?;
        return render_person(
            &state,
            &viewer,
            &username,
            ProposalForm::default(),
            one_error("step", "Choose a step."),
        )
        .await;
    };
    if let (Some(s), true) = (loaded.step(), loaded.access.sees()) {
        return Err(AppError::Conflict(format!(
            "The step is already set ({}): from here it changes by a promotion.",
            s.label()
        )));
    }
    if !loaded.rel.may_decide(step, me) {
        return Err(if loaded.access.sees() {
            let (d, _) = loaded.rel.deciders(step);
            AppError::forbidden(format!(
                "The {} step is set by {}.",
                step.label(),
                d.label()
            ))
        } else {
            flow::private()
        });
    }
    let note = parse_text(form.get("note"), 0, "note").map_err(AppError::BadRequest)?;
    let who = loaded.person.who();
    state
        .db
        .run(move |c| repo::set_first_step(c, me, &who, step, today(), &note))
        .await?;
    Ok(back(&loaded))
}

async fn assess(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, me) = load_for_write(&state, &viewer, &username).await?;
    loaded.require_sees()?;
    let side = if loaded.access.own {
        Side::Own
    } else if loaded.access.lead {
        Side::Lead
    } else {
        return Err(AppError::forbidden(
            "Assessments are written by the person and their chapter lead.",
        ));
    };
    let form = Pairs(form.into_inner());
    let mut rows = HashMap::new();
    for b in Behavior::ALL {
        let mut row = Row::default();
        for s in Step::ALL {
            match parse_rating(form.get(&format!("{}.{}", b.key(), s.key()))) {
                Ok(r) => row.ratings[s.rank()] = r,
                Err(e) => {
                    return render_person(
                        &state,
                        &viewer,
                        &username,
                        ProposalForm::default(),
                        one_error("assessment", format!("{} at {}: {e}", b.label(), s.label())),
                    )
                    .await;
                }
            }
        }
        row.note = match parse_text(form.get(&format!("{}.note", b.key())), 0, "note") {
            Ok(n) => n,
            Err(e) => {
                return render_person(
                    &state,
                    &viewer,
                    &username,
                    ProposalForm::default(),
                    one_error("assessment", format!("{}: {e}", b.label())),
                )
                .await;
            }
        };
        if row.ratings.iter().any(Option::is_some) || !row.note.is_empty() {
            rows.insert(*b, row);
        }
    }
    let who = loaded.person.who();
    state
        .db
        .run(move |c| repo::save_assessment(c, me, &who, side, &rows))
        .await?;
    Ok(back(&loaded))
}

/// Evidence needs a few sentences: a title is not evidence.
const EVIDENCE_MIN: usize = 20;

async fn propose(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (loaded, me) = load_for_write(&state, &viewer, &username).await?;
    loaded.require_sees()?;
    if !loaded.access.may_propose() {
        return Err(AppError::forbidden(
            "A promotion is proposed by the person or their chapter lead.",
        ));
    }
    let form = Pairs(form.into_inner());
    let typed = ProposalForm {
        to: form.get("to").to_string(),
        evidence: form.get("evidence").to_string(),
    };
    let mut errors = Errors::new();
    let to = super::model::check_proposal(loaded.step(), Step::parse(&typed.to));
    if let Err(e) = &to {
        errors.insert("to".into(), e.clone());
    }
    let evidence = parse_text(&typed.evidence, EVIDENCE_MIN, "evidence");
    if let Err(e) = &evidence {
        errors.insert("evidence".into(), e.clone());
    }
    let (Ok(to), Ok(evidence)) = (to, evidence) else {
        return render_person(&state, &viewer, &username, typed, errors).await;
    };
    let who = loaded.person.who();
    let id = state
        .db
        .run(move |c| repo::propose(c, me, &who, to, &evidence))
        .await?;
    Ok(see_other(&format!(
        "/people/{}/steps/proposals/{id}",
        loaded.person.username
    )))
}

async fn proposal_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (username, id) = path.into_inner();
    render_proposal(&state, &viewer, &username, id, String::new(), Errors::new()).await
}

async fn render_proposal(
    state: &AppState,
    viewer: &Viewer,
    username: &str,
    id: i64,
    note: String,
    errors: Errors,
) -> AppResult<HttpResponse> {
    let me = signed_in(viewer)?;
    let view = org_view(state).await?;
    let username = username.to_string();
    let page = state
        .db
        .run(move |c| flow::proposal_page(c, &view, &username, id, Some(me)))
        .await?;
    let Some(pv) = page
        .full
        .proposals
        .iter()
        .find(|p| p.proposal.id == page.id)
    else {
        return Err(AppError::NotFound);
    };
    let (p, feedback) = (pv.proposal.clone(), pv.feedback.clone());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(private(html_with_status(
        &ProposalPage {
            shell: shell(viewer),
            evidence: crate::markdown::render(&p.evidence),
            p,
            feedback,
            may_decide: page.may_decide,
            f: page.full,
            me: me.0,
            note,
            errors,
        },
        status,
    )?))
}

async fn decide(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (username, id) = path.into_inner();
    let (loaded, me) = load_for_write(&state, &viewer, &username).await?;
    let p = state.db.run(move |c| repo::proposal(c, id)).await?;
    if p.person_id != loaded.person.id {
        return Err(AppError::NotFound);
    }
    if !loaded.rel.may_decide(p.to(), me) {
        return Err(if loaded.access.sees() || p.decided_by == Some(me) {
            let (d, _) = loaded.rel.deciders(p.to());
            AppError::forbidden(format!(
                "A promotion to {} is decided by {}.",
                p.to().label(),
                d.label()
            ))
        } else {
            flow::private()
        });
    }
    let form = Pairs(form.into_inner());
    let note = form.get("note").to_string();
    let status = match form.get("decision") {
        "approve" => Status::Approved,
        "decline" => Status::Declined,
        _ => {
            return render_proposal(
                &state,
                &viewer,
                &username,
                id,
                note,
                one_error("note", "Approve or decline."),
            )
            .await;
        }
    };
    let min = if status == Status::Declined { 1 } else { 0 };
    let checked = match parse_text(&note, min, "note") {
        Ok(n) => n,
        Err(_) if min > 0 => {
            return render_proposal(
                &state,
                &viewer,
                &username,
                id,
                note,
                one_error(
                    "note",
                    "Say why when declining, and what would make the difference.",
                ),
            )
            .await;
        }
        Err(e) => {
            return render_proposal(&state, &viewer, &username, id, note, one_error("note", e))
                .await;
        }
    };
    let who = loaded.person.who();
    state
        .db
        .run(move |c| repo::close_proposal(c, me, &who, id, status, &checked))
        .await?;
    Ok(see_other(&format!(
        "/people/{}/steps/proposals/{id}",
        loaded.person.username
    )))
}

async fn withdraw(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> AppResult<HttpResponse> {
    let (username, id) = path.into_inner();
    let (loaded, me) = load_for_write(&state, &viewer, &username).await?;
    loaded.require_sees()?;
    let p = state.db.run(move |c| repo::proposal(c, id)).await?;
    if p.person_id != loaded.person.id {
        return Err(AppError::NotFound);
    }
    if !(loaded.access.own || p.proposed_by == me) {
        return Err(AppError::forbidden(
            "The person or whoever proposed it may withdraw a proposal.",
        ));
    }
    let who = loaded.person.who();
    state
        .db
        .run(move |c| repo::close_proposal(c, me, &who, id, Status::Withdrawn, ""))
        .await?;
    Ok(back(&loaded))
}

async fn ask(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (username, id) = path.into_inner();
    let (loaded, me) = load_for_write(&state, &viewer, &username).await?;
    loaded.require_sees()?;
    if !loaded.access.may_propose() {
        return Err(AppError::forbidden(
            "Peer feedback is asked by the person or their chapter lead.",
        ));
    }
    let peer_name = Pairs(form.into_inner()).get("peer").trim().to_lowercase();
    let person_id = loaded.person.id;
    let peer = state
        .db
        .run(move |c| flow::person(c, &peer_name, None).map(|p| p.id).or(Ok(-1)))
        .await?;
    if peer < 0 || peer == person_id {
        return render_proposal(
            &state,
            &viewer,
            &username,
            id,
            String::new(),
            one_error(
                "peer",
                "Name a colleague by their username (not the person themselves).",
            ),
        )
        .await;
    }
    let who = loaded.person.who();
    match state
        .db
        .run(move |c| repo::ask_feedback(c, me, &who, id, peer))
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/people/{}/steps/proposals/{id}",
            loaded.person.username
        ))),
        Err(AppError::Conflict(m)) => {
            render_proposal(
                &state,
                &viewer,
                &username,
                id,
                String::new(),
                one_error("peer", m),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- a peer's feedback

/// The feedback request, for the peer asked only.
async fn feedback_for(
    state: &AppState,
    me: i64,
    id: i64,
) -> AppResult<(repo::Feedback, repo::Proposal, flow::Person)> {
    state
        .db
        .run(move |c| {
            let f = repo::feedback(c, id)?;
            if f.peer_id != me {
                return Err(AppError::NotFound);
            }
            let p = repo::proposal(c, f.proposal_id)?;
            let names = repo::names(c, [p.person_id])?;
            let (username, display_name) =
                names.get(&p.person_id).cloned().ok_or(AppError::NotFound)?;
            Ok((
                f,
                p,
                flow::Person {
                    id: 0,
                    username,
                    display_name,
                    disabled: false,
                },
            ))
        })
        .await
        .map(|(f, p, mut who)| {
            who.id = p.person_id;
            (f, p, who)
        })
}

async fn feedback_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (me, _) = signed_in(&viewer)?;
    let (f, p, who) = feedback_for(&state, me, *id).await?;
    let fw = framework_of(&state).await?;
    Ok(private(html(&FeedbackPage {
        shell: shell(&viewer),
        id: f.id,
        display_name: who.display_name,
        fw,
        answer: f.answer,
        open: p.status() == Status::Open,
        error: None,
    })?))
}

async fn answer(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (me, _) = signed_in(&viewer)?;
    let id = id.into_inner();
    let (f, p, who) = feedback_for(&state, me, id).await?;
    let typed = Pairs(form.into_inner()).get("answer").to_string();
    let checked = parse_text(&typed, 1, "feedback");
    let checked = match checked {
        Ok(a) if p.status() == Status::Open => a,
        other => {
            let fw = framework_of(&state).await?;
            let error = match other {
                Err(e) => e,
                Ok(_) => "The proposal was decided meanwhile: feedback is closed.".into(),
            };
            return html_with_status(
                &FeedbackPage {
                    shell: shell(&viewer),
                    id: f.id,
                    display_name: who.display_name,
                    fw,
                    answer: typed,
                    open: p.status() == Status::Open,
                    error: Some(error),
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let target = who.who();
    state
        .db
        .run(move |c| repo::answer_feedback(c, me, &target, id, &checked))
        .await?;
    Ok(see_other("/steps"))
}

// ---------------------------------------------------------------- export and feed

async fn export(
    state: web::Data<AppState>,
    viewer: Viewer,
    username: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = signed_in(&viewer)?;
    let view = org_view(&state).await?;
    let username = username.into_inner();
    let (f, fw) = state
        .db
        .run(move |c| {
            Ok((
                flow::full(c, &view, &username, Some(me))?,
                Framework::new(repo::texts(c)?),
            ))
        })
        .await?;
    Ok(private(
        HttpResponse::Ok()
            .content_type("text/markdown; charset=utf-8")
            .body(super::export::markdown(&f, &fw)),
    ))
}

async fn feed(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let me: Me = Some(signed_in(&viewer)?);
    let view = org_view(&state).await?;
    let (events, names) = state
        .db
        .run(move |c| {
            let events = flow::feed_events(c, &view, me)?;
            let names = repo::names(c, events.iter().flat_map(|e| [e.person_id, e.actor_id]))?;
            Ok((events, names))
        })
        .await?;
    let base = base_url(&req);
    let name = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| (String::new(), "someone".into()))
    };
    let entries: Vec<FeedEntry> = events
        .iter()
        .map(|e| {
            let (username, person) = name(e.person_id);
            let (_, actor) = name(e.actor_id);
            let what = e.kind().map(|k| k.label()).unwrap_or("Changed");
            let step = e
                .step()
                .map(|s| format!(": {}", s.label()))
                .unwrap_or_default();
            let url = match e.proposal_id {
                Some(p) => format!("{base}/people/{username}/steps/proposals/{p}"),
                None => format!("{base}/people/{username}/steps"),
            };
            FeedEntry {
                id: format!("{base}/people/{username}/steps#event-{}", e.id),
                title: format!("{person}: {what}{step}"),
                url,
                updated: rfc3339(e.created_at),
                author: actor,
                html: String::new(),
            }
        })
        .collect();
    let feed = Feed {
        id: format!("{base}/feeds/steps.atom"),
        title: "fika: career steps (private)".into(),
        self_url: format!("{base}/feeds/steps.atom"),
        alternate: format!("{base}/steps"),
        updated: entries
            .first()
            .map(|e| e.updated.clone())
            .unwrap_or_else(|| rfc3339(chrono::Utc::now().naive_utc())),
        entries,
    };
    Ok(private(
        HttpResponse::Ok()
            .content_type("application/atom+xml; charset=utf-8")
            .body(feed.render().map_err(AppError::internal)?),
    ))
}
