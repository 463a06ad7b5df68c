//! Retrospectives: the formats and their columns, the phases a facilitator moves through, who
//! sees a card when, and the dot-vote limit. Types and rules, no I/O.

use std::collections::HashMap;

use crate::ids::{PersonId, UnitId};

use chrono::{NaiveDate, NaiveDateTime};

labelled_enum!(
    /// The shape of a retro: which columns the cards go in.
    Format {
        StartStopContinue = "start_stop_continue", "Start / Stop / Continue";
        FourLs = "four_ls", "4Ls";
        MadSadGlad = "mad_sad_glad", "Mad / Sad / Glad";
        Sailboat = "sailboat", "Sailboat";
        WellImprove = "well_improve", "Went well / To improve";
        Custom = "custom", "Custom columns";
    }
);

impl Format {
    /// The columns of a format (a custom one names its own).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Format::StartStopContinue => &["Start", "Stop", "Continue"],
            Format::FourLs => &["Liked", "Learned", "Lacked", "Longed for"],
            Format::MadSadGlad => &["Mad", "Sad", "Glad"],
            Format::Sailboat => &["Wind", "Anchor", "Rocks", "Island"],
            Format::WellImprove => &["Went well", "To improve"],
            Format::Custom => &[],
        }
    }
}

/// Custom columns as typed, one per line or comma-separated: 2 to 8 distinct names of at most
/// 40 characters.
pub fn parse_columns(raw: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for c in raw
        .split(['\n', ','])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        if c.chars().count() > 40 {
            return Err(format!("{c:?} is longer than 40 characters."));
        }
        if out.iter().any(|o| o.eq_ignore_ascii_case(c)) {
            return Err(format!("{c:?} is named twice."));
        }
        out.push(c.to_string());
    }
    match out.len() {
        0 | 1 => Err("Name at least two columns.".into()),
        n if n > 8 => Err("At most eight columns.".into()),
        _ => Ok(out),
    }
}

labelled_enum!(
    /// Where a retro is. The facilitator moves it forward one phase at a time (or back one,
    /// to fix a slip); a closed retro stays closed.
    Phase {
        Review = "review", "Review";
        Write = "write", "Write";
        Reveal = "reveal", "Reveal";
        Group = "group", "Group";
        Vote = "vote", "Vote";
        Discuss = "discuss", "Discuss";
        Close = "close", "Closed";
    }
);

impl Phase {
    fn index(self) -> usize {
        Phase::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The phase after this one (None when closed).
    pub fn next(self) -> Option<Phase> {
        Phase::ALL.get(self.index() + 1).copied()
    }

    /// Whether the facilitator may move from `self` to `to`: one step forward, or one back
    /// while not closed (and never back into writing once cards are revealed: a card hidden
    /// again would vanish from everyone's screen mid-discussion).
    pub fn may_become(self, to: Phase) -> bool {
        let (from, to_i) = (self.index(), to.index());
        if self == Phase::Close {
            return false;
        }
        to_i == from + 1 || (to_i + 1 == from && to != Phase::Write)
    }

    /// The question to ask before moving from `from` to `to` when that cannot be undone
    /// (revealing the cards written, closing the retro); None for every other move.
    pub fn question(from: Option<Phase>, to: Phase) -> Option<&'static str> {
        match (from, to) {
            (Some(Phase::Write), Phase::Reveal) => {
                Some("Reveal every card to everyone? This cannot be undone.")
            }
            (_, Phase::Close) => Some("Close the retro? Its board is then kept as it is."),
            _ => None,
        }
    }

    /// Cards are written in the write phase only.
    pub fn accepts_cards(self) -> bool {
        self == Phase::Write
    }

    /// Before the reveal, a card is its writer's alone.
    pub fn revealed(self) -> bool {
        self.index() >= Phase::Reveal.index()
    }

    pub fn accepts_votes(self) -> bool {
        self == Phase::Vote
    }

    pub fn accepts_grouping(self) -> bool {
        self == Phase::Group
    }
}

