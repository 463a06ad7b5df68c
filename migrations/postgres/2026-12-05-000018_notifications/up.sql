-- Issue 25: knowledge that reaches people.
-- The outbox: what happened that someone may want to hear of, written in the transaction of
-- the change itself, so an event exists exactly when its change committed. A dispatcher
-- (any instance; claimed row by row) turns each into notifications and marks it dispatched.
-- Title, address and summary are what every reader of the subject may see at the time.
CREATE TABLE events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    actor_id BIGINT REFERENCES people(id),
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    summary TEXT NOT NULL,
    -- Where it belongs and whom it names, for finding who hears of it: unit ids, tags and
    -- person ids, each a space-separated list.
    units TEXT NOT NULL,
    tags TEXT NOT NULL,
    people TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    dispatched_at TIMESTAMP
);
CREATE INDEX events_pending ON events (id) WHERE dispatched_at IS NULL;
CREATE INDEX events_created ON events (created_at);
-- Who was mentioned where: a mention notifies once, when it is new, not on every save.
CREATE TABLE mentions (
    subject TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (subject, person_id)
);
-- What a person chose to watch (`watching` true) or to stop watching of what they watch by
-- default (false): their squad, tribe and chapter, what they wrote. A target is
-- `unit:ID`, `page:SLUG`, `lesson:ID`, `postmortem:ID`, `experiment:ID`, `person:ID` (their
-- lessons) or `tag:NAME`.
CREATE TABLE watches (
    person_id BIGINT NOT NULL REFERENCES people(id),
    target TEXT NOT NULL,
    watching BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, target)
);
CREATE INDEX watches_target ON watches (target);
-- The inbox. One row per person and event (the key makes a second dispatch of the same event
-- a no-op); `reason` says why they hear of it.
CREATE TABLE notifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    event_id BIGINT NOT NULL REFERENCES events(id),
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (person_id, event_id)
);
CREATE INDEX notifications_unread ON notifications (person_id) WHERE read_at IS NULL;
CREATE INDEX notifications_person ON notifications (person_id, id);
-- A person's choices per kind of notification; no row means the kind's default.
CREATE TABLE notification_settings (
    person_id BIGINT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    inbox BOOLEAN NOT NULL,
    mail BOOLEAN NOT NULL,
    PRIMARY KEY (person_id, kind)
);
