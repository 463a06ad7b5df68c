//! Markdown with wikilinks resolved against the pages and the org, as pages, lessons,
//! experiments and post-mortems show it; and the cache of what was rendered, by revision.

use std::sync::Arc;

use super::model;
use super::repo::{self, LinkIndex, PageLinks, Resolver};
use crate::error::AppResult;
use crate::markdown::{self, SafeHtml};
use crate::org::cache::OrgCache;
use crate::org::views::UnitRef;
use crate::state::AppState;

/// Renders Markdown with wikilinks resolved against the pages and the org, off the workers.
pub async fn render(state: &AppState, body: String) -> AppResult<SafeHtml> {
    let renderer = Renderer::of(state)?;
    state.db.run(move |c| renderer.render(c, &body, None)).await
}

/// What rendering needs, cloned out of the app state into a blocking closure.
#[derive(Clone)]
pub struct Renderer {
    links: Arc<PageLinks>,
    org: Arc<OrgCache>,
    html: Arc<RenderCache>,
}

/// Rendered HTML by revision ("page:12:3"), and what a page shows around it, kept until the
/// change log moves on (a new page can turn a missing link into a real one, a new link adds a
/// backlink), and bounded in size.
/// A map that lives as long as the change-log head it was made at.
type PerHead<K, V> =
    crate::db::head_cache::HeadCache<std::sync::Mutex<std::collections::HashMap<K, V>>>;

#[derive(Default)]
pub struct RenderCache(
    PerHead<String, SafeHtml>,
    PerHead<(i64, i32), Arc<PageParts>>,
);

/// A page revision's rendering with its tags, units and backlinks.
pub struct PageParts {
    pub html: SafeHtml,
    pub tags: Vec<String>,
    pub units: Vec<UnitRef>,
    pub backlinks: Vec<repo::PageSummary>,
}

const RENDER_CACHE_ENTRIES: usize = 2_000;

impl Renderer {
    /// What a page (or one of its old revisions) shows, from the cache when it can.
    pub fn page_parts(
        &self,
        c: &mut crate::db::AnyConnection,
        page: &model::Page,
        old: Option<&model::Revision>,
    ) -> AppResult<Arc<PageParts>> {
        let number = old.map(|r| r.number).unwrap_or(page.revision);
        let cache = self.html.1.get(c, (), |_| Ok(Default::default()))?;
        if let Some(parts) = cache
            .lock()
            .ok()
            .and_then(|m| m.get(&(page.id, number)).cloned())
        {
            return Ok(parts);
        }
        let body = old.map(|r| r.body.as_str()).unwrap_or(&page.body);
        let parts = std::sync::Arc::new(PageParts {
            html: self.render(c, body, None)?,
            tags: repo::tags_of(c, page.id)?,
            units: repo::units_of(c, page.id)?
                .iter()
                .map(UnitRef::of)
                .collect(),
            backlinks: repo::backlinks(c, page)?,
        });
        if let Ok(mut map) = cache.lock() {
            if map.len() >= RENDER_CACHE_ENTRIES {
                map.clear();
            }
            map.insert((page.id, number), parts.clone());
        }
        Ok(parts)
    }

    pub fn of(state: &AppState) -> AppResult<Renderer> {
        Ok(Renderer {
            links: state.part::<PageLinks>()?,
            org: state.part::<OrgCache>()?,
            html: state.part::<RenderCache>()?,
        })
    }

    /// Renders `body`; with a `key` (a revision), from and into the cache. Call on a blocking
    /// thread.
    pub fn render(
        &self,
        c: &mut crate::db::AnyConnection,
        body: &str,
        key: Option<String>,
    ) -> AppResult<SafeHtml> {
        let cache = match &key {
            Some(_) => Some(self.html.0.get(c, (), |_| Ok(Default::default()))?),
            None => None,
        };
        if let (Some(cache), Some(key)) = (&cache, &key)
            && let Some(html) = cache.lock().ok().and_then(|m| m.get(key).cloned())
        {
            return Ok(html);
        }
        let index = self.links.get(c, (), LinkIndex::load)?;
        let view = self.org.get(c)?;
        let html = markdown::render_with(
            body,
            &Resolver {
                pages: &index,
                org: &view.snap,
            },
        )
        .html;
        if let (Some(cache), Some(key)) = (cache, key)
            && let Ok(mut map) = cache.lock()
        {
            if map.len() >= RENDER_CACHE_ENTRIES {
                map.clear();
            }
            map.insert(key, html.clone());
        }
        Ok(html)
    }
}
