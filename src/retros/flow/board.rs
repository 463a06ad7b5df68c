//! What people do in a running retro, each with its phase rule, checked here on the server
//! in one transaction under the retro's lock: moving through the phases, writing and taking
//! back cards, grouping, dot votes, agreeing on action items and reviewing earlier ones.

use super::{Detached, review_items, seat, visible};
use crate::action_items::model::ActionInput;
use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::retros::model::{Card, Phase, Retro, Seat, Topic, Verdict, may_vote};
use crate::retros::repo::{self, GroupTarget, Writer};
use crate::state::AppState;

/// Longest card, in characters: a sticky note, not an essay.
pub const CARD_MAX: usize = 500;

/// Moves the retro to `to`: the facilitator only, one step at a time.
/// `seen` is the phase the facilitator's page showed: a second click on "Next" after the
/// first one landed does not skip a phase.
pub async fn move_to(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    to: Phase,
    seen: Option<Phase>,
) -> AppResult<Retro> {
    let me = viewer.require_user()?.id;
    state
        .db
        .run(move |c| {
            let retro = repo::get(c, id)?;
            if retro.facilitator_id != me {
                return Err(AppError::forbidden(
                    "Only the facilitator moves the retro from phase to phase.",
                ));
            }
            if seen.is_some_and(|p| p != retro.phase) {
                return Err(AppError::Conflict(format!(
                    "The retro is already in its {} phase.",
                    retro.phase.label()
                )));
            }
            if !retro.phase.may_become(to) {
                return Err(AppError::Conflict(format!(
                    "The retro is in its {} phase and cannot move to {}.",
                    retro.phase.label(),
                    to.label()
                )));
            }
            repo::set_phase(c, Some(me), id, retro.phase, to)
        })
        .await
}

/// Refuses (409) unless the retro is in a phase that takes this action.
fn in_phase(retro: &Retro, ok: bool, what: &str) -> AppResult<()> {
    if ok {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "{what} The retro is in its {} phase.",
            retro.phase.label()
        )))
    }
}

/// A card as typed: its column and text.
pub fn check_card(retro: &Retro, column: &str, body: &str) -> Result<(usize, String), String> {
    let column = column
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|c| *c < retro.columns.len())
        .ok_or("Choose a column for the card.")?;
    let body = body.trim();
    if body.is_empty() {
        return Err("Write something on the card.".into());
    }
    if body.chars().count() > CARD_MAX {
        return Err(format!("A card holds at most {CARD_MAX} characters."));
    }
    Ok((column, body.to_string()))
}

/// Runs a board action as the signed-in viewer, in one transaction under the retro's lock.
async fn act<T: Send + 'static>(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    f: impl FnOnce(&mut AnyConnection, &Retro, &Seat) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    viewer.require_user()?;
    let who = Detached::of(viewer);
    state
        .db
        .run(move |c| {
            let v = who.viewer();
            repo::board_write(
                c,
                id,
                |r| visible(r.clone(), &v).map(|_| ()),
                |c, retro| {
                    let seat = seat(retro, &v);
                    f(c, retro, &seat)
                },
            )
        })
        .await
}

/// A card as typed (column index and text), checked against the retro it goes to.
pub async fn add_card(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    column: String,
    body: String,
) -> AppResult<()> {
    act(state, viewer, id, move |c, retro, seat| {
        in_phase(
            retro,
            retro.phase.accepts_cards(),
            "Cards are written in the write phase.",
        )?;
        let (column, body) = check_card(retro, &column, &body).map_err(AppError::Validation)?;
        let writer = match (&seat.writer_key, seat.person_id) {
            (Some(k), _) if retro.anonymous => Writer::Key(k.clone()),
            (None, _) if retro.anonymous => {
                return Err(AppError::forbidden(
                    "Anonymous cards are written from a signed-in browser.",
                ));
            }
            (_, Some(p)) => Writer::Person(p),
            (_, None) => return Err(AppError::Unauthorized),
        };
        repo::add_card(c, retro.id, column, &body, &writer).map(|_| ())
    })
    .await
}

/// Rewrites one's own card while writing (before the reveal, nobody else has read it).
pub async fn edit_card(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    card: i64,
    body: String,
) -> AppResult<()> {
    act(state, viewer, id, move |c, retro, seat| {
        let k = own_card(
            c,
            retro,
            seat,
            card,
            "Cards are changed while writing, before the reveal.",
        )?;
        let (_, body) =
            check_card(retro, &k.column.to_string(), &body).map_err(AppError::Validation)?;
        repo::edit_card(c, retro.id, card, &body)
    })
    .await
}

/// Takes back one's own card while writing.
pub async fn delete_card(state: &AppState, viewer: &Viewer, id: i64, card: i64) -> AppResult<()> {
    act(state, viewer, id, move |c, retro, seat| {
        own_card(c, retro, seat, card, "Cards are taken back while writing.")?;
        repo::delete_card(c, retro.id, card)
    })
    .await
}

