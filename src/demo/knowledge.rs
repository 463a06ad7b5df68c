//! The demo's knowledge: team pages for every squad, guides, decision records and lessons,
//! linked to each other with wikilinks — made through the same functions as the pages.

use crate::db::AnyConnection;
use crate::error::AppResult;
use crate::lessons::model::{LessonInput, Source};
use crate::org::unit::UnitKind;
use crate::org::unit_repo as units;
use crate::pages::model::PageInput;

/// (title, tags, body)
const GUIDES: &[(&str, &[&str], &str)] = &[
    (
        "Onboarding guide",
        &["onboarding", "guide"],
        "# Welcome to Kanelbulle Audio\n\nYour first week, step by step. Your squad's page tells you who to ask; the [[org chart|/org]] shows everyone else.\n\n## Day one\n\n- [ ] Pick up your laptop and a mug (the mug matters: see [[Fika rituals]])\n- [ ] Read the [[Deploy checklist]] and the [[Code review guide]]\n- [ ] Join the [[guild:web-guild]] or another guild that looks fun\n\n## Week one\n\n| Day | What |\n|---|---|\n| Mon | Laptop, accounts, coffee |\n| Tue | Pair with your buddy |\n| Wed | Ship a small change behind a flag ([[Feature flags guide]]) |\n| Thu | Sit in on an incident review ([[Incident review template]]) |\n| Fri | Demo what you learned |\n\nQuestions? Ask your agile coach, e.g. [[person:alice]].",
    ),
    (
        "Deploy checklist",
        &["deploys", "guide"],
        "# Deploy checklist\n\nWe deploy many times a day. This list keeps it boring.\n\n1. The change is behind a flag or is safe to roll back (see [[Feature flags guide]]).\n2. Dashboards for your service are open.\n3. You are not deploying alone on a Friday afternoon.\n4. After the deploy, watch error rates for 15 minutes.\n\nIf anything looks wrong, roll back first and ask questions later — then write it up with the [[Incident review template]].\n\nSee also [[ADR-003: Weekly release train for the apps]].",
    ),
    (
        "Feature flags guide",
        &["feature-flags", "guide"],
        "# Feature flags\n\nFlags let us merge early and release late. Every flag has an owner and an expiry date.\n\n- Name flags after the behaviour, not the ticket.\n- Remove a flag within two weeks of full rollout.\n- Experiments use flags too: see the [[Experiment design guide]].\n\nDecision: [[ADR-002: Adopt feature flags everywhere]].",
    ),
    (
        "Code review guide",
        &["code-review", "guide"],
        "# Code review\n\nWe review to share knowledge, not to gatekeep.\n\n- Review within one working day.\n- Say what you like as well as what you would change.\n- Big changes get a design note first.\n\n> A review comment is a question, not a verdict.",
    ),
    (
        "Incident review template",
        &["incidents", "template"],
        "# Incident review template\n\nBlameless: we ask what made the mistake easy, never whose fault it was.\n\n## What happened\n\nTimeline in UTC.\n\n## What we learned\n\nEach lesson goes to [[/lessons|the lessons list]] too, tagged with the squads it concerns.\n\n## What we will change\n\n- [ ] Action, owner, date\n\nSee [[Writing a blameless post-mortem]].",
    ),
    (
        "Writing a blameless post-mortem",
        &["incidents", "guide"],
        "# Writing a blameless post-mortem\n\nWrite about systems and decisions, not people. Replace \"X forgot to\" with \"nothing reminded us to\".\n\nStart from the [[Incident review template]].",
    ),
    (
        "On-call handbook",
        &["on-call", "incidents", "guide"],
        "# On-call handbook\n\nWhen the pager rings:\n\n1. Acknowledge within five minutes.\n2. Open the incident channel.\n3. Mitigate first: roll back (see [[Deploy checklist]]).\n4. Hand over at the end of your shift, in writing.\n\nThe [[squad:infrastructure]] squad owns the paging setup.",
    ),
    (
        "Experiment design guide",
        &["experiments", "guide"],
        "# Designing an experiment\n\nAn experiment *with learning* gives valid, decision-ready results.\n\n- Write the hypothesis and the success metric before starting.\n- Add guardrail metrics (latency, crashes, revenue).\n- Check sample ratio mismatch on day one.\n- Decide the run length from the power you need — never stop early because it looks good.\n\nAsk the [[guild:data-science-guild]] for a review.",
    ),
    (
        "How we run retrospectives",
        &["retros", "guide"],
        "# Retrospectives\n\nEvery squad holds one every two weeks, facilitated by its agile coach.\n\n1. Set the stage (5 min)\n2. Gather data: cards for *went well*, *to improve*, *ideas*\n3. Vote, discuss the top three\n4. Decide action items with owners — they carry over until done\n\nFormats that work for us are collected in the [[guild:agile-coaching-guild]].",
    ),
    (
        "Fika rituals",
        &["culture"],
        "# Fika\n\nAt 15:00 we stop and have coffee together. Teams that do not usually work together sit together — that is where half of our [[/lessons|lessons]] travel.\n\nKanelbulle on Fridays, obviously.",
    ),
    (
        "Accessibility checklist",
        &["accessibility", "guide"],
        "# Accessibility checklist\n\n- [ ] Every control reachable by keyboard\n- [ ] Contrast at least 4.5:1\n- [ ] Images have text alternatives\n- [ ] Works with a screen reader on iOS and Android\n\nMaintained by the [[guild:accessibility-guild]].",
    ),
    (
        "ADR-001: PostgreSQL for the payments ledger",
        &["adr", "decision"],
        "# ADR-001: PostgreSQL for the payments ledger\n\n**Status:** accepted · **Owner:** [[squad:payments]]\n\n## Context\n\nThe ledger needs transactions across accounts and an audit trail.\n\n## Decision\n\nWe use PostgreSQL with serializable transactions for the ledger.\n\n## Consequences\n\n- Strong consistency; fewer reconciliation jobs.\n- Write throughput is bounded by one primary; we revisit at 10× today's volume.",
    ),
    (
        "ADR-002: Adopt feature flags everywhere",
        &["adr", "decision", "feature-flags"],
        "# ADR-002: Adopt feature flags everywhere\n\n**Status:** accepted\n\nEvery user-facing change ships behind a flag. Rationale and rules: [[Feature flags guide]].",
    ),
    (
        "ADR-003: Weekly release train for the apps",
        &["adr", "decision", "deploys"],
        "# ADR-003: Weekly release train for the apps\n\n**Status:** accepted · **Owners:** [[tribe:listening-experience]]\n\nMobile apps release every Tuesday. Web and backend keep deploying continuously ([[Deploy checklist]]).",
    ),
];

