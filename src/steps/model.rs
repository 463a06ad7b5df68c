//! The Steps framework and its rules, without I/O: the four steps (spheres of impact), the
//! five behaviors growth is judged by, the framework's default texts, who decides which
//! promotion, and how a self-assessment compares with the chapter lead's.

use std::collections::HashMap;

use crate::ids::PersonId;

use chrono::{Months, NaiveDate, NaiveDateTime};

labelled_enum!(
    /// A step: the sphere a person's impact reaches. Not a ladder of titles: each step is
    /// wider than the one before it.
    Step {
        Individual = "individual", "Individual";
        Squad = "squad", "Squad/Chapter";
        Tribe = "tribe", "Tribe/Guild";
        Company = "company", "Technology/Company";
    }
);

impl Step {
    /// 0 for Individual … 3 for Technology/Company.
    pub fn rank(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn wider_than(self, other: Step) -> bool {
        self.rank() > other.rank()
    }
}

labelled_enum!(
    /// The five behaviors growth is judged by — not achievements.
    Behavior {
        Team = "team", "Values team success over individual success";
        Improves = "improves", "Continuously improves self and team";
        Accountable = "accountable", "Holds self and others accountable";
        Impact = "impact", "Thinks about business impact";
        Mastery = "mastery", "Demonstrates mastery of their discipline";
    }
);

labelled_enum!(
    /// Whose assessment: the person's own, or their chapter lead's.
    Side {
        Own = "self", "Self-assessment";
        Lead = "lead", "Chapter lead's assessment";
    }
);

labelled_enum!(
    /// Where a promotion proposal is.
    Status {
        Open = "open", "Waiting for a decision";
        Approved = "approved", "Approved";
        Declined = "declined", "Declined";
        Withdrawn = "withdrawn", "Withdrawn";
    }
);

labelled_enum!(
    /// What happened to a career record; every event keeps who and when.
    EventKind {
        Set = "set", "Step set at the six-month review";
        Proposed = "proposed", "Promotion proposed";
        Approved = "approved", "Promotion approved";
        Declined = "declined", "Promotion declined";
        Withdrawn = "withdrawn", "Proposal withdrawn";
        FeedbackAsked = "feedback_asked", "Peer feedback asked";
        FeedbackGiven = "feedback_given", "Peer feedback given";
        Assessed = "assessed", "Assessment saved";
        Record = "record", "Discipline, roles or start date changed";
        MadePublic = "public", "Step made visible to everyone";
        MadePrivate = "private", "Step made private again";
    }
);

/// How much a behavior describes the person today at a step. A conversation aid, so the
/// scale is words, not a score to add up.
pub const RATINGS: [(i32, &str); 4] = [
    (1, "Not yet"),
    (2, "Sometimes"),
    (3, "Often"),
    (4, "Consistently"),
];

pub fn rating_label(r: i32) -> &'static str {
    RATINGS
        .iter()
        .find(|(v, _)| *v == r)
        .map(|(_, l)| *l)
        .unwrap_or("—")
}

/// A rating from a form: empty means "not rated".
pub fn parse_rating(raw: &str) -> Result<Option<i32>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i32>() {
        Ok(v) if RATINGS.iter().any(|(r, _)| *r == v) => Ok(Some(v)),
        _ => Err(format!(
            "{raw:?} is not a rating: choose one from the list."
        )),
    }
}

/// New employees get their step at the review six months after they start.
pub fn review_due(started_on: NaiveDate) -> NaiveDate {
    started_on
        .checked_add_months(Months::new(6))
        .unwrap_or(started_on)
}

/// Longest evidence, note or feedback, in characters.
pub const TEXT_MAX: usize = 20_000;

/// Trimmed text of at most [`TEXT_MAX`] characters, `min` or more (0: may be empty).
pub fn parse_text(raw: &str, min: usize, what: &str) -> Result<String, String> {
    let s = raw.trim();
    let n = s.chars().count();
    if n < min {
        Err(format!(
            "Please write the {what} (at least {min} characters)."
        ))
    } else if n > TEXT_MAX {
        Err(format!(
            "The {what} is too long (at most {TEXT_MAX} characters)."
        ))
    } else {
        Ok(s.to_string())
    }
}

