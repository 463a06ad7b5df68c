//! Demo career steps: every person's discipline and roles from their profile and
//! memberships, a step for most of them (about 45/35/15/5 from Individual to
//! Technology/Company, leads higher), six newcomers waiting for their six-month review (one of
//! them overdue), assessments of eleven people, and a few promotions: three approved in the
//! past, one declined, two open (one with its peer feedback in, one waiting for it).
//! Björn, Listening's tribe lead, finds a decision and a feedback request waiting for him;
//! the Listening Backend chapter lead finds a chapter full of records. Every write goes through
//! the functions the pages use, by whoever the rules name, and is then moved into the past.
//! Deterministic: no randomness.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

mod cast;

use super::DEMO_ADMIN;
use crate::db::AnyConnection;
use crate::db::schema::{
    step_assessments, step_events, step_feedback, step_profiles, step_proposals,
};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::org::unit::{Role, UnitKind};
use crate::org::unit_repo as units;
use crate::steps::flow;
use crate::steps::model::{Behavior, Relations, Row, Side, Status, Step, review_due};
use crate::steps::proposal_repo;
use crate::steps::repo::{self, RecordInput, Who};
use cast::{Cast, Story, last, nth, person_id};

/// What the demo's people wrote, and who is senior: `data/steps.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Texts {
    disciplines: Vec<Discipline>,
    cto: String,
    company_level: Vec<String>,
    tribe_level: Vec<String>,
    newcomer_days: Vec<i64>,
    first_notes: [String; 4],
    nobody_above: String,
    own_notes: [String; 10],
    lead_notes: [String; 10],
    stories: Stories,
}

/// A profile's discipline, the catalogue's name for it, and whether "Software engineer" is
/// their role when no membership gives them one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Discipline {
    profile: String,
    catalogue: String,
    engineer: bool,
}

/// The promotions' texts, by the person promoted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stories {
    bjorn: Promotion,
    fatima: Promotion,
    hugo: Promotion,
    cem: Promotion,
    ben: Promotion,
    carla: Promotion,
}

/// What was written for one promotion: by the proposer, the decider and a peer.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Promotion {
    evidence: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    feedback: String,
}

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, 0, 0).unwrap_or_default()
}

/// Moves the person's newest event (the write just made) to `when`.
fn stamp(conn: &mut AnyConnection, person_id: PersonId, when: NaiveDateTime) -> AppResult<()> {
    let newest: Option<i64> = step_events::table
        .filter(step_events::person_id.eq(person_id))
        .select(diesel::dsl::max(step_events::id))
        .first(conn)?;
    if let Some(id) = newest {
        diesel::update(step_events::table.find(id))
            .set(step_events::created_at.eq(when))
            .execute(conn)?;
    }
    Ok(())
}

/// The next one of a group taking turns: `squad[n % 3]` says whether they are at Squad/Chapter.
fn turn(n: &mut usize, squad: [bool; 3]) -> Step {
    *n += 1;
    if squad[*n % 3] {
        Step::Squad
    } else {
        Step::Individual
    }
}

/// Ratings of one behavior at each step for someone at `current`: consistently below it,
/// often at it, sometimes one above, not yet two above. The person is hopeful or modest here and there,
/// their lead sees some things more and some less, so the comparison has something to say.
fn ratings(current: Step, behavior: usize, seed: usize, lead: bool) -> [Option<i32>; 4] {
    let (c, k) = (current.rank(), seed + behavior);
    std::array::from_fn(|r| {
        let base = match r as i64 - c as i64 {
            d if d < 0 => 4,
            0 => 3,
            1 => 2,
            2 => 1,
            _ => return None,
        };
        let shift = match (lead, r == c, r == c + 1) {
            (false, _, true) if k % 3 == 2 => 1,
            (false, true, _) if k % 7 == 3 => -1,
            (true, true, _) if k % 4 == 1 => 1,
            (true, _, true) if k % 5 == 3 => -1,
            _ => 0,
        };
        Some((base + shift).clamp(1, 4))
    })
}

