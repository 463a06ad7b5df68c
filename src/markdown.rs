//! Markdown → [`SafeHtml`]: pulldown-cmark renders CommonMark with GitHub-style tables, task
//! lists, strikethrough and footnotes, heading anchors and `[[wikilinks]]`; ammonia then removes
//! everything not on its allow-list. `SafeHtml` is the only type templates may print unescaped.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// HTML that went through the sanitizer. It can only be made by this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

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

/// A rendering and the wikilinks it contains.
pub struct Rendered {
    pub html: SafeHtml,
    pub links: Vec<WikiTarget>,
}

/// Renders without resolving wikilinks against the database (bios, descriptions).
pub fn render(markdown: &str) -> SafeHtml {
    render_with(markdown, &Unresolved).html
}

/// A slug made of text, for heading anchors and unresolved page links.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_WIKILINKS
}

/// Renders Markdown, resolving wikilinks with `resolver`: links to existing things get their
/// address (and, when the link gives no text of its own, their name); links to missing pages
/// lead to creating them and are marked `missing`.
pub fn render_with(markdown: &str, resolver: &dyn Resolve) -> Rendered {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut links = Vec::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut footnotes: HashMap<String, usize> = HashMap::new();
    let footnote_number = |label: &str, map: &mut HashMap<String, usize>| -> usize {
        let next = map.len() + 1;
        *map.entry(label.to_string()).or_insert(next)
    };
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                // The anchor comes from the heading's text.
                let text: String = events[i + 1..]
                    .iter()
                    .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let base = format!("h-{}", slugify(&text));
                let n = used_ids.entry(base.clone()).or_insert(0);
                *n += 1;
                let id = if *n == 1 { base } else { format!("{base}-{n}") };
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => {
                let target = WikiTarget::parse(dest_url);
                let resolved = match &target {
                    WikiTarget::Page(p) => resolver.page(p),
                    WikiTarget::Org { kind, slug } => resolver.org(kind, slug),
                };
                let (href, class, name) = match (&target, resolved) {
                    (_, Some((url, name))) => (url, "wikilink", Some(name)),
                    (WikiTarget::Page(p), None) => (
                        format!("/pages/new?title={}", url_encode(p)),
                        "wikilink missing",
                        None,
                    ),
                    (WikiTarget::Org { kind, slug }, None) => {
                        (org_url(kind, slug), "wikilink missing", None)
                    }
                };
                let label = if *has_pothole { None } else { name };
                links.push(target);
                out.push(Event::Html(CowStr::from(format!(
                    "<a href=\"{}\" class=\"{class}\">",
                    escape_attr(&href)
                ))));
                // The link's own events up to its end; without a label of its own, the
                // resolved name replaces the raw target text.
                let mut j = i + 1;
                let mut replaced = false;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Link)) {
                    match (&events[j], &label) {
                        (Event::Text(_), Some(name)) => {
                            if !replaced {
                                out.push(Event::Text(CowStr::from(name.clone())));
                                replaced = true;
                            }
                        }
                        (e, _) => out.push(e.clone()),
                    }
                    j += 1;
                }
                out.push(Event::Html(CowStr::from("</a>")));
                i = j + 1;
                continue;
            }
            // Footnotes are written here so their anchors get fika's "fn-" ids, which the
            // sanitizer lets through (a label like "main" must not clobber the page's ids).
            Event::FootnoteReference(label) => {
                let n = footnote_number(label, &mut footnotes);
                let id = slugify(label);
                out.push(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#fn-{id}\">{n}</a></sup>"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = footnote_number(label, &mut footnotes);
                let id = slugify(label);
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                out.push(Event::Html(CowStr::from("</div>")));
            }
            e => out.push(e.clone()),
        }
        i += 1;
    }
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, out.into_iter());
    Rendered {
        html: SafeHtml(sanitizer().clean(&raw).to_string()),
        links,
    }
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The allow-list, built once. On top of ammonia's defaults (which already drop scripts,
/// event handlers, styles, `javascript:` and `data:` URLs, SVG and MathML): heading anchors,
/// task-list checkboxes, footnote anchors and the wikilink classes.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.link_rel(Some("nofollow noopener noreferrer"))
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_allowed_classes("a", ["wikilink", "missing"])
            .add_allowed_classes("sup", ["footnote-reference"])
            .add_allowed_classes("div", ["footnote-definition"])
            .add_allowed_classes("sup", ["footnote-definition-label"])
            .add_tag_attributes("div", ["id"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                // Only checkboxes, only disabled: a page cannot grow a form.
                ("input", "type") => (value == "checkbox").then_some(value.into()),
                // Ids only where fika makes them, so a page cannot clobber the layout's ids.
                (_, "id") if value.starts_with("h-") || value.starts_with("fn-") => {
                    Some(value.into())
                }
                (_, "id") => None,
                _ => Some(value.into()),
            });
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b
    })
}

