-- Blameless post-mortems (DESIGN.md). The timeline, the contributing factors and the lessons
-- not yet published are one value of the post-mortem, always read and written whole, so they
-- are JSON text next to the row. Lessons become Lesson records when the post-mortem is
-- published (drafts are private; lessons are not).
CREATE TABLE postmortems (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    severity INTEGER NOT NULL,
    status TEXT NOT NULL,
    facilitator_id BIGINT REFERENCES people(id),
    started_at TIMESTAMP NOT NULL,
    detected_at TIMESTAMP,
    mitigated_at TIMESTAMP,
    resolved_at TIMESTAMP,
    summary TEXT NOT NULL DEFAULT '',
    impact TEXT NOT NULL DEFAULT '',
    timeline TEXT NOT NULL DEFAULT '[]',
    factors TEXT NOT NULL DEFAULT '[]',
    detection TEXT NOT NULL DEFAULT '',
    went_well TEXT NOT NULL DEFAULT '',
    went_wrong TEXT NOT NULL DEFAULT '',
    lucky TEXT NOT NULL DEFAULT '',
    pending_lessons TEXT NOT NULL DEFAULT '[]',
    author_id BIGINT REFERENCES people(id),
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX postmortems_started ON postmortems(started_at);
CREATE INDEX postmortems_status ON postmortems(status);

-- The squads involved: they (with the authors) see the draft.
CREATE TABLE postmortem_squads (
    postmortem_id BIGINT NOT NULL REFERENCES postmortems(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (postmortem_id, unit_id)
);
CREATE INDEX postmortem_squads_unit ON postmortem_squads(unit_id);

CREATE TABLE postmortem_authors (
    postmortem_id BIGINT NOT NULL REFERENCES postmortems(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (postmortem_id, person_id)
);

-- Reviews: an approval by someone who is not an author publishes; `acknowledged` is how many
-- open blameless findings the reviewer explicitly accepted.
CREATE TABLE postmortem_reviews (
    id INTEGER PRIMARY KEY,
    postmortem_id BIGINT NOT NULL REFERENCES postmortems(id),
    reviewer_id BIGINT NOT NULL REFERENCES people(id),
    verdict TEXT NOT NULL,
    comments TEXT NOT NULL DEFAULT '',
    acknowledged INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX postmortem_reviews_pm ON postmortem_reviews(postmortem_id);

-- Blameless findings someone dismissed, with why: a finding is the same while its rule and
-- phrase stay in the same field.
CREATE TABLE blameless_dismissals (
    id INTEGER PRIMARY KEY,
    postmortem_id BIGINT NOT NULL REFERENCES postmortems(id),
    field TEXT NOT NULL,
    rule TEXT NOT NULL,
    phrase TEXT NOT NULL,
    reason TEXT NOT NULL,
    person_id BIGINT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (postmortem_id, field, rule, phrase)
);

-- Follow-up work from post-mortems (and, later, retrospectives): `source_kind`/`source_id`
-- say where an item came from.
CREATE TABLE action_items (
    id INTEGER PRIMARY KEY,
    source_kind TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    squad_id BIGINT NOT NULL REFERENCES units(id),
    person_id BIGINT REFERENCES people(id),
    due_on DATE,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    tracker TEXT NOT NULL DEFAULT '',
    closed_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX action_items_source ON action_items(source_kind, source_id);
CREATE INDEX action_items_squad ON action_items(squad_id, status);
CREATE INDEX action_items_status ON action_items(status, due_on);
