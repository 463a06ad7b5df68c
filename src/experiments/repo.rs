//! Queries on experiments. Writes go through the change-log helper, and store the outcome
//! that counts next to the row so that lists and insights filter and count in SQL.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{
    Decision, Experiment, ExperimentInput, Hypothesis, Outcome, Override, Reason, Status,
};
use crate::db::changelog::{EntityKind, Op};
use crate::db::events::{self, Event, EventKind, Readers, Subject};
use crate::db::schema::{experiments, people, units};
use crate::db::{AnyConnection, Change, Logged, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::projection::{EVERYONE, Record, key};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = experiments)]
struct Row {
    id: i64,
    title: String,
    squad_id: UnitId,
    status: String,
    hypothesis: String,
    metrics: String,
    variants: String,
    results: String,
    planned_sample: Option<i64>,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    decision: Option<String>,
    rationale: String,
    learnings: String,
    override_outcome: Option<String>,
    override_reason: String,
    author_id: Option<PersonId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    data: String,
    plan: Option<String>,
}

fn json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> AppResult<T> {
    serde_json::from_str(text)
        .map_err(|e| AppError::internal(format!("experiment {what} unreadable: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(AppError::internal)
}

impl Row {
    fn into_experiment(self) -> AppResult<Experiment> {
        let status = Status::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("unknown status {:?}", self.status)))?;
        let over = match self.override_outcome.as_deref().and_then(Outcome::parse) {
            Some(outcome) => Some(Override {
                outcome,
                reason: self.override_reason,
            }),
            None => None,
        };
        Ok(Experiment {
            id: self.id,
            input: ExperimentInput {
                title: self.title,
                squad_id: self.squad_id,
                hypothesis: json::<Hypothesis>(&self.hypothesis, "hypothesis")?,
                metrics: json(&self.metrics, "metrics")?,
                variants: json(&self.variants, "variants")?,
                results: json(&self.results, "results")?,
                data: json(&self.data, "data")?,
                plan: match &self.plan {
                    Some(p) => Some(json(p, "plan")?),
                    None => None,
                },
                planned_sample: self.planned_sample.map(|n| n.max(0) as u64),
                planned_start: self.planned_start,
                planned_end: self.planned_end,
                status,
                ended_on: self.ended_on,
                decision: self.decision.as_deref().and_then(Decision::parse),
                rationale: self.rationale,
                learnings: self.learnings,
                over,
            },
            author_id: self.author_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = experiments, treat_none_as_null = true)]
struct Fields {
    title: String,
    squad_id: UnitId,
    status: String,
    hypothesis: String,
    metrics: String,
    variants: String,
    results: String,
    data: String,
    plan: Option<String>,
    planned_sample: Option<i64>,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    ended_on: Option<NaiveDate>,
    decision: Option<String>,
    rationale: String,
    learnings: String,
    override_outcome: Option<String>,
    override_reason: String,
    outcome: Option<String>,
    reasons: String,
    updated_at: NaiveDateTime,
}

impl Fields {
    fn of(e: &ExperimentInput, now: NaiveDateTime) -> AppResult<Fields> {
        let verdict = e.verdict();
        Ok(Fields {
            title: e.title.clone(),
            squad_id: e.squad_id,
            status: e.status.key().into(),
            hypothesis: to_json(&e.hypothesis)?,
            metrics: to_json(&e.metrics)?,
            variants: to_json(&e.variants)?,
            results: to_json(&e.results)?,
            data: to_json(&e.data)?,
            plan: e.plan.as_ref().map(to_json).transpose()?,
            planned_sample: e.planned_sample.map(|n| n.min(i64::MAX as u64) as i64),
            planned_start: e.planned_start,
            planned_end: e.planned_end,
            ended_on: e.ended_on,
            decision: e.decision.map(|d| d.key().into()),
            rationale: e.rationale.clone(),
            learnings: e.learnings.clone(),
            override_outcome: e.over.as_ref().map(|o| o.outcome.key().into()),
            override_reason: e
                .over
                .as_ref()
                .map(|o| o.reason.clone())
                .unwrap_or_default(),
            outcome: verdict.as_ref().map(|v| v.outcome.key().into()),
            reasons: verdict
                .map(|v| {
                    v.reasons
                        .iter()
                        .map(|r| r.key())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default(),
            updated_at: now,
        })
    }
}

pub fn get(conn: &mut AnyConnection, id: i64) -> AppResult<Experiment> {
    experiments::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?
        .into_experiment()
}

pub fn create(
    conn: &mut AnyConnection,
    author: Option<PersonId>,
    input: &ExperimentInput,
) -> AppResult<Experiment> {
    let now = Utc::now().naive_utc();
    let fields = Fields::of(input, now)?;
    let id = write_with_changes(conn, author, |c, log| {
        let id: i64 = diesel::insert_into(experiments::table)
            .values((
                &fields,
                experiments::author_id.eq(author),
                experiments::created_at.eq(now),
            ))
            .returning(experiments::id)
            .get_result(c)?;
        told(c, log, id, input, None)?;
        Ok((
            id,
            vec![Change::new(
                EntityKind::Experiment,
                id.to_string(),
                Op::Create,
            )],
        ))
    })?;
    get(conn, id)
}

pub fn update(
    conn: &mut AnyConnection,
    actor: Option<PersonId>,
    id: i64,
    input: &ExperimentInput,
) -> AppResult<Experiment> {
    let fields = Fields::of(input, Utc::now().naive_utc())?;
    write_with_changes(conn, actor, |c, log| {
        let was: Option<String> = experiments::table
            .find(id)
            .select(experiments::status)
            .first(c)
            .optional()?;
        let n = diesel::update(experiments::table.find(id))
            .set(&fields)
            .execute(c)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        told(c, log, id, input, was.as_deref().and_then(Status::parse))?;
        Ok((
            (),
            vec![Change::new(
                EntityKind::Experiment,
                id.to_string(),
                Op::Update,
            )],
        ))
    })?;
    get(conn, id)
}

/// After an experiment is written: its writer watches it, people its texts mention for the
/// first time hear of it (experiments are read by everyone signed in), and its watchers and
/// squad hear when it concludes — once, when its status becomes concluded.
fn told(
    c: &mut AnyConnection,
    log: Logged<'_>,
    id: i64,
    e: &ExperimentInput,
    was: Option<Status>,
) -> AppResult<()> {
    let about = Subject {
        kind: EntityKind::Experiment,
        key: id.to_string(),
        title: e.title.clone(),
        url: format!("/experiments/{id}"),
    };
    let texts = [e.rationale.as_str(), e.learnings.as_str()].join("\n\n");
    events::written(c, log, &about, &texts, Readers::Everyone)?;
    if e.status == Status::Concluded && was != Some(Status::Concluded) {
        let mut concluded = Event::new(EventKind::ExperimentConcluded, about);
        let outcome = e.verdict().map(|v| v.outcome.label());
        let decision = e.decision.map(|d| d.label());
        let said: Vec<String> = [("Outcome", outcome), ("Decision", decision)]
            .into_iter()
            .filter_map(|(what, label)| label.map(|l| format!("{what}: {l}.")))
            .chain([events::excerpt(&e.learnings, 200)])
            .filter(|s| !s.is_empty())
            .collect();
        concluded.summary = said.join(" ");
        concluded.units = vec![e.squad_id];
        events::emit(c, log, &concluded)?;
    }
    Ok(())
}

/// Filters of `/experiments` and the API.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Squads (one squad, or every squad of a tribe).
    pub squads: Option<Vec<UnitId>>,
    pub status: Option<Status>,
    pub outcome: Option<Outcome>,
    /// Ended in (or, before it ends, planned to end in) these dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only ended experiments (with an outcome).
    pub ended: bool,
}

/// An experiment for listings.
#[derive(Debug, Clone, Queryable)]
pub struct Summary {
    pub id: i64,
    pub title: String,
    pub squad_id: UnitId,
    pub squad_name: String,
    pub squad_slug: String,
    pub status: String,
    pub outcome: Option<String>,
    pub reasons: String,
    pub planned_end: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

impl Summary {
    pub fn status(&self) -> Option<Status> {
        Status::parse(&self.status)
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.as_deref().and_then(Outcome::parse)
    }

    pub fn aborted(&self) -> bool {
        self.status == Status::Aborted.key()
    }

    pub fn reasons(&self) -> Vec<Reason> {
        self.reasons.split(',').filter_map(Reason::parse).collect()
    }
}

/// Experiments matching `f`: those still in design or running first, then the most recently
/// ended.
pub fn list(conn: &mut AnyConnection, f: &Filter, limit: i64) -> AppResult<Vec<Summary>> {
    let mut q = experiments::table
        .inner_join(units::table)
        .select((
            experiments::id,
            experiments::title,
            experiments::squad_id,
            units::name,
            units::slug,
            experiments::status,
            experiments::outcome,
            experiments::reasons,
            experiments::planned_end,
            experiments::ended_on,
            experiments::updated_at,
        ))
        // Not ended first, then the latest ended. NULLs are ordered explicitly because
        // SQLite puts them last in a descending order and PostgreSQL first.
        .order((
            experiments::ended_on.is_null().desc(),
            experiments::ended_on.desc(),
            experiments::planned_end.is_null().desc(),
            experiments::planned_end.desc(),
            experiments::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(squads) = &f.squads {
        q = q.filter(experiments::squad_id.eq_any(squads.clone()));
    }
    if let Some(s) = f.status {
        q = q.filter(experiments::status.eq(s.key()));
    }
    if let Some(o) = f.outcome {
        q = q.filter(experiments::outcome.eq(o.key()));
    }
    if f.ended {
        q = q.filter(
            experiments::ended_on
                .is_not_null()
                .and(experiments::outcome.is_not_null()),
        );
    }
    if let Some(d) = f.from {
        q = q.filter(
            experiments::ended_on.ge(d).or(experiments::ended_on
                .is_null()
                .and(experiments::planned_end.ge(d))),
        );
    }
    if let Some(d) = f.to {
        q = q.filter(
            experiments::ended_on.le(d).or(experiments::ended_on
                .is_null()
                .and(experiments::planned_end.le(d))),
        );
    }
    Ok(q.load(conn)?)
}

/// An experiment's title (None: there is no such experiment), for what links to it.
pub fn title(conn: &mut AnyConnection, id: i64) -> AppResult<Option<String>> {
    Ok(experiments::table
        .find(id)
        .select(experiments::title)
        .first(conn)
        .optional()?)
}

/// Ids after `after`, in order, for index rebuilds.
pub fn ids_after(conn: &mut AnyConnection, after: i64, n: i64) -> QueryResult<Vec<i64>> {
    experiments::table
        .filter(experiments::id.gt(after))
        .order(experiments::id)
        .limit(n)
        .select(experiments::id)
        .load(conn)
}

pub fn count(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(experiments::table.count().get_result(conn)?)
}

/// Experiments of these squads (their facet paths follow the squad when it moves).
pub fn ids_of_squads(conn: &mut AnyConnection, squads: &[UnitId]) -> AppResult<Vec<i64>> {
    Ok(experiments::table
        .filter(experiments::squad_id.eq_any(squads))
        .select(experiments::id)
        .load(conn)?)
}

/// What search and "related lessons" read of an experiment: hypothesis, metrics, decision
/// and learnings are what people look for.
pub fn search_text(i: &ExperimentInput) -> String {
    let metrics: Vec<&str> = i.metrics.iter().map(|m| m.name.as_str()).collect();
    [
        i.hypothesis.sentence(),
        metrics.join(", "),
        i.decision
            .map(|d| d.label().to_string())
            .unwrap_or_default(),
        i.rationale.clone(),
        crate::markdown::plain_text(&i.learnings),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join("\n")
}

/// The search records of these experiments: hypothesis, metrics, decision and learnings
/// are what people look for.
pub fn records(conn: &mut AnyConnection, ids: &[i64]) -> AppResult<Vec<Record>> {
    let rows: Vec<(Row, Option<String>)> = experiments::table
        .left_join(people::table.on(experiments::author_id.eq(people::id.nullable())))
        .filter(experiments::id.eq_any(ids))
        .select((Row::as_select(), people::username.nullable()))
        .load(conn)?;
    let mut said = crate::comments::repo::texts(conn, EntityKind::Experiment, ids)?;
    let mut out = Vec::with_capacity(rows.len());
    for (row, author) in rows {
        let e = row.into_experiment()?;
        let i = &e.input;
        let outcome = i.verdict().map(|v| v.outcome.label()).unwrap_or("");
        let body = search_text(i) + &said.remove(&e.id).unwrap_or_default();
        let context = [i.status.label(), outcome]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        out.push(Record {
            key: key("experiment", &e.id.to_string()),
            kind: "experiment",
            title: i.title.clone(),
            body,
            tags: vec![],
            unit_ids: vec![i.squad_id],
            author,
            date: i
                .ended_on
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .unwrap_or(e.updated_at),
            url: e.url(),
            context,
            readers: vec![EVERYONE.into()],
        });
    }
    Ok(out)
}

/// Every ended experiment (its outcome known), for insights.
pub fn ended(conn: &mut AnyConnection) -> AppResult<Vec<Summary>> {
    let f = Filter {
        ended: true,
        ..Filter::default()
    };
    list(conn, &f, i64::MAX)
}
