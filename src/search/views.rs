//! The `/search` page: results with highlights, facets that narrow down, active filters that
//! can be removed one by one, corrections and pagination. Everything shown is prepared here,
//! so the template only prints.

use askama::Template;

use super::run::{Correction, Facets, Highlight, Hit, Params, Request, Results};
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

/// What the page says when not every word had to match.
pub struct RelaxedView {
    /// Records with every word (shown first).
    pub all_words: usize,
    /// "most" (at least half the words needed) or "some".
    pub how_many: &'static str,
    pub words: Vec<String>,
    /// Words no record the viewer may read holds.
    pub missing: Vec<String>,
}

impl RelaxedView {
    pub fn words_listed(&self) -> Vec<(String, &'static str)> {
        listed(&self.words)
    }

    pub fn missing_listed(&self) -> Vec<(String, &'static str)> {
        listed(&self.missing)
    }
}

/// Each word and what follows it in "a, b and c".
fn listed(words: &[String]) -> Vec<(String, &'static str)> {
    let n = words.len();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let sep = match n - 1 - i {
                0 => "",
                1 => " and ",
                _ => ", ",
            };
            (w.clone(), sep)
        })
        .collect()
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
    pub relaxed: Option<RelaxedView>,
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
        "step" => "Career step",
        _ => "Record",
    }
}

fn kind_plural(kind: &str) -> String {
    match kind {
        "person" => "People".into(),
        k => format!("{}s", kind_label(k)),
    }
}

/// Links to `/search` with one parameter changed or removed; any change but paging goes back
/// to page 1. Built once per page: a results page has dozens of links.
pub struct Links {
    pairs: Vec<(&'static str, String)>,
}

impl Links {
    pub fn new(p: &Params) -> Links {
        let pairs = [
            ("q", &p.q),
            ("kind", &p.kind),
            ("unit", &p.unit),
            ("tag", &p.tag),
            ("author", &p.author),
            ("from", &p.from),
            ("to", &p.to),
            ("sort", &p.sort),
            ("per_page", &p.per_page),
            ("correct", &p.correct),
        ]
        .into_iter()
        // Empty values are noise in a shared link.
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (k, v.to_string()))
        })
        .collect();
        Links { pairs }
    }

    pub fn with(&self, key: &str, value: Option<&str>) -> String {
        let value = value.filter(|v| !v.trim().is_empty());
        let mut query = form_urlencoded::Serializer::new(String::new());
        let mut placed = false;
        for (k, v) in &self.pairs {
            if *k == key {
                placed = true;
                if let Some(v) = value {
                    query.append_pair(k, v);
                }
            } else {
                query.append_pair(k, v);
            }
        }
        if !placed && let Some(v) = value {
            query.append_pair(key, v);
        }
        match query.finish() {
            q if q.is_empty() => "/search".into(),
            q => format!("/search?{q}"),
        }
    }
}

/// The name of the unit at a facet path (its last two segments are kind and slug).
fn unit_name(org: &OrgView, path: &str) -> String {
    let mut parts = path.trim_matches('/').rsplitn(3, '/');
    let (slug, kind) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    org.unit_by_key(kind, slug)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| slug.to_string())
}

/// The facet path of a unit of `kind` by slug.
fn unit_path(org: &OrgView, kind: UnitKind, slug: &str) -> Option<String> {
    let u = org.unit_by_key(kind.as_str(), slug)?;
    Some(super::records::facet_path(
        u,
        u.tribe_id.and_then(|t| org.snap.unit(t)),
    ))
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
        let links = Links::new(params);
        let relaxed = relaxed(&results);
        let name_of = |username: &str| -> String {
            org.person_by_username(username)
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| username.to_string())
        };
        let hits = results
            .hits
            .into_iter()
            .map(|h| hit_view(h, &links, org, &name_of))
            .collect();
        let facets = facets(&results.facets, req, org, &links);

        let chips = chips(req, org, &links, &name_of);
        let correction = results
            .correction
            .map(|c| correction(c, params, req, &links));
        let per_page = req.per_page;
        let total_pages = results
            .total
            .div_ceil(per_page)
            .min(super::run::MAX_RESULTS / per_page);
        let page_url = |n: usize| {
            let n = (n > 1).then(|| n.to_string());
            links.with("page", n.as_deref())
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
        let first = (req.page - 1) * per_page + 1;
        let keep = kept_filters(params);
        SearchPage {
            shell,
            q: req.q.clone(),
            by_date: req.sort == super::run::Sort::Date,
            asked: !req.is_empty(),
            total: results.total,
            first,
            last: (first + per_page - 1).min(results.total),
            hits,
            facets,
            chips,
            correction,
            relaxed,
            building,
            prev: (req.page > 1).then(|| page_url(req.page - 1)),
            next: (req.page < total_pages).then(|| page_url(req.page + 1)),
            pages,
            from: req.from.map(|d| d.to_string()).unwrap_or_default(),
            to: req.to.map(|d| d.to_string()).unwrap_or_default(),
            keep,
            sort_relevance_url: links.with("sort", None),
            sort_date_url: links.with("sort", Some("date")),
        }
    }
}

