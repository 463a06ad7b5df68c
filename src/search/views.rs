//! The `/search` page: results with highlights, facets that narrow down, active filters that
//! can be removed one by one, corrections and pagination. Everything shown is prepared here,
//! so the template only prints.

use askama::Template;

use super::run::{Correction, Highlight, Hit, PER_PAGE, Params, Request, Results};
use crate::org::cache::OrgView;
use crate::org::unit::UnitKind;
use crate::site::views::Shell;

pub struct HitView {
    pub kind: &'static str,
    pub title: Highlight,
    pub url: String,
    pub snippet: Highlight,
    /// Context, units, date: shown joined by dots.
    pub meta: Vec<String>,
    pub author: Option<(String, String)>,
    pub tags: Vec<(String, String)>,
}

pub struct FacetValue {
    pub label: String,
    pub count: u64,
    pub url: String,
    pub active: bool,
}

pub struct FacetView {
    pub title: &'static str,
    pub values: Vec<FacetValue>,
}

pub struct Chip {
    pub label: String,
    pub remove: String,
}

pub struct CorrectionView {
    pub showing: bool,
    pub used: String,
    pub used_url: String,
    pub typed: String,
    pub typed_url: String,
}

pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "search/results.html")]
pub struct SearchPage {
    pub shell: Shell,
    pub q: String,
    pub by_date: bool,
    pub asked: bool,
    pub total: usize,
    pub first: usize,
    pub last: usize,
    pub hits: Vec<HitView>,
    pub facets: Vec<FacetView>,
    pub chips: Vec<Chip>,
    pub correction: Option<CorrectionView>,
    pub building: Option<(u64, u64)>,
    pub pages: Vec<PageLink>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub from: String,
    pub to: String,
    /// Filters to keep when the form is sent again.
    pub keep: Vec<(&'static str, String)>,
    pub sort_relevance_url: String,
    pub sort_date_url: String,
}

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "lesson" => "Lesson",
        "page" => "Wiki page",
        "person" => "Person",
        "unit" => "Team",
        "experiment" => "Experiment",
        "postmortem" => "Post-mortem",
        "retro" => "Retrospective",
        _ => "Record",
    }
}

fn kind_plural(kind: &str) -> String {
    match kind {
        "person" => "People".into(),
        k => format!("{}s", kind_label(k)),
    }
}

/// `/search?…` with `params`, changed by `change`; any change but paging goes back to page 1.
pub fn url(params: &Params, change: impl FnOnce(&mut Params)) -> String {
    let mut p = params.clone();
    p.page = None;
    change(&mut p);
    // Empty values are noise in a shared link.
    for v in [
        &mut p.q,
        &mut p.kind,
        &mut p.unit,
        &mut p.tag,
        &mut p.author,
        &mut p.from,
        &mut p.to,
        &mut p.sort,
        &mut p.page,
    ] {
        if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
            *v = None;
        }
    }
    match serde_urlencoded::to_string(&p) {
        Ok(q) if !q.is_empty() => format!("/search?{q}"),
        _ => "/search".into(),
    }
}

/// Units by kind and slug, for facet paths and names.
struct UnitIndex<'a> {
    org: &'a OrgView,
    by_key: std::collections::HashMap<(&'a str, &'a str), &'a crate::org::unit::Unit>,
}

impl<'a> UnitIndex<'a> {
    fn new(org: &'a OrgView) -> Self {
        UnitIndex {
            org,
            by_key: org
                .snap
                .units
                .iter()
                .map(|u| ((u.kind.as_str(), u.slug.as_str()), u))
                .collect(),
        }
    }

    /// The name of the unit at a facet path (its last two segments are kind and slug).
    fn name(&self, path: &str) -> String {
        let mut parts = path.trim_matches('/').rsplitn(3, '/');
        let (slug, kind) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        self.by_key
            .get(&(kind, slug))
            .map(|u| u.name.clone())
            .unwrap_or_else(|| slug.to_string())
    }

    fn path(&self, kind: UnitKind, slug: &str) -> Option<String> {
        let u = self.by_key.get(&(kind.as_str(), slug))?;
        Some(super::records::facet_path(
            u,
            u.tribe_id.and_then(|t| self.org.snap.unit(t)),
        ))
    }
}

