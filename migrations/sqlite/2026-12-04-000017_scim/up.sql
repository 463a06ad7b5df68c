-- Issue 24: provisioning with SCIM 2.0. The people the company's identity provider manages:
-- the userName it knows them by (fika's own username stays as made: it is in addresses),
-- its externalId, and the SCIM attributes fika keeps as sent (name parts, e-mails) so that
-- what the provider wrote is what it reads back. Deleting a SCIM user removes this row and
-- disables the person; nothing they wrote is lost.
CREATE TABLE scim_people (
    person_id BIGINT PRIMARY KEY NOT NULL REFERENCES people(id),
    user_name TEXT NOT NULL,
    -- userName lower-cased: SCIM compares it without regard to case.
    user_name_key TEXT NOT NULL UNIQUE,
    external_id TEXT,
    attributes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX scim_people_external_id ON scim_people (external_id);
