//! Code fences as GitHub renders them, coloured on the server: `<pre><code
//! class="language-rust">` with each token in a `<span class="hl-…">` named after its syntect
//! scope (`hl-keyword hl-control`), which the site's CSS colours in light and dark mode. No
//! script and no CDN: the colours are in the page as it is served.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::escape_html;

/// Longer blocks are shown uncoloured: highlighting is regex work per line, and a pasted log
/// of megabytes should not hold a request.
const MAX_HIGHLIGHTED: usize = 64 * 1024;

/// The class prefix of highlighted tokens; the sanitizer lets through `span` classes with it.
pub const CLASS_PREFIX: &str = "hl-";

/// How many bytes of coloured blocks are kept (see [`remembered`]).
const KEEP_BYTES: usize = 8 * 1024 * 1024;

/// Coloured blocks by language and code. Colouring is the dearest part of rendering, and
/// the page cache is emptied by every write anywhere: a block that did not change is not
/// coloured again. Emptied whole when it outgrows [`KEEP_BYTES`].
#[derive(Default)]
struct Remembered {
    blocks: HashMap<(String, String), String>,
    bytes: usize,
}

fn remembered() -> &'static Mutex<Remembered> {
    static KEPT: OnceLock<Mutex<Remembered>> = OnceLock::new();
    KEPT.get_or_init(Mutex::default)
}

/// syntect's bundled grammars (the Sublime Text defaults), loaded once.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The language a fence names, as GitHub reads it: the first word of the info string, kept
/// only when it is made of characters a class name can safely hold.
pub fn fence_language(info: &str) -> Option<&str> {
    let word = info.split_whitespace().next()?;
    word.chars()
        .all(|c| c.is_ascii_alphanumeric() || "+-#._".contains(c))
        .then_some(word)
}

/// A whole code block: `<pre><code>` with the language's class and, when syntect knows the
/// language, its tokens coloured.
pub fn code_block(language: Option<&str>, code: &str) -> String {
    let class = language
        .map(|l| format!(" class=\"language-{}\"", escape_html(l)))
        .unwrap_or_default();
    let body = language
        .filter(|_| code.len() <= MAX_HIGHLIGHTED)
        .and_then(|l| highlighted(l, code))
        .unwrap_or_else(|| escape_html(code));
    // Focusable, so that a keyboard can scroll a block wider than the screen.
    format!("<pre tabindex=\"0\"><code{class}>{body}</code></pre>\n")
}

/// The code as coloured HTML, or None for a language syntect does not know.
fn highlighted(language: &str, code: &str) -> Option<String> {
    let key = (language.to_string(), code.to_string());
    // A poisoned lock means a panic mid-insert elsewhere; the map itself is still sound.
    if let Some(html) = remembered()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .blocks
        .get(&key)
    {
        return Some(html.clone());
    }
    let html = colour(language, code)?;
    let mut kept = remembered().lock().unwrap_or_else(|e| e.into_inner());
    let size = key.0.len() + key.1.len() + html.len();
    if kept.bytes + size > KEEP_BYTES {
        *kept = Remembered::default();
    }
    kept.bytes += size;
    kept.blocks.insert(key, html.clone());
    Some(html)
}

/// Colours the code with syntect.
fn colour(language: &str, code: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(language)
        .or_else(|| set.find_syntax_by_token(&language.to_ascii_lowercase()))?;
    let mut out = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        ClassStyle::SpacedPrefixed {
            prefix: CLASS_PREFIX,
        },
    );
    for line in LinesWithEndings::from(code) {
        // A grammar that fails on some input leaves the block uncoloured, never broken.
        out.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(out.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_are_coloured_and_others_kept_plain() {
        let html = code_block(Some("rust"), "fn main() {}\n");
        assert!(
            html.starts_with("<pre tabindex=\"0\"><code class=\"language-rust\">"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-"), "{html}");
        assert!(html.contains(">fn</span>"), "{html}");
        let plain = code_block(Some("no-such-lang"), "<b>x</b>\n");
        assert_eq!(
            plain,
            "<pre tabindex=\"0\"><code class=\"language-no-such-lang\">&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n"
        );
        assert_eq!(
            code_block(None, "a & b\n"),
            "<pre tabindex=\"0\"><code>a &amp; b\n</code></pre>\n"
        );
    }

    #[test]
    fn the_language_is_the_first_safe_word() {
        assert_eq!(fence_language("rust ignore"), Some("rust"));
        assert_eq!(fence_language("c++"), Some("c++"));
        assert_eq!(fence_language("\"><script>"), None);
        assert_eq!(fence_language(""), None);
    }
}
