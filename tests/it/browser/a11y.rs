//! Accessibility, checked with tools and hands no one on the team wrote the rules of:
//! axe-core on one page of every route template, in light and dark mode; and the forms people
//! fill most (a wiki page, a retro card, a post-mortem) filled and sent with the keyboard
//! alone, the focus visible at every stop.

use std::sync::Arc;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;

use super::{Browser, EVERY_KIND_OF_PAGE, eventually};
use crate::harness::{Backend, TestData, TestServer};

/// axe-core's script, from the npm package `.ci/test-services` installs.
fn axe_source() -> String {
    let path = std::env::var("FIKA_TEST_AXE")
        .unwrap_or_else(|_| "/tmp/fika-test-axe/node_modules/axe-core/axe.min.js".into());
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("this test needs axe-core at {path} ({e}): bash .ci/test-services start installs it")
    })
}

impl Browser {
    /// What axe-core finds wrong on the current page, a line per rule with where.
    async fn axe(&self, source: &str) -> Vec<String> {
        self.client.execute(source, vec![]).await.unwrap();
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document).then(
                   (r) => done(r.violations.map((v) => v.id + ' (' + v.help + '): ' +
                     v.nodes.map((n) => n.target.join(' ')).join(', '))),
                   (e) => done(['axe did not run: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Presses `keys` one after the other where the focus is, as a keyboard does (WebDriver
    /// key actions: typing into an element would aim at it, not at the focus).
    async fn press(&self, keys: &str) {
        let mut actions = KeyActions::new("keyboard".into());
        for k in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: k })
                .then(KeyAction::Up { value: k });
        }
        self.client.perform_actions(actions).await.unwrap();
    }

    /// Presses Tab until the focus is on `css`, the way a keyboard user gets there, and
    /// checks that the focused element shows it has the focus.
    async fn tab_to(&self, css: &str) {
        let at = format!("return String(document.activeElement.matches({css:?}))");
        for _ in 0..300 {
            if self.js_text(&at).await == "true" {
                let visible = self
                    .js_text(
                        "const e = document.activeElement, s = getComputedStyle(e);
                         return String(s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                           || s.boxShadow !== 'none');",
                    )
                    .await;
                assert_eq!(visible, "true", "the focus on {css} is not visible");
                return;
            }
            self.press(&Key::Tab.to_string()).await;
        }
        panic!("Tab never reached {css}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and axe-core: see README, Run the tests"]
async fn every_page_passes_axe_in_light_and_dark_mode() {
    let axe = axe_source();
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    super::with_a_webhook(&s);
    let mut found = Vec::new();
    for dark in [false, true] {
        let mode = if dark { "dark" } else { "light" };
        let browser = Browser::start(dark).await;
        let c = &browser.client;
        c.goto(&s.url("/login")).await.unwrap();
        for v in browser.axe(&axe).await {
            found.push(format!("{mode} /login: {v}"));
        }
        browser.sign_in("fika-demo-2026").await;
        browser.wait_for_path("/").await;
        for path in EVERY_KIND_OF_PAGE {
            c.goto(&s.url(path)).await.unwrap();
            for v in browser.axe(&axe).await {
                found.push(format!("{mode} {path}: {v}"));
            }
        }
        browser.close().await;
    }
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn the_keyboard_alone_fills_and_sends_a_page_a_card_and_a_postmortem() {
    let browser = Browser::start(false).await;
    let b = &browser;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &b.client;
    c.goto(&s.url("/login?next=/pages/search-team/edit"))
        .await
        .unwrap();
    b.sign_in("fika-demo-2026").await;
    b.wait_for_path("/pages/search-team/edit").await;
    let enter = Key::Enter.to_string();

    // A wiki page: the body (the caret starts at its top), the summary, Save.
    b.tab_to("#p-body").await;
    b.press(&format!("Typed without a mouse.{enter}{enter}"))
        .await;
    b.tab_to("#p-summary").await;
    b.press("A line from the keyboard").await;
    b.tab_to("#page-form button[type=submit]:not([name])").await;
    b.press(&enter).await;
    b.wait_for_path("/pages/search-team").await;
    assert!(
        b.wait_text("main").await.contains("Typed without a mouse."),
        "the page was saved"
    );

    // A retro card: the second column by arrow key, the text, "Add card".
    c.goto(&s.url("/retros/new")).await.unwrap();
    c.execute(
        "document.querySelector('[name=squad]').value = 'player'",
        vec![],
    )
    .await
    .unwrap();
    b.click("main form button[type=submit]").await;
    eventually("the retro did not start", || async {
        let p = b.path().await;
        p.starts_with("/retros/") && !p.ends_with("/new")
    })
    .await;
    b.click(".facilitate button[value=write]").await;
    b.wait_text("#card-body").await;
    b.tab_to(".card-form input[name=column]:checked").await;
    b.press(&Key::Right.to_string()).await;
    b.tab_to("#card-body").await;
    b.press("Keyboard-only card").await;
    b.tab_to(".card-form button[type=submit]").await;
    b.press(&enter).await;
    eventually("the card did not arrive in the second column", || async {
        b.js_text("return document.querySelectorAll('#retro-board .column')[1]?.innerText ?? ''")
            .await
            .contains("Keyboard-only card")
    })
    .await;

    // A post-mortem: title, severity by arrow key, a squad ticked with Space, when it
    // started, the summary, Save.
    c.goto(&s.url("/postmortems/new")).await.unwrap();
    b.tab_to("#p-title").await;
    b.press("Keyboard-only outage").await;
    b.tab_to("select[name=severity]").await;
    b.press(&Key::Down.to_string()).await;
    b.tab_to("input[name=squads]").await;
    b.press(" ").await;
    b.tab_to("input[name=started_at]").await;
    b.press("2026-11-30 14:05").await;
    b.tab_to("#p-summary").await;
    b.press("Nothing but the keyboard wrote this.").await;
    b.tab_to(".form-actions button:not([name])").await;
    b.press(&enter).await;
    eventually("the post-mortem was not saved", || async {
        let p = b.path().await;
        p.starts_with("/postmortems/") && p[13..].parse::<u32>().is_ok()
    })
    .await;
    let shown = b.wait_text("main").await;
    assert!(
        shown.contains("Keyboard-only outage")
            && shown.contains("Nothing but the keyboard wrote this."),
        "{shown}"
    );
    browser.close().await;
}
