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

use super::DEMO_ADMIN;
use crate::db::AnyConnection;
use crate::db::schema::{
    step_assessments, step_events, step_feedback, step_profiles, step_proposals,
};
use crate::error::{AppError, AppResult};
use crate::org::rules::Snapshot;
use crate::org::unit::{Role, UnitKind};
use crate::org::unit_repo as units;
use crate::steps::flow;
use crate::steps::model::{Behavior, Relations, Row, Side, Status, Step, review_due};
use crate::steps::proposal_repo;
use crate::steps::repo::{self, RecordInput, Who};

/// Profile discipline → (the catalogue's discipline, whether "Software engineer" is their role
/// when no membership gives them one).
const DISCIPLINES: &[(&str, &str, bool)] = &[
    ("backend", "Software development", true),
    ("frontend", "Software development", true),
    ("mobile", "Software development", true),
    ("infrastructure", "Software development", true),
    ("qa", "Testing", true),
    ("testing", "Testing", true),
    ("design", "Design", false),
    ("product", "Product", false),
    ("data", "Data", true),
    ("coaching", "Agile coaching", false),
];

/// Holds the company-level role: Platform's tribe lead.
const CTO: &str = "dmitri";

/// Senior people's first steps; Björn starts at Squad/Chapter and is promoted below.
const COMPANY_LEVEL: &[&str] = &["dmitri", "chioma", "elin", "ines", "alice"];
const TRIBE_LEVEL: &[&str] = &[
    "farah", "gustav", "hana", "jonas", "kwame", "linnea", "mateo", "nadia",
];

/// When the newcomers started, in days before today: the first one's review is overdue.
const NEWCOMER_DAYS: [i64; 6] = [200, 171, 150, 95, 52, 24];

/// The note of a first step, by step.
const FIRST_NOTES: [&str; 4] = [
    "Six-month review: a good start in the squad, learning fast.",
    "Six-month review: joined with experience and already moves the squad forward.",
    "Six-month review: their work shapes how the whole tribe works.",
    "Six-month review: sets direction the company builds on.",
];
const NOBODY_ABOVE: &str = "Recorded by an admin: nobody in the org holds a level above this one.";

/// Assessment notes, two sets of one per behavior in order: the person's own…
const OWN_NOTES: [&str; 10] = [
    "I pair a lot and ask for help earlier than I used to.",
    "I bring one concrete change to each retro and follow it up.",
    "I say early when something will slip.",
    "I can say why my work matters, less often why the squad's does.",
    "Confident in our services; still learning the data side.",
    "I sometimes hold on to a task too long instead of sharing it.",
    "I read a lot but rarely turn it into a change for the team.",
    "I find it hard to give peers critical feedback.",
    "I try to think about users, but the backlog decides for me.",
    "I'd like to go deeper before taking on more breadth.",
];
/// …and their chapter lead's.
const LEAD_NOTES: [&str; 10] = [
    "Helps without being asked; the newer engineers seek them out.",
    "Acts on feedback quickly. Next: change a practice of the squad, not only their own.",
    "Reliable. The next step is raising it, kindly, when others drop things.",
    "Asks the product owner why before starting; bring data to refinement too.",
    "Strong in their area; their reviews are thorough and teach something.",
    "Shares credit generously at demos. Could hand work over earlier.",
    "The release checklist they started is now the squad's: this behavior at Squad.",
    "Owned the incident follow-ups end to end. Feedback to peers is direct and kind.",
    "Argued, with numbers, for dropping a feature nobody used. More of that.",
    "The go-to person for the player build. Ready to teach it beyond the squad.",
];

const EVIDENCE_BJORN: &str = "Since the tribe was formed I have led the Listening trio with Farah and Gustav, and the squads now plan their quarter together instead of one by one. When Player and Offline kept stepping on each other's releases, I stayed with both squads until they agreed on one release train and one on-call rotation. I'd like my step to match where my impact is now: the tribe.";
const NOTE_BJORN: &str =
    "Approved. The tribe plans as one now, and that is your doing as much as anyone's.";
const EVIDENCE_FATIMA: &str = "Fatima started the web performance clinic, and squads from three tribes now bring their pages to it. She owned the sign-in regression that crossed Identity and Payments until it was solved, instead of handing it over. Two engineers from Creators now run clinic sessions themselves because she coached them to.";
const NOTE_FATIMA: &str =
    "Approved. The clinic changed how several squads work; keep growing the people who run it.";
