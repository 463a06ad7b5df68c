//! Micro-benchmark of Markdown → SafeHtml (pulldown-cmark, wikilinks, highlighting, ammonia)
//! on a typical 500-word page and a 5,000-word page with tables and code, and that page with
//! every code block different. `cargo bench --bench markdown`.

use criterion::{Criterion, criterion_group, criterion_main};
use fika::markdown::{Unresolved, render_with};

/// A page of roughly `words` words: headings, lists, a table, code, wikilinks.
pub fn page(words: usize) -> String {
    let section = "## Deploying safely\n\nWe deploy many times a day. Every change goes behind a \
        [[Feature flags guide|feature flag]] and is watched on the dashboards for fifteen minutes \
        after it ships; if error rates rise we roll back first and ask questions later, then \
        write what we learned into [[squad:payments]]'s lessons so the next team knows.\n\n\
        - [x] dashboards open\n- [ ] pager acknowledged within five minutes\n\n\
        | Step | Owner | Time |\n|---|---|---|\n| Build | CI | 4 min |\n| Canary | squad | 15 min |\n\n\
        ```rust\nfn rollback(release: &Release) -> Result<(), Error> {\n    release.previous()?.deploy()\n}\n```\n\n";
    let per = section.split_whitespace().count();
    let mut out = String::from("# A page\n\n");
    for _ in 0..words.div_ceil(per) {
        out.push_str(section);
    }
    out
}

fn bench(c: &mut Criterion) {
    for words in [500, 5_000] {
        let md = page(words);
        c.bench_function(&format!("markdown to SafeHtml, {words} words"), |b| {
            b.iter(|| render_with(std::hint::black_box(&md), &Unresolved))
        });
    }
    // The same page with every code block different: each one is coloured afresh (the
    // repeated block above is coloured once and then remembered).
    let mut n = 0;
    let distinct: String = page(5_000)
        .split("```rust\n")
        .enumerate()
        .map(|(i, part)| match i {
            0 => part.to_string(),
            _ => {
                n += 1;
                format!("```rust\n// block {n}\n{part}")
            }
        })
        .collect();
    c.bench_function(
        "markdown to SafeHtml, 5000 words, every code block different",
        |b| b.iter(|| render_with(std::hint::black_box(&distinct), &Unresolved)),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
