//! `fika seed --lessons N`: realistic lessons for load tests and demos of search at scale —
//! varied vocabulary and lengths, filed under the units that exist, tagged, written by the
//! people that exist, dated over the last three years. Deterministic for a given database.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::model::{LessonInput, Source};
use super::repo;
use crate::db::schema::{lessons, people, units};
use crate::db::{AnyConnection, write_transaction};
use crate::error::{AppError, AppResult};

/// Lessons per transaction: big enough to be fast, small enough to keep locks short for a
/// server running next to the seed.
const BATCH: usize = 250;

const SUBJECTS: &[&str] = &[
    "cache",
    "database migration",
    "feature flag",
    "deploy pipeline",
    "load balancer",
    "search index",
    "on-call rotation",
    "retry policy",
    "message queue",
    "CDN",
    "mobile release",
    "A/B test",
    "onboarding checklist",
    "code review",
    "incident review",
    "schema change",
    "API gateway",
    "rate limiter",
    "backup",
    "monitoring dashboard",
    "alert",
    "canary release",
    "connection pool",
    "dependency upgrade",
    "accessibility audit",
    "design system",
    "payment provider",
    "recommendation model",
    "playlist service",
    "podcast feed",
    "analytics pipeline",
    "data contract",
    "kubernetes cluster",
    "TLS certificate",
    "DNS change",
    "cost report",
    "sprint planning",
    "retrospective",
    "pair programming",
    "test suite",
    "flaky test",
    "performance budget",
    "localization",
    "push notification",
    "offline mode",
    "login flow",
    "privacy request",
    "support queue",
    "pricing experiment",
    "search ranking",
    "audio transcoder",
    "upload service",
    "royalty report",
    "lyrics sync",
    "queue consumer",
    "cron job",
    "feature toggle cleanup",
    "error budget",
    "service mesh",
    "event schema",
    "dark mode",
    "release notes",
    "runbook",
    "status page",
    "chaos drill",
    "capacity plan",
];

const EVENTS: &[&str] = &[
    "the morning peak",
    "a big launch",
    "the holiday traffic",
    "a region failover",
    "the quarterly release",
    "a marketing campaign",
    "the new year",
    "an artist premiere",
    "the end of the month",
    "a partner integration",
    "the summer sale",
    "a live podcast",
    "the first week of a new hire",
    "a database failover",
    "the yearly wrap-up campaign",
];

const METRICS: &[&str] = &[
    "p99 latency",
    "error rate",
    "signup conversion",
    "crash-free sessions",
    "queue depth",
    "cache hit ratio",
    "CPU saturation",
    "time to first byte",
    "playback starts",
    "support tickets",
    "build time",
    "lead time for changes",
    "cloud spend",
    "retention",
];

const TITLES: &[&str] = &[
    "Warm the {s} before {e}",
    "Never change the {s} on a Friday",
    "Put a timeout on every call to the {s}",
    "Measure the {s} before tuning it",
    "Write down who owns the {s}",
    "Roll out the {s} behind a flag",
    "Test the {s} with production-sized data",
    "Alert on {m}, not on the {s}",
    "Keep the {s} boring",
    "Share the {s} runbook with support",
    "A slow {s} hid behind a healthy {s2}",
    "The {s} needs an owner, not a hero",
    "Rehearse the {s} rollback before {e}",
    "Small batches made the {s} safe",
    "Coalesce requests to the {s}",
    "Watch {m} during {e}",
    "Delete the old {s} once the new one works",
    "Ask support before redesigning the {s}",
    "Budget time for the {s} upgrade",
    "Document why the {s} exists",
];

