-- Issue 22: results computed from the data. `data` holds, per metric and variant, the units
-- and conversions of a rate or the n, mean and standard deviation of a number (JSON, read
-- and written whole with the experiment like its metrics and results); `plan` the design the
-- planned sample came from (baseline, MDE, alpha, power…), so that "powered" is computed
-- from it. Experiments saved before keep their typed results and today's power rule.
ALTER TABLE experiments ADD COLUMN data TEXT NOT NULL DEFAULT '[]';
ALTER TABLE experiments ADD COLUMN plan TEXT;
