//! Micro-benchmarks of what issue 25 adds to fika's work, on a SQLite file with 5,000
//! people: the unread count every signed-in page view reads (a person with 150 unread among
//! 250,000 notifications), dispatching a batch of 50 lesson events to a squad of 50 (inbox
//! and mail outbox), the same batch with five webhooks that want it (deliveries written
//! with their bodies), and making the weekly digest for 5,000 subscribers.
//! `cargo bench --bench notify`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark stops on bad set-up data

use criterion::{Criterion, criterion_group, criterion_main};
use diesel::connection::SimpleConnection;
use fika::db::{AnyConnection, DbTarget};
use fika::ids::PersonId;

const PEOPLE: usize = 5_000;

/// A database with 5,000 people (all wanting the digest, all with an address), a squad of
/// the first 50, 50 lessons of this week filed under it, each with its event, and 250,000
/// notifications (person 1 has 150 unread).
fn setup(dir: &std::path::Path) -> AnyConnection {
    let mut c = DbTarget::Sqlite(dir.join("fika.db")).establish().unwrap();
    fika::db::run_migrations(&mut c).unwrap();
    let mut sql = String::from("BEGIN;");
    for i in 1..=PEOPLE {
        sql.push_str(&format!(
            "INSERT INTO people (id, username, display_name, email, is_admin, disabled, \
             created_at, updated_at, discipline, title, bio, links, backstage_ref) VALUES \
             ({i}, 'p{i}', 'Person {i}', 'p{i}@example.com', false, false, '2026-01-01 00:00:00', \
             '2026-01-01 00:00:00', '', '', '', '', '');\
             INSERT INTO notification_settings VALUES ({i}, 'digest', false, true);\
             INSERT INTO notification_settings VALUES ({i}, 'watched', true, true);"
        ));
    }
    sql.push_str(
        "INSERT INTO units (id, kind, slug, name, mission, description, links, discipline, \
         created_at, updated_at, backstage_type, backstage_ref) VALUES (1, 'squad', 'payments', \
         'Payments', '', '', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '', '');",
    );
    for i in 1..=50 {
        sql.push_str(&format!(
            "INSERT INTO memberships (person_id, unit_id, role, start_date, created_at) VALUES \
             ({i}, 1, 'member', '2025-01-01', '2026-01-01 00:00:00');"
        ));
    }
    let now = chrono::Utc::now().naive_utc().format("%Y-%m-%d %H:%M:%S");
    for l in 1..=50 {
        sql.push_str(&format!(
            "INSERT INTO lessons (id, title, body, source_kind, source_ref, author_id, revision, \
             created_at, updated_at) VALUES ({l}, 'Lesson {l}', 'x', 'alone', '', 4999, 1, \
             '{now}', '{now}');\
             INSERT INTO events (kind, subject_kind, subject_key, actor_id, title, url, summary, \
             units, tags, people, created_at) VALUES ('lesson_published', 'lesson', '{l}', 4999, \
             'Lesson {l}', '/lessons/{l}', 'What we learned.', '1', '', '', '{now}');"
        ));
    }
    for h in 1..=5 {
        sql.push_str(&format!(
            "INSERT INTO webhooks (name, unit_id, url, format, events, secret, active, \
             created_by, created_at, updated_at) VALUES ('hook {h}', NULL, \
             'https://hooks.example.com/{h}', '{}', 'lesson_published', 's', TRUE, NULL, \
             '2026-01-01 00:00:00', '2026-01-01 00:00:00');",
            if h % 2 == 0 { "json" } else { "slack" }
        ));
    }
    sql.push_str("COMMIT;");
    c.batch_execute(&sql).unwrap();
    // Old notifications, 50 per person on old events, all read; and person 1's 150 unread.
    c.batch_execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 100000 UNION ALL SELECT i + 1 FROM n WHERE i < 100200) \
         INSERT INTO events (id, kind, subject_kind, subject_key, title, url, summary, units, \
         tags, people, created_at, dispatched_at) SELECT i, 'page_edited', 'page', '1', 'Old', \
         '/pages/old', '', '', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n;\
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250000) \
         INSERT INTO notifications (person_id, event_id, kind, reason, created_at, read_at) \
         SELECT (i % {PEOPLE}) + 1, 100000 + (i / {PEOPLE}), 'watched', 'r', '2026-01-01 00:00:00', \
         '2026-01-02 00:00:00' FROM n WHERE i % {PEOPLE} != 0;\
         WITH RECURSIVE n(i) AS (SELECT 100051 UNION ALL SELECT i + 1 FROM n WHERE i < 100200) \
         INSERT INTO notifications (person_id, event_id, kind, reason, created_at) \
         SELECT 1, i, 'watched', 'r', '2026-01-01 00:00:00' FROM n;"
    ))
    .unwrap();
    c
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = setup(dir.path());
    c.bench_function("unread count of a page view (150 unread, cap 100)", |b| {
        b.iter(|| fika::auth::repo::unread_notifications(&mut conn, PersonId(1)).unwrap())
    });
    let mail = fika::notify::letters::MailContext {
        origin: "https://fika.example.com".into(),
        secret: "bench".into(),
    };
    let mut group = c.benchmark_group("outbox");
    group.sample_size(10);
    // Each run starts from the same state, put back outside the timed part.
    let mut timed = |name: &str, reset: &str, run: &mut dyn FnMut(&mut AnyConnection)| {
        group.bench_function(name, |b| {
            b.iter_custom(|n| {
                let mut spent = std::time::Duration::ZERO;
                for _ in 0..n {
                    conn.batch_execute(reset).unwrap();
                    let start = std::time::Instant::now();
                    run(&mut conn);
                    spent += start.elapsed();
                }
                spent
            })
        });
    };
    timed(
        "dispatch 50 lesson events to a squad of 50, inbox and mail",
        "DELETE FROM mail_outbox; DELETE FROM notifications WHERE event_id < 100000; \
         UPDATE events SET dispatched_at = NULL WHERE id < 100000; \
         UPDATE webhooks SET active = FALSE;",
        &mut |c| {
            assert_eq!(
                fika::notify::dispatch::step(c, Some(&mail), None).unwrap(),
                50
            )
        },
    );
    timed(
        "dispatch 50 lesson events to a squad of 50 and 5 webhooks",
        "DELETE FROM mail_outbox; DELETE FROM webhook_deliveries; \
         DELETE FROM notifications WHERE event_id < 100000; \
         UPDATE events SET dispatched_at = NULL WHERE id < 100000; \
         UPDATE webhooks SET active = TRUE;",
        &mut |c| {
            let hooks = Some("https://fika.example.com");
            assert_eq!(
                fika::notify::dispatch::step(c, Some(&mail), hooks).unwrap(),
                50
            )
        },
    );
    let everyone = fika::comments::flow::Commentables(vec![Box::new(fika::comments::flow::Open {
        kind: fika::db::EntityKind::Lesson,
        find: fika::lessons::flow::commentable,
    })]);
    timed(
        "weekly digest for 5,000 subscribers",
        "DELETE FROM mail_outbox; DELETE FROM digests;",
        &mut |c| {
            let now = chrono::Utc::now().naive_utc();
            let made = fika::notify::digest::queue_due(c, &mail, &everyone, now);
            assert_eq!(made.unwrap(), PEOPLE);
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
