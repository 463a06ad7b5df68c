//! The links a profile or unit page shows, written one a line and checked when saved.

use serde::Serialize;

/// A link shown on a profile or unit page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// Parses links written one a line, "Label https://…" or just the URL. Only http(s) and
/// mailto URLs are accepted: a `javascript:` link must never reach a page.
pub fn parse_links(text: &str) -> Result<Vec<Link>, String> {
    let mut links = Vec::new();
    for (n, line) in text.lines().map(str::trim).enumerate() {
        if line.is_empty() {
            continue;
        }
        let (label, url) = match line.rsplit_once(char::is_whitespace) {
            Some((label, url)) => (label.trim(), url.trim()),
            None => ("", line),
        };
        let lower = url.to_ascii_lowercase();
        let ok = (lower.starts_with("https://") || lower.starts_with("http://")) && url.len() > 8
            || lower.starts_with("mailto:") && url.len() > 7;
        if !ok {
            return Err(format!(
                "Link {} ({line:?}) needs a URL starting with https://, http:// or mailto:.",
                n + 1
            ));
        }
        let label = if label.is_empty() { url } else { label };
        links.push(Link {
            label: label.to_string(),
            url: url.to_string(),
        });
    }
    Ok(links)
}

/// Links already stored were checked when saved; a bad line is skipped, never shown.
pub fn stored_links(text: &str) -> Vec<Link> {
    text.lines()
        .filter_map(|l| parse_links(l).ok())
        .flatten()
        .collect()
}
