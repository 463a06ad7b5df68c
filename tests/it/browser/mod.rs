//! Browser tests: a real headless Chromium driven through chromedriver (WebDriver).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::harness::{Backend, TestData, TestServer, artifacts_dir};

mod a11y;
mod rows;
mod sso;

/// A chromedriver process plus a WebDriver session in headless Chromium.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a session; fails the test when they are not installed (the
    /// browser tests are `#[ignore]`d, so they only run when asked). `dark` asks Chromium for
    /// the dark colour scheme (`prefers-color-scheme: dark`).
    pub async fn start(dark: bool) -> Browser {
        Browser::launch(dark, None).await
    }

    /// A browser that lays pages out as a phone does: a 390 × 844 CSS-pixel viewport
    /// (Chromium's device emulation; a headless window cannot be made that narrow).
    pub async fn start_phone(dark: bool) -> Browser {
        Browser::launch(dark, Some((390, 844))).await
    }

    async fn launch(dark: bool, phone: Option<(u32, u32)>) -> Browser {
        let driver_bin = std::env::var("FIKA_TEST_CHROMEDRIVER")
            .unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium =
            std::env::var("FIKA_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        if !std::path::Path::new(&driver_bin).exists() || !std::path::Path::new(&chromium).exists()
        {
            panic!(
                "this test needs {driver_bin} and {chromium}: install chromium and \
                 chromium-driver (bash .ci/test-services start does)"
            );
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
        let mut options = serde_json::json!({ "binary": chromium, "args": args });
        if let Some((width, height)) = phone {
            options["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1 }
            });
        }
        let caps = serde_json::json!({ "goog:chromeOptions": options });
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
        Browser {
            client,
            driver,
            _profile: profile,
        }
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

/// Short forms of the WebDriver calls the tests repeat.
impl Browser {
    async fn type_into(&self, id: &str, text: &str) {
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Types into a field of a live page: found again if it was replaced meanwhile.
    async fn type_live(&self, id: &str, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let typed = match self.client.find(Locator::Id(id)).await {
                Ok(field) => field.send_keys(text).await,
                Err(e) => Err(e),
            };
            match typed {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => panic!("cannot type into {id}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Types into the element `css` finds, as a person would.
    async fn type_live_css(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks the element, finding it again when the page replaced it between the find and
    /// the click (live pages swap their parts while a test works in them).
    async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let clicked = match self.client.find(Locator::Css(css)).await {
                Ok(target) => target.click().await,
                Err(e) => Err(e),
            };
            match clicked {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => panic!("cannot click {css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Waits for an element (the page after a click has loaded) and returns its text. A page
    /// that is replaced while we read it (a stale element) is read again.
    async fn wait_text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self.client.wait().for_element(Locator::Css(css)).await;
            if let Ok(el) = found
                && let Ok(text) = el.text().await
            {
                return text;
            }
            assert!(Instant::now() < deadline, "no {css} in time");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the browser is at `path` (after a click that navigates).
    async fn wait_for_path(&self, path: &str) {
        eventually(&format!("never got to {path}"), || async {
            self.path().await == path
        })
        .await;
    }

    /// The string a script returns ("" for anything else).
    async fn js_text(&self, script: &str) -> String {
        let v = self.client.execute(script, vec![]).await.unwrap();
        v.as_str().unwrap_or_default().to_string()
    }

    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }

    async fn body_background(&self) -> String {
        let js = "return getComputedStyle(document.body).backgroundColor";
        let v = self.client.execute(js, vec![]).await.unwrap();
        v.as_str().unwrap_or_default().to_string()
    }

    /// Signs in as the demo admin through the form on the current sign-in page.
    async fn sign_in(&self, password: &str) {
        self.sign_in_as("alice", password).await;
    }

    async fn sign_in_as(&self, username: &str, password: &str) {
        self.type_into("username", username).await;
        self.type_into("password", password).await;
        self.click("main button[type=submit]").await;
    }
}

/// Polls `check` until it holds; after ten seconds the test fails, saying `what`.
async fn eventually<F: std::future::Future<Output = bool>>(what: &str, check: impl Fn() -> F) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn sign_in_and_see_the_home_page() {
    let browser = Browser::start(false).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &browser.client;

    c.goto(&s.url("/account")).await.unwrap();
    assert_eq!(
        browser.path().await,
        "/login",
        "anonymous visitors are sent to sign in"
    );
    browser.screenshot("login.png").await;

    browser.sign_in("not-the-password").await;
    assert_eq!(
        browser.wait_text("p.error").await,
        "Wrong username or password."
    );
    let kept = c
        .find(Locator::Id("username"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("alice"), "the username is kept");

    browser.type_into("password", "fika-demo-2026").await;
    browser.click("main button[type=submit]").await;
    browser.wait_text("#token-name").await;
    assert_eq!(
        browser.path().await,
        "/account",
        "back where the visitor wanted to go"
    );

    browser.click("nav.sections a[href='/']").await;
    browser.wait_for_path("/").await;
    assert_eq!(browser.wait_text("main h1").await, "Hej, Alice Lindqvist!");
    assert_eq!(
        browser.wait_text("nav.sections a[aria-current=page]").await,
        "Home"
    );
    // The stylesheet really applied (served from static/, not a CDN).
    assert_eq!(browser.body_background().await, "rgb(251, 248, 244)");
    browser.screenshot("home.png").await;
    c.set_window_size(390, 844).await.unwrap();
    browser.screenshot("home-phone.png").await;

    // Sign out through the header form (it carries the CSRF token).
    browser.click(".who button").await;
    browser.wait_text("#password").await;
    assert_eq!(browser.path().await, "/login");
    c.goto(&s.url("/")).await.unwrap();
    assert_eq!(browser.path().await, "/login", "the session is gone");
    browser.close().await;
}

/// One page of each route template of the demo, as a signed-in admin sees it.
const EVERY_KIND_OF_PAGE: &[&str] = &[
    "/",
    "/account",
    "/actions",
    "/admin/users",
    "/admin/import",
    "/changes",
    "/experiments",
    "/experiments/calculator",
    // An answer, with the warning that the page takes percent.
    "/experiments/calculator?calc_baseline=0.5&calc_mde=0.5&calc_control_share=30",
    "/experiments/insights",
    "/experiments/new",
    "/experiments/1",
    "/experiments/1/edit",
    "/experiments/1/data",
    "/health/indicators",
    // Two lessons of the demo's news mention alice.
    "/inbox",
    "/account/notifications",
    // The demo's one comment, alice's, on the first news lesson (written at the start, so
    // still hers to edit).
    "/comments/1/edit",
    "/health/21",
    "/squads/payments/health",
    "/tribes/platform/health",
    "/tribes/platform/matrix",
    "/lessons",
    "/lessons/new",
    "/lessons/38",
    "/lessons/38/edit",
    "/lessons/38/history",
    "/lessons/38/revisions/1",
    "/org",
    "/org/health",
    "/org/chart",
    "/org/new",
    "/people",
    "/people/alice",
    "/people/alice/edit",
    "/people/alice/steps",
    "/pages",
    "/pages/new",
    "/pages/search-team",
    // A guide with every kind of Markdown: highlighted code, an alert, an aligned table,
    // autolinks and a footnote.
    "/pages/feature-flags-guide",
    "/pages/search-team/edit",
    "/pages/search-team/history",
    "/pages/search-team/revisions/1",
    "/postmortems",
    "/postmortems/new",
    "/postmortems/rules",
    "/postmortems/insights",
    "/postmortems/9",
    "/postmortems/9/edit",
    "/retros",
    "/retros/new",
    "/retros/4",
    "/search?q=cache",
    "/squads/payments",
    "/tribes/platform",
    "/chapters/platform-backend",
    "/chapters/platform-backend/steps",
    "/guilds/web-guild",
    "/trios/platform-trio",
    "/alliances/family-plan-alliance",
    "/steps",
    "/steps/catalogue",
    "/steps/distribution",
    "/steps/edit",
    "/steps/reviews",
    "/webhooks",
    "/webhooks/new",
    // The webhook `with_a_webhook` sets up, with a delivery log.
    "/webhooks/1",
];

/// A webhook of the demo's whole org with two deliveries, one sent and one given up: the
/// demo runs without a public URL, so webhooks are off and nothing is posted.
fn with_a_webhook(s: &TestServer) {
    use diesel::RunQueryDsl;
    let mut conn = s.data.connect();
    let body = r#"{"text": "New lesson · Payments", "attachments": [{"title": "Caches need a budget", "title_link": "http://fika.test/lessons/38"}]}"#;
    for sql in [
        "INSERT INTO webhooks (name, unit_id, url, format, events, secret, active, created_by, \
         created_at, updated_at) VALUES ('#all-news', NULL, \
         'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX', 'slack', \
         'lesson_published postmortem_published', 'c0ffee', TRUE, NULL, \
         '2026-12-01 09:00:00', '2026-12-01 09:00:00')"
            .to_string(),
        format!(
            "INSERT INTO webhook_deliveries (webhook_id, event_id, delivery_key, event_kind, \
             title, payload, created_at, attempts, next_attempt_at, last_attempt_at, \
             delivered_at, last_status, last_response) VALUES \
             (1, NULL, 'd1', 'lesson_published', 'Caches need a budget', '{body}', \
              '2026-12-01 10:00:00', 1, '2026-12-01 10:00:00', '2026-12-01 10:00:01', \
              '2026-12-01 10:00:01', 200, 'ok'), \
             (1, NULL, 'd2', 'postmortem_published', 'Checkout outage', '{body}', \
              '2026-12-02 10:00:00', 12, '2026-12-02 21:00:00', '2026-12-02 20:00:00', NULL, \
              503, 'Service Unavailable')"
        ),
    ] {
        diesel::sql_query(sql)
            .execute(&mut conn)
            .expect("a webhook");
    }
}

/// At 390 px every page fits the screen: nothing makes the page scroll sideways (a wide
/// table scrolls inside its own box).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn every_page_fits_a_phone() {
    let browser = Browser::start_phone(false).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    with_a_webhook(&s);
    let c = &browser.client;
    c.goto(&s.url("/login")).await.unwrap();
    browser.sign_in("fika-demo-2026").await;
    browser.wait_for_path("/").await;
    assert_eq!(
        browser
            .js_text("return String(document.documentElement.clientWidth)")
            .await,
        "390"
    );
    // Every section is in sight in the header, none hidden past the edge.
    let hidden = browser
        .js_text(
            "return [...document.querySelectorAll('nav.sections a')]\
                .filter((a) => a.getBoundingClientRect().right > document.documentElement.clientWidth)\
                .map((a) => a.textContent).join(', ')",
        )
        .await;
    assert_eq!(hidden, "", "sections off-screen on a phone");
    assert!(
        browser
            .js_text("return document.querySelector('nav.sections').innerText")
            .await
            .contains("Steps")
    );
    let mut wide = Vec::new();
    for path in EVERY_KIND_OF_PAGE {
        c.goto(&s.url(path)).await.unwrap();
        let title = c.title().await.unwrap();
        let errors = [
            "Not found",
            "Not allowed",
            "Sign-in required",
            "Something went wrong",
        ];
        assert!(
            !errors.iter().any(|e| title.starts_with(e)),
            "{path}: {title}"
        );
        let width = browser
            .js_text("return String(document.documentElement.scrollWidth)")
            .await;
        if width != "390" {
            wide.push(format!("{path}: {width} px"));
        }
    }
    assert!(wide.is_empty(), "wider than the phone: {wide:?}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn account_and_admin_pages_in_dark_mode() {
    let browser = Browser::start(true).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &browser.client;
    c.goto(&s.url("/login?next=/account")).await.unwrap();
    browser.sign_in("fika-demo-2026").await;
    browser.wait_text("#token-name").await;
    assert_eq!(
        browser.body_background().await,
        "rgb(26, 22, 20)",
        "the dark theme applies"
    );

    // Create a token with the plain form; it is shown once.
    browser.type_into("token-name", "screenshot script").await;
    browser.click("form[action='/account/tokens'] button").await;
    let token = browser.wait_text("#new-token").await;
    assert!(token.starts_with("fika_"), "{token}");
    browser.screenshot("account-dark.png").await;

    c.goto(&s.url("/admin/users")).await.unwrap();
    let rows = c
        .find_all(Locator::Css("table.users tbody tr"))
        .await
        .unwrap();
    assert!(rows.len() >= 100, "the demo people: {}", rows.len());
    browser.screenshot("users-dark.png").await;
    c.set_window_size(390, 844).await.unwrap();
    browser.screenshot("users-dark-phone.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn browse_the_org_and_join_a_guild() {
    let browser = Browser::start(false).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &browser.client;
    c.goto(&s.url("/login?next=/org")).await.unwrap();
    browser.type_into("username", "carla.larsen").await;
    browser.type_into("password", "fika-demo-2026").await;
    browser.click("main button[type=submit]").await;
    browser.wait_for_path("/org").await;
    assert_eq!(browser.wait_text("main h1").await, "The organization");
    browser.screenshot("org.png").await;

    // From /org to a squad...
    browser
        .click(".tribe-card a[href='/squads/payments']")
        .await;
    browser.wait_for_path("/squads/payments").await;
    assert_eq!(browser.wait_text("main h1").await, "Payments SQUAD");
    assert_eq!(browser.path().await, "/squads/payments");
    browser.screenshot("squad.png").await;
    // ...to one of its people...
    let person = c.find(Locator::Css(".people-list a")).await.unwrap();
    let name = person.text().await.unwrap();
    let href = person.attr("href").await.unwrap().unwrap_or_default();
    person.click().await.unwrap();
    browser.wait_for_path(&href).await;
    assert_eq!(browser.wait_text("main h1").await, name);
    assert!(browser.path().await.starts_with("/people/"));
    let teams = browser.wait_text("main").await;
    assert!(
        teams.contains("Payments"),
        "the person page lists the squad"
    );

    // ...and join a guild, then leave it again.
    c.goto(&s.url("/guilds/accessibility-guild")).await.unwrap();
    browser.click("form[action$='/join'] button").await;
    let leave = browser
        .wait_text("form[action*='/members/'] button.danger")
        .await;
    assert_eq!(leave, "Leave this guild");
    let members = browser.wait_text(".people-list").await;
    assert!(members.contains("Carla Larsen"), "{members}");
    browser.screenshot("guild-joined.png").await;
    browser
        .click("form[action*='/members/'] button.danger")
        .await;
    assert_eq!(
        browser.wait_text("form[action$='/join'] button").await,
        "Join this guild"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn edit_a_page_with_live_preview() {
    let browser = Browser::start(false).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &browser.client;
    c.goto(&s.url("/login?next=/pages/new")).await.unwrap();
    browser.sign_in("fika-demo-2026").await;
    browser.wait_text("#p-body").await;
    browser.type_into("p-title", "Release train").await;
    // Typing updates the preview without a click (fetch to /pages/preview).
    browser
        .type_into(
            "p-body",
            "## Every Tuesday\n\nAsk [[squad:payments]] first.\n\n- [x] tag\n- [ ] ship",
        )
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let preview = loop {
        let text = c
            .find(Locator::Id("preview-pane"))
            .await
            .unwrap()
            .html(true)
            .await
            .unwrap();
        if text.contains("Every Tuesday") || std::time::Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(preview.contains("<h2 id=\"h-every-tuesday\">"), "{preview}");
    assert!(
        preview.contains("href=\"/squads/payments\""),
        "wikilinks resolve in the preview"
    );
    browser.screenshot("page-edit-preview.png").await;
    browser
        .click("form#page-form button[type=submit]:not([name])")
        .await;
    browser.wait_for_path("/pages/release-train").await;
    assert_eq!(browser.wait_text("main h1").await, "Release train");
    assert_eq!(browser.path().await, "/pages/release-train");
    browser.screenshot("page.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn search_from_the_header_box() {
    let browser = Browser::start(false).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &browser.client;
    c.goto(&s.url("/login?next=/")).await.unwrap();
    browser.sign_in("fika-demo-2026").await;
    browser.wait_text(".cards").await;
    // Search as you type: titles appear under the header box; arrow down and Enter opens one.
    browser.type_into("q", "coal").await;
    let first = browser.wait_text("#q-suggestions a").await;
    assert!(first.starts_with("Coalesce cache misses"), "{first}");
    browser.screenshot("search-suggest.png").await;
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.send_keys(&fantoccini::key::Key::Down.to_string())
        .await
        .unwrap();
    q.send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .unwrap();
    eventually("the suggestion did not open", || async {
        browser.path().await.starts_with("/lessons/")
    })
    .await;
    assert!(
        browser
            .wait_text("main h1")
            .await
            .starts_with("Coalesce cache misses")
    );

    // Enter without a chosen suggestion submits the form: the results page.
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.send_keys(&format!("deploy{}", fantoccini::key::Key::Enter))
        .await
        .unwrap();
    browser.wait_for_path("/search").await;
    let count = browser.wait_text(".results-head .hint").await;
    assert!(count.contains("results"), "{count}");
    let marked = browser.wait_text(".hit mark").await;
    assert!(marked.to_lowercase().starts_with("deploy"), "{marked}");
    // A facet narrows down and shows as a removable filter.
    browser.click(".facets a[href*='kind=lesson']").await;
    let chip = browser.wait_text(".chips li span").await;
    assert_eq!(chip, "Lessons");
    let kinds = c.find_all(Locator::Css(".hit .kind")).await.unwrap();
    assert!(!kinds.is_empty());
    for k in kinds {
        assert_eq!(k.text().await.unwrap().to_lowercase(), "lesson");
    }
    browser.screenshot("search-results.png").await;
    // On a phone the facets go below the results and nothing overflows.
    c.set_window_size(390, 844).await.unwrap();
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, serde_json::Value::Bool(false));
    browser.screenshot("search-phone.png").await;

    // A question with a word no record has: the page says it relaxed, and what is missing.
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&s.url("/search")).await.unwrap();
    browser
        .type_into("search-q", "how do we roll back a release from zanzibar")
        .await;
    browser.click("form.search.big button[type=submit]").await;
    let notice = browser.wait_text(".notice.relaxed").await;
    assert!(
        notice.starts_with(
            "No record has all of roll back, release and zanzibar; showing records with"
        ),
        "{notice}"
    );
    assert!(notice.ends_with("No record mentions zanzibar."), "{notice}");
    let titles = c.find_all(Locator::Css(".hit h2")).await.unwrap();
    let mut top = vec![];
    for t in titles.iter().take(5) {
        top.push(t.text().await.unwrap());
    }
    assert!(
        top.iter().any(|t| t == "Roll back first, debug later"),
        "{top:?}"
    );
    browser.screenshot("search-relaxed.png").await;
    // A typo that finds nothing as typed: corrected, said so, and "Search instead" searches
    // exactly what was typed.
    c.goto(&s.url("/search?q=stampeed")).await.unwrap();
    let said = browser.wait_text(".notice.correction").await;
    assert_eq!(
        said,
        "Showing results for stampede. Search instead for stampeed."
    );
    browser
        .click(".notice.correction a[href*='correct=0']")
        .await;
    eventually("the search as typed", || async {
        c.current_url()
            .await
            .is_ok_and(|u| u.as_str().contains("correct=0"))
    })
    .await;
    assert_eq!(
        browser.wait_text(".results-head .hint").await,
        "Nothing found."
    );
    browser.close().await;
}

/// A squad's product owner logs an experiment, enters its results after it ran, and sees
/// fika judge it — without JavaScript needed for any of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn log_an_experiment_and_see_its_outcome() {
    let browser = Browser::start(false).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &browser.client;
    c.goto(&s.url("/login?next=/experiments/new?squad=payments"))
        .await
        .unwrap();
    browser.sign_in("fika-demo-2026").await;
    browser.wait_for_path("/experiments/new").await;
    let fill = |name: &'static str, value: &'static str| async move {
        let field = c
            .find(Locator::Css(&format!("[name='{name}']")))
            .await
            .unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    };
    // Dates and selects are set as a person's picker would leave them.
    let set = |name: &'static str, value: &'static str| async move {
        c.execute(
            "document.querySelector(`[name='${arguments[0]}']`).value = arguments[1]",
            vec![name.into(), value.into()],
        )
        .await
        .unwrap();
    };
    fill("title", "Bigger play button").await;
    fill("change", "a bigger play button").await;
    fill("audience", "first-time listeners").await;
    fill("effect", "get them to press play").await;
    fill("metric", "first-play rate").await;
    fill("moves", "rises by 3 %").await;
    fill("metric_name_0", "first-play rate").await;
    fill("metric_name_1", "crash-free sessions").await;
    fill("metric_margin_1", "0.2").await;
    set("planned_start", "2026-02-02").await;
    set("planned_end", "2026-03-02").await;
    // The calculator inside the form answers as the numbers are typed, and its button fills
    // in the planned sample.
    browser.click("details.calculator summary").await;
    fill("calc_baseline", "20").await;
    fill("calc_mde", "5").await;
    eventually("no live answer", || async {
        browser
            .js_text("return document.querySelector('[data-calc-live]').textContent")
            .await
            .contains("25,583 per variant")
    })
    .await;
    browser.click("button[name=calculate]").await;
    eventually("the planned sample was not filled in", || async {
        browser
            .js_text("return document.querySelector('[name=planned_sample]').value")
            .await
            == "25583"
    })
    .await;
    browser.screenshot("experiment-new.png").await;
    browser.click(".experiment-form > p.actions button").await;
    eventually("not saved", || async {
        let path = browser.path().await;
        path.starts_with("/experiments/") && !path.ends_with("/new")
    })
    .await;
    let url = browser.path().await;
    assert!(
        browser
            .wait_text(".hypothesis-text")
            .await
            .starts_with("We believe that a bigger play button")
    );

    // It ran; the results come in.
    c.goto(&s.url(&format!("{url}/edit"))).await.unwrap();
    browser.wait_text("legend").await;
    set("status", "running").await;
    browser.click(".experiment-form > p.actions button").await;
    browser.wait_for_path(&url).await;
    c.goto(&s.url(&format!("{url}/edit"))).await.unwrap();
    browser.wait_text("legend").await;
    set("status", "concluded").await;
    set("ended_on", "2026-03-02").await;
    fill("variant_observed_0", "26010").await;
    fill("variant_observed_1", "25950").await;
    fill("result_0_1_effect", "0.9").await;
    fill("result_0_1_low", "0.2").await;
    fill("result_0_1_high", "1.6").await;
    browser.click("[name=result_0_1_significant]").await;
    fill("result_1_1_effect", "-0.05").await;
    fill("result_1_1_low", "-0.15").await;
    fill("result_1_1_high", "0.05").await;
    browser.screenshot("experiment-results.png").await;
    browser.click(".experiment-form > p.actions button").await;
    browser.wait_for_path(&url).await;
    assert_eq!(browser.wait_text(".outcome-box .badge").await, "Success");
    let checks = c
        .find_all(Locator::Css(".checks .check-pass"))
        .await
        .unwrap();
    assert_eq!(checks.len(), 3, "all three health checks pass");
    browser.screenshot("experiment.png").await;
    c.set_window_size(390, 844).await.unwrap();
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, serde_json::Value::Bool(false), "fits a phone");
    browser.screenshot("experiment-phone.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn write_a_postmortem_fix_its_wording_and_publish_after_review() {
    let browser = Browser::start(false).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    // Added after the demo loaded (it loads into an empty database only): an admin who is not
    // an author, so may review.
    s.data.add_user("reviewer", crate::harness::PASSWORD, true);
    let c = &browser.client;
    c.goto(&s.url("/login?next=/postmortems/new"))
        .await
        .unwrap();
    browser.sign_in("fika-demo-2026").await;
    browser.wait_for_path("/postmortems/new").await;
    let fill = |name: &'static str, value: &'static str| async move {
        let field = c
            .find(Locator::Css(&format!("[name='{name}']")))
            .await
            .unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    };
    let set = |name: &'static str, value: &'static str| async move {
        c.execute(
            "document.querySelector(`[name='${arguments[0]}']`).value = arguments[1]",
            vec![name.into(), value.into()],
        )
        .await
        .unwrap();
    };
    fill("title", "Search suggestions empty for an hour").await;
    set("severity", "SEV3").await;
    // Find the squad in the list by typing, and tick it, as a person would.
    browser.type_live_css(".checklist-filter", "sear").await;
    assert_eq!(
        browser
            .js_text("return [...document.querySelectorAll('.checklist-items label')].filter((l) => !l.hidden).map((l) => l.textContent.trim()).join(',')")
            .await,
        "Search (Discovery)"
    );
    browser.click("[name=squads][value=search]").await;
    // The zone starts at the browser's own offset (JavaScript), not silently at UTC.
    let zone = browser
        .js_text("return document.querySelector('[name=zone]').value")
        .await;
    let east: i32 = browser
        .js_text("return String(-new Date().getTimezoneOffset())")
        .await
        .parse()
        .unwrap();
    let expected = match east {
        0 => "UTC".to_string(),
        m => format!(
            "{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.abs() / 60,
            m.abs() % 60
        ),
    };
    assert_eq!(zone, expected);
    set("started_at", "2026-10-02T09:00").await;
    set("detected_at", "2026-10-02T09:12").await;
    set("mitigated_at", "2026-10-02T09:40").await;
    set("resolved_at", "2026-10-02T10:05").await;
    fill(
        "summary",
        "Suggestions came back empty after an index swap.",
    )
    .await;
    fill("timeline_at_0", "09:12").await;
    fill("timeline_text_0", "The empty-suggestions alert fired.").await;
    fill(
        "factor_0",
        "The engineer should have waited for the warm-up to finish.",
    )
    .await;
    // While typing, the finding shows under the field.
    eventually("no live finding", || async {
        browser
            .js_text("return document.querySelector('.live-findings mark')?.textContent ?? ''")
            .await
            == "should have"
    })
    .await;
    browser.click("button[name=check]").await;
    assert_eq!(browser.wait_text(".findings mark").await, "should have");
    let why = browser.wait_text(".findings .why").await;
    assert!(why.contains("hindsight"), "{why}");
    browser.screenshot("postmortem-finding.png").await;
    // The rewrite: what made the step make sense at the time.
    fill(
        "factor_0",
        "The swap job reported success before the new index had warmed up.",
    )
    .await;
    browser.click("button[name=check]").await;
    assert!(
        browser
            .wait_text(".blameless-box .ok")
            .await
            .starts_with("No findings")
    );
    browser.click(".form-actions button:not([name])").await;
    eventually("not saved", || async {
        let path = browser.path().await;
        path.starts_with("/postmortems/") && !path.ends_with("/new")
    })
    .await;
    let url = browser.path().await;
    assert_eq!(
        browser.wait_text(".blameless-box .ok").await,
        "No open findings."
    );
    browser.click(".workflow button[value=review]").await;
    // The draft's page may still be showing when the click returns: wait for the new one.
    eventually("not in review", || async {
        browser.wait_text(".workflow h2").await == "In review"
    })
    .await;
    // The author cannot approve: no review form for her.
    assert!(
        c.find_all(Locator::Css("button[value=approved]"))
            .await
            .unwrap()
            .is_empty()
    );
    browser.click(".who form button").await;
    // Signed out before going on: a navigation started now would race the sign-out's own.
    eventually("never signed out", || async {
        c.find_all(Locator::Css(".who form button"))
            .await
            .is_ok_and(|b| b.is_empty())
    })
    .await;
    c.goto(&s.url(&format!("/login?next={url}"))).await.unwrap();
    browser
        .sign_in_as("reviewer", crate::harness::PASSWORD)
        .await;
    browser.wait_for_path(&url).await;
    fill("comments", "Clear and blameless.").await;
    browser.click("button[value=approved]").await;
    eventually("not published", || async {
        browser
            .js_text("return document.querySelector('.badge.pm-published')?.textContent ?? ''")
            .await
            == "Published"
    })
    .await;
    assert!(
        browser
            .wait_text(".reviews")
            .await
            .contains("Clear and blameless.")
    );
    browser.screenshot("postmortem.png").await;
    c.set_window_size(390, 844).await.unwrap();
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, serde_json::Value::Bool(false), "fits a phone");
    browser.screenshot("postmortem-phone.png").await;
    browser.close().await;
}

/// Two people in one retro, each in their own browser: the facilitator's phase changes and
/// the cards reach the other page within seconds, without it ever reloading.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn two_people_in_a_retro_see_each_others_cards_after_the_reveal_without_reloading() {
    let coach = Browser::start(false).await;
    let lead = Browser::start(true).await;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &coach.client;
    c.goto(&s.url("/login?next=/retros/new")).await.unwrap();
    coach.sign_in("fika-demo-2026").await;
    coach.wait_for_path("/retros/new").await;
    c.execute(
        "document.querySelector('[name=squad]').value = 'player'; document.querySelector('[name=format]').value = 'four_ls';",
        vec![],
    )
    .await
    .unwrap();
    coach.type_into("title", "Two browsers retro").await;
    coach.click("main form button[type=submit]").await;
    eventually("the retro did not start", || async {
        coach.path().await.starts_with("/retros/") && !coach.path().await.ends_with("/new")
    })
    .await;
    let path = coach.path().await;

    // A retro opens with the review of the squad's earlier action items: the verdict is
    // sent by the script (no reload) and kept.
    c.execute("window.sameBoard = 'yes'", vec![]).await.unwrap();
    coach.click(".verdicts button[value=done]").await;
    eventually("the review verdict was not kept", || async {
        coach
            .js_text("return document.querySelector('.verdicts [aria-pressed=true]')?.value ?? ''")
            .await
            == "done"
    })
    .await;
    assert_eq!(
        coach.js_text("return window.sameBoard ?? ''").await,
        "yes",
        "the verdict was sent without reloading the page"
    );

    let l = &lead.client;
    l.goto(&s.url(&format!("/login?next={path}")))
        .await
        .unwrap();
    lead.sign_in_as("bjorn", "fika-demo-2026").await;
    lead.wait_for_path(&path).await;
    // Marks this page: a reload would wipe it.
    l.execute("window.sameBoard = 'yes'", vec![]).await.unwrap();

    // The facilitator opens the writing; the lead's page gets the card form by itself.
    coach.click(".facilitate button[value=write]").await;
    eventually("the lead's page never showed the card form", || async {
        lead.js_text("return document.getElementById('card-body') ? 'yes' : ''")
            .await
            == "yes"
    })
    .await;
    coach.wait_text("#card-body").await;
    coach
        .type_live("card-body", "Pairing on the buffer code")
        .await;
    coach.click(".card-form button[type=submit]").await;
    lead.type_live("card-body", "We lacked a test device lab")
        .await;
    lead.click(".card-form button[type=submit]").await;
    eventually("the lead never saw their own card", || async {
        lead.js_text("return document.getElementById('retro-board')?.innerText ?? ''")
            .await
            .contains("We lacked a test device lab")
    })
    .await;
    eventually("the count of cards never reached two", || async {
        lead.js_text("return document.getElementById('retro-head')?.innerText ?? ''")
            .await
            .contains("2 cards written so far, 1 by you")
    })
    .await;
    let before = lead
        .js_text("return document.getElementById('retro-board').innerText")
        .await;
    assert!(
        !before.contains("Pairing on the buffer code"),
        "the coach's card is hidden before the reveal: {before}"
    );

    // The reveal: each sees the other's card, no reload.
    coach.click(".facilitate button[value=reveal]").await;
    // Revealing cannot be undone: the page asks first.
    c.accept_alert().await.unwrap();
    eventually("the lead never saw the coach's card", || async {
        lead.js_text("return document.getElementById('retro-board')?.innerText ?? ''")
            .await
            .contains("Pairing on the buffer code")
    })
    .await;
    eventually("the coach never saw the lead's card", || async {
        coach
            .js_text("return document.getElementById('retro-board')?.innerText ?? ''")
            .await
            .contains("We lacked a test device lab")
    })
    .await;
    assert_eq!(
        lead.js_text("return window.sameBoard ?? ''").await,
        "yes",
        "the lead's page was never reloaded"
    );
    assert_eq!(lead.path().await, path);
    lead.screenshot("retro-revealed-dark.png").await;
    coach.screenshot("retro-revealed.png").await;
    lead.close().await;
    coach.close().await;
}

/// A promotion from proposal to approval, as two people do it: paula proposes herself for
/// Tribe/Guild on her private page (on a phone-sized window), her tribe lead tess finds it
/// waiting on `/steps` (in dark mode), approves it with a note, and paula's page shows the new
/// step and the decision in its history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn a_promotion_goes_from_proposal_to_approval_in_the_browser() {
    let person = Browser::start(false).await;
    let decider = Browser::start(true).await;
    let s = crate::orgs::tribe_with_chapter(Backend::Sqlite).await;
    let lena = crate::orgs::user(&s, "lena").await;
    let res = lena
        .first_step(
            "paula",
            "squad",
            "Six-month review: a steady member of Payments.",
        )
        .await;
    assert_eq!(res.status(), 303, "lena sets paula's first step");
    // Both sides of the assessment, so the page compares them.
    let paula = crate::orgs::user(&s, "paula").await;
    for (who, ratings) in [
        (&paula, ["4", "3", "3", "1", "Mentored two juniors."]),
        (
            &lena,
            ["4", "3", "1", "1", "Strong in the squad; tribe-wide next."],
        ),
    ] {
        let res = who
            .post(
                "/people/paula/steps/assessment",
                &[
                    ("team.individual", ratings[0]),
                    ("team.squad", ratings[1]),
                    ("team.tribe", ratings[2]),
                    ("team.company", ratings[3]),
                    ("team.note", ratings[4]),
                    ("mastery.individual", "4"),
                    ("mastery.squad", "3"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
    }

    let p = &person.client;
    p.set_window_size(390, 900).await.unwrap();
    p.goto(&s.url("/login?next=/people/paula/steps"))
        .await
        .unwrap();
    person.sign_in_as("paula", crate::harness::PASSWORD).await;
    person.wait_for_path("/people/paula/steps").await;
    assert!(
        person
            .wait_text(".step-name")
            .await
            .contains("Squad/Chapter")
    );
    p.execute(
        "document.querySelector('[name=to][value=tribe]').checked = true;",
        vec![],
    )
    .await
    .unwrap();
    person
        .type_into(
            "evidence",
            "I ran the weekly design review for Payments and Radio, and I mentored two new engineers through on-call.",
        )
        .await;
    person.screenshot("steps-propose-phone.png").await;
    person.click("#propose button[type=submit]").await;
    eventually("the proposal page never came", || async {
        person
            .path()
            .await
            .starts_with("/people/paula/steps/proposals/")
    })
    .await;
    let proposal_path = person.path().await;
    assert_eq!(
        person.wait_text(".proposal-status").await,
        "Waiting for a decision"
    );

    let d = &decider.client;
    d.goto(&s.url("/login?next=/steps")).await.unwrap();
    decider.sign_in_as("tess", crate::harness::PASSWORD).await;
    decider.wait_for_path("/steps").await;
    decider.click(".steps-awaiting a").await;
    decider.wait_for_path(&proposal_path).await;
    let main = decider.wait_text("main").await;
    assert!(
        main.contains("mentored two new engineers") && !main.contains("<p>"),
        "the decider reads the evidence, rendered: {main}"
    );
    decider
        .type_into("note", "Clear tribe-wide impact. Congratulations!")
        .await;
    decider.screenshot("steps-decide-dark.png").await;
    decider.click("button[value=approve]").await;
    eventually("the decision was not shown", || async {
        decider
            .js_text("return document.querySelector('.proposal-status')?.innerText ?? ''")
            .await
            == "Approved"
    })
    .await;
    assert!(
        !decider.body_background().await.contains("251, 248, 244"),
        "dark mode is dark"
    );
    // The tribe lead decided the proposal, but the record itself stays private to them.
    d.goto(&s.url("/people/paula/steps")).await.unwrap();
    assert!(
        decider
            .wait_text("main")
            .await
            .contains("Career steps are private")
    );

    p.goto(&s.url("/people/paula/steps")).await.unwrap();
    assert_eq!(person.wait_text(".step-name").await, "Tribe/Guild");
    let history = person.wait_text(".steps-history").await;
    assert!(
        history.contains("Promotion approved: Tribe/Guild — by tess Testperson"),
        "{history}"
    );
    person.screenshot("steps-approved-phone.png").await;
    p.set_window_size(1280, 1400).await.unwrap();
    p.execute("document.getElementById('cmp-h').scrollIntoView()", vec![])
        .await
        .unwrap();
    let compared = person.wait_text(".steps-summary").await;
    assert!(compared.contains("agree on 5 of 6"), "{compared}");
    person.screenshot("steps-compare.png").await;
    person.close().await;
    decider.close().await;
}

/// Every form on the live retro board goes through the script with JavaScript on: each one
/// changes the board in place, without a reload, and what it did is kept. (A field named
/// like a property of its form once sent the verdicts to `/retros/[object
/// HTMLInputElement]`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium and chromedriver: see README, Run the tests"]
async fn every_retro_board_form_works_with_javascript_on() {
    let browser = Browser::start(false).await;
    let b = &browser;
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = TestServer::start_with(data, &["--demo"]).await;
    let c = &b.client;
    c.goto(&s.url("/login?next=/retros/new")).await.unwrap();
    b.sign_in("fika-demo-2026").await;
    b.wait_for_path("/retros/new").await;
    c.execute(
        "document.querySelector('[name=squad]').value = 'player'; document.querySelector('[name=format]').value = 'well_improve';",
        vec![],
    )
    .await
    .unwrap();
    b.type_into("title", "Every form retro").await;
    b.click("main form button[type=submit]").await;
    eventually("the retro did not start", || async {
        b.path().await.starts_with("/retros/") && !b.path().await.ends_with("/new")
    })
    .await;
    let path = b.path().await;
    c.execute("window.sameBoard = 'yes'", vec![]).await.unwrap();
    let board = || async {
        b.js_text("return document.getElementById('retro-board')?.innerText ?? ''")
            .await
    };
    let count = |css: &'static str| async move {
        b.js_text(&format!(
            "return String(document.querySelectorAll('{css}').length)"
        ))
        .await
    };
    // Moves the retro on (or back) and waits for the board to say it is there.
    let phase = |to: &'static str| async move {
        b.click(&format!(".facilitate button[value={to}]")).await;
        if matches!(to, "reveal" | "close") {
            b.client.accept_alert().await.unwrap();
        }
        let label = match to {
            "close" => "Closed".to_string(),
            _ => format!("{}{}", to[..1].to_uppercase(), &to[1..]),
        };
        eventually(&format!("never reached {to}"), || async {
            b.js_text(
                "return document.querySelector('.phases [aria-current=step]')?.textContent ?? ''",
            )
            .await
                == label
        })
        .await;
    };

    // Review: a verdict.
    b.click(".verdicts button[value=open]").await;
    eventually("the verdict was not kept", || async {
        b.js_text("return document.querySelector('.verdicts [aria-pressed=true]')?.value ?? ''")
            .await
            == "open"
    })
    .await;

    // Write: three cards, one taken back.
    phase("write").await;
    // The first with the button (the focus comes back to the box), the others with
    // Ctrl+Enter from the box.
    for (i, card) in ["Pairing helped", "Flaky emulator", "Too many meetings"]
        .into_iter()
        .enumerate()
    {
        b.wait_text("#card-body").await;
        b.type_live("card-body", card).await;
        if i == 0 {
            b.click(".card-form button[type=submit]").await;
        } else {
            b.type_live("card-body", "\u{E009}\u{E007}").await;
        }
        eventually(&format!("card {card:?} never showed"), || async {
            board().await.contains(card)
        })
        .await;
        eventually("the focus did not come back to the card box", || async {
            b.js_text("return document.activeElement?.id ?? ''").await == "card-body"
        })
        .await;
    }
    c.execute(
        "[...document.querySelectorAll('#retro-board .sticky.mine')]\
            .find((k) => k.innerText.includes('Too many meetings'))\
            .querySelector('form[action$=\"/delete\"] button').click();",
        vec![],
    )
    .await
    .unwrap();
    eventually("the card was not taken back", || async {
        count("#retro-board .sticky.mine").await == "2"
    })
    .await;
    // And one rewritten in place.
    c.execute(
        "const k = [...document.querySelectorAll('#retro-board .sticky.mine')]\
            .find((k) => k.innerText.includes('Pairing helped'));\
         k.querySelector('details').open = true;\
         k.querySelector('textarea').value = 'Pairing helped a lot';\
         k.querySelector('.edit-card button').click();",
        vec![],
    )
    .await
    .unwrap();
    eventually("the card was not rewritten", || async {
        board().await.contains("Pairing helped a lot")
    })
    .await;

    // Reveal (asked first: cancelled, nothing happens), then group two cards under a title,
    // and take one out again.
    b.click(".facilitate button[value=reveal]").await;
    assert_eq!(
        c.get_alert_text().await.unwrap(),
        "Reveal every card to everyone? This cannot be undone."
    );
    c.dismiss_alert().await.unwrap();
    assert_eq!(
        b.js_text(
            "return document.querySelector('.phases [aria-current=step]')?.textContent ?? ''"
        )
        .await,
        "Write"
    );
    phase("reveal").await;
    phase("group").await;
    c.execute(
        "document.querySelectorAll('input[name=card]').forEach((c) => { c.checked = true; });",
        vec![],
    )
    .await
    .unwrap();
    b.type_live("group-title", "Test devices").await;
    b.click("#group-form button[type=submit]").await;
    eventually("the group never showed", || async {
        count(".group .sticky").await == "2"
    })
    .await;
    b.click(".group .sticky form button").await;
    eventually("the card was not taken out", || async {
        count(".group .sticky").await == "1"
    })
    .await;

    // Vote: a dot, taken back, given again; back one phase and forward.
    phase("vote").await;
    let dots = || async {
        // The viewer's own dots (the tallies are hidden while the vote is open); no count
        // shown is none of theirs.
        b.js_text("return document.querySelector('.topic .dot-count')?.textContent ?? '0'")
            .await
    };
    b.click(".topic button[value=add]").await;
    eventually("the dot was not added", || async { dots().await == "1" }).await;
    b.click(".topic button[value=remove]").await;
    eventually("the dot was not taken back", || async {
        dots().await == "0"
    })
    .await;
    b.click(".topic button[value=add]").await;
    eventually("the dot was not added again", || async {
        dots().await == "1"
    })
    .await;
    phase("group").await;
    phase("vote").await;

    // Discuss: an action item.
    phase("discuss").await;
    b.type_live("a-title", "Borrow two test phones").await;
    b.click("#retro-forms button[type=submit]").await;
    eventually("the action item never showed", || async {
        b.js_text("return document.body.innerText")
            .await
            .contains("Borrow two test phones")
    })
    .await;
    phase("close").await;
    assert_eq!(
        b.js_text("return window.sameBoard ?? ''").await,
        "yes",
        "every form was sent without reloading the page"
    );
    assert_eq!(b.path().await, path);

    // All of it was kept: read again from the server.
    c.goto(&s.url(&path)).await.unwrap();
    let page = b.js_text("return document.body.innerText").await;
    // A lone card's topic is named by its column and its words, not its column alone.
    assert!(
        page.contains("Went well: Pairing helped a lot")
            || page.contains("Went well: Flaky emulator"),
        "{page}"
    );
    for kept in [
        "Test devices",
        "Borrow two test phones",
        "Pairing helped a lot",
    ] {
        assert!(page.contains(kept), "{kept:?} not kept: {page}");
    }
    assert!(
        !page.contains("Too many meetings"),
        "the card taken back is gone"
    );
    browser.close().await;
}
