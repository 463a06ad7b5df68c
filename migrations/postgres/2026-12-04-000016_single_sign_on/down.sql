ALTER TABLE sessions DROP COLUMN id_token;
DROP TABLE oidc_pending;
DROP TABLE oidc_identities;
