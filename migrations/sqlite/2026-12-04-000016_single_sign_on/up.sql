-- Issue 24: single sign-on with OpenID Connect.
-- Which provider account is which person: kept once made, so a renamed e-mail or username
-- at the provider still reaches the same person. `claimed_username` is the claim the
-- username was made from (the mapping a person or admin may want to see).
CREATE TABLE oidc_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people(id),
    claimed_username TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_sign_in_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_person ON oidc_identities (person_id);
-- Sign-ins on their way through the provider: the PKCE verifier and the nonce stay on the
-- server, keyed by the state; a row is deleted when it is used, so a code comes back once.
CREATE TABLE oidc_pending (
    state TEXT PRIMARY KEY NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- The ID token of a session opened by single sign-on, sent back to the provider as the hint
-- when the person signs out (RP-initiated logout).
ALTER TABLE sessions ADD COLUMN id_token TEXT;
