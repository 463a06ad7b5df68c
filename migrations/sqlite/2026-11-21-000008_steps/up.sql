-- Career steps (issue 9): disciplines, roles, the four steps and five behaviors, and each
-- person's private career record — step, assessments, promotion proposals, peer feedback and
-- the history of decisions.

-- Admin-editable texts of the framework, by a fixed key (`step:squad:description`,
-- `behavior:mastery:name`, `example:tribe:impact`, `intended:company`…). The defaults live in
-- the code; a row here is an admin's edit of one of them.
CREATE TABLE step_texts (
    key TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    updated_by BIGINT REFERENCES people(id),
    updated_at TIMESTAMP NOT NULL
);

-- The disciplines and roles admins keep (`kind` = discipline or role). A role with
-- `company_level` is one whose holders decide promotions to the Technology/Company step (the
-- CTO); only admins give such a role. Retired entries stay on the records that name them.
CREATE TABLE step_catalogue (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    company_level BOOLEAN NOT NULL DEFAULT FALSE,
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (kind, name)
);

-- A person's career record. `step` is NULL until their six-month review; `started_on`
-- overrides the start date the review is counted from (else their first membership).
CREATE TABLE step_profiles (
    person_id BIGINT PRIMARY KEY NOT NULL REFERENCES people(id),
    discipline_id BIGINT REFERENCES step_catalogue(id),
    step TEXT,
    step_since DATE,
    public BOOLEAN NOT NULL DEFAULT FALSE,
    started_on DATE,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE step_person_roles (
    person_id BIGINT NOT NULL REFERENCES people(id),
    role_id BIGINT NOT NULL REFERENCES step_catalogue(id),
    PRIMARY KEY (person_id, role_id)
);

-- How much one behavior describes the person today at each step (1 not yet … 4 consistently),
-- as they see it (`side` = self) or as their chapter lead does (`side` = lead).
CREATE TABLE step_assessments (
    person_id BIGINT NOT NULL REFERENCES people(id),
    side TEXT NOT NULL,
    behavior TEXT NOT NULL,
    individual INTEGER,
    squad INTEGER,
    tribe INTEGER,
    company INTEGER,
    note TEXT NOT NULL DEFAULT '',
    author_id BIGINT NOT NULL REFERENCES people(id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, side, behavior)
);

CREATE TABLE step_proposals (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    from_step TEXT NOT NULL,
    to_step TEXT NOT NULL,
    evidence TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES people(id),
    created_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    decided_by BIGINT REFERENCES people(id),
    decided_at TIMESTAMP,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX step_proposals_person ON step_proposals(person_id, created_at);

CREATE TABLE step_feedback (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES step_proposals(id),
    peer_id BIGINT NOT NULL REFERENCES people(id),
    asked_by BIGINT NOT NULL REFERENCES people(id),
    asked_at TIMESTAMP NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMP,
    UNIQUE (proposal_id, peer_id)
);
CREATE INDEX step_feedback_peer ON step_feedback(peer_id);

-- Every decision and step of the record, with who and when: never updated, never deleted.
CREATE TABLE step_events (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    step TEXT,
    proposal_id BIGINT REFERENCES step_proposals(id),
    actor_id BIGINT NOT NULL REFERENCES people(id),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX step_events_person ON step_events(person_id, created_at);
CREATE INDEX step_events_created ON step_events(created_at);

INSERT INTO step_catalogue (kind, name, description) VALUES
    ('discipline', 'Software development', 'Designing, building and running software: backend, frontend, mobile, infrastructure.'),
    ('discipline', 'Testing', 'Quality: test strategy, exploratory testing, test automation.'),
    ('discipline', 'Design', 'User experience, interaction and visual design, user research.'),
    ('discipline', 'Product', 'Product management and ownership: what to build and why.'),
    ('discipline', 'Data', 'Data engineering, analytics and data science.'),
    ('discipline', 'Agile coaching', 'Helping squads and tribes work well together and keep improving.');

INSERT INTO step_catalogue (kind, name, description, company_level) VALUES
    ('role', 'Software engineer', 'Builds and runs the squad''s software.', FALSE),
    ('role', 'Chapter lead', 'Line manager of a chapter''s people, and a member of a squad.', FALSE),
    ('role', 'Agile coach', 'Coaches squads and leads their retrospectives.', FALSE),
    ('role', 'Product owner', 'Owns a squad''s backlog and priorities.', FALSE),
    ('role', 'Tribe lead', 'Leads a tribe together with its product and design leads.', FALSE),
    ('role', 'CTO', 'Leads technology company-wide; decides promotions to the Technology/Company step.', TRUE);
