//! The squad health check model: indicators described by what "awesome" and
//! "crappy" look like, a traffic-light vote per person and indicator with a trend, and the
//! result per indicator. Types and arithmetic, no I/O.

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
}
