//! Queries on action items. Items are written with their source (a post-mortem saves its
//! items in its own transaction); a status change on its own goes through the change log.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{ActionInput, ActionItem, Kind, Status};
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::action_items;
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = action_items)]
struct Row {
    id: i64,
    source_kind: String,
    source_id: i64,
    title: String,
    kind: String,
    squad_id: UnitId,
    person_id: Option<PersonId>,
    due_on: Option<NaiveDate>,
    status: String,
    reason: String,
    tracker: String,
    closed_on: Option<NaiveDate>,
}

impl Row {
    fn item(self) -> AppResult<ActionItem> {
        let bad = || AppError::internal("an action item with an unknown kind or status");
        Ok(ActionItem {
            id: self.id,
            source_kind: self.source_kind,
            source_id: self.source_id,
            title: self.title,
            kind: Kind::parse(&self.kind).ok_or_else(bad)?,
            squad_id: self.squad_id,
            person_id: self.person_id,
            due_on: self.due_on,
            status: Status::parse(&self.status).ok_or_else(bad)?,
            reason: self.reason,
            tracker: self.tracker,
            closed_on: self.closed_on,
        })
    }
}

fn items(rows: Vec<Row>) -> AppResult<Vec<ActionItem>> {
    rows.into_iter().map(Row::item).collect()
}

/// The items of one source, in the order they were written.
pub fn of_source(conn: &mut AnyConnection, kind: &str, id: i64) -> AppResult<Vec<ActionItem>> {
    items(
        action_items::table
            .filter(action_items::source_kind.eq(kind))
            .filter(action_items::source_id.eq(id))
            .order((action_items::position, action_items::id))
            .select(Row::as_select())
            .load(conn)?,
    )
}

/// Every item (pages filter them in memory; see `flow::all_items`).
pub fn all(conn: &mut AnyConnection) -> AppResult<Vec<ActionItem>> {
    items(
        action_items::table
            .order(action_items::id)
            .select(Row::as_select())
            .load(conn)?,
    )
}

pub fn get(conn: &mut AnyConnection, id: i64) -> AppResult<ActionItem> {
    action_items::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?
        .item()
}

/// When an item was closed: kept while it stays closed, today when it closes now, none
/// while open.
fn closed_on(old: Option<&ActionItem>, status: Status, today: NaiveDate) -> Option<NaiveDate> {
    match (status, old) {
        (Status::Open, _) => None,
        (_, Some(o)) if o.status != Status::Open => o.closed_on.or(Some(today)),
        _ => Some(today),
    }
}

/// Makes a source's items exactly `wanted` (inside the caller's transaction): rows with an
/// id update that item, rows without one add an item, and items no longer listed go.
pub fn replace_for_source(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    kind: &str,
    source_id: i64,
    wanted: &[ActionInput],
) -> AppResult<()> {
    let old = of_source(conn, kind, source_id)?;
    let now: NaiveDateTime = Utc::now().naive_utc();
    let today = now.date();
    let keep: Vec<i64> = wanted.iter().filter_map(|w| w.id).collect();
    let gone: Vec<i64> = old
        .iter()
        .map(|o| o.id)
        .filter(|id| !keep.contains(id))
        .collect();
    if !gone.is_empty() {
        diesel::delete(action_items::table.filter(action_items::id.eq_any(gone))).execute(conn)?;
    }
    for (position, w) in wanted.iter().enumerate() {
        let prev = w.id.and_then(|id| old.iter().find(|o| o.id == id));
        let values = (
            action_items::position.eq(position as i32),
            action_items::title.eq(w.title.trim()),
            action_items::kind.eq(w.kind.key()),
            action_items::squad_id.eq(w.squad_id),
            action_items::person_id.eq(w.person_id),
            action_items::due_on.eq(w.due_on),
            action_items::status.eq(w.status.key()),
            action_items::reason.eq(w.reason.trim()),
            action_items::tracker.eq(w.tracker.trim()),
            action_items::closed_on.eq(closed_on(prev, w.status, today)),
            action_items::updated_at.eq(now),
        );
        match (w.id, prev) {
            (Some(id), Some(_)) => {
                diesel::update(action_items::table.find(id))
                    .set(values)
                    .execute(conn)?;
            }
            (Some(_), None) => {
                return Err(AppError::Conflict(
                    "An action item in the form is not one of this post-mortem's (it was \
                     removed meanwhile, or belongs elsewhere); reload and try again."
                        .into(),
                ));
            }
            (None, _) => {
                diesel::insert_into(action_items::table)
                    .values((
                        values,
                        action_items::source_kind.eq(kind),
                        action_items::source_id.eq(source_id),
                        action_items::created_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Adds one item to a source, after its others (inside the caller's transaction).
pub fn add(
    conn: &mut AnyConnection,
    _: Logged<'_>,
    kind: &str,
    source_id: i64,
    item: &ActionInput,
) -> AppResult<i64> {
    let now: NaiveDateTime = Utc::now().naive_utc();
    let position = of_source(conn, kind, source_id)?.len() as i32;
    Ok(diesel::insert_into(action_items::table)
        .values((
            action_items::source_kind.eq(kind),
            action_items::source_id.eq(source_id),
            action_items::position.eq(position),
            action_items::title.eq(item.title.trim()),
            action_items::kind.eq(item.kind.key()),
            action_items::squad_id.eq(item.squad_id),
            action_items::person_id.eq(item.person_id),
            action_items::due_on.eq(item.due_on),
            action_items::status.eq(item.status.key()),
            action_items::reason.eq(item.reason.trim()),
            action_items::tracker.eq(item.tracker.trim()),
            action_items::closed_on.eq(closed_on(None, item.status, now.date())),
            action_items::created_at.eq(now),
            action_items::updated_at.eq(now),
        ))
        .returning(action_items::id)
        .get_result(conn)?)
}

/// Closes or reopens one item. The change is logged against its source, whose pages and
/// insights show it.
pub fn set_status(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    item: &ActionItem,
    status: Status,
    reason: &str,
) -> AppResult<ActionItem> {
    let today = Utc::now().date_naive();
    let id = item.id;
    write_with_changes(conn, actor, |c, _| {
        diesel::update(action_items::table.find(id))
            .set((
                action_items::status.eq(status.key()),
                action_items::reason.eq(reason.trim()),
                action_items::closed_on.eq(closed_on(Some(item), status, today)),
                action_items::updated_at.eq(Utc::now().naive_utc()),
            ))
            .execute(c)?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::Action,
                format!("{}/{}", item.source_kind, item.source_id),
                Op::Update,
            )],
        ))
    })?;
    get(conn, id)
}