const EVIDENCE_HUGO: &str = "Hugo took ownership of the squad's data quality without being asked: he set up the checks, explained them at the demo and taught two squad-mates to read them. He gives direct, kind feedback in reviews and changes his own approach when he gets it. Priorities are now discussed with his numbers on the table.";
const NOTE_HUGO: &str =
    "Approved: this has been true for months. Thank you for making the squad better at its craft.";
const EVIDENCE_CEM: &str = "I wrote the Discovery test strategy and shared it with the Quality chapters of the other tribes. I run exploratory testing sessions with both squads I work with and review their test code. I want to help more squads test earlier.";
const NOTE_CEM: &str = "Not yet, and thank you for asking. Your work lifts both your squads: that is the Squad/Chapter step done well. For Tribe/Guild I'd like to see squads beyond yours take up the strategy with your help. Let's pick one together at our next 1:1 and look again in six months.";
const EVIDENCE_BEN: &str = "For a year I have run the Web & Mobile chapter's review rotation across all five Listening squads, and two squads outside my own now pair with us every week. When Offline and Player disagreed about caching, I brought both squads together and we agreed on one approach instead of two. I'd welcome feedback from the people I've worked with across the tribe.";
const FEEDBACK_BEN: &str = "Ben made the review rotation something people look forward to. In the caching discussion he listened to both squads before suggesting anything, and wrote the decision down so nobody had to argue it again. He helps people outside his squad without being asked.";
const EVIDENCE_CARLA: &str = "Carla has become the person the Player squad turns to when a release goes wrong: she stays calm, writes down what happened and makes sure the follow-ups land. She pairs with the two newer engineers every week and asks for review of her own work early. In retros she brings one concrete change and sees it through.";

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, 0, 0).unwrap_or_default()
}