const SENTENCES: &[&str] = &[
    "When the {s} failed during {e}, {m} got worse by {n} percent within minutes.",
    "We had assumed the {s} would scale, but the {s2} became the bottleneck.",
    "It took {n} minutes to notice, because nobody was watching {m}.",
    "Next time we add an alert on {m} and rehearse the rollback of the {s}.",
    "The fix was small: a limit on the {s} and a retry with jitter in the {s2}.",
    "Ask the people who run the {s2} before you change the {s}; they learned this the hard way.",
    "Our first guess was wrong twice, so we now write the timeline while it happens.",
    "A checklist for the {s} would have saved us a long evening.",
    "The experiment showed that {m} moved only when the {s} changed, not the {s2}.",
    "Pairing with the {s2} team halved the time to a working {s}.",
    "Nobody remembered why the {s} was configured that way, and the wiki did not say.",
    "We rolled back first and debugged later, which kept {m} within its budget.",
    "Deploying the {s} in small steps made every failure cheap to undo.",
    "Customers noticed before our dashboards did, which says a lot about our dashboards.",
    "The {s} behaved differently in staging because staging had a tenth of the data.",
    "We split the {s} work into slices that each shipped in a day.",
    "Feature flags let us turn the {s} off in seconds instead of redeploying.",
    "Load testing the {s} before {e} showed the limit at {n} requests per second.",
    "The retrospective agreed on one change only, and we actually made it.",
    "The {s} fell over when thousands of requests arrived in the same second.",
    "Idempotent handlers in the {s} made retries safe.",
    "Backpressure in the {s} protected the {s2} when traffic spiked.",
    "A blameless review found three small causes instead of one person to blame.",
    "The new hire found the bug in the {s} because they read the code with fresh eyes.",
];

const WORDS: &[&str] = &[
    "latency",
    "throughput",
    "quorum",
    "jitter",
    "eviction",
    "sharding",
    "replica",
    "consistency",
    "rollback",
    "hotfix",
    "regression",
    "observability",
    "tracing",
    "sampling",
    "threshold",
    "saturation",
    "headroom",
    "failover",
    "heartbeat",
    "deadlock",
    "contention",
    "batching",
    "pagination",
    "serialization",
    "compression",
    "checksum",
    "migration",
    "deprecation",
    "versioning",
    "backlog",
    "estimate",
    "roadmap",
    "stakeholder",
    "handover",
    "mentoring",
    "ownership",
    "autonomy",
    "alignment",
    "dependency",
    "bottleneck",
    "prototype",
    "hypothesis",
    "baseline",
    "cohort",
    "funnel",
    "churn",
    "accessibility",
    "contrast",
    "keyboard",
    "screenreader",
    "translation",
    "timezone",
    "locale",
    "encoding",
    "certificate",
    "rotation",
    "secret",
    "permission",
    "audit",
    "compliance",
    "invoice",
    "royalties",
    "transcoding",
    "bitrate",
    "buffering",
    "prefetch",
    "playlist",
    "podcast",
    "lyrics",
    "waveform",
    "metadata",
    "catalog",
    "recommendation",
    "embedding",
    "ranking",
    "idempotency",
    "backpressure",
    "stampede",
    "thundering",
    "herd",
    "circuit",
    "breaker",
    "bulkhead",
    "sidecar",
    "proxy",
    "ingress",
    "egress",
    "firewall",
    "subnet",
    "gateway",
    "resolver",
    "cookie",
    "session",
    "token",
    "oauth",
    "password",
    "signup",
    "checkout",
    "refund",
    "subscription",
    "trial",
    "coupon",
    "discount",
    "currency",
    "ledger",
    "reconciliation",
    "settlement",
    "chargeback",
    "fraud",
    "anomaly",
    "forecast",
    "seasonality",
    "dashboard",
    "heatmap",
    "histogram",
    "percentile",
    "median",
    "outlier",
    "alerting",
    "paging",
    "escalation",
    "postmortem",
    "timeline",
    "mitigation",
    "remediation",
    "blameless",
    "runbook",
    "playbook",
    "checklist",
    "template",
    "convention",
    "linting",
    "formatting",
    "refactoring",
    "monolith",
    "microservice",
    "contract",
    "schema",
    "protobuf",
    "json",
    "graphql",
    "webhook",
    "polling",
    "streaming",
    "websocket",
    "queue",
    "topic",
    "partition",
    "offset",
    "consumer",
    "producer",
    "retention",
    "compaction",
    "snapshot",
    "replication",
    "vacuum",
    "index",
    "query",
    "planner",
    "optimizer",
    "cardinality",
    "statistics",
    "transaction",
    "isolation",
    "lock",
    "mutex",
    "semaphore",
    "thread",
    "coroutine",
    "scheduler",
    "cron",
    "worker",
    "pool",
    "allocator",
    "garbage",
    "leak",
    "profiler",
    "flamegraph",
    "benchmark",
    "fixture",
    "mock",
    "stub",
    "canary",
    "blue",
    "green",
    "shadow",
    "traffic",
    "mirror",
    "replay",
    "staging",
    "sandbox",
    "preview",
    "artifact",
    "registry",
    "container",
    "image",
    "layer",
    "cache",
    "volume",
    "mount",
    "secretstore",
    "vault",
    "expiry",
    "renewal",
    "dns",
    "cdn",
    "edge",
    "origin",
    "purge",
    "invalidation",
    "warmup",
    "coldstart",
    "autoscaling",
    "quota",
    "budget",
    "billing",
    "tagging",
    "cost",
    "rightsizing",
    "reservation",
    "spot",
    "preemption",
    "draining",
    "cordon",
    "rollout",
    "rollforward",
    "freeze",
    "changelog",
    "semver",
    "release",
    "train",
    "cherrypick",
    "branch",
    "trunk",
    "merge",
    "rebase",
    "conflict",
    "review",
    "approval",
    "pairing",
    "mobbing",
    "kata",
    "spike",
    "retro",
    "standup",
    "planning",
    "refinement",
    "demo",
    "velocity",
    "burndown",
    "cycle",
    "wip",
    "kanban",
    "okr",
    "kpi",
    "north",
    "star",
    "metric",
    "guardrail",
    "experiment",
    "variant",
    "control",
    "significance",
    "power",
    "sample",
    "novelty",
    "onboarding",
    "offboarding",
    "buddy",
    "wiki",
    "handbook",
    "guild",
    "chapter",
    "squad",
    "tribe",
    "trio",
    "alliance",
    "coach",
    "facilitator",
];

