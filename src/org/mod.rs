//! The org model: people now; squads, tribes, chapters, guilds, trios and alliances build on it.

pub mod model;
pub mod repo;
