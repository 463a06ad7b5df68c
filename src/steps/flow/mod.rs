//! What the pages, the API, the feed and search share about career records: who stands
//! where around a person (their chapter leads, tribe leads, the company-level role holders),
//! who may see and do what, and each record read as one viewer may read it. The privacy rule
//! lives here so every surface applies the same one: the viewer and the one private answer
//! are here; who stands where is in `relations`, a record as read in `record`, proposals and
//! the feed in `proposals`, the search records in `search`.

use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

mod proposals;
mod record;
mod relations;
mod search;

pub use proposals::{ProposalPage, awaiting, feed_events, proposal_for, proposal_page};
pub use record::{
    Full, Loaded, Person, ProposalView, Public, full, load, person, public_of, read_full,
};
pub use relations::{ByPerson, led_by, led_chapters, managed_by, relations, relations_of};
pub use search::{count, ids_after, records, records_of};

/// The viewer as the blocking pool needs them: `(person id, is admin)`, or nobody.
pub type Me = Option<(PersonId, bool)>;

pub fn me(viewer: &Viewer) -> Me {
    viewer.person().map(|p| (p.id, p.is_admin))
}

/// What everyone else is told about a record they may not see: the same whether or not a
/// step exists.
pub fn private() -> AppError {
    AppError::forbidden(
        "Career steps are private to the person, their chapter lead and admins.".to_string(),
    )
}

/// Runs `f` on the blocking pool with today's org, read in the same trip.
pub async fn with_org<T, F>(state: &crate::state::AppState, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection, &crate::org::cache::OrgView) -> AppResult<T> + Send + 'static,
{
    let cache = state.part::<crate::org::cache::OrgCache>()?;
    state
        .db
        .run(move |c| {
            let view = cache.get(c)?;
            f(c, &view)
        })
        .await
}
