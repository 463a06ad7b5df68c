//! Outgoing webhooks (issue 25): what reaches a receiver on 127.0.0.1, signed, once per
//! delivery id — also when fika dies mid-delivery — and who may set webhooks up.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::backend_tests;
use crate::harness::{Backend, TestServer};
use crate::orgs::{User, tribe_with, user};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Got {
    path: String,
    delivery: String,
    event: String,
    signature: String,
    body: String,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Shared {
    got: Mutex<Vec<Got>>,
    /// Statuses to answer, in order; 200 once they run out.
    answers: Mutex<VecDeque<u16>>,
    /// Holds the next request without answering, until released.
    hold_next: AtomicBool,
    holding: AtomicBool,
}

/// A webhook receiver: a real HTTP server (actix-web) on 127.0.0.1 that records what it is
/// sent.
struct Receiver {
    port: u16,
    shared: Arc<Shared>,
    handle: actix_web::dev::ServerHandle,
}

async fn receive(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    shared.got.lock().unwrap().push(Got {
        path: req.path().to_string(),
        delivery: header("fika-delivery"),
        event: header("fika-event"),
        signature: header("fika-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    if shared.hold_next.swap(false, Ordering::SeqCst) {
        shared.holding.store(true, Ordering::SeqCst);
        while shared.holding.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let status = shared.answers.lock().unwrap().pop_front().unwrap_or(200);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .body(format!("answered {status}"))
}

impl Receiver {
    fn start() -> Receiver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let data = web::Data::from(shared.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .default_service(web::to(receive))
                })
                .workers(1)
                .listen(listener)
                .unwrap()
                .run();
                tx.send(server.handle()).unwrap();
                server.await
            })
        });
        Receiver {
            port,
            shared,
            handle: rx.recv().unwrap(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn got(&self) -> Vec<Got> {
        self.shared.got.lock().unwrap().clone()
    }

    /// What arrived, once `enough` says it is enough (retries wait ten seconds).
    async fn until(&self, what: &str, enough: impl Fn(&[Got]) -> bool) -> Vec<Got> {
        for _ in 0..400 {
            let got = self.got();
            if enough(&got) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("never {what}: {:#?}", self.got());
    }

    fn answer(&self, statuses: &[u16]) {
        self.shared.answers.lock().unwrap().extend(statuses);
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // Sends the stop at once; the server's thread ends with it.
        drop(self.handle.stop(false));
    }
}

/// fika's flags for posting to a receiver on this machine.
const FLAGS: &[&str] = &[
    "--public-url",
    "http://fika.test",
    "--webhook-allow-internal",
    "127.0.0.1",
    "--webhook-timeout",
    "2",
];

/// Sets up a webhook through its form; its id.
async fn create(u: &User, fields: &[(&str, &str)]) -> i64 {
    let res = u.post("/webhooks/new", fields).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let to = res.headers()["location"].to_str().unwrap().to_string();
    to.trim_start_matches("/webhooks/").parse().expect(&to)
}

/// An org-wide JSON webhook of new lessons to `recv`, set up by `admin`.
async fn lessons_to(admin: &User, recv: &Receiver) {
    create(
        admin,
        &[
            ("name", "#all-news"),
            ("scope", "org"),
            ("url", &recv.url("/json")),
            ("format", "json"),
            ("events", "lesson_published"),
            ("active", "on"),
        ],
    )
    .await;
}

/// The signing secret a webhook's page shows whoever manages it.
async fn secret(u: &User, id: i64) -> String {
    let (status, page) = u.get(&format!("/webhooks/{id}")).await;
    assert_eq!(status, 200);
    let needle = "<summary>Show the secret</summary><code>";
    let at = page.find(needle).expect("a secret") + needle.len();
    page[at..].split('<').next().unwrap().to_string()
}

/// Checks a request's signature as a receiver would.
fn signed_by(got: &Got, secret: &str) -> bool {
    let (t, v1) = got
        .signature
        .split_once(",v1=")
        .map(|(t, v)| (t.trim_start_matches("t="), v))
        .expect("t=…,v1=…");
    let t: i64 = t.parse().unwrap();
    let fresh = (chrono::Utc::now().timestamp() - t).abs() <= 300;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", got.body).as_bytes());
    fresh && mac.verify_slice(&hex::decode(v1).unwrap()).is_ok()
}

async fn lesson(s: &TestServer, token: &str, title: &str, unit: &str) -> i64 {
    let (status, j) = s
        .post_json(
            "/api/v1/lessons",
            token,
            json!({"title": title, "body": "What we learned.", "units": [unit]}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    j["id"].as_i64().unwrap()
}

async fn webhooks_post_signed_news_to_whoever_set_them_up(b: Backend) {
    let recv = Receiver::start();
    let (s, admin_token) = tribe_with(b, FLAGS).await;
    // Rita leads payments as its product owner; paula is a member only.
    let (status, j) = s
        .post_json(
            "/api/v1/units/squad/payments/members",
            &admin_token,
            json!({"username": "rita", "role": "product owner", "since": "2025-01-01"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let (admin, rita, paula) = (
        user(&s, "admin").await,
        user(&s, "rita").await,
        user(&s, "paula").await,
    );
    assert_eq!(paula.get("/webhooks").await.0, 403);
    assert_eq!(paula.get("/webhooks/new").await.0, 403);

    let all_news = create(
        &admin,
        &[
            ("name", "#all-news"),
            ("scope", "org"),
            ("url", &recv.url("/json")),
            ("format", "json"),
            ("events", "lesson_published"),
            ("events", "experiment_concluded"),
            ("active", "on"),
        ],
    )
    .await;
    // Rita may not speak for the whole org: the form comes back as she typed it.
    let (_, form) = rita.get("/webhooks/new").await;
    assert!(!form.contains("value=\"org\""), "{form}");
    let slack_url = recv.url("/slack");
    let refused = rita
        .post(
            "/webhooks/new",
            &[
                ("name", "#payments"),
                ("scope", "org"),
                ("url", &slack_url),
                ("format", "slack"),
                ("events", "lesson_published"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("one of your units"), "{page}");
    assert!(
        page.contains(&format!("value=\"{slack_url}\"")),
        "kept: {page}"
    );
    // Her choices are her units: payments.
    let option = form.split("<option value=\"").nth(1).expect(&form);
    assert!(option.contains(">Payments (squad)<"), "{form}");
    let payments_id = option.split('"').next().unwrap().to_string();
    let payments = create(
        &rita,
        &[
            ("name", "#payments"),
            ("scope", &payments_id),
            ("url", &slack_url),
            ("format", "slack"),
            ("events", "lesson_published"),
            ("active", "on"),
        ],
    )
    .await;
    // Each sees the webhooks they manage; rita does not see the org's.
    let (_, mine) = rita.get("/webhooks").await;
    assert!(
        mine.contains("#payments") && !mine.contains("#all-news"),
        "{mine}"
    );
    assert_eq!(rita.get(&format!("/webhooks/{all_news}")).await.0, 403);
    assert_eq!(admin.get(&format!("/webhooks/{payments}")).await.0, 200);

    // News: a payments lesson reaches both, a radio lesson only the org's, a page edit none.
    let paula_token = s.token_for("paula");
    let otto_token = s.token_for("otto");
    let l1 = lesson(
        &s,
        &paula_token,
        "Retries need <jitter> & budgets",
        "squad/payments",
    )
    .await;
    let l2 = lesson(&s, &otto_token, "Radio lesson", "squad/radio").await;
    let (status, j) = s
        .post_json(
            "/api/v1/pages",
            &paula_token,
            json!({"title": "Runbook", "body": "Steps."}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let got = recv.until("three deliveries", |g| g.len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got_now = recv.got();
    assert_eq!(got_now.len(), 3, "nothing else: {got_now:#?}");
    let json_hook: Vec<&Got> = got.iter().filter(|g| g.path == "/json").collect();
    let slack: Vec<&Got> = got.iter().filter(|g| g.path == "/slack").collect();
    assert_eq!((json_hook.len(), slack.len()), (2, 1), "{got:#?}");

    let key = secret(&admin, all_news).await;
    for g in &json_hook {
        assert!(signed_by(g, &key), "signature of {g:?}");
        assert!(!signed_by(g, "another secret"));
        let v = g.json();
        assert_eq!(v["delivery"], g.delivery.as_str());
        assert_eq!(v["event"], "lesson_published");
        assert_eq!(g.event, "lesson_published");
    }
    let urls: BTreeSet<String> = json_hook
        .iter()
        .map(|g| g.json()["subject"]["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        urls,
        BTreeSet::from([
            format!("http://fika.test/lessons/{l1}"),
            format!("http://fika.test/lessons/{l2}")
        ])
    );
    let chat = slack[0].json();
    assert_eq!(chat["text"], "New lesson · Payments");
    assert_eq!(
        chat["attachments"][0]["title"],
        "Retries need &lt;jitter&gt; &amp; budgets"
    );
    assert_eq!(
        chat["attachments"][0]["title_link"],
        format!("http://fika.test/lessons/{l1}")
    );
    assert!(signed_by(slack[0], &secret(&rita, payments).await));

    // A receiver that fails: the log says so, and "send again" sends the same delivery.
    recv.answer(&[503]);
    lesson(&s, &paula_token, "Idempotency keys", "squad/radio").await;
    let failed = recv.until("the failing delivery", |g| g.len() >= 4).await[3].clone();
    let log = loop {
        let (_, page) = admin.get(&format!("/webhooks/{all_news}")).await;
        if page.contains("answered 503") {
            break page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(log.contains("Retrying"), "{log}");
    let delivery_row = log
        .split("/deliveries/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_string();
    let res = admin
        .post(
            &format!("/webhooks/{all_news}/deliveries/{delivery_row}/resend"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    let again = recv.until("the re-send", |g| g.len() >= 5).await[4].clone();
    assert_eq!(again.delivery, failed.delivery, "the same delivery id");
    assert_eq!(again.body, failed.body, "the same body");
    let log = loop {
        let (_, page) = admin.get(&format!("/webhooks/{all_news}")).await;
        if !page.contains("Retrying") {
            break page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(log.contains("answered 200"), "{log}");

    // A new secret signs what comes next; the old one signs nothing.
    let new_key = {
        let res = admin
            .post(&format!("/webhooks/{all_news}/secret"), &[])
            .await;
        assert_eq!(res.status(), 303);
        secret(&admin, all_news).await
    };
    assert_ne!(new_key, key);
    lesson(&s, &paula_token, "After the new secret", "squad/radio").await;
    let got = recv
        .until("the newly signed one", |g| {
            g.iter().any(|x| x.body.contains("After the new secret"))
        })
        .await;
    let last = got
        .iter()
        .find(|x| x.body.contains("After the new secret"))
        .unwrap();
    assert!(signed_by(last, &new_key) && !signed_by(last, &key));
    // Turned off, a webhook sends nothing, not even a test.
    let url = recv.url("/json");
    let res = admin
        .post(
            &format!("/webhooks/{all_news}/edit"),
            &[
                ("name", "#all-news"),
                ("scope", "org"),
                ("url", &url),
                ("format", "json"),
                ("events", "lesson_published"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = admin.post(&format!("/webhooks/{all_news}/test"), &[]).await;
    assert_eq!(res.status(), 409);

    // An internal address fika was not told it may reach is refused, and the log says why.
    let inside = create(
        &admin,
        &[
            ("name", "#inside"),
            ("scope", "org"),
            ("url", "http://10.255.255.1/hook"),
            ("format", "json"),
            ("events", "lesson_published"),
            ("active", "on"),
        ],
    )
    .await;
    let res = admin.post(&format!("/webhooks/{inside}/test"), &[]).await;
    assert_eq!(res.status(), 303);
    loop {
        let (_, page) = admin.get(&format!("/webhooks/{inside}")).await;
        if page.contains("internal address") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Deleting a webhook takes its log with it.
    let res = admin.post(&format!("/webhooks/{inside}/delete"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(admin.get(&format!("/webhooks/{inside}")).await.0, 404);
}

/// A receiver that holds the first request while fika is killed: every event arrives after
/// a restart, and a delivery that arrives twice has the same id both times.
async fn deliveries_survive_a_killed_instance(b: Backend) {
    let recv = Receiver::start();
    let (s, _admin_token) = tribe_with(b, FLAGS).await;
    lessons_to(&user(&s, "admin").await, &recv).await;
    let paula = s.token_for("paula");
    recv.shared.hold_next.store(true, Ordering::SeqCst);
    let mut lessons = BTreeSet::new();
    for i in 0..5 {
        lessons.insert(lesson(&s, &paula, &format!("Before {i}"), "squad/payments").await);
    }
    recv.until("the held request", |_| {
        recv.shared.holding.load(Ordering::SeqCst)
    })
    .await;
    let held = recv.got()[0].delivery.clone();
    let data = s.kill9();
    recv.shared.holding.store(false, Ordering::SeqCst);
    let s = TestServer::start_with(data, FLAGS).await;
    for i in 0..3 {
        lessons.insert(lesson(&s, &paula, &format!("After {i}"), "squad/payments").await);
    }
    let got = recv
        .until("every lesson, and the held one again", |g| {
            let seen: BTreeSet<i64> = g
                .iter()
                .map(|x| x.json()["event_id"].as_i64().unwrap())
                .collect();
            seen.len() == lessons.len() && g.iter().filter(|x| x.delivery == held).count() >= 2
        })
        .await;
    let mut ids: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    let mut subjects = BTreeSet::new();
    for g in &got {
        let v = g.json();
        ids.entry(v["event_id"].as_i64().unwrap())
            .or_default()
            .insert(g.delivery.clone());
        subjects.insert(v["subject"]["id"].as_str().unwrap().parse::<i64>().unwrap());
    }
    assert_eq!(subjects, lessons);
    for (event, keys) in &ids {
        assert_eq!(
            keys.len(),
            1,
            "event {event} came under several ids: {keys:?}"
        );
    }
}

/// Two instances on one database: each event is posted once, by one of them — also the
/// events the second dispatches, though it was started without a public URL (and so sends
/// no webhooks itself): their links come from the address the first recorded.
async fn several_instances_post_each_event_once(b: Backend) {
    let recv = Receiver::start();
    let (s, _admin_token) = tribe_with(b, FLAGS).await;
    let second = TestServer::start_with(Arc::new(s.data.sharing()), &[]).await;
    lessons_to(&user(&s, "admin").await, &recv).await;
    let paula = s.token_for("paula");
    for i in 0..12 {
        let server = if i % 2 == 0 { &s } else { &second };
        lesson(server, &paula, &format!("Lesson {i}"), "squad/payments").await;
    }
    recv.until("twelve deliveries", |g| g.len() >= 12).await;
    // Time for a second, wrong, delivery to arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got = recv.got();
    let events: BTreeSet<i64> = got
        .iter()
        .map(|g| g.json()["event_id"].as_i64().unwrap())
        .collect();
    assert_eq!((got.len(), events.len()), (12, 12), "{got:#?}");
    for g in &got {
        let url = g.json()["subject"]["url"].as_str().unwrap().to_string();
        assert!(url.starts_with("http://fika.test/lessons/"), "{url}");
    }
}

backend_tests!(
    webhooks_post_signed_news_to_whoever_set_them_up,
    deliveries_survive_a_killed_instance,
    several_instances_post_each_event_once,
);
