//! Synonyms, abbreviations and compounds applied when a query is read: fika's list
//! (`synonyms.txt` beside this file) joined with the admin's `<data dir>/synonyms.txt`,
//! which is read again within a second of a change, so no restart is needed and every
//! instance picks up its own copy. Members are compared as stems, so "configs" is "config".

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tantivy::tokenizer::TextAnalyzer;

use super::query::tokens;

/// fika's own list.
pub const SHIPPED: &str = include_str!("synonyms.txt");

/// The admin's own list, in the data dir.
pub const ADMIN_FILE: &str = "synonyms.txt";
/// How often the admin's file is looked at (a `stat`, not a read).
const RECHECK: Duration = Duration::from_secs(1);
/// The longest member, in words, that a query is matched against.
const MAX_WORDS: usize = 4;

/// Groups of members that mean the same; each member is a sequence of stems.
#[derive(Debug, Default)]
pub struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
    /// Member (stems joined by a space) → its group.
    by_member: HashMap<String, usize>,
    /// Changes whenever the lists do: part of every cache key that depends on them.
    pub version: u64,
}

impl Synonyms {
    /// The groups of `texts` (each in the file format), groups sharing a member merged.
    /// Returns the lines that could not be used, for the log.
    pub fn parse(
        texts: &[&str],
        stemmed: &mut TextAnalyzer,
        version: u64,
    ) -> (Synonyms, Vec<String>) {
        let mut groups: Vec<Vec<Vec<String>>> = Vec::new();
        let mut by_member: HashMap<String, usize> = HashMap::new();
        let mut skipped = Vec::new();
        for text in texts {
            for line in text.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let mut members: Vec<Vec<String>> = line
                    .split(',')
                    .map(|m| tokens(stemmed, m))
                    .filter(|m| !m.is_empty() && m.len() <= MAX_WORDS)
                    .collect();
                // Members that stem alike ("deploy, deployment") are one.
                let mut seen = std::collections::HashSet::new();
                members.retain(|m| seen.insert(m.clone()));
                if members.len() < 2 {
                    skipped.push(line.to_string());
                    continue;
                }
                // A member already in a group joins this line to it (and any others).
                let mut joined: Vec<usize> = members
                    .iter()
                    .filter_map(|m| by_member.get(&m.join(" ")).copied())
                    .collect();
                joined.sort_unstable();
                joined.dedup();
                let target = match joined.first() {
                    Some(&g) => g,
                    None => {
                        groups.push(Vec::new());
                        groups.len() - 1
                    }
                };
                for &other in joined.iter().skip(1) {
                    let moved = std::mem::take(&mut groups[other]);
                    for m in &moved {
                        by_member.insert(m.join(" "), target);
                    }
                    groups[target].extend(moved);
                }
                for m in members {
                    let key = m.join(" ");
                    if by_member.insert(key, target) != Some(target) {
                        groups[target].push(m);
                    }
                }
            }
        }
        (
            Synonyms {
                groups,
                by_member,
                version,
            },
            skipped,
        )
    }

    /// The longest member that `stems[at..]` starts with: its length in words and its group.
    pub fn longest_at(&self, stems: &[String], at: usize) -> Option<(usize, usize)> {
        let most = MAX_WORDS.min(stems.len().saturating_sub(at));
        (1..=most).rev().find_map(|len| {
            let key = stems[at..at + len].join(" ");
            self.by_member.get(&key).map(|&g| (len, g))
        })
    }

    /// The members of a group, as stems.
    pub fn members(&self, group: usize) -> &[Vec<String>] {
        self.groups.get(group).map_or(&[], Vec::as_slice)
    }

    /// Whether a single stem is a member of some group (such a word is never "corrected").
    pub fn knows(&self, stem: &str) -> bool {
        self.by_member.contains_key(stem)
    }
}

/// The synonyms in force: fika's list and the admin's file, re-read when the file changes.
pub struct Source {
    admin: PathBuf,
    state: Mutex<Loaded>,
}

