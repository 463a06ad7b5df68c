//! Loads the demo retros (`data/retros.yaml`, whose header says what each field means): each one written as a squad would have run it —
//! cards by its members (or, in an anonymous retro, by nobody the database knows), groups and
//! dot votes, action items, and the review of the previous retro's items — then closed,
//! except today's, which waits in its review phase.

use chrono::Duration;
use diesel::prelude::*;
use serde::Deserialize;

use crate::action_items::model::{ActionInput, Kind, Status};
use crate::db::AnyConnection;
use crate::db::schema::retros;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::unit_repo as units;
use crate::retros::flow::seat_voter;
use crate::retros::model::{Format, NewRetro, Phase, Retro, Topic, Verdict, parse_columns};
use crate::retros::repo::{self, GroupTarget, Writer};

/// An action item agreed in a demo retro.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRetroAction {
    pub title: String,
    /// Owned by the n-th member of the squad (0-based, wraps around), or by the squad alone.
    pub owner: Option<usize>,
    /// Due date in days after the retro.
    pub due_in_days: i64,
    /// The index of the group (in `groups`) the item is about.
    #[serde(default)]
    pub topic: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRetro {
    pub squad: String,
    pub days_ago: i64,
    pub format: String,
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub anonymous: bool,
    /// (column index, text).
    #[serde(default)]
    pub cards: Vec<(usize, String)>,
    /// (group title, indexes into `cards`, dot votes on the group).
    #[serde(default)]
    pub groups: Vec<(String, Vec<usize>, u32)>,
    #[serde(default)]
    pub actions: Vec<DemoRetroAction>,
    /// (index into the previous retro's `actions`, verdict).
    #[serde(default)]
    pub review: Vec<(usize, String)>,
}

/// Every demo retro, oldest first within each squad.
fn retros() -> AppResult<Vec<DemoRetro>> {
    demo_data!("retros")
}

/// A squad's id, name, current members and agile coaches.
fn people_of(
    conn: &mut AnyConnection,
    slug: &str,
) -> AppResult<(UnitId, String, Vec<PersonId>, Vec<PersonId>)> {
    let (id, people, coaches) = super::postmortems::members(conn, slug)?;
    Ok((id, units::unit_by_id(conn, id)?.name, people, coaches))
}

pub fn load(conn: &mut AnyConnection) -> AppResult<usize> {
    let today = crate::dates::today();
    // The previous retro of each squad: its id and its action items, in order.
    let mut previous: std::collections::HashMap<&str, Vec<i64>> = Default::default();
    let all = retros()?;
    for d in &all {
        let team = Team::of(conn, &d.squad)?;
        let held_on = today - Duration::days(d.days_ago);
        let retro = open(conn, d, &team, held_on)?;
        // The review of the previous retro's items.
        let earlier = previous.get(d.squad.as_str()).cloned().unwrap_or_default();
        for (i, verdict) in &d.review {
            let Some(&item_id) = earlier.get(*i) else {
                continue;
            };
            let verdict =
                Verdict::parse(verdict).ok_or_else(|| AppError::internal("demo verdict"))?;
            let item = crate::action_items::repo::get(conn, item_id)?;
            repo::review_item(conn, Some(team.facilitator), &retro, &item, verdict)?;
        }
        if d.days_ago == 0 {
            // Today's retro is still running.
            continue;
        }
        let groups = board(conn, d, &team, &retro)?;
        let items = close(conn, d, &team, (&retro, &groups), held_on)?;
        previous.insert(d.squad.as_str(), items);
    }
    Ok(all.len())
}

/// The squad a retro is held by: its id and name, its people, and who facilitates.
struct Team {
    squad_id: UnitId,
    squad_name: String,
    people: Vec<PersonId>,
    facilitator: PersonId,
}

impl Team {
    fn of(conn: &mut AnyConnection, slug: &str) -> AppResult<Team> {
        let (squad_id, squad_name, people, coaches) = people_of(conn, slug)?;
        let facilitator = coaches
            .first()
            .or(people.first())
            .copied()
            .ok_or_else(|| AppError::internal(format!("demo squad {slug} has nobody")))?;
        Ok(Team {
            squad_id,
            squad_name,
            people,
            facilitator,
        })
    }

    /// The `n`th member, taking turns.
    fn member(&self, n: usize) -> Option<PersonId> {
        self.people.get(n % self.people.len().max(1)).copied()
    }
}

