//! Retrospectives and squad health checks, run by agile coaches (issue 8, in progress): so
//! far the rules — formats, phases, card visibility, the vote limit, and the health-check
//! arithmetic. Pages, storage and the API follow.

pub mod health;
pub mod model;
