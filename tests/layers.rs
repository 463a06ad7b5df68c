//! The layering check (ARCHITECTURE.md): reads the `crate::…` paths of every file in `src/`
//! and fails when a module imports one on a higher layer, reaches into another feature's
//! `routes`, `api` or `views`, or joins a cycle between modules of one layer. (It came with
//! a list of the 76 arrows that broke these rules then; the list shrank to nothing and went.)
//!
//! Counting: an arrow is one (module, module) pair, a module being a top-level folder or file
//! of `src/`; every `crate::x` path counts, in `use` lines and in code, test modules included.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top. A module may use its own layer's modules and those below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "error",
            "dates",
            "labels",
            "files",
            "mail",
            "metrics",
            "db",
            "config",
            "request",
            "markdown",
            "site",
            "state",
            "revisions",
            "projection",
            "progress",
            "ids",
        ],
    ),
    ("people", &["people"]),
    ("auth", &["auth"]),
    ("org", &["org"]),
    (
        "features",
        &[
            "pages",
            "lessons",
            "experiments",
            "postmortems",
            "action_items",
            "retros",
            "health",
            "steps",
            "search",
            "scim",
            "backup",
            "notify",
            "comments",
            "webhooks",
        ],
    ),
    (
        "composition",
        &[
            "app", "cli", "main", "lib", "home", "overview", "demo", "export", "apidoc",
        ],
    ),
];

/// A feature's parts that only its own module may use.
const PRIVATE_PARTS: &[&str] = &["routes", "api", "views"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

/// `src/org/routes.rs` → `org`; `src/app.rs` → `app`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every `crate::a::b` path in the text, as (a, b), including each member of
/// `crate::{a::b, c}`; `$crate` (inside macros) is not a path of this file's.
fn crate_paths(text: &str) -> Vec<(String, String)> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        let after = &rest[at + "crate::".len()..];
        rest = after;
        if before.is_some_and(|c| c == '$' || c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            // crate::{a::b, c::{d, e}}: the first segment of each top-level member.
            let mut depth = 0;
            let mut member = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        push_member(&member, &mut out);
                        member.clear();
                        continue;
                    }
                    _ => {}
                }
                member.push(c);
            }
            push_member(&member, &mut out);
            continue;
        }
        let first = ident(after);
        let second = after[first.len()..]
            .strip_prefix("::")
            .map(ident)
            .unwrap_or_default();
        if !first.is_empty() {
            out.push((first, second));
        }
    }
    out
}

fn push_member(member: &str, out: &mut Vec<(String, String)>) {
    let member = member.trim();
    let mut parts = member.split("::").map(|p| {
        p.trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
    });
    let first = parts.next().unwrap_or_default();
    if !first.is_empty() {
        out.push((first, parts.next().unwrap_or_default()));
    }
}

/// Modules that can reach each other (strongly connected, more than one module).
fn cycles(edges: &BTreeMap<(String, String), BTreeSet<String>>) -> BTreeSet<(String, String)> {
    let mut reach: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        reach.entry(from).or_default().insert(to);
    }
    // Transitive closure by repeated passes; a few dozen modules make this instant.
    loop {
        let mut grew = false;
        let snapshot = reach.clone();
        for targets in reach.values_mut() {
            let more: Vec<&str> = targets
                .iter()
                .flat_map(|t| snapshot.get(t).into_iter().flatten().copied())
                .collect();
            for m in more {
                grew |= targets.insert(m);
            }
        }
        if !grew {
            break;
        }
    }
    edges
        .keys()
        .filter(|(from, to)| {
            reach
                .get(to.as_str())
                .is_some_and(|r| r.contains(from.as_str()))
        })
        .cloned()
        .collect()
}

