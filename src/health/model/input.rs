//! What admins and voters type, checked: an indicator in the admin form, and a person's
//! ballots in a session.

use super::{COMMENT_MAX, Color, Trend};

/// An indicator as typed in the admin form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorInput {
    pub name: String,
    pub awesome: String,
    pub crappy: String,
    pub position: i32,
}

/// Checks an indicator as typed; messages by field. `taken` says whether another indicator
/// already has this name (names are compared without case).
pub fn check_indicator(
    name: &str,
    awesome: &str,
    crappy: &str,
    position: &str,
    taken: impl Fn(&str) -> bool,
) -> Result<IndicatorInput, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        errors.push(("name", "Give the indicator a name.".to_string()));
    } else if name.chars().count() > 60 {
        errors.push(("name", "A name has at most 60 characters.".into()));
    } else if taken(name) {
        errors.push((
            "name",
            format!("There is already an indicator called {name:?} (perhaps a retired one: restore it instead)."),
        ));
    }
    for (field, text, what) in [
        ("awesome", awesome, "awesome"),
        ("crappy", crappy, "crappy"),
    ] {
        let text = text.trim();
        if text.is_empty() {
            errors.push((
                field,
                format!("Describe what {what} looks like, so everyone votes on the same thing."),
            ));
        } else if text.chars().count() > 300 {
            errors.push((field, "A description has at most 300 characters.".into()));
        }
    }
    let position = match position.trim() {
        "" => 0,
        p => match p.parse::<i32>() {
            Ok(n) if (0..=1000).contains(&n) => n,
            _ => {
                errors.push((
                    "position",
                    "The position is a whole number from 0 to 1000.".into(),
                ));
                0
            }
        },
    };
    if errors.is_empty() {
        Ok(IndicatorInput {
            name: name.to_string(),
            awesome: awesome.trim().to_string(),
            crappy: crappy.trim().to_string(),
            position,
        })
    } else {
        Err(errors)
    }
}

/// A person's vote on one indicator, checked: indicator id, colour, trend, comment.
pub type NewVote = (i64, Color, Option<Trend>, String);

/// One indicator's part of a vote form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ballot {
    pub color: String,
    pub trend: String,
    pub comment: String,
}

/// A person's votes in a session, checked: one per indicator they gave a colour. Skipping an
/// indicator is allowed (nobody has to have an opinion on everything); a trend or comment
/// without a colour is not, as it would be lost. Errors by indicator id, `0` for the form.
pub fn check_ballots(ballots: &[(i64, Ballot)]) -> Result<Vec<NewVote>, Vec<(i64, String)>> {
    let mut votes = Vec::new();
    let mut errors = Vec::new();
    for (id, b) in ballots {
        let color = match b.color.trim() {
            "" => None,
            c => match Color::parse(c) {
                Some(c) => Some(c),
                None => {
                    errors.push((*id, format!("{c:?} is not green, yellow or red.")));
                    continue;
                }
            },
        };
        let trend = match b.trend.trim() {
            "" => None,
            t => match Trend::parse(t) {
                Some(t) => Some(t),
                None => {
                    errors.push((*id, format!("{t:?} is not better, same or worse.")));
                    continue;
                }
            },
        };
        let comment = b.comment.trim();
        if comment.chars().count() > COMMENT_MAX {
            errors.push((
                *id,
                format!("A comment has at most {COMMENT_MAX} characters."),
            ));
            continue;
        }
        match color {
            Some(c) => votes.push((*id, c, trend, comment.to_string())),
            None if trend.is_some() || !comment.is_empty() => errors.push((
                *id,
                "Pick a colour too: a trend or comment needs one.".into(),
            )),
            None => {}
        }
    }
    if errors.is_empty() && votes.is_empty() {
        errors.push((0, "Pick a colour for at least one indicator.".into()));
    }
    if errors.is_empty() {
        Ok(votes)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_checks() {
        let free = |_: &str| false;
        let ok = check_indicator(" Speed ", "fast", "slow", "3", free).unwrap();
        assert_eq!((ok.name.as_str(), ok.position), ("Speed", 3));
        let e = check_indicator("", " ", &"x".repeat(301), "-1", free).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "awesome", "crappy", "position"]);
        let e =
            check_indicator("Fun", "a", "b", "", |n| n.eq_ignore_ascii_case("fun")).unwrap_err();
        assert!(e[0].1.contains("already"), "{e:?}");
    }

    #[test]
    fn ballot_checks() {
        let b = |c: &str, t: &str, m: &str| Ballot {
            color: c.into(),
            trend: t.into(),
            comment: m.into(),
        };
        let votes = check_ballots(&[
            (1, b("green", "better", " nice ")),
            (2, b("", "", "")),
            (3, b("red", "", "")),
        ])
        .unwrap();
        assert_eq!(
            votes,
            vec![
                (1, Color::Green, Some(Trend::Better), "nice".to_string()),
                (3, Color::Red, None, String::new()),
            ]
        );
        let e = check_ballots(&[(1, b("", "", ""))]).unwrap_err();
        assert_eq!(e[0].0, 0, "nothing picked at all");
        let e = check_ballots(&[
            (1, b("", "worse", "")),
            (2, b("blue", "", "")),
            (3, b("green", "", &"x".repeat(COMMENT_MAX + 1))),
            (4, b("green", "", &"é".repeat(COMMENT_MAX))),
        ])
        .unwrap_err();
        let ids: Vec<i64> = e.iter().map(|(i, _)| *i).collect();
        assert_eq!(ids, [1, 2, 3]);
    }
}
