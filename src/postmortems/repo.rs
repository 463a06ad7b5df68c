//! Queries on post-mortems, their squads, authors, reviews and dismissed findings. Every
//! write goes through the change-log helper; only published post-mortems reach search.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{
    Involved, LessonDraft, Postmortem, PostmortemInput, Severity, Status, TimelineEntry, Times,
};
use crate::action_items::model::ActionItem;
use crate::action_items::repo as action_repo;
use crate::db::changelog::{EntityKind, Op};
use crate::db::schema::{
    blameless_dismissals, people, postmortem_authors, postmortem_reviews, postmortem_squads,
    postmortems,
};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::lessons::model::{LessonInput, Source};
use crate::projection::{EVERYONE, Record, key};

/// The source kind of action items and lessons from a post-mortem.
pub const KIND: &str = "postmortem";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = postmortems)]
struct Row {
    id: i64,
    title: String,
    severity: i32,
    status: String,
    facilitator_id: Option<i64>,
    started_at: NaiveDateTime,
    detected_at: Option<NaiveDateTime>,
    mitigated_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    summary: String,
    impact: String,
    timeline: String,
    factors: String,
    detection: String,
    went_well: String,
    went_wrong: String,
    lucky: String,
    pending_lessons: String,
    author_id: Option<i64>,
    published_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn bad(what: &str) -> AppError {
    AppError::internal(format!("a stored post-mortem has a broken {what}"))
}

impl Row {
    fn into_postmortem(
        self,
        squads: Vec<i64>,
        authors: Vec<i64>,
        items: Vec<ActionItem>,
    ) -> AppResult<Postmortem> {
        let timeline: Vec<TimelineEntry> =
            serde_json::from_str(&self.timeline).map_err(|_| bad("timeline"))?;
        let factors: Vec<String> =
            serde_json::from_str(&self.factors).map_err(|_| bad("list of factors"))?;
        let lessons: Vec<LessonDraft> =
            serde_json::from_str(&self.pending_lessons).map_err(|_| bad("list of lessons"))?;
        Ok(Postmortem {
            id: self.id,
            status: Status::parse(&self.status).ok_or_else(|| bad("status"))?,
            input: PostmortemInput {
                title: self.title,
                severity: Severity::from_level(self.severity).ok_or_else(|| bad("severity"))?,
                squads,
                authors,
                facilitator: self.facilitator_id,
                times: Times {
                    started: Some(self.started_at),
                    detected: self.detected_at,
                    mitigated: self.mitigated_at,
                    resolved: self.resolved_at,
                },
                summary: self.summary,
                impact: self.impact,
                timeline,
                factors,
                detection: self.detection,
                went_well: self.went_well,
                went_wrong: self.went_wrong,
                lucky: self.lucky,
                lessons,
                actions: items.iter().map(ActionItem::input).collect(),
            },
            items,
            creator_id: self.author_id,
            published_at: self.published_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn squads_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<i64>> {
    Ok(postmortem_squads::table
        .filter(postmortem_squads::postmortem_id.eq(id))
        .order(postmortem_squads::unit_id)
        .select(postmortem_squads::unit_id)
        .load(conn)?)
}

fn authors_of(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<i64>> {
    Ok(postmortem_authors::table
        .filter(postmortem_authors::postmortem_id.eq(id))
        .order(postmortem_authors::person_id)
        .select(postmortem_authors::person_id)
        .load(conn)?)
}

pub fn get(conn: &mut AnyConnection, id: i64) -> AppResult<Postmortem> {
    let row = postmortems::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let squads = squads_of(conn, id)?;
    let authors = authors_of(conn, id)?;
    let items = action_repo::of_source(conn, KIND, id)?;
    row.into_postmortem(squads, authors, items)
}

fn json<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::internal(e.to_string()))
}

/// Writes the row's fields, squads, authors and action items (inside a transaction).
fn write_fields(
    conn: &mut AnyConnection,
    log: Logged<'_>,
    id: i64,
    i: &PostmortemInput,
    now: NaiveDateTime,
) -> AppResult<()> {
    let started = i
        .times
        .started
        .ok_or_else(|| AppError::internal("a post-mortem without a start"))?;
    diesel::update(postmortems::table.find(id))
        .set((
            postmortems::title.eq(&i.title),
            postmortems::severity.eq(i.severity.level()),
            postmortems::facilitator_id.eq(i.facilitator),
            postmortems::started_at.eq(started),
            postmortems::detected_at.eq(i.times.detected),
            postmortems::mitigated_at.eq(i.times.mitigated),
            postmortems::resolved_at.eq(i.times.resolved),
            postmortems::summary.eq(&i.summary),
            postmortems::impact.eq(&i.impact),
            postmortems::timeline.eq(json(&i.timeline)?),
            postmortems::factors.eq(json(&i.factors)?),
            postmortems::detection.eq(&i.detection),
            postmortems::went_well.eq(&i.went_well),
            postmortems::went_wrong.eq(&i.went_wrong),
            postmortems::lucky.eq(&i.lucky),
            postmortems::pending_lessons.eq(json(&i.lessons)?),
            postmortems::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::delete(postmortem_squads::table.filter(postmortem_squads::postmortem_id.eq(id)))
        .execute(conn)?;
    for s in &i.squads {
        diesel::insert_into(postmortem_squads::table)
            .values((
                postmortem_squads::postmortem_id.eq(id),
                postmortem_squads::unit_id.eq(s),
            ))
            .execute(conn)?;
    }
    diesel::delete(postmortem_authors::table.filter(postmortem_authors::postmortem_id.eq(id)))
        .execute(conn)?;
    for a in &i.authors {
        diesel::insert_into(postmortem_authors::table)
            .values((
                postmortem_authors::postmortem_id.eq(id),
                postmortem_authors::person_id.eq(a),
            ))
            .execute(conn)?;
    }
    action_repo::replace_for_source(conn, log, KIND, id, &i.actions)
}

/// A new post-mortem, as a draft.
pub fn create(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    input: &PostmortemInput,
) -> AppResult<Postmortem> {
    let now = Utc::now().naive_utc();
    let started = input.times.started.unwrap_or(now);
    let id = write_with_changes(conn, actor, |c, log| {
        let id: i64 = diesel::insert_into(postmortems::table)
            .values((
                postmortems::title.eq(&input.title),
                postmortems::severity.eq(input.severity.level()),
                postmortems::status.eq(Status::Draft.key()),
                postmortems::started_at.eq(started),
                postmortems::author_id.eq(actor),
                postmortems::created_at.eq(now),
                postmortems::updated_at.eq(now),
            ))
            .returning(postmortems::id)
            .get_result(c)?;
        write_fields(c, log, id, input, now)?;
        Ok((
            id,
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Create,
            )],
        ))
    })?;
    get(conn, id)
}

/// Saves an edit. A published post-mortem's new lessons become Lesson records at once.
/// Reads a post-mortem holding its row (on PostgreSQL; SQLite's write transaction is already
/// serialised) until the caller's write transaction ends, refused unless it is still in the
/// status the editor saw: a review decided while the form was open changes what an edit may
/// do (a published post-mortem stays blameless, and its pending lessons became lessons).
pub fn lock_in_status(conn: &mut AnyConnection, id: i64, seen: Status) -> AppResult<Postmortem> {
    diesel::update(postmortems::table.find(id))
        .set(postmortems::updated_at.eq(postmortems::updated_at))
        .execute(conn)?;
    let current = get(conn, id)?;
    if current.status != seen {
        return Err(AppError::Conflict(format!(
            "This post-mortem moved to “{}” while you edited it; reload it and apply your \
             change again.",
            current.status.label()
        )));
    }
    Ok(current)
}

pub fn update(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    id: i64,
    input: &PostmortemInput,
) -> AppResult<Postmortem> {
    write_with_changes(conn, actor, |c, log| {
        let old = get(c, id)?;
        let mut input = input.clone();
        let mut changes = vec![Change::new(
            EntityKind::Postmortem,
            id.to_string(),
            Op::Update,
        )];
        if old.status == Status::Published {
            changes.extend(create_lessons(c, actor, id, &input)?);
            input.lessons.clear();
        }
        write_fields(c, log, id, &input, Utc::now().naive_utc())?;
        Ok(((), changes))
    })?;
    get(conn, id)
}

/// Makes the pending lessons Lesson records, filed under the involved squads.
fn create_lessons(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    id: i64,
    input: &PostmortemInput,
) -> AppResult<Vec<Change>> {
    let mut changes = Vec::new();
    for l in &input.lessons {
        let lesson = crate::lessons::repo::create(
            conn,
            actor,
            &LessonInput {
                title: l.title.clone(),
                body: l.body.clone(),
                source: Source::Postmortem(id.to_string()),
                summary: format!("from the post-mortem \"{}\"", input.title),
                tags: vec!["postmortem".into()],
                units: input.squads.clone(),
            },
        )?;
        changes.push(Change::new(
            EntityKind::Lesson,
            lesson.id.to_string(),
            Op::Create,
        ));
    }
    Ok(changes)
}

/// Moves a post-mortem between draft and review.
pub fn set_status(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    id: i64,
    from: Status,
    to: Status,
) -> AppResult<()> {
    write_with_changes(conn, actor, |c, _| {
        // Only from the status the caller saw: a review decided meanwhile (say, published)
        // must not be undone by a "take back to draft" sent from an older page.
        let n = diesel::update(
            postmortems::table
                .find(id)
                .filter(postmortems::status.eq(from.key())),
        )
        .set((
            postmortems::status.eq(to.key()),
            postmortems::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(c)?;
        if n == 0 {
            return Err(AppError::Conflict(
                "This post-mortem changed status meanwhile; reload it to see where it is.".into(),
            ));
        }
        Ok((
            (),
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Status,
            )],
        ))
    })
}

labelled_enum!(
    /// What a reviewer decided.
    Verdict {
        Approved = "approved", "Approved and published";
        Changes = "changes", "Changes requested";
    }
);

/// A review as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = postmortem_reviews)]
pub struct Review {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub postmortem_id: i64,
    #[serde(skip)]
    pub reviewer_id: i64,
    pub verdict: String,
    pub comments: String,
    /// How many open findings the reviewer accepted.
    pub acknowledged: i32,
    pub created_at: NaiveDateTime,
}

/// Records a review; an approval publishes (and makes the pending lessons Lesson records),
/// a request for changes sends the post-mortem back to draft.
pub fn review(
    conn: &mut AnyConnection,
    reviewer: i64,
    pm: &Postmortem,
    verdict: Verdict,
    comments: &str,
    acknowledged: i32,
) -> AppResult<()> {
    let id = pm.id;
    write_with_changes(conn, Some(reviewer), |c, _| {
        let now = Utc::now().naive_utc();
        diesel::insert_into(postmortem_reviews::table)
            .values((
                postmortem_reviews::postmortem_id.eq(id),
                postmortem_reviews::reviewer_id.eq(reviewer),
                postmortem_reviews::verdict.eq(verdict.key()),
                postmortem_reviews::comments.eq(comments.trim()),
                postmortem_reviews::acknowledged.eq(acknowledged),
                postmortem_reviews::created_at.eq(now),
            ))
            .execute(c)?;
        let mut changes = vec![Change::new(
            EntityKind::Postmortem,
            id.to_string(),
            Op::Review,
        )];
        // Only from review, and only the version that was read: a second reviewer, or an
        // edit meanwhile, finds nothing to change and the whole review rolls back.
        let current = postmortems::table
            .find(id)
            .filter(postmortems::status.eq(Status::Review.key()))
            .filter(postmortems::updated_at.eq(pm.updated_at));
        let n = match verdict {
            Verdict::Approved => {
                // The lessons are the authors': credited to the first of them.
                let author = pm.input.authors.first().copied().or(pm.creator_id);
                changes.extend(create_lessons(c, author, id, &pm.input)?);
                diesel::update(current)
                    .set((
                        postmortems::status.eq(Status::Published.key()),
                        postmortems::published_at.eq(now),
                        postmortems::pending_lessons.eq("[]"),
                        postmortems::updated_at.eq(now),
                    ))
                    .execute(c)?
            }
            Verdict::Changes => diesel::update(current)
                .set((
                    postmortems::status.eq(Status::Draft.key()),
                    postmortems::updated_at.eq(now),
                ))
                .execute(c)?,
        };
        if n != 1 {
            return Err(AppError::Conflict(
                "This post-mortem changed while you were reviewing it; read it again.".into(),
            ));
        }
        Ok(((), changes))
    })
}

/// Back-dates a publication (the demo's post-mortems were published days after their
/// incidents, not all at the moment the demo loaded).
pub fn set_published_at(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> AppResult<()> {
    write_with_changes(conn, None, |c, _| {
        diesel::update(postmortems::table.find(id))
            .set(postmortems::published_at.eq(at))
            .execute(c)?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Update,
            )],
        ))
    })
}

/// Reviews, newest first, with the reviewer's username and name.
pub fn reviews(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<(Review, String, String)>> {
    Ok(postmortem_reviews::table
        .inner_join(people::table.on(people::id.eq(postmortem_reviews::reviewer_id)))
        .filter(postmortem_reviews::postmortem_id.eq(id))
        .order(postmortem_reviews::id.desc())
        .select((Review::as_select(), people::username, people::display_name))
        .load(conn)?)
}

/// A dismissed finding: which rule, which phrase (lower case), in which field, and why.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = blameless_dismissals)]
pub struct Dismissal {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub postmortem_id: i64,
    pub field: String,
    pub rule: String,
    pub phrase: String,
    pub reason: String,
    #[serde(skip)]
    pub person_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn dismissals(conn: &mut AnyConnection, id: i64) -> AppResult<Vec<Dismissal>> {
    Ok(blameless_dismissals::table
        .filter(blameless_dismissals::postmortem_id.eq(id))
        .order(blameless_dismissals::id)
        .select(Dismissal::as_select())
        .load(conn)?)
}

/// Records a dismissal (dismissing the same finding again updates its reason).
pub fn dismiss(
    conn: &mut AnyConnection,
    actor: i64,
    id: i64,
    field: &str,
    rule: &str,
    phrase: &str,
    reason: &str,
) -> AppResult<()> {
    let phrase = normal_phrase(phrase);
    write_with_changes(conn, Some(actor), |c, _| {
        // An upsert, so that the same finding dismissed twice at once (a double click) keeps
        // one dismissal with the later reason instead of failing on the unique finding.
        let now = Utc::now().naive_utc();
        crate::per_backend!(c, |c| diesel::insert_into(blameless_dismissals::table)
            .values((
                blameless_dismissals::postmortem_id.eq(id),
                blameless_dismissals::field.eq(field),
                blameless_dismissals::rule.eq(rule),
                blameless_dismissals::phrase.eq(&phrase),
                blameless_dismissals::reason.eq(reason.trim()),
                blameless_dismissals::person_id.eq(actor),
                blameless_dismissals::created_at.eq(now),
            ))
            .on_conflict((
                blameless_dismissals::postmortem_id,
                blameless_dismissals::field,
                blameless_dismissals::rule,
                blameless_dismissals::phrase,
            ))
            .do_update()
            .set((
                blameless_dismissals::reason.eq(reason.trim()),
                blameless_dismissals::person_id.eq(actor),
                blameless_dismissals::created_at.eq(now),
            ))
            .execute(c))?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::Postmortem,
                id.to_string(),
                Op::Dismiss,
            )],
        ))
    })
}

