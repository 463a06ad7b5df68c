//! The app shell: the layout every page shares, paging, static assets, error pages and the
//! headers every response carries.

pub mod assets;
pub mod paging;
pub mod views;
