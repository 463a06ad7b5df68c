//! The wiki: pages, wikilinks and backlinks, history, diffs, restores, renames, soft delete,
//! and edits that never overwrite each other.

use crate::backend_tests;
use crate::harness::{Backend, Client, PASSWORD, PNG, TestServer};

async fn signed_in(b: Backend) -> (TestServer, Client, String) {
    let s = TestServer::start(b).await;
    s.data.add_user("admin", PASSWORD, true);
    s.data.add_user("bea", PASSWORD, false);
    let c = s.client();
    c.login("bea", PASSWORD).await;
    let token = c.csrf("/pages/new").await;
    (s, c, token)
}

async fn create(c: &Client, token: &str, title: &str, body: &str) -> reqwest::Response {
    c.post_form(
        "/pages/new",
        &[
            ("csrf_token", token),
            ("title", title),
            ("body", body),
            ("base_revision", "0"),
        ],
    )
    .await
}

/// Saves `body` on top of revision `base`.
async fn edit(
    c: &Client,
    token: &str,
    slug: &str,
    title: &str,
    body: &str,
    base: &str,
) -> reqwest::Response {
    c.post_form(
        &format!("/pages/{slug}/edit"),
        &[
            ("csrf_token", token),
            ("title", title),
            ("body", body),
            ("base_revision", base),
        ],
    )
    .await
}