/// Creates the retro in its format, as the facilitator would.
fn open(
    conn: &mut AnyConnection,
    d: &DemoRetro,
    team: &Team,
    held_on: chrono::NaiveDate,
) -> AppResult<Retro> {
    let format = Format::parse(&d.format).ok_or_else(|| AppError::internal("demo retro format"))?;
    let columns = if format == Format::Custom {
        parse_columns(&d.columns.join("\n")).map_err(AppError::internal)?
    } else {
        format.columns().iter().map(|c| c.to_string()).collect()
    };
    repo::create(
        conn,
        Some(team.facilitator),
        &NewRetro {
            title: format!("{} retro {held_on}", team.squad_name),
            squad_id: team.squad_id,
            facilitator_id: team.facilitator,
            held_on,
            format,
            columns,
            anonymous: d.anonymous,
            vote_limit: 3,
            hide_votes: true,
        },
    )
}

/// The board: the cards (by members taking turns, or anonymous), their groups and the votes;
/// returns the groups' ids, in order.
fn board(
    conn: &mut AnyConnection,
    d: &DemoRetro,
    team: &Team,
    retro: &Retro,
) -> AppResult<Vec<i64>> {
    let mut groups = Vec::new();
    let mut card_ids = Vec::new();
    for (n, (column, body)) in d.cards.iter().enumerate() {
        let writer = if d.anonymous {
            Writer::Key(crate::auth::token::random_secret())
        } else {
            Writer::Person(team.member(n).unwrap_or(team.facilitator))
        };
        card_ids.push(repo::add_card(conn, retro.id, *column, body, &writer)?);
    }
    let mut voters = team.people.iter().map(|p| seat_voter(retro, *p)).cycle();
    for (title, cards, votes) in &d.groups {
        let ids: Vec<i64> = cards
            .iter()
            .filter_map(|i| card_ids.get(*i))
            .copied()
            .collect();
        let group = repo::group_cards(conn, retro.id, &ids, GroupTarget::New(title))?;
        groups.push(group);
        for _ in 0..*votes {
            if let Some(voter) = voters.next() {
                repo::add_vote(conn, retro.id, Topic::Group(group), &voter)?;
            }
        }
    }
    Ok(groups)
}

/// Adds the retro's action items and closes it at four in the afternoon of the day it was
/// held; returns the items' ids, in order, for the next retro's review.
fn close(
    conn: &mut AnyConnection,
    d: &DemoRetro,
    team: &Team,
    (retro, groups): (&Retro, &[i64]),
    held_on: chrono::NaiveDate,
) -> AppResult<Vec<i64>> {
    let facilitator = Some(team.facilitator);
    for a in &d.actions {
        let input = ActionInput {
            id: None,
            title: a.title.clone(),
            kind: Kind::Process,
            squad_id: team.squad_id,
            person_id: a.owner.and_then(|n| team.member(n)),
            due_on: Some(held_on + Duration::days(a.due_in_days)),
            status: Status::Open,
            reason: String::new(),
            tracker: String::new(),
        };
        let topic = a
            .topic
            .and_then(|i| groups.get(i))
            .map(|g| Topic::Group(*g));
        repo::add_action(conn, facilitator, retro.id, &input, topic)?;
    }
    let items = crate::action_items::repo::of_source(conn, repo::KIND, retro.id)?;
    repo::set_phase(conn, facilitator, retro.id, Phase::Review, Phase::Close)?;
    let closed = held_on.and_hms_opt(16, 0, 0).unwrap_or_default();
    diesel::update(retros::table.find(retro.id))
        .set((retros::closed_at.eq(closed), retros::created_at.eq(closed)))
        .execute(conn)?;
    Ok(items.into_iter().map(|item| item.id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the header of the data file promises, so a slip in an edit shows here and not
    /// as an odd demo.
    #[test]
    fn the_demo_retros_read_and_keep_their_shape() {
        let retros = retros().unwrap();
        assert_eq!(retros.len(), 47);
        for r in &retros {
            let at = format!("{} {} days ago", r.squad, r.days_ago);
            if r.days_ago == 0 {
                assert!(r.cards.is_empty() && r.actions.is_empty(), "{at}: running");
                continue;
            }
            assert!(
                (6..=12).contains(&r.cards.len()),
                "{at}: {} cards",
                r.cards.len()
            );
            assert!((1..=3).contains(&r.actions.len()), "{at}: actions");
            assert!(
                r.cards.iter().all(|(_, t)| t.chars().count() <= 200),
                "{at}"
            );
            assert_eq!(r.format == "custom", !r.columns.is_empty(), "{at}: columns");
            let groups = r.groups.iter().flat_map(|(_, cards, _)| cards);
            assert!(groups.clone().all(|&i| i < r.cards.len()), "{at}: group");
            assert!(
                r.review
                    .iter()
                    .all(|(_, v)| ["done", "open", "dropped"].contains(&v.as_str())),
                "{at}: review"
            );
        }
    }
}
