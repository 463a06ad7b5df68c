-- The org model (DESIGN.md glossary): people's profile fields, units of six kinds,
-- memberships with history, alliances' tribes and initiatives, and old slugs.
ALTER TABLE people ADD COLUMN discipline TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN bio TEXT NOT NULL DEFAULT '';
-- One link a line: "Label https://…" or just the URL.
ALTER TABLE people ADD COLUMN links TEXT NOT NULL DEFAULT '';

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    mission TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT '',
    -- squad (optional), chapter and trio (required): the tribe they belong to.
    tribe_id BIGINT REFERENCES units(id),
    -- chapters only: the discipline its people share.
    discipline TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (kind, slug)
);
CREATE INDEX units_tribe ON units(tribe_id);
-- One trio per tribe (enforced rule).
CREATE UNIQUE INDEX units_one_trio_per_tribe ON units(tribe_id) WHERE kind = 'trio';

-- A renamed unit keeps answering on its old slugs.
CREATE TABLE unit_slug_redirects (
    kind TEXT NOT NULL,
    old_slug TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (kind, old_slug)
);

CREATE TABLE alliance_tribes (
    alliance_id BIGINT NOT NULL REFERENCES units(id),
    tribe_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (alliance_id, tribe_id)
);

CREATE TABLE initiatives (
    id INTEGER PRIMARY KEY,
    alliance_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    stage TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX initiatives_alliance ON initiatives(alliance_id);

-- Memberships are never overwritten or deleted: ending one sets end_date.
CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    role TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX memberships_unit ON memberships(unit_id, end_date);
CREATE INDEX memberships_person ON memberships(person_id, end_date);

-- What happened to a unit: created, renamed, moved to another tribe, edited.
CREATE TABLE unit_events (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    event TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    actor_id BIGINT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX unit_events_unit ON unit_events(unit_id, created_at);