// ---------------------------------------------------------------- who decides

/// The people around one person that the rules name: their chapter leads (line managers),
/// the tribe leads of their tribes, and the holders of a company-level role. Never the person
/// themselves: nobody decides their own promotion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    pub person_id: PersonId,
    pub chapter_leads: Vec<PersonId>,
    pub tribe_leads: Vec<PersonId>,
    pub company: Vec<PersonId>,
}

/// Who decides a step: the level of the organization that step reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decider {
    ChapterLead,
    TribeLead,
    Company,
}

impl Decider {
    pub fn label(self) -> &'static str {
        match self {
            Decider::ChapterLead => "their chapter lead",
            Decider::TribeLead => "their tribe lead",
            Decider::Company => "a holder of a company-level role such as CTO",
        }
    }
}

impl Relations {
    /// Who decides a move to `to`, and in what capacity. Approval follows the step: the
    /// chapter lead for Squad/Chapter (and the first step at the six-month review), the tribe
    /// lead for Tribe/Guild, a company-level role for Technology/Company. When nobody holds
    /// that level for this person (a chapter lead has no chapter lead of their own; a
    /// squad in no tribe has no tribe lead), the next level up decides in their place — never
    /// a level down.
    pub fn deciders(&self, to: Step) -> (Decider, &[PersonId]) {
        let levels: &[(Decider, &Vec<PersonId>)] = &[
            (Decider::ChapterLead, &self.chapter_leads),
            (Decider::TribeLead, &self.tribe_leads),
            (Decider::Company, &self.company),
        ];
        let from = match to {
            Step::Individual | Step::Squad => 0,
            Step::Tribe => 1,
            Step::Company => 2,
        };
        for (d, ids) in &levels[from..] {
            if !ids.is_empty() {
                return (*d, ids.as_slice());
            }
        }
        (levels[from].0, &[])
    }

    pub fn may_decide(&self, to: Step, viewer: PersonId) -> bool {
        viewer != self.person_id && self.deciders(to).1.contains(&viewer)
    }

    /// The person's line managers: their chapter leads; for someone with none (a chapter
    /// lead themselves, or someone in no chapter) whoever decides their Squad/Chapter step in
    /// the chapter lead's place. They read the record and write the lead's side of it.
    pub fn line_managers(&self) -> &[PersonId] {
        self.deciders(Step::Squad).1
    }

    pub fn is_lead(&self, viewer: PersonId) -> bool {
        self.line_managers().contains(&viewer)
    }
}

/// What one viewer may do with one person's career record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Access {
    pub own: bool,
    pub lead: bool,
    pub admin: bool,
}

impl Access {
    pub fn of(rel: &Relations, viewer: Option<(PersonId, bool)>) -> Access {
        match viewer {
            None => Access::default(),
            Some((id, admin)) => Access {
                own: id == rel.person_id,
                lead: rel.is_lead(id),
                admin,
            },
        }
    }

    /// The private record: the person, their chapter lead and admins — nobody else.
    pub fn sees(self) -> bool {
        self.own || self.lead || self.admin
    }

    /// Proposing a promotion and asking peers for feedback: the person or their lead.
    pub fn may_propose(self) -> bool {
        self.own || self.lead
    }

    /// Discipline, roles and start date: the line manager, or an admin.
    pub fn may_edit_record(self) -> bool {
        self.lead || self.admin
    }
}

/// The roles a record keeps when `asked` is sent for it. A company-level role decides
/// company-wide promotions, so only admins give or take one: a line manager's form cannot
/// send it (its checkbox is disabled and unsent), and their save keeps what the person holds.
pub fn roles_kept(
    company: &[i64],
    held: &[i64],
    asked: &[i64],
    admin: bool,
) -> Result<Vec<i64>, String> {
    let mut kept: Vec<i64> = asked.to_vec();
    if !admin {
        if asked
            .iter()
            .any(|r| company.contains(r) && !held.contains(r))
        {
            return Err("Only an admin gives a company-level role.".into());
        }
        kept.extend(held.iter().filter(|r| company.contains(r)));
    }
    kept.sort_unstable();
    kept.dedup();
    Ok(kept)
}

