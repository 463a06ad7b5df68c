DROP TABLE health_votes;
DROP TABLE health_sessions;
DROP TABLE health_indicators;
DROP TABLE retro_reviews;
DROP TABLE retro_votes;
DROP TABLE retro_cards;
DROP TABLE retro_groups;
DROP TABLE retros;