#[test]
fn arrows_only_go_down() {
    let (src, files) = common::src_files();
    let root = src.parent().unwrap();

    // (from, to) → the files that make the arrow; and the reaches into private parts.
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut violations: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = module_of(&src, file);
        let name = file.strip_prefix(root).unwrap().display().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        for (to, part) in crate_paths(&text) {
            if to == from || layer_of(&to).is_none() {
                continue;
            }
            edges
                .entry((from.clone(), to.clone()))
                .or_default()
                .insert(name.clone());
            let (Some(lf), Some(lt)) = (layer_of(&from), layer_of(&to)) else {
                continue;
            };
            if lt > lf {
                violations
                    .entry(format!("up: {from} -> {to}"))
                    .or_default()
                    .insert(name.clone());
            }
            if LAYERS[lt].0 == "features"
                && PRIVATE_PARTS.contains(&part.as_str())
                && from != "app"
                && from != "cli"
            {
                violations
                    .entry(format!("reach: {from} -> {to}::{part}"))
                    .or_default()
                    .insert(name.clone());
            }
        }
    }
    for module in edges.keys().map(|(f, _)| f) {
        assert!(
            layer_of(module).is_some(),
            "src/{module} is on no layer: add it to LAYERS in tests/layers.rs"
        );
    }
    for (from, to) in cycles(&edges) {
        if layer_of(&from) == layer_of(&to) {
            let files = edges[&(from.clone(), to.clone())].clone();
            violations
                .entry(format!("cycle: {from} -> {to}"))
                .or_default()
                .extend(files);
        }
    }

    if std::env::var("FIKA_LAYERS_PRINT").is_ok() {
        for v in violations.keys() {
            println!("{v}");
        }
    }
    let found: Vec<String> = violations
        .iter()
        .map(|(v, files)| {
            format!(
                "  {v}   (in {})",
                files.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(
        found.is_empty(),
        "arrows that break the layering (ARCHITECTURE.md): move the shared code down a layer, \
         or have the feature offer a model/service function or register a part\n{}",
        found.join("\n")
    );
}

/// The vocabulary (ARCHITECTURE.md, "Parts of a feature"): a feature's `routes` and `api`
/// are leaves that only the composition (`app/`, `cli/`) names; what a page and the API
/// share lives in the feature's `flow.rs`, so neither imports the other.
#[test]
fn handlers_are_named_only_by_the_composition() {
    let (src, files) = common::src_files();
    let mut found = Vec::new();
    for file in &files {
        let name = file.strip_prefix(&src).unwrap().display().to_string();
        if name.starts_with("app/") || name.starts_with("cli/") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if handler_paths(line) {
                found.push(format!("  src/{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "only app/ and cli/ may name a feature's routes or api; move what is shared to \
         the feature's flow.rs\n{}",
        found.join("\n")
    );
}

/// Views only print what they are given: a view that read the clock would make a page
/// that cannot be rendered for another day (and a test that depends on when it runs).
#[test]
fn views_read_no_clock() {
    let (src, files) = common::src_files();
    let clocks = ["dates::today(", "Utc::now(", "Local::now("];
    let found: Vec<String> = files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "views.rs"))
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let name = f.strip_prefix(&src).unwrap().display().to_string();
            text.lines()
                .enumerate()
                .filter(|(_, l)| clocks.iter().any(|c| l.contains(c)))
                .map(|(n, l)| format!("  src/{name}:{}: {}", n + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        found.is_empty(),
        "views take the date from their caller (flow or routes):\n{}",
        found.join("\n")
    );
}

/// Whether a line names a `routes` or `api` module by path (`super::routes::x`,
/// `crate::pages::api::y`).
fn handler_paths(line: &str) -> bool {
    ["routes::", "api::"].iter().any(|m| {
        line.match_indices(m)
            .any(|(at, _)| line[..at].ends_with("::"))
    })
}

#[test]
fn handler_paths_are_found() {
    assert!(handler_paths("use super::routes::parse_input;"));
    assert!(handler_paths("crate::pages::api::configure(cfg);"));
    assert!(!handler_paths("use crate::request::UploadRoutes;"));
    assert!(!handler_paths("let api = state.api_routes();"));
}

#[test]
fn paths_are_read_from_use_lines_and_code() {
    let text = "use crate::{db::{self, Change}, error::AppResult, org};\n\
                let x = crate::pages::routes::render(y); $crate::db::AnyConnection;\n\
                mycrate::nope::x;";
    let found = crate_paths(text);
    assert_eq!(
        found,
        vec![
            ("db".to_string(), String::new()),
            ("error".to_string(), "AppResult".to_string()),
            ("org".to_string(), String::new()),
            ("pages".to_string(), "routes".to_string()),
        ]
    );
}

/// The size limits ARCHITECTURE.md keeps: no function over 80 lines, no file over about 500.
/// A file may run to `FILE_LIMIT` (loaders with their data checks do); past it, split it.
const FUNCTION_LIMIT: usize = 80;
const FILE_LIMIT: usize = 600;

/// Functions of one file longer than `limit` lines, from the `fn` line to the brace that
/// closes it at the same indentation (how rustfmt lays them out).
fn long_functions(text: &str, limit: usize) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let head = ["pub ", "pub(crate) ", "pub(super) ", "async ", "const "]
            .iter()
            .fold(body, |b, p| b.strip_prefix(p).unwrap_or(b));
        let head = head.strip_prefix("async ").unwrap_or(head);
        if let Some(rest) = head.strip_prefix("fn ")
            && !line.trim_end().ends_with(';')
        {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let end = (i + 1..lines.len())
                .find(|&j| {
                    let l = lines[j];
                    l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}')
                })
                .unwrap_or(i);
            if end - i + 1 > limit {
                out.push((name, end - i + 1));
            }
            i = end.max(i) + 1;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn functions_and_files_stay_small() {
    let (src, files) = common::src_files();
    let mut over = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().display().to_string();
        if rel == "db/schema.rs" {
            continue; // generated by diesel
        }
        let text = std::fs::read_to_string(file).unwrap();
        let n = text.lines().count();
        if n > FILE_LIMIT {
            over.push(format!("{rel}: {n} lines (at most {FILE_LIMIT})"));
        }
        for (name, n) in long_functions(&text, FUNCTION_LIMIT) {
            over.push(format!(
                "{rel}: fn {name} is {n} lines (at most {FUNCTION_LIMIT})"
            ));
        }
    }
    assert!(
        over.is_empty(),
        "split these (ARCHITECTURE.md, size limits):\n{}",
        over.join("\n")
    );
}

#[test]
fn long_functions_are_found() {
    let short = "fn a() {\n    1\n}\n";
    assert!(long_functions(short, 3).is_empty());
    let long = "pub fn b() {\n    1;\n    2;\n}\n    pub(crate) async fn c() {\n    }\n";
    assert_eq!(long_functions(long, 3), vec![("b".to_string(), 4)]);
}
