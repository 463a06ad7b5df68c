//! Demo post-mortems: a dozen incidents across the tribes of Kanelbulle Audio, from SEV1
//! outages to SEV4 slips, with timelines, contributing factors, lessons and action items (done,
//! open, overdue and won't do). Ten are published, one is in review and the newest is a draft
//! that still blames people, for the blameless-language check to find. The data is
//! `data/postmortems.yaml`, embedded at build time; this module reads it and writes each
//! post-mortem through the post-mortems' own repo functions.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;

use crate::action_items::model::{ActionInput, Kind, Status as ActionStatus};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::unit::{Role, UnitKind};
use crate::org::unit_repo as units;
use crate::postmortems::model::{LessonDraft, PostmortemInput, Severity, TimelineEntry, Times};
use crate::postmortems::repo::{self, Verdict};

/// An action item of a demo post-mortem.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoAction {
    pub title: String,
    pub kind: String,
    /// Owner squad slug.
    pub squad: String,
    /// Due date in days from today (negative = in the past).
    pub due_in_days: i64,
    pub status: String,
    /// Why it won't be done (only for "wontdo").
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub tracker: String,
}

/// A lesson a post-mortem teaches.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoLesson {
    pub title: String,
    pub body: String,
}

/// A demo post-mortem; `data/postmortems.yaml`'s header says what each field means.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoPostmortem {
    pub title: String,
    pub severity: u8,
    pub status: String,
    pub squads: Vec<String>,
    pub days_ago: i64,
    pub start: String,
    pub detected: i64,
    pub mitigated: i64,
    pub resolved: i64,
    pub summary: String,
    pub impact: String,
    pub timeline: Vec<(i64, String)>,
    pub factors: Vec<String>,
    pub detection: String,
    pub went_well: String,
    pub went_wrong: String,
    pub lucky: String,
    pub lessons: Vec<DemoLesson>,
    pub actions: Vec<DemoAction>,
}

/// Every demo post-mortem, oldest first.
pub(super) fn postmortems() -> AppResult<Vec<DemoPostmortem>> {
    demo_data!("postmortems")
}

/// Current members of a squad (looked up by slug, or by its old slug after a rename), agile
/// coaches last.
pub(super) fn members(
    conn: &mut AnyConnection,
    slug: &str,
) -> AppResult<(UnitId, Vec<PersonId>, Vec<PersonId>)> {
    let squad = units::unit_or_renamed(conn, UnitKind::Squad, slug)?
        .ok_or_else(|| AppError::internal(format!("demo squad {slug} is missing")))?;
    let today = crate::dates::today();
    let (mut people, mut coaches) = (Vec::new(), Vec::new());
    for (m, _) in units::memberships_of_unit(conn, squad.id)? {
        if m.is_current(today) {
            match m.role() {
                Role::AgileCoach => coaches.push(m.person_id),
                _ => people.push(m.person_id),
            }
        }
    }
    Ok((squad.id, people, coaches))
}

/// Loads the demo post-mortems: published ones are approved by a member of another involved
/// squad (which makes their lessons), one waits in review and the newest stays a draft.
pub fn load(conn: &mut AnyConnection) -> AppResult<usize> {
    let now = chrono::Utc::now().naive_utc();
    let today = now.date();
    let all = postmortems()?;
    for (n, d) in all.iter().enumerate() {
        let crew = Crew::of(conn, d, n)?;
        let time = NaiveTime::parse_from_str(&d.start, "%H:%M")
            .map_err(|_| AppError::internal("demo start time"))?;
        let started: NaiveDateTime = (today - Duration::days(d.days_ago)).and_time(time);
        let input = input(conn, d, &crew, started, today)?;
        let author = crew.authors.first().copied();
        let pm = repo::create(conn, author, &input)?;
        match d.status.as_str() {
            "published" | "review" => {
                repo::set_status(
                    conn,
                    author,
                    pm.id,
                    crate::postmortems::model::Status::Draft,
                    crate::postmortems::model::Status::Review,
                )?;
            }
            _ => {}
        }
        if d.status == "published" {
            let published = started + Duration::minutes(d.resolved) + Duration::days(4);
            publish(conn, &crew, pm.id, published)?;
        }
    }
    Ok(all.len())
}

/// Who was involved in one post-mortem: its squads, their people, a coach, and its authors.
struct Crew {
    squads: Vec<UnitId>,
    people: Vec<Vec<PersonId>>,
    coach: Option<PersonId>,
    authors: Vec<PersonId>,
}

impl Crew {
    /// The crew of the `n`th post-mortem.
    fn of(conn: &mut AnyConnection, d: &DemoPostmortem, n: usize) -> AppResult<Crew> {
        let mut squads = Vec::new();
        let mut people = Vec::new();
        let mut coach = None;
        for slug in &d.squads {
            let (id, members, coaches) = members(conn, slug)?;
            squads.push(id);
            people.push(members);
            coach = coach.or(coaches.first().copied());
        }
        let writers = people.first().cloned().unwrap_or_default();
        // A different pair of writers for each post-mortem.
        let authors: Vec<PersonId> = writers
            .iter()
            .cycle()
            .skip(n % writers.len().max(1))
            .take(2.min(writers.len()))
            .copied()
            .collect();
        Ok(Crew {
            squads,
            people,
            coach,
            authors,
        })
    }
}

