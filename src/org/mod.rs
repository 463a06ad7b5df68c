//! The org model: units of six kinds — tribes, squads, chapters, guilds, trios,
//! alliances — with memberships that keep their history, enforced rules and warnings.

pub mod access;
pub mod api;
pub mod backstage;
pub mod cache;
pub mod chart;
pub mod flow;
pub mod forms;
pub mod import_page;
pub mod leads;
pub mod routes;
pub mod rules;
pub mod seed;
pub mod unit;
pub mod unit_repo;
pub mod views;
