//! Rewrites pulldown-cmark's events into the HTML fika serves, which follows GitHub's
//! rendering where pulldown-cmark's own differs: heading anchors, resolved wikilinks, table
//! cells with `align`, code fences with their language and colours, bare URLs, `www.` and
//! e-mail addresses as links, and footnotes gathered at the end with links back to where
//! they are referenced.

use std::collections::HashMap;

use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};

use super::{Resolve, WikiTarget, escape_html, highlight, links::org_url, slugify, url_encode};

/// Where a table is: its columns' alignments, whether in the head, which column.
#[derive(Default)]
struct TableAt {
    aligns: Vec<Alignment>,
    head: bool,
    column: usize,
}

pub(super) struct Rewriter<'r, 'e> {
    resolver: &'r dyn Resolve,
    out: Vec<Event<'e>>,
    pub links: Vec<WikiTarget>,
    used_ids: HashMap<String, usize>,
    /// Footnote labels in the order they are first referenced (that is their number), with
    /// how often each is referenced.
    footnotes: Vec<(String, usize)>,
    /// The footnotes' texts, by label, written out at the end.
    definitions: HashMap<String, Vec<Event<'e>>>,
    /// While a footnote's text is read: its label and its events so far.
    defining: Option<(String, Vec<Event<'e>>)>,
    table: TableAt,
    /// Inside a link or an image, where text must not become a link of its own.
    in_link: usize,
}

impl<'r, 'e> Rewriter<'r, 'e> {
    pub fn new(resolver: &'r dyn Resolve) -> Self {
        Rewriter {
            resolver,
            out: Vec::new(),
            links: Vec::new(),
            used_ids: HashMap::new(),
            footnotes: Vec::new(),
            definitions: HashMap::new(),
            defining: None,
            table: TableAt::default(),
            in_link: 0,
        }
    }

