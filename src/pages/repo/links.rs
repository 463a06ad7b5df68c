//! Wikilinks: the index of every live page's slug, title and old slugs, its cache, and the
//! resolver Markdown rendering asks.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{page_redirects, pages};
use crate::error::AppResult;
use crate::markdown::Resolve;

/// The app's cache of the [`LinkIndex`], kept until the change log moves on.
pub type PageLinks = crate::db::head_cache::HeadCache<LinkIndex>;

/// Every live page's (slug, title) and every old slug, for resolving wikilinks.
pub struct LinkIndex {
    by_slug: HashMap<String, String>,
    by_title: HashMap<String, String>,
    redirects: HashMap<String, String>,
}

impl LinkIndex {
    pub fn load(conn: &mut AnyConnection) -> AppResult<LinkIndex> {
        let live: Vec<(String, String)> = pages::table
            .filter(pages::deleted_at.is_null())
            .select((pages::slug, pages::title))
            .load(conn)?;
        let redirects: Vec<(String, String)> = page_redirects::table
            .inner_join(pages::table.on(pages::id.eq(page_redirects::page_id)))
            .filter(pages::deleted_at.is_null())
            .select((page_redirects::old_slug, pages::slug))
            .load(conn)?;
        Ok(LinkIndex {
            by_title: live
                .iter()
                .map(|(s, t)| (t.to_lowercase(), s.clone()))
                .collect(),
            by_slug: live.into_iter().collect(),
            redirects: redirects.into_iter().collect(),
        })
    }

    /// The (slug, title) a wikilink target names.
    pub fn resolve(&self, target: &str) -> Option<(String, String)> {
        let t = target.trim();
        let key = t.to_lowercase();
        let slug = if self.by_slug.contains_key(&key) {
            Some(key.clone())
        } else if let Some(s) = self.by_title.get(&key) {
            Some(s.clone())
        } else {
            self.redirects.get(&key).cloned()
        }?;
        let title = self.by_slug.get(&slug)?.clone();
        Some((slug, title))
    }
}

/// Resolves wikilinks against the pages and the org.
pub struct Resolver<'a> {
    pub pages: &'a LinkIndex,
    pub org: &'a crate::org::rules::Snapshot,
}

impl Resolve for Resolver<'_> {
    fn page(&self, target: &str) -> Option<(String, String)> {
        self.pages
            .resolve(target)
            .map(|(slug, title)| (format!("/pages/{slug}"), title))
    }

    fn org(&self, kind: &str, slug: &str) -> Option<(String, String)> {
        if kind == "person" {
            return self
                .org
                .people
                .iter()
                .find(|p| p.username == slug && !p.disabled)
                .map(|p| (format!("/people/{}", p.username), p.display_name.clone()));
        }
        self.org
            .units
            .iter()
            .find(|u| u.kind == kind && u.slug == slug)
            .map(|u| (u.url(), u.name.clone()))
    }
}
