//! "Content writes are logged" (ARCHITECTURE.md, Invariants), checked over the source: every
//! function in `src/` that writes with diesel (`insert_into`, `update`, `delete`) either
//! opens a logged write (`write_with_changes`, or steps' `record_write`, which does) or
//! takes the `db::Logged` proof that only those hand out — unless it is one of the writes
//! that are deliberately not logged, listed below with why. The list is the one in
//! ARCHITECTURE.md; a new unlogged write fails here until it is added to both.
//!
//! `src/db/` is the change log's own home (its helpers, migrations and start-up repairs)
//! and is not read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

/// (file under `src/`, function): the writes that are deliberately not logged.
const NOT_LOGGED: &[(&str, &str, &str)] = &[
    // Auth state: sessions, API tokens, sign-in failures, password hashes. Not content.
    ("auth/repo.rs", "create_session", "auth state"),
    (
        "auth/repo.rs",
        "person_for_session",
        "auth state (renews the session)",
    ),
    ("auth/repo.rs", "revoke_session", "auth state"),
    ("auth/repo.rs", "revoke_other_sessions", "auth state"),
    ("auth/repo.rs", "create_api_token", "auth state"),
    ("auth/repo.rs", "revoke_api_token", "auth state"),
    ("auth/repo.rs", "end_access", "auth state"),
    (
        "auth/repo.rs",
        "person_for_api_token",
        "auth state (last use)",
    ),
    ("auth/repo.rs", "begin_sign_in_attempt", "auth state"),
    ("auth/repo.rs", "clear_sign_in_failures", "auth state"),
    ("people/repo.rs", "set_password_hash", "auth state"),
    // Single sign-on: sign-ins in flight, and which provider account is which person.
    ("auth/sso/mod.rs", "keep_pending", "auth state"),
    ("auth/sso/mod.rs", "take_pending", "auth state"),
    ("auth/sso/mod.rs", "first_sign_in", "auth state (the link)"),
    ("auth/sso/mod.rs", "person_for", "auth state (last sign-in)"),
    // SCIM: which person is which of the identity provider's users (the person's own
    // changes go through people::repo, logged).
    ("scim/repo.rs", "create", "identity link"),
    ("scim/repo.rs", "replace", "identity link"),
    ("scim/repo.rs", "delete", "identity link"),
    // Notifications: the dispatcher's bookkeeping and each person's inbox, watches and
    // settings. Personal state, read by nobody else; the events they come from are written
    // in the logged transaction of their change (db::events).
    ("notify/repo.rs", "mark_dispatched", "outbox bookkeeping"),
    ("notify/repo.rs", "deliver", "personal inbox"),
    ("notify/repo.rs", "mark_read", "personal inbox"),
    ("notify/repo.rs", "set_watch", "personal choice"),
    ("notify/repo.rs", "set_setting", "personal choice"),
    // Mail: the outbox and its claims, and which weekly digests were made.
    ("notify/outbox.rs", "queue", "mail outbox"),
    ("notify/outbox.rs", "claim", "mail outbox"),
    ("notify/outbox.rs", "settle", "mail outbox"),
    ("notify/digest.rs", "queue_due", "mail outbox and digests"),
    // Reminders of overdue action items: the reminder made, and its event.
    ("notify/reminders.rs", "remind", "reminders"),
    // Webhooks: settings, not content (nothing searches or caches them), and their
    // deliveries, the dispatcher's and the sender's bookkeeping.
    ("webhooks/repo.rs", "create", "webhook settings"),
    ("webhooks/repo.rs", "update", "webhook settings"),
    ("webhooks/repo.rs", "delete", "webhook settings"),
    ("webhooks/repo.rs", "new_secret", "webhook settings"),
    ("webhooks/repo.rs", "resend", "webhook outbox"),
    ("webhooks/repo.rs", "enqueue", "webhook outbox"),
    ("webhooks/repo.rs", "queue_test", "webhook outbox"),
    ("webhooks/repo.rs", "claim", "webhook outbox"),
    ("webhooks/repo.rs", "settle", "webhook outbox"),
    // Images are content-addressed and immutable; the page that links one is logged.
    ("pages/repo/mod.rs", "store_image", "immutable image"),
    // Touches: an UPDATE that changes nothing, to lock the row.
    ("lessons/repo.rs", "lock", "row lock"),
    ("pages/repo/mod.rs", "lock", "row lock"),
    ("postmortems/repo/mod.rs", "lock_in_status", "row lock"),
    ("retros/repo/mod.rs", "touch", "row lock and board version"),
    ("steps/repo/mod.rs", "touch", "row lock"),
    // Retro board writes come at typing speed and nothing reads them until the retro
    // closes; the retro's `version` column is their log.
    ("retros/repo/board.rs", "add_card", "retro board"),
    ("retros/repo/board.rs", "delete_card", "retro board"),
    ("retros/repo/board.rs", "edit_card", "retro board"),
    ("retros/repo/board.rs", "group_cards", "retro board"),
    ("retros/repo/board.rs", "ungroup", "retro board"),
    ("retros/repo/board.rs", "drop_empty_groups", "retro board"),
    ("retros/repo/board.rs", "add_vote", "retro board"),
    ("retros/repo/board.rs", "remove_vote", "retro board"),
    // Who has a board open: refreshed by every poll, read only by the board's head.
    ("retros/presence.rs", "seen", "retro presence"),
    // Back-dating inside the same transaction as the logged write (the index reads the
    // final state at commit), and the demo's retro boards.
    ("lessons/seed/mod.rs", "seed_lessons", "back-dating"),
    ("demo/steps/mod.rs", "stamp", "back-dating"),
    ("demo/steps/mod.rs", "assess", "back-dating"),
    ("demo/steps/mod.rs", "propose", "back-dating"),
    ("demo/steps/mod.rs", "past_promotions", "back-dating"),
    ("demo/steps/mod.rs", "open_proposals", "back-dating"),
    ("demo/retros.rs", "close", "back-dating"),
];

