//! Markdown as GitHub renders it: each example in `fixtures/gfm/` rendered by fika and by
//! GitHub's own renderer (cmark-gfm, with the extensions GitHub uses and footnotes), compared
//! after both went through one normalizer that keeps what a reader sees — the elements, the
//! text, links, table alignment and code languages — and drops what legitimately differs:
//! ids, classes, `rel`, the highlighter's spans, whitespace between tags.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// GitHub's renderer, as a command that reads Markdown and writes HTML
/// (`.ci/test-services` installs it).
fn github(markdown: &str) -> String {
    let cmd = std::env::var("FIKA_TEST_GFM").unwrap_or_else(|_| "/tmp/fika-test-gfm/gfm".into());
    let mut child = Command::new(&cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "this test needs cmark-gfm at {cmd} ({e}): bash .ci/test-services start installs it"
            )
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(markdown.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{cmd} failed");
    String::from_utf8(out.stdout).unwrap()
}

/// What a reader sees, the same way for both: one parse and serialization (so entities and
/// attribute quoting agree), only the attributes that carry meaning, no spans, no whitespace
/// between tags.
fn normalized(html: &str) -> String {
    let mut b = ammonia::Builder::empty();
    b.tags(
        [
            "a",
            "blockquote",
            "code",
            "del",
            "em",
            "h1",
            "h2",
            "h3",
            "li",
            "ol",
            "p",
            "pre",
            "section",
            "strong",
            "sup",
            "table",
            "tbody",
            "td",
            "th",
            "thead",
            "tr",
            "ul",
        ]
        .into(),
    )
    .link_rel(None)
    .url_relative(ammonia::UrlRelative::PassThrough)
    .add_tag_attributes("a", ["href"])
    .add_tag_attributes("th", ["align"])
    .add_tag_attributes("td", ["align"])
    .add_tag_attributes("code", ["class"]);
    let clean = b.clean(html).to_string();
    let mut out = String::new();
    let mut rest = clean.trim();
    // Whitespace between two tags is layout, not content (outside `pre`, where none of the
    // examples puts any between tags).
    while let Some(at) = rest.find('>') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let trimmed = rest.trim_start();
        if trimmed.starts_with('<') {
            rest = trimmed;
        }
    }
    out.push_str(rest);
    out.replace(">\n<", "><").trim().to_string()
}

#[test]
#[ignore = "needs cmark-gfm (GitHub's renderer): see README, Run the tests"]
fn markdown_renders_as_github_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/gfm");
    let mut examples: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 5, "the examples are there");
    let mut differ = Vec::new();
    for path in &examples {
        let md = std::fs::read_to_string(path).unwrap();
        let ours = normalized(fika::markdown::render(&md).as_str());
        let theirs = normalized(&github(&md));
        if ours != theirs {
            let diff = similar::TextDiff::from_lines(
                &theirs.replace("><", ">\n<"),
                &ours.replace("><", ">\n<"),
            )
            .unified_diff()
            .header("GitHub (cmark-gfm)", "fika")
            .to_string();
            differ.push(format!("{}:\n{diff}", path.display()));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn the_normalizer_keeps_what_a_reader_sees() {
    assert_eq!(
        normalized(
            "<p id=\"x\" class=\"y\">\n<a href=\"/a\" rel=\"nofollow\">A</a> <span class=\"hl-k\">b</span></p>\n"
        ),
        "<p><a href=\"/a\">A</a> b</p>"
    );
    let cell = |td: &str| normalized(&format!("<table><tbody><tr>{td}</tr></tbody></table>"));
    assert_eq!(
        cell("<td align=\"left\">1</td>"),
        "<table><tbody><tr><td align=\"left\">1</td></tr></tbody></table>"
    );
    assert_ne!(cell("<td align=\"left\">1</td>"), cell("<td>1</td>"));
}
