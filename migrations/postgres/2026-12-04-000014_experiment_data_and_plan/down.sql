ALTER TABLE experiments DROP COLUMN plan;
ALTER TABLE experiments DROP COLUMN data;
