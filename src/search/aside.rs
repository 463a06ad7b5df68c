//! "Related lessons from other teams" as the aside on lessons, pages and experiments shows
//! them: the service other features call (the ranking itself is in [`super::related`]).

use crate::error::AppResult;
use crate::ids::UnitId;
use crate::org::cache::OrgCache;
use crate::search::Search;
use crate::state::AppState;

/// A related lesson as the aside on lessons and pages shows it.
pub struct RelatedView {
    pub title: String,
    pub url: String,
    /// The units it is filed under, by name.
    pub teams: String,
}

/// Up to five lessons from other units like this record (by its index key). Related lessons
/// are a help, not the page: when the index fails the aside is left out and the error logged.
pub async fn related(
    state: &AppState,
    key: String,
    title: String,
    markdown: String,
    own_units: Vec<UnitId>,
) -> Vec<RelatedView> {
    match find(state, key, title, markdown, own_units).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "related lessons failed");
            vec![]
        }
    }
}

async fn find(
    state: &AppState,
    key: String,
    title: String,
    markdown: String,
    own_units: Vec<UnitId>,
) -> AppResult<Vec<RelatedView>> {
    let (search, org_cache) = (state.part::<Search>()?, state.part::<OrgCache>()?);
    // One trip to a blocking thread: the lessons and, when there are any, their units' names.
    let (found, org) = state
        .db
        .run(move |c| {
            let body = crate::markdown::plain_text(&markdown);
            let found = search.related(&key, &title, &body, &own_units, 5)?;
            let org = if found.is_empty() {
                None
            } else {
                Some(org_cache.get(c)?)
            };
            Ok((found, org))
        })
        .await?;
    Ok(found
        .iter()
        .map(|r| RelatedView {
            title: r.title.clone(),
            url: r.url.clone(),
            teams: org
                .as_ref()
                .map(|o| {
                    r.unit_ids
                        .iter()
                        .filter_map(|id| o.snap.unit(*id))
                        .map(|u| u.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        })
        .collect())
}
