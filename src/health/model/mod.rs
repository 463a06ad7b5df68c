//! The squad health check model: indicators described by what "awesome" and
//! "crappy" look like, a traffic-light vote per person and indicator with a trend, and the
//! result per indicator. Types and arithmetic, no I/O.
//!
//! What admins and voters type (an indicator, a ballot) is checked in `input`.

use std::collections::{HashMap, HashSet};

use crate::ids::{PersonId, UnitId};

use chrono::{NaiveDate, NaiveDateTime};

mod input;

pub use input::{Ballot, IndicatorInput, NewVote, check_ballots, check_indicator};

/// The default indicators: name, awesome, crappy. Admins may edit the set.
pub const DEFAULT_INDICATORS: &[(&str, &str, &str)] = &[
    (
        "Easy to release",
        "Releasing is simple, safe, painless and mostly automated.",
        "Releasing is risky, painful, lots of manual work, and takes forever.",
    ),
    (
        "Suitable process",
        "Our way of working fits us perfectly.",
        "Our way of working sucks.",
    ),
    (
        "Tech quality",
        "We're proud of the quality of our code! It is clean, easy to read, and has great test coverage.",
        "Our code is a pile of dung, and technical debt is raging out of control.",
    ),
    (
        "Value",
        "We deliver great stuff! We're proud of it and our stakeholders are really happy.",
        "We deliver crap. We feel ashamed to deliver it. Our stakeholders hate us.",
    ),
    (
        "Speed",
        "We get stuff done really quickly. No waiting, no delays.",
        "We never seem to get done with anything. We keep getting stuck or interrupted.",
    ),
    (
        "Mission",
        "We know exactly why we are here, and we are really excited about it.",
        "We have no idea why we are here; there is no high-level picture or focus.",
    ),
    (
        "Fun",
        "We love going to work, and have great fun working together.",
        "Boooooooring.",
    ),
    (
        "Learning",
        "We're learning lots of interesting stuff all the time!",
        "We never have time to learn anything.",
    ),
    (
        "Support",
        "We always get great support and help when we ask for it!",
        "We keep getting stuck because we can't get the support and help that we ask for.",
    ),
    (
        "Pawns or players",
        "We are in control of our destiny! We decide what to build and how to build it.",
        "We are just pawns in a game of chess, with no influence over what we build or how.",
    ),
];

labelled_enum!(
    /// A traffic-light vote.
    Color {
        Green = "green", "Green";
        Yellow = "yellow", "Yellow";
        Red = "red", "Red";
    }
);

labelled_enum!(
    /// Where a participant feels an indicator is going.
    Trend {
        Better = "better", "Getting better";
        Same = "same", "About the same";
        Worse = "worse", "Getting worse";
    }
);

impl Color {
    /// For charts: green 2, yellow 1, red 0.
    pub fn score(self) -> u8 {
        match self {
            Color::Green => 2,
            Color::Yellow => 1,
            Color::Red => 0,
        }
    }
}

impl Trend {
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Better => "↑",
            Trend::Same => "→",
            Trend::Worse => "↓",
        }
    }
}

/// Votes for one indicator in one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    pub better: u32,
    pub same: u32,
    pub worse: u32,
}

impl Tally {
    pub fn add(&mut self, color: Color, trend: Option<Trend>) {
        match color {
            Color::Green => self.green += 1,
            Color::Yellow => self.yellow += 1,
            Color::Red => self.red += 1,
        }
        match trend {
            Some(Trend::Better) => self.better += 1,
            Some(Trend::Same) => self.same += 1,
            Some(Trend::Worse) => self.worse += 1,
            None => {}
        }
    }

    pub fn votes(&self) -> u32 {
        self.green + self.yellow + self.red
    }

    /// The majority color; a tie goes to the worse color, so the squad talks about it rather
    /// than rounding a split up to green. None without votes.
    pub fn result(&self) -> Option<Color> {
        if self.votes() == 0 {
            return None;
        }
        // Worst first, so `max_by_key` (which keeps the last maximum) must see it last.
        [
            (Color::Green, self.green),
            (Color::Yellow, self.yellow),
            (Color::Red, self.red),
        ]
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(c, _)| c)
    }

    /// The majority trend; a tie, or no trend votes, is "the same".
    pub fn trend(&self) -> Trend {
        if self.better > self.same.max(self.worse) {
            Trend::Better
        } else if self.worse > self.same.max(self.better) {
            Trend::Worse
        } else {
            Trend::Same
        }
    }

    /// The mean score (0 red … 2 green), for trend lines over sessions.
    pub fn mean(&self) -> Option<f64> {
        let n = self.votes();
        (n > 0).then(|| f64::from(self.green * 2 + self.yellow) / f64::from(n))
    }
}