/// Checks a proposal before it is made: a wider step than today's, with evidence.
pub fn check_proposal(current: Option<Step>, to: Option<Step>) -> Result<Step, String> {
    let Some(to) = to else {
        return Err("Choose the step to propose.".into());
    };
    match current {
        None => Err(
            "There is no step to grow from yet: the first step is set at the six-month review."
                .into(),
        ),
        Some(c) if !to.wider_than(c) => Err(format!(
            "A promotion goes to a wider step than today's ({}).",
            c.label()
        )),
        Some(_) => Ok(to),
    }
}

// ---------------------------------------------------------------- assessments

/// One behavior's row of an assessment: a rating per step and a note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub ratings: [Option<i32>; 4],
    pub note: String,
}

/// One side's assessment: a row per behavior, who wrote it and when.
#[derive(Debug, Clone, Default)]
pub struct Assessment {
    pub rows: HashMap<Behavior, Row>,
    pub author: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl Assessment {
    pub fn row(&self, b: Behavior) -> Row {
        self.rows.get(&b).cloned().unwrap_or_default()
    }

    pub fn rating(&self, b: Behavior, s: Step) -> Option<i32> {
        self.rows.get(&b).and_then(|r| r.ratings[s.rank()])
    }

    pub fn is_empty(&self) -> bool {
        self.updated_at.is_none()
    }
}

/// How the two assessments of one cell (behavior × step) compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Both rated it the same.
    Agree,
    /// Both rated it; by how many points, and whether the person rated it higher.
    Differ { by: i32, self_higher: bool },
    /// One side or both left it out.
    Open,
}

pub fn agreement(own: Option<i32>, lead: Option<i32>) -> Agreement {
    match (own, lead) {
        (Some(a), Some(b)) if a == b => Agreement::Agree,
        (Some(a), Some(b)) => Agreement::Differ {
            by: (a - b).abs(),
            self_higher: a > b,
        },
        _ => Agreement::Open,
    }
}

/// The comparison's headline: of the cells both rated, how many agree, and the widest gaps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub both_rated: usize,
    pub agree: usize,
    /// (behavior, step, self, lead), widest first, at most three, only gaps of 2 or more.
    pub gaps: Vec<(Behavior, Step, i32, i32)>,
}