struct Loaded {
    analyzer: TextAnalyzer,
    checked: Option<Instant>,
    /// Modification time and length of the admin's file when it was read (None: no file).
    stamp: Option<(SystemTime, u64)>,
    current: Arc<Synonyms>,
}

fn stamp_of(path: &std::path::Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl Source {
    /// `admin` is the admin's file (it need not exist); `stemmed` the index's analyzer.
    pub fn new(admin: PathBuf, stemmed: TextAnalyzer) -> Source {
        Source {
            admin,
            state: Mutex::new(Loaded {
                analyzer: stemmed,
                checked: None,
                stamp: None,
                current: Arc::default(),
            }),
        }
    }

    /// Looks at the admin's file on the next [`get`](Self::get), however recent the last look.
    #[cfg(test)]
    pub fn recheck_now(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.checked = None;
        }
    }

    /// The synonyms now in force.
    pub fn get(&self) -> Arc<Synonyms> {
        let Ok(mut state) = self.state.lock() else {
            return Arc::default();
        };
        let due = state.checked.is_none_or(|t| t.elapsed() >= RECHECK);
        if !due {
            return state.current.clone();
        }
        state.checked = Some(Instant::now());
        let stamp = stamp_of(&self.admin);
        if stamp == state.stamp && state.current.version > 0 {
            return state.current.clone();
        }
        let admin = match stamp {
            Some(_) => match std::fs::read_to_string(&self.admin) {
                Ok(text) => text,
                Err(e) => {
                    tracing::warn!(file = %self.admin.display(), error = %e, "cannot read synonyms");
                    String::new()
                }
            },
            None => String::new(),
        };
        let version = state.current.version + 1;
        let (synonyms, skipped) = Synonyms::parse(&[SHIPPED, &admin], &mut state.analyzer, version);
        for line in skipped {
            tracing::warn!(file = %self.admin.display(), %line, "synonym line needs two or more members");
        }
        if stamp.is_some() {
            tracing::info!(file = %self.admin.display(), groups = synonyms.groups.len(), "synonyms read");
        }
        state.stamp = stamp;
        state.current = Arc::new(synonyms);
        state.current.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenizerManager;

    fn stemmed() -> TextAnalyzer {
        let manager = TokenizerManager::default();
        super::super::schema::register(&manager);
        manager.get(super::super::schema::STEMMED).unwrap()
    }

    fn stems(s: &str) -> Vec<String> {
        tokens(&mut stemmed(), s)
    }

    #[test]
    fn groups_merge_and_match_the_longest_member() {
        let (syn, skipped) = Synonyms::parse(
            &[
                "db, database\nroll back, rollback\nlonely\n",
                "databases, pg",
            ],
            &mut stemmed(),
            1,
        );
        assert_eq!(skipped, ["lonely"]);
        // "databases" stems like "database": the second file's line joins the first group.
        let (_, g) = syn.longest_at(&stems("pg"), 0).unwrap();
        assert_eq!(syn.members(g).len(), 3);
        assert_eq!(syn.longest_at(&stems("how to roll back"), 2), Some((2, 1)));
        assert_eq!(syn.longest_at(&stems("roll"), 0), None);
        assert!(syn.knows("db") && !syn.knows("roll"));
    }

    #[test]
    fn the_shipped_list_reads_cleanly() {
        let (syn, skipped) = Synonyms::parse(&[SHIPPED], &mut stemmed(), 1);
        assert!(skipped.is_empty(), "{skipped:?}");
        let (_, g) = syn.longest_at(&stems("k8s"), 0).unwrap();
        assert!(syn.members(g).contains(&stems("kubernetes")));
    }

    #[test]
    fn the_admin_file_is_read_again_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synonyms.txt");
        let source = Source::new(path.clone(), stemmed());
        assert_eq!(source.get().longest_at(&stems("zebra"), 0), None);
        std::fs::write(&path, "zebra, okapi\n").unwrap();
        // Not before the recheck interval has passed.
        source.state.lock().unwrap().checked = None;
        let now = source.get();
        assert!(now.longest_at(&stems("okapi"), 0).is_some());
        assert!(now.version > 1);
    }
}