    /// The rewritten events of the whole document, footnotes last.
    pub fn run(&mut self, events: &[Event<'e>]) -> Vec<Event<'e>> {
        self.out.reserve(events.len());
        let mut i = 0;
        while i < events.len() {
            i = self.event(events, i);
        }
        self.write_footnotes();
        std::mem::take(&mut self.out)
    }

    fn push(&mut self, e: Event<'e>) {
        match &mut self.defining {
            Some((_, text)) => text.push(e),
            None => self.out.push(e),
        }
    }

    fn html(&mut self, html: String) {
        self.push(Event::Html(CowStr::from(html)));
    }

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
                self.push(Event::Start(Tag::Heading {
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
            e @ Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                self.in_link += 1;
                self.push(e.clone());
            }
            e @ Event::End(TagEnd::Link | TagEnd::Image) => {
                self.in_link = self.in_link.saturating_sub(1);
                self.push(e.clone());
            }
            Event::Start(Tag::CodeBlock(kind)) => return self.code_block(events, i, kind),
            Event::Text(t) if self.in_link == 0 => self.autolink(t),
            Event::Start(Tag::Table(aligns)) => {
                self.table = TableAt {
                    aligns: aligns.clone(),
                    ..TableAt::default()
                };
                self.push(events[i].clone());
            }
            e @ (Event::Start(Tag::TableHead | Tag::TableRow) | Event::End(TagEnd::TableHead)) => {
                self.table.head = matches!(e, Event::Start(Tag::TableHead));
                self.table.column = 0;
                self.push(e.clone());
            }
            Event::Start(Tag::TableCell) => self.html(self.cell_start()),
            Event::End(TagEnd::TableCell) => {
                let tag = if self.table.head { "th" } else { "td" };
                self.html(format!("</{tag}>"));
                self.table.column += 1;
            }
            Event::FootnoteReference(label) => self.footnote_reference(label),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.defining = Some((label.to_string(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, text)) = self.defining.take() {
                    self.definitions.entry(label).or_insert(text);
                }
            }
            e => self.push(e.clone()),
        }
        i + 1
    }

    /// `<th>` or `<td>`, with the column's alignment as GitHub writes it (an `align`
    /// attribute: the page's content policy allows no inline styles).
    fn cell_start(&self) -> String {
        let tag = if self.table.head { "th" } else { "td" };
        let align = match self.table.aligns.get(self.table.column) {
            Some(Alignment::Left) => " align=\"left\"",
            Some(Alignment::Center) => " align=\"center\"",
            Some(Alignment::Right) => " align=\"right\"",
            _ => "",
        };
        format!("<{tag}{align}>")
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

    /// The code block starting at `i` as one piece of HTML; returns the index after its end.
    fn code_block(&mut self, events: &[Event<'e>], i: usize, kind: &CodeBlockKind) -> usize {
        let mut code = String::new();
        let mut j = i + 1;
        while j < events.len() && !matches!(events[j], Event::End(TagEnd::CodeBlock)) {
            if let Event::Text(t) = &events[j] {
                code.push_str(t);
            }
            j += 1;
        }
        let language = match kind {
            CodeBlockKind::Fenced(info) => highlight::fence_language(info),
            CodeBlockKind::Indented => None,
        };
        self.html(highlight::code_block(language, &code));
        j + 1
    }

    /// Text, with what GitHub links by itself made links: `http(s)://` URLs, `www.`
    /// addresses (as `http://`) and e-mail addresses.
    fn autolink(&mut self, text: &CowStr<'e>) {
        if !(text.contains("://") || text.contains("www.") || text.contains('@')) {
            self.push(Event::Text(text.clone()));
            return;
        }
        let mut finder = LinkFinder::new();
        finder.url_must_have_scheme(false);
        for span in finder.spans(text) {
            let s = span.as_str();
            let lower = s.to_ascii_lowercase();
            let href = match span.kind() {
                Some(LinkKind::Url)
                    if lower.starts_with("http://") || lower.starts_with("https://") =>
                {
                    Some(s.to_string())
                }
                Some(LinkKind::Url) if lower.starts_with("www.") => Some(format!("http://{s}")),
                Some(LinkKind::Email) => Some(format!("mailto:{s}")),
                _ => None,
            };
            if let Some(href) = href {
                self.html(format!("<a href=\"{}\">", escape_html(&href)));
                self.push(Event::Text(CowStr::from(s.to_string())));
                self.html("</a>".into());
            } else {
                self.mentions(s);
            }
        }
    }

    /// Text with `@username` mentions of people who exist made links to them; a name
    /// nobody has stays text.
    fn mentions(&mut self, text: &str) {
        let mut from = 0;
        for (range, name) in super::mentions::find(text) {
            let Some((href, _)) = self.resolver.org("person", &name) else {
                continue;
            };
            if range.start > from {
                self.push(Event::Text(CowStr::from(
                    text[from..range.start].to_string(),
                )));
            }
            self.html(format!(
                "<a href=\"{}\" class=\"mention\">",
                escape_html(&href)
            ));
            self.push(Event::Text(CowStr::from(text[range.clone()].to_string())));
            self.html("</a>".into());
            from = range.end;
        }
        if from < text.len() {
            self.push(Event::Text(CowStr::from(text[from..].to_string())));
        }
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
        self.html(format!(
            "<a href=\"{}\" class=\"{class}\">",
            escape_html(&href)
        ));
        // The link's own events up to its end; without a label of its own, the resolved
        // name replaces the raw target text.
        let mut j = i + 1;
        let mut replaced = false;
        while j < events.len() && !matches!(events[j], Event::End(TagEnd::Link)) {
            match (&events[j], &label) {
                (Event::Text(_), Some(name)) => {
                    if !replaced {
                        self.push(Event::Text(CowStr::from(name.clone())));
                        replaced = true;
                    }
                }
                (e, _) => self.push(e.clone()),
            }
            j += 1;
        }
        self.html("</a>".into());
        j + 1
    }

    /// A reference to a footnote: its number, linking to the note, with an id the note links
    /// back to (`fnref-x`, then `fnref-x-2` for the second reference to the same note).
    fn footnote_reference(&mut self, label: &str) {
        let n = match self.footnotes.iter().position(|(l, _)| l == label) {
            Some(p) => p + 1,
            None => {
                self.footnotes.push((label.to_string(), 0));
                self.footnotes.len()
            }
        };
        let count = &mut self.footnotes[n - 1].1;
        *count += 1;
        let k = *count;
        let id = note_id(label, n);
        let back = if k == 1 {
            id.clone()
        } else {
            format!("{id}-{k}")
        };
        self.html(format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{id}\" id=\"fnref-{back}\">{n}</a></sup>"
        ));
    }

    /// The referenced footnotes, in number order, in a list at the end; each ends with a
    /// link back to every place that refers to it (inside its last paragraph, as GitHub
    /// does). Notes nobody refers to are left out.
    fn write_footnotes(&mut self) {
        let notes: Vec<(usize, String, usize, Vec<Event<'e>>)> = self
            .footnotes
            .iter()
            .enumerate()
            .filter_map(|(i, (label, count))| {
                let text = self.definitions.remove(label)?;
                Some((i + 1, label.clone(), *count, text))
            })
            .collect();
        if notes.is_empty() {
            return;
        }
        self.html("<section class=\"footnotes\">\n<ol>\n".into());
        for (n, label, count, mut text) in notes {
            let id = note_id(&label, n);
            self.html(format!("<li id=\"fn-{id}\">\n"));
            let back = (1..=count)
                .map(|k| {
                    let (to, mark) = match k {
                        1 => (id.clone(), String::new()),
                        k => (format!("{id}-{k}"), format!("<sup>{k}</sup>")),
                    };
                    format!(
                        " <a href=\"#fnref-{to}\" class=\"footnote-backref\" aria-label=\"Back to reference {n}\">\u{21a9}{mark}</a>"
                    )
                })
                .collect::<String>();
            let end = matches!(text.last(), Some(Event::End(TagEnd::Paragraph)))
                .then(|| text.pop())
                .flatten();
            self.out.extend(text);
            self.out.push(Event::Html(CowStr::from(back)));
            self.out.extend(end);
            self.html("</li>\n".into());
        }
        self.html("</ol>\n</section>\n".into());
    }
}

/// The id part of a footnote's anchors: its label as a slug (so a label like "main" gives
/// `fn-main`, never the page's own `main`), or its number when the label has no letters.
fn note_id(label: &str, n: usize) -> String {
    match slugify(label) {
        s if s.is_empty() => n.to_string(),
        s => s,
    }
}
