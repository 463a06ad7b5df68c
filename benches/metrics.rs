//! What counting a request costs when `/metrics` is on (issue 26): recording one request in
//! the latency histogram (label lookup, bucket, sum), on a route already seen and, for
//! comparison, the no-op it is with metrics off; and one scrape with 200 routes seen.
//! `cargo bench --bench metrics`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark stops on bad set-up data

use criterion::{Criterion, criterion_group, criterion_main};
use fika::metrics;

fn bench(c: &mut Criterion) {
    c.bench_function("record a request, metrics off", |b| {
        b.iter(|| metrics::http_request("GET", Some("/lessons/{id}"), 200, 0.003))
    });
    metrics::init().unwrap();
    c.bench_function("record a request, metrics on", |b| {
        b.iter(|| metrics::http_request("GET", Some("/lessons/{id}"), 200, 0.003))
    });
    let routes: Vec<String> = (0..200).map(|i| format!("/route/{i}/{{id}}")).collect();
    for r in &routes {
        for status in [200, 303, 404] {
            metrics::http_request("GET", Some(r), status, 0.003);
        }
    }
    let snapshot = metrics::Snapshot::default();
    c.bench_function("one scrape, 600 request series", |b| {
        b.iter(|| metrics::render(&snapshot).unwrap().len())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