/// A comment on a vote has at most this many characters.
pub const COMMENT_MAX: usize = 500;

/// An indicator as stored. Retired ones are kept: earlier sessions voted on them.
#[derive(Debug, Clone, PartialEq, Eq, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = crate::db::schema::health_indicators)]
pub struct Indicator {
    pub id: i64,
    pub name: String,
    pub awesome: String,
    pub crappy: String,
    pub position: i32,
    pub retired: bool,
}

/// A health-check session of one squad.
#[derive(Debug, Clone, PartialEq, Eq, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = crate::db::schema::health_sessions)]
pub struct Session {
    pub id: i64,
    pub squad_id: UnitId,
    pub held_on: NaiveDate,
    pub facilitator_id: PersonId,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// Colours, counts and comments stay hidden until the session closes, so early votes
    /// don't steer later ones.
    pub hide_votes: bool,
}

impl Session {
    pub fn closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// Whether the results are hidden now: while it is open, when it was started so.
    pub fn results_hidden(&self) -> bool {
        self.hide_votes && !self.closed()
    }

    pub fn url(&self) -> String {
        format!("/health/{}", self.id)
    }
}

/// One person's vote on one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub session_id: i64,
    pub indicator_id: i64,
    pub person_id: PersonId,
    pub color: Color,
    pub trend: Option<Trend>,
    pub comment: String,
}

/// What a session came to: per indicator its tally and its comments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    /// People who voted on at least one indicator.
    pub participants: u32,
    pub tallies: HashMap<i64, Tally>,
    pub comments: HashMap<i64, Vec<String>>,
    /// The session hides its results while open: only `participants` is filled in.
    pub hidden: bool,
}

