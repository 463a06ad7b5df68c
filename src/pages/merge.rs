//! Three-way merge of concurrent edits (diffy) and readable diffs of two revisions (similar).

use similar::{ChangeTag, TextDiff};

/// Merges `ours` and `theirs`, both edits of `ancestor`. `Err` carries the text with conflict
/// markers when both changed the same lines.
pub fn three_way(ancestor: &str, ours: &str, theirs: &str) -> Result<String, String> {
    if ours == theirs {
        return Ok(ours.to_string());
    }
    // diffy works on lines; a final newline on every side keeps the last line comparable.
    let norm = |s: &str| {
        if s.ends_with('\n') {
            s.to_string()
        } else {
            format!("{s}\n")
        }
    };
    let (a, o, t) = (norm(ancestor), norm(ours), norm(theirs));
    diffy::merge(&a, &o, &t)
}

/// One line of a diff.
pub struct DiffLine {
    /// "add", "del" or "same".
    pub kind: &'static str,
    pub old_no: Option<usize>,
    pub new_no: Option<usize>,
    pub text: String,
}

/// A line diff with a little context around each change; `None` marks skipped lines.
pub fn diff(old: &str, new: &str) -> Vec<Option<DiffLine>> {
    let d = TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for (i, group) in d.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push(None);
        }
        for op in group {
            for change in d.iter_changes(op) {
                out.push(Some(DiffLine {
                    kind: match change.tag() {
                        ChangeTag::Insert => "add",
                        ChangeTag::Delete => "del",
                        ChangeTag::Equal => "same",
                    },
                    old_no: change.old_index().map(|n| n + 1),
                    new_no: change.new_index().map(|n| n + 1),
                    text: change.value().trim_end_matches('\n').to_string(),
                }));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_separate_changes_and_refuses_overlapping_ones() {
        let base = "one\ntwo\nthree\nfour\n";
        let ours = "ONE\ntwo\nthree\nfour\n";
        let theirs = "one\ntwo\nthree\nFOUR\n";
        assert_eq!(
            three_way(base, ours, theirs).unwrap(),
            "ONE\ntwo\nthree\nFOUR\n"
        );
        let clash = three_way(
            base,
            "one\nTWO (mine)\nthree\nfour",
            "one\nTWO (theirs)\nthree\nfour",
        );
        let text = clash.unwrap_err();
        assert!(
            text.contains("<<<<<<<")
                && text.contains("TWO (mine)")
                && text.contains("TWO (theirs)")
        );
    }

    #[test]
    fn diffs_mark_lines() {
        let d = diff("a\nb\nc\n", "a\nB\nc\n");
        let kinds: Vec<&str> = d.iter().flatten().map(|l| l.kind).collect();
        assert_eq!(kinds, vec!["same", "del", "add", "same"]);
    }
}
