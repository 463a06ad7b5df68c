//! Forms with rows grow in the page: "Add a …" puts a numbered blank row under the others
//! and moves the focus into it, and what is typed there is saved with the rest.

use std::sync::Arc;

use fantoccini::Locator;

use super::{Browser, eventually};
use crate::harness::{Backend, TestData, TestServer};

impl Browser {
    /// Types `value` into the field named `name`, replacing what it held.
    async fn fill(&self, name: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Css(&format!("[name='{name}']")))
            .await
            .unwrap_or_else(|e| panic!("no field {name}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// How many rows the list `id` has.
    async fn rows(&self, id: &str) -> usize {
        self.js_text(&format!(
            "return String(document.querySelectorAll('#{id} [data-row]').length)"
        ))
        .await
        .parse()
        .unwrap()
    }

    /// Presses the list's "Add …" button; checks a row came and has the focus.
    async fn add_row(&self, id: &str) -> usize {
        let before = self.rows(id).await;
        self.click(&format!("button[data-add-row='{id}']")).await;
        assert_eq!(self.rows(id).await, before + 1, "{id} got a row");
        let focused = self
            .js_text("return document.activeElement.name || ''")
            .await;
        assert!(
            focused.ends_with(&format!("_{before}")),
            "the focus is in the new row of {id}: {focused}"
        );
        before
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn rows_are_added_without_a_save() {
    let browser = Browser::start(false).await;
    let b = &browser;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &b.client;
    c.goto(&s.url("/login?next=/postmortems/new"))
        .await
        .unwrap();
    b.sign_in("fika-demo-2026").await;
    b.wait_for_path("/postmortems/new").await;

    // A post-mortem with more timeline entries, factors, lessons and actions than the
    // blank rows it came with.
    b.fill("title", "Rows without a round trip").await;
    b.click("[name=squads][value=search]").await;
    b.fill("started_at", "2026-11-30 14:00").await;
    let served = b.rows("timeline-rows").await;
    for i in 0..served {
        b.fill(&format!("timeline_at_{i}"), &format!("14:{:02}", 10 + i))
            .await;
        b.fill(&format!("timeline_text_{i}"), &format!("Entry {i}"))
            .await;
    }
    for extra in 0..2 {
        let i = b.add_row("timeline-rows").await;
        assert_eq!(i, served + extra);
        b.fill(&format!("timeline_at_{i}"), &format!("15:{:02}", i))
            .await;
        b.fill(&format!("timeline_text_{i}"), &format!("Entry {i}"))
            .await;
    }
    let label = b
        .js_text(&format!(
            "return document.querySelector('[name=timeline_text_{}]').getAttribute('aria-label')",
            served + 1
        ))
        .await;
    assert_eq!(label, format!("Entry {} text", served + 2));
    let factors = b.rows("factor-rows").await;
    for i in 0..factors {
        b.fill(&format!("factor_{i}"), &format!("Factor {i}")).await;
    }
    let f = b.add_row("factor-rows").await;
    b.fill(&format!("factor_{f}"), "A factor added in the page")
        .await;
    let l = b.add_row("lesson-rows").await;
    b.fill(&format!("lesson_title_{l}"), "A lesson added in the page")
        .await;
    let a = b.add_row("action-rows").await;
    b.fill(&format!("action_title_{a}"), "An action added in the page")
        .await;
    b.click(".form-actions button:not([name])").await;
    eventually("the post-mortem was not saved", || async {
        let p = b.path().await;
        p.starts_with("/postmortems/") && p[13..].parse::<u32>().is_ok()
    })
    .await;
    let shown = b.wait_text("main").await;
    for text in [
        format!("Entry {}", served + 1),
        "A factor added in the page".to_string(),
        "A lesson added in the page".to_string(),
        "An action added in the page".to_string(),
    ] {
        assert!(shown.contains(&text), "{text} was saved: {shown}");
    }

    // An experiment with a metric and a variant more than it was served.
    c.goto(&s.url("/experiments/new?squad=payments"))
        .await
        .unwrap();
    b.fill("title", "Rows in an experiment").await;
    b.fill("change", "a smaller cover").await;
    b.fill("audience", "everyone").await;
    b.fill("effect", "faster starts").await;
    b.fill("metric", "start time").await;
    b.fill("moves", "falls").await;
    // Guardrails (every metric after the first, as served) need their margin; every arm
    // its weight.
    for i in 0..b.rows("metric-rows").await {
        b.fill(&format!("metric_name_{i}"), &format!("metric {i}"))
            .await;
        b.fill(&format!("metric_margin_{i}"), "0.1").await;
    }
    let m = b.add_row("metric-rows").await;
    b.fill(&format!("metric_name_{m}"), "metric added in the page")
        .await;
    b.fill(&format!("metric_margin_{m}"), "0.1").await;
    for i in 0..b.rows("variant-rows").await {
        b.fill(&format!("variant_name_{i}"), &format!("arm {i}"))
            .await;
        b.fill(&format!("variant_weight_{i}"), "50").await;
    }
    let v = b.add_row("variant-rows").await;
    b.fill(&format!("variant_name_{v}"), "arm added in the page")
        .await;
    b.fill(&format!("variant_weight_{v}"), "50").await;
    b.click("main form .actions button:not([name])").await;
    eventually("the experiment was not saved", || async {
        let p = b.path().await;
        p.starts_with("/experiments/") && p[13..].parse::<u32>().is_ok()
    })
    .await;
    let shown = b.wait_text("main").await;
    assert!(
        shown.contains("metric added in the page") && shown.contains("arm added in the page"),
        "{shown}"
    );
    browser.close().await;
}
