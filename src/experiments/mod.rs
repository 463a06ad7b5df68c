//! Experiment learning logs, judged the *Experiments with Learning* way (DESIGN.md): design
//! with a sample-size calculator, health checks, the computed outcome, and the organization's
//! learning rate next to its win rate.

pub mod api;
pub mod filters;
pub mod flow;
pub mod forms;
pub mod import;
pub mod indexed;
pub mod insights;
pub mod model;
pub mod repo;
pub mod routes;
pub mod stats;
pub mod views;
