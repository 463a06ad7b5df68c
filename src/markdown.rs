//! Markdown → [`SafeHtml`]: pulldown-cmark renders, ammonia sanitizes with an allow-list.
//! `SafeHtml` is the only type templates may print without escaping.

use std::fmt;

use pulldown_cmark::{Options, Parser, html};

/// HTML that went through the sanitizer. It can only be made by [`render`].
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

/// Renders CommonMark with tables, task lists, strikethrough and footnotes, then removes
/// anything not on ammonia's allow-list (scripts, event handlers, `javascript:` URLs, …).
/// External links get `rel="nofollow noopener noreferrer"`.
pub fn render(markdown: &str) -> SafeHtml {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    SafeHtml(
        ammonia::Builder::default()
            .link_rel(Some("nofollow noopener noreferrer"))
            .clean(&raw)
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_and_sanitizes() {
        let out = render("# Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) **b**");
        assert!(out.as_str().contains("<h1>Hi</h1>"));
        assert!(out.as_str().contains("<strong>b</strong>"));
        assert!(!out.as_str().contains("<script"));
        assert!(!out.as_str().contains("javascript:"));
    }
}
