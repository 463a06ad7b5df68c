//! What the pages and the API share about retros: who may see one and who may act in it,
//! the viewer's seat (their writer and voter keys), the board as they may see it, and every
//! board action with its phase rule — checked here, on the server, under the retro's lock.

use std::sync::Arc;

use super::model::{
    Board, Card, Format, NewRetro, Phase, Retro, Seat, Topic, Verdict, may_vote, parse_columns,
    parse_vote_limit,
};
use super::repo::{self, GroupTarget, Writer};
use crate::action_items::model::{ActionInput, ActionItem, Kind, Status};
use crate::auth::{AuthVia, Viewer, token};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgCache;
use crate::org::cache::OrgView;
use crate::org::unit::UnitKind;
use crate::people::model::Person;
use crate::site::forms::FieldErrors;
use crate::state::AppState;

/// Longest card, in characters: a sticky note, not an essay.
pub const CARD_MAX: usize = 500;

/// A running retro is for the people in the room: anyone signed in may join it (coaches share
/// the link). A closed one is part of what the organization knows: whoever may browse reads
/// it.
pub fn may_see(retro: &Retro, viewer: &Viewer) -> bool {
    if retro.closed() {
        viewer.may_browse()
    } else {
        viewer.person().is_some()
    }
}

pub fn visible(retro: Retro, viewer: &Viewer) -> AppResult<Retro> {
    if may_see(&retro, viewer) {
        Ok(retro)
    } else if viewer.person().is_none() {
        Err(AppError::Unauthorized)
    } else {
        Err(AppError::NotFound)
    }
}

/// [`may_see`] for lists a browsing viewer reads (action items): closed retros are
/// everyone's, running ones the signed-in's.
pub fn may_see_as(retro: &Retro, viewer: Option<&Person>) -> bool {
    retro.closed() || viewer.is_some()
}

/// Every retro without its board, kept until the change log moves on: what lists read. Its
/// `version` is as of the last logged change; live pages read the version from the row.
pub type RetroCache = crate::db::head_cache::HeadCache<Vec<Retro>>;

pub fn all(conn: &mut AnyConnection, cache: &RetroCache) -> AppResult<Arc<Vec<Retro>>> {
    cache.get(conn, (), repo::all)
}

/// Only the facilitator moves the retro through its phases.
pub fn may_facilitate(retro: &Retro, viewer: Option<&Person>) -> bool {
    viewer.is_some_and(|p| p.id == retro.facilitator_id)
}

/// The viewer's seat in a retro. In an anonymous retro their cards carry a key derived from
/// their session secret, which the database never holds in the clear, so no row links a
/// card to a person; their votes carry a hash of the retro's salt and their id, which the
/// close wipes.
pub fn seat(retro: &Retro, viewer: &Viewer) -> Seat {
    let Some(me) = viewer.person() else {
        return Seat::default();
    };
    let writer_key = match viewer.via() {
        AuthVia::Session(secret) if retro.anonymous => Some(token::digest(&format!(
            "fika-retro-writer:{}:{secret}",
            retro.id
        ))),
        _ => None,
    };
    let voter = (!retro.vote_salt.is_empty()).then(|| seat_voter(retro, me.id));
    Seat {
        person_id: Some(me.id),
        writer_key,
        voter,
    }
}

/// A person's voter key in a retro: a hash of the retro's salt and their id.
pub fn seat_voter(retro: &Retro, person: i64) -> String {
    token::digest(&format!("fika-retro-vote:{}:{person}", retro.vote_salt))
}

/// An earlier retro's action item in this retro's review.
pub struct Reviewed {
    pub item: ActionItem,
    pub from: String,
    pub verdict: Option<Verdict>,
}

/// All a retro page shows, read in one trip.
pub struct Page {
    pub retro: Retro,
    pub board: Board,
    pub seat: Seat,
    pub review: Vec<Reviewed>,
    pub actions: Vec<ActionItem>,
    pub lessons: Vec<(i64, String)>,
}

/// The viewer as a blocking-pool closure can carry it (a `Viewer` holds an `Rc`).
struct Detached(Option<Person>, AuthVia, bool);

impl Detached {
    fn of(viewer: &Viewer) -> Detached {
        let public_read = viewer.person().is_none() && viewer.may_browse();
        Detached(viewer.person().cloned(), viewer.via().clone(), public_read)
    }

    fn viewer(self) -> Viewer {
        Viewer::new(self.0, self.1, self.2)
    }
}