async fn wikilinks_and_what_links_here(b: Backend) {
    let (_s, c, t) = signed_in(b).await;
    let res = create(
        &c,
        &t,
        "Deploy checklist",
        "Read [[Onboarding guide]] first, then ask [[person:bea]].",
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/pages/deploy-checklist");
    let page = c.get("/pages/deploy-checklist").await.text().await.unwrap();
    assert!(
        page.contains("href=\"/pages/new?title=Onboarding+guide\" class=\"wikilink missing\""),
        "a missing page leads to creating it"
    );
    assert!(page.contains("href=\"/people/bea\" class=\"wikilink\""));
    assert!(
        page.contains(">bea Testperson</a>"),
        "org links show the name"
    );
    // The missing page's link, followed, pre-fills the title.
    let form = c
        .get("/pages/new?title=Onboarding+guide")
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("value=\"Onboarding guide\""));
    create(
        &c,
        &t,
        "Onboarding guide",
        "Welcome! See [[deploy-checklist|the checklist]].",
    )
    .await;
    let page = c.get("/pages/deploy-checklist").await.text().await.unwrap();
    assert!(
        page.contains("href=\"/pages/onboarding-guide\" class=\"wikilink\""),
        "now it exists"
    );
    let guide = c.get("/pages/onboarding-guide").await.text().await.unwrap();
    assert!(guide.contains(">the checklist</a>"));
    let section = &guide[guide.find("What links here").unwrap()..];
    assert!(
        section.contains("href=\"/pages/deploy-checklist\""),
        "backlink by title"
    );
    let checklist_section = {
        let p = c.get("/pages/deploy-checklist").await.text().await.unwrap();
        p[p.find("What links here").unwrap()..].to_string()
    };
    assert!(
        checklist_section.contains("href=\"/pages/onboarding-guide\""),
        "backlink by slug"
    );
    // A title whose slug is taken gets the next free one; a typed slug that is taken is
    // refused with the input kept.
    let res = create(&c, &t, "Deploy Checklist", "another").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/pages/deploy-checklist-2");
    let res = c
        .post_form(
            "/pages/new",
            &[
                ("csrf_token", &t),
                ("title", "Yet another checklist"),
                ("slug", "deploy-checklist"),
                ("body", "typed"),
                ("base_revision", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains(">typed</textarea>"));
}

/// Long wiki titles: slugs up to 200 characters, and titles alike in their first 64
/// characters are different pages.
async fn long_titles_make_long_unique_slugs(b: Backend) {
    let (s, _c, _t) = signed_in(b).await;
    let token = s.token_for("bea");
    let stem = "Quarterly planning notes for the payments platform migration working group";
    for (i, tail) in ["January", "February"].iter().enumerate() {
        let (status, j) = s
            .post_json(
                "/api/v1/pages",
                &token,
                serde_json::json!({"title": format!("{stem} {tail}"), "body": "x"}),
            )
            .await;
        assert_eq!(status, 201, "{j}");
        assert!(
            j["slug"].as_str().unwrap().ends_with(&tail.to_lowercase()),
            "{i}: {j}"
        );
    }
    let long = "a-".repeat(99) + "z"; // 199 characters
    let (status, j) = s
        .post_json(
            "/api/v1/pages",
            &token,
            serde_json::json!({"title": "Long slug", "slug": long, "body": "x"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    assert_eq!(j["slug"], long);
    let (status, j) = s
        .post_json(
            "/api/v1/pages",
            &token,
            serde_json::json!({"title": "Too long", "slug": "b".repeat(201), "body": "x"}),
        )
        .await;
    assert_eq!(status, 422, "{j}");
    assert!(j.to_string().contains("1–200 characters"), "{j}");
    // A 199-character title makes a 199-character slug; the same title again gets `-2`,
    // cut to fit.
    let title = "word ".repeat(40);
    let mut slugs = Vec::new();
    for _ in 0..2 {
        let (status, j) = s
            .post_json(
                "/api/v1/pages",
                &token,
                serde_json::json!({"title": title.trim(), "body": "x"}),
            )
            .await;
        assert_eq!(status, 201, "{j}");
        slugs.push(j["slug"].as_str().unwrap().to_string());
    }
    assert!(slugs.iter().all(|s| s.len() <= 200), "{slugs:?}");
    assert!(
        slugs[1].ends_with("-2") && slugs[0] != slugs[1],
        "{slugs:?}"
    );
}

/// Markup the sanitizer has to fix is the sanitizer's business, not the operator's: the
/// HTML parser's warnings stay out of the log.
async fn odd_markup_does_not_flood_the_log(b: Backend) {
    let (s, c, t) = signed_in(b).await;
    let body = "<table>stray text<tr><td>cell</td></tr></table>\n\n".repeat(20);
    let res = create(&c, &t, "Odd tables", &body).await;
    assert_eq!(res.status(), 303);
    let page = c.get("/pages/odd-tables").await.text().await.unwrap();
    assert!(page.contains("stray text"), "the text is kept");
    assert!(
        !s.log().contains("foster parenting"),
        "parser warnings in the log:\n{}",
        s.log()
    );
}

async fn sanitized_on_the_page(b: Backend) {
    let (_s, c, t) = signed_in(b).await;
    create(
        &c,
        &t,
        "Evil",
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(2)>",
    )
    .await;
    let page = c.get("/pages/evil").await.text().await.unwrap();
    let article = &page[page.find("<article").unwrap()..page.find("</article>").unwrap()];
    assert!(!article.contains("<script"), "{article}");
    assert!(!article.contains("javascript:"), "{article}");
    assert!(!article.contains("onerror"), "{article}");
    // The preview uses the same sanitizer.
    let res = c
        .http
        .post(format!("{}/pages/preview", c.base))
        .header("x-csrf-token", &t)
        .form(&[("body", "**hi** <script>x</script>")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<strong>hi</strong>") && !html.contains("<script"),
        "{html}"
    );
}

async fn history_diff_restore_and_rename(b: Backend) {
    let (s, c, t) = signed_in(b).await;
    create(&c, &t, "Runbook", "line one\nline two\nline three").await;
    edit(
        &c,
        &t,
        "runbook",
        "Runbook",
        "line one\nline 2\nline three",
        "1",
    )
    .await;
    let history = c.get("/pages/runbook/history").await.text().await.unwrap();
    assert!(
        history.contains("/pages/runbook/revisions/1")
            && history.contains("/pages/runbook/revisions/2")
    );
    let diff = c
        .get("/pages/runbook/diff?from=1&to=2")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        diff.contains("<tr class=\"del\">") && diff.contains("line two"),
        "{diff}"
    );
    assert!(diff.contains("<tr class=\"add\">") && diff.contains("line 2"));
    let old = c
        .get("/pages/runbook/revisions/1")
        .await
        .text()
        .await
        .unwrap();
    assert!(old.contains("You are reading revision 1"));
    assert!(old.contains("line two"));
    // Restoring revision 1 makes revision 3 with its text.
    let res = c
        .post_form("/pages/runbook/restore/1", &[("csrf_token", &t)])
        .await;
    assert_eq!(res.status(), 303);
    let page = c.get("/pages/runbook").await.text().await.unwrap();
    assert!(page.contains("Revision 3") && page.contains("line two"));
    let history = c.get("/pages/runbook/history").await.text().await.unwrap();
    assert!(history.contains("restored revision 1"));
    // Renaming keeps the old slug as a redirect.
    let res = c
        .post_form(
            "/pages/runbook/edit",
            &[
                ("csrf_token", &t),
                ("title", "On-call runbook"),
                ("slug", "on-call-runbook"),
                ("body", "line one"),
                ("base_revision", "3"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = c.get("/pages/runbook").await;
    assert_eq!(res.status(), 301);
    assert_eq!(res.headers()["location"], "/pages/on-call-runbook");
    // Only the creator, members of its units and admins may delete a page: carl, another
    // member, sees no button and is refused.
    s.data.add_user("carl", PASSWORD, false);
    let carl = s.client();
    carl.login("carl", PASSWORD).await;
    let page = carl
        .get("/pages/on-call-runbook")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Delete page"), "no delete button for carl");
    let ct = carl.csrf("/pages/on-call-runbook").await;
    let res = carl
        .post_form("/pages/on-call-runbook/delete", &[("csrf_token", &ct)])
        .await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("Only the page"));
    let page = c.get("/pages/on-call-runbook").await.text().await.unwrap();
    assert!(page.contains("Delete page"), "the creator has the button");
    // A member of a team the page belongs to may delete it too: carl joins squad ops, and
    // the page is attached to it.
    let admin_token = s.token_for("admin");
    let (status, j) = s
        .post_json(
            "/api/v1/units/squad",
            &admin_token,
            serde_json::json!({"name": "Ops"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let (status, j) = s
        .post_json(
            "/api/v1/units/squad/ops/members",
            &admin_token,
            serde_json::json!({"username": "carl", "role": "member", "since": "2025-01-01"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let (_, current) = s
        .get_json("/api/v1/pages/on-call-runbook", &admin_token)
        .await;
    let (status, j) = s
        .put_json(
            "/api/v1/pages/on-call-runbook",
            &admin_token,
            serde_json::json!({"units": ["squad/ops"], "base_revision": current["revision"]}),
        )
        .await;
    assert_eq!(status, 200, "{j}");
    let page = carl
        .get("/pages/on-call-runbook")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Delete page"),
        "a member of its team has the button"
    );
    // Soft delete: gone for readers, back with an admin's undo.
    let res = c
        .post_form("/pages/on-call-runbook/delete", &[("csrf_token", &t)])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(c.get("/pages/on-call-runbook").await.status(), 404);
    let admin = s.client();
    admin.login("admin", PASSWORD).await;
    let page = admin
        .get("/pages/on-call-runbook")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("This page was deleted"));
    let at = admin.csrf("/pages/on-call-runbook").await;
    assert_eq!(
        c.post_form("/pages/on-call-runbook/undelete", &[("csrf_token", &t)])
            .await
            .status(),
        403
    );
    let res = admin
        .post_form("/pages/on-call-runbook/undelete", &[("csrf_token", &at)])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(c.get("/pages/on-call-runbook").await.status(), 200);
}

async fn concurrent_edits_merge_or_conflict_and_lose_nothing(b: Backend) {
    let (s, c, t) = signed_in(b).await;
    create(&c, &t, "Plan", "alpha\nbeta\ngamma\ndelta").await;
    let other = s.client();
    other.login("admin", PASSWORD).await;
    let ot = other.csrf("/pages/plan/edit").await;
    // Both start from revision 1. The admin saves first, changing the last line.
    assert_eq!(
        edit(
            &other,
            &ot,
            "plan",
            "Plan",
            "alpha\nbeta\ngamma\nDELTA",
            "1"
        )
        .await
        .status(),
        303
    );
    // Bea changes the first line: no overlap, merged.
    let res = edit(&c, &t, "plan", "Plan", "ALPHA\nbeta\ngamma\ndelta", "1").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/pages/plan?merged=1");
    // Said, with the two diffs worth reading; not said on a plain visit.
    let page = c.get("/pages/plan?merged=1").await.text().await.unwrap();
    assert!(
        page.contains(
            "Someone else saved this page while you were editing (revision 2). Your changes \
             touched other lines, so fika merged them into theirs and saved revision 3"
        ),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="/pages/plan/diff?from=1&#38;to=2">what they changed</a>"#),
        "{page}"
    );
    assert!(page.contains(r#"<a href="/pages/plan/diff?from=2&#38;to=3">your edit, merged</a>"#));
    let page = c.get("/pages/plan").await.text().await.unwrap();
    assert!(!page.contains("Someone else saved"));
    assert!(
        page.contains("ALPHA") && page.contains("DELTA"),
        "both changes kept"
    );
    // Now both change "beta" from revision 3: the second save is a conflict, nothing saved.
    assert_eq!(
        edit(
            &other,
            &ot,
            "plan",
            "Plan",
            "ALPHA\nbeta (admin)\ngamma\nDELTA",
            "3"
        )
        .await
        .status(),
        303
    );
    let res = edit(
        &c,
        &t,
        "plan",
        "Plan",
        "ALPHA\nbeta (bea)\ngamma\nDELTA",
        "3",
    )
    .await;
    assert_eq!(res.status(), 409);
    let body = res.text().await.unwrap();
    assert!(body.contains("Someone else saved this page"));
    assert!(
        body.contains("beta (bea)</textarea>")
            || body.contains("beta (bea)\ngamma\nDELTA</textarea>"),
        "bea's text is kept in the editor"
    );
    assert!(body.contains("beta (admin)"), "the other version is shown");
    assert!(
        body.contains("name=\"base_revision\" value=\"4\""),
        "the form now builds on the current revision"
    );
    let page = c.get("/pages/plan").await.text().await.unwrap();
    assert!(
        page.contains("beta (admin)") && !page.contains("beta (bea)"),
        "nothing was overwritten"
    );
    // Saving again from the conflict page (base 4) goes through.
    assert_eq!(
        edit(
            &c,
            &t,
            "plan",
            "Plan",
            "ALPHA\nbeta (both)\ngamma\nDELTA",
            "4"
        )
        .await
        .status(),
        303
    );
}

async fn no_js_preview_and_field_errors(b: Backend) {
    let (_s, c, t) = signed_in(b).await;
    let res = c
        .post_form(
            "/pages/new",
            &[
                ("csrf_token", &t),
                ("title", "Draft"),
                ("body", "# Heading\n\n*soft*"),
                ("preview", "1"),
                ("base_revision", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("<h1 id=\"h-heading\">Heading</h1>"),
        "the preview is rendered"
    );
    assert!(body.contains("value=\"Draft\""));
    assert_eq!(
        c.get("/pages/draft").await.status(),
        404,
        "a preview saves nothing"
    );
    let res = c
        .post_form(
            "/pages/new",
            &[
                ("csrf_token", &t),
                ("title", "a [[b]]"),
                ("body", "kept"),
                ("tags", "bad_tag"),
                ("base_revision", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("cannot contain [, ] or |"));
    assert!(body.contains("is not a tag"));
    assert!(body.contains(">kept</textarea>"));
}

/// Checks the Atom 1.0 rules a validator would: the feed's id, title, updated, author and
/// self link; each entry's id, title, updated and link; RFC 3339 dates.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.has_tag_name(("http://www.w3.org/2005/Atom", name)))
}

fn assert_valid_atom(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let feed = doc.root_element();
    let atom = "http://www.w3.org/2005/Atom";
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(atom));
    for name in ["id", "title", "updated", "author"] {
        assert!(child(feed, name).is_some(), "feed has <{name}>");
    }
    assert!(
        feed.children()
            .any(|c| c.has_tag_name((atom, "link")) && c.attribute("rel") == Some("self"))
    );
    let mut titles = vec![];
    for entry in feed.children().filter(|c| c.has_tag_name((atom, "entry"))) {
        for name in ["id", "title", "updated", "link"] {
            assert!(child(entry, name).is_some(), "entry has <{name}>");
        }
        let updated = child(entry, "updated").unwrap().text().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(updated).is_ok(),
            "{updated}"
        );
        titles.push(
            child(entry, "title")
                .unwrap()
                .text()
                .unwrap_or("")
                .to_string(),
        );
    }
    titles
}

async fn changes_and_atom_feeds(b: Backend) {
    let (s, c, t) = signed_in(b).await;
    create(&c, &t, "Tea & <Coffee>", "Brew **well**.").await;
    let admin = s.token_for("admin");
    s.post_json(
        "/api/v1/units/squad",
        &admin,
        serde_json::json!({"name": "Brewers"}),
    )
    .await;
    c.post_form(
        "/lessons/new",
        &[
            ("csrf_token", &t),
            ("title", "Grind fresh"),
            ("body", "Always."),
            ("source_kind", "alone"),
            ("units", "squad/brewers"),
        ],
    )
    .await;
    let changes = c.get("/changes").await.text().await.unwrap();
    assert!(
        changes.contains("Tea &amp; &lt;Coffee&gt;")
            || changes.contains("Tea &#38; &#60;Coffee&#62;")
    );
    assert!(changes.contains("Grind fresh"));

    let res = c.get("/feeds/changes.atom").await;
    assert_eq!(
        res.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let titles = assert_valid_atom(&res.text().await.unwrap());
    assert_eq!(
        titles,
        vec!["Grind fresh".to_string(), "Tea & <Coffee>".to_string()]
    );
    let lessons = c.get("/feeds/lessons.atom").await.text().await.unwrap();
    assert_eq!(assert_valid_atom(&lessons), vec!["Grind fresh".to_string()]);
    let unit = c
        .get("/feeds/squad/brewers.atom")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(assert_valid_atom(&unit), vec!["Grind fresh".to_string()]);
    assert_eq!(c.get("/feeds/squad/nobody.atom").await.status(), 404);

    // Feed readers: a token in the query string works, nothing else does.
    let token = s.token_for("bea");
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = anon.get(s.url("/feeds/changes.atom")).send().await.unwrap();
    assert_eq!(res.status(), 401, "no anonymous feed, and no redirect");
    let res = anon
        .get(s.url(&format!("/feeds/changes.atom?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let feed = res.text().await.unwrap();
    assert!(
        !feed.contains(&token),
        "the token is not echoed into the feed"
    );
    let res = anon
        .get(s.url(&format!("/changes?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "query tokens only on feeds");
}

/// The `<entry>` ids and link targets of a feed.
fn ids_and_links(xml: &str) -> (Vec<String>, Vec<String>) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let text = |name: &str| -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name(name))
            .filter(|n| n.parent().is_some_and(|p| p.has_tag_name("entry")))
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect()
    };
    (text("id"), text("content"))
}

/// A busy wiki does not crowd lessons out of their feeds; feeds answer 304 when nothing
/// changed, keep their ids whatever host they are fetched through, and carry absolute links.
async fn feeds_on_a_busy_site(b: Backend) {
    let (s, c, t) = signed_in(b).await;
    let admin = s.token_for("admin");
    let (status, j) = s
        .post_json(
            "/api/v1/units/squad",
            &admin,
            serde_json::json!({"name": "Brewers"}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    let res = c
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &t),
                ("title", "Grind fresh"),
                (
                    "body",
                    "See [the guide](/pages/busy) and ![beans](/images/abc).",
                ),
                ("source_kind", "alone"),
                ("units", "squad/brewers"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    // 120 saves of a page attached to the same squad, after the lesson.
    let (status, j) = s
        .post_json(
            "/api/v1/pages",
            &admin,
            serde_json::json!({"title": "Busy", "body": "0", "units": ["squad/brewers"]}),
        )
        .await;
    assert_eq!(status, 201, "{j}");
    for i in 1..120 {
        let (status, j) = s
            .put_json(
                "/api/v1/pages/busy",
                &admin,
                serde_json::json!({"body": format!("{i}"), "base_revision": i}),
            )
            .await;
        assert_eq!(status, 200, "{j}");
    }
    let lessons = c.get("/feeds/lessons.atom").await.text().await.unwrap();
    assert_eq!(assert_valid_atom(&lessons), vec!["Grind fresh".to_string()]);
    let unit = c
        .get("/feeds/squad/brewers.atom")
        .await
        .text()
        .await
        .unwrap();
    let titles = assert_valid_atom(&unit);
    assert_eq!(titles.len(), 50, "the newest 50 changes of the squad");
    let changes = c.get("/feeds/changes.atom").await.text().await.unwrap();
    assert_eq!(assert_valid_atom(&changes).len(), 50);

    // Links inside entries are absolute; ids do not depend on the host asked.
    let (ids, contents) = ids_and_links(&lessons);
    let base = s.url("");
    assert!(
        contents[0].contains(&format!("href=\"{base}/pages/busy\"")),
        "{contents:?}"
    );
    assert!(
        contents[0].contains(&format!("src=\"{base}/images/abc\"")),
        "{contents:?}"
    );
    assert!(ids[0].starts_with("urn:uuid:"), "{ids:?}");
    let token = s.token_for("bea");
    let other_host = c
        .http
        .get(s.url(&format!("/feeds/lessons.atom?token={token}")))
        .header("host", "fika.internal")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        ids_and_links(&other_host).0,
        ids,
        "same ids through another host"
    );

    // Conditional requests: 304 with the ETag or the Last-Modified date, 200 after a change.
    let res = c.get("/feeds/lessons.atom").await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let modified = res.headers()["last-modified"].to_str().unwrap().to_string();
    let again = |name: &'static str, value: String| {
        let c = &c;
        async move {
            c.http
                .get(format!("{}/feeds/lessons.atom", c.base))
                .header(name, value)
                .send()
                .await
                .unwrap()
        }
    };
    let res = again("if-none-match", etag.clone()).await;
    assert_eq!(res.status(), 304);
    assert!(res.text().await.unwrap().is_empty());
    assert_eq!(again("if-modified-since", modified).await.status(), 304);
    let res = c
        .post_form(
            "/lessons/new",
            &[
                ("csrf_token", &t),
                ("title", "Weigh the beans"),
                ("source_kind", "alone"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = again("if-none-match", etag).await;
    assert_eq!(res.status(), 200, "a new lesson changes the feed");
    assert_eq!(
        assert_valid_atom(&res.text().await.unwrap()),
        vec!["Weigh the beans".to_string(), "Grind fresh".to_string()]
    );
}

/// Every API list has one shape, `{"items", "total", "next_cursor"}`, pages through a
/// cursor that survives new records at the front, and refuses a limit out of range.
async fn api_lists_are_paged(b: Backend) {
    let (s, _c, _t) = signed_in(b).await;
    let token = s.token_for("bea");
    let lesson = |i: usize| {
        s.post_json(
            "/api/v1/lessons",
            &token,
            serde_json::json!({"title": format!("Lesson {i}"), "body": "x"}),
        )
    };
    for i in 0..7 {
        assert_eq!(lesson(i).await.0, 201);
    }
    let res = s
        .get_with_token("/api/v1/lessons?limit=3&source=alone", &token)
        .await;
    assert_eq!(res.status(), 200);
    let link = res.headers()["link"].to_str().unwrap().to_string();
    let first: serde_json::Value = res.json().await.unwrap();
    assert_eq!(first["total"], 7, "{first}");
    let titles = |j: &serde_json::Value| -> Vec<String> {
        j["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(&first), ["Lesson 6", "Lesson 5", "Lesson 4"]);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    assert_eq!(
        link,
        format!("</api/v1/lessons?limit=3&source=alone&cursor={cursor}>; rel=\"next\"")
    );
    // A lesson written meanwhile lands at the front; the next page does not repeat one.
    assert_eq!(lesson(7).await.0, 201);
    let (_, second) = s
        .get_json(
            &format!("/api/v1/lessons?limit=3&source=alone&cursor={cursor}"),
            &token,
        )
        .await;
    assert_eq!(titles(&second), ["Lesson 3", "Lesson 2", "Lesson 1"]);
    assert_eq!(second["total"], 8);
    let (_, all) = s.get_items("/api/v1/lessons?limit=2", &token).await;
    assert_eq!(all.as_array().unwrap().len(), 8);
    for bad in ["limit=0", "limit=501", "limit=many", "cursor=not-ours"] {
        let (status, j) = s.get_json(&format!("/api/v1/lessons?{bad}"), &token).await;
        assert_eq!(status, 422, "{bad}: {j}");
        assert!(
            j["error"]
                .as_str()
                .unwrap()
                .contains(bad.split('=').next().unwrap()),
            "{j}"
        );
    }
    // The same shape everywhere, the retros list included.
    for path in [
        "/api/v1/pages",
        "/api/v1/people",
        "/api/v1/units",
        "/api/v1/retros",
        "/api/v1/postmortems",
        "/api/v1/experiments",
        "/api/v1/actions",
    ] {
        let (status, j) = s.get_json(path, &token).await;
        assert_eq!(status, 200, "{path}: {j}");
        assert!(j["items"].is_array() && j["total"].is_u64(), "{path}: {j}");
        assert!(j.get("next_cursor").is_some(), "{path}: {j}");
    }
}

async fn pages_and_lessons_api(b: Backend) {
    let (s, _c, _t) = signed_in(b).await;
    let token = s.token_for("bea");
    let admin = s.token_for("admin");
    s.post_json(
        "/api/v1/units/squad",
        &admin,
        serde_json::json!({"name": "Payments"}),
    )
    .await;
    let (status, page) = s
        .post_json(
            "/api/v1/pages",
            &token,
            serde_json::json!({"title": "API guide", "body": "# Hello\n\nSee [[squad:payments]].", "tags": ["docs"], "units": ["squad/payments"]}),
        )
        .await;
    assert_eq!(status, 201, "{page}");
    // The whole answer: the Markdown as written, the HTML it renders to (a wikilink to the
    // squad by its name), the first revision, its units and tags.
    insta::assert_json_snapshot!("page_as_the_api_reads_it", page, {
        ".updated_at" => "[time]",
    });
    let put = |body: serde_json::Value| s.put_json("/api/v1/pages/api-guide", &token, body);
    let (status, page) = put(serde_json::json!({"body": "v2", "base_revision": 1})).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["revision"], 2);
    assert_eq!(page["title"], "API guide", "fields left out are kept");
    assert_eq!(page["tags"], serde_json::json!(["docs"]));
    let (status, json) = put(serde_json::json!({"body": "stale", "base_revision": 1})).await;
    assert_eq!(status, 409);
    assert_eq!(json["current_revision"], 2);
    assert_eq!(json["current"]["body"], "v2");
    let (status, _) = put(serde_json::json!({"body": "no base"})).await;
    assert_eq!(status, 422);
    let (_, revs) = s
        .get_items("/api/v1/pages/api-guide/revisions", &token)
        .await;
    assert_eq!(revs.as_array().unwrap().len(), 2);
    assert_eq!(revs[0]["number"], 2);
    let (_, list) = s.get_items("/api/v1/pages?tag=docs", &token).await;
    assert_eq!(list[0]["slug"], "api-guide");
    let (status, _) = s.get_json("/api/v1/pages/nope", &token).await;
    assert_eq!(status, 404);

    let (status, lesson) = s
        .post_json(
            "/api/v1/lessons",
            &token,
            serde_json::json!({"title": "Write the guide first", "body": "It **pays**.", "source": {"kind": "page", "ref": "api-guide"}, "units": ["squad/payments"]}),
        )
        .await;
    assert_eq!(status, 201, "{lesson}");
    // The whole answer: its source by kind and reference, its author, the rendered body.
    insta::assert_json_snapshot!("lesson_as_the_api_reads_it", lesson, {
        ".id" => "[id]",
        ".url" => "/lessons/[id]",
        ".created_at" => "[time]",
        ".updated_at" => "[time]",
    });
    let id = lesson["id"].as_i64().unwrap();
    let (status, got) = s.get_json(&format!("/api/v1/lessons/{id}"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(got["title"], "Write the guide first");
    let (_, list) = s.get_items("/api/v1/lessons?source=page", &token).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, json) = s
        .post_json(
            "/api/v1/lessons",
            &token,
            serde_json::json!({"title": "Orphan", "source": {"kind": "page"}}),
        )
        .await;
    assert_eq!(status, 422, "a source must be named: {json}");
}

/// An exported file's YAML front matter, parsed, and the Markdown after it.
fn front_matter(file: &str) -> (serde_json::Value, &str) {
    let (front, body) = file
        .trim_start_matches("---\n")
        .split_once("---\n")
        .expect("front matter");
    (serde_yaml_ng::from_str(front).expect("YAML"), body)
}

async fn markdown_export(b: Backend) {
    let (s, c, t) = signed_in(b).await;
    create(&c, &t, "Onboarding", "# Day one\n\nBring a mug.").await;
    c.post_form(
        "/lessons/new",
        &[
            ("csrf_token", &t),
            ("title", "Mugs matter"),
            ("body", "Really."),
            ("source_kind", "page"),
            ("source_ref", "onboarding"),
            ("tags", "fika"),
        ],
    )
    .await;
    let out_dir = s.data.dir.path().join("export");
    let out = s
        .data
        .cli(&["export", "markdown", out_dir.to_str().unwrap()], None);
    assert!(out.success, "{}", out.stderr);
    assert!(
        out.stdout.contains("wrote 1 pages and 1 lessons to"),
        "{}",
        out.stdout
    );
    let page = std::fs::read_to_string(out_dir.join("pages/onboarding.md")).unwrap();
    let (meta, body) = front_matter(&page);
    assert_eq!(meta["title"], "Onboarding");
    assert_eq!(meta["slug"], "onboarding");
    assert!(meta["created"].as_str().unwrap().ends_with('Z'));
    assert_eq!(body.trim(), "# Day one\n\nBring a mug.");
    let lesson_file = std::fs::read_dir(out_dir.join("lessons"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let lesson = std::fs::read_to_string(&lesson_file).unwrap();
    assert!(
        lesson_file
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("-mugs-matter.md")
    );
    assert!(lesson.contains("source: page:onboarding"));
    assert!(lesson.contains("- fika"));
}

/// What a static site needs: the images as files linked relatively, who wrote what, and —
/// when asked — wikilinks as relative links between the files.
async fn markdown_export_for_static_sites(b: Backend) {
    let (s, c, t) = signed_in(b).await;
    let image = c.upload_image(PNG, "dot.png", &t).await;
    let sha = image.trim_start_matches("/images/").to_string();
    create(&c, &t, "Coffee corner", "Beans on the left.").await;
    create(
        &c,
        &t,
        "Onboarding",
        &format!(
            "![A dot]({image} \"Dot\")\n\nSee [[Coffee corner|the corner]], [[coffee-corner]], \
             [[Not written yet]], [[squad:nowhere]] and [the corner](/pages/coffee-corner#beans).\n\n\
             `[[in code]]` stays."
        ),
    )
    .await;
    c.post_form(
        "/lessons/new",
        &[
            ("csrf_token", &t),
            ("title", "Mugs matter"),
            (
                "body",
                &format!("Read [[Onboarding]] first. ![dot]({image})"),
            ),
            ("source_kind", "page"),
            ("source_ref", "onboarding"),
        ],
    )
    .await;

    // As fika writes them: wikilinks stay, images become files all the same.
    let plain = s.data.dir.path().join("plain");
    let out = s
        .data
        .cli(&["export", "markdown", plain.to_str().unwrap()], None);
    assert!(out.success, "{}", out.stderr);
    assert!(out.stdout.contains("with 1 images"), "{}", out.stdout);
    let file = plain.join(format!("images/{sha}.png"));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        PNG,
        "the image, byte for byte"
    );
    let page = std::fs::read_to_string(plain.join("pages/onboarding.md")).unwrap();
    assert!(
        page.contains(&format!("![A dot](../images/{sha}.png \"Dot\")")),
        "{page}"
    );
    assert!(page.contains("[[Coffee corner|the corner]]"), "{page}");
    let (meta, _) = front_matter(&page);
    assert!(meta["id"].as_i64().unwrap() > 0);
    assert_eq!(meta["author"], "bea");
    assert_eq!(meta["author_name"], "bea Testperson");

    // For static-site tools: links between the files, and every one of them leads somewhere.
    let site = s.data.dir.path().join("site");
    let out = s.data.cli(
        &[
            "export",
            "markdown",
            site.to_str().unwrap(),
            "--relative-links",
        ],
        None,
    );
    assert!(out.success, "{}", out.stderr);
    let page = std::fs::read_to_string(site.join("pages/onboarding.md")).unwrap();
    for expected in [
        format!("![A dot](../images/{sha}.png \"Dot\")"),
        "See [the corner](coffee-corner.md), [Coffee corner](coffee-corner.md), Not written yet, nowhere and [the corner](coffee-corner.md#beans).".to_string(),
        "`[[in code]]` stays.".to_string(),
    ] {
        assert!(page.contains(&expected), "{expected}\n in \n{page}");
    }
    let lesson_path = std::fs::read_dir(site.join("lessons"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let lesson = std::fs::read_to_string(&lesson_path).unwrap();
    assert!(
        lesson.contains(&format!(
            "Read [Onboarding](../pages/onboarding.md) first. ![dot](../images/{sha}.png)"
        )),
        "{lesson}"
    );
    assert!(lesson.contains("author: bea"), "{lesson}");
    // Every relative link in every file resolves to a file that was written.
    for dir in ["pages", "lessons"] {
        for entry in std::fs::read_dir(site.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for target in text.split("](").skip(1) {
                let target = target.split([')', ' ', '#']).next().unwrap();
                if target.ends_with(".md") || target.starts_with("../images/") {
                    assert!(
                        path.parent().unwrap().join(target).exists(),
                        "{} links to {target}, which is missing",
                        path.display()
                    );
                }
            }
        }
    }
}

async fn image_uploads(b: Backend) {
    let (s, c, t) = signed_in(b).await;
    let png: Vec<u8> = PNG.to_vec();
    let upload = |bytes: Vec<u8>, name: &'static str, token: Option<String>, json: bool| {
        let mut form = reqwest::multipart::Form::new();
        if let Some(t) = token {
            form = form.text("csrf_token", t);
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        let mut req = c.http.post(s.url("/images")).multipart(form);
        if json {
            req = req.header("accept", "application/json");
        }
        req.send()
    };
    let res = upload(png.clone(), "diagram.png", Some(t.clone()), true)
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let json: serde_json::Value = res.json().await.unwrap();
    let url = json["url"].as_str().unwrap().to_string();
    assert_eq!(json["markdown"], format!("![diagram]({url})"));
    let img = c.get(&url).await;
    assert_eq!(img.status(), 200);
    assert_eq!(img.headers()["content-type"], "image/png");
    assert_eq!(img.headers()["x-content-type-options"], "nosniff");
    assert!(
        img.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(img.bytes().await.unwrap().as_ref(), png.as_slice());
    // The plain form shows the Markdown to paste.
    let res = upload(png.clone(), "diagram.png", Some(t.clone()), false)
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains(&format!("![diagram]({url})"))
    );
    // The type comes from the bytes, not the name.
    let res = upload(
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(),
        "evil.png",
        Some(t.clone()),
        true,
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 422);
    // Over 10 MiB is refused; so is a form without its token.
    let mut big = png.clone();
    big.resize(11 * 1024 * 1024, 0);
    let res = upload(big, "big.png", Some(t.clone()), true).await.unwrap();
    assert_eq!(res.status(), 413);
    let res = upload(png, "diagram.png", None, true).await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(c.get("/images/not-a-hash").await.status(), 404);
}

backend_tests!(
    wikilinks_and_what_links_here,
    sanitized_on_the_page,
    history_diff_restore_and_rename,
    concurrent_edits_merge_or_conflict_and_lose_nothing,
    no_js_preview_and_field_errors,
    changes_and_atom_feeds,
    feeds_on_a_busy_site,
    api_lists_are_paged,
    long_titles_make_long_unique_slugs,
    odd_markup_does_not_flood_the_log,
    pages_and_lessons_api,
    markdown_export,
    markdown_export_for_static_sites,
    image_uploads,
);
