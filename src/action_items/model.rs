//! Action items: the follow-up work a post-mortem (and, later, a retrospective) commits to.
//! Types and rules, no I/O.

use chrono::NaiveDate;

use crate::ids::{PersonId, UnitId};

labelled_enum!(
    /// What an action item does about the incident.
    Kind {
        Mitigate = "mitigate", "Mitigate";
        Prevent = "prevent", "Prevent";
        Detect = "detect", "Detect";
        Process = "process", "Process";
    }
);

labelled_enum!(
    /// Where an action item is. "Won't do" needs a reason: deciding not to do something is a
    /// decision the organization should be able to read later.
    Status {
        Open = "open", "Open";
        Done = "done", "Done";
        WontDo = "wontdo", "Won't do";
    }
);

/// An action item as written, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInput {
    /// The stored item this row edits (None: a new one).
    pub id: Option<i64>,
    pub title: String,
    pub kind: Kind,
    pub squad_id: UnitId,
    pub person_id: Option<PersonId>,
    pub due_on: Option<NaiveDate>,
    pub status: Status,
    pub reason: String,
    pub tracker: String,
}

/// A stored action item, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: i64,
    pub source_kind: String,
    pub source_id: i64,
    pub title: String,
    pub kind: Kind,
    pub squad_id: UnitId,
    pub person_id: Option<PersonId>,
    pub due_on: Option<NaiveDate>,
    pub status: Status,
    pub reason: String,
    pub tracker: String,
    pub closed_on: Option<NaiveDate>,
}

impl ActionItem {
    /// Open and past its due date (due today is not yet overdue).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == Status::Open && self.due_on.is_some_and(|d| d < today)
    }

    /// Days past due (0 when not overdue).
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        match self.due_on {
            Some(d) if self.overdue(today) => (today - d).num_days(),
            _ => 0,
        }
    }

    /// Where the item came from, e.g. `/postmortems/3`.
    pub fn source_url(&self) -> String {
        format!("/{}s/{}", self.source_kind, self.source_id)
    }

    pub fn input(&self) -> ActionInput {
        ActionInput {
            id: Some(self.id),
            title: self.title.clone(),
            kind: self.kind,
            squad_id: self.squad_id,
            person_id: self.person_id,
            due_on: self.due_on,
            status: self.status,
            reason: self.reason.clone(),
            tracker: self.tracker.clone(),
        }
    }
}

/// Open items first, overdue ones first among them (the longest overdue first), then by due
/// date (undated last), then the newest closed.
pub fn sort_for_listing(items: &mut [ActionItem], today: NaiveDate) {
    items.sort_by(|a, b| {
        let rank = |i: &ActionItem| match (i.status, i.overdue(today)) {
            (Status::Open, true) => 0,
            (Status::Open, false) => 1,
            _ => 2,
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| match (a.due_on, b.due_on) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| b.closed_on.cmp(&a.closed_on))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// Checks the parts of an action item that need no database: a title, a reason for "won't
/// do", a tracker link that is a web address. Messages by part (`title`, `reason`, `tracker`).
pub fn check(
    title: &str,
    status: Status,
    reason: &str,
    tracker: &str,
) -> Result<(), Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() {
        errors.push(("title", "Say what will be done.".to_string()));
    } else if title.chars().count() > 300 {
        errors.push(("title", "An action item has at most 300 characters.".into()));
    }
    if let Err(m) = check_reason(status, reason) {
        errors.push(("reason", m));
    }
    let t = tracker.trim();
    let web = t.starts_with("https://") || t.starts_with("http://");
    if !t.is_empty() && (!web || t.contains(char::is_whitespace)) {
        errors.push((
            "tracker",
            "A tracker link is a web address starting with https://.".into(),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// "Won't do" needs a reason.
pub fn check_reason(status: Status, reason: &str) -> Result<(), String> {
    if status == Status::WontDo && reason.trim().is_empty() {
        Err("Say why it won't be done: the next incident review will ask.".into())
    } else {
        Ok(())
    }
}

/// The completion of a set of items: done / (done + open); won't-do items were decided
/// against and count in neither.
pub fn completion_rate(items: &[ActionItem]) -> Option<f64> {
    let done = items.iter().filter(|i| i.status == Status::Done).count();
    let open = items.iter().filter(|i| i.status == Status::Open).count();
    (done + open > 0).then(|| done as f64 / (done + open) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, status: Status, due: Option<&str>) -> ActionItem {
        ActionItem {
            id,
            source_kind: "postmortem".into(),
            source_id: 1,
            title: format!("item {id}"),
            kind: Kind::Prevent,
            squad_id: UnitId(1),
            person_id: None,
            due_on: due.map(|d| d.parse().unwrap()),
            status,
            reason: String::new(),
            tracker: String::new(),
            closed_on: None,
        }
    }

    #[test]
    fn overdue_is_open_and_past_due() {
        let today: NaiveDate = "2026-11-21".parse().unwrap();
        assert!(item(1, Status::Open, Some("2026-11-20")).overdue(today));
        assert_eq!(
            item(1, Status::Open, Some("2026-11-11")).days_overdue(today),
            10
        );
        assert!(!item(1, Status::Open, Some("2026-11-21")).overdue(today));
        assert!(!item(1, Status::Open, None).overdue(today));
        assert!(!item(1, Status::Done, Some("2026-01-01")).overdue(today));
        assert!(!item(1, Status::WontDo, Some("2026-01-01")).overdue(today));
        assert_eq!(
            item(1, Status::Done, Some("2026-01-01")).days_overdue(today),
            0
        );
    }

    #[test]
    fn listing_puts_overdue_first() {
        let today: NaiveDate = "2026-11-21".parse().unwrap();
        let mut items = vec![
            item(1, Status::Done, Some("2026-01-01")),
            item(2, Status::Open, None),
            item(3, Status::Open, Some("2026-12-01")),
            item(4, Status::Open, Some("2026-11-01")),
            item(5, Status::Open, Some("2026-10-01")),
        ];
        sort_for_listing(&mut items, today);
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        assert_eq!(ids, vec![5, 4, 3, 2, 1]);
    }

    #[test]
    fn checks() {
        assert!(check("Add an alert", Status::Open, "", "").is_ok());
        assert!(check("Add an alert", Status::Open, "", "https://t.example/X-1").is_ok());
        let e = check(" ", Status::WontDo, "", "t.example/X-1").unwrap_err();
        let parts: Vec<&str> = e.iter().map(|(p, _)| *p).collect();
        assert_eq!(parts, vec!["title", "reason", "tracker"]);
    }

    #[test]
    fn completion_leaves_out_wont_do() {
        let items = vec![
            item(1, Status::Done, None),
            item(2, Status::Open, None),
            item(3, Status::WontDo, None),
            item(4, Status::Done, None),
        ];
        assert_eq!(completion_rate(&items), Some(2.0 / 3.0));
        assert_eq!(completion_rate(&[item(1, Status::WontDo, None)]), None);
    }
}