/// A phrase as dismissals keep and compare it: lower case, single spaces (a form sends a
/// line break inside a phrase back as CRLF).
pub fn normal_phrase(phrase: &str) -> String {
    phrase
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A post-mortem for listings, insights and visibility checks.
#[derive(Debug, Clone)]
pub struct Summary {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub times: Times,
    pub facilitator: Option<i64>,
    pub squads: Vec<i64>,
    pub authors: Vec<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

impl Summary {
    pub fn url(&self) -> String {
        format!("/postmortems/{}", self.id)
    }

    pub fn people(&self) -> Involved<'_> {
        Involved {
            status: self.status,
            authors: &self.authors,
            facilitator: self.facilitator,
            squads: &self.squads,
        }
    }
}

type SummaryRow = (
    i64,
    String,
    i32,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

/// Every post-mortem, newest incident first (filtered by visibility and the query in memory:
/// an organization has hundreds, not millions).
pub fn all(conn: &mut AnyConnection) -> AppResult<Vec<Summary>> {
    let rows: Vec<SummaryRow> = postmortems::table
        .order((postmortems::started_at.desc(), postmortems::id.desc()))
        .select((
            postmortems::id,
            postmortems::title,
            postmortems::severity,
            postmortems::status,
            postmortems::started_at,
            postmortems::detected_at,
            postmortems::mitigated_at,
            postmortems::resolved_at,
            postmortems::facilitator_id,
            postmortems::published_at,
            postmortems::updated_at,
        ))
        .load(conn)?;
    let mut squads: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for (pm, unit) in postmortem_squads::table
        .select((postmortem_squads::postmortem_id, postmortem_squads::unit_id))
        .load::<(i64, i64)>(conn)?
    {
        squads.entry(pm).or_default().push(unit);
    }
    let mut authors: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for (pm, person) in postmortem_authors::table
        .select((
            postmortem_authors::postmortem_id,
            postmortem_authors::person_id,
        ))
        .load::<(i64, i64)>(conn)?
    {
        authors.entry(pm).or_default().push(person);
    }
    rows.into_iter()
        .map(|r| {
            Ok(Summary {
                id: r.0,
                title: r.1,
                severity: Severity::from_level(r.2).ok_or_else(|| bad("severity"))?,
                status: Status::parse(&r.3).ok_or_else(|| bad("status"))?,
                times: Times {
                    started: Some(r.4),
                    detected: r.5,
                    mitigated: r.6,
                    resolved: r.7,
                },
                facilitator: r.8,
                squads: squads.remove(&r.0).unwrap_or_default(),
                authors: authors.remove(&r.0).unwrap_or_default(),
                published_at: r.9,
                updated_at: r.10,
            })
        })
        .collect()
}

/// The title of a published post-mortem (None: none, or not published): what a lesson may
/// name as its source and show of it.
pub fn published_title(conn: &mut AnyConnection, id: i64) -> AppResult<Option<String>> {
    Ok(postmortems::table
        .find(id)
        .filter(postmortems::status.eq(Status::Published.key()))
        .select(postmortems::title)
        .first(conn)
        .optional()?)
}

/// Ids after `after`, in order, for index rebuilds.
pub fn ids_after(conn: &mut AnyConnection, after: i64, n: i64) -> QueryResult<Vec<i64>> {
    postmortems::table
        .filter(postmortems::id.gt(after))
        .filter(postmortems::status.eq(Status::Published.key()))
        .order(postmortems::id)
        .limit(n)
        .select(postmortems::id)
        .load(conn)
}

pub fn count_published(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(postmortems::table
        .filter(postmortems::status.eq(Status::Published.key()))
        .count()
        .get_result(conn)?)
}

/// Post-mortems involving these squads (their facet paths follow the squad when it moves).
pub fn ids_of_squads(conn: &mut AnyConnection, squads: &[i64]) -> AppResult<Vec<i64>> {
    Ok(postmortem_squads::table
        .filter(postmortem_squads::unit_id.eq_any(squads))
        .select(postmortem_squads::postmortem_id)
        .distinct()
        .load(conn)?)
}

/// The search records of these post-mortems; drafts and reviews have none (they are
/// private, and only published post-mortems are searchable).
pub fn records(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
    let mut out = Vec::new();
    for &id in ids {
        let pm = match get(conn, id) {
            Ok(pm) => pm,
            Err(AppError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        if pm.status != Status::Published {
            continue;
        }
        let author = match pm.input.authors.first() {
            Some(a) => people::table
                .find(a)
                .select(people::username)
                .first::<String>(conn)
                .optional()?,
            None => None,
        };
        let i = &pm.input;
        out.push(Record {
            key: key(KIND, &id.to_string()),
            kind: KIND,
            title: i.title.clone(),
            body: super::export::plain(i),
            tags: vec![i.severity.key().to_lowercase()],
            unit_ids: i.squads.clone(),
            author,
            date: pm.published_at.unwrap_or(pm.updated_at),
            url: pm.url(),
            context: format!("{} · post-mortem", i.severity.key()),
            readers: vec![EVERYONE.into()],
        });
    }
    Ok(out)
}
