-- Wiki pages: the page row holds the current revision; every save is a revision, kept for
-- ever. Deleting is soft (deleted_at), so an admin can undo it.
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT REFERENCES people(id),
    deleted_at TIMESTAMP,
    deleted_by BIGINT REFERENCES people(id)
);
CREATE INDEX pages_title ON pages(title);

CREATE TABLE page_revisions (
    id INTEGER PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES pages(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    body TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (page_id, number)
);

-- A renamed page keeps answering on its old slugs.
CREATE TABLE page_redirects (
    old_slug TEXT PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES pages(id)
);

-- Wikilinks of the current revision, for "What links here". target is what the link names,
-- lower-cased: a page slug or title, or "squad:payments", "person:alice", …
CREATE TABLE page_links (
    page_id BIGINT NOT NULL REFERENCES pages(id),
    target TEXT NOT NULL,
    PRIMARY KEY (page_id, target)
);
CREATE INDEX page_links_target ON page_links(target);

CREATE TABLE page_units (
    page_id BIGINT NOT NULL REFERENCES pages(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (page_id, unit_id)
);
CREATE INDEX page_units_unit ON page_units(unit_id);

CREATE TABLE page_tags (
    page_id BIGINT NOT NULL REFERENCES pages(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (page_id, tag)
);
CREATE INDEX page_tags_tag ON page_tags(tag);

-- Uploaded images live in the database, so every fika instance serves the same ones.
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by BIGINT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL
);
