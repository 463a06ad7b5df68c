//! What the pages and the API share about retros: who may see one and who may act in it,
//! the viewer's seat (their writer and voter keys), the board as they may see it, and the
//! list query. Every board action with its phase rule is in `board`, checked there on the
//! server under the retro's lock; the forms that start a retro and agree on an action item
//! are in `forms`.

use std::collections::HashMap;
use std::sync::Arc;

use super::model::{Board, Card, Retro, Seat, Topic, Verdict};
use super::repo;
use crate::action_items::model::ActionItem;
use crate::auth::{AuthVia, Viewer, token};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::org::cache::OrgCache;
use crate::org::cache::OrgView;
use crate::people::model::Person;
use crate::state::AppState;

mod board;
mod forms;

pub use board::{
    CARD_MAX, add_action, add_card, check_card, delete_card, edit_card, group, move_to, review,
    ungroup, vote,
};
pub use forms::{ActionForm, NewForm, create};

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
pub fn seat_voter(retro: &Retro, person: PersonId) -> String {
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
    /// The topic each action item is about, by item id.
    pub action_topics: HashMap<i64, Topic>,
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
        action_topics: repo::action_topics(c, retro.id)?,
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

/// A retro that takes comments — a closed one: what the team learned, discussed by whoever
/// reads it (a running retro has its board for that). Its title, address and change-log key.
pub fn commentable(
    conn: &mut AnyConnection,
    id: i64,
) -> AppResult<Option<(String, String, String)>> {
    match repo::get(conn, id) {
        Ok(r) if r.closed() => Ok(Some((r.title.clone(), r.url(), r.id.to_string()))),
        Ok(_) | Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
