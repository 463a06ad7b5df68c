DROP TABLE lesson_tags;
DROP TABLE lesson_units;
DROP TABLE lesson_revisions;
DROP TABLE lessons;