/// Plain text of Markdown (for summaries and, later, the search index).
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for e in Parser::new_ext(markdown, options()) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // Inline markup ends inside a sentence: "[[Guide]])" stays "Guide)".
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;
    impl Resolve for Fake {
        fn page(&self, target: &str) -> Option<(String, String)> {
            (target.eq_ignore_ascii_case("onboarding") || target == "Onboarding guide")
                .then(|| ("/pages/onboarding".into(), "Onboarding guide".into()))
        }
        fn org(&self, kind: &str, slug: &str) -> Option<(String, String)> {
            (kind == "squad" && slug == "payments")
                .then(|| ("/squads/payments".into(), "Payments".into()))
        }
    }

    fn html(md: &str) -> String {
        render_with(md, &Fake).html.as_str().to_string()
    }

    #[test]
    fn renders_gfm() {
        let out = html(
            "# Hi there\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ **b**\n\nNote[^1]\n\n[^1]: A footnote.",
        );
        assert!(out.contains("<h1 id=\"h-hi-there\">Hi there</h1>"), "{out}");
        assert!(out.contains("<table>"), "{out}");
        assert!(
            out.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\">")
                || out.contains("checked"),
            "{out}"
        );
        assert!(out.contains("<del>old</del>"));
        assert!(
            out.contains("<sup class=\"footnote-reference\"><a href=\"#fn-1\""),
            "{out}"
        );
        assert!(
            out.contains("<div class=\"footnote-definition\" id=\"fn-1\">"),
            "{out}"
        );
        let out = html("x[^main]\n\n[^main]: clobber?");
        assert!(
            out.contains("id=\"fn-main\"") && !out.contains("id=\"main\""),
            "{out}"
        );
    }

    #[test]
    fn duplicate_headings_get_distinct_anchors() {
        let out = html("## Notes\n\n## Notes");
        assert!(
            out.contains("id=\"h-notes\"") && out.contains("id=\"h-notes-2\""),
            "{out}"
        );
    }

    #[test]
    fn links_are_rewritten_in_the_source_and_nothing_else() {
        let md = "See [[Onboarding guide|the guide]] and [[Nowhere]].\n\n![dot](/images/abc \"Dot\") [![x](/images/abc)](/images/abc)\n\n`[[code]]` and [site](https://example.com)\n";
        let out = rewrite_links(md, &mut |l| match l {
            SourceLink::Wiki {
                target: WikiTarget::Page(p),
                label,
            } if p == "Onboarding guide" => Some(Rewrite::Whole(format!(
                "[{}](onboarding.md)",
                link_text(label.as_deref().unwrap_or(p))
            ))),
            SourceLink::Url(u) if u == "/images/abc" => {
                Some(Rewrite::Url("../images/abc.png".into()))
            }
            _ => None,
        });
        assert_eq!(
            out,
            "See [the guide](onboarding.md) and [[Nowhere]].\n\n![dot](../images/abc.png \"Dot\") [![x](../images/abc.png)](../images/abc.png)\n\n`[[code]]` and [site](https://example.com)\n"
        );
        assert_eq!(link_text("a [b] \\ c"), "a \\[b\\] \\\\ c");
    }

    #[test]
    fn wikilinks_resolve_or_lead_to_creation() {
        let r = render_with(
            "See [[onboarding]], [[Onboarding guide|the guide]], [[squad:payments]], [[Nowhere yet]] and `[[not a link]]`.",
            &Fake,
        );
        let out = r.html.as_str();
        assert!(out.contains("<a href=\"/pages/onboarding\" class=\"wikilink\" rel=\"nofollow noopener noreferrer\">Onboarding guide</a>"), "{out}");
        assert!(out.contains(">the guide</a>"), "{out}");
        assert!(
            out.contains("href=\"/squads/payments\"") && out.contains(">Payments</a>"),
            "{out}"
        );
        assert!(
            out.contains("href=\"/pages/new?title=Nowhere+yet\" class=\"wikilink missing\""),
            "{out}"
        );
        assert!(out.contains("<code>[[not a link]]</code>"), "{out}");
        let keys = link_keys(&r.links);
        assert!(
            keys.contains("onboarding")
                && keys.contains("squad:payments")
                && keys.contains("nowhere yet")
        );
    }

    #[test]
    fn sanitizes() {
        let cases = [
            ("<script>alert(1)</script>", "<script"),
            ("<img src=x onerror=alert(1)>", "onerror"),
            ("[x](javascript:alert(1))", "javascript:"),
            ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
            ("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "avascript"),
            ("<svg><script>alert(1)</script></svg>", "<svg"),
            (
                "<math><mtext><script>alert(1)</script></mtext></math>",
                "<math",
            ),
            ("<!-- <script>alert(1)</script> -->", "<!--"),
            (
                "<div><p>unclosed <b>bold <i>x</div>",
                "<div><p>unclosed <b>bold <i>x</div>",
            ),
            ("<h2 id=\"main\">clobber</h2>", "id=\"main\""),
            ("<input type=\"text\" name=\"csrf_token\">", "type=\"text\""),
            (
                "<form action=\"/logout\"><button>x</button></form>",
                "<form",
            ),
            ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
            ("<style>body{display:none}</style>", "<style"),
            ("<p style=\"position:fixed\">x</p>", "style="),
        ];
        for (md, bad) in cases {
            let out = html(md);
            assert!(!out.contains(bad), "{md:?} gave {out:?}");
        }
        let out = html("[ext](https://example.com)");
        assert!(
            out.contains("rel=\"nofollow noopener noreferrer\""),
            "{out}"
        );
    }

    #[test]
    fn plain_text_strips_markup() {
        assert_eq!(
            plain_text("# Title\n\nSome **bold** `code`."),
            "Title Some bold code."
        );
    }
}
