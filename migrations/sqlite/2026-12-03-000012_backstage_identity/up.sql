-- What a Backstage import knows about a unit or a person that fika's own fields cannot say,
-- so that an export gives Backstage back the same entities (issue #19). `backstage_type` is a
-- group's own `spec.type` when it is not the kind's name (a `team` imported as a squad);
-- `backstage_ref` is the entity ref when it is not `group:default/<slug>` or
-- `user:default/<username>` (another namespace, a name cut to fit). Empty: nothing to keep.
ALTER TABLE units ADD COLUMN backstage_type TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN backstage_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN backstage_ref TEXT NOT NULL DEFAULT '';
-- One person per Backstage user: a re-import finds them by it.
CREATE UNIQUE INDEX people_backstage_ref ON people(backstage_ref) WHERE backstage_ref <> '';
