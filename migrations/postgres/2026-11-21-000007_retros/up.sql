-- Retrospectives and squad health checks (issue 8).
--
-- A retro belongs to one squad. `column_names` is the JSON list of its column names (a format's,
-- or custom ones). `version` goes up on every change to the retro or its cards, groups and
-- votes: live pages poll it and fetch the board only when it moved.
CREATE TABLE retros (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    squad_id BIGINT NOT NULL REFERENCES units(id),
    facilitator_id BIGINT NOT NULL REFERENCES people(id),
    held_on DATE NOT NULL,
    format TEXT NOT NULL,
    column_names TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    vote_limit INTEGER NOT NULL DEFAULT 3,
    phase TEXT NOT NULL,
    -- Votes are counted per `voter`, a hash of this salt and the person: the salt is wiped
    -- when the retro closes, after which no vote can be traced to anyone.
    vote_salt TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 0,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX retros_squad ON retros(squad_id, held_on);
CREATE INDEX retros_held ON retros(held_on);

-- Cards merged under a title during the group phase.
CREATE TABLE retro_groups (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    retro_id BIGINT NOT NULL REFERENCES retros(id),
    title TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX retro_groups_retro ON retro_groups(retro_id);

-- A card names its writer by `author_id` in an ordinary retro. In an anonymous one the
-- author is not stored at all: `writer_key` is a hash of a random token that lives only in
-- the writer's browser, so the writer (and nobody else) sees the card before the reveal.
CREATE TABLE retro_cards (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    retro_id BIGINT NOT NULL REFERENCES retros(id),
    column_index INTEGER NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT REFERENCES people(id),
    writer_key TEXT,
    group_id BIGINT REFERENCES retro_groups(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX retro_cards_retro ON retro_cards(retro_id);

-- Dot votes, each on a group or on a card that is in no group.
CREATE TABLE retro_votes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    retro_id BIGINT NOT NULL REFERENCES retros(id),
    card_id BIGINT REFERENCES retro_cards(id),
    group_id BIGINT REFERENCES retro_groups(id),
    voter TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX retro_votes_retro ON retro_votes(retro_id, voter);

-- What the review phase said of an earlier retro's action item: done, still open, dropped.
CREATE TABLE retro_reviews (
    retro_id BIGINT NOT NULL REFERENCES retros(id),
    action_id BIGINT NOT NULL REFERENCES action_items(id),
    verdict TEXT NOT NULL,
    PRIMARY KEY (retro_id, action_id)
);

-- The health-check indicators. Retired ones stay for the history of earlier sessions.
CREATE TABLE health_indicators (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    awesome TEXT NOT NULL,
    crappy TEXT NOT NULL,
    position INTEGER NOT NULL,
    retired BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE health_sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    squad_id BIGINT NOT NULL REFERENCES units(id),
    held_on DATE NOT NULL,
    facilitator_id BIGINT NOT NULL REFERENCES people(id),
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX health_sessions_squad ON health_sessions(squad_id, held_on);

-- One vote per person and indicator in a session; voting again replaces it.
CREATE TABLE health_votes (
    session_id BIGINT NOT NULL REFERENCES health_sessions(id),
    indicator_id BIGINT NOT NULL REFERENCES health_indicators(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    color TEXT NOT NULL,
    trend TEXT,
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, indicator_id, person_id)
);
