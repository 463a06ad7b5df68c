//! Career steps (#9): the record is private to the person, their chapter lead and admins on
//! every surface (pages, export, API, search, feeds, the distribution) unless the person makes
//! the step public; approval follows the step (chapter lead, tribe lead, CTO, the next level
//! up when a level is empty, never admins or the person); self- and lead assessments side by
//! side; peer feedback that does not show the case; the chapter lead's overview.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::backend_tests;
use crate::harness::{Backend, TestServer};
use crate::orgs::{EVIDENCE, User, catalogue_id, tribe_with_chapter, user};

/// What everyone who may not see a record is told (pages and API alike).
const PRIVATE: &str = "Career steps are private to the person, their chapter lead and admins.";

impl User {
    /// The career record of `person` through the API, as this user reads it.
    /// The career record through the API; an error without its request id (each answer has
    /// its own, and it says nothing of the record).
    async fn step_of(&self, s: &TestServer, person: &str) -> (u16, Value) {
        let (status, mut j) = s
            .get_json(&format!("/api/v1/people/{person}/step"), &self.token)
            .await;
        j.as_object_mut().map(|o| o.remove("request_id"));
        (status, j)
    }

    pub(crate) async fn first_step(
        &self,
        person: &str,
        step: &str,
        note: &str,
    ) -> reqwest::Response {
        self.post(
            &format!("/people/{person}/steps/first"),
            &[("step", step), ("note", note)],
        )
        .await
    }

    async fn propose(&self, person: &str, to: &str, evidence: &str) -> reqwest::Response {
        self.post(
            &format!("/people/{person}/steps/proposals"),
            &[("to", to), ("evidence", evidence)],
        )
        .await
    }

    async fn decide(&self, person: &str, id: i64, decision: &str, note: &str) -> u16 {
        self.post(
            &format!("/people/{person}/steps/proposals/{id}/decide"),
            &[("decision", decision), ("note", note)],
        )
        .await
        .status()
        .as_u16()
    }
}

/// The proposal id of a `/people/{u}/steps/proposals/{id}` redirect.
fn proposal_id(res: &reqwest::Response, person: &str) -> i64 {
    assert_eq!(res.status(), 303, "proposal made");
    let location = res.headers()["location"].to_str().unwrap();
    let prefix = format!("/people/{person}/steps/proposals/");
    location
        .split('#')
        .next()
        .and_then(|l| l.strip_prefix(&prefix))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("unexpected location {location}"))
}

/// The proposal with this id in an API record.
fn proposal(record: &Value, id: i64) -> &Value {
    record["proposals"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == id))
        .unwrap_or_else(|| panic!("no proposal {id} in {record}"))
}

/// A page with its request id taken out: each request has its own, and it says nothing of
/// the record.
fn unstamped((status, page): (u16, String)) -> (u16, String) {
    let needle = "Quote this request's id: <code>";
    let page = match page.find(needle) {
        Some(at) => {
            let from = at + needle.len();
            let to = page[from..].find('<').map_or(page.len(), |n| from + n);
            format!("{}{}", &page[..from], &page[to..])
        }
        None => page,
    };
    (status, page)
}

fn names(v: &Value, who: &str) -> bool {
    v.as_str().is_some_and(|s| s.contains(who))
}

