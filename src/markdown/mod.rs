//! Markdown → [`SafeHtml`]: pulldown-cmark renders CommonMark with GitHub-style tables, task
//! lists, strikethrough and footnotes, heading anchors and `[[wikilinks]]`; ammonia then removes
//! everything not on its allow-list. `SafeHtml` is the only type templates may print unescaped.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

mod links;

pub use links::{
    Resolve, Rewrite, SourceLink, Unresolved, WikiTarget, link_keys, link_text, org_url,
    rewrite_links,
};

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
    let mut w = Rewriter {
        resolver,
        out: Vec::with_capacity(events.len()),
        links: Vec::new(),
        used_ids: HashMap::new(),
        footnotes: HashMap::new(),
    };
    let mut i = 0;
    while i < events.len() {
        i = w.event(&events, i);
    }
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, w.out.into_iter());
    Rendered {
        html: SafeHtml(sanitizer().clean(&raw).to_string()),
        links: w.links,
    }
}

/// Rewrites pulldown-cmark's events into fika's: heading anchors, resolved wiki links and
/// footnotes with ids the sanitizer keeps.
struct Rewriter<'r, 'e> {
    resolver: &'r dyn Resolve,
    out: Vec<Event<'e>>,
    links: Vec<WikiTarget>,
    used_ids: HashMap<String, usize>,
    footnotes: HashMap<String, usize>,
}

impl<'e> Rewriter<'_, 'e> {
    /// Rewrites the event at `i`; returns the index of the next one to read.
    fn event(&mut self, events: &[Event<'e>], i: usize) -> usize {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let id = self.anchor(&events[i + 1..]);
                self.out.push(Event::Start(Tag::Heading {
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
            }) => return self.wikilink(events, i, dest_url, *has_pothole),
            // Footnotes are written here so their anchors get fika's "fn-" ids, which the
            // sanitizer lets through (a label like "main" must not clobber the page's ids).
            Event::FootnoteReference(label) => {
                let (n, id) = (self.footnote_number(label), slugify(label));
                self.out.push(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#fn-{id}\">{n}</a></sup>"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (n, id) = (self.footnote_number(label), slugify(label));
                self.out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>"
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.out.push(Event::Html(CowStr::from("</div>")));
            }
            e => self.out.push(e.clone()),
        }
        i + 1
    }

    /// A heading's anchor, from its text (the events after its start); the second heading
    /// of one text gets "-2", and so on.
    fn anchor(&mut self, rest: &[Event]) -> String {
        let text: String = rest
            .iter()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let base = format!("h-{}", slugify(&text));
        let n = self.used_ids.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { base } else { format!("{base}-{n}") }
    }

    /// The wiki link starting at `i`, resolved (or marked missing); returns the index after
    /// its end.
    fn wikilink(&mut self, events: &[Event<'e>], i: usize, dest: &str, pothole: bool) -> usize {
        let target = WikiTarget::parse(dest);
        let resolved = match &target {
            WikiTarget::Page(p) => self.resolver.page(p),
            WikiTarget::Org { kind, slug } => self.resolver.org(kind, slug),
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
        let label = if pothole { None } else { name };
        self.links.push(target);
        self.out.push(Event::Html(CowStr::from(format!(
            "<a href=\"{}\" class=\"{class}\">",
            escape_attr(&href)
        ))));
        // The link's own events up to its end; without a label of its own, the resolved
        // name replaces the raw target text.
        let mut j = i + 1;
        let mut replaced = false;
        while j < events.len() && !matches!(events[j], Event::End(TagEnd::Link)) {
            match (&events[j], &label) {
                (Event::Text(_), Some(name)) => {
                    if !replaced {
                        self.out.push(Event::Text(CowStr::from(name.clone())));
                        replaced = true;
                    }
                }
                (e, _) => self.out.push(e.clone()),
            }
            j += 1;
        }
        self.out.push(Event::Html(CowStr::from("</a>")));
        j + 1
    }

    /// A footnote's number: its place in the order labels were first seen.
    fn footnote_number(&mut self, label: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(label.to_string()).or_insert(next)
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
