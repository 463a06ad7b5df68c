DROP TABLE retro_presence;
DROP TABLE retro_action_topics;
ALTER TABLE health_sessions DROP COLUMN hide_votes;
ALTER TABLE retros DROP COLUMN hide_votes;