/// The urls of the "step" hits of a search, as `token` sees it.
async fn step_hits(s: &TestServer, token: &str, q: &str) -> Vec<String> {
    let (status, body) = s.get_json(&format!("/api/v1/search?q={q}"), token).await;
    assert_eq!(status, 200, "{body}");
    body["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter(|h| h["kind"] == "step")
                .filter_map(|h| h["url"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Asks the search API until `done` holds (the index follows the log asynchronously; the
/// deadline only keeps a broken build from hanging). Returns the last answer.
async fn step_hits_until(
    s: &TestServer,
    token: &str,
    q: &str,
    done: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let hits = step_hits(s, token, q).await;
        if done(hits.as_slice()) || Instant::now() > deadline {
            return hits;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A feed read with `?token=`, as a feed reader does.
async fn feed(s: &TestServer, path: &str, token: &str) -> (u16, String) {
    // No redirects followed: a refused token must not read as the sign-in page's 200.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(s.url(&format!("{path}?token={token}")))
        .send()
        .await
        .expect("GET feed");
    let status = res.status().as_u16();
    (status, res.text().await.expect("feed body"))
}

fn refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

const BEHAVIORS: [&str; 5] = ["team", "improves", "accountable", "impact", "mastery"];
const STEPS: [&str; 4] = ["individual", "squad", "tribe", "company"];

/// The table row (or list item) of a page that starts at `needle`: from it to the row's end.
fn row_of<'a>(page: &'a str, needle: &str) -> &'a str {
    let start = page
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not on the page: {page}"));
    let rest = &page[start..];
    let end = ["</tr>", "</li>"]
        .iter()
        .filter_map(|e| rest.find(e))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// A whole assessment form: every "{behavior}.{step}" and "{behavior}.note" field, empty
/// unless given.
fn assessment_form(given: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for b in BEHAVIORS {
        for st in STEPS.iter().copied().chain(["note"]) {
            let key = format!("{b}.{st}");
            let value = given
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default();
            fields.push((key, value));
        }
    }
    fields
}

// ---------------------------------------------------------------- 1. privacy

async fn a_record_is_private_on_every_surface_until_made_public(b: Backend) {
    let s = tribe_with_chapter(b).await;
    let paula = user(&s, "paula").await;
    let lena = user(&s, "lena").await;
    let pia = user(&s, "pia").await;
    let otto = user(&s, "otto").await;
    let tess = user(&s, "tess").await;
    let cato = user(&s, "cato").await;
    let admin = user(&s, "admin").await;
    let surfaces = ["/people/paula/steps", "/people/paula/steps.md"];

    // Nothing to make public before a step is set.
    let res = paula
        .post("/people/paula/steps/visibility", &[("public", "1")])
        .await;
    assert_eq!(res.status(), 409, "no step to show yet");

    // Before any step: otto is told it is private (not that there is nothing).
    let mut before = Vec::new();
    for path in surfaces {
        let (status, body) = otto.get(path).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains(PRIVATE), "{path}: {body}");
        before.push((status, body));
    }
    let before_api = otto.step_of(&s, "paula").await;
    assert_eq!(before_api.0, 403, "{}", before_api.1);
    assert_eq!(before_api.1["error"], PRIVATE);
    // Unknown people are unknown.
    assert_eq!(otto.get("/people/nobody/steps").await.0, 404);
    assert_eq!(otto.step_of(&s, "nobody").await.0, 404);

    // A page of the chapter, so that the public feeds have something in them.
    let (status, j) = s
        .post_json(
            "/api/v1/pages",
            &lena.token,
            json!({"title": "Backend onboarding", "body": "How we welcome new backend engineers: pairing, on-call shadowing and the first deploy.", "units": ["chapter/backend"]}),
        )
        .await;
    assert_eq!(status, 201, "{j}");

    let res = lena
        .first_step(
            "paula",
            "squad",
            "Six-month review: owns the refund flow end to end and pairs with the squad every week.",
        )
        .await;
    assert_eq!(res.status(), 303, "the chapter lead sets the first step");

    // otto: the very same answers as before the step existed.
    for (path, was) in surfaces.iter().zip(&before) {
        assert_eq!(
            unstamped(otto.get(path).await),
            unstamped(was.clone()),
            "{path} tells otto nothing new"
        );
    }
    assert_eq!(otto.step_of(&s, "paula").await, before_api);
    let (status, profile) = otto.get("/people/paula").await;
    assert_eq!(status, 200);
    assert!(!profile.contains("Squad/Chapter"), "{profile}");
    // Neither a peer of the same chapter, nor the tribe lead, nor the CTO see the record.
    for (who, u) in [("pia", &pia), ("tess", &tess), ("cato", &cato)] {
        for path in surfaces {
            let (status, body) = u.get(path).await;
            assert_eq!(status, 403, "{who} {path}");
            assert!(!body.contains("Squad/Chapter"), "{who} {path}");
        }
        let (status, j) = u.step_of(&s, "paula").await;
        assert_eq!(status, 403, "{who}: {j}");
        assert_eq!(j, before_api.1, "{who}: the one answer");
    }
    // Nor anonymous visitors.
    let anon = s.client();
    let res = anon.get("/people/paula/steps").await;
    assert_ne!(res.status(), 200);
    assert!(!res.text().await.unwrap().contains("Squad/Chapter"));
    let res = reqwest::Client::new()
        .get(s.url("/api/v1/people/paula/step"))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 200);
    assert!(!res.text().await.unwrap().contains("Squad/Chapter"));

    // The person, their chapter lead and admins see it everywhere.
    for (who, u) in [("paula", &paula), ("lena", &lena), ("admin", &admin)] {
        for path in surfaces {
            let (status, body) = u.get(path).await;
            assert_eq!(status, 200, "{who} {path}: {body}");
            assert!(body.contains("Squad/Chapter"), "{who} {path}: {body}");
        }
        let (status, j) = u.step_of(&s, "paula").await;
        assert_eq!(status, 200, "{who}: {j}");
        assert_eq!(j["step"]["key"], "squad", "{j}");
        assert_eq!(j["step"]["name"], "Squad/Chapter", "{j}");
        assert!(j["since"].is_string(), "{j}");
        assert!(j["assessments"].is_object(), "{j}");
        assert!(j["proposals"].is_array(), "{j}");
        let history = j["history"].as_array().expect("history");
        assert!(
            history
                .iter()
                .any(|h| h["kind"] == "set" && names(&h["actor"], "lena")),
            "the first step was set by lena: {j}"
        );
    }
    let md = paula.get("/people/paula/steps.md").await.1;
    assert!(md.contains("paula Testperson"), "{md}");

    // Search: the person and admins find the step; a peer and others never do.
    let found = step_hits_until(&s, &admin.token, "paula", |h| !h.is_empty()).await;
    assert_eq!(found, ["/people/paula/steps"], "admin finds the step");
    assert_eq!(
        step_hits(&s, &paula.token, "paula").await,
        ["/people/paula/steps"],
        "paula finds her own step"
    );
    for (who, u) in [("otto", &otto), ("pia", &pia), ("tess", &tess)] {
        assert_eq!(
            step_hits(&s, &u.token, "paula").await,
            Vec::<String>::new(),
            "{who} does not find paula's step"
        );
        let (_, html) = u.get("/search?q=paula").await;
        assert!(!html.contains("/people/paula/steps"), "{who}: {html}");
        assert!(!html.contains("Squad/Chapter"), "{who}: {html}");
    }
    let (_, html) = admin.get("/search?q=paula").await;
    assert!(html.contains("/people/paula/steps"), "{html}");

    // Public feeds never carry step events; the private feed only to those who see.
    for path in ["/feeds/changes.atom", "/feeds/chapter/backend.atom"] {
        let (status, body) = feed(&s, path, &admin.token).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains("Backend onboarding"), "{path}: {body}");
        let lower = body.to_lowercase();
        for leak in [
            "squad/chapter",
            "/steps",
            "six-month review",
            "career step",
            "refund flow",
        ] {
            assert!(!lower.contains(leak), "{path} carries {leak:?}: {body}");
        }
    }
    for (who, u) in [("otto", &otto), ("pia", &pia), ("tess", &tess)] {
        let (status, body) = feed(&s, "/feeds/steps.atom", &u.token).await;
        assert_eq!(status, 200, "{who}: {body}");
        assert!(!body.contains("paula"), "{who}'s step feed: {body}");
    }
    for (who, u) in [("lena", &lena), ("paula", &paula), ("admin", &admin)] {
        let (status, body) = feed(&s, "/feeds/steps.atom", &u.token).await;
        assert_eq!(status, 200, "{who}: {body}");
        assert!(
            body.contains("/people/paula/steps"),
            "{who}'s step feed: {body}"
        );
    }

    // The distribution: admins only, counts only.
    for (who, u) in [("lena", &lena), ("paula", &paula), ("otto", &otto)] {
        assert_eq!(u.get("/steps/distribution").await.0, 403, "{who}");
    }
    let (status, dist) = admin.get("/steps/distribution").await;
    assert_eq!(status, 200);
    assert!(dist.contains("Core"), "per tribe: {dist}");
    assert!(dist.contains("Squad/Chapter"), "{dist}");
    // (The header's link to the viewer's own profile aside.)
    let main = &dist[dist.find("<main").unwrap()..];
    assert!(!main.contains("/people/"), "no links to people: {dist}");
    assert!(!main.contains("paula"), "no names: {dist}");

    // Only paula makes it public.
    let res = lena
        .post("/people/paula/steps/visibility", &[("public", "1")])
        .await;
    assert_eq!(res.status(), 403, "the lead may not publish it");
    assert_eq!(otto.step_of(&s, "paula").await, before_api);
    let res = paula
        .post("/people/paula/steps/visibility", &[("public", "1")])
        .await;
    assert_eq!(res.status(), 303);
    let (status, j) = otto.step_of(&s, "paula").await;
    assert_eq!(status, 200, "{j}");
    let mut keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["display_name", "public", "since", "step", "username"],
        "only the public keys: {j}"
    );
    assert!(j.get("assessments").is_none() && j.get("proposals").is_none());
    assert_eq!(j["username"], "paula");
    assert_eq!(j["public"], true);
    assert_eq!(j["step"]["key"], "squad");
    let (_, profile) = otto.get("/people/paula").await;
    assert!(profile.contains("Squad/Chapter"), "{profile}");
    // The record itself stays private.
    assert_eq!(
        unstamped(otto.get("/people/paula/steps").await),
        unstamped(before[0].clone())
    );
    let found = step_hits_until(&s, &otto.token, "paula", |h| !h.is_empty()).await;
    assert_eq!(found, ["/people/paula"], "public: everyone finds it");

    // And private again.
    let res = paula
        .post("/people/paula/steps/visibility", &[("public", "0")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(otto.step_of(&s, "paula").await, before_api);
    let (_, profile) = otto.get("/people/paula").await;
    assert!(!profile.contains("Squad/Chapter"), "{profile}");
    let left = step_hits_until(&s, &otto.token, "paula", |h| h.is_empty()).await;
    assert!(left.is_empty(), "private again: {left:?}");
}

// ---------------------------------------------------------------- 2. approvals

async fn approval_follows_the_step_and_refuses_everyone_else(b: Backend) {
    let s = tribe_with_chapter(b).await;
    let paula = user(&s, "paula").await;
    let lena = user(&s, "lena").await;
    let pia = user(&s, "pia").await;
    let otto = user(&s, "otto").await;
    let tess = user(&s, "tess").await;
    let cato = user(&s, "cato").await;
    let admin = user(&s, "admin").await;

    // The record form: the lead sets discipline, roles and start; only admins give a CTO role.
    let cto = catalogue_id(&s, "role", "CTO").to_string();
    let engineer = catalogue_id(&s, "role", "Software engineer").to_string();
    let dev = catalogue_id(&s, "discipline", "Software development").to_string();
    let record = "/people/paula/steps/record";
    let res = lena
        .post(
            record,
            &[("discipline", &dev), ("role", &cto), ("started_on", "")],
        )
        .await;
    assert_eq!(
        res.status(),
        403,
        "a company-level role is the admins' to give"
    );
    let res = pia
        .post(
            record,
            &[
                ("discipline", &dev),
                ("role", &engineer),
                ("started_on", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 403, "a peer does not edit the record");
    let res = lena
        .post(
            record,
            &[
                ("discipline", &dev),
                ("role", &engineer),
                ("started_on", "2025-01-06"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, j) = admin.step_of(&s, "paula").await;
    assert_eq!(j["discipline"], "Software development", "{j}");
    assert_eq!(j["roles"], json!(["Software engineer"]), "{j}");
    assert_eq!(j["started_on"], "2025-01-06", "{j}");
    assert_eq!(j["review_due"], "2025-07-06", "{j}");
    assert_eq!(j["step"], Value::Null, "{j}");
    let (_, j) = admin.step_of(&s, "cato").await;
    assert_eq!(j["roles"], json!(["CTO"]), "{j}");

    // The first step: the chapter lead's, once.
    let note = "Six-month review: delivers the refund flow and reviews the squad's pull requests.";
    for (who, u) in [
        ("pia", &pia),
        ("paula herself", &paula),
        ("admin", &admin),
        ("tess", &tess),
        ("otto", &otto),
    ] {
        let res = u.first_step("paula", "squad", note).await;
        assert_eq!(res.status(), 403, "{who} does not set paula's first step");
    }
    assert_eq!(admin.step_of(&s, "paula").await.1["step"], Value::Null);
    let res = lena.first_step("paula", "squad", note).await;
    assert_eq!(res.status(), 303);
    let res = lena.first_step("paula", "tribe", note).await;
    assert_eq!(res.status(), 409, "from here it changes by a promotion");
    assert_eq!(admin.step_of(&s, "paula").await.1["step"]["key"], "squad");

    // Proposals: bad input is shown again; not to a narrower step; one at a time.
    let res = paula.propose("paula", "tribe", "Led the migration").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Led the migration"),
        "typed evidence kept: {page}"
    );
    let (_, j) = paula.step_of(&s, "paula").await;
    assert_eq!(j["proposals"], json!([]), "nothing saved: {j}");
    let status = paula
        .propose("paula", "individual", EVIDENCE)
        .await
        .status()
        .as_u16();
    assert!(status == 409 || status == 422, "a narrower step: {status}");
    let res = otto.propose("paula", "tribe", EVIDENCE).await;
    assert_eq!(res.status(), 403, "otto may not propose paula");
    let res = paula.propose("paula", "tribe", EVIDENCE).await;
    let tribe = proposal_id(&res, "paula");
    let res = paula.propose("paula", "company", EVIDENCE).await;
    assert_eq!(res.status(), 409, "one open proposal at a time");

    // The tribe lead decides Tribe/Guild; they see the proposal, not the record.
    let page = format!("/people/paula/steps/proposals/{tribe}");
    let (status, body) = tess.get(&page).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("card-tokenisation migration"), "{body}");
    assert_eq!(tess.get("/people/paula/steps").await.0, 403);
    assert_eq!(tess.step_of(&s, "paula").await.0, 403);
    for (who, u) in [("otto", &otto), ("pia", &pia), ("cato", &cato)] {
        assert_eq!(u.get(&page).await.0, 403, "{who} sees no proposal page");
    }
    // Proposal ids cannot be probed for whose they are: paula's, somebody else's path for
    // it, and one that does not exist all get the same answer, on the page and the decision.
    let (_, own) = unstamped(otto.get(&page).await);
    for probe in [
        format!("/people/pia/steps/proposals/{tribe}"),
        format!("/people/paula/steps/proposals/{}", tribe + 1000),
    ] {
        let (status, body) = unstamped(otto.get(&probe).await);
        assert_eq!((status, &body), (403, &own), "{probe}");
        let res = otto
            .post(&format!("{probe}/decide"), &[("decision", "approve")])
            .await;
        assert_eq!(res.status(), 403, "{probe}/decide");
    }
    for (who, u) in [
        ("lena (a level down)", &lena),
        ("admin", &admin),
        ("otto", &otto),
        ("paula herself", &paula),
        ("cato (a level up)", &cato),
    ] {
        assert_eq!(
            u.decide("paula", tribe, "approve", "").await,
            403,
            "{who} does not decide a Tribe/Guild proposal"
        );
    }
    assert_eq!(admin.step_of(&s, "paula").await.1["step"]["key"], "squad");
    assert_eq!(
        tess.decide(
            "paula",
            tribe,
            "approve",
            "The cross-squad review changed how the whole tribe ships."
        )
        .await,
        303
    );
    let (_, j) = paula.step_of(&s, "paula").await;
    assert_eq!(j["step"]["key"], "tribe", "{j}");
    assert_eq!(j["step"]["name"], "Tribe/Guild", "{j}");
    let p = proposal(&j, tribe);
    assert_eq!(p["status"], "approved", "{p}");
    assert_eq!(p["from"], "squad", "{p}");
    assert_eq!(p["to"], "tribe", "{p}");
    assert!(names(&p["proposed_by"], "paula"), "{p}");
    assert!(names(&p["decided_by"], "tess"), "{p}");
    assert!(p["decided_at"].is_string(), "{p}");
    assert!(
        j["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "approved" && h["step"] == "tribe" && names(&h["actor"], "tess")),
        "the approval is in the history: {j}"
    );
    assert_eq!(
        tess.decide("paula", tribe, "approve", "").await,
        409,
        "no longer open"
    );
    assert_eq!(tess.get(&page).await.0, 200, "the decider keeps their page");

    // Technology/Company: the CTO decides; a decline needs a note and moves nothing.
    let res = lena
        .propose(
            "paula",
            "company",
            "Paula designed the payment platform every tribe now builds on and speaks for it at conferences.",
        )
        .await;
    let company = proposal_id(&res, "paula");
    assert_eq!(
        tess.decide("paula", company, "decline", "Not yet, in my view.")
            .await,
        403,
        "the tribe lead does not decide Technology/Company"
    );
    assert_eq!(cato.decide("paula", company, "decline", "").await, 422);
    let (_, j) = admin.step_of(&s, "paula").await;
    assert_eq!(proposal(&j, company)["status"], "open", "{j}");
    let decline =
        "Strong within the tribe; let us look again after the platform reaches a second tribe.";
    assert_eq!(cato.decide("paula", company, "decline", decline).await, 303);
    let (_, j) = lena.step_of(&s, "paula").await;
    let p = proposal(&j, company);
    assert_eq!(p["status"], "declined", "{p}");
    assert!(names(&p["decided_by"], "cato"), "{p}");
    assert!(names(&p["proposed_by"], "lena"), "{p}");
    assert_eq!(p["decision_note"], decline, "{p}");
    assert_eq!(j["step"]["key"], "tribe", "a decline moves nothing: {j}");

    // Squad/Chapter: the chapter lead decides (and the tribe lead does not step in).
    let res = lena
        .first_step(
            "pia",
            "individual",
            "Six-month review: learning the payment stack with steady help.",
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = pia
        .propose(
            "pia",
            "squad",
            "Pia now owns the payouts service, runs the squad's incident drills and reviews most of the backend pull requests.",
        )
        .await;
    let squad = proposal_id(&res, "pia");
    assert_eq!(tess.decide("pia", squad, "approve", "").await, 403);
    assert_eq!(paula.decide("pia", squad, "approve", "").await, 403);
    assert_eq!(
        lena.decide("pia", squad, "approve", "Agreed in our one-to-one.")
            .await,
        303
    );
    let (_, j) = lena.step_of(&s, "pia").await;
    assert_eq!(j["step"]["key"], "squad", "{j}");
    assert_eq!(proposal(&j, squad)["status"], "approved", "{j}");

    // Nobody above lena in her chapter: her tribe lead sets her first step.
    let note = "Six-month review: leads the backend chapter and still ships in Payments.";
    for (who, u) in [
        ("lena herself", &lena),
        ("pia", &pia),
        ("cato (not while a tribe lead is there)", &cato),
        ("admin", &admin),
    ] {
        let res = u.first_step("lena", "squad", note).await;
        assert_eq!(res.status(), 403, "{who} does not set lena's first step");
    }
    // Before that, the tribe lead is her line manager: tess reads lena's record, cato not.
    assert_eq!(tess.get("/people/lena/steps").await.0, 200);
    assert_eq!(cato.get("/people/lena/steps").await.0, 403);
    let res = tess.first_step("lena", "squad", note).await;
    assert_eq!(res.status(), 303);
    let (status, j) = admin.step_of(&s, "lena").await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["step"]["key"], "squad", "{j}");
    assert!(
        j["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "set" && names(&h["actor"], "tess")),
        "{j}"
    );
}

// ---------------------------------------------------------------- 3. assessments

async fn self_and_lead_assessments_are_compared(b: Backend) {
    let s = tribe_with_chapter(b).await;
    let paula = user(&s, "paula").await;
    let lena = user(&s, "lena").await;
    let pia = user(&s, "pia").await;
    let admin = user(&s, "admin").await;
    let path = "/people/paula/steps/assessment";
    let self_note =
        "I pair with new joiners every week and hand the demo to whoever built the feature.";
    let lead_note = "Generous with pairing; in planning she still takes the hardest tickets alone.";

    let own = assessment_form(&[
        ("team.individual", "4"),
        ("team.squad", "3"),
        ("team.tribe", "2"),
        ("team.note", self_note),
        ("improves.squad", "3"),
    ]);
    let res = paula.post(path, &refs(&own)).await;
    assert_eq!(res.status(), 303, "paula writes her self-assessment");
    let lead = assessment_form(&[
        ("team.individual", "4"),
        ("team.squad", "1"),
        ("team.tribe", "2"),
        ("team.note", lead_note),
        ("mastery.individual", "3"),
    ]);
    for (who, u) in [("pia", &pia), ("admin", &admin)] {
        let res = u.post(path, &refs(&lead)).await;
        assert_eq!(res.status(), 403, "{who} does not assess paula");
    }
    let res = lena.post(path, &refs(&lead)).await;
    assert_eq!(res.status(), 303, "lena writes the lead side");

    let (status, j) = paula.step_of(&s, "paula").await;
    assert_eq!(status, 200, "{j}");
    // Both sides whole, every behavior and step: what each rated, what was left empty, the
    // notes.
    insta::assert_json_snapshot!("assessments_as_the_api_reads_them", j["assessments"]);
    // Both rated team × individual, squad and tribe; they agree on two of them.
    assert_eq!(j["comparison"]["both_rated"], 3, "{j}");
    assert_eq!(j["comparison"]["agree"], 2, "{j}");

    // Side by side on the page, for paula and lena; not for a peer.
    for (who, u) in [("paula", &paula), ("lena", &lena)] {
        let (status, page) = u.get("/people/paula/steps").await;
        assert_eq!(status, 200, "{who}");
        assert!(page.contains(self_note), "{who}: {page}");
        assert!(page.contains(lead_note), "{who}: {page}");
    }
    let (status, page) = pia.get("/people/paula/steps").await;
    assert_eq!(status, 403);
    assert!(!page.contains(self_note) && !page.contains(lead_note));

    // A rating off the scale: refused, and nothing changed.
    let bad = assessment_form(&[
        ("team.individual", "1"),
        ("team.squad", "7"),
        ("team.note", "Changed my mind about all of it."),
    ]);
    let res = paula.post(path, &refs(&bad)).await;
    assert_eq!(res.status(), 422);
    let (_, after) = paula.step_of(&s, "paula").await;
    assert_eq!(after["assessments"], j["assessments"], "nothing changed");
    assert_eq!(after["comparison"], j["comparison"]);
}

// ---------------------------------------------------------------- 4. peer feedback

async fn peers_give_feedback_without_seeing_the_case(b: Backend) {
    let s = tribe_with_chapter(b).await;
    let paula = user(&s, "paula").await;
    let lena = user(&s, "lena").await;
    let pia = user(&s, "pia").await;
    let otto = user(&s, "otto").await;
    let res = lena
        .first_step(
            "paula",
            "squad",
            "Six-month review: owns the refund flow end to end.",
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = paula.propose("paula", "tribe", EVIDENCE).await;
    let id = proposal_id(&res, "paula");
    let ask = format!("/people/paula/steps/proposals/{id}/feedback");
    let res = otto.post(&ask, &[("peer", "pia")]).await;
    assert_eq!(res.status(), 403, "otto may not ask on paula's behalf");
    let res = paula.post(&ask, &[("peer", "pia")]).await;
    assert_eq!(res.status(), 303, "paula asks pia");
    // What waits for them reaches their inboxes, saying where to look and nothing of the
    // step or the case (who asked is theirs to know: the pages they open say it too): tess
    // (the tribe lead) decides a Tribe step, pia was asked.
    let tess = user(&s, "tess").await;
    for (u, what, url) in [
        (
            &tess,
            "Decision waiting: a career step",
            "/people/paula/steps/proposals/",
        ),
        (&pia, "Feedback asked: a career step", "/steps/feedback/"),
    ] {
        let inbox = crate::notify::inbox_with(u, what).await;
        for hidden in ["card-tokenisation", "Tribe/Guild", "Squad/Chapter"] {
            assert!(!inbox.contains(hidden), "{hidden:?} in the inbox: {inbox}");
        }
        let at = inbox.find(what).unwrap();
        let open = inbox[at..]
            .split("href=\"/inbox/")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap();
        let res = u.c.get(&format!("/inbox/{open}/open")).await;
        let to = res.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with(url), "{to}");
        assert_eq!(u.get(&to).await.0, 200, "{to} opens for its reader");
    }
    assert!(
        !crate::notify::inbox_with(&otto, "")
            .await
            .contains("career step"),
        "nobody else hears of it"
    );

    let fid = {
        let mut conn = s.data.connect();
        let pia_id = fika::people::repo::by_username(&mut conn, "pia")
            .unwrap()
            .id;
        let asked = fika::steps::proposal_repo::asked_of(&mut conn, pia_id).unwrap();
        assert_eq!(asked.len(), 1, "{asked:?}");
        asked[0].0.id
    };
    let url = format!("/steps/feedback/{fid}");
    let (_, home) = pia.get("/steps").await;
    assert!(home.contains(&url), "asked of pia on /steps: {home}");

    // pia's page: whose, and the behaviors; not the step, not the case.
    let (status, page) = pia.get(&url).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("paula Testperson"), "{page}");
    assert!(
        page.contains("Values team success over individual success"),
        "the behaviors: {page}"
    );
    for hidden in [
        "card-tokenisation migration",
        "Tribe/Guild",
        "Squad/Chapter",
        "Technology/Company",
    ] {
        assert!(
            !page.contains(hidden),
            "{hidden:?} shown to the peer: {page}"
        );
    }
    // Nobody else answers or reads it; asking does not open the record to pia.
    for (who, u) in [("otto", &otto), ("paula", &paula)] {
        let status = u.get(&url).await.0;
        assert!(status == 403 || status == 404, "{who}: {status}");
        let status = u.post(&url, &[("answer", "Great.")]).await.status();
        assert!(status == 403 || status == 404, "{who} answers: {status}");
    }
    assert_eq!(pia.get("/people/paula/steps").await.0, 403);
    assert_eq!(
        pia.get(&format!("/people/paula/steps/proposals/{id}"))
            .await
            .0,
        403
    );

    let answer =
        "Paula ran our cross-squad design review and made sure every squad had a voice in it.";
    let res = pia.post(&url, &[("answer", answer)]).await;
    assert_eq!(res.status(), 303);
    for (who, u) in [("paula", &paula), ("lena", &lena)] {
        let (status, page) = u.get(&format!("/people/paula/steps/proposals/{id}")).await;
        assert_eq!(status, 200, "{who}");
        assert!(page.contains(answer), "{who}: {page}");
    }
    let (_, j) = lena.step_of(&s, "paula").await;
    let f = &proposal(&j, id)["feedback"][0];
    assert!(names(&f["peer"], "pia"), "{j}");
    assert!(
        !f["answered"].is_null() && f["answered"] != false,
        "answered: {j}"
    );
}

// ---------------------------------------------------------------- 5. chapter overview

async fn the_chapter_lead_overviews_the_chapter(b: Backend) {
    let s = tribe_with_chapter(b).await;
    let lena = user(&s, "lena").await;
    let paula = user(&s, "paula").await;
    let otto = user(&s, "otto").await;
    let tess = user(&s, "tess").await;
    let admin = user(&s, "admin").await;
    let res = lena
        .first_step(
            "paula",
            "squad",
            "Six-month review: owns the refund flow end to end.",
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = lena
        .first_step(
            "pia",
            "individual",
            "Six-month review: learning the payment stack with steady help.",
        )
        .await;
    assert_eq!(res.status(), 303);

    let res = paula.propose("paula", "tribe", EVIDENCE).await;
    proposal_id(&res, "paula");

    for (who, u) in [("lena", &lena), ("admin", &admin)] {
        let (status, page) = u.get("/chapters/backend/steps").await;
        assert_eq!(status, 200, "{who}: {page}");
        let paula_row = row_of(&page, "/people/paula/steps");
        assert!(paula_row.contains("paula Testperson"), "{who}: {page}");
        assert!(paula_row.contains("Squad/Chapter"), "{who}: {paula_row}");
        assert!(
            paula_row.contains("Tribe/Guild"),
            "the open proposal: {paula_row}"
        );
        let pia_row = row_of(&page, "/people/pia/steps");
        assert!(pia_row.contains("pia Testperson"), "{who}: {page}");
        assert!(pia_row.contains("Individual"), "{who}: {pia_row}");
        assert!(!pia_row.contains("Tribe/Guild"), "{who}: {pia_row}");
        assert!(!page.contains("otto Testperson"), "not in the chapter");
    }
    for (who, u) in [("paula", &paula), ("otto", &otto), ("tess", &tess)] {
        let (status, page) = u.get("/chapters/backend/steps").await;
        assert_eq!(status, 403, "{who}");
        assert!(!page.contains("Squad/Chapter"), "{who}: {page}");
    }
    assert_eq!(lena.get("/chapters/nothing/steps").await.0, 404);
}

backend_tests!(
    a_record_is_private_on_every_surface_until_made_public,
    approval_follows_the_step_and_refuses_everyone_else,
    self_and_lead_assessments_are_compared,
    peers_give_feedback_without_seeing_the_case,
    the_chapter_lead_overviews_the_chapter,
);
