//! Retrospectives: the phase rules (cards hidden from everyone but their writer before the
//! reveal, on the page and in the API; the vote limit; only the facilitator moves phases, one
//! step at a time), anonymity (no author stored), action items joining `/actions` and coming
//! back in the next retro's review until done, lessons from a card, the Markdown export,
//! search over closed retros, and the API.

use serde_json::json;

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, TestServer};
use crate::orgs::tribe;

/// A signed-in client with the CSRF token of its session.
async fn person(s: &TestServer, username: &str) -> (Client, String) {
    let c = s.client();
    c.login(username, PASSWORD).await;
    let t = c.csrf("/retros/new").await;
    (c, t)
}

/// Starts a retro through the API as `username`; returns its id.
async fn start(s: &TestServer, username: &str, body: serde_json::Value) -> i64 {
    let (status, j) = s
        .post_json("/api/v1/retros", &s.token_for(username), body)
        .await;
    assert_eq!(status, 201, "{j}");
    j["id"].as_i64().expect("id")
}

/// Moves a retro on through `phases` as its facilitator.
async fn advance(c: &Client, t: &str, id: i64, phases: &[(&str, &str)]) {
    for (from, to) in phases {
        let res = c
            .post_form(
                &format!("/retros/{id}/phase"),
                &[
                    ("csrf_token", t),
                    ("from", from),
                    ("to", to),
                    ("confirmed", "1"),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            303,
            "{from} → {to}: {}",
            res.text().await.unwrap()
        );
    }
}

/// The ids of the cards `username` sees on a retro, through the API.
async fn cards_of(s: &TestServer, username: &str, id: i64) -> Vec<i64> {
    let (status, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for(username))
        .await;
    assert_eq!(status, 200, "{j}");
    j["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

async fn page(c: &Client, id: i64) -> String {
    let res = c.get(&format!("/retros/{id}")).await;
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn card(c: &Client, t: &str, id: i64, column: &str, body: &str) -> u16 {
    c.post_form(
        &format!("/retros/{id}/cards"),
        &[("csrf_token", t), ("column", column), ("body", body)],
    )
    .await
    .status()
    .as_u16()
}

async fn phases_hide_cards_until_the_reveal_and_limit_votes(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let id = start(
        &s,
        "paula",
        json!({"squad": "payments", "format": "four_ls", "vote_limit": 2, "title": "Sprint 9"}),
    )
    .await;
    let (paula, pt) = person(&s, "paula").await;
    let (pia, it) = person(&s, "pia").await;
    let (otto, ot) = person(&s, "otto").await;

    // The squad's page shows the running retro with a way in; signed out, nothing.
    let squad = pia.get("/squads/payments").await.text().await.unwrap();
    let now = &squad[squad
        .find("Happening now")
        .expect("a running retro is shown")..];
    assert!(now.contains("<strong>Retro: Sprint 9</strong>"), "{now}");
    assert!(now.contains(&format!(
        r#"<a class="button small" href="/retros/{id}">Join</a>"#
    )));

    // Only the facilitator moves phases, and one step at a time.
    let res = pia
        .post_form(
            &format!("/retros/{id}/phase"),
            &[("csrf_token", &it), ("from", "review"), ("to", "write")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("Only the facilitator"));
    let res = paula
        .post_form(
            &format!("/retros/{id}/phase"),
            &[("csrf_token", &pt), ("from", "review"), ("to", "reveal")],
        )
        .await;
    assert_eq!(res.status(), 409, "no skipping the writing");
    // Cards wait for the write phase.
    assert_eq!(card(&pia, &it, id, "0", "Too early").await, 409);
    advance(&paula, &pt, id, &[("review", "write")]).await;
    // A double click on "Next" does not skip the writing.
    let res = paula
        .post_form(
            &format!("/retros/{id}/phase"),
            &[("csrf_token", &pt), ("from", "review"), ("to", "write")],
        )
        .await;
    assert_eq!(res.status(), 409);

    assert_eq!(
        card(&pia, &it, id, "0", "Deploys got slower since May").await,
        303
    );
    assert_eq!(
        card(&paula, &pt, id, "1", "Pairing on the ledger helped").await,
        303
    );
    assert_eq!(
        card(&otto, &ot, id, "2", "We lacked a staging refund").await,
        303
    );
    // An empty card is refused with the form kept.
    let res = paula
        .post_form(
            &format!("/retros/{id}/cards"),
            &[("csrf_token", &pt), ("column", "3"), ("body", "  ")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Write something on the card")
    );

    // Before the reveal each sees their own cards only: on the page and in the API.
    let mine = page(&paula, id).await;
    assert!(mine.contains("Pairing on the ledger helped"));
    assert!(
        !mine.contains("Deploys got slower"),
        "pia's card is hers alone"
    );
    assert!(!mine.contains("staging refund"));
    assert!(mine.contains("3 cards written so far, 1 by you"));
    // One's own card can be rewritten before the reveal; someone else's cannot.
    let card_id = cards_of(&s, "paula", id).await[0];
    let edit = format!("/retros/{id}/cards/{card_id}/edit");
    let res = paula
        .post_form(
            &edit,
            &[
                ("csrf_token", &pt),
                ("body", "Pairing on the ledger helped a lot"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = otto
        .post_form(&edit, &[("csrf_token", &ot), ("body", "Mine now")])
        .await;
    assert_eq!(res.status(), 404);
    let mine = page(&paula, id).await;
    assert!(
        mine.contains("Pairing on the ledger helped a lot"),
        "{mine}"
    );
    let (status, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("paula"))
        .await;
    assert_eq!(status, 200);
    let cards = j["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 1, "{j}");
    assert_eq!(cards[0]["body"], "Pairing on the ledger helped a lot");
    assert_eq!(j["cards_written"], 3);
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("rita"))
        .await;
    assert_eq!(j["cards"].as_array().unwrap().len(), 0, "{j}");
    // Not signed in: a running retro is not shown at all.
    let res = s.client().get(&format!("/retros/{id}")).await;
    assert!(
        matches!(res.status().as_u16(), 303 | 401),
        "{}",
        res.status()
    );

    // The reveal cannot be undone: without JavaScript the page asks first, and nothing
    // moves until the facilitator says yes.
    let res = paula
        .post_form(
            &format!("/retros/{id}/phase"),
            &[("csrf_token", &pt), ("from", "write"), ("to", "reveal")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let asked = res.text().await.unwrap();
    assert!(asked.contains("Reveal every card to everyone? This cannot be undone."));
    assert!(asked.contains(r#"<input type="hidden" name="confirmed" value="1"><button type="submit" name="to" value="reveal">Yes, reveal</button>"#));
    assert!(
        !page(&otto, id).await.contains("Deploys got slower"),
        "not revealed yet"
    );
    advance(&paula, &pt, id, &[("write", "reveal")]).await;
    let res = paula
        .post_form(&edit, &[("csrf_token", &pt), ("body", "After the reveal")])
        .await;
    assert_eq!(res.status(), 409, "cards are changed while writing only");
    let all = page(&otto, id).await;
    assert!(all.contains("Deploys got slower since May"));
    assert!(all.contains("Pairing on the ledger helped"));
    assert!(
        all.contains("<p class=\"hint\">pia Testperson</p>"),
        "writers are named: {all}"
    );
    // Cards cannot be written once revealed, and the retro never goes back to writing.
    assert_eq!(card(&pia, &it, id, "0", "Late card").await, 409);
    let res = paula
        .post_form(
            &format!("/retros/{id}/phase"),
            &[("csrf_token", &pt), ("from", "reveal"), ("to", "write")],
        )
        .await;
    assert_eq!(res.status(), 409);

    advance(&paula, &pt, id, &[("reveal", "group")]).await;
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("paula"))
        .await;
    let ids: Vec<String> = j["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    let res = pia
        .post_form(
            &format!("/retros/{id}/groups"),
            &[
                ("csrf_token", &it),
                ("title", "Flow of work"),
                ("card", &ids[0]),
                ("card", &ids[2]),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("paula"))
        .await;
    let group = j["groups"][0]["id"].as_i64().unwrap();
    assert_eq!(j["groups"][0]["title"], "Flow of work");
    assert_eq!(j["groups"][0]["cards"].as_array().unwrap().len(), 2);

    // Dots: never above the limit (2 here).
    assert_eq!(
        pia.post_form(
            &format!("/retros/{id}/votes"),
            &[("csrf_token", &it), ("topic", &format!("g{group}"))]
        )
        .await
        .status(),
        409,
        "no voting while grouping"
    );
    advance(&paula, &pt, id, &[("group", "vote")]).await;
    let topic = format!("g{group}");
    for expected in [303, 303, 409] {
        let res = pia
            .post_form(
                &format!("/retros/{id}/votes"),
                &[("csrf_token", &it), ("topic", &topic), ("op", "add")],
            )
            .await;
        assert_eq!(res.status(), expected);
    }
    let lone = format!("c{}", ids[1]);
    let res = paula
        .post_form(
            &format!("/retros/{id}/votes"),
            &[("csrf_token", &pt), ("topic", &lone), ("op", "add")],
        )
        .await;
    assert_eq!(res.status(), 303);
    // Taking one back frees a dot.
    let res = pia
        .post_form(
            &format!("/retros/{id}/votes"),
            &[("csrf_token", &it), ("topic", &topic), ("op", "remove")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("pia"))
        .await;
    // While the vote is open the tallies are hidden (a retro hides them unless told not
    // to): each person sees their own dots and how many people voted.
    let votes = j["votes"].as_array().unwrap();
    let on = |t: &str| votes.iter().find(|v| v["topic"] == t).unwrap().clone();
    assert!(on(&topic).get("votes").is_none(), "{j}");
    assert_eq!(on(&topic)["mine"], 1);
    assert!(on(&lone).get("votes").is_none(), "{j}");
    assert_eq!(on(&lone)["mine"], 0);
    assert_eq!(j["votes_left"], 1);
    assert_eq!(
        (j["voters"].clone(), j["votes_hidden"].clone()),
        (json!(2), json!(true))
    );
    let board = page(&pia, id).await;
    assert!(board.contains("2 people have voted"), "{board}");
    assert!(
        !board.contains("class=\"dot-count\">1</span> dot"),
        "no tally on the page"
    );

    // Discuss: the tallies are out; action items join /actions.
    advance(&paula, &pt, id, &[("vote", "discuss")]).await;
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("pia"))
        .await;
    let votes = j["votes"].as_array().unwrap();
    let on = |t: &str| votes.iter().find(|v| v["topic"] == t).unwrap().clone();
    assert_eq!(
        (on(&topic)["votes"].clone(), on(&lone)["votes"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(j["votes_hidden"], false);
    let res = pia
        .post_form(
            &format!("/retros/{id}/actions"),
            &[
                ("csrf_token", &it),
                ("title", "Cut the deploy pipeline under ten minutes"),
                ("owner", "pia"),
                ("due_on", "2030-01-31"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = pia
        .post_form(
            &format!("/retros/{id}/actions"),
            &[("csrf_token", &it), ("title", ""), ("owner", "nobody")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let text = res.text().await.unwrap();
    assert!(text.contains("Say what will be done") && text.contains("value=\"nobody\""));
    let (_, j) = s
        .get_items("/api/v1/actions?squad=payments", &s.token_for("otto"))
        .await;
    let items = j.as_array().unwrap().clone();
    assert!(
        items
            .iter()
            .any(|i| i["title"] == "Cut the deploy pipeline under ten minutes"),
        "{j}"
    );
    let actions = paula
        .get("/actions?squad=payments")
        .await
        .text()
        .await
        .unwrap();
    assert!(actions.contains("Cut the deploy pipeline") && actions.contains("Sprint 9"));

    // Close: the retro is searchable, the dots can no longer be traced.
    advance(&paula, &pt, id, &[("discuss", "close")]).await;
    let mut conn = s.data.connect();
    let retro = fika::retros::repo::get(&mut conn, id).unwrap();
    assert!(retro.vote_salt.is_empty(), "the close wipes the salt");
    let md = paula
        .get(&format!("/retros/{id}.md"))
        .await
        .text()
        .await
        .unwrap();
    assert!(md.starts_with("# Sprint 9"));
    assert!(md.contains("### Flow of work (1 dot)"));
    assert!(md.contains("- [ ] Cut the deploy pipeline under ten minutes"));
    let mut found = false;
    for _ in 0..100 {
        let hits = otto
            .get("/search?q=staging+refund")
            .await
            .text()
            .await
            .unwrap();
        if hits.contains(&format!("/retros/{id}")) {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "a closed retro is searchable");
}

async fn anonymous_retros_store_no_author(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let id = start(
        &s,
        "paula",
        json!({"squad": "payments", "format": "mad_sad_glad", "anonymous": true}),
    )
    .await;
    let (paula, pt) = person(&s, "paula").await;
    let (pia, it) = person(&s, "pia").await;
    advance(&paula, &pt, id, &[("review", "write")]).await;
    assert_eq!(
        card(&pia, &it, id, "0", "On-call is wearing me down").await,
        303
    );
    // The writer sees it (from this session), nobody else does before the reveal.
    assert!(page(&pia, id).await.contains("On-call is wearing me down"));
    assert!(!page(&paula, id).await.contains("On-call is wearing"));
    // The database holds no author, and nothing that names pia.
    let mut conn = s.data.connect();
    let (cards, _, _) = fika::retros::repo::board(&mut conn, id).unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].author_id, None);
    let key = cards[0].writer_key.clone().unwrap();
    assert!(
        key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit()),
        "{key}"
    );
    let pia_id = fika::people::repo::by_username(&mut conn, "pia")
        .unwrap()
        .id;
    let stored = format!("{:?}", cards[0]);
    assert!(!stored.contains("pia"), "{stored}");
    assert_ne!(key, fika::auth::token::digest(&pia_id.to_string()));
    advance(&paula, &pt, id, &[("write", "reveal")]).await;
    let shown = page(&paula, id).await;
    assert!(shown.contains("On-call is wearing me down"));
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("paula"))
        .await;
    assert!(j["cards"][0].get("author").is_none(), "{j}");
    assert_eq!(j["retro"]["anonymous"], true);
}

async fn action_items_come_back_until_done_and_cards_become_lessons(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let (paula, pt) = person(&s, "paula").await;
    let (pia, it) = person(&s, "pia").await;
    let to_discuss = [
        ("review", "write"),
        ("write", "reveal"),
        ("reveal", "group"),
        ("group", "vote"),
        ("vote", "discuss"),
    ];
    let first = start(
        &s,
        "paula",
        json!({"squad": "payments", "held_on": "2026-09-01"}),
    )
    .await;
    advance(&paula, &pt, first, &to_discuss[..1]).await;
    assert_eq!(
        card(
            &pia,
            &it,
            first,
            "0",
            "Start demoing to support every sprint"
        )
        .await,
        303
    );
    advance(&paula, &pt, first, &to_discuss[1..]).await;
    let res = paula
        .post_form(
            &format!("/retros/{first}/actions"),
            &[
                ("csrf_token", &pt),
                ("title", "Book a demo slot with support"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    advance(&paula, &pt, first, &[("discuss", "close")]).await;

    // A lesson from the card, linked to the retro and the squad.
    let new = paula
        .get(&format!(
            "/lessons/new?source=retro&ref={first}&unit=squad/payments&title=Demo+to+support"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        new.contains("value=\"Demo to support\""),
        "the draft is filled in"
    );
    let res = paula
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &pt),
                ("title", "Support learns the product from demos"),
                (
                    "body",
                    "We demo to support every sprint; tickets about new features halved.",
                ),
                ("source_kind", "retro"),
                ("source_ref", &first.to_string()),
                ("units", "squad/payments"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    assert!(
        page(&paula, first)
            .await
            .contains("Support learns the product from demos")
    );

    // The next retro reviews the item; "still open" keeps it coming back.
    let second = start(
        &s,
        "paula",
        json!({"squad": "payments", "held_on": "2026-09-15"}),
    )
    .await;
    // A retro still writing cannot be a lesson's source (its cards are private).
    advance(&paula, &pt, second, &[("review", "write")]).await;
    let res = paula
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &pt),
                ("title", "Too early"),
                ("body", "x"),
                ("source_kind", "retro"),
                ("source_ref", &second.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let second = start(
        &s,
        "paula",
        json!({"squad": "payments", "held_on": "2026-09-16"}),
    )
    .await;
    let review = page(&pia, second).await;
    assert!(review.contains("Book a demo slot with support"));
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{second}"), &s.token_for("pia"))
        .await;
    let item = j["review"][0]["action"]["id"].as_i64().unwrap();
    let res = pia
        .post_form(
            &format!("/retros/{second}/review"),
            &[
                ("csrf_token", &it),
                ("item", &item.to_string()),
                ("verdict", "open"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    advance(&paula, &pt, second, &to_discuss).await;
    advance(&paula, &pt, second, &[("discuss", "close")]).await;
    // Another squad's retro does not see it.
    let radio = start(&s, "otto", json!({"squad": "radio"})).await;
    let (otto, _) = person(&s, "otto").await;
    assert!(!page(&otto, radio).await.contains("Book a demo slot"));

    let third = start(
        &s,
        "paula",
        json!({"squad": "payments", "held_on": "2026-09-30"}),
    )
    .await;
    assert!(
        page(&pia, third)
            .await
            .contains("Book a demo slot with support")
    );
    // A page served before the field was renamed still posts "action".
    let res = pia
        .post_form(
            &format!("/retros/{third}/review"),
            &[
                ("csrf_token", &it),
                ("action", &item.to_string()),
                ("verdict", "done"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{third}"), &s.token_for("pia"))
        .await;
    assert_eq!(j["review"][0]["verdict"], "done");
    assert_eq!(j["review"][0]["action"]["status"], "done");
    // Done: the fourth retro's review no longer shows it.
    let fourth = start(
        &s,
        "paula",
        json!({"squad": "payments", "held_on": "2026-10-14"}),
    )
    .await;
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{fourth}"), &s.token_for("pia"))
        .await;
    assert_eq!(j["review"].as_array().unwrap().len(), 0, "{j}");

    // The list and its filters.
    let (_, j) = s
        .get_items(
            "/api/v1/retros?squad=payments&from=2026-09-10",
            &s.token_for("pia"),
        )
        .await;
    let titles: Vec<&str> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["held_on"].as_str().unwrap())
        .collect();
    assert!(titles.iter().all(|d| *d >= "2026-09-10"), "{titles:?}");
    assert!(!titles.contains(&"2026-09-01"));
    let (status, j) = s
        .post_json(
            "/api/v1/retros",
            &s.token_for("pia"),
            json!({"squad": "nope", "format": "custom", "columns": ["Only"]}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        j["fields"]["squad"].is_string() && j["fields"]["columns"].is_string(),
        "{j}"
    );
}

/// The value of `attr="…"` on the live board's element.
fn live_attr(html: &str, attr: &str) -> String {
    let at = html.find(&format!("{attr}=\"")).expect(attr) + attr.len() + 2;
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

async fn dots_shown_when_asked_actions_about_topics_and_who_is_here(b: Backend) {
    let (s, _admin) = tribe(b).await;
    let id = start(
        &s,
        "paula",
        json!({"squad": "payments", "format": "start_stop_continue", "title": "Sprint 10", "hide_votes": false}),
    )
    .await;
    let (paula, pt) = person(&s, "paula").await;
    let (pia, it) = person(&s, "pia").await;
    let (otto, _) = person(&s, "otto").await;

    // Who is here: everyone whose browser looks at the board. The live page polls with
    // who it shows, and hears 204 until someone comes or goes.
    page(&paula, id).await;
    let board = page(&pia, id).await;
    assert_eq!(
        board.matches("class=\"badge person-here\"").count(),
        2,
        "{board}"
    );
    let (v, here) = (
        live_attr(&board, "data-version"),
        live_attr(&board, "data-here"),
    );
    let poll = format!("/retros/{id}?v={v}&here={here}");
    assert_eq!(pia.get(&poll).await.status(), 204);
    page(&otto, id).await;
    let res = pia.get(&poll).await;
    assert_eq!(res.status(), 200, "otto came in");
    let board = res.text().await.unwrap();
    assert_eq!(board.matches("class=\"badge person-here\"").count(), 3);

    advance(&paula, &pt, id, &[("review", "write")]).await;
    for body in ["Deploys wait on staging", "Staging is shared"] {
        assert_eq!(card(&pia, &it, id, "0", body).await, 303);
    }
    assert_eq!(card(&paula, &pt, id, "1", "Pairing on refunds").await, 303);
    advance(&paula, &pt, id, &[("write", "reveal"), ("reveal", "group")]).await;
    let ids = cards_of(&s, "pia", id).await;
    let (a, b2) = (ids[0].to_string(), ids[1].to_string());
    let res = pia
        .post_form(
            &format!("/retros/{id}/groups"),
            &[
                ("csrf_token", &it),
                ("title", "Staging"),
                ("card", &a),
                ("card", &b2),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("paula"))
        .await;
    let group = format!("g{}", j["groups"][0]["id"]);

    // Started with the dots shown: the tallies are there while the vote runs.
    advance(&paula, &pt, id, &[("group", "vote")]).await;
    let res = pia
        .post_form(
            &format!("/retros/{id}/votes"),
            &[("csrf_token", &it), ("topic", &group), ("op", "add")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("paula"))
        .await;
    assert_eq!(j["retro"]["hide_votes"], false);
    assert_eq!(j["votes_hidden"], false);
    let on_group = j["votes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["topic"] == group.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (on_group["votes"].clone(), on_group["mine"].clone()),
        (json!(1), json!(0))
    );

    // An action item about a topic is listed next to it, and says so in the list.
    advance(&paula, &pt, id, &[("vote", "discuss")]).await;
    let board = page(&pia, id).await;
    assert!(board.contains(&format!("href=\"/retros/{id}?topic={group}#action-form\"")));
    let form = pia
        .get(&format!("/retros/{id}?topic={group}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        form.contains(&format!(
            "<option value=\"{group}\" selected>Staging</option>"
        )),
        "{form}"
    );
    let add = |topic: &str, title: &str| {
        let body = [
            ("csrf_token", it.clone()),
            ("title", title.to_string()),
            ("topic", topic.to_string()),
        ];
        let (pia, url) = (&pia, format!("/retros/{id}/actions"));
        async move {
            let body: Vec<(&str, &str)> = body.iter().map(|(k, v)| (*k, v.as_str())).collect();
            pia.post_form(&url, &body).await
        }
    };
    assert_eq!(
        add(&group, "Give every squad its own staging")
            .await
            .status(),
        303
    );
    assert_eq!(add("", "Book a pairing hour weekly").await.status(), 303);
    let res = add("g999999", "About nothing on this board").await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("That topic is not on this board")
    );
    let res = add("nonsense", "About nonsense").await;
    assert_eq!(res.status(), 422);
    let text = res.text().await.unwrap();
    assert!(
        text.contains("is not a topic of this board") && text.contains("value=\"About nonsense\"")
    );
    let board = page(&pia, id).await;
    let topic_li = &board[board.find(&format!("id=\"topic-{group}\"")).unwrap()..];
    let topic_li = &topic_li[..topic_li.find("</ol>").unwrap()];
    assert!(
        topic_li.contains("Action items about this")
            && topic_li.contains("Give every squad its own staging"),
        "{topic_li}"
    );
    assert!(
        !topic_li.contains("Book a pairing hour"),
        "an item about no topic is not under one"
    );
    assert!(board.contains(&format!("about <a href=\"#topic-{group}\">Staging</a>")));
    let (_, j) = s
        .get_json(&format!("/api/v1/retros/{id}"), &s.token_for("otto"))
        .await;
    let topics: Vec<(String, Option<String>)> = j["action_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["title"].as_str().unwrap().to_string(),
                a["topic"].as_str().map(String::from),
            )
        })
        .collect();
    assert_eq!(
        topics,
        [
            (
                "Give every squad its own staging".to_string(),
                Some(group.clone())
            ),
            ("Book a pairing hour weekly".to_string(), None)
        ]
    );
    advance(&paula, &pt, id, &[("discuss", "close")]).await;
    let md = paula
        .get(&format!("/retros/{id}.md"))
        .await
        .text()
        .await
        .unwrap();
    assert!(md.contains("### Staging (1 dot)"), "{md}");
    assert!(
        md.contains("Give every squad its own staging — Payments, about \u{201c}Staging\u{201d}"),
        "{md}"
    );
}

backend_tests!(
    phases_hide_cards_until_the_reveal_and_limit_votes,
    anonymous_retros_store_no_author,
    action_items_come_back_until_done_and_cards_become_lessons,
    dots_shown_when_asked_actions_about_topics_and_who_is_here,
);
