//! The usernames and slugs an import asks for: an entity's name, prefixed with its namespace
//! outside `default` so two namespaces never collide, cut to fit.

use super::super::{ANN_SLUG, DEFAULT_NAMESPACE, Entity, EntityRef};
use super::{bad, shown};
use crate::error::AppResult;
use crate::org::unit::Slug;
use crate::people::model::{MAX_USERNAME, Username};
use crate::people::names::fit;

/// The slug a group gets from its ref: its name (Backstage names allow `_` and `.`, slugs
/// use dashes), prefixed with its namespace outside `default`, so `group:development/team-a`
/// is never the default namespace's `team-a`.
pub fn derived_slug(r: &EntityRef) -> Option<String> {
    let name = if r.namespace == DEFAULT_NAMESPACE {
        r.name.clone()
    } else {
        format!("{}-{}", r.namespace, r.name)
    };
    Slug::from_name(&name.replace(['_', '.'], "-")).map(|s| s.as_str().to_string())
}

pub(super) fn slug_for(entity: &Entity, r: &EntityRef, at: &str) -> AppResult<String> {
    if let Some(s) = entity.metadata.annotations.get(ANN_SLUG) {
        return Slug::parse(s)
            .map(|s| s.as_str().to_string())
            .map_err(|e| bad(at, e));
    }
    derived_slug(r).ok_or_else(|| {
        bad(
            at,
            format!("{:?} cannot be made into a slug", entity.metadata.name),
        )
    })
}

/// The username a user entity asks for: its `fika.dev/username`, else its name, prefixed
/// with its namespace outside `default` (as slugs are), cut to a username's length. A name
/// that is not a username as it stands gets its ref stored (see [`super::UserPlan::is_natural`]).
pub(super) fn wanted_username(
    r: &EntityRef,
    annotation: Option<&str>,
    at: &str,
) -> AppResult<String> {
    let base = match annotation {
        Some(u) => u.trim().to_lowercase(),
        None if r.namespace == DEFAULT_NAMESPACE => r.name.clone(),
        None => format!("{}-{}", r.namespace, r.name),
    };
    Username::parse(&fit(&base, MAX_USERNAME))
        .map(|u| u.as_str().to_string())
        .map_err(|e| bad(at, format!("user {:?}: {e}", shown(r))))
}
