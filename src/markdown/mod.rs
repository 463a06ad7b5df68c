//! Markdown → [`SafeHtml`]: pulldown-cmark parses CommonMark with GitHub's extensions (tables,
//! task lists, strikethrough, footnotes, alerts) and `[[wikilinks]]`; `rewrite` makes the HTML
//! read as GitHub renders it (aligned table cells, highlighted code fences, autolinks, footnotes
//! with links back) and adds heading anchors; ammonia then removes everything not on its
//! allow-list. `SafeHtml` is the only type templates may print unescaped.

use std::fmt;
use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, TagEnd, TextMergeStream, html};

mod highlight;
mod links;
pub mod mentions;
mod rewrite;

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
        | Options::ENABLE_GFM
}

/// Renders Markdown, resolving wikilinks with `resolver`: links to existing things get their
/// address (and, when the link gives no text of its own, their name); links to missing pages
/// lead to creating them and are marked `missing`.
pub fn render_with(markdown: &str, resolver: &dyn Resolve) -> Rendered {
    // Merged, so that a URL the parser split at a `_` or `(` is one text to find links in.
    let events: Vec<Event> = TextMergeStream::new(Parser::new_ext(markdown, options())).collect();
    let mut w = rewrite::Rewriter::new(resolver);
    let out = w.run(&events);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, out.into_iter());
    Rendered {
        html: SafeHtml(sanitizer().clean(&raw).to_string()),
        links: w.links,
    }
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// Text or an attribute value, escaped for HTML.
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The allow-list, built once. On top of ammonia's defaults (which already drop scripts,
/// event handlers, styles, `javascript:` and `data:` URLs, SVG and MathML): heading anchors,
/// task-list checkboxes, footnotes and their anchors, the wikilink classes, table alignment,
/// code languages and highlighting classes, and GitHub's alerts.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.link_rel(Some("nofollow noopener noreferrer"))
            .add_tags(["input", "section"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_allowed_classes("a", ["wikilink", "missing", "footnote-backref", "mention"])
            .add_allowed_classes("sup", ["footnote-ref"])
            .add_allowed_classes("section", ["footnotes"])
            .add_allowed_classes("blockquote", ALERTS)
            .add_tag_attributes("a", ["id", "aria-label"])
            .add_tag_attributes("li", ["id"])
            .add_tag_attributes("th", ["align"])
            .add_tag_attributes("td", ["align"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("pre", ["tabindex"])
            .add_tag_attributes("span", ["class"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                // Only checkboxes, only disabled: a page cannot grow a form.
                ("input", "type") => (value == "checkbox").then_some(value.into()),
                // Ids only where fika makes them, so a page cannot clobber the layout's ids.
                (_, "id") if ["h-", "fn-", "fnref-"].iter().any(|p| value.starts_with(p)) => {
                    Some(value.into())
                }
                (_, "id") => None,
                // Into the tab order (a code block scrolls), never ahead of the page.
                ("pre", "tabindex") => (value == "0").then_some(value.into()),
                ("th" | "td", "align") => {
                    matches!(value, "left" | "center" | "right").then_some(value.into())
                }
                // A fence's language, and the highlighter's token classes: nothing that
                // could borrow one of the site's own classes.
                ("code", "class") => value
                    .strip_prefix("language-")
                    .filter(|l| highlight::fence_language(l) == Some(l))
                    .map(|_| value.into()),
                ("span", "class") => value
                    .split_whitespace()
                    .all(|c| c.starts_with(highlight::CLASS_PREFIX))
                    .then_some(value.into()),
                _ => Some(value.into()),
            });
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b
    })
}

/// GitHub's alerts (`> [!NOTE]`), as pulldown-cmark marks them.
const ALERTS: [&str; 5] = [
    "markdown-alert-note",
    "markdown-alert-tip",
    "markdown-alert-important",
    "markdown-alert-warning",
    "markdown-alert-caution",
];

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
            out.contains("<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\""),
            "{out}"
        );
        assert!(
            out.contains("<section class=\"footnotes\">\n<ol>\n<li id=\"fn-1\">\n<p>A footnote. <a href=\"#fnref-1\" class=\"footnote-backref\" aria-label=\"Back to reference 1\" rel=\"nofollow noopener noreferrer\">↩</a></p>"),
            "{out}"
        );
        let out = html("x[^main]\n\n[^main]: clobber?");
        assert!(
            out.contains("id=\"fn-main\"") && !out.contains("id=\"main\""),
            "{out}"
        );
    }

    #[test]
    fn reads_as_github_renders() {
        let out = html("| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |");
        assert!(
            out.contains("<th align=\"left\">l</th><th align=\"center\">c</th><th align=\"right\">r</th><th>n</th>"),
            "{out}"
        );
        assert!(
            out.contains("<td align=\"right\">3</td><td>4</td>"),
            "{out}"
        );
        let out = html("```rust\nlet x = 1;\n```");
        assert!(
            out.starts_with("<pre tabindex=\"0\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">"),
            "{out}"
        );
        let out = html("Go to www.example.com, https://example.org/a_(b) or team@example.com.");
        assert!(out.contains("<a href=\"http://www.example.com\" rel=\"nofollow noopener noreferrer\">www.example.com</a>,"), "{out}");
        assert!(
            out.contains("<a href=\"https://example.org/a_(b)\""),
            "{out}"
        );
        assert!(out.contains("<a href=\"mailto:team@example.com\""), "{out}");
        let out = html("[https://example.org](https://example.com) `https://x.org` main.rs");
        assert_eq!(
            out.matches("<a ").count(),
            1,
            "no link in a link or in code: {out}"
        );
        let out = html("A[^n] and again[^n].\n\n[^n]: Note.");
        assert!(
            out.contains("id=\"fnref-n-2\"") && out.contains("href=\"#fnref-n-2\""),
            "{out}"
        );
        let out = html("> [!WARNING]\n> Careful.");
        assert!(
            out.contains("<blockquote class=\"markdown-alert-warning\">"),
            "{out}"
        );
    }

    #[test]
    fn classes_from_the_page_cannot_borrow_the_sites() {
        let out = html(
            "<span class=\"notice hl-x\">a</span> <code class=\"language-x notice\">b</code> <code class=\"language-go\">c</code>\n\n<table><tr><td align=\"justify\">c</td></tr></table>",
        );
        assert!(!out.contains("notice") && !out.contains("justify"), "{out}");
        assert!(
            out.contains("<code class=\"language-go\">c</code>"),
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
