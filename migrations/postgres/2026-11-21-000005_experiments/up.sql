-- Experiment learning logs (Experiments with Learning, DESIGN.md). The hypothesis, metrics,
-- variants and results are one value of the experiment, always read and written whole, so
-- they are JSON text next to the row. `outcome` is the outcome that counts (the owner's
-- override or the computed one), stored at every save so lists and insights can filter and
-- count in SQL; NULL until the experiment ends.
CREATE TABLE experiments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    squad_id BIGINT NOT NULL REFERENCES units(id),
    status TEXT NOT NULL,
    hypothesis TEXT NOT NULL,
    metrics TEXT NOT NULL,
    variants TEXT NOT NULL,
    results TEXT NOT NULL,
    planned_sample BIGINT,
    planned_start DATE,
    planned_end DATE,
    ended_on DATE,
    decision TEXT,
    rationale TEXT NOT NULL DEFAULT '',
    learnings TEXT NOT NULL DEFAULT '',
    override_outcome TEXT,
    override_reason TEXT NOT NULL DEFAULT '',
    outcome TEXT,
    reasons TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX experiments_squad ON experiments(squad_id);
CREATE INDEX experiments_status ON experiments(status);
CREATE INDEX experiments_ended ON experiments(ended_on);
