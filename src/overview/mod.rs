//! Pages that gather several features around one subject: a unit's page and a person's page.
//! They sit in the composition layer, above the features they read, so that the org model
//! below them depends on no feature (ARCHITECTURE.md, "Layers"). Each reads the features
//! through their model and service functions, in one trip to the database.

pub mod happening;
pub mod person;
pub mod unit;

/// The routes of both pages.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    person::configure(cfg);
    unit::configure(cfg);
}
