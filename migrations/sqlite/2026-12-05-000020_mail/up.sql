-- Issue 25: mail. Each message is written whole (to, subject, both parts, its unsubscribe
-- link) by the dispatcher in the transaction that tells the inbox, then sent by whichever
-- instance claims it: `claimed_until` is the claim (an instance that dies lets it lapse and
-- another sends the message again, with the same Message-ID), failures wait longer each
-- time, and a message that failed ten times stays, with its last error, unsent.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id BIGINT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    to_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    unsubscribe TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP,
    last_error TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
-- The weekly digests made, one per person and ISO week (`2026-W49`): the key makes a digest
-- queued once however many instances look.
CREATE TABLE digests (
    person_id BIGINT NOT NULL REFERENCES people(id),
    week TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, week)
);