const TAGS: &[&str] = &[
    "incidents",
    "deploys",
    "caching",
    "databases",
    "testing",
    "mobile",
    "web",
    "backend",
    "frontend",
    "data",
    "ml",
    "security",
    "privacy",
    "accessibility",
    "design",
    "product",
    "process",
    "onboarding",
    "on-call",
    "performance",
    "cost",
    "reliability",
    "observability",
    "api",
    "payments",
    "search",
    "experiments",
    "retros",
    "postmortems",
    "hiring",
    "docs",
    "tooling",
    "ci",
    "kubernetes",
    "networking",
    "audio",
    "video",
    "localization",
    "growth",
    "support",
];

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

/// A long tail (Zipf, exponent 1): the first items are common, the last rare — like words.
fn pick_zipf<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    let r: f64 = rng.random::<f64>();
    from[((from.len() as f64).powf(r) - 1.0) as usize % from.len()]
}

/// What one lesson is about: it keeps coming back to its subjects, like a real one does.
struct Topic {
    s: &'static str,
    s2: &'static str,
    e: &'static str,
    m: &'static str,
}

impl Topic {
    fn new(rng: &mut StdRng) -> Topic {
        let s = pick(rng, SUBJECTS);
        let mut s2 = pick(rng, SUBJECTS);
        if s2 == s {
            s2 =
                SUBJECTS[(SUBJECTS.iter().position(|x| *x == s).unwrap_or(0) + 1) % SUBJECTS.len()];
        }
        Topic {
            s,
            s2,
            e: pick(rng, EVENTS),
            m: pick(rng, METRICS),
        }
    }

    /// One of `templates` about this topic; now and then about a neighbouring subject.
    fn fill(&self, rng: &mut StdRng, templates: &[&str]) -> String {
        let template = pick(rng, templates);
        let s2 = if rng.random_bool(0.2) {
            pick(rng, SUBJECTS)
        } else {
            self.s2
        };
        let m = if rng.random_bool(0.3) {
            pick(rng, METRICS)
        } else {
            self.m
        };
        template
            .replace("{s2}", s2)
            .replace("{s}", self.s)
            .replace("{e}", self.e)
            .replace("{m}", m)
            .replace("{n}", &rng.random_range(2..95).to_string())
    }
}