/// (title, source page title or "", squads it concerns, tags, body)
type DemoLesson = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
);

const LESSONS: &[DemoLesson] = &[
    (
        "Coalesce cache misses instead of growing the cache",
        "Incident review template",
        &["recommendations", "infrastructure"],
        &["caching", "incidents"],
        "A cache stampede took down recommendations for 20 minutes. A bigger cache only moved the problem: coalescing concurrent misses (single-flight) fixed it.",
    ),
    (
        "Roll back first, debug later",
        "Deploy checklist",
        &["payments", "player"],
        &["deploys", "incidents"],
        "Twice we lost half an hour debugging in production while users waited. Rolling back takes two minutes; the investigation can happen afterwards.",
    ),
    (
        "Expire feature flags or they expire you",
        "Feature flags guide",
        &["playlists"],
        &["feature-flags"],
        "A forgotten flag, turned off by a config cleanup, disabled shared playlists for a day. Every flag now gets an expiry date and an owner.",
    ),
    (
        "Check sample ratio mismatch on day one",
        "Experiment design guide",
        &["search", "recommendations"],
        &["experiments"],
        "An experiment ran for three weeks with a 48/52 split caused by a caching bug. The results were invalid — a day-one SRM check would have caught it.",
    ),
    (
        "A neutral result is still a result",
        "Experiment design guide",
        &["radio"],
        &["experiments"],
        "The bigger play button made no difference, and we were powered to see one. Knowing that saved us a redesign.",
    ),
    (
        "Pair new joiners on a real change in week one",
        "Onboarding guide",
        &["lyrics", "artist-tools"],
        &["onboarding"],
        "New people who shipped something small in their first week asked for help earlier and stayed longer.",
    ),
    (
        "Write the runbook during the incident, not after",
        "On-call handbook",
        &["infrastructure", "identity"],
        &["on-call", "incidents"],
        "Notes taken live became the runbook's first draft; notes written later forgot the dead ends.",
    ),
    (
        "Blameless reviews surface more near misses",
        "Writing a blameless post-mortem",
        &["royalties"],
        &["incidents", "culture"],
        "After we stopped naming people in reviews, reports of near misses tripled.",
    ),
    (
        "Retro action items need an owner and a date",
        "How we run retrospectives",
        &["playlists", "search"],
        &["retros"],
        "Actions without an owner carried over for six retros. With an owner and a date, most were done within two.",
    ),
    (
        "Test with a screen reader before release, not after",
        "Accessibility checklist",
        &["player", "lyrics"],
        &["accessibility"],
        "The lyrics view was unusable with VoiceOver for a month. Five minutes of testing before release would have found it.",
    ),
    (
        "Idempotency keys on every payment call",
        "ADR-001: PostgreSQL for the payments ledger",
        &["payments"],
        &["payments", "reliability"],
        "A retry storm charged some users twice. Idempotency keys made retries safe.",
    ),
    (
        "Mobile releases need a freeze day",
        "ADR-003: Weekly release train for the apps",
        &["player", "offline"],
        &["deploys", "mobile"],
        "Merging on release day caused two hotfixes in a month. A Monday freeze fixed it.",
    ),
    (
        "Small squads burn out on on-call",
        "",
        &["data-platform"],
        &["on-call", "team-health"],
        "A squad of five on a weekly rotation was on call every fifth week. Sharing the rotation with a sister squad halved the load.",
    ),
    (
        "Fika spreads lessons faster than wikis",
        "Fika rituals",
        &[],
        &["culture"],
        "Half of the lessons in this list were first told over coffee. We now end fika by writing one down.",
    ),
    (
        "Upload pipelines need back-pressure",
        "",
        &["upload-pipeline"],
        &["reliability", "creators"],
        "A label uploaded 40,000 tracks at once and starved everyone else. Per-tenant queues with back-pressure keep uploads fair.",
    ),
];

