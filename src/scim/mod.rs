//! Provisioning with SCIM 2.0 (RFC 7643, 7644): the company's identity provider creates,
//! updates and deactivates people at `/scim/v2/Users`, with a bearer token of its own. A
//! user it deactivates (`active: false`) or deletes is disabled at once, their sessions
//! ended and their API tokens revoked; nothing they wrote is lost. People already in fika
//! (`fika user add`, `/admin/users`, a Backstage import) are matched by userName or e-mail
//! when the provider first creates them, not made twice.
//!
//! `user` turns a person into a SCIM User and a SCIM body into what fika keeps, `patch`
//! applies a PatchOp as Okta and Entra ID send them, `filter` reads the filters they use,
//! `repo` keeps the link between a person and the provider's user, and `routes` answers.

mod filter;
mod patch;
mod repo;
pub mod routes;
mod user;
