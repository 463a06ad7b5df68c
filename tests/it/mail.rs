//! Mail (issue 25), sent to a real SMTP server (aiosmtpd, `fixtures/smtp-sink.py`) and read
//! back as messages: who gets what, the parts and headers, unsubscribing, retries after a
//! refusal, and several instances sending each message once.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestData, TestServer};
use crate::orgs::user;
use crate::sso::free_port;

/// aiosmtpd on a free port, writing what it accepts into a temp dir.
struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl SmtpSink {
    /// Starts it; the first `refuse` messages get a temporary failure.
    fn start(refuse: usize) -> SmtpSink {
        let python = std::env::var("FIKA_TEST_SMTP").unwrap_or_else(|_| {
            panic!(
                "this test needs aiosmtpd: set FIKA_TEST_SMTP to a python that has it, e.g. \
                 with eval \"$(bash .ci/test-services start)\""
            )
        });
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/fixtures/smtp-sink.py"
        );
        let mut child = Command::new(python)
            .args([script, &dir.path().display().to_string(), &port.to_string()])
            .env("REFUSE", refuse.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        SmtpSink { child, dir, port }
    }

    /// The messages received so far, in order, as raw bytes.
    fn received(&self) -> Vec<Vec<u8>> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names.iter().map(|p| std::fs::read(p).unwrap()).collect()
    }

    /// Waits until `n` messages arrived (a retry waits ten seconds).
    async fn until(&self, n: usize) -> Vec<Vec<u8>> {
        for _ in 0..300 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("only {} of {n} messages arrived", self.received().len());
    }

    /// fika's flags for sending here.
    fn args(&self) -> Vec<String> {
        [
            "--public-url",
            "http://fika.test",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            &self.port.to_string(),
            "--smtp-tls",
            "none",
            "--mail-from",
            "fika <fika@example.com>",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A person with an e-mail address.
fn add_with_mail(data: &TestData, username: &str) {
    let name = format!("{username} Testperson");
    let email = format!("{username}@example.com");
    let out = data.cli(
        &["user", "add", username, "--name", &name, "--email", &email],
        Some(PASSWORD),
    );
    assert!(out.success, "{}", out.stderr);
}

/// One message: its headers by name, and its text and HTML parts.
struct Mail {
    headers: Vec<(String, String)>,
    text: String,
    html: String,
}

impl Mail {
    fn parse(raw: &[u8]) -> Mail {
        let m = mailparse::parse_mail(raw).expect("a message");
        assert_eq!(m.ctype.mimetype, "multipart/alternative");
        let part = |t: &str| {
            m.subparts
                .iter()
                .find(|p| p.ctype.mimetype == t)
                .unwrap_or_else(|| panic!("no {t} part"))
                .get_body()
                .unwrap()
        };
        Mail {
            headers: m
                .headers
                .iter()
                .map(|h| (h.get_key(), h.get_value()))
                .collect(),
            text: part("text/plain"),
            html: part("text/html"),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header"))
    }
}

async fn mail_reaches_those_who_want_it(b: Backend) {
    // The first message is refused once, as a busy server would: it comes later, once.
    let sink = SmtpSink::start(1);
    let data = Arc::new(TestData::new(&b));
    let args = sink.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let s = TestServer::start_with(data.clone(), &args).await;
    for u in ["paula", "pia"] {
        add_with_mail(&data, u);
    }
    data.add_user("otto", PASSWORD, false);
    let admin = {
        data.add_user("admin", PASSWORD, true);
        s.token_for("admin")
    };
    for (kind, body) in [("squad", json!({"name": "Payments"}))] {
        let (status, j) = s
            .post_json(&format!("/api/v1/units/{kind}"), &admin, body)
            .await;
        assert_eq!(status, 201, "{j}");
    }
    for u in ["paula", "pia"] {
        let (status, j) = s
            .post_json(
                "/api/v1/units/squad/payments/members",
                &admin,
                json!({"username": u, "role": "member", "since": "2025-01-01"}),
            )
            .await;
        assert_eq!(status, 201, "{j}");
    }
    let otto = s.token_for("otto");
    let (status, j) = s
        .post_json(
            "/api/v1/lessons",
            &otto,
            json!({"title": "Cap <retries>", "body": "Thanks @paula; and @otto.", "units": ["squad/payments"]}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let lesson = j["id"].as_i64().unwrap();

    // Paula is mentioned: mail by default. Pia only watches the squad: inbox, no mail.
    let got = sink.until(1).await;
    let m = Mail::parse(&got[0]);
    assert_eq!(m.header("To"), "\"paula Testperson\" <paula@example.com>");
    assert_eq!(m.header("From"), "fika <fika@example.com>");
    assert_eq!(
        m.header("Subject"),
        "otto Testperson mentioned you in “Cap <retries>”"
    );
    let url = format!("http://fika.test/lessons/{lesson}");
    assert!(m.text.contains(&url), "{}", m.text);
    assert!(m.html.contains(&format!("href=\"{url}\"")), "{}", m.html);
    assert!(
        m.html.contains("Cap &#60;retries&#62;"),
        "escaped in HTML: {}",
        m.html
    );
    assert!(m.text.contains("Cap <retries>"), "as written in text");
    let unsubscribe = m
        .header("List-Unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    assert!(
        unsubscribe.starts_with("http://fika.test/unsubscribe/"),
        "{unsubscribe}"
    );
    assert_eq!(
        m.header("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    assert!(m.text.contains(&unsubscribe) && m.html.contains(&unsubscribe));
    assert!(m.header("Message-ID").starts_with("<mail-"));
    let pia = user(&s, "pia").await;
    crate::notify::inbox_with(&pia, "Cap &#60;retries&#62;").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 1, "no mail for news by default");

    // The link asks first (a scanner following it stops nothing), works without signing
    // in, and one click (a POST) stops mentions by mail; the inbox still has them.
    let path = unsubscribe
        .trim_start_matches("http://fika.test")
        .to_string();
    let anon = s.client();
    let res = anon.get(&path).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Stop these e-mails"));
    let flipped = if path.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{flipped}", &path[..path.len() - 1]);
    assert_eq!(anon.get(&forged).await.status(), 404, "a forged link");
    let res = anon
        .post_form(&path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("no more e-mail"));
    let (status, _) = s
        .post_json(
            "/api/v1/lessons",
            &otto,
            json!({"title": "Second mention", "body": "@paula again"}),
        )
        .await;
    assert_eq!(status, 201);
    let paula = user(&s, "paula").await;
    crate::notify::inbox_with(&paula, "Second mention").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 1, "paula stopped mentions by mail");
    let (_, settings) = paula.get("/account/notifications").await;
    assert!(settings.contains("id=\"mail-mention\""), "mail is offered");
    assert!(
        !settings
            .contains("id=\"mail-mention\" aria-label=\"Someone mentions you: e-mail\" checked")
    );

    // Pia asks for news by mail; a second instance on the same database shares the work,
    // and each message goes out once.
    pia.post(
        "/account/notifications",
        &[
            ("inbox", "watched"),
            ("mail", "watched"),
            ("mail", "mention"),
        ],
    )
    .await;
    let second = TestServer::start_with(Arc::new(data.sharing()), &args).await;
    for i in 0..6 {
        let server = if i % 2 == 0 { &s } else { &second };
        let (status, _) = server
            .post_json(
                "/api/v1/lessons",
                &otto,
                json!({"title": format!("News {i}"), "body": "x", "units": ["squad/payments"]}),
            )
            .await;
        assert_eq!(status, 201);
    }
    // Paula gets news by mail too? No: only pia asked. Six for pia, none twice.
    let got = sink.until(7).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let got = if sink.received().len() > got.len() {
        sink.received()
    } else {
        got
    };
    let news: Vec<Mail> = got[1..].iter().map(|raw| Mail::parse(raw)).collect();
    assert_eq!(news.len(), 6, "one mail per lesson");
    let mut ids: Vec<&str> = news.iter().map(|m| m.header("Message-ID")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "six different messages");
    assert!(
        news.iter()
            .all(|m| m.header("To").contains("pia@example.com"))
    );
    assert!(
        news.iter()
            .all(|m| m.header("Subject").starts_with("New lesson: News "))
    );
}

/// The weekly digest: the week's lessons, those of the reader's teams first, nothing that is
/// gone by the time it is made, once per person and week.
async fn digest_tells_what_was_learned(b: Backend) {
    let sink = SmtpSink::start(0);
    let data = Arc::new(TestData::new(&b));
    let args = sink.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let s = TestServer::start_with(data.clone(), &args).await;
    for u in ["paula", "rita"] {
        add_with_mail(&data, u);
    }
    data.add_user("otto", PASSWORD, false);
    data.add_user("admin", PASSWORD, true);
    let admin = s.token_for("admin");
    let (status, _) = s
        .post_json("/api/v1/units/squad", &admin, json!({"name": "Payments"}))
        .await;
    assert_eq!(status, 201);
    let (status, _) = s
        .post_json(
            "/api/v1/units/squad/payments/members",
            &admin,
            json!({"username": "paula", "role": "member", "since": "2025-01-01"}),
        )
        .await;
    assert_eq!(status, 201);
    let otto = user(&s, "otto").await;
    let mut ids = Vec::new();
    for (title, units) in [
        ("Payments lesson", json!(["squad/payments"])),
        ("Company lesson", json!([])),
        ("Gone lesson", json!([])),
    ] {
        let (status, j) = s
            .post_json(
                "/api/v1/lessons",
                &otto.token,
                json!({"title": title, "body": "x", "units": units}),
            )
            .await;
        assert_eq!(status, 201, "{j}");
        ids.push(j["id"].as_i64().unwrap());
    }
    let res = otto.post(&format!("/lessons/{}/delete", ids[2]), &[]).await;
    assert_eq!(res.status(), 303);
    for u in ["paula", "rita"] {
        let person = user(&s, u).await;
        let (_, settings) = person.get("/account/notifications").await;
        assert!(settings.contains("Weekly digest"), "offered");
        let res = person
            .post(
                "/account/notifications",
                &[
                    ("inbox", "mention"),
                    ("mail", "mention"),
                    ("mail", "digest"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let got = sink.until(2).await;
    let digests: Vec<Mail> = got.iter().map(|raw| Mail::parse(raw)).collect();
    let of = |who: &str| {
        digests
            .iter()
            .find(|m| m.header("To").contains(who))
            .unwrap_or_else(|| panic!("no digest for {who}"))
    };
    let paula = of("paula@example.com");
    assert!(
        paula
            .header("Subject")
            .starts_with("What we learned this week: 2 new stories")
    );
    let teams = paula.text.find("In your teams").expect("teams first");
    let company = paula
        .text
        .find("Across the company")
        .expect("then the company");
    let at = |t: &str| {
        paula
            .text
            .find(t)
            .unwrap_or_else(|| panic!("{t} in {}", paula.text))
    };
    assert!(teams < at("Payments lesson") && at("Payments lesson") < company);
    assert!(company < at("Company lesson"));
    assert!(
        !paula.text.contains("Gone lesson"),
        "deleted before the digest"
    );
    assert!(
        paula
            .html
            .contains(&format!("http://fika.test/lessons/{}", ids[0]))
    );
    assert!(paula.header("List-Unsubscribe").contains("/digest/"));
    let rita = of("rita@example.com");
    assert!(!rita.text.contains("In your teams"), "rita is in no team");
    assert!(rita.text.contains("Payments lesson") && rita.text.contains("Company lesson"));
    // Once a week: another look finds nothing due.
    tokio::time::sleep(Duration::from_millis(11_000)).await;
    assert_eq!(sink.received().len(), 2);
}

backend_tests!(
    #[ignore = "needs aiosmtpd: see README, Run the tests"]
    mail_reaches_those_who_want_it,
    #[ignore = "needs aiosmtpd: see README, Run the tests"]
    digest_tells_what_was_learned,
);