fn squad_id(conn: &mut AnyConnection, slug: &str) -> AppResult<Option<i64>> {
    match units::unit(conn, UnitKind::Squad, slug) {
        Ok(u) => Ok(Some(u.id)),
        Err(crate::error::AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Loads the pages and lessons; `authors` are person ids to take turns as authors.
pub fn load(conn: &mut AnyConnection, authors: &[i64]) -> AppResult<(usize, usize)> {
    let author = |i: usize| authors.get(i % authors.len().max(1)).copied();
    let mut pages = 0;
    for (i, (title, tags, body)) in GUIDES.iter().enumerate() {
        // "[[label|/path]]" in the texts above is for readers; real links use markdown.
        let body = body
            .replace("[[org chart|/org]]", "[org chart](/org)")
            .replace(
                "[[/lessons|the lessons list]]",
                "[the lessons list](/lessons)",
            )
            .replace("[[/lessons|lessons]]", "[lessons](/lessons)");
        crate::pages::repo::create(
            conn,
            author(i),
            &PageInput {
                title: (*title).to_string(),
                slug: crate::pages::model::parse_slug("", title)
                    .map_err(crate::error::AppError::Validation)?,
                body,
                summary: "first version".into(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                units: vec![],
                slug_from_title: false,
            },
        )?;
        pages += 1;
    }
    // A team page for every squad, attached to it.
    for (i, squad) in units::units_of_kind(conn, UnitKind::Squad)?
        .into_iter()
        .enumerate()
    {
        let tribe = squad
            .tribe_id
            .map(|t| units::unit_by_id(conn, t))
            .transpose()?;
        let tribe_link = tribe
            .map(|t| format!("We are part of [[tribe:{}]].", t.slug))
            .unwrap_or_default();
        let body = format!(
            "# {name}\n\n{mission}\n\n{tribe_link} Our people and roles are on the [[squad:{slug}]] page.\n\n## How to work with us\n\n- Ask in our chat channel; we answer within a day.\n- Deploys follow the [[Deploy checklist]].\n- New here? Start with the [[Onboarding guide]].\n\n## What we own\n\n| Service | On call |\n|---|---|\n| {name} API | yes |\n| {name} jobs | office hours |",
            name = squad.name,
            mission = squad.mission,
            slug = squad.slug,
        );
        crate::pages::repo::create(
            conn,
            author(i + 3),
            &PageInput {
                title: format!("{} team page", squad.name),
                slug: format!("{}-team", squad.slug),
                body,
                summary: "team page".into(),
                tags: vec!["team".into()],
                units: vec![squad.id],
                slug_from_title: false,
            },
        )?;
        pages += 1;
    }
    let mut lessons = 0;
    for (i, (title, source, squads, tags, body)) in LESSONS.iter().enumerate() {
        let source = if source.is_empty() {
            Source::Alone
        } else {
            Source::Page(
                crate::pages::model::parse_slug("", source)
                    .map_err(crate::error::AppError::Validation)?,
            )
        };
        let mut unit_ids = Vec::new();
        for s in *squads {
            unit_ids.extend(squad_id(conn, s)?);
        }
        let body = match &source {
            Source::Page(slug) => format!("{body}\n\nMore in [[{slug}]]."),
            _ => body.to_string(),
        };
        crate::lessons::repo::create(
            conn,
            author(i + 1),
            &LessonInput {
                title: (*title).to_string(),
                body,
                source,
                summary: String::new(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                units: unit_ids,
            },
        )?;
        lessons += 1;
    }
    Ok((pages, lessons))
}
