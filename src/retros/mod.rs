//! Retrospectives, run by agile coaches (issue 8, in progress): so far the rules — formats,
//! phases, card visibility and the vote limit. Pages, storage and the API follow.

pub mod model;
