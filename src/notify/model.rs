//! What a notification is: its kinds (each with its own inbox and mail settings) and what
//! a person can watch.

use crate::db::EntityKind;
use crate::db::events::EventKind;
use crate::ids::{PersonId, UnitId};

labelled_enum! {
    /// A kind of notification, as the settings page offers it: each can be turned off in the
    /// inbox and in mail.
    NotificationKind {
        Mention = "mention", "Someone mentions you";
        Watched = "watched", "News in what you watch";
        Comment = "comment", "Comments on what you watch";
        Review = "review", "Decisions waiting for you";
        Overdue = "overdue", "Overdue action items";
        Digest = "digest", "Weekly digest";
    }
}

impl NotificationKind {
    /// What a person gets before they choose: (inbox, mail). Mail only for what is
    /// addressed to them; news of what they watch waits in the inbox.
    pub fn defaults(self) -> (bool, bool) {
        match self {
            // What waits for the person, by mail too.
            NotificationKind::Mention | NotificationKind::Review | NotificationKind::Overdue => {
                (true, true)
            }
            NotificationKind::Watched | NotificationKind::Comment => (true, false),
            // Offered, never sent until chosen.
            NotificationKind::Digest => (false, false),
        }
    }

    /// A kind that only comes by mail (the digest gathers what the inbox already had).
    pub fn mail_only(self) -> bool {
        self == NotificationKind::Digest
    }

    /// A sentence under the kind on the settings page.
    pub fn explain(self) -> &'static str {
        match self {
            NotificationKind::Mention => {
                "Someone writes @your-username in a page, lesson, post-mortem, experiment or \
                 comment."
            }
            NotificationKind::Watched => {
                "A lesson, post-mortem, concluded experiment or closed retro in a team, tag or \
                 person you watch; an edit of a page you watch."
            }
            NotificationKind::Comment => {
                "Someone comments on a page, lesson, post-mortem, experiment or retro you \
                 watch — what you wrote or commented on, unless you stopped watching it."
            }
            NotificationKind::Review => {
                "A post-mortem of your squad goes to review (someone who did not write it has \
                 to approve it before it is published); a career step proposal waits for your \
                 decision, or a colleague asks for your feedback on theirs."
            }
            NotificationKind::Overdue => {
                "An action item assigned to you is past its due date; as a squad's product \
                 owner (or tribe lead), one nobody took, or one a week overdue."
            }
            NotificationKind::Digest => {
                "Once a week, by e-mail: the lessons, published post-mortems, concluded \
                 experiments and closed retros of your teams, then of the whole company."
            }
        }
    }

    /// The kind an event is told as.
    pub fn of(event: EventKind) -> NotificationKind {
        match event {
            EventKind::Mentioned => NotificationKind::Mention,
            EventKind::Commented => NotificationKind::Comment,
            EventKind::ReviewRequested | EventKind::DecisionWaiting | EventKind::FeedbackAsked => {
                NotificationKind::Review
            }
            EventKind::ActionOverdue => NotificationKind::Overdue,
            EventKind::LessonPublished
            | EventKind::PostmortemPublished
            | EventKind::ExperimentConcluded
            | EventKind::RetroClosed
            | EventKind::PageEdited => NotificationKind::Watched,
        }
    }
}

/// Something a person can watch, written `unit:12`, `lesson:5`, `page:3`,
/// `person:7` (their lessons), `tag:kafka` in the `watches` table and the watch form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Unit(UnitId),
    Record(EntityKind, String),
    Person(PersonId),
    Tag(String),
}

/// The record kinds a person can watch one of.
const RECORDS: [EntityKind; 5] = [
    EntityKind::Page,
    EntityKind::Lesson,
    EntityKind::Postmortem,
    EntityKind::Experiment,
    EntityKind::Retro,
];

impl Target {
    pub fn parse(raw: &str) -> Option<Target> {
        let (kind, key) = raw.trim().split_once(':')?;
        let key = key.trim();
        if key.is_empty() || key.len() > 200 {
            return None;
        }
        match kind {
            "unit" => key.parse().ok().map(Target::Unit),
            "person" => key.parse().ok().map(Target::Person),
            "tag" => Some(Target::Tag(key.to_lowercase())),
            k => {
                let kind = EntityKind::parse(k).filter(|k| RECORDS.contains(k))?;
                // Records are watched by id, which a page keeps through a rename.
                let id: i64 = key.parse().ok()?;
                Some(Target::Record(kind, id.to_string()))
            }
        }
    }

    pub fn key(&self) -> String {
        match self {
            Target::Unit(id) => format!("unit:{id}"),
            Target::Record(kind, key) => format!("{}:{key}", kind.key()),
            Target::Person(id) => format!("person:{id}"),
            Target::Tag(tag) => format!("tag:{tag}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip() {
        for raw in ["unit:12", "lesson:5", "page:3", "person:7", "tag:kafka"] {
            assert_eq!(Target::parse(raw).map(|t| t.key()).as_deref(), Some(raw));
        }
        for bad in [
            "unit:x",
            "lesson:five",
            "health_session:1",
            "nothing",
            "tag:",
            "page:on-call",
        ] {
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Target::parse("tag:Kafka"),
            Some(Target::Tag("kafka".into()))
        );
    }

    #[test]
    fn every_event_has_a_kind() {
        for e in EventKind::ALL {
            let _ = NotificationKind::of(*e);
        }
        assert_eq!(
            NotificationKind::of(EventKind::Mentioned),
            NotificationKind::Mention
        );
    }
}