/// The functions of a file as (name, text up to the next function).
fn functions(text: &str) -> Vec<(String, &str)> {
    let starts: Vec<(usize, String)> = text
        .match_indices("fn ")
        .filter(|(at, _)| {
            let line_start = text[..*at].rfind('\n').map_or(0, |n| n + 1);
            let before = text[line_start..*at].trim();
            before.is_empty()
                || ["pub", ")", "async", "const", "unsafe"]
                    .iter()
                    .any(|w| before.ends_with(w))
        })
        .map(|(at, _)| {
            let name: String = text[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (at, name)
        })
        .filter(|(_, name)| !name.is_empty())
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, (at, name))| {
            let end = starts.get(i + 1).map_or(text.len(), |(next, _)| *next);
            (name.clone(), &text[*at..end])
        })
        .collect()
}

fn writes(body: &str) -> bool {
    ["insert_into(", "diesel::update(", "diesel::delete("]
        .iter()
        .any(|w| body.contains(w))
}

fn logged(body: &str) -> bool {
    ["write_with_changes", "record_write(", "Logged<"]
        .iter()
        .any(|w| body.contains(w))
}

#[test]
fn content_writes_are_logged_or_listed() {
    let (src, files) = common::src_files();
    let mut unlogged = Vec::new();
    for file in &files {
        let name = file.strip_prefix(&src).unwrap().display().to_string();
        if name.starts_with("db/") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (function, body) in functions(&text) {
            if writes(body) && !logged(body) {
                unlogged.push((name.clone(), function));
            }
        }
    }
    let new: Vec<String> = unlogged
        .iter()
        .filter(|(f, n)| !NOT_LOGGED.iter().any(|(lf, ln, _)| lf == f && ln == n))
        .map(|(f, n)| format!("  src/{f}: {n}"))
        .collect();
    assert!(
        new.is_empty(),
        "these functions write without the change log: write through \
         db::write_with_changes (or take a db::Logged from it), or, if the write is \
         deliberately not logged, list it in tests/logged_writes.rs and ARCHITECTURE.md\n{}",
        new.join("\n")
    );
    let gone: Vec<String> = NOT_LOGGED
        .iter()
        .filter(|(lf, ln, _)| !unlogged.iter().any(|(f, n)| lf == f && ln == n))
        .map(|(f, n, _)| format!("  src/{f}: {n}"))
        .collect();
    assert!(
        gone.is_empty(),
        "listed as not logged, but no such unlogged write any more: delete the line\n{}",
        gone.join("\n")
    );
}

#[test]
fn functions_are_split_at_their_fn_lines() {
    let text = "pub fn a(c: &mut X) {\n    insert_into(t)\n}\n\nfn b(c: &mut X, _: Logged<'_>) {\n    diesel::update(t)\n}\n// a fn in a comment\n";
    let found = functions(text);
    assert_eq!(
        found.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(writes(found[0].1) && !logged(found[0].1));
    assert!(writes(found[1].1) && logged(found[1].1));
}
