//! The app shell: the layout every page shares, the home page, health check, static assets
//! and error pages.

pub mod assets;
pub mod paging;
pub mod routes;
pub mod views;
