//! Links in Markdown: `[[wikilinks]]` and what they point to ([`WikiTarget`], resolved by a
//! [`Resolve`]), and rewriting the links of Markdown source (the export's relative links).

use std::collections::BTreeSet;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::{options, slugify};

/// Where a wikilink points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WikiTarget {
    /// A page, by slug or title as written.
    Page(String),
    /// An org unit or person: `squad:payments`, `person:alice`.
    Org { kind: String, slug: String },
}

impl WikiTarget {
    /// `[[squad:payments]]` names an org thing; anything else a page.
    pub fn parse(raw: &str) -> WikiTarget {
        let raw = raw.trim();
        if let Some((kind, slug)) = raw.split_once(':') {
            let kind = kind.trim().to_ascii_lowercase();
            if ORG_KINDS.contains(&kind.as_str()) {
                return WikiTarget::Org {
                    kind,
                    slug: slug.trim().to_ascii_lowercase(),
                };
            }
        }
        WikiTarget::Page(raw.to_string())
    }

    /// The key "What links here" matches on: lower-cased.
    pub fn key(&self) -> String {
        match self {
            WikiTarget::Page(p) => p.to_lowercase(),
            WikiTarget::Org { kind, slug } => format!("{kind}:{slug}"),
        }
    }
}

const ORG_KINDS: &[&str] = &[
    "tribe", "squad", "chapter", "guild", "trio", "alliance", "person",
];

/// Resolves wikilinks to addresses and names, or says they lead nowhere yet.
pub trait Resolve {
    /// The (url, title) of an existing page named by slug or title.
    fn page(&self, target: &str) -> Option<(String, String)>;
    /// The (url, name) of an existing org unit or person.
    fn org(&self, kind: &str, slug: &str) -> Option<(String, String)>;
}

/// For text rendered without a database at hand: every link is taken to exist.
pub struct Unresolved;

impl Resolve for Unresolved {
    fn page(&self, target: &str) -> Option<(String, String)> {
        Some((format!("/pages/{}", slugify(target)), target.to_string()))
    }
    fn org(&self, kind: &str, slug: &str) -> Option<(String, String)> {
        Some((org_url(kind, slug), slug.to_string()))
    }
}

/// The address of an org thing: a person's page, or a unit kind's plural. Markdown sits
/// below the org and cannot ask it; `org::unit` has a test that `UnitKind::url` agrees.
pub fn org_url(kind: &str, slug: &str) -> String {
    match kind {
        "person" => format!("/people/{slug}"),
        k => format!("/{k}s/{slug}"),
    }
}

/// A link in Markdown source, as [`rewrite_links`] offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLink {
    /// `[[target]]` or `[[target|label]]`; `label` is the text written after the bar.
    Wiki {
        target: WikiTarget,
        label: Option<String>,
    },
    /// The destination of an ordinary link or image.
    Url(String),
}

/// What to put in place of a link.
pub enum Rewrite {
    /// The whole link (for a wikilink: `[[…]]`) becomes this Markdown.
    Whole(String),
    /// Only the destination changes (ordinary links and images).
    Url(String),
}

/// Rewrites the links of Markdown source and leaves every other byte as written (the
/// export's relative links and image files). Links inside code are not links and stay.
pub fn rewrite_links(
    markdown: &str,
    rewrite: &mut dyn FnMut(&SourceLink) -> Option<Rewrite>,
) -> String {
    let events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (i, (event, range)) in events.iter().enumerate() {
        let (link, dest) = match event {
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => {
                let label = has_pothole.then(|| {
                    events[i + 1..]
                        .iter()
                        .take_while(|(e, _)| !matches!(e, Event::End(TagEnd::Link)))
                        .filter_map(|(e, _)| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect::<String>()
                });
                let link = SourceLink::Wiki {
                    target: WikiTarget::parse(dest_url),
                    label,
                };
                (link, None)
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                (SourceLink::Url(dest_url.to_string()), Some(dest_url))
            }
            _ => continue,
        };
        match (rewrite(&link), dest) {
            (Some(Rewrite::Whole(text)), _) => edits.push((range.clone(), text)),
            // The destination comes after the link text, so its last occurrence in the
            // link's source is the one to change (`[![x](/a)](/a)` has two).
            (Some(Rewrite::Url(url)), Some(dest)) if !dest.is_empty() => {
                if let Some(at) = markdown[range.clone()].rfind(dest.as_ref()) {
                    let start = range.start + at;
                    edits.push((start..start + dest.len(), url));
                }
            }
            _ => {}
        }
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (range, text) in edits {
        // Edits never overlap in practice; one that would is left out rather than garbled.
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

/// Text for inside `[…]` of a Markdown link: the brackets and backslashes escaped.
pub fn link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The distinct keys of a text's wikilinks (for "What links here").
pub fn link_keys(links: &[WikiTarget]) -> BTreeSet<String> {
    links.iter().map(WikiTarget::key).collect()
}