/// Whether a viewer sees a card: after the reveal everyone in the retro does; before it, only
/// its writer (`mine`: the card carries the viewer's writer key).
pub fn card_visible(phase: Phase, mine: bool) -> bool {
    phase.revealed() || mine
}

/// Votes per person: 1 to 20, 3 when not said.
pub fn parse_vote_limit(raw: &str) -> Result<u32, String> {
    match raw.trim() {
        "" => Ok(3),
        s => match s.parse::<u32>() {
            Ok(n) if (1..=20).contains(&n) => Ok(n),
            _ => Err(format!("{s:?} is not a number of votes from 1 to 20.")),
        },
    }
}

/// Whether one more vote from someone who has cast `cast` stays within `limit`.
pub fn may_vote(cast: u32, limit: u32) -> bool {
    cast < limit
}

labelled_enum!(
    /// What the review phase says of an earlier retro's action item.
    Verdict {
        Done = "done", "Done";
        Open = "open", "Still open";
        Dropped = "dropped", "Dropped";
    }
);

impl Verdict {
    /// The item's status after the verdict, and the reason a dropped item carries.
    pub fn status(self, retro_title: &str) -> (crate::action_items::model::Status, String) {
        use crate::action_items::model::Status;
        match self {
            Verdict::Done => (Status::Done, String::new()),
            Verdict::Open => (Status::Open, String::new()),
            Verdict::Dropped => (
                Status::WontDo,
                format!("Dropped in the review of \u{201c}{retro_title}\u{201d}."),
            ),
        }
    }
}

/// A retrospective as stored.
#[derive(Debug, Clone)]
pub struct Retro {
    pub id: i64,
    pub title: String,
    pub squad_id: UnitId,
    pub facilitator_id: PersonId,
    pub held_on: NaiveDate,
    pub format: Format,
    pub columns: Vec<String>,
    pub anonymous: bool,
    pub vote_limit: u32,
    pub phase: Phase,
    /// Goes up on every change; live pages compare it.
    pub version: i64,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// Hashed with a person into their voter key; empty once closed.
    pub vote_salt: String,
    /// Dot tallies stay hidden while the vote is open (each person sees their own dots and
    /// how many people voted), so early dots don't steer later ones.
    pub hide_votes: bool,
}

impl Retro {
    pub fn url(&self) -> String {
        format!("/retros/{}", self.id)
    }

    pub fn closed(&self) -> bool {
        self.phase == Phase::Close
    }

    /// Whether the dots on each topic are hidden now: while the vote is open, when the
    /// retro was started so.
    pub fn tallies_hidden(&self) -> bool {
        self.hide_votes && self.phase == Phase::Vote
    }
}

/// A new retro, checked.
#[derive(Debug, Clone)]
pub struct NewRetro {
    pub title: String,
    pub squad_id: UnitId,
    pub facilitator_id: PersonId,
    pub held_on: NaiveDate,
    pub format: Format,
    pub columns: Vec<String>,
    pub anonymous: bool,
    pub vote_limit: u32,
    pub hide_votes: bool,
}

#[derive(Debug, Clone)]
pub struct Card {
    pub id: i64,
    pub column: usize,
    pub body: String,
    /// None in an anonymous retro.
    pub author_id: Option<PersonId>,
    pub writer_key: Option<String>,
    pub group_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: i64,
    pub title: String,
}

/// What dot votes go on: a group, or a card in no group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    Group(i64),
    Card(i64),
}

impl Topic {
    /// `g12` or `c34`, as forms send it.
    pub fn key(self) -> String {
        match self {
            Topic::Group(id) => format!("g{id}"),
            Topic::Card(id) => format!("c{id}"),
        }
    }

    pub fn parse(raw: &str) -> Option<Topic> {
        let raw = raw.trim();
        let id = raw.get(1..)?.parse().ok()?;
        match raw.as_bytes().first()? {
            b'g' => Some(Topic::Group(id)),
            b'c' => Some(Topic::Card(id)),
            _ => None,
        }
    }
}

