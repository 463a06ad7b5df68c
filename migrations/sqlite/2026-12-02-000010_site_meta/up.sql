-- Facts about this installation. `site_id` names it for good (feed and entry ids are made
-- from it, so they stay the same whatever address the site is reached at).
CREATE TABLE site_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO site_meta (key, value) VALUES ('site_id', lower(hex(randomblob(16))));
