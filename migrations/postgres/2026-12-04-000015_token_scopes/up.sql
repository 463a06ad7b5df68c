-- Issue 24: API tokens get a scope (read < write < admin, each including the ones before)
-- and an optional expiry. Tokens made before could do everything their person could, so
-- they become `write`, and `admin` where their person is an administrator: nothing breaks.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET scope = 'admin'
    WHERE person_id IN (SELECT id FROM people WHERE is_admin);
