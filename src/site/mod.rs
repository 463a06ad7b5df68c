//! The shared web kit: the layout every page shares, forms and their field errors, paging,
//! static assets, error pages and the headers every response carries.

pub mod assets;
pub mod chart;
pub mod forms;
pub mod paging;
pub mod views;
