//! Career steps (the Spotify-model "Steps"): admin-kept disciplines and roles, the four
//! steps and five behaviors as editable data, and each person's private record — their step,
//! self- and lead assessments, promotion proposals with peer feedback and decisions, and the
//! history of all of it. Only the person, their chapter lead and admins see a record, on
//! every surface, unless the person makes their step public.

pub mod api;
pub mod export;
pub mod flow;
pub mod framework;
pub mod indexed;
pub mod model;
pub mod proposal_repo;
pub mod repo;
pub mod routes;
pub mod views;
