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

/// What a save does when the document changed after the revision the edit started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnStale {
    /// Merge the other change in when it touched other lines (the web editor).
    Merge,
    /// Save nothing and report the current revision (scripts unless they ask for a merge,
    /// and restores, which must put back exactly the old text).
    Refuse,
}

/// A document's editable text at one revision: its title, its body, and one more short field
/// (a page's slug; empty for lessons).
pub struct Version<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub key: &'a str,
}

/// An edit based on `ancestor`, saved while the document had moved on to `current`: the body
/// merged three-way, and a short field the editor left as it was takes the other side's
/// value. `Err` is the body with conflict markers.
pub fn rebase(
    ancestor: &Version,
    current: &Version,
    ours: &Version,
) -> Result<(String, String, String), String> {
    let body = three_way(ancestor.body, ours.body, current.body)?;
    let keep = |o: &str, a: &str, c: &str| if o == a { c.to_string() } else { o.to_string() };
    Ok((
        keep(ours.title, ancestor.title, current.title),
        body,
        keep(ours.key, ancestor.key, current.key),
    ))
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
    fn rebase_keeps_what_only_one_side_changed() {
        let v = |title, body, key| Version { title, body, key };
        let merged = rebase(
            &v("Plan", "a\nb\nc\n", "plan"),
            &v("Plan B", "a\nb\nC\n", "plan-b"),
            &v("Plan", "A\nb\nc\n", "plan"),
        )
        .unwrap();
        assert_eq!(
            merged,
            ("Plan B".into(), "A\nb\nC\n".into(), "plan-b".into())
        );
        let mine = rebase(
            &v("Plan", "a\n", "p"),
            &v("Plan B", "a\n", "p"),
            &v("Plan C", "a\n", "p"),
        )
        .unwrap();
        assert_eq!(mine.0, "Plan C", "a title both changed: the editor's wins");
    }

    #[test]
    fn diffs_mark_lines() {
        let d = diff("a\nb\nc\n", "a\nB\nc\n");
        let kinds: Vec<&str> = d.iter().flatten().map(|l| l.kind).collect();
        assert_eq!(kinds, vec!["same", "del", "add", "same"]);
    }
}
