//! `@username` mentions: where they are in a run of text, and which people a document
//! mentions. Text inside code (spans and blocks) is not read, and an `@` inside a word — an
//! e-mail address, `medium.com/@someone` — is not a mention.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::options;

/// The longest username (`people::model::MAX_USERNAME`; markdown sits below people).
const MAX: usize = 32;

/// The mentions in one run of text: the byte range of each (the `@` included) and the
/// username it names, lower-cased.
pub fn find(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(at) = text[i..].find('@').map(|p| p + i) {
        i = at + 1;
        let before = text[..at].chars().next_back();
        if before
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '/' | '@'))
        {
            continue;
        }
        let mut end = at + 1;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'.' | b'-' | b'_'))
        {
            end += 1;
        }
        // A sentence's full stop or a dash after the name is not part of it.
        while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-' | b'_') {
            end -= 1;
        }
        let name = &text[at + 1..end];
        let first_ok = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        // "@alice@example.com" is an address, not alice.
        let address = bytes.get(end) == Some(&b'@');
        if name.len() >= 2 && name.len() <= MAX && first_ok && !address {
            found.push((at..end, name.to_ascii_lowercase()));
        }
        i = end.max(at + 1);
    }
    found
}

/// The usernames a Markdown document mentions, outside code and link addresses.
pub fn mentioned(markdown: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut in_code = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Text(t) if in_code == 0 && t.contains('@') => {
                names.extend(find(&t).into_iter().map(|(_, name)| name));
            }
            _ => {}
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(md: &str) -> Vec<String> {
        mentioned(md).into_iter().collect()
    }

    #[test]
    fn finds_mentions_in_prose() {
        assert_eq!(
            names("Thanks @alice and @Bob.Smith!"),
            ["alice", "bob.smith"]
        );
        assert_eq!(names("(@carol) @dave, @erin."), ["carol", "dave", "erin"]);
        assert_eq!(names("**@frank** and _@gina_"), ["frank", "gina"]);
    }

    #[test]
    fn addresses_and_code_are_not_mentions() {
        assert!(names("mail bob@example.com or <bob@example.com>").is_empty());
        assert!(names("see medium.com/@writer").is_empty());
        assert!(names("`@alice` in code").is_empty());
        assert!(names("```\n@alice\n```").is_empty());
        assert!(names("    @alice indented code").is_empty());
        assert!(names("@alice@example.com").is_empty());
        assert!(names("@ alone, @a, @-x").is_empty());
    }

    #[test]
    fn ranges_point_at_the_mention() {
        let text = "hi @alice.";
        let found = find(text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].0.clone()], "@alice");
    }
}