/// One side's assessment of someone at `step`: a note and ratings per behavior.
fn assessment(texts: &Texts, side: Side, step: Step, seed: usize) -> HashMap<Behavior, Row> {
    let lead = side == Side::Lead;
    let notes = if lead {
        &texts.lead_notes
    } else {
        &texts.own_notes
    };
    let mut rows = HashMap::new();
    for (b, behavior) in Behavior::ALL.iter().enumerate() {
        let note = notes[(seed % 2) * 5 + b].clone();
        let ratings = ratings(step, b, seed, lead);
        rows.insert(*behavior, Row { ratings, note });
    }
    rows
}

fn assess(
    conn: &mut AnyConnection,
    who: &Who,
    side: Side,
    author: PersonId,
    rows: &HashMap<Behavior, Row>,
    when: NaiveDateTime,
) -> AppResult<()> {
    repo::save_assessment(conn, author, who, side, rows)?;
    diesel::update(
        step_assessments::table
            .filter(step_assessments::person_id.eq(who.id))
            .filter(step_assessments::side.eq(side.key())),
    )
    .set(step_assessments::updated_at.eq(when))
    .execute(conn)?;
    stamp(conn, who.id, when)
}

fn propose(
    conn: &mut AnyConnection,
    who: &Who,
    by: PersonId,
    to: Step,
    evidence: &str,
    when: NaiveDateTime,
) -> AppResult<i64> {
    let id = proposal_repo::propose(conn, by, who, to, evidence, &[])?;
    diesel::update(step_proposals::table.find(id))
        .set(step_proposals::created_at.eq(when))
        .execute(conn)?;
    stamp(conn, who.id, when)?;
    Ok(id)
}

/// Loads the demo career records; returns how many people have one.
pub fn load(conn: &mut AnyConnection) -> AppResult<usize> {
    let today = crate::dates::today();
    let snap = units::snapshot(conn, today)?;
    let texts: Texts = demo_data!("steps")?;
    let admin = person_id(&snap, DEMO_ADMIN)?;
    let story = Story {
        today,
        snap,
        texts,
        admin,
    };
    let cast = Cast::find(conn, &story)?;
    records(conn, &story, &cast)?;
    // Who holds the company-level role, as the records just saved say.
    let company = repo::company_holders(conn)?;
    first_steps(conn, &story, &cast, &company)?;
    past_promotions(conn, &story, &cast, &company)?;
    assessments(conn, &story, &cast, &company)?;
    open_proposals(conn, &story, &cast)?;
    // Four people show their step to everyone.
    for pid in [cast.bjorn, cast.cto, cast.hugo, cast.fatima] {
        repo::set_public(conn, &story.who(pid)?, true)?;
        stamp(conn, pid, at(story.days(3), 12))?;
    }
    Ok(story.people().len())
}

/// Discipline and roles, kept by the line manager (an admin for everyone without one, and
/// for the company-level role, which only admins give).
fn records(conn: &mut AnyConnection, story: &Story, cast: &Cast) -> AppResult<()> {
    let cat = repo::catalogue(conn)?;
    let entry = |kind: &str, name: &str| {
        cat.iter()
            .find(|e| e.kind == kind && e.name == name)
            .map(|e| e.id)
            .ok_or_else(|| AppError::internal(format!("demo: no {kind} {name:?}")))
    };
    let mut roles: HashMap<PersonId, Vec<i64>> = HashMap::new();
    for m in &story.snap.memberships {
        let name = match m.role() {
            Role::ChapterLead => "Chapter lead",
            Role::TribeLead => "Tribe lead",
            Role::ProductOwner => "Product owner",
            Role::AgileCoach => "Agile coach",
            _ => continue,
        };
        let (role, held) = (entry("role", name)?, roles.entry(m.person_id).or_default());
        if !held.contains(&role) {
            held.push(role);
        }
    }
    let (engineer, cto_role) = (entry("role", "Software engineer")?, entry("role", "CTO")?);
    for p in story.people() {
        let disciplines = &story.texts.disciplines;
        let discipline = disciplines.iter().find(|d| d.profile == p.discipline);
        let discipline_id = discipline
            .map(|d| entry("discipline", &d.catalogue))
            .transpose()?;
        let mut role_ids = roles.get(&p.id).cloned().unwrap_or_default();
        if role_ids.is_empty() && discipline.is_some_and(|d| d.engineer) {
            role_ids.push(engineer);
        }
        if p.id == cast.cto {
            role_ids.push(cto_role);
        }
        let actor = match flow::relations(&story.snap, &[], p.id)
            .chapter_leads
            .first()
        {
            Some(lead) if p.id != cast.cto => *lead,
            _ => story.admin,
        };
        let started_on = cast.started.get(&p.id).copied();
        let input = RecordInput {
            discipline_id,
            role_ids,
            started_on,
        };
        repo::save_record(conn, actor, actor == story.admin, &story.who(p.id)?, &input)?;
        let since = started_on
            .or(cast.firsts.get(&p.id).copied())
            .unwrap_or(story.today);
        stamp(conn, p.id, at(since, 9))?;
    }
    Ok(())
}