pub async fn page(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<(Arc<OrgView>, Page)> {
    let org_cache = state.part::<OrgCache>()?;
    let who = Detached::of(viewer);
    state
        .db
        .run(move |c| {
            let org = org_cache.get(c)?;
            let v = who.viewer();
            let retro = visible(repo::get(c, id)?, &v)?;
            let page = read_page(c, retro, &v)?;
            Ok((org, page))
        })
        .await
}

fn read_page(c: &mut AnyConnection, retro: Retro, viewer: &Viewer) -> AppResult<Page> {
    let (cards, groups, votes) = repo::board(c, retro.id)?;
    let seat = seat(&retro, viewer);
    let board = Board::of(&retro, &cards, &groups, &votes, &seat);
    Ok(Page {
        review: review_items(c, &retro)?,
        actions: crate::action_items::repo::of_source(c, repo::KIND, retro.id)?,
        lessons: crate::lessons::repo::from_source(c, repo::KIND, &retro.id.to_string())?,
        board,
        seat,
        retro,
    })
}

/// The review: the open items of the squad's earlier retros, and the items this retro
/// already reviewed (so a verdict stays on the page after it is given).
pub fn review_items(c: &mut AnyConnection, retro: &Retro) -> AppResult<Vec<Reviewed>> {
    let earlier = repo::earlier_of_squad(c, retro)?;
    let marks = repo::reviews(c, retro.id)?;
    let mut ids = repo::open_items_of(c, &earlier)?;
    ids.extend(marks.iter().map(|(id, _)| *id));
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        let item = match crate::action_items::repo::get(c, id) {
            Ok(i) => i,
            Err(AppError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        let from = repo::get(c, item.source_id)
            .map(|r| r.title)
            .unwrap_or_default();
        let verdict = marks
            .iter()
            .find(|(a, _)| *a == id)
            .and_then(|(_, v)| Verdict::parse(v));
        out.push(Reviewed {
            item,
            from,
            verdict,
        });
    }
    Ok(out)
}

/// The form (or API body) that starts a retro, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewForm {
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub columns: String,
    #[serde(default)]
    pub anonymous: String,
    #[serde(default)]
    pub vote_limit: String,
    /// Username; the starter when blank.
    #[serde(default)]
    pub facilitator: String,
}

impl NewForm {
    pub fn parse(&self, org: &OrgView, me: &Person) -> Result<NewRetro, FieldErrors> {
        let mut errors = FieldErrors::new();
        let squad = match org.unit_by_key(UnitKind::Squad.as_str(), self.squad.trim()) {
            Some(u) => Some(u.clone()),
            None => {
                errors.insert(
                    "squad",
                    if self.squad.trim().is_empty() {
                        "Choose the squad whose retro it is.".into()
                    } else {
                        format!("There is no squad {:?}.", self.squad.trim())
                    },
                );
                None
            }
        };
        let held_on = match self.held_on.trim() {
            "" => crate::dates::today(),
            s => crate::dates::parse_date(s).unwrap_or_else(|_| {
                errors.insert("held_on", crate::dates::not_a_date(s));
                crate::dates::today()
            }),
        };
        let format = match Format::parse(self.format.trim()) {
            Some(f) => f,
            None => {
                errors.insert(
                    "format",
                    format!("{:?} is not a retro format.", self.format.trim()),
                );
                Format::StartStopContinue
            }
        };
        let columns = if format == Format::Custom {
            parse_columns(&self.columns).unwrap_or_else(|e| {
                errors.insert("columns", e);
                vec![]
            })
        } else {
            format.columns().iter().map(|c| c.to_string()).collect()
        };
        let vote_limit = parse_vote_limit(&self.vote_limit).unwrap_or_else(|e| {
            errors.insert("vote_limit", e);
            3
        });
        let facilitator = match self.facilitator.trim() {
            "" => Some(me.id),
            u => match org.person_by_username(u.trim_start_matches('@')) {
                Some(p) => Some(p.id),
                None => {
                    errors.insert("facilitator", format!("There is no person {u:?}."));
                    None
                }
            },
        };
        let title = match self.title.trim() {
            t if t.chars().count() > 120 => {
                errors.insert("title", "At most 120 characters.");
                String::new()
            }
            "" => squad
                .as_ref()
                .map(|s| format!("{} retro {held_on}", s.name))
                .unwrap_or_default(),
            t => t.to_string(),
        };
        match (squad, facilitator) {
            (Some(squad), Some(facilitator_id)) if errors.is_empty() => Ok(NewRetro {
                title,
                squad_id: squad.id,
                facilitator_id,
                held_on,
                format,
                columns,
                anonymous: matches!(self.anonymous.trim(), "on" | "true" | "1" | "yes"),
                vote_limit,
            }),
            _ => Err(errors),
        }
    }
}

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    org: &OrgView,
    form: &NewForm,
) -> AppResult<Result<Retro, FieldErrors>> {
    let me = viewer.require_user()?;
    let new = match form.parse(org, me) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    let actor = me.id;
    let retro = state
        .db
        .run(move |c| repo::create(c, Some(actor), &new))
        .await?;
    Ok(Ok(retro))
}

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

