//! fika: an organizational knowledge and team-structure wiki. Module list only; see
//! `ARCHITECTURE.md` at the repository root for the architecture.

#[macro_use]
mod labels;

pub mod action_items;
pub mod apidoc;
pub mod app;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod comments;
pub mod config;
pub mod dates;
pub mod db;
pub mod demo;
pub mod error;
pub mod experiments;
pub mod export;
pub mod files;
pub mod health;
pub mod home;
pub mod ids;
pub mod lessons;
pub mod mail;
pub mod markdown;
pub mod metrics;
pub mod notify;
pub mod org;
pub mod overview;
pub mod pages;
pub mod people;
pub mod postmortems;
pub mod progress;
pub mod projection;
pub mod request;
pub mod retros;
pub mod revisions;
pub mod scim;
pub mod search;
pub mod site;
pub mod state;
pub mod steps;
pub mod webhooks;
