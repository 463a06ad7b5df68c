//! Micro-benchmark of the blameless-language check: a post-mortem's worth of text (about
//! 1,000 words, a few findings) against an organization of 1,000 people, with the people
//! indexed once (as a page does) and the index itself. `cargo bench --bench blameless`.

#![allow(clippy::expect_used)] // a benchmark stops on bad set-up data

use criterion::{Criterion, criterion_group, criterion_main};
use fika::postmortems::blameless::{People, PersonRef, Place, Rules};

fn text(words: usize) -> String {
    let para = "At 14:05 the deploy reached every region at once, because the tool had no canary \
        step for configuration changes. The alert on checkout errors fired nine minutes later; \
        the on-call engineer should have rolled back sooner, and the runbook simply said to wait. \
        Karin Berg paged the payments squad, who confirmed the rates file was the change. ";
    let per = para.split_whitespace().count();
    para.repeat(words.div_ceil(per))
}

fn bench(c: &mut Criterion) {
    let rules = Rules::builtin().expect("the built-in rules parse");
    let people: Vec<PersonRef> = (0..1_000)
        .map(|i| PersonRef {
            username: format!("person{i}"),
            display_name: format!("Given{i} Family{i}"),
        })
        .chain([PersonRef {
            username: "karin".into(),
            display_name: "Karin Berg".into(),
        }])
        .collect();
    c.bench_function("index 1,001 people", |b| {
        b.iter(|| People::new(std::hint::black_box(&people)))
    });
    let known = People::new(&people);
    for words in [1_000, 10_000] {
        let t = text(words);
        c.bench_function(&format!("check {words} words"), |b| {
            b.iter(|| {
                rules.check_known(std::hint::black_box(&t), Place::ContributingFactors, &known)
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
