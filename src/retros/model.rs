//! Retrospectives: the formats and their columns, the phases a facilitator moves through, who
//! sees a card when, and the dot-vote limit. Types and rules, no I/O.

use std::collections::HashMap;

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

/// Groups (or cards) by votes, most first; ties keep their order.
pub fn by_votes<K: Copy + Eq + std::hash::Hash>(items: &[K], votes: &HashMap<K, u32>) -> Vec<K> {
    let mut out = items.to_vec();
    out.sort_by_key(|k| std::cmp::Reverse(votes.get(k).copied().unwrap_or(0)));
    out
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
        let votes = HashMap::from([(1, 1), (2, 4), (3, 4)]);
        assert_eq!(by_votes(&[1, 2, 3, 4], &votes), vec![2, 3, 1, 4]);
    }
}
