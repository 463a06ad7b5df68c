//! What the wiki's pages and its API share: reading a page form into a `PageInput`.

use super::model::{self, PageInput};
use crate::org::views::{UnitRef, picked_units};
use crate::site::forms::{FieldErrors, Pairs};

/// The edit form as sent, checked field by field.
pub fn parse_input(form: &Pairs, all_units: &[UnitRef]) -> Result<PageInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = model::parse_title(form.get("title"))
        .map_err(|e| errors.insert("title", e))
        .unwrap_or_default();
    let slug = if errors.contains_key("title") {
        String::new()
    } else {
        model::parse_slug(form.get("slug"), &title)
            .map_err(|e| errors.insert("slug", e))
            .unwrap_or_default()
    };
    let body = model::parse_body(form.get("body"))
        .map_err(|e| errors.insert("body", e))
        .unwrap_or_default();
    let tags = model::parse_tags(form.get("tags"))
        .map_err(|e| errors.insert("tags", e))
        .unwrap_or_default();
    let units = picked_units(&form.all("units"), all_units)
        .map_err(|e| errors.insert("units", e))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PageInput {
        title,
        slug,
        body,
        summary: model::parse_summary(form.get("summary")),
        tags,
        units,
        slug_from_title: form.get("slug").trim().is_empty(),
    })
}

/// A page that takes comments (any not deleted): its title, address and change-log key.
pub fn commentable(
    conn: &mut crate::db::AnyConnection,
    id: i64,
) -> crate::error::AppResult<Option<(String, String, String)>> {
    match super::repo::live_by_id(conn, id) {
        Ok(p) => Ok(Some((p.title.clone(), p.url(), p.slug))),
        Err(crate::error::AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