/// A stored dot vote.
#[derive(Debug, Clone)]
pub struct Vote {
    pub topic: Topic,
    pub voter: String,
}

/// Who is looking, as the board needs it: the person, the key their anonymous cards carry
/// in this retro, and their voter key.
#[derive(Debug, Clone, Default)]
pub struct Seat {
    pub person_id: Option<PersonId>,
    pub writer_key: Option<String>,
    pub voter: Option<String>,
}

impl Seat {
    /// Whether the viewer wrote the card.
    pub fn wrote(&self, card: &Card) -> bool {
        (card.author_id.is_some() && card.author_id == self.person_id)
            || (card.writer_key.is_some() && card.writer_key == self.writer_key)
    }
}

/// A topic on the board: its cards, the votes on it, and the viewer's own votes on it.
#[derive(Debug, Clone)]
pub struct TopicView {
    pub topic: Topic,
    /// The group's title, or None for a lone card.
    pub title: Option<String>,
    pub cards: Vec<Card>,
    /// None while the tallies are hidden (see [`Retro::tallies_hidden`]).
    pub votes: Option<u32>,
    pub mine: u32,
}

impl TopicView {
    /// What the topic is called: its group's title, or for a lone card its column and its
    /// first words, so that no two read the same.
    pub fn heading(&self, columns: &[String]) -> String {
        self.title.clone().unwrap_or_else(|| {
            self.cards
                .first()
                .map(|k| lone_heading(columns.get(k.column).map_or("", String::as_str), &k.body))
                .unwrap_or_default()
        })
    }
}

/// A lone card's topic heading: its column and its first words ("Went well: Pairing
/// helped…"), cut at a word within about 60 characters.
fn lone_heading(column: &str, body: &str) -> String {
    let mut words = String::new();
    for w in body.split_whitespace() {
        if !words.is_empty() && words.chars().count() + w.chars().count() > 60 {
            words.push('…');
            break;
        }
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(w);
    }
    match column {
        "" => words,
        c => format!("{c}: {words}"),
    }
}

