//! Squad health checks (Spotify's model): the indicators admins keep, sessions in which a
//! squad votes green, yellow or red per indicator with a trend, a squad's history with its
//! trend lines, and a tribe's heatmap.

pub mod api;
pub mod flow;
pub mod model;
pub mod repo;
pub mod routes;
pub mod views;