pub fn summarize(own: &Assessment, lead: &Assessment) -> Summary {
    let mut s = Summary::default();
    let mut gaps = Vec::new();
    for b in Behavior::ALL {
        for st in Step::ALL {
            let (a, l) = (own.rating(*b, *st), lead.rating(*b, *st));
            match agreement(a, l) {
                Agreement::Agree => {
                    s.both_rated += 1;
                    s.agree += 1;
                }
                Agreement::Differ { by, .. } => {
                    s.both_rated += 1;
                    if by >= 2 {
                        gaps.push((*b, *st, a.unwrap_or(0), l.unwrap_or(0)));
                    }
                }
                Agreement::Open => {}
            }
        }
    }
    gaps.sort_by_key(|(_, _, a, l)| std::cmp::Reverse((a - l).abs()));
    gaps.truncate(3);
    s.gaps = gaps;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel() -> Relations {
        Relations {
            person_id: PersonId(1),
            chapter_leads: vec![PersonId(2)],
            tribe_leads: vec![PersonId(3)],
            company: vec![PersonId(4)],
        }
    }

    #[test]
    fn approval_follows_the_step() {
        let r = rel();
        assert_eq!(
            r.deciders(Step::Squad),
            (Decider::ChapterLead, &[PersonId(2)][..])
        );
        assert_eq!(
            r.deciders(Step::Tribe),
            (Decider::TribeLead, &[PersonId(3)][..])
        );
        assert_eq!(
            r.deciders(Step::Company),
            (Decider::Company, &[PersonId(4)][..])
        );
        assert!(r.may_decide(Step::Squad, PersonId(2)));
        // A wider level does not step in while the right one is there.
        assert!(!r.may_decide(Step::Squad, PersonId(3)));
        // A narrower level never decides a wider step.
        assert!(!r.may_decide(Step::Tribe, PersonId(2)));
        assert!(!r.may_decide(Step::Company, PersonId(3)));
    }

    #[test]
    fn the_next_level_up_decides_when_nobody_holds_one_and_never_oneself() {
        let r = Relations {
            chapter_leads: vec![],
            ..rel()
        };
        assert_eq!(
            r.deciders(Step::Squad),
            (Decider::TribeLead, &[PersonId(3)][..])
        );
        let nobody = Relations {
            person_id: PersonId(4),
            company: vec![],
            ..Relations::default()
        };
        assert_eq!(nobody.deciders(Step::Company), (Decider::Company, &[][..]));
        let cto_self = Relations {
            person_id: PersonId(4),
            company: vec![PersonId(4)],
            ..Relations::default()
        };
        assert!(!cto_self.may_decide(Step::Company, PersonId(4)));
    }

    #[test]
    fn only_the_person_the_lead_and_admins_see_the_record() {
        let r = rel();
        assert!(Access::of(&r, Some((PersonId(1), false))).sees());
        assert!(Access::of(&r, Some((PersonId(2), false))).sees());
        assert!(Access::of(&r, Some((PersonId(9), true))).sees());
        assert!(
            !Access::of(&r, Some((PersonId(3), false))).sees(),
            "tribe lead"
        );
        assert!(!Access::of(&r, Some((PersonId(4), false))).sees(), "CTO");
        assert!(!Access::of(&r, None).sees());
        assert!(!Access::of(&r, Some((PersonId(9), true))).may_propose());
    }

    #[test]
    fn without_a_chapter_lead_the_next_level_up_is_the_line_manager() {
        let r = Relations {
            chapter_leads: vec![],
            ..rel()
        };
        assert!(
            Access::of(&r, Some((PersonId(3), false))).sees(),
            "the tribe lead"
        );
        assert!(
            !Access::of(&r, Some((PersonId(4), false))).sees(),
            "the CTO"
        );
        assert!(!Access::of(&rel(), Some((PersonId(3), false))).sees());
    }

    #[test]
    fn only_admins_give_or_take_a_company_level_role() {
        // Role 9 is company-level; the person holds 9 and 1.
        assert_eq!(roles_kept(&[9], &[1, 9], &[2], false), Ok(vec![2, 9]));
        assert!(roles_kept(&[9], &[1], &[1, 9], false).is_err());
        assert_eq!(roles_kept(&[9], &[1, 9], &[1], true), Ok(vec![1]));
        assert_eq!(roles_kept(&[9], &[1], &[9, 1, 1], true), Ok(vec![1, 9]));
    }

    #[test]
    fn proposals_go_to_a_wider_step() {
        assert!(check_proposal(None, Some(Step::Squad)).is_err());
        assert!(check_proposal(Some(Step::Squad), Some(Step::Squad)).is_err());
        assert!(check_proposal(Some(Step::Tribe), Some(Step::Squad)).is_err());
        assert_eq!(
            check_proposal(Some(Step::Squad), Some(Step::Company)),
            Ok(Step::Company)
        );
    }

    #[test]
    fn comparison_counts_agreement_and_the_widest_gaps() {
        let mut own = Assessment::default();
        let mut lead = Assessment::default();
        own.rows.insert(
            Behavior::Team,
            Row {
                ratings: [Some(4), Some(3), Some(4), None],
                note: String::new(),
            },
        );
        lead.rows.insert(
            Behavior::Team,
            Row {
                ratings: [Some(4), Some(2), Some(1), Some(1)],
                note: String::new(),
            },
        );
        let s = summarize(&own, &lead);
        assert_eq!(s.both_rated, 3);
        assert_eq!(s.agree, 1);
        assert_eq!(s.gaps, vec![(Behavior::Team, Step::Tribe, 4, 1)]);
        assert_eq!(
            agreement(Some(2), Some(3)),
            Agreement::Differ {
                by: 1,
                self_higher: false
            }
        );
    }

    #[test]
    fn ratings_and_the_review_date() {
        assert!(parse_rating("5").is_err());
        assert_eq!(parse_rating(""), Ok(None));
        assert_eq!(
            review_due(NaiveDate::from_ymd_opt(2026, 8, 31).unwrap()),
            NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()
        );
    }
}