/// Takes back one's own card while writing.
pub async fn delete_card(state: &AppState, viewer: &Viewer, id: i64, card: i64) -> AppResult<()> {
    act(state, viewer, id, move |c, retro, seat| {
        in_phase(
            retro,
            retro.phase.accepts_cards(),
            "Cards are taken back while writing.",
        )?;
        let (cards, _, _) = repo::board(c, retro.id)?;
        match cards.iter().find(|k| k.id == card) {
            Some(k) if seat.wrote(k) => repo::delete_card(c, retro.id, card),
            _ => Err(AppError::NotFound),
        }
    })
    .await
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

/// An action item as typed in the discussion.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub title: String,
    /// Owner squad slug; the retro's squad when blank.
    #[serde(default)]
    pub squad: String,
    /// Owner username, optional.
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due_on: String,
}

impl ActionForm {
    pub fn parse(&self, org: &OrgView, retro: &Retro) -> Result<ActionInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.insert("title", "Say what will be done.");
        } else if title.chars().count() > 200 {
            errors.insert("title", "At most 200 characters.");
        }
        let squad_id = match self.squad.trim() {
            "" => Some(retro.squad_id),
            s => org
                .unit_by_key(UnitKind::Squad.as_str(), s)
                .map(|u| u.id)
                .or_else(|| {
                    errors.insert("squad", format!("There is no squad {s:?}."));
                    None
                }),
        };
        let person_id = match self.owner.trim().trim_start_matches('@') {
            "" => None,
            u => org.person_by_username(u).map(|p| p.id).or_else(|| {
                errors.insert("owner", format!("There is no person {u:?}."));
                None
            }),
        };
        let due_on = match self.due_on.trim() {
            "" => None,
            s => match crate::dates::parse_date(s) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.insert("due_on", crate::dates::not_a_date(s));
                    None
                }
            },
        };
        match squad_id {
            Some(squad_id) if errors.is_empty() => Ok(ActionInput {
                id: None,
                title: title.to_string(),
                kind: Kind::Process,
                squad_id,
                person_id,
                due_on,
                status: Status::Open,
                reason: String::new(),
                tracker: String::new(),
            }),
            _ => Err(errors),
        }
    }
}

/// Agreeing on an action item: in the discussion (or when a closed retro's actions are
/// completed by its facilitator right after).
pub async fn add_action(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    input: ActionInput,
) -> AppResult<()> {
    let me = viewer.require_user()?.id;
    act(state, viewer, id, move |c, retro, _| {
        in_phase(
            retro,
            retro.phase == Phase::Discuss,
            "Action items are agreed in the discuss phase.",
        )?;
        repo::add_action(c, Some(me), retro.id, &input)
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

/// A card's text for a lesson, or a group's title and cards.
pub fn lesson_draft(board: &Board, topic: Topic) -> Option<(String, String)> {
    let t = board.topics.iter().find(|t| t.topic == topic)?;
    let first = t.cards.first().map(|c| c.body.clone()).unwrap_or_default();
    let title = t
        .title
        .clone()
        .unwrap_or_else(|| first.chars().take(100).collect());
    let body = t
        .cards
        .iter()
        .map(|c: &Card| format!("- {}", c.body))
        .collect::<Vec<_>>()
        .join("\n");
    Some((title, body))
}

/// Retros as the source of action items: their items are visible where the retro is, and
/// its facilitator may change them.
pub struct ItemsFrom(pub Arc<RetroCache>);

impl crate::action_items::flow::ItemSource for ItemsFrom {
    fn kind(&self) -> &'static str {
        repo::KIND
    }

    fn visible(
        &self,
        conn: &mut AnyConnection,
        _org: &crate::org::cache::OrgView,
        viewer: Option<&Person>,
    ) -> AppResult<std::collections::HashMap<i64, crate::action_items::flow::Origin>> {
        Ok(all(conn, &self.0)?
            .iter()
            .filter(|r| may_see_as(r, viewer))
            .map(|r| {
                let origin = crate::action_items::flow::Origin {
                    title: r.title.clone(),
                    owned: may_facilitate(r, viewer),
                };
                (r.id, origin)
            })
            .collect())
    }
}

/// What `/retros` and its API filter by.
#[derive(serde::Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub tribe: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    /// The retros the viewer may see that match, newest first.
    pub fn select(
        &self,
        all: Vec<super::model::Retro>,
        viewer: &Viewer,
        org: &crate::org::cache::OrgView,
    ) -> AppResult<Vec<super::model::Retro>> {
        let date = |s: &str| crate::site::forms::optional_date(s).map_err(AppError::BadRequest);
        let (from, to) = (date(&self.from)?, date(&self.to)?);
        let squads = org.squads_of(&self.squad, &self.tribe);
        Ok(all
            .into_iter()
            .filter(|r| may_see(r, viewer))
            .filter(|r| squads.as_ref().is_none_or(|s| s.contains(&r.squad_id)))
            .filter(|r| from.is_none_or(|f| r.held_on >= f))
            .filter(|r| to.is_none_or(|t| r.held_on <= t))
            .collect())
    }

    pub fn page_url(&self, page: usize) -> String {
        crate::site::views::page_url(
            "/retros",
            &[
                ("squad", &self.squad),
                ("tribe", &self.tribe),
                ("from", &self.from),
                ("to", &self.to),
            ],
            page,
        )
    }
}
