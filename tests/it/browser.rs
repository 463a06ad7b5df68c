//! Browser tests: a real headless Chromium driven through chromedriver (WebDriver).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::harness::{Backend, TestData, TestServer, artifacts_dir, require_all};

/// A chromedriver process plus a WebDriver session in headless Chromium.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// None (skip) when chromedriver is not installed, unless CI requires it. `dark` asks
    /// Chromium for the dark colour scheme (`prefers-color-scheme: dark`).
    pub async fn start(dark: bool) -> Option<Browser> {
        let driver_bin = std::env::var("FIKA_TEST_CHROMEDRIVER")
            .unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium =
            std::env::var("FIKA_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        if !std::path::Path::new(&driver_bin).exists() || !std::path::Path::new(&chromium).exists()
        {
            assert!(
                !require_all(),
                "FIKA_TEST_REQUIRE_ALL=1 but {driver_bin} or {chromium} is missing"
            );
            eprintln!("skipped: install chromium and chromium-driver to run browser tests");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if dark {
            args.push("--force-dark-mode".into());
        }
        let caps = serde_json::json!({
            "goog:chromeOptions": { "binary": chromium, "args": args }
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let mut builder =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
            match builder.capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) if Instant::now() > deadline => panic!("cannot start Chromium: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Some(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(artifacts_dir().join(name), png).expect("write screenshot");
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_see_the_home_page() {
    let Some(browser) = Browser::start(false).await else {
        return;
    };
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &browser.client;

    c.goto(&s.url("/account")).await.unwrap();
    let url = c.current_url().await.unwrap();
    assert_eq!(
        url.path(),
        "/login",
        "anonymous visitors are sent to sign in"
    );
    browser.screenshot("login.png").await;

    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("alice")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("not-the-password")
        .await
        .unwrap();
    c.find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let error = c
        .wait()
        .for_element(Locator::Css("p.error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(error, "Wrong username or password.");
    let kept = c
        .find(Locator::Id("username"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("alice"));

    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("fika-demo-2026")
        .await
        .unwrap();
    c.find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("token-name"))
        .await
        .unwrap();
    let url = c.current_url().await.unwrap();
    assert_eq!(
        url.path(),
        "/account",
        "back where the visitor wanted to go"
    );

    c.find(Locator::Css("nav.sections a[href='/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("main .search.big"))
        .await
        .unwrap();
    let h1 = c
        .find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Hej, Alice Lindqvist!");
    let current = c
        .find(Locator::Css("nav.sections a[aria-current=page]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(current, "Home");
    // The stylesheet really applied (served from static/, not a CDN).
    let bg = c
        .execute(
            "return getComputedStyle(document.body).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(bg.as_str(), Some("rgb(251, 248, 244)"));
    browser.screenshot("home.png").await;

    c.set_window_size(390, 844).await.unwrap();
    browser.screenshot("home-phone.png").await;

    // Sign out through the header form (it carries the CSRF token).
    c.find(Locator::Css(".who button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("password")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    c.goto(&s.url("/")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    browser.close().await;
}

/// Signs in through the form and waits for the page asked for.
async fn sign_in(c: &Client, s: &TestServer, next: &str, wait_for: Locator<'_>) {
    c.goto(&s.url(&format!("/login?next={next}")))
        .await
        .unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("alice")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("fika-demo-2026")
        .await
        .unwrap();
    c.find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(wait_for).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_and_admin_pages_in_dark_mode() {
    let Some(browser) = Browser::start(true).await else {
        return;
    };
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &browser.client;
    sign_in(c, &s, "/account", Locator::Id("token-name")).await;
    let bg = c
        .execute(
            "return getComputedStyle(document.body).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        bg.as_str(),
        Some("rgb(26, 22, 20)"),
        "the dark theme applies"
    );

    // Create a token with the plain form; it is shown once.
    c.find(Locator::Id("token-name"))
        .await
        .unwrap()
        .send_keys("screenshot script")
        .await
        .unwrap();
    c.find(Locator::Css("form[action='/account/tokens'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let token = c
        .wait()
        .for_element(Locator::Id("new-token"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(token.starts_with("fika_"), "{token}");
    browser.screenshot("account-dark.png").await;

    c.goto(&s.url("/admin/users")).await.unwrap();
    let rows = c
        .find_all(Locator::Css("table.users tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 12, "the demo people");
    browser.screenshot("users-dark.png").await;
    c.set_window_size(390, 844).await.unwrap();
    browser.screenshot("users-dark-phone.png").await;
    browser.close().await;
}
