-- Issue 25: overdue action items remind, once per stage: `1` when an item is overdue (to its
-- person, or with nobody assigned its squad's product owner), `2` a week later (to the
-- product owner, or the tribe lead where the squad has none). The key makes each reminder
-- once, whichever instance looks.
CREATE TABLE reminders (
    item_id BIGINT NOT NULL REFERENCES action_items(id) ON DELETE CASCADE,
    stage INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, stage)
);