impl Results {
    /// The results of the votes of one session.
    pub fn of<'a>(votes: impl IntoIterator<Item = &'a Vote>) -> Results {
        let mut r = Results::default();
        let mut people = HashSet::new();
        for v in votes {
            people.insert(v.person_id);
            r.tallies
                .entry(v.indicator_id)
                .or_default()
                .add(v.color, v.trend);
            if !v.comment.trim().is_empty() {
                r.comments
                    .entry(v.indicator_id)
                    .or_default()
                    .push(v.comment.trim().to_string());
            }
        }
        // Comments are shown without names; sorted, so their order (votes come in by person)
        // does not give away who wrote which.
        for c in r.comments.values_mut() {
            c.sort();
        }
        r.participants = people.len() as u32;
        r
    }

    /// What the session shows of its votes: everything, or while its results are hidden
    /// only how many people voted.
    pub fn of_session<'a>(session: &Session, votes: impl IntoIterator<Item = &'a Vote>) -> Results {
        let all = Results::of(votes);
        if session.results_hidden() {
            Results {
                participants: all.participants,
                hidden: true,
                ..Results::default()
            }
        } else {
            all
        }
    }

    pub fn tally(&self, indicator_id: i64) -> Tally {
        self.tallies.get(&indicator_id).copied().unwrap_or_default()
    }

    pub fn comments(&self, indicator_id: i64) -> &[String] {
        self.comments
            .get(&indicator_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// The session a tribe's heatmap shows for a squad: its newest closed session that has
/// votes (a closed session is the squad's settled picture), else its newest session that has
/// votes (one still running). A session nobody voted in has nothing to show.
pub fn latest<'a>(
    sessions: impl IntoIterator<Item = &'a Session>,
    has_votes: impl Fn(&Session) -> bool,
) -> Option<&'a Session> {
    sessions
        .into_iter()
        .filter(|s| has_votes(s))
        .max_by_key(|s| (s.closed(), s.held_on, s.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(votes: &[(Color, Option<Trend>)]) -> Tally {
        let mut t = Tally::default();
        for (c, tr) in votes {
            t.add(*c, *tr);
        }
        t
    }

    #[test]
    fn the_majority_color_wins_and_ties_go_to_the_worse() {
        use Color::*;
        assert_eq!(Tally::default().result(), None);
        let t = tally(&[(Green, None), (Green, None), (Red, None)]);
        assert_eq!(t.result(), Some(Green));
        let t = tally(&[(Green, None), (Yellow, None)]);
        assert_eq!(t.result(), Some(Yellow), "a tie goes to the worse color");
        let t = tally(&[(Green, None), (Red, None), (Yellow, None)]);
        assert_eq!(t.result(), Some(Red), "a three-way tie too");
        assert_eq!(t.votes(), 3);
        assert_eq!(t.mean(), Some(1.0));
    }

    #[test]
    fn the_majority_trend_and_its_ties() {
        use Color::Green;
        use Trend::*;
        let t = tally(&[
            (Green, Some(Better)),
            (Green, Some(Better)),
            (Green, Some(Worse)),
        ]);
        assert_eq!(t.trend(), Better);
        let t = tally(&[(Green, Some(Better)), (Green, Some(Worse))]);
        assert_eq!(t.trend(), Same);
        let t = tally(&[(Green, Some(Worse)), (Green, None)]);
        assert_eq!(t.trend(), Worse);
        assert_eq!(Tally::default().trend(), Same);
        assert_eq!(Worse.arrow(), "↓");
    }

    #[test]
    fn ten_default_indicators() {
        assert_eq!(DEFAULT_INDICATORS.len(), 10);
        assert_eq!(DEFAULT_INDICATORS[9].0, "Pawns or players");
    }

    fn session(id: i64, day: &str, closed: bool) -> Session {
        let held_on: NaiveDate = day.parse().unwrap();
        Session {
            id,
            squad_id: UnitId(1),
            held_on,
            facilitator_id: PersonId(1),
            closed_at: closed.then(|| held_on.and_hms_opt(17, 0, 0).unwrap()),
            created_at: held_on.and_hms_opt(9, 0, 0).unwrap(),
            hide_votes: true,
        }
    }

    #[test]
    fn an_open_session_hides_its_results_until_it_closes() {
        let votes = vec![
            vote(1, 10, Color::Green, "fine"),
            vote(2, 10, Color::Red, ""),
        ];
        let open = session(1, "2026-05-04", false);
        let hidden = Results::of_session(&open, &votes);
        assert!(hidden.hidden);
        assert_eq!(hidden.participants, 2);
        assert_eq!(hidden.tally(10).votes(), 0);
        assert!(hidden.comments(10).is_empty());
        let shown = Session {
            hide_votes: false,
            ..open.clone()
        };
        assert_eq!(Results::of_session(&shown, &votes).tally(10).votes(), 2);
        let closed = session(1, "2026-05-04", true);
        let r = Results::of_session(&closed, &votes);
        assert!(!r.hidden);
        assert_eq!(r.comments(10), ["fine"]);
    }

    fn vote(person: i64, indicator: i64, color: Color, comment: &str) -> Vote {
        Vote {
            session_id: 1,
            indicator_id: indicator,
            person_id: PersonId(person),
            color,
            trend: Some(Trend::Same),
            comment: comment.into(),
        }
    }

    #[test]
    fn results_count_people_and_sort_comments() {
        use Color::*;
        let votes = vec![
            vote(1, 10, Green, "zebra crossing"),
            vote(1, 11, Red, ""),
            vote(2, 10, Yellow, "  alpha  "),
            vote(3, 10, Yellow, ""),
        ];
        let r = Results::of(&votes);
        assert_eq!(r.participants, 3);
        assert_eq!(r.tally(10).votes(), 3);
        assert_eq!(r.tally(10).result(), Some(Yellow));
        assert_eq!(r.tally(11).result(), Some(Red));
        assert_eq!(r.tally(12), Tally::default());
        assert_eq!(r.comments(10), ["alpha", "zebra crossing"]);
        assert!(r.comments(11).is_empty());
    }

    #[test]
    fn the_latest_closed_session_with_votes_is_preferred() {
        let sessions = vec![
            session(1, "2026-01-10", true),
            session(2, "2026-04-10", true),
            session(3, "2026-07-10", false),
            session(4, "2026-08-10", true),
        ];
        // 4 is closed but nobody voted in it; 3 is newer than 2 but still open.
        let voted = |s: &Session| s.id != 4;
        assert_eq!(latest(&sessions, voted).map(|s| s.id), Some(2));
        // Without a closed one, the newest running one.
        let open_only = vec![
            session(5, "2026-01-10", false),
            session(6, "2026-02-10", false),
        ];
        assert_eq!(latest(&open_only, |_| true).map(|s| s.id), Some(6));
        assert_eq!(latest(&open_only, |_| false), None);
    }
}
