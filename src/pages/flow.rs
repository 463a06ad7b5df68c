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

/// Pages (not deleted) take comments; every signed-in person may read them.
pub struct CommentsOnPages;

impl crate::comments::flow::Commentable for CommentsOnPages {
    fn kind(&self) -> crate::db::EntityKind {
        crate::db::EntityKind::Page
    }

    fn find(
        &self,
        conn: &mut crate::db::AnyConnection,
        _viewer: &crate::people::model::Person,
        id: i64,
    ) -> crate::error::AppResult<Option<crate::comments::flow::Found>> {
        let page = match super::repo::live_by_id(conn, id) {
            Ok(p) => p,
            Err(crate::error::AppError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(crate::comments::flow::Found {
            url: page.url(),
            log_key: page.slug,
            title: page.title,
            everyone: true,
            readers: vec![],
        }))
    }
}