/// The post-mortem as its authors type it, its times counted from `started`.
fn input(
    conn: &mut AnyConnection,
    d: &DemoPostmortem,
    crew: &Crew,
    started: NaiveDateTime,
    today: NaiveDate,
) -> AppResult<PostmortemInput> {
    let at = |min: i64| started + Duration::minutes(min);
    Ok(PostmortemInput {
        title: d.title.clone(),
        severity: Severity::from_level(i32::from(d.severity))
            .ok_or_else(|| AppError::internal("demo severity"))?,
        squads: crew.squads.clone(),
        authors: crew.authors.clone(),
        facilitator: crew.coach.filter(|c| !crew.authors.contains(c)),
        times: Times {
            started: Some(started),
            detected: Some(at(d.detected)),
            mitigated: Some(at(d.mitigated)),
            resolved: Some(at(d.resolved)),
        },
        summary: d.summary.clone(),
        impact: d.impact.clone(),
        timeline: d
            .timeline
            .iter()
            .map(|(m, text)| TimelineEntry {
                at: at(*m),
                text: text.clone(),
            })
            .collect(),
        factors: d.factors.clone(),
        detection: d.detection.clone(),
        went_well: d.went_well.clone(),
        went_wrong: d.went_wrong.clone(),
        lucky: d.lucky.clone(),
        lessons: d
            .lessons
            .iter()
            .map(|l| LessonDraft {
                title: l.title.clone(),
                body: l.body.clone(),
            })
            .collect(),
        actions: d
            .actions
            .iter()
            .map(|a| action(conn, d, a, &crew.squads, today))
            .collect::<AppResult<_>>()?,
    })
}

/// One action item, owned by one of the post-mortem's squads or another one.
fn action(
    conn: &mut AnyConnection,
    d: &DemoPostmortem,
    a: &DemoAction,
    squads: &[UnitId],
    today: NaiveDate,
) -> AppResult<ActionInput> {
    let squad = d
        .squads
        .iter()
        .position(|s| *s == a.squad)
        .map(|i| squads[i]);
    let squad_id = match squad {
        Some(id) => id,
        None => members(conn, &a.squad)?.0,
    };
    Ok(ActionInput {
        id: None,
        title: a.title.clone(),
        kind: Kind::parse(&a.kind).ok_or_else(|| AppError::internal("demo action kind"))?,
        squad_id,
        person_id: None,
        due_on: Some(today + Duration::days(a.due_in_days)),
        status: ActionStatus::parse(&a.status)
            .ok_or_else(|| AppError::internal("demo action status"))?,
        reason: a.reason.clone(),
        tracker: a.tracker.clone(),
    })
}

/// The review that publishes a post-mortem: by someone of another involved squad, or the coach.
fn publish(
    conn: &mut AnyConnection,
    crew: &Crew,
    id: i64,
    published: NaiveDateTime,
) -> AppResult<()> {
    let reviewer = crew
        .people
        .iter()
        .skip(1)
        .flatten()
        .chain(crew.coach.iter())
        .find(|p| !crew.authors.contains(p))
        .copied();
    if let Some(r) = reviewer {
        let pm = repo::get(conn, id)?;
        repo::review(
            conn,
            r,
            &pm,
            Verdict::Approved,
            "Clear timeline and factors; the action items have owners. Thank you.",
            0,
        )?;
        repo::set_published_at(conn, pm.id, published)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the header of the data file promises.
    #[test]
    fn the_demo_postmortems_read_and_keep_their_shape() {
        let all = postmortems().unwrap();
        assert_eq!(all.len(), 12);
        let published = all.iter().filter(|p| p.status == "published").count();
        assert_eq!(published, 10);
        assert_eq!(all.last().map(|p| p.status.as_str()), Some("draft"));
        for p in &all {
            let at = &p.title;
            assert!((1..=4).contains(&p.severity), "{at}");
            assert!((5..=9).contains(&p.timeline.len()), "{at}: timeline");
            assert!(p.timeline.windows(2).all(|w| w[0].0 <= w[1].0), "{at}");
            assert!((2..=4).contains(&p.factors.len()), "{at}: factors");
            assert!((1..=2).contains(&p.lessons.len()), "{at}: lessons");
            assert!((2..=4).contains(&p.actions.len()), "{at}: actions");
            assert!(
                p.detected <= p.mitigated && p.mitigated <= p.resolved,
                "{at}"
            );
            for a in &p.actions {
                assert!(Kind::parse(&a.kind).is_some(), "{at}: {}", a.kind);
                assert!(ActionStatus::parse(&a.status).is_some(), "{at}");
                assert_eq!(a.status == "wontdo", !a.reason.is_empty(), "{at}");
            }
        }
    }
}