/// How many people placed the dots.
fn voters(votes: &[Vote]) -> u32 {
    votes
        .iter()
        .map(|v| v.voter.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len() as u32
}

/// The board as one viewer may see it.
#[derive(Debug, Clone)]
pub struct Board {
    /// Per column, the visible cards in no group.
    pub columns: Vec<(String, Vec<Card>)>,
    /// Groups, then lone cards; by votes (most first) from the discussion on.
    pub topics: Vec<TopicView>,
    /// Every card written, hidden or not (the count shows the room is writing).
    pub written: usize,
    /// How many of them are the viewer's.
    pub written_by_me: usize,
    pub votes_cast: u32,
    pub my_votes: u32,
    /// How many people have placed a dot.
    pub voters: u32,
}

impl Board {
    /// Builds what `seat` sees. Before the reveal only the viewer's own cards are in it: the
    /// others' are counted, never read out (the server enforces what the page hides).
    pub fn of(
        retro: &Retro,
        cards: &[Card],
        groups: &[Group],
        votes: &[Vote],
        seat: &Seat,
    ) -> Board {
        let visible: Vec<&Card> = cards
            .iter()
            .filter(|c| card_visible(retro.phase, seat.wrote(c)))
            .collect();
        let columns = retro
            .columns
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let cs = visible
                    .iter()
                    .filter(|c| c.column == i && c.group_id.is_none())
                    .map(|c| (*c).clone())
                    .collect();
                (name.clone(), cs)
            })
            .collect();
        let mut tally: HashMap<Topic, (u32, u32)> = HashMap::new();
        for v in votes {
            let t = tally.entry(v.topic).or_default();
            t.0 += 1;
            if seat.voter.as_deref() == Some(v.voter.as_str()) {
                t.1 += 1;
            }
        }
        let hidden = retro.tallies_hidden();
        let count = |t: Topic| {
            let (all, mine) = tally.get(&t).copied().unwrap_or_default();
            ((!hidden).then_some(all), mine)
        };
        let mut topics: Vec<TopicView> = Vec::new();
        if retro.phase.revealed() {
            for g in groups {
                let t = Topic::Group(g.id);
                let (votes, mine) = count(t);
                topics.push(TopicView {
                    topic: t,
                    title: Some(g.title.clone()),
                    cards: visible
                        .iter()
                        .filter(|c| c.group_id == Some(g.id))
                        .map(|c| (*c).clone())
                        .collect(),
                    votes,
                    mine,
                });
            }
            for c in visible.iter().filter(|c| c.group_id.is_none()) {
                let t = Topic::Card(c.id);
                let (votes, mine) = count(t);
                topics.push(TopicView {
                    topic: t,
                    title: None,
                    cards: vec![(*c).clone()],
                    votes,
                    mine,
                });
            }
            if matches!(retro.phase, Phase::Discuss | Phase::Close) {
                // Stable: equal votes keep groups before lone cards, in writing order.
                topics.sort_by_key(|t| std::cmp::Reverse(t.votes));
            }
        }
        Board {
            columns,
            written: cards.len(),
            written_by_me: cards.iter().filter(|c| seat.wrote(c)).count(),
            votes_cast: votes.len() as u32,
            my_votes: tally.values().map(|t| t.1).sum(),
            voters: voters(votes),
            topics,
        }
    }

    pub fn votes_left(&self, limit: u32) -> u32 {
        limit.saturating_sub(self.my_votes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_have_their_columns() {
        assert_eq!(Format::FourLs.columns().len(), 4);
        assert_eq!(Format::Sailboat.columns()[2], "Rocks");
        assert_eq!(Format::parse("mad_sad_glad"), Some(Format::MadSadGlad));
        assert_eq!(
            parse_columns("Kudos, Puzzles\nIdeas").unwrap(),
            vec!["Kudos", "Puzzles", "Ideas"]
        );
        assert!(parse_columns("Only one").is_err());
        assert!(parse_columns("A, a").is_err());
        assert!(parse_columns("1,2,3,4,5,6,7,8,9").is_err());
    }

    #[test]
    fn phases_move_one_step() {
        assert_eq!(Phase::Review.next(), Some(Phase::Write));
        assert_eq!(Phase::Close.next(), None);
        assert!(Phase::Write.may_become(Phase::Reveal));
        assert!(!Phase::Write.may_become(Phase::Group), "no skipping");
        assert!(Phase::Vote.may_become(Phase::Group), "one back");
        assert!(
            !Phase::Reveal.may_become(Phase::Write),
            "never hide cards again"
        );
        assert!(
            !Phase::Close.may_become(Phase::Discuss),
            "closed stays closed"
        );
        assert!(Phase::Review.may_become(Phase::Write));
    }

    #[test]
    fn hidden_cards_are_their_writers_alone() {
        assert!(card_visible(Phase::Write, true));
        assert!(!card_visible(Phase::Write, false));
        assert!(!card_visible(Phase::Review, false));
        assert!(card_visible(Phase::Reveal, false));
        assert!(card_visible(Phase::Close, false));
        assert!(Phase::Write.accepts_cards() && !Phase::Reveal.accepts_cards());
    }

    #[test]
    fn votes_never_pass_the_limit() {
        assert_eq!(parse_vote_limit("").unwrap(), 3);
        assert_eq!(parse_vote_limit("5").unwrap(), 5);
        assert!(parse_vote_limit("0").is_err());
        assert!(parse_vote_limit("21").is_err());
        assert!(may_vote(2, 3));
        assert!(!may_vote(3, 3));
    }

    #[test]
    fn lone_cards_are_named_by_their_column_and_first_words() {
        assert_eq!(
            lone_heading("Went well", "Pairing helped"),
            "Went well: Pairing helped"
        );
        let long =
            "The flaky emulator cost us two afternoons of debugging and a missed release window";
        assert_eq!(
            lone_heading("To improve", long),
            "To improve: The flaky emulator cost us two afternoons of debugging and a…"
        );
        assert_eq!(lone_heading("", "Just this"), "Just this");
    }
}
