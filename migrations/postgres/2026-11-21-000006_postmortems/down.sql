DROP TABLE action_items;
DROP TABLE blameless_dismissals;
DROP TABLE postmortem_reviews;
DROP TABLE postmortem_authors;
DROP TABLE postmortem_squads;
DROP TABLE postmortems;