fn capitalized(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// One generated lesson: a title, a Markdown body of one to nine paragraphs, tags.
fn lesson(rng: &mut StdRng) -> (String, String, Vec<String>) {
    let topic = Topic::new(rng);
    let title = capitalized(topic.fill(rng, TITLES));
    let paragraphs = 1 + (rng.random::<f64>().powi(2) * 9.0) as usize;
    let mut body = String::new();
    for p in 0..paragraphs {
        if p > 0 {
            body.push_str("\n\n");
        }
        if p > 0 && rng.random_bool(0.15) {
            body.push_str(&format!("## {}\n\n", capitalized(topic.fill(rng, TITLES))));
        }
        let sentences = rng.random_range(2..6);
        for i in 0..sentences {
            if i > 0 {
                body.push(' ');
            }
            if rng.random_bool(0.25) {
                // A sentence of freer vocabulary, so the index sees a long tail of words.
                let w: Vec<&str> = (0..rng.random_range(4..9))
                    .map(|_| pick_zipf(rng, WORDS))
                    .collect();
                body.push_str(&capitalized(format!(
                    "{} matters for the {}.",
                    w.join(" "),
                    topic.s
                )));
            } else {
                body.push_str(&topic.fill(rng, SENTENCES));
            }
        }
    }
    let mut tags: Vec<String> = (0..rng.random_range(1..5))
        .map(|_| pick_zipf(rng, TAGS).to_string())
        .collect();
    tags.sort();
    tags.dedup();
    (title, body, tags)
}

/// Adds `n` generated lessons; returns how many.
pub fn seed_lessons(c: &mut AnyConnection, n: usize, show_progress: bool) -> AppResult<usize> {
    let unit_ids: Vec<i64> = units::table
        .filter(units::kind.eq_any(["squad", "chapter", "guild", "tribe"]))
        .order(units::id)
        .select(units::id)
        .load(c)?;
    let authors: Vec<i64> = people::table
        .filter(people::disabled.eq(false))
        .order(people::id)
        .limit(5000)
        .select(people::id)
        .load(c)?;
    let existing: i64 = lessons::table.count().get_result(c)?;
    let mut rng = StdRng::seed_from_u64(0x_f1ca_u64 ^ existing as u64);
    let bar = if show_progress {
        ProgressBar::new(n as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} lessons  {elapsed_precise}  {per_sec}")
            .map_err(AppError::internal)?,
    );
    let now = Utc::now().naive_utc();
    let mut made = 0;
    while made < n {
        let batch = BATCH.min(n - made);
        write_transaction(c, |c| {
            for _ in 0..batch {
                let (title, body, tags) = lesson(&mut rng);
                let mut units = Vec::new();
                if !unit_ids.is_empty() {
                    for _ in 0..rng.random_range(1..3) {
                        units.push(unit_ids[rng.random_range(0..unit_ids.len())]);
                    }
                    units.sort_unstable();
                    units.dedup();
                }
                let source = match rng.random_range(0..10) {
                    0..=4 => Source::Alone,
                    5 | 6 => Source::Postmortem(format!("pm-{}", rng.random_range(1..400))),
                    7 | 8 => Source::Retro(format!("retro-{}", rng.random_range(1..900))),
                    _ => Source::Experiment(format!("exp-{}", rng.random_range(1..300))),
                };
                let author =
                    (!authors.is_empty()).then(|| authors[rng.random_range(0..authors.len())]);
                let input = LessonInput {
                    title,
                    body,
                    source,
                    summary: "Seeded".into(),
                    tags,
                    units,
                };
                let l = repo::create(c, author, &input)?;
                let when = now - Duration::minutes(rng.random_range(0..3 * 365 * 24 * 60));
                diesel::update(lessons::table.find(l.id))
                    .set((lessons::created_at.eq(when), lessons::updated_at.eq(when)))
                    .execute(c)?;
            }
            Ok(())
        })?;
        made += batch;
        bar.set_position(made as u64);
    }
    bar.finish_and_clear();
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_lessons_vary() {
        let mut rng = StdRng::seed_from_u64(1);
        let lessons: Vec<_> = (0..200).map(|_| lesson(&mut rng)).collect();
        let titles: std::collections::HashSet<_> = lessons.iter().map(|l| &l.0).collect();
        assert!(
            titles.len() > 150,
            "titles repeat too much: {}",
            titles.len()
        );
        let words: Vec<usize> = lessons
            .iter()
            .map(|l| l.1.split_whitespace().count())
            .collect();
        assert!(words.iter().min() < Some(&40) && words.iter().max() > Some(&300));
        assert!(lessons.iter().all(|l| !l.2.is_empty() && l.2.len() <= 4));
        let vocabulary: std::collections::HashSet<&str> = lessons
            .iter()
            .flat_map(|l| l.1.split_whitespace())
            .collect();
        assert!(vocabulary.len() > 600, "vocabulary: {}", vocabulary.len());
    }
}
