-- Issue 21: votes stay hidden until the vote closes, so early votes don't steer later ones.
-- On by default: a retro shows its dot tallies from the discussion on, a health-check session
-- its colours once it is closed. Sessions and retros that ran before keep the old behaviour
-- only where they are already past their vote (nothing hides in a closed one).
ALTER TABLE retros ADD COLUMN hide_votes BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE health_sessions ADD COLUMN hide_votes BOOLEAN NOT NULL DEFAULT TRUE;

-- An action item agreed in a retro may be about one topic of its board: `topic` is the
-- topic's key (`g12`, a group; `c34`, a card in no group), as the board's forms send it.
CREATE TABLE retro_action_topics (
    action_id BIGINT PRIMARY KEY REFERENCES action_items(id),
    retro_id BIGINT NOT NULL REFERENCES retros(id),
    topic TEXT NOT NULL
);
CREATE INDEX retro_action_topics_retro ON retro_action_topics(retro_id);

-- Who has a retro board open: every page load and live poll of a signed-in person refreshes
-- `seen_at` (at most every few seconds per person and instance). In the database, not in one
-- server's memory, so that instances behind one proxy see the same room.
CREATE TABLE retro_presence (
    retro_id BIGINT NOT NULL REFERENCES retros(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (retro_id, person_id)
);