/// Whoever decides step `s` for someone with these relations.
fn decider(r: &Relations, s: Step) -> Option<PersonId> {
    r.deciders(s).1.first().copied()
}

/// First steps, set at each six-month review by whoever decides that step.
fn first_steps(
    conn: &mut AnyConnection,
    story: &Story,
    cast: &Cast,
    company: &[PersonId],
) -> AppResult<()> {
    let (snap, texts) = (&story.snap, &story.texts);
    let led: HashMap<PersonId, &str> = snap
        .of_kind(UnitKind::Chapter)
        .flat_map(|u| {
            let leads = snap.members_with_role(u.id, Role::ChapterLead);
            leads
                .into_iter()
                .map(move |p| (p.id, u.discipline.as_str()))
        })
        .collect();
    let owners: HashSet<PersonId> = snap
        .memberships
        .iter()
        .filter(|m| m.role() == Role::ProductOwner)
        .map(|m| m.person_id)
        .collect();
    let (mut n_owners, mut n_others) = (0, 0);
    for p in story.people() {
        if cast.started.contains_key(&p.id) {
            continue;
        }
        let step = match led.get(&p.id) {
            _ if texts.company_level.contains(&p.username) => Step::Company,
            _ if texts.tribe_level.contains(&p.username) => Step::Tribe,
            _ if p.id == cast.bjorn => Step::Squad,
            Some(&"backend") => Step::Tribe,
            Some(_) => Step::Squad,
            None if p.id == cast.carla || p.id == cast.hugo => Step::Individual,
            None if owners.contains(&p.id) => turn(&mut n_owners, [true, false, true]),
            None => turn(&mut n_others, [false, false, true]),
        };
        let start = cast.firsts.get(&p.id).copied().unwrap_or(story.today);
        let on = review_due(start).min(story.days(30));
        let (actor, note) = match decider(&flow::relations(snap, company, p.id), step) {
            Some(d) => (d, &texts.first_notes[step.rank()]),
            None => (story.admin, &texts.nobody_above),
        };
        repo::set_first_step(conn, actor, &story.who(p.id)?, step, on, note)?;
        stamp(conn, p.id, at(on, 14))?;
    }
    Ok(())
}

/// Promotions decided in the past, with their evidence and decision note.
fn past_promotions(
    conn: &mut AnyConnection,
    story: &Story,
    cast: &Cast,
    company: &[PersonId],
) -> AppResult<()> {
    let s = &story.texts.stories;
    let Cast {
        bjorn,
        fatima,
        hugo,
        aino,
        cem,
        ..
    } = *cast;
    // (person, proposer, to, outcome, proposed and decided in days before today)
    let past = [
        (
            bjorn,
            bjorn,
            Step::Tribe,
            Status::Approved,
            500,
            486,
            &s.bjorn,
        ),
        (
            fatima,
            fatima,
            Step::Tribe,
            Status::Approved,
            380,
            368,
            &s.fatima,
        ),
        (hugo, aino, Step::Squad, Status::Approved, 230, 221, &s.hugo),
        (cem, cem, Step::Tribe, Status::Declined, 85, 74, &s.cem),
    ];
    for (pid, by, to, outcome, asked, decided, text) in past {
        let w = story.who(pid)?;
        let when = at(story.days(asked), 11);
        let proposal = propose(conn, &w, by, to, &text.evidence, when)?;
        let relations = flow::relations(&story.snap, company, pid);
        let actor = decider(&relations, to).unwrap_or(story.admin);
        proposal_repo::close_proposal(conn, actor, &w, proposal, outcome, &text.note)?;
        let when = at(story.days(decided), 15);
        diesel::update(step_proposals::table.find(proposal))
            .set(step_proposals::decided_at.eq(when))
            .execute(conn)?;
        if outcome == Status::Approved {
            diesel::update(step_profiles::table.find(pid))
                .set(step_profiles::step_since.eq(when.date()))
                .execute(conn)?;
        }
        stamp(conn, pid, when)?;
    }
    Ok(())
}

