//! The change log (DESIGN.md): every content write appends a row here in the same transaction,
//! and derived data — the search index — tails it by id. [`write_with_changes`] is the one way
//! features write content.

use chrono::Utc;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::change_log;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

labelled_enum! {
    /// What a change-log row is about. Stored as its key; a kind is a variant, so a misspelt
    /// one does not compile and everything that reads the log (the search index) must say
    /// what it does with each.
    EntityKind {
        Person = "person", "person";
        Unit = "unit", "unit";
        Page = "page", "page";
        Lesson = "lesson", "lesson";
        Experiment = "experiment", "experiment";
        Postmortem = "postmortem", "post-mortem";
        Action = "action", "action items";
        Retro = "retro", "retro";
        HealthSession = "health_session", "health check";
        HealthIndicator = "health_indicator", "health indicator";
        Step = "step", "career steps";
        StepFramework = "step_framework", "career-steps framework";
    }
}

labelled_enum! {
    /// What a write did to its record. Besides the usual three, a post-mortem's status
    /// moves, its reviews, the dismissal of a blameless-language finding and a comment on a
    /// record (written, edited, deleted or hidden) are told apart.
    Op {
        Create = "create", "created";
        Update = "update", "updated";
        Delete = "delete", "deleted";
        Status = "status", "status changed";
        Review = "review", "reviewed";
        Dismiss = "dismiss", "finding dismissed";
        Comment = "comment", "commented";
    }
}

/// What a write did to one record, e.g. `Change::new(EntityKind::Person, "alice", Op::Create)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: EntityKind,
    pub entity_key: String,
    pub op: Op,
}

impl Change {
    pub fn new(kind: EntityKind, entity_key: impl Into<String>, op: Op) -> Self {
        Change {
            kind,
            entity_key: entity_key.into(),
            op,
        }
    }
}

/// A row of the change log as tailers read it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = change_log)]
pub struct ChangeRow {
    pub id: i64,
    pub entity_kind: String,
    pub entity_key: String,
    pub op: String,
    pub actor_id: Option<PersonId>,
    pub created_at: chrono::NaiveDateTime,
}

impl ChangeRow {
    /// The row's kind; `None` for one this build does not know (written by a newer fika
    /// sharing the database).
    pub fn kind(&self) -> Option<EntityKind> {
        EntityKind::parse(&self.entity_kind)
    }
}

#[derive(Insertable)]
#[diesel(table_name = change_log)]
struct NewChange<'a> {
    entity_kind: &'a str,
    entity_key: &'a str,
    op: &'a str,
    actor_id: Option<PersonId>,
    created_at: chrono::NaiveDateTime,
}

/// Proof that the code holding it runs inside a write whose changes reach the change log.
/// Only [`write_with_changes`] and [`write_with_changes_if_any`] make one, and they give it
/// to their closure; its lifetime is the closure's, so it cannot be kept for later. The
/// functions that write content into a caller's transaction (`lessons::repo::add_revision`,
/// `action_items::repo::add`, `Revisioned::write`, …) take one, so none of them can run in
/// a write that is not logged.
///
/// Nothing else can make one:
///
/// ```compile_fail
/// let forged = fika::db::Logged { actor: None, _write: std::marker::PhantomData };
/// ```
///
/// and none can be taken out of the closure to be used after it:
///
/// ```compile_fail
/// # fn kept(conn: &mut fika::db::AnyConnection) -> fika::error::AppResult<()> {
/// let kept = fika::db::write_with_changes(conn, None, |_, log| Ok((log, vec![])))?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
pub struct Logged<'t> {
    actor: Option<PersonId>,
    _write: std::marker::PhantomData<fn(&'t ()) -> &'t ()>,
}

impl Logged<'_> {
    /// Who is writing (the change log's actor): the events of the write name them.
    pub fn actor(&self) -> Option<PersonId> {
        self.actor
    }
}

