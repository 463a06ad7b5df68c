-- Lessons: short things the organization learned, each with where it came from (a page, an
-- experiment, a post-mortem, a retro — or it stands alone) and the units it concerns.
CREATE TABLE lessons (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source_ref TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES people(id),
    revision INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX lessons_created ON lessons(created_at);
CREATE INDEX lessons_author ON lessons(author_id);
CREATE INDEX lessons_source ON lessons(source_kind, source_ref);

CREATE TABLE lesson_revisions (
    id INTEGER PRIMARY KEY,
    lesson_id BIGINT NOT NULL REFERENCES lessons(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source_ref TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (lesson_id, number)
);

CREATE TABLE lesson_units (
    lesson_id BIGINT NOT NULL REFERENCES lessons(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (lesson_id, unit_id)
);
CREATE INDEX lesson_units_unit ON lesson_units(unit_id);

CREATE TABLE lesson_tags (
    lesson_id BIGINT NOT NULL REFERENCES lessons(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (lesson_id, tag)
);
CREATE INDEX lesson_tags_tag ON lesson_tags(tag);