/// Assessments over the last weeks: the person's own, and their chapter lead's when they
/// have one (the newest Listening Backend member prepares her six-month review).
fn assessments(
    conn: &mut AnyConnection,
    story: &Story,
    cast: &Cast,
    company: &[PersonId],
) -> AppResult<()> {
    let mut assessed = vec![cast.bjorn, cast.ben, cast.carla, cast.hugo];
    assessed.push(last(&cast.listening)?);
    assessed.extend(cast.listening.iter().skip(2).take(2));
    assessed.extend(cast.web.iter().take(2).chain(cast.platform.iter().take(2)));
    for (i, pid) in assessed.into_iter().enumerate() {
        let w = story.who(pid)?;
        let step = repo::profile(conn, pid)?
            .and_then(|p| p.step())
            .unwrap_or(Step::Individual);
        let day = story.days(45 - 2 * i as i64);
        let own = assessment(&story.texts, Side::Own, step, i);
        assess(conn, &w, Side::Own, pid, &own, at(day, 10))?;
        let relations = flow::relations(&story.snap, company, pid);
        if let Some(lead) = relations.chapter_leads.first() {
            let later = at(day + Duration::days(3), 16);
            let rows = assessment(&story.texts, Side::Lead, step, i);
            assess(conn, &w, Side::Lead, *lead, &rows, later)?;
        }
    }
    Ok(())
}

/// The two proposals still open.
fn open_proposals(conn: &mut AnyConnection, story: &Story, cast: &Cast) -> AppResult<()> {
    let (days, s) = (|n| story.days(n), &story.texts.stories);
    let Cast {
        aino,
        ben,
        bjorn,
        carla,
        ..
    } = *cast;
    // Ben proposes himself for Tribe/Guild and Aino's feedback is in; Björn (or Discovery's
    // tribe lead, as Ben now works in Podcast Discovery) decides.
    let w = story.who(ben)?;
    let open = propose(conn, &w, ben, Step::Tribe, &s.ben.evidence, at(days(9), 11))?;
    proposal_repo::ask_feedback(conn, ben, &w, open, aino)?;
    stamp(conn, ben, at(days(8), 9))?;
    let asked = proposal_repo::feedback_on(conn, open)?;
    let f = asked
        .iter()
        .find(|f| f.peer_id == aino)
        .ok_or_else(|| AppError::internal("demo: feedback not asked"))?;
    proposal_repo::answer_feedback(conn, aino, &w, f.id, &s.ben.feedback)?;
    diesel::update(step_feedback::table.find(f.id))
        .set((
            step_feedback::asked_at.eq(at(days(8), 9)),
            step_feedback::answered_at.eq(at(days(4), 17)),
        ))
        .execute(conn)?;
    stamp(conn, ben, at(days(4), 17))?;

    // Aino proposes Carla for Squad/Chapter and asks a chapter peer and Björn, who sees the
    // squad's work; neither has answered yet.
    let w = story.who(carla)?;
    let open = propose(
        conn,
        &w,
        aino,
        Step::Squad,
        &s.carla.evidence,
        at(days(6), 10),
    )?;
    for peer in [nth(&cast.listening, 2)?, bjorn] {
        proposal_repo::ask_feedback(conn, aino, &w, open, peer)?;
        stamp(conn, carla, at(days(5), 13))?;
    }
    diesel::update(step_feedback::table.filter(step_feedback::proposal_id.eq(open)))
        .set(step_feedback::asked_at.eq(at(days(5), 13)))
        .execute(conn)?;
    Ok(())
}