/// The viewer's own card `card`, while the retro is in its writing phase (`not_now` says
/// why not otherwise); anyone else's card is not found.
fn own_card(
    c: &mut AnyConnection,
    retro: &Retro,
    seat: &Seat,
    card: i64,
    not_now: &str,
) -> AppResult<Card> {
    in_phase(retro, retro.phase.accepts_cards(), not_now)?;
    let (cards, _, _) = repo::board(c, retro.id)?;
    cards
        .into_iter()
        .find(|k| k.id == card && seat.wrote(k))
        .ok_or(AppError::NotFound)
}

/// Cards (of this retro) into a new group titled `title`, or into the group `into`.
pub async fn group(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    cards: Vec<i64>,
    title: String,
    into: Option<i64>,
) -> AppResult<()> {
    act(state, viewer, id, move |c, retro, _| {
        in_phase(
            retro,
            retro.phase.accepts_grouping(),
            "Cards are grouped in the group phase.",
        )?;
        let (all, groups, _) = repo::board(c, retro.id)?;
        let cards: Vec<i64> = cards
            .into_iter()
            .filter(|id| all.iter().any(|k| k.id == *id))
            .collect();
        if cards.is_empty() {
            return Err(AppError::validation("Tick the cards to group first."));
        }
        let target = match into {
            Some(g) if groups.iter().any(|x| x.id == g) => GroupTarget::Existing(g),
            Some(_) => return Err(AppError::NotFound),
            None => {
                let title = title.trim();
                if title.is_empty() || title.chars().count() > 120 {
                    return Err(AppError::validation(
                        "Give the group a title of at most 120 characters.",
                    ));
                }
                GroupTarget::New(title)
            }
        };
        repo::group_cards(c, retro.id, &cards, target).map(|_| ())
    })
    .await
}

pub async fn ungroup(state: &AppState, viewer: &Viewer, id: i64, card: i64) -> AppResult<()> {
    act(state, viewer, id, move |c, retro, _| {
        in_phase(
            retro,
            retro.phase.accepts_grouping(),
            "Cards are grouped in the group phase.",
        )?;
        repo::ungroup(c, retro.id, card)
    })
    .await
}

/// One more dot (`add`) or one less on a topic, never past the retro's limit.
pub async fn vote(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    topic: Topic,
    add: bool,
) -> AppResult<()> {
    act(state, viewer, id, move |c, retro, seat| {
        in_phase(
            retro,
            retro.phase.accepts_votes(),
            "Dots are placed in the vote phase.",
        )?;
        let voter = seat.voter.clone().ok_or(AppError::Unauthorized)?;
        let (cards, groups, votes) = repo::board(c, retro.id)?;
        let exists = match topic {
            Topic::Group(g) => groups.iter().any(|x| x.id == g),
            Topic::Card(k) => cards.iter().any(|x| x.id == k && x.group_id.is_none()),
        };
        if !exists {
            return Err(AppError::NotFound);
        }
        if !add {
            return repo::remove_vote(c, retro.id, topic, &voter);
        }
        let cast = votes.iter().filter(|v| v.voter == voter).count() as u32;
        if !may_vote(cast, retro.vote_limit) {
            return Err(AppError::Conflict(format!(
                "You have placed all your {} dots; take one back to move it.",
                retro.vote_limit
            )));
        }
        repo::add_vote(c, retro.id, topic, &voter)
    })
    .await
}

/// Agreeing on an action item: in the discussion (or when a closed retro's actions are
/// completed by its facilitator right after).
pub async fn add_action(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    input: ActionInput,
    topic: Option<Topic>,
) -> AppResult<()> {
    let me = viewer.require_user()?.id;
    act(state, viewer, id, move |c, retro, _| {
        in_phase(
            retro,
            retro.phase == Phase::Discuss,
            "Action items are agreed in the discuss phase.",
        )?;
        if let Some(t) = topic
            && !repo::has_topic(c, retro.id, t)?
        {
            return Err(AppError::Conflict(
                "That topic is not on this board any more; choose another.".into(),
            ));
        }
        repo::add_action(c, Some(me), retro.id, &input, topic)
    })
    .await
}

/// The review's verdict on an earlier retro's item, under the retro's lock (the phase read
/// is the phase it is given in).
pub async fn review(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    action: i64,
    verdict: Verdict,
) -> AppResult<()> {
    let me = viewer.require_user()?.id;
    act(state, viewer, id, move |c, retro, _| {
        in_phase(
            retro,
            retro.phase == Phase::Review,
            "Earlier action items are reviewed in the review phase.",
        )?;
        let item = review_items(c, retro)?
            .into_iter()
            .find(|r| r.item.id == action)
            .ok_or(AppError::NotFound)?
            .item;
        repo::review_item(c, Some(me), retro, &item, verdict)
    })
    .await
}
