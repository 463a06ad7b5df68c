//! Single sign-on as a person does it, in Chromium: the sign-in page's provider button, the
//! provider's own login and consent pages (a real `oidc-provider`), back at the page they
//! first asked for, signed in; and signing out ends the provider's session too.

use std::sync::Arc;

use fantoccini::Locator;

use super::Browser;
use crate::harness::{Backend, TestData};
use crate::sso::{OidcProvider, free_port, sso_server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and an OpenID provider: see README, Run the tests"]
async fn sign_in_with_the_provider_and_out_again() {
    let port = free_port();
    let accounts = serde_json::json!({
        "mara": {"name": "Mara Okafor", "email": "mara@example.test"}
    });
    let provider = OidcProvider::start(accounts, port);
    let data = Arc::new(TestData::new(&Backend::Sqlite));
    let s = sso_server(data, &provider.issuer, port, &[]).await;
    let browser = Browser::start(false).await;
    let c = &browser.client;

    c.goto(&s.url("/lessons")).await.unwrap();
    assert_eq!(browser.path().await, "/login");
    browser.screenshot("sso-login.png").await;
    browser.click("a.sso").await;

    // The provider's pages, not fika's: its login form, then its consent form.
    browser.wait_text("input[name=login]").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .starts_with(&provider.issuer)
    );
    browser.type_live_css("input[name=login]", "mara").await;
    browser
        .type_live_css("input[name=password]", "anything")
        .await;
    browser.click("button[type=submit]").await;
    super::eventually("the consent page", || async {
        c.find(Locator::Css("input[name=prompt][value=consent]"))
            .await
            .is_ok()
    })
    .await;
    browser.click("button[type=submit]").await;

    browser.wait_for_path("/lessons").await;
    let header = browser.wait_text("header").await;
    assert!(header.contains("Mara Okafor"), "signed in: {header}");
    browser.screenshot("sso-signed-in.png").await;

    // Signing out goes by the provider, which asks, then sends the browser back.
    browser.click("form[action='/logout'] button").await;
    super::eventually("the provider's sign-out page", || async {
        c.current_url()
            .await
            .is_ok_and(|u| u.as_str().starts_with(&provider.issuer))
    })
    .await;
    browser
        .click("button[autofocus], button[type=submit]")
        .await;
    browser.wait_for_path("/login").await;
    c.goto(&s.url("/account")).await.unwrap();
    assert_eq!(browser.path().await, "/login", "signed out of fika");
    browser.close().await;
}
