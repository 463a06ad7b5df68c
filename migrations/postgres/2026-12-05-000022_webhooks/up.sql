-- Issue 25: outgoing webhooks to chat (Slack, Mattermost) and to the org's own tools.
-- A webhook belongs to the whole org (unit_id NULL, set up by admins) or to one unit (set up
-- by its leads, hearing of what is filed under the unit or, for a tribe, its squads).
-- `events` is the space-separated list of event kinds it wants; `secret` signs the generic
-- JSON payload (HMAC-SHA256).
CREATE TABLE webhooks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    url TEXT NOT NULL,
    format TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_by BIGINT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One event to one webhook. Written by the dispatcher in the transaction that claims the
-- event (which was written in the transaction of the change), with the payload whole, so a
-- retry sends the same bytes under the same `delivery_key`. Claimed like mail: the claim
-- lapses if its instance dies, and another sends it again, same key. A test delivery has no
-- event. `last_status` and `last_response` are what the receiver last answered.
CREATE TABLE webhook_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id BIGINT REFERENCES events(id),
    delivery_key TEXT NOT NULL UNIQUE,
    event_kind TEXT NOT NULL,
    title TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_attempt_at TIMESTAMP,
    delivered_at TIMESTAMP,
    last_status INTEGER,
    last_response TEXT NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
-- Whether an event may be told to chat: the second reminder of an overdue item is not news.
ALTER TABLE events ADD COLUMN announce BOOLEAN NOT NULL DEFAULT TRUE;
