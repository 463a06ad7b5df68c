-- People are employees; the account fields live on the same row because every
-- person may sign in, and a NULL password_hash simply means "cannot sign in".
CREATE TABLE people (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Only the SHA-256 of a session token is stored: a leaked database copy does
-- not let anybody sign in.
CREATE TABLE sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE api_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_person ON api_tokens(person_id);

CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, created_at);
CREATE INDEX login_failures_addr ON login_failures(client_addr, created_at);

-- The change log: every content write appends here in the same transaction.
-- Derived data (the search index) tails it by id.
CREATE TABLE change_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_kind TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    op TEXT NOT NULL,
    actor_id BIGINT,
    created_at TIMESTAMP NOT NULL
);