/// Moves the person's newest event (the write just made) to `when`.
fn stamp(conn: &mut AnyConnection, person_id: i64, when: NaiveDateTime) -> AppResult<()> {
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

/// A chapter by name: its lead and its other members, by id.
fn chapter(snap: &Snapshot, name: &str) -> AppResult<(i64, Vec<i64>)> {
    let missing = || AppError::internal(format!("demo: no chapter {name:?} with a lead"));
    let unit = snap
        .of_kind(UnitKind::Chapter)
        .find(|u| u.name == name)
        .ok_or_else(missing)?;
    let lead = snap
        .members_with_role(unit.id, Role::ChapterLead)
        .first()
        .map(|p| p.id)
        .ok_or_else(missing)?;
    let mut members: Vec<i64> = snap
        .memberships_of(unit.id)
        .filter(|m| m.role() != Role::ChapterLead)
        .map(|m| m.person_id)
        .collect();
    members.sort_unstable();
    members.dedup();
    Ok((lead, members))
}

fn nth(members: &[i64], n: usize) -> AppResult<i64> {
    members
        .get(n)
        .copied()
        .ok_or_else(|| AppError::internal("demo: chapter too small"))
}

fn last(members: &[i64]) -> AppResult<i64> {
    nth(members, members.len().saturating_sub(1))
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

fn assess(
    conn: &mut AnyConnection,
    who: &Who,
    side: Side,
    author: i64,
    step: Step,
    seed: usize,
    when: NaiveDateTime,
) -> AppResult<()> {
    let lead = side == Side::Lead;
    let mut rows = HashMap::new();
    for (b, behavior) in Behavior::ALL.iter().enumerate() {
        let notes = if lead { LEAD_NOTES } else { OWN_NOTES };
        let note = notes[(seed % 2) * 5 + b].to_string();
        let ratings = ratings(step, b, seed, lead);
        rows.insert(*behavior, Row { ratings, note });
    }
    repo::save_assessment(conn, author, who, side, &rows)?;
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
    by: i64,
    to: Step,
    evidence: &str,
    when: NaiveDateTime,
) -> AppResult<i64> {
    let id = proposal_repo::propose(conn, by, who, to, evidence)?;
    diesel::update(step_proposals::table.find(id))
        .set(step_proposals::created_at.eq(when))
        .execute(conn)?;
    stamp(conn, who.id, when)?;
    Ok(id)
}

/// Loads the demo career records; returns how many people have one.
pub fn load(conn: &mut AnyConnection) -> AppResult<usize> {
    let today = crate::dates::today();
    let days = |n: i64| today - Duration::days(n);
    let snap = units::snapshot(conn, today)?;
    let cat = repo::catalogue(conn)?;
    let entry = |kind: &str, name: &str| {
        cat.iter()
            .find(|e| e.kind == kind && e.name == name)
            .map(|e| e.id)
            .ok_or_else(|| AppError::internal(format!("demo: no {kind} {name:?}")))
    };
    let id = |u: &str| {
        snap.people
            .iter()
            .find(|p| p.username == u)
            .map(|p| p.id)
            .ok_or_else(|| AppError::internal(format!("demo: no person {u}")))
    };
    let who = |pid: i64| {
        snap.person(pid)
            .map(|p| Who {
                id: p.id,
                username: p.username.clone(),
            })
            .ok_or_else(|| AppError::internal("demo: no such person"))
    };
    let mut people: Vec<_> = snap.people.iter().filter(|p| !p.disabled).collect();
    people.sort_by_key(|p| p.id);
    let (admin, cto, bjorn) = (id(DEMO_ADMIN)?, id(CTO)?, id("bjorn")?);

    // The people the story is about.
    let (aino, listening) = chapter(&snap, "Listening Backend")?;
    let (ben, web) = chapter(&snap, "Listening Web & Mobile")?;
    let (_, platform) = chapter(&snap, "Platform Backend")?;
    let (fatima, _) = chapter(&snap, "Platform Web & Mobile")?;
    let (cem, _) = chapter(&snap, "Discovery Quality")?;
    let (carla, hugo) = (nth(&listening, 0)?, nth(&listening, 1)?);
    // Newcomers: three in chapters, and the people not placed in any unit yet.
    let mut newcomers = vec![
        last(&chapter(&snap, "Discovery Backend")?.1)?,
        last(&listening)?,
        last(&chapter(&snap, "Creators Web & Mobile")?.1)?,
    ];
    let placed: HashSet<i64> = snap.memberships.iter().map(|m| m.person_id).collect();
    newcomers.extend(people.iter().map(|p| p.id).filter(|p| !placed.contains(p)));
    let started: HashMap<i64, NaiveDate> = newcomers
        .iter()
        .zip(NEWCOMER_DAYS)
        .map(|(p, d)| (*p, days(d)))
        .collect();
    let firsts = repo::first_starts(conn)?;

    // Discipline and roles, kept by the line manager (an admin for everyone without one, and
    // for the company-level role, which only admins give).
    let mut roles: HashMap<i64, Vec<i64>> = HashMap::new();
    for m in &snap.memberships {
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
    for p in &people {
        let discipline = DISCIPLINES.iter().find(|(k, _, _)| *k == p.discipline);
        let discipline_id = discipline.map(|d| entry("discipline", d.1)).transpose()?;
        let mut role_ids = roles.get(&p.id).cloned().unwrap_or_default();
        if role_ids.is_empty() && discipline.is_some_and(|d| d.2) {
            role_ids.push(engineer);
        }
        if p.id == cto {
            role_ids.push(cto_role);
        }
        let actor = match flow::relations(&snap, &[], p.id).chapter_leads.first() {
            Some(lead) if p.id != cto => *lead,
            _ => admin,
        };
        let started_on = started.get(&p.id).copied();
        let input = RecordInput {
            discipline_id,
            role_ids,
            started_on,
        };
        repo::save_record(conn, actor, actor == admin, &who(p.id)?, &input)?;
        let since = started_on.or(firsts.get(&p.id).copied()).unwrap_or(today);
        stamp(conn, p.id, at(since, 9))?;
    }

    // First steps, set at each six-month review by whoever decides that step.
    let company = repo::company_holders(conn)?;
    let rel = |pid: i64| flow::relations(&snap, &company, pid);
    let decider = |r: &Relations, s: Step| r.deciders(s).1.first().copied();
    let led: HashMap<i64, &str> = snap
        .of_kind(UnitKind::Chapter)
        .flat_map(|u| {
            let leads = snap.members_with_role(u.id, Role::ChapterLead);
            leads
                .into_iter()
                .map(move |p| (p.id, u.discipline.as_str()))
        })
        .collect();
    let owners: HashSet<i64> = snap
        .memberships
        .iter()
        .filter(|m| m.role() == Role::ProductOwner)
        .map(|m| m.person_id)
        .collect();
    let (mut n_owners, mut n_others) = (0, 0);
    for p in &people {
        if started.contains_key(&p.id) {
            continue;
        }
        let step = match led.get(&p.id) {
            _ if COMPANY_LEVEL.contains(&p.username.as_str()) => Step::Company,
            _ if TRIBE_LEVEL.contains(&p.username.as_str()) => Step::Tribe,
            _ if p.id == bjorn => Step::Squad,
            Some(&"backend") => Step::Tribe,
            Some(_) => Step::Squad,
            None if p.id == carla || p.id == hugo => Step::Individual,
            None if owners.contains(&p.id) => turn(&mut n_owners, [true, false, true]),
            None => turn(&mut n_others, [false, false, true]),
        };
        let start = firsts.get(&p.id).copied().unwrap_or(today);
        let on = review_due(start).min(days(30));
        let (actor, note) = match decider(&rel(p.id), step) {
            Some(d) => (d, FIRST_NOTES[step.rank()]),
            None => (admin, NOBODY_ABOVE),
        };
        repo::set_first_step(conn, actor, &who(p.id)?, step, on, note)?;
        stamp(conn, p.id, at(on, 14))?;
    }

    // Promotions decided in the past: (person, proposer, to, outcome, proposed and decided
    // in days before today), with their evidence and decision note.
    let past = [
        (bjorn, bjorn, Step::Tribe, Status::Approved, 500, 486),
        (fatima, fatima, Step::Tribe, Status::Approved, 380, 368),
        (hugo, aino, Step::Squad, Status::Approved, 230, 221),
        (cem, cem, Step::Tribe, Status::Declined, 85, 74),
    ];
    let texts = [
        (EVIDENCE_BJORN, NOTE_BJORN),
        (EVIDENCE_FATIMA, NOTE_FATIMA),
        (EVIDENCE_HUGO, NOTE_HUGO),
        (EVIDENCE_CEM, NOTE_CEM),
    ];
    for ((pid, by, to, outcome, asked, decided), (evidence, note)) in past.into_iter().zip(texts) {
        let w = who(pid)?;
        let proposal = propose(conn, &w, by, to, evidence, at(days(asked), 11))?;
        let actor = decider(&rel(pid), to).unwrap_or(admin);
        proposal_repo::close_proposal(conn, actor, &w, proposal, outcome, note)?;
        let when = at(days(decided), 15);
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

    // Assessments over the last weeks: the person's own, and their chapter lead's when they
    // have one (the newest Listening Backend member prepares her six-month review).
    let mut assessed = vec![bjorn, ben, carla, hugo, last(&listening)?];
    assessed.extend(listening.iter().skip(2).take(2));
    assessed.extend(web.iter().take(2).chain(platform.iter().take(2)));
    for (i, pid) in assessed.into_iter().enumerate() {
        let w = who(pid)?;
        let step = repo::profile(conn, pid)?
            .and_then(|p| p.step())
            .unwrap_or(Step::Individual);
        let day = days(45 - 2 * i as i64);
        assess(conn, &w, Side::Own, pid, step, i, at(day, 10))?;
        if let Some(lead) = rel(pid).chapter_leads.first() {
            let later = at(day + Duration::days(3), 16);
            assess(conn, &w, Side::Lead, *lead, step, i, later)?;
        }
    }

    // Open: Ben proposes himself for Tribe/Guild and Aino's feedback is in; Björn (or
    // Discovery's tribe lead, as Ben now works in Podcast Discovery) decides.
    let w = who(ben)?;
    let open = propose(conn, &w, ben, Step::Tribe, EVIDENCE_BEN, at(days(9), 11))?;
    proposal_repo::ask_feedback(conn, ben, &w, open, aino)?;
    stamp(conn, ben, at(days(8), 9))?;
    let asked = proposal_repo::feedback_on(conn, open)?;
    let f = asked
        .iter()
        .find(|f| f.peer_id == aino)
        .ok_or_else(|| AppError::internal("demo: feedback not asked"))?;
    proposal_repo::answer_feedback(conn, aino, &w, f.id, FEEDBACK_BEN)?;
    diesel::update(step_feedback::table.find(f.id))
        .set((
            step_feedback::asked_at.eq(at(days(8), 9)),
            step_feedback::answered_at.eq(at(days(4), 17)),
        ))
        .execute(conn)?;
    stamp(conn, ben, at(days(4), 17))?;

    // Open: Aino proposes Carla for Squad/Chapter and asks a chapter peer and Björn, who
    // sees the squad's work; neither has answered yet.
    let w = who(carla)?;
    let open = propose(conn, &w, aino, Step::Squad, EVIDENCE_CARLA, at(days(6), 10))?;
    for peer in [nth(&listening, 2)?, bjorn] {
        proposal_repo::ask_feedback(conn, aino, &w, open, peer)?;
        stamp(conn, carla, at(days(5), 13))?;
    }
    diesel::update(step_feedback::table.filter(step_feedback::proposal_id.eq(open)))
        .set(step_feedback::asked_at.eq(at(days(5), 13)))
        .execute(conn)?;

    // Four people show their step to everyone.
    for pid in [bjorn, cto, hugo, fatima] {
        repo::set_public(conn, &who(pid)?, true)?;
        stamp(conn, pid, at(days(3), 12))?;
    }
    Ok(people.len())
}
