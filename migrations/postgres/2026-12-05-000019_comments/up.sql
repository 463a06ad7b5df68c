-- Issue 25: comments on pages, lessons, post-mortems, experiments and closed retros.
-- A comment is on one record (`subject_kind` is the change log's kind of it, `subject_id` its
-- id). Its author may edit it for 15 minutes and delete it; an administrator may hide it,
-- which keeps it (and who hid it, and why) for the record's history.
CREATE TABLE comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES people(id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    hidden_at TIMESTAMP,
    hidden_by BIGINT REFERENCES people(id),
    hidden_reason TEXT NOT NULL
);
CREATE INDEX comments_subject ON comments (subject_kind, subject_id, id);