fn hit_view(h: Hit, links: &Links, org: &OrgView, name_of: &dyn Fn(&str) -> String) -> HitView {
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
    let snippet = if h.kind == "person" && repeats_the_hit(&h) {
        Highlight::default()
    } else {
        h.snippet
    };
    HitView {
        kind: kind_label(&h.kind),
        author: h
            .author
            .as_ref()
            .map(|a| (name_of(a), links.with("author", Some(a)))),
        tags: h
            .tags
            .iter()
            .map(|t| (t.clone(), links.with("tag", Some(t))))
            .collect(),
        title: h.title,
        url: h.url,
        snippet,
        meta,
    }
}

/// A person's snippet that says only what the hit's title and line say already (their
/// username, title and discipline, which their record holds to be found by): no snippet.
/// One with words from their bio is kept.
fn repeats_the_hit(h: &Hit) -> bool {
    let username = h.url.trim_start_matches("/people/");
    let known: Vec<String> = std::iter::once(username)
        .chain(h.context.split(" · "))
        .chain([h.title.text.as_str()])
        .flat_map(str::split_whitespace)
        .map(str::to_lowercase)
        .collect();
    h.snippet
        .text
        .split_whitespace()
        .all(|w| known.contains(&w.to_lowercase()))
}

/// The facets beside the results: kinds, tribes, squads and tags, each value a link that
/// narrows the search (none shown when a facet has no values).
fn facets(f: &Facets, req: &Request, org: &OrgView, links: &Links) -> Vec<FacetView> {
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
                url: links.with("kind", Some(k)),
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
                    let path = unit_path(org, kind, slug)?;
                    Some(FacetValue {
                        label: unit_name(org, &path),
                        count: *n,
                        active: req.unit.as_deref() == Some(path.as_str()),
                        url: links.with("unit", Some(&path)),
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
                url: links.with("tag", Some(t)),
            })
            .collect(),
    ));
    facets.retain(|f| !f.values.is_empty());
    facets
}

/// The filters in force, each a chip whose link removes it.
fn chips(
    req: &Request,
    org: &OrgView,
    links: &Links,
    name_of: &dyn Fn(&str) -> String,
) -> Vec<Chip> {
    let mut chips = vec![];
    if let Some(k) = &req.kind {
        chips.push(Chip {
            label: kind_plural(k),
            remove: links.with("kind", None),
        });
    }
    if let Some(u) = &req.unit {
        chips.push(Chip {
            label: unit_name(org, u),
            remove: links.with("unit", None),
        });
    }
    if let Some(t) = &req.tag {
        chips.push(Chip {
            label: format!("#{t}"),
            remove: links.with("tag", None),
        });
    }
    if let Some(a) = &req.author {
        chips.push(Chip {
            label: format!("by {}", name_of(a)),
            remove: links.with("author", None),
        });
    }
    if let Some(d) = req.from {
        chips.push(Chip {
            label: format!("from {d}"),
            remove: links.with("from", None),
        });
    }
    if let Some(d) = req.to {
        chips.push(Chip {
            label: format!("until {d}"),
            remove: links.with("to", None),
        });
    }
    chips
}

/// What the search did with a misspelt query: showing the corrected one (with a link to
/// exactly what was typed), or only suggesting it.
fn correction(c: Correction, params: &Params, req: &Request, links: &Links) -> CorrectionView {
    match c {
        Correction::Showing { used, typed } => CorrectionView {
            showing: true,
            used_url: links.with("q", Some(&used)),
            // Exactly what was typed, not corrected again.
            typed_url: Links::new(&Params {
                q: Some(typed.clone()),
                correct: Some("0".into()),
                page: None,
                ..params.clone()
            })
            .with("page", None),
            used,
            typed,
        },
        Correction::DidYouMean(used) => CorrectionView {
            showing: false,
            used_url: links.with("q", Some(&used)),
            typed: req.q.clone(),
            typed_url: String::new(),
            used,
        },
    }
}

/// The filters the search form carries along as hidden fields when the words change.
fn kept_filters(params: &Params) -> Vec<(&'static str, String)> {
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
    keep
}

/// What was left out when no record had every word: the words, and whether most or some
/// had to match.
fn relaxed(results: &Results) -> Option<RelaxedView> {
    results.relaxed.then(|| RelaxedView {
        all_words: results.all_words,
        how_many: if results.minimum * 2 >= results.words.len() {
            "most"
        } else {
            "some"
        },
        words: results.words.clone(),
        missing: results.missing.clone(),
    })
}
