//! fika's integration tests: one binary, a module per feature. Every test talks HTTP to the
//! real server (see `harness`); each `backend_tests!` test runs on SQLite and, when ignored
//! tests are included, again on PostgreSQL.

// Test helpers stop the test when something is wrong; that is what unwrap and expect do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

mod api_doc;
mod auth;
mod backstage;
mod backup;
mod browser;
mod cli;
mod comments;
mod concurrency;
mod durability;
mod experiment_data;
mod experiments;
mod gfm;
mod health;
mod lessons;
mod mail;
mod metrics;
mod notify;
mod org;
mod orgs;
mod pages;
mod postmortems;
mod proxy;
mod retros;
mod scim;
mod search;
mod site;
mod sso;
mod sso_tokens;
mod steps;
mod webhooks;