impl SearchPage {
    pub fn new(
        shell: Shell,
        params: &Params,
        req: &Request,
        results: Results,
        org: &OrgView,
        building: Option<(u64, u64)>,
    ) -> SearchPage {
        let units = UnitIndex::new(org);
        // Only the names this page shows: an org has thousands of people.
        let wanted: std::collections::HashSet<&str> = results
            .hits
            .iter()
            .filter_map(|h| h.author.as_deref())
            .chain(req.author.as_deref())
            .collect();
        let people: std::collections::HashMap<&str, &str> = if wanted.is_empty() {
            Default::default()
        } else {
            org.snap
                .people
                .iter()
                .filter(|p| wanted.contains(p.username.as_str()))
                .map(|p| (p.username.as_str(), p.display_name.as_str()))
                .collect()
        };
        let hits = results
            .hits
            .into_iter()
            .map(|h| hit_view(h, params, org, &people))
            .collect();
        let f = &results.facets;
        let mut facets = vec![];
        let facet = |title, values: Vec<FacetValue>| FacetView { title, values };
        facets.push(facet(
            "Kind",
            f.kind
                .iter()
                .map(|(k, n)| FacetValue {
                    label: kind_plural(k),
                    count: *n,
                    active: req.kind.as_deref() == Some(k),
                    url: url(params, |p| p.kind = Some(k.clone())),
                })
                .collect(),
        ));
        for (title, kind, values) in [
            ("Tribe", UnitKind::Tribe, &f.tribe),
            ("Squad", UnitKind::Squad, &f.squad),
        ] {
            facets.push(facet(
                title,
                values
                    .iter()
                    .filter_map(|(slug, n)| {
                        let path = units.path(kind, slug)?;
                        Some(FacetValue {
                            label: units.name(&path),
                            count: *n,
                            active: req.unit.as_deref() == Some(path.as_str()),
                            url: url(params, |p| p.unit = Some(path.clone())),
                        })
                    })
                    .collect(),
            ));
        }
        facets.push(facet(
            "Tag",
            f.tag
                .iter()
                .map(|(t, n)| FacetValue {
                    label: format!("#{t}"),
                    count: *n,
                    active: req.tag.as_deref() == Some(t),
                    url: url(params, |p| p.tag = Some(t.clone())),
                })
                .collect(),
        ));
        facets.retain(|f| !f.values.is_empty());

        let mut chips = vec![];
        if let Some(k) = &req.kind {
            chips.push(Chip {
                label: kind_plural(k),
                remove: url(params, |p| p.kind = None),
            });
        }
        if let Some(u) = &req.unit {
            chips.push(Chip {
                label: units.name(u),
                remove: url(params, |p| p.unit = None),
            });
        }
        if let Some(t) = &req.tag {
            chips.push(Chip {
                label: format!("#{t}"),
                remove: url(params, |p| p.tag = None),
            });
        }
        if let Some(a) = &req.author {
            chips.push(Chip {
                label: format!("by {}", people.get(a.as_str()).unwrap_or(&a.as_str())),
                remove: url(params, |p| p.author = None),
            });
        }
        if let Some(d) = req.from {
            chips.push(Chip {
                label: format!("from {d}"),
                remove: url(params, |p| p.from = None),
            });
        }
        if let Some(d) = req.to {
            chips.push(Chip {
                label: format!("until {d}"),
                remove: url(params, |p| p.to = None),
            });
        }

        let correction = results.correction.map(|c| match c {
            Correction::Showing { used, typed } => CorrectionView {
                showing: true,
                used_url: url(params, |p| p.q = Some(used.clone())),
                typed_url: url(params, |p| p.q = Some(typed.clone())),
                used,
                typed,
            },
            Correction::DidYouMean(used) => CorrectionView {
                showing: false,
                used_url: url(params, |p| p.q = Some(used.clone())),
                typed: req.q.clone(),
                typed_url: String::new(),
                used,
            },
        });

        let total_pages = results.total.div_ceil(PER_PAGE).min(1000);
        let page_url = |n: usize| {
            url(params, |p| {
                p.page = (n > 1).then(|| n.to_string());
            })
        };
        let window = req.page.saturating_sub(3).max(1)..=(req.page + 3).min(total_pages);
        let pages = if total_pages > 1 {
            window
                .map(|n| PageLink {
                    number: n,
                    url: page_url(n),
                    current: n == req.page,
                })
                .collect()
        } else {
            vec![]
        };
        let first = (req.page - 1) * PER_PAGE + 1;
        let mut keep = vec![];
        for (name, v) in [
            ("kind", &params.kind),
            ("unit", &params.unit),
            ("tag", &params.tag),
            ("author", &params.author),
            ("sort", &params.sort),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                keep.push((name, v.to_string()));
            }
        }
        SearchPage {
            shell,
            q: req.q.clone(),
            by_date: req.sort == super::run::Sort::Date,
            asked: !req.is_empty(),
            total: results.total,
            first,
            last: (first + PER_PAGE - 1).min(results.total),
            hits,
            facets,
            chips,
            correction,
            building,
            prev: (req.page > 1).then(|| page_url(req.page - 1)),
            next: (req.page < total_pages).then(|| page_url(req.page + 1)),
            pages,
            from: req.from.map(|d| d.to_string()).unwrap_or_default(),
            to: req.to.map(|d| d.to_string()).unwrap_or_default(),
            keep,
            sort_relevance_url: url(params, |p| p.sort = None),
            sort_date_url: url(params, |p| p.sort = Some("date".into())),
        }
    }
}

fn hit_view(
    h: Hit,
    params: &Params,
    org: &OrgView,
    people: &std::collections::HashMap<&str, &str>,
) -> HitView {
    let mut meta = vec![];
    if !h.context.is_empty() {
        meta.push(h.context.clone());
    }
    // A person's or a team's own units say little in a result line; a record's say where
    // it comes from.
    if matches!(h.kind.as_str(), "lesson" | "page") {
        let names: Vec<&str> = h
            .unit_ids
            .iter()
            .filter_map(|id| org.snap.unit(*id))
            .map(|u| u.name.as_str())
            .take(3)
            .collect();
        if !names.is_empty() {
            meta.push(names.join(", "));
        }
    }
    if let Some(d) = h.date
        && h.kind != "person"
        && h.kind != "unit"
    {
        meta.push(d.format("%Y-%m-%d").to_string());
    }
    HitView {
        kind: kind_label(&h.kind),
        author: h.author.as_ref().map(|a| {
            (
                people.get(a.as_str()).unwrap_or(&a.as_str()).to_string(),
                url(params, |p| p.author = Some(a.clone())),
            )
        }),
        tags: h
            .tags
            .iter()
            .map(|t| (t.clone(), url(params, |p| p.tag = Some(t.clone()))))
            .collect(),
        title: h.title,
        url: h.url,
        snippet: h.snippet,
        meta,
    }
}
