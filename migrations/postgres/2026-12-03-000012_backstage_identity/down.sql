DROP INDEX people_backstage_ref;
ALTER TABLE people DROP COLUMN backstage_ref;
ALTER TABLE units DROP COLUMN backstage_ref;
ALTER TABLE units DROP COLUMN backstage_type;
