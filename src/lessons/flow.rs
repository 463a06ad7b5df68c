//! What the lesson pages and the API share: reading a lesson form into a `LessonInput`, and
//! the titles of what lessons are learned from.
//!
//! Experiments, post-mortems and retros list the lessons learned from them (and post-mortems
//! write them), so lessons may not import those features back: the composition hands each
//! one's title query over as a `SourceTitles` part (`app::state`), as it hands over search
//! projections. Pages sit below lessons and are asked directly.

use super::model::{self, LessonInput, Source};
use crate::db::AnyConnection;
use crate::error::AppResult;
use crate::org::views::{UnitRef, picked_units};
use crate::site::forms::{FieldErrors, Pairs};
use crate::state::AppState;

/// A title query of one kind of source: `None` when there is no such record or a lesson may
/// not name it.
pub type TitleOf = fn(&mut AnyConnection, i64) -> AppResult<Option<String>>;

/// The title queries of the sources above lessons. Each says only what a lesson — which
/// everyone reads — may show: any experiment, a published post-mortem (a draft's title is
/// its authors' alone), a retro whose cards are revealed.
pub struct SourceTitles {
    pub experiment: TitleOf,
    pub postmortem: TitleOf,
    pub retro: TitleOf,
}

impl SourceTitles {
    /// The title a lesson shows for its source; `None` for none, or one it may not name.
    pub fn title(&self, conn: &mut AnyConnection, source: &Source) -> AppResult<Option<String>> {
        Ok(self.named(conn, source)?.map(|(title, _)| title))
    }

    /// Checks the source of a form: the message to show when a lesson may not name it.
    pub fn check(
        &self,
        conn: &mut AnyConnection,
        source: &Source,
    ) -> AppResult<Result<(), String>> {
        let refused = match source {
            Source::Alone => return Ok(Ok(())),
            Source::Page(_) => format!("There is no page {:?}.", source.reference()),
            Source::Experiment(r) => format!("There is no experiment {r:?}."),
            Source::Postmortem(r) => format!("There is no published post-mortem {r:?}."),
            Source::Retro(r) => format!("There is no retro {r:?} whose cards are revealed."),
        };
        let live = self.named(conn, source)?.is_some_and(|(_, live)| live);
        Ok(if live { Ok(()) } else { Err(refused) })
    }

    /// The source's title, and whether a new lesson may still name it (a deleted page shows
    /// its title on the lessons learned from it, but takes no new ones).
    fn named(
        &self,
        conn: &mut AnyConnection,
        source: &Source,
    ) -> AppResult<Option<(String, bool)>> {
        let by_id = |query: TitleOf, conn: &mut AnyConnection, r: &str| match r.parse::<i64>() {
            Ok(id) => Ok(query(conn, id)?.map(|t| (t, true))),
            Err(_) => Ok(None),
        };
        match source {
            Source::Alone => Ok(None),
            Source::Page(slug) => match crate::pages::repo::find(conn, slug) {
                Ok(crate::pages::repo::Lookup::Found(p)) => {
                    Ok(Some((p.title, p.deleted_at.is_none())))
                }
                _ => Ok(None),
            },
            Source::Experiment(r) => by_id(self.experiment, conn, r),
            Source::Postmortem(r) => by_id(self.postmortem, conn, r),
            Source::Retro(r) => by_id(self.retro, conn, r),
        }
    }
}

/// Reads a lesson form (the page's or the API's): the input, or one message per field.
pub async fn parse_input(
    state: &AppState,
    form: &Pairs,
    all_units: &[UnitRef],
) -> AppResult<Result<LessonInput, FieldErrors>> {
    let mut errors = FieldErrors::new();
    let title = model::parse_title(form.get("title"))
        .map_err(|e| errors.insert("title", e))
        .unwrap_or_default();
    let body = model::parse_body(form.get("body"))
        .map_err(|e| errors.insert("body", e))
        .unwrap_or_default();
    let source = Source::parse(form.get("source_kind"), form.get("source_ref"))
        .map_err(|e| errors.insert("source", e))
        .unwrap_or(Source::Alone);
    let (titles, checked) = (state.part::<SourceTitles>()?, source.clone());
    if let Err(e) = state.db.run(move |c| titles.check(c, &checked)).await? {
        errors.insert("source", e);
    }
    let tags = crate::pages::model::parse_tags(form.get("tags"))
        .map_err(|e| errors.insert("tags", e))
        .unwrap_or_default();
    let units = picked_units(&form.all("units"), all_units)
        .map_err(|e| errors.insert("units", e))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(LessonInput {
        title,
        body,
        source,
        summary: crate::pages::model::parse_summary(form.get("summary")),
        tags,
        units,
    }))
}

/// A lesson that takes comments (any not deleted): its title, address and change-log key.
pub fn commentable(
    conn: &mut crate::db::AnyConnection,
    id: i64,
) -> crate::error::AppResult<Option<(String, String, String)>> {
    match super::repo::lesson(conn, id) {
        Ok(l) if l.deleted_at.is_none() => Ok(Some((l.title.clone(), l.url(), l.id.to_string()))),
        Ok(_) | Err(crate::error::AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
