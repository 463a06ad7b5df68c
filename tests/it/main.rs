//! fika's integration tests: one binary, a module per feature. Every test talks HTTP to the
//! real server (see `harness`); each `backend_tests!` test runs on SQLite and, when
//! `FIKA_TEST_DATABASE_URL` is set, again on PostgreSQL.

mod harness;

mod auth;
mod backstage;
mod backup;
mod browser;
mod cli;
mod concurrency;
mod durability;
mod experiments;
mod health;
mod lessons;
mod org;
mod pages;
mod postmortems;
mod proxy;
mod retros;
mod search;
mod site;
mod steps;
