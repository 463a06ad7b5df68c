//! Lessons as first-class records: short things learned, linked to where they came from and
//! to the units they concern, with history like pages.

pub mod api;
pub mod flow;
pub mod indexed;
pub mod model;
pub mod repo;
pub mod routes;
pub mod seed;
pub mod views;