/// Runs `f` in one write transaction (see [`super::write_transaction`]) and appends the
/// changes it reports to the change log before committing, so a content row and its log row
/// exist together or not at all. A write that reports no change is refused.
///
/// On PostgreSQL, identity values are handed out at insert time but become visible at commit,
/// so two concurrent writers could commit ids out of order and a tailer reading `id > last`
/// would skip one for ever. A transaction-scoped advisory lock taken just before the log rows
/// are inserted (and held until commit) makes ids commit in order; content writes themselves
/// still run concurrently.
pub fn write_with_changes<T>(
    conn: &mut AnyConnection,
    actor_id: Option<PersonId>,
    f: impl for<'t> FnOnce(&mut AnyConnection, Logged<'t>) -> AppResult<(T, Vec<Change>)>,
) -> AppResult<T> {
    logged_write(conn, actor_id, true, f)
}

/// [`write_with_changes`] for the writes that may find, inside, that they have nothing to
/// write: a save that ends in a merge conflict (`revisions::save`), a health check that
/// joins one already open, default indicators already there. No change, no log row — so
/// such a closure must report a change for everything it writes.
pub fn write_with_changes_if_any<T>(
    conn: &mut AnyConnection,
    actor_id: Option<PersonId>,
    f: impl for<'t> FnOnce(&mut AnyConnection, Logged<'t>) -> AppResult<(T, Vec<Change>)>,
) -> AppResult<T> {
    logged_write(conn, actor_id, false, f)
}

fn logged_write<T>(
    conn: &mut AnyConnection,
    actor_id: Option<PersonId>,
    must_change: bool,
    f: impl for<'t> FnOnce(&mut AnyConnection, Logged<'t>) -> AppResult<(T, Vec<Change>)>,
) -> AppResult<T> {
    super::write_transaction(conn, |conn| {
        let logged = Logged {
            actor: actor_id,
            _write: std::marker::PhantomData,
        };
        let (value, changes) = f(conn, logged)?;
        if must_change || !changes.is_empty() {
            append(conn, actor_id, &changes)?;
        }
        Ok(value)
    })
}

/// Appends `changes` inside the caller's write transaction: the two helpers above, and
/// the start-up repairs of `db::fixups`, which run before anything else.
pub(super) fn append(
    conn: &mut AnyConnection,
    actor_id: Option<PersonId>,
    changes: &[Change],
) -> AppResult<()> {
    if changes.is_empty() {
        return Err(AppError::internal(
            "a content write reported no change for the change log",
        ));
    }
    super::lock_for_transaction(conn, super::locks::CHANGE_LOG)?;
    let now = Utc::now().naive_utc();
    // One statement per row: the multi-backend connection has no batch insert, and a write
    // rarely reports more than a handful of changes.
    for c in changes {
        diesel::insert_into(change_log::table)
            .values(NewChange {
                entity_kind: c.kind.key(),
                entity_key: &c.entity_key,
                op: c.op.key(),
                actor_id,
                created_at: now,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// The id of the newest change (0 for none): anything derived from content is current if it
/// was built at this id.
pub fn head(conn: &mut AnyConnection) -> AppResult<i64> {
    let max: Option<i64> = change_log::table
        .select(diesel::dsl::max(change_log::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// How far behind the change log a reader is that applied every change up to an id.
#[derive(Debug, Clone, Copy)]
pub struct Lag {
    pub head: i64,
    /// Log ids after the reader's (a rolled-back write leaves a gap, so this can overstate).
    pub changes: i64,
    /// The age of the oldest change not applied; 0 when there is none.
    pub seconds: i64,
}

/// The lag of a reader (a search index) that applied the log up to `applied`.
pub fn lag(conn: &mut AnyConnection, applied: i64) -> AppResult<Lag> {
    let head = head(conn)?;
    let oldest: Option<chrono::NaiveDateTime> = change_log::table
        .filter(change_log::id.gt(applied))
        .select(diesel::dsl::min(change_log::created_at))
        .first(conn)?;
    let seconds = oldest.map_or(0, |t| {
        (chrono::Utc::now().naive_utc() - t).num_seconds().max(0)
    });
    Ok(Lag {
        head,
        changes: (head - applied).max(0),
        seconds,
    })
}

/// Changes after `after_id`, oldest first, at most `limit`.
pub fn changes_since(
    conn: &mut AnyConnection,
    after_id: i64,
    limit: i64,
) -> AppResult<Vec<ChangeRow>> {
    Ok(change_log::table
        .filter(change_log::id.gt(after_id))
        .order(change_log::id.asc())
        .limit(limit)
        .select(ChangeRow::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_stored_as_their_keys_and_read_back() {
        for k in EntityKind::ALL {
            assert_eq!(EntityKind::parse(k.key()), Some(*k));
        }
        for o in Op::ALL {
            assert_eq!(Op::parse(o.key()), Some(*o));
        }
        let mut c = conn();
        write_with_changes(&mut c, None, |c, _| {
            insert_person(c, "ed")?;
            Ok((
                (),
                vec![Change::new(EntityKind::HealthSession, "7", Op::Status)],
            ))
        })
        .expect("write");
        let rows = changes_since(&mut c, 0, 10).expect("read");
        assert_eq!(rows[0].entity_kind, "health_session");
        assert_eq!(rows[0].op, "status");
        assert_eq!(rows[0].kind(), Some(EntityKind::HealthSession));
        let newer = ChangeRow {
            entity_kind: "kudos".into(),
            ..rows[0].clone()
        };
        assert_eq!(
            newer.kind(),
            None,
            "a kind from a newer fika is not guessed"
        );
    }
    use crate::db::run_migrations;
    use crate::db::schema::people;

    fn conn() -> AnyConnection {
        let mut c = AnyConnection::Sqlite(
            diesel::SqliteConnection::establish(":memory:").expect("in-memory sqlite"),
        );
        run_migrations(&mut c).expect("migrations");
        c
    }

    fn insert_person(c: &mut AnyConnection, username: &str) -> QueryResult<usize> {
        let now = Utc::now().naive_utc();
        diesel::insert_into(people::table)
            .values((
                people::username.eq(username),
                people::display_name.eq(username),
                people::created_at.eq(now),
                people::updated_at.eq(now),
            ))
            .execute(c)
    }

    #[test]
    fn content_and_log_rows_commit_together() {
        let mut c = conn();
        let got = write_with_changes(&mut c, Some(PersonId(7)), |c, _| {
            insert_person(c, "ann")?;
            Ok((42, vec![Change::new(EntityKind::Person, "ann", Op::Create)]))
        })
        .unwrap();
        assert_eq!(got, 42);
        let log = changes_since(&mut c, 0, 10).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(
            (
                log[0].entity_kind.as_str(),
                log[0].entity_key.as_str(),
                log[0].op.as_str(),
                log[0].actor_id
            ),
            ("person", "ann", "create", Some(PersonId(7)))
        );
        assert!(changes_since(&mut c, log[0].id, 10).unwrap().is_empty());
    }

    #[test]
    fn a_failed_write_leaves_neither_row() {
        let mut c = conn();
        let err = write_with_changes(&mut c, None, |c, _| {
            insert_person(c, "bo")?;
            Err::<((), Vec<Change>), _>(AppError::validation("no"))
        });
        assert!(err.is_err());
        let n: i64 = people::table.count().get_result(&mut c).unwrap();
        assert_eq!(n, 0);
        assert!(changes_since(&mut c, 0, 10).unwrap().is_empty());
        // A write that reports no change is refused, and rolled back as well.
        let err = write_with_changes(&mut c, None, |c, _| {
            insert_person(c, "cy")?;
            Ok(((), vec![]))
        });
        assert!(err.is_err());
        let n: i64 = people::table.count().get_result(&mut c).unwrap();
        assert_eq!(n, 0);
        // The connection is usable afterwards (no transaction left open).
        write_with_changes(&mut c, None, |c, _| {
            insert_person(c, "di")?;
            Ok(((), vec![Change::new(EntityKind::Person, "di", Op::Create)]))
        })
        .unwrap();
    }

    #[test]
    fn nested_writes_join_the_outer_transaction() {
        let mut c = conn();
        let err = crate::db::write_transaction(&mut c, |c| {
            for name in ["ed", "flo"] {
                write_with_changes(c, None, |c, _| {
                    insert_person(c, name)?;
                    Ok(((), vec![Change::new(EntityKind::Person, name, Op::Create)]))
                })?;
            }
            Err::<(), _>(AppError::validation("the last step failed"))
        });
        assert!(err.is_err());
        let n: i64 = people::table.count().get_result(&mut c).unwrap();
        assert_eq!(
            n, 0,
            "both inner writes were rolled back with the outer one"
        );
        assert!(changes_since(&mut c, 0, 10).unwrap().is_empty());
    }
}
