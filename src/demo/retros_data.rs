//! Demo retrospectives: for every squad of Kanelbulle Audio, three or four retros in
//! different formats, with cards, groups, dot votes and action items — and what each retro's
//! review phase said of the previous one's action items, so items carry over until done.
//! Data only; the loader is in `retros.rs`.

/// An action item agreed in a demo retro.
pub(super) struct DemoRetroAction {
    pub title: &'static str,
    /// Owned by the n-th member of the squad (0-based, wraps around), or by the squad alone.
    pub owner: Option<usize>,
    /// Due date in days after the retro.
    pub due_in_days: i64,
}

pub(super) struct DemoRetro {
    /// Squad slug (see src/demo/org.rs: player, playlists, lyrics, offline-mode, search,
    /// recommendations, podcast-discovery, radio, artist-tools, upload-pipeline, royalties,
    /// payments, identity, infrastructure, data-platform).
    pub squad: &'static str,
    /// Held this many days before today.
    pub days_ago: i64,
    /// A format key: start_stop_continue, four_ls, mad_sad_glad, sailboat, well_improve,
    /// custom.
    pub format: &'static str,
    /// Column names for `custom` only (2–8), else `&[]`.
    pub columns: &'static [&'static str],
    pub anonymous: bool,
    /// (column index, text): 6–12 cards, each ≤ 200 characters, blameless, concrete.
    pub cards: &'static [(usize, &'static str)],
    /// (group title, indexes into `cards`, dot votes on the group). Cards in no group are
    /// topics of their own without votes.
    pub groups: &'static [(&'static str, &'static [usize], u32)],
    /// 1–3 action items.
    pub actions: &'static [DemoRetroAction],
    /// What this retro's review said of the squad's previous retro's action items, by index
    /// into that retro's `actions`: "done", "open" (still open: it comes back next time) or
    /// "dropped". Items not named stay open and come back.
    pub review: &'static [(usize, &'static str)],
}

/// Oldest first within each squad. Every retro is closed except each squad's newest, which
/// is closed too unless `days_ago` is 0 (then it is still in its review phase, for the demo
/// of a running retro).
pub(super) const RETROS: &[DemoRetro] = &[
    // ── Player ──────────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "player",
        days_ago: 45,
        format: "four_ls",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Time to first audio on Android fell from 410 ms to 290 ms after we prefetch the first segment of the top row on home.",
            ),
            (
                0,
                "Pairing with the iOS engineers on AVPlayer buffer settings: two long-standing stutter bugs fixed in one afternoon.",
            ),
            (
                1,
                "Our p95 start time hides a long tail: 3 % of starts on 3G take over 4 s, and almost all of them are cold DNS lookups.",
            ),
            (
                1,
                "The TLS error classes we added after the CDN certificate incident already showed us a captive-portal bug on hotel Wi-Fi.",
            ),
            (
                2,
                "Old Android phones on the release train: we tested gapless playback on two flagship devices only.",
            ),
            (
                2,
                "Time to fix the flaky ExoPlayer instrumentation tests. We needed 14 reruns to get the last release train green.",
            ),
            (
                3,
                "A way to replay a listener’s playback trace locally instead of guessing from logs.",
            ),
            (
                3,
                "Fewer context switches: three hotfixes to the 8.x branch in a single sprint.",
            ),
            (
                2,
                "A clear answer on when the crossfade flag may go past 10 %; it has waited two release trains.",
            ),
        ],
        groups: &[
            ("Flaky tests and thin device coverage", &[4, 5], 9),
            ("Start-time long tail", &[2, 6], 6),
            ("Interrupted sprints", &[7, 8], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Quarantine the 6 flakiest ExoPlayer instrumentation tests and track each one on the board",
                owner: Some(2),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Book two old Android devices (Android 9, 2 GB RAM) from the device lab for every release train",
                owner: Some(4),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Prototype DNS prefetch for the audio CDN host at app start, behind a flag",
                owner: Some(0),
                due_in_days: 14,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "player",
        days_ago: 31,
        format: "start_stop_continue",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Start the flaky-test quarantine we agreed last time. One gapless test held the release train for 5 hours.",
            ),
            (
                2,
                "DNS prefetch at app start: starts over 2 s fell from 3.1 % to 2.4 % in the canary group.",
            ),
            (
                2,
                "Old Android phones on every release train. They caught a decoder crash on Android 9 before it shipped.",
            ),
            (
                1,
                "Pulling Chromecast bugs into the sprint without telling the PO; three came in through the side door this time.",
            ),
            (
                1,
                "Merging audio engine changes on Friday afternoon. Both rollbacks this sprint were Friday merges.",
            ),
            (
                0,
                "Write a short decision record when we change buffer sizes. Nobody remembered why the target is 2.5 s.",
            ),
            (
                2,
                "Pairing on the crossfade state machine. The bug count dropped once two people owned it together.",
            ),
            (
                0,
                "A shared playback-trace format with the offline squad, so downloads and streams are debugged the same way.",
            ),
            (
                2,
                "Friday demos to the Listening tribe. The gapless demo got the lyrics squad asking for a line-event hook.",
            ),
            (
                1,
                "Rerunning red instrumentation builds until they pass. It hides real failures.",
            ),
        ],
        groups: &[
            ("The flaky tests hold the train", &[0, 9], 10),
            ("Protect the sprint", &[3, 4], 6),
            ("Write down why", &[5, 7], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Write a decision record for the 2.5 s buffer target and link it from the player README",
                owner: Some(1),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Route Chromecast bugs through the intake board, triaged on Mondays",
                owner: None,
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "No audio engine merges after 14:00 on Fridays, written into the PR template",
                owner: Some(3),
                due_in_days: 7,
            },
        ],
        review: &[(0, "open"), (1, "done"), (2, "done")],
    },
    DemoRetro {
        squad: "player",
        days_ago: 17,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "The flaky-test quarantine from six weeks ago is still not done, and we reran the instrumentation suite 11 times this train.",
            ),
            (
                0,
                "Paged three nights in a row by the start-time alert, for a CDN region we do not even stream from.",
            ),
            (
                1,
                "Crossfade has been stuck at 10 % for the third release train. It feels like nobody can decide.",
            ),
            (
                1,
                "Two people on leave and one on call: the sprint goal was really a one-person goal.",
            ),
            (
                2,
                "The Chromecast intake board works. Zero surprise tickets this sprint.",
            ),
            (
                2,
                "The buffer decision record was reused by the offline squad within a week.",
            ),
            (
                2,
                "Playback start p95 on Android is under 300 ms for the first time.",
            ),
            (
                1,
                "Our playback-trace RFC has had no comments from outside the squad in three weeks.",
            ),
            (
                0,
                "Android 9.14’s new download manager writes into our player cache folder, and we only learned it from a code review.",
            ),
        ],
        groups: &[
            ("Flaky tests and night pages wear us out", &[0, 1, 3], 11),
            ("Decisions that stall", &[2, 7], 6),
            ("Shared cache surprises", &[5, 8], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Silence the start-time alert for regions without audio CDN traffic",
                owner: Some(3),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Ask the release train for a go or no-go date for crossfade at 50 %",
                owner: Some(5),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Make the flaky-test quarantine the first story of the sprint, two people pairing on it",
                owner: Some(2),
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "done")],
    },
    DemoRetro {
        squad: "player",
        days_ago: 0,
        format: "well_improve",
        columns: &[],
        anonymous: false,
        cards: &[],
        groups: &[],
        actions: &[],
        review: &[(0, "done"), (1, "open"), (2, "done")],
    },
    // ── Playlists ───────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "playlists",
        days_ago: 48,
        format: "well_improve",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Collaborative playlists reached the family plan beta on time, and the alliance demo went smoothly.",
            ),
            (
                0,
                "Pairing with the design chapter on the editor’s drag handles saved us a whole round of rework.",
            ),
            (
                0,
                "Sync conflicts fell from 0.8 % to 0.1 % of edits after we switched to per-track operations.",
            ),
            (
                0,
                "Support came to the Friday stakeholder demo and asked real questions about shared playlists.",
            ),
            (
                1,
                "The editor flag sat at 1 % for two weeks because it was unclear who may raise it.",
            ),
            (
                1,
                "The sharing end-to-end suite takes 38 minutes and fails about one run in five.",
            ),
            (
                1,
                "Three dashboards, three ways to count a ‘playlist share’, three different numbers.",
            ),
            (
                1,
                "Playlists with more than 5,000 tracks still take 4 s to open on web.",
            ),
            (
                1,
                "Pull requests wait 1.5 days on average for a first review.",
            ),
        ],
        groups: &[
            ("Slow feedback loops", &[5, 8], 9),
            ("Who decides, and what counts", &[4, 6], 6),
            ("Working well with others", &[0, 1, 3], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Split the sharing end-to-end suite and run the slow half nightly",
                owner: Some(1),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Agree one definition of a playlist share with data platform and fix the three dashboards",
                owner: Some(5),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Reviewer of the day, picked at stand-up",
                owner: None,
                due_in_days: 7,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "playlists",
        days_ago: 34,
        format: "four_ls",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Reviewer of the day: the first review now comes within 3 hours on average.",
            ),
            (
                0,
                "The nightly split of the sharing suite: pull request builds went from 38 to 14 minutes.",
            ),
            (
                1,
                "The generated playlist covers test was neutral. Covers did not change sharing; the title might.",
            ),
            (
                1,
                "Virtualised track lists fixed 5,000-track playlists on web: 4 s down to 0.7 s to open.",
            ),
            (
                2,
                "A share definition. Data platform is busy and our dashboards still disagree.",
            ),
            (
                2,
                "Time for the editor accessibility audit. Screen readers announce every track twice.",
            ),
            (
                3,
                "A playlist title suggestion experiment, now that covers did nothing.",
            ),
            (
                3,
                "A staging environment with realistic playlist sizes instead of 20-track fixtures.",
            ),
            (
                2,
                "Nightly suite failures land in a channel nobody reads before stand-up.",
            ),
        ],
        groups: &[
            ("What we test next", &[2, 6], 8),
            ("Faster feedback, if we see it", &[0, 1, 8], 7),
            ("Realistic data", &[3, 7], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Post nightly suite failures to the stand-up board automatically",
                owner: Some(3),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Design a playlist title suggestion A/B test with the Data Science Guild",
                owner: Some(5),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Fix the double announcement of tracks for screen readers in the editor",
                owner: Some(2),
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "open"), (2, "done")],
    },
    DemoRetro {
        squad: "playlists",
        days_ago: 20,
        format: "start_stop_continue",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "Say no to mid-sprint asks. The family playlist scope has doubled since planning and the sprint goal slipped.",
            ),
            (
                1,
                "Letting retros run over. The last three ended 15 minutes late and we rushed the action items.",
            ),
            (
                0,
                "The share definition has been open for three sprints. Data platform needs a written proposal from us first.",
            ),
            (
                2,
                "Nightly failures on the stand-up board. We fixed two real bugs before they reached a pull request.",
            ),
            (
                2,
                "The screen reader fix is out, and the Accessibility Guild tested it with us.",
            ),
            (
                0,
                "Pair web and mobile engineers on the new editor, so reordering behaves the same on both.",
            ),
            (2, "Reviewer of the day. Still working after six weeks."),
            (
                1,
                "Treating the nightly half of the sharing suite as optional; it was red four nights in a row.",
            ),
            (
                1,
                "Dropping the title experiment felt right: family playlists come first this quarter.",
            ),
        ],
        groups: &[
            ("Protect the sprint", &[0, 1], 9),
            ("Keep the nightly honest", &[3, 7], 6),
            ("One editor, two platforms", &[5, 4], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Timebox retros: action items start at minute 45",
                owner: None,
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Weekly intake slot with the Family Plan Alliance coordinator for family playlist asks",
                owner: Some(5),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Pair web and mobile on the editor’s reorder behaviour for one sprint",
                owner: Some(0),
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "dropped"), (2, "done")],
    },
    // ── Lyrics ──────────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "lyrics",
        days_ago: 55,
        format: "sailboat",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "The rejection-rate alert from the time-format post-mortem caught a bad delivery from a smaller provider on Tuesday.",
            ),
            (
                0,
                "Lyrics now cover 81 % of streams in Japan after the new publisher deal.",
            ),
            (
                1,
                "Providers still deliver zip files over SFTP, and every new provider needs its own parser.",
            ),
            (
                1,
                "Manual QA of synced lyrics: someone listens to 50 songs per release, and it takes a full day.",
            ),
            (
                2,
                "Licensing rules differ per market and live in a spreadsheet that only one person can edit.",
            ),
            (
                2,
                "The lyrics-by-default experiment in karaoke markets ends next week, and we have no plan for either result.",
            ),
            (
                3,
                "Every new provider onboarded in a week, without custom code.",
            ),
            (
                3,
                "Lyrics in every market where we stream, Indonesia and Vietnam included.",
            ),
            (
                0,
                "Player added a hook for line-level events, so we highlight lines without polling.",
            ),
        ],
        groups: &[
            ("Toil per provider", &[2, 3, 6], 9),
            ("Markets and their rules", &[4, 7], 5),
            ("Decide before the results", &[5, 1], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Write down what we ship for each outcome of the lyrics-by-default experiment",
                owner: Some(5),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Move market licensing rules from the spreadsheet into the config repo, with review",
                owner: Some(1),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Sample 20 instead of 50 songs in manual QA, weighted towards new providers",
                owner: Some(3),
                due_in_days: 14,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "lyrics",
        days_ago: 41,
        format: "custom",
        columns: &["Energised by", "Drained by", "Try next"],
        anonymous: false,
        cards: &[
            (
                0,
                "Lyrics by default kept listeners in karaoke markets 2.1 % longer, and the rollout plan was ready the same day.",
            ),
            (
                0,
                "Hack day: a prototype that colours the line you sing next in duets.",
            ),
            (
                0,
                "Manual QA now takes half a day with the weighted sample, and it still found the one bad delivery.",
            ),
            (
                1,
                "The battery-complaints guardrail was noisy. Three days of discussion about one metric.",
            ),
            (
                1,
                "Licensing migration: 40 markets, each with exceptions, and some rules only exist as spreadsheet comments.",
            ),
            (
                1,
                "Two provider escalations in one week, both about files we rejected correctly.",
            ),
            (
                2,
                "A daily validation report for providers, so they see why a file was rejected before they email us.",
            ),
            (
                2,
                "Agree guardrail thresholds before an experiment starts, not after.",
            ),
            (2, "Migrate licensing rules in batches of 10 markets."),
        ],
        groups: &[
            ("Provider friction", &[5, 6], 8),
            ("Licensing migration", &[4, 8], 7),
            ("Guardrails up front", &[3, 7], 5),
        ],
        actions: &[
            DemoRetroAction {
                title: "Send providers a daily validation report of rejected files",
                owner: Some(2),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Add guardrail thresholds to the experiment template, filled in before start",
                owner: Some(5),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Migrate the licensing rules of the first 10 markets",
                owner: Some(1),
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "open"), (2, "done")],
    },
    DemoRetro {
        squad: "lyrics",
        days_ago: 27,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "The validation report is half done: the provider portal changed its upload API under us.",
            ),
            (
                1,
                "A year after two teams merged into this squad, we still have two ways of releasing.",
            ),
            (
                2,
                "The first 10 markets’ licensing rules are in config, and review caught a wrong rule for Austria.",
            ),
            (
                2,
                "The duet highlight from hack day made it onto next quarter’s roadmap.",
            ),
            (
                1,
                "Only two of six of us are on the ingestion on-call rota. Every other week is on call.",
            ),
            (
                0,
                "A provider sent lyrics for the wrong recording of a song, and nothing could catch it automatically.",
            ),
            (
                2,
                "Guardrail thresholds in the template: the last experiment review took 20 minutes.",
            ),
            (
                1,
                "Translations are still a side project. We have said ‘next quarter’ three times.",
            ),
        ],
        groups: &[
            ("Two ways to do one thing", &[1, 4], 8),
            ("Trusting provider files", &[0, 5], 6),
            ("Wins to keep", &[2, 6], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Pick one release process and describe it on the squad page",
                owner: None,
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Compare lyrics length with track length and flag mismatches over 10 %",
                owner: Some(3),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Open the ingestion on-call rota to two more engineers after a shadow week each",
                owner: Some(0),
                due_in_days: 21,
            },
        ],
        review: &[(0, "open"), (1, "done"), (2, "done")],
    },
    // ── Offline Mode ────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "offline-mode",
        days_ago: 40,
        format: "start_stop_continue",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Test downloads on a throttled, lossy network. All our test devices sit on office Wi-Fi.",
            ),
            (
                0,
                "Tell design about DRM licence expiry earlier. The ‘renew downloads’ screen arrived after code freeze.",
            ),
            (
                1,
                "Shipping the download manager rewrite behind one big flag. We cannot turn off half of it.",
            ),
            (
                1,
                "Keeping licence renewal logic in two places, the app and the backend.",
            ),
            (
                2,
                "The offline nudge before flights: downloads per trip up 23 % in the test group.",
            ),
            (
                2,
                "The weekly sync with player on the shared cache. Fewer surprises on both sides.",
            ),
            (
                2,
                "A bug bash with the QA chapter before every release train.",
            ),
            (
                0,
                "Measure how much storage the app uses per device. Today we only know what people tell support.",
            ),
        ],
        groups: &[
            ("Test like the real world", &[0, 7], 9),
            ("Make the rewrite smaller", &[2, 3], 6),
            ("Talk earlier", &[1, 5], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Add a throttled, lossy network profile to the Android test plan",
                owner: Some(4),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Split the download manager flag into queue, storage and retry flags",
                owner: Some(1),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Move licence renewal logic to the backend only",
                owner: Some(0),
                due_in_days: 21,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "offline-mode",
        days_ago: 26,
        format: "well_improve",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "Three flags for the download manager: we turned off the new retry logic in minutes when a bug showed up on some Samsung phones.",
            ),
            (
                0,
                "The rename to Offline is done in the app and on the squad page.",
            ),
            (
                0,
                "The offline nudge reached all premium listeners, with calendar access strictly opt-in.",
            ),
            (
                1,
                "On-call nights are heavy: DRM licence renewals fail in batches around midnight UTC and page us.",
            ),
            (
                1,
                "Moving licence renewal to the backend is a quarter of work, not a sprint item. It belongs in the quarterly plan.",
            ),
            (
                1,
                "The throttled-network profile is still not in the test plan. QA has no time to set it up alone.",
            ),
            (
                1,
                "We rarely pair. Reviews of download code take days because only two of us know it well.",
            ),
            (
                1,
                "Dashboards and the chat channel still say offline-mode, so new people look in the wrong place.",
            ),
        ],
        groups: &[
            ("Shared knowledge and testing", &[5, 6], 9),
            ("Licence renewals", &[3, 4], 8),
        ],
        actions: &[
            DemoRetroAction {
                title: "Spread licence renewals over the hour with random jitter",
                owner: Some(0),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Pair on every download manager change for the next two sprints",
                owner: None,
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Rename the remaining dashboards and the chat channel to offline",
                owner: Some(2),
                due_in_days: 7,
            },
        ],
        review: &[(0, "open"), (1, "done"), (2, "dropped")],
    },
    DemoRetro {
        squad: "offline-mode",
        days_ago: 12,
        format: "four_ls",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Jitter on licence renewals: no midnight pages for two weeks.",
            ),
            (
                0,
                "The Android 9.14 staged rollout started at 5 %, with the new download manager and its three flags.",
            ),
            (
                1,
                "Half of the ‘download failed’ reports come from phones with less than 1 GB free.",
            ),
            (
                1,
                "Listeners on trains download more than listeners on planes, according to the nudge data.",
            ),
            (
                2,
                "The throttled-network profile is still missing from the Android test plan. This is the third retro it comes up.",
            ),
            (
                2,
                "Pairing slipped after the first week; sprint pressure won.",
            ),
            (
                3,
                "A device farm with real poor networks instead of emulators.",
            ),
            (
                3,
                "Knowing how much storage our app really uses on devices, not guessing.",
            ),
        ],
        groups: &[
            ("Test like the real world, for real", &[4, 6], 10),
            ("Storage on real phones", &[2, 7], 6),
        ],
        actions: &[
            DemoRetroAction {
                title: "QA and one engineer set up the throttled-network profile together, this sprint",
                owner: Some(4),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Fixed pairing hours, 10:00 to 12:00, for download manager work",
                owner: None,
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "open"), (2, "done")],
    },
    // ── Search ──────────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "search",
        days_ago: 60,
        format: "four_ls",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Field-level updates in the indexer are live: a title change reaches the index in 40 s instead of 6 minutes.",
            ),
            (
                0,
                "The zero-result dashboard. We fixed 30 of the top 100 zero-result queries with synonyms.",
            ),
            (
                1,
                "Personal ranking helps short queries most; long queries already found their target.",
            ),
            (
                1,
                "Japanese queries that mix kana and romaji fail twice as often as other queries.",
            ),
            (
                2,
                "A relevance test set. We judge ranking changes by trying ten queries we happen to like.",
            ),
            (
                2,
                "Time for the fresh-events consumer runbook rehearsal; it was postponed twice.",
            ),
            (
                3,
                "Search latency p95 under 100 ms on mobile. We sit at 140 ms.",
            ),
            (3, "A shorter index rebuild than today’s 9 hours."),
            (
                0,
                "Our new data engineer built the zero-result dashboard in their first sprint.",
            ),
        ],
        groups: &[
            ("How do we know ranking got better?", &[2, 4], 9),
            ("Speed", &[6, 7], 6),
            ("Queries beyond the Latin alphabet", &[3, 1], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Build a first relevance test set of 300 judged queries from the query logs",
                owner: Some(2),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Rehearse the fresh-events consumer runbook on staging",
                owner: Some(0),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Try a kana-romaji normaliser for queries behind a flag",
                owner: Some(4),
                due_in_days: 14,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "search",
        days_ago: 46,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "The index rebuild ran into the release window again, and the train waited 3 hours.",
            ),
            (
                0,
                "Two nights of pages for latency spikes caused by another team’s batch job on the shared cluster.",
            ),
            (
                1,
                "The relevance test set is at 120 of 300 queries. Judging is slow and nobody enjoys it.",
            ),
            (
                1,
                "Podcast episodes still rank below songs with the same name, and podcast discovery keeps asking about it.",
            ),
            (
                2,
                "The runbook rehearsal went well: fresh-events consumer up in 12 minutes on staging.",
            ),
            (
                2,
                "The kana-romaji normaliser cut failed Japanese queries by 35 % in the flag group.",
            ),
            (
                2,
                "The Discovery trio asked to use our zero-result dashboard after the stakeholder demo.",
            ),
            (
                1,
                "It is hard to say no to ranking tweaks from other squads. There is a new one every week.",
            ),
        ],
        groups: &[
            ("Relevance is everyone’s and no one’s", &[2, 3, 7], 10),
            ("Noise from the shared cluster", &[0, 1], 7),
        ],
        actions: &[
            DemoRetroAction {
                title: "Judging hour every Tuesday: everyone judges 20 queries",
                owner: None,
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Move the index rebuild to a dedicated node pool",
                owner: Some(1),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "One intake for ranking requests from other squads, reviewed at planning",
                owner: Some(5),
                due_in_days: 7,
            },
        ],
        review: &[(0, "open"), (1, "done"), (2, "done")],
    },
    DemoRetro {
        squad: "search",
        days_ago: 32,
        format: "sailboat",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Judging hour works: the relevance set reached 300 queries and caught two regressions in the last ranking change.",
            ),
            (
                0,
                "Ranking requests go through planning now. We said no twice and it was fine.",
            ),
            (
                1,
                "The index rebuild still runs on the shared pool; the dedicated node pool waits for infrastructure capacity.",
            ),
            (
                2,
                "The catalogue plans another schema migration next month. We do not want a repeat of the backfill incident.",
            ),
            (
                2,
                "The autocomplete service runs on a search library two major versions behind.",
            ),
            (
                3,
                "Three typed letters put the right result in the top 3 for 80 % of queries.",
            ),
            (3, "Podcasts and music ranked together by one model."),
            (1, "Our relevance set only has English and Swedish queries."),
        ],
        groups: &[
            ("Before the next migration", &[3, 2], 8),
            ("One ranking for everything", &[5, 6, 7], 7),
        ],
        actions: &[
            DemoRetroAction {
                title: "Confirm with data platform that next month’s migration uses the backfill topic",
                owner: Some(0),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Add 100 Japanese and Spanish queries to the relevance set",
                owner: Some(3),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Spike an upgrade plan for the autocomplete search library",
                owner: Some(4),
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "open"), (2, "done")],
    },
    // ── Recommendations ─────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "recommendations",
        days_ago: 75,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "The feature store backfill for the new embedding model took 4 days and failed twice at 90 %.",
            ),
            (
                1,
                "The daily mix shelf only works at the top of home. The same shelf further down did nothing.",
            ),
            (
                2,
                "Time to first play fell 11 % with the daily mix shelf at the top of home.",
            ),
            (
                2,
                "Offline evaluation and the A/B test finally agree on the direction of a change.",
            ),
            (
                0,
                "The holiday deploy freeze blocks the mix service but not the nightly jobs that write for it.",
            ),
            (
                1,
                "Model retraining is still a notebook someone runs by hand every Monday morning.",
            ),
            (
                2,
                "Pairing with radio on the shared seed logic removed 900 lines of duplicate code.",
            ),
            (
                1,
                "We demo charts to stakeholders, but nobody hears what the mixes actually sound like.",
            ),
        ],
        groups: &[
            ("Manual pipelines", &[0, 5], 8),
            ("Position beats content", &[1, 2], 5),
            ("Freeze rules", &[4, 3], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Schedule the Monday retraining as a pipeline job with an alert on failure",
                owner: Some(1),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Play 5 real mixes at every stakeholder demo",
                owner: Some(5),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Ask infrastructure whether deploy freezes can cover scheduled jobs too",
                owner: Some(0),
                due_in_days: 10,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "recommendations",
        days_ago: 61,
        format: "start_stop_continue",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Make readers accept both cache key formats before any writer switches, for every key change.",
            ),
            (
                0,
                "Alert on the mix service’s fallback rate. It served yesterday’s mixes for 2.5 hours without a single error.",
            ),
            (
                1,
                "Assuming fallbacks are harmless. A silent fallback is what hid the stale mixes.",
            ),
            (
                2,
                "Playing real mixes at demos. The tribe lead spotted a Christmas song in a July mix.",
            ),
            (
                2,
                "Blameless post-mortems: this one was written in three days, and radio joined the review.",
            ),
            (
                0,
                "Build the retraining pipeline. The notebook was missed once during the incident week.",
            ),
            (
                1,
                "Freezing the service but not the jobs. Infrastructure agreed a freeze should cover both.",
            ),
            (2, "The joint on-call handbook with radio for shared seeds."),
        ],
        groups: &[
            ("After the stale mixes incident", &[0, 1, 2], 11),
            ("Good habits", &[3, 4, 7], 5),
            ("Jobs are deploys too", &[5, 6], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Alert on the fallback rate of the mix service",
                owner: Some(2),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Checklist item: readers accept both key formats before writers switch",
                owner: Some(3),
                due_in_days: 10,
            },
        ],
        review: &[(0, "open"), (1, "done"), (2, "done")],
    },
    DemoRetro {
        squad: "recommendations",
        days_ago: 47,
        format: "custom",
        columns: &["Kudos", "Puzzles", "Ideas"],
        anonymous: false,
        cards: &[
            (
                0,
                "To radio for the seed freshness check. It fired once, correctly, in its first week.",
            ),
            (
                0,
                "To the fallback-rate alert: it caught a regional cache outage in 4 minutes.",
            ),
            (
                0,
                "To the Data Science Guild for reviewing our A/B test design in a day.",
            ),
            (
                1,
                "Why does the new embedding model win offline by 3 % but lose 0.5 % of minutes listened online?",
            ),
            (
                1,
                "The retraining pipeline has been open since two retros ago. Is it too big for one person?",
            ),
            (
                1,
                "How do we measure ‘feels hand-picked’? Surveys, skips or saves?",
            ),
            (
                2,
                "Split the retraining pipeline into three tickets and pair on it.",
            ),
            (
                2,
                "Ask 50 listeners a month whether their mix felt personal, next to the skip rate.",
            ),
            (
                2,
                "A holdout that gets no personalisation, to see what we are worth.",
            ),
        ],
        groups: &[
            ("The retraining pipeline", &[4, 6], 9),
            ("Measuring hand-picked", &[5, 7], 6),
            ("Offline versus online", &[3, 8], 5),
        ],
        actions: &[
            DemoRetroAction {
                title: "Split the retraining pipeline into three tickets and pair on the first",
                owner: Some(1),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Draft a one-question in-app survey about how personal mixes feel, with design",
                owner: Some(5),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Propose a 1 % no-personalisation holdout to the Discovery trio",
                owner: Some(0),
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "done")],
    },
    // ── Podcast Discovery ───────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "podcast-discovery",
        days_ago: 44,
        format: "custom",
        columns: &["Keep", "Drop", "Try"],
        anonymous: false,
        cards: &[
            (
                0,
                "The per-host concurrency limit. A provider migrated 6,000 feeds last week and ingestion did not notice.",
            ),
            (
                0,
                "A daily 15-minute triage of publisher tickets. The queue is down to 9.",
            ),
            (
                1,
                "The weekly ranking review meeting. We spend it reading dashboards aloud.",
            ),
            (
                1,
                "Manual explicit-content review: 98 % of episodes already carry the feed’s own flag.",
            ),
            (2, "Transcripts for episode search, on the top 1,000 shows."),
            (
                2,
                "A shared session with search on how podcasts rank against songs.",
            ),
            (
                0,
                "Autoplay next episode as a setting: bingers listen 3.4 % longer, samplers skip more.",
            ),
            (2, "A hack day on chapter markers in the player."),
            (
                1,
                "Our own crawler for show artwork. Feeds already carry 3,000 px images.",
            ),
        ],
        groups: &[
            ("Better episode search", &[4, 5], 9),
            ("Meetings and manual work", &[2, 3, 8], 8),
        ],
        actions: &[
            DemoRetroAction {
                title: "Replace the ranking review meeting with an async dashboard note on Mondays",
                owner: Some(5),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Estimate the cost of transcripts for the top 1,000 shows",
                owner: Some(2),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Set up a working session with search on podcast ranking",
                owner: Some(0),
                due_in_days: 10,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "podcast-discovery",
        days_ago: 30,
        format: "four_ls",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Async Monday dashboard notes: people actually comment, and we got an hour back.",
            ),
            (
                0,
                "Transcripts cost less than feared: about 1,800 EUR a month for the top 1,000 shows.",
            ),
            (
                1,
                "41 % of listeners who see the autoplay prompt in their first week turn it on.",
            ),
            (
                1,
                "Hosting providers like hearing from us before they migrate feeds. The contact list made two calls easy.",
            ),
            (
                2,
                "The session with search kept moving; both squads had release trains in the same week.",
            ),
            (2, "A clear owner for podcast results on the search page."),
            (
                3,
                "Episode recommendations that know which episodes you already finished.",
            ),
            (
                3,
                "A staging feed set with the odd ones: paywalled, redirected, 10,000 episodes.",
            ),
        ],
        groups: &[
            ("Podcasts in search", &[4, 5], 9),
            ("Confidence in ingestion", &[3, 7], 5),
        ],
        actions: &[
            DemoRetroAction {
                title: "Ask the Discovery trio for one owning squad for podcast results on the search page",
                owner: Some(5),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Build a staging set of 30 odd feeds",
                owner: Some(3),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Index transcripts for the top 100 shows",
                owner: Some(1),
                due_in_days: 21,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "open")],
    },
    DemoRetro {
        squad: "podcast-discovery",
        days_ago: 16,
        format: "well_improve",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "The trio decided: search owns podcast results on the search page, we own the models. A relief.",
            ),
            (
                0,
                "Transcripts for the top 100 shows are indexed. ‘That episode about sourdough’ now finds it.",
            ),
            (
                0,
                "Finished episodes are filtered out of recommendations, and complaints about repeats stopped.",
            ),
            (0, "Our new hire ran the sprint demo in their third week."),
            (
                1,
                "The staging feed set has 12 of 30 feeds. Collecting odd feeds is slower than we thought.",
            ),
            (
                1,
                "Transcript jobs share the ingestion workers and delayed new episodes by 20 minutes on Monday.",
            ),
            (
                1,
                "Our release train days still collide with search’s, and joint work suffers.",
            ),
            (
                1,
                "On-call has no handover note, so Monday starts with reading chat history.",
            ),
        ],
        groups: &[
            ("Keep ingestion fast", &[4, 5], 8),
            ("Rhythm with others", &[6, 7], 6),
        ],
        actions: &[
            DemoRetroAction {
                title: "Move transcript jobs to their own worker pool",
                owner: Some(2),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Write a handover note at the end of every on-call week",
                owner: None,
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Move our release train one day away from search’s",
                owner: Some(5),
                due_in_days: 21,
            },
        ],
        review: &[(0, "done"), (1, "open"), (2, "done")],
    },
    // ── Radio ───────────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "radio",
        days_ago: 70,
        format: "sailboat",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "The move to the Listening tribe: we now sit next to player, and the handover was smooth.",
            ),
            (
                0,
                "Artist radio skip rate down from 27 % to 24 % with the new diversity rule.",
            ),
            (
                1,
                "The station builder still depends on the mix service’s deploys in the Discovery tribe.",
            ),
            (
                1,
                "Half of our alerts still go to the Discovery on-call channel.",
            ),
            (
                2,
                "The holiday deploy freeze starts in two weeks, and we have three half-done changes.",
            ),
            (
                2,
                "Stations from niche seeds repeat a track within 40 minutes. Not quite endless.",
            ),
            (
                3,
                "A station from one seed that still surprises after two hours.",
            ),
            (
                3,
                "Radio from a podcast episode, with music that matches its mood.",
            ),
        ],
        groups: &[
            ("Loose ends of the tribe move", &[2, 3], 9),
            ("Repeats", &[5, 6], 7),
        ],
        actions: &[
            DemoRetroAction {
                title: "Move all radio alerts to the Listening on-call channel",
                owner: Some(0),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Finish or park the three half-done changes before the freeze",
                owner: None,
                due_in_days: 12,
            },
            DemoRetroAction {
                title: "Measure the repeat rate per seed popularity bucket",
                owner: Some(3),
                due_in_days: 14,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "radio",
        days_ago: 56,
        format: "well_improve",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "Stations recovered the same morning the daily mixes were fixed, and the joint post-mortem with recommendations was calm and fair.",
            ),
            (
                0,
                "Alerts arrive in the Listening on-call channel now; player engineers answered one at 3 am for us.",
            ),
            (
                1,
                "The radio skip rate went from 24 % to 31 % during the stale mixes incident, and none of our alerts fired.",
            ),
            (
                1,
                "We depend on recommendations’ seeds but have no check that they are fresh.",
            ),
            (
                1,
                "The repeat-rate measurement has not started; the freeze took the time.",
            ),
            (
                1,
                "Since the tribe move it is unclear which trio sets our priorities; two asked for different things.",
            ),
            (
                1,
                "Only two of us can deploy the station builder, so on-call weeks feel lonely.",
            ),
            (0, "Parking the half-done changes made the freeze calm."),
        ],
        groups: &[
            ("Stale seeds", &[2, 3], 10),
            ("Team shape after the move", &[5, 6], 7),
        ],
        actions: &[
            DemoRetroAction {
                title: "Freshness check on radio station seeds, alerting when a seed is older than 26 hours",
                owner: Some(1),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Ask both trios for one prioritised list for next quarter",
                owner: Some(5),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Deploy buddies: every engineer deploys the station builder once with someone who has",
                owner: None,
                due_in_days: 21,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "open")],
    },
    DemoRetro {
        squad: "radio",
        days_ago: 42,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                2,
                "The seed freshness check fired once, correctly, when the refresh job ran late.",
            ),
            (
                2,
                "One prioritised list from the Listening trio. Planning took 40 minutes.",
            ),
            (
                0,
                "The repeat-rate measurement is still not started, three sprints after we agreed on it.",
            ),
            (
                1,
                "Deploy buddies: two of five sessions done. Releases kept slipping into on-call weeks.",
            ),
            (
                2,
                "Hack day: radio seeded from a podcast episode, demoed to both tribes.",
            ),
            (
                1,
                "We miss the Discovery data science office hours since the move.",
            ),
            (
                0,
                "The station builder build takes 25 minutes for a one-line change.",
            ),
            (2, "Skip rate is back at 24 % and stable."),
        ],
        groups: &[
            ("Things we said we would do", &[2, 3], 8),
            ("Stations are healthy again", &[0, 7], 5),
            ("Slow loops", &[6, 5], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Repeat-rate measurement as the first story of the sprint, paired",
                owner: Some(3),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Ask the Data Science Guild whether we can keep joining the Discovery office hours",
                owner: Some(4),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Cache dependencies in the station builder build",
                owner: Some(2),
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "open")],
    },
    // ── Artist Tools ────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "artist-tools",
        days_ago: 38,
        format: "start_stop_continue",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "A monthly call with five artists. Our last survey got 12 answers.",
            ),
            (
                0,
                "Show when yesterday’s stats will be ready. Artists refresh at 6 am and see zeros.",
            ),
            (
                1,
                "Building widgets nobody asked for. The top-cities map gets 2 % of dashboard views.",
            ),
            (
                1,
                "Deploying the dashboard and the API together. The last two rollbacks took both down.",
            ),
            (
                2,
                "The expected processing time in the upload tool: tickets about ‘stuck’ uploads fell by 60 %.",
            ),
            (2, "Pairing with upload pipeline on release-day status."),
            (
                2,
                "Wednesday design critiques with the Creators design lead.",
            ),
            (
                0,
                "An accessibility pass. Our charts have no text alternative at all.",
            ),
        ],
        groups: &[
            ("Listen to artists", &[0, 2], 9),
            ("Stats everyone can read", &[1, 7], 6),
            ("Release safety", &[3, 5], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Invite five artists to a monthly 45-minute call",
                owner: Some(5),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Show a ‘stats ready at’ time on the dashboard",
                owner: Some(1),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Text alternatives for every dashboard chart",
                owner: Some(3),
                due_in_days: 21,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "artist-tools",
        days_ago: 24,
        format: "sailboat",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "First artist call: a producer showed us they copy stats into a spreadsheet every Monday. An export button is coming.",
            ),
            (
                0,
                "‘Stats ready at 07:10’ ended the 6 am confusion; tickets about missing stats dropped to two.",
            ),
            (1, "The dashboard and the API still deploy together."),
            (
                1,
                "Creator stats in the upload flow did not change how often artists upload. Three weeks of work, neutral result.",
            ),
            (
                2,
                "Royalties moves statement data to a new schema next month, and our earnings widget reads the old one.",
            ),
            (
                2,
                "Text alternatives are harder than expected with our charting library.",
            ),
            (
                3,
                "The dashboard artists open every morning, on their phone.",
            ),
            (
                0,
                "Our new designer ran a usability test with three artists in their first week.",
            ),
        ],
        groups: &[
            ("Coupled releases and data", &[2, 4], 8),
            ("Closer to artists", &[0, 6, 7], 7),
            ("Hard lessons", &[3, 5], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Contract test between the earnings widget and the royalties statement API",
                owner: Some(0),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Split the dashboard and API deploy pipelines",
                owner: Some(2),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Write up the neutral upload-stats result as a lesson for other squads",
                owner: Some(5),
                due_in_days: 7,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "open")],
    },
    DemoRetro {
        squad: "artist-tools",
        days_ago: 10,
        format: "four_ls",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "The contract test caught the royalties schema change on staging, a week before it went live.",
            ),
            (
                0,
                "CSV export shipped, and 1,400 artists used it in the first week.",
            ),
            (
                1,
                "Artists open the dashboard mostly on phones between 7 and 9. Desktop layout matters less than we thought.",
            ),
            (
                1,
                "Neutral results are worth writing up: two squads asked us about the upload-stats test.",
            ),
            (
                2,
                "Time for the chart text alternatives. They slipped again, and the Accessibility Guild asked twice.",
            ),
            (
                2,
                "Separate deploy pipelines. We lost another day to a shared rollback.",
            ),
            (
                3,
                "A sprint without an urgent request from a label partner.",
            ),
            (
                3,
                "A calmer release week. Three late-night deploys for one label launch.",
            ),
        ],
        groups: &[
            ("Promises that slip", &[4, 5], 9),
            ("Urgent requests", &[6, 7], 8),
        ],
        actions: &[
            DemoRetroAction {
                title: "Pair on chart text alternatives with the Accessibility Guild",
                owner: Some(3),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Label-partner requests go through the PO, with a same-week slot for real emergencies",
                owner: Some(5),
                due_in_days: 7,
            },
        ],
        review: &[(0, "done"), (1, "open"), (2, "done")],
    },
    // ── Upload Pipeline ─────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "upload-pipeline",
        days_ago: 52,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "A distributor sent 4,000 releases with the same wrong release date, and our validation accepted all of them.",
            ),
            (
                1,
                "Median time from master file to every market is 1 h 40 min. The mission says an hour.",
            ),
            (
                2,
                "Canary presets on 5 % of the workers: the new loudness normalisation went out without any backlog.",
            ),
            (
                2,
                "Release days are marked in the deploy calendar, and nobody deployed during Friday’s big release.",
            ),
            (
                1,
                "The DDEX parser is our oldest code and has no tests for ERN 4.3.",
            ),
            (
                0,
                "The flaky integration test of the metadata validator failed 9 of 40 runs.",
            ),
            (
                2,
                "The pairing rotation: everyone has now worked on the transcoder.",
            ),
            (
                1,
                "Queue dashboards show the depth but not the age of the oldest job.",
            ),
        ],
        groups: &[
            ("One hour to every market", &[1, 7], 9),
            ("Trust in our validation", &[0, 4, 5], 8),
        ],
        actions: &[
            DemoRetroAction {
                title: "Reject release dates more than two years in the past or future",
                owner: Some(1),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Oldest-job-age panel and alert on the upload queue",
                owner: Some(3),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Characterisation tests for the DDEX parser with 20 real ERN 4.3 files",
                owner: Some(0),
                due_in_days: 21,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "upload-pipeline",
        days_ago: 38,
        format: "custom",
        columns: &["Energised by", "Drained by", "Try next"],
        anonymous: false,
        cards: &[
            (
                0,
                "The oldest-job alert fired once, and we found a stuck worker in 6 minutes.",
            ),
            (
                0,
                "Median time to every market is down to 1 h 12 min since markets are delivered in parallel.",
            ),
            (
                0,
                "Hack day with artist tools: a loudness preview in the upload tool.",
            ),
            (
                1,
                "Real ERN 4.3 files for the DDEX tests need a legal review before we may use them.",
            ),
            (
                1,
                "The flaky validator test is still flaky. We just rerun it.",
            ),
            (
                1,
                "Two on-call weekends in a row for distributor feeds arriving at 23:00.",
            ),
            (
                2,
                "Generate synthetic ERN 4.3 files from the schema instead of using real ones.",
            ),
            (
                2,
                "Quarantine the flaky validator test and fix it in one pair session.",
            ),
            (
                2,
                "Ask the biggest distributors to deliver before 20:00 CET on release eve.",
            ),
        ],
        groups: &[
            ("Test data", &[3, 6], 7),
            ("The flaky test", &[4, 7], 6),
            ("Late feeds", &[5, 8], 6),
        ],
        actions: &[
            DemoRetroAction {
                title: "Generate synthetic ERN 4.3 test files from the schema",
                owner: Some(0),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Quarantine the flaky validator test and fix it in one pair session",
                owner: Some(4),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Ask the three biggest distributors to deliver before 20:00 CET on release eve",
                owner: Some(5),
                due_in_days: 21,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "open")],
    },
    DemoRetro {
        squad: "upload-pipeline",
        days_ago: 24,
        format: "start_stop_continue",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Run the DDEX tests in CI on every pull request, now that the synthetic files exist.",
            ),
            (
                1,
                "Trying to change distributor delivery times ourselves. Partner management owns that conversation.",
            ),
            (
                2,
                "The validator test is fixed: green 120 runs in a row after the pair session.",
            ),
            (2, "A canary for every preset change, even the small ones."),
            (
                0,
                "Plan for the video uploads the tribe trio mentioned. Our workers assume audio everywhere.",
            ),
            (
                1,
                "Reading logs by hand for failed deliveries. Three error messages cover 80 % of them.",
            ),
            (
                0,
                "A weekly 20-minute look at the top failure reasons, together with support.",
            ),
            (
                2,
                "Median time to every market is 58 minutes. We hit the mission.",
            ),
        ],
        groups: &[
            ("Know why deliveries fail", &[5, 6], 8),
            ("Keep shipping safely", &[0, 2, 3], 6),
            ("What comes next", &[4, 7], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Run the DDEX tests in CI on every pull request",
                owner: Some(2),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Map failed-delivery error messages to reasons on the queue dashboard",
                owner: Some(3),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "One-page note on what video uploads would change in the pipeline",
                owner: Some(1),
                due_in_days: 21,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "dropped")],
    },
    // ── Royalties ───────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "royalties",
        days_ago: 85,
        format: "four_ls",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Month-end close took 2 days instead of 4 with the new reconciliation dashboard.",
            ),
            (
                0,
                "DST transition days are in the test fixtures. The autumn clock change passed without a single question.",
            ),
            (
                1,
                "Since the collector incident, we check event volumes per platform before every statement run.",
            ),
            (
                1,
                "Finance reads statements differently: they start from the totals page, we start from the details.",
            ),
            (
                2,
                "A full copy of last month’s data. Testing the statement job on 1 % samples misses the edge cases.",
            ),
            (
                2,
                "Documentation of the 14 territory rules. Two of them only exist as code comments.",
            ),
            (
                3,
                "Statements that reconcile themselves without someone watching the close.",
            ),
            (
                3,
                "Fewer ad-hoc data requests from labels during close week.",
            ),
        ],
        groups: &[
            ("Automate the close", &[4, 6], 8),
            ("Close week pressure", &[0, 7], 7),
            ("Shared understanding with finance", &[3, 5], 5),
        ],
        actions: &[
            DemoRetroAction {
                title: "Write the 14 territory rules on the squad page, reviewed by finance",
                owner: Some(2),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Ask data platform for a masked full copy of last month’s streams",
                owner: Some(0),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Close-week pause on ad-hoc label requests, agreed with partner management",
                owner: Some(5),
                due_in_days: 10,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "royalties",
        days_ago: 71,
        format: "well_improve",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "The masked full copy let us run the statement job end to end, and it found a rounding issue in CHF.",
            ),
            (
                0,
                "The close-week pause held. Labels got their answers the week after, and nobody escalated.",
            ),
            (
                0,
                "A day of pairing with finance: we now export the totals page they start from.",
            ),
            (
                1,
                "The territory rules write-up is at 6 of 14; the legal review of each rule takes a week.",
            ),
            (
                1,
                "The statement job takes 7 hours, so a rerun on close day is painful.",
            ),
            (
                1,
                "The reconciliation test for currency conversion is flaky: 3 failures in 20 runs.",
            ),
            (
                1,
                "Four people on the on-call rota for a job that runs at night twice a month.",
            ),
            (
                0,
                "Our new data engineer paired on the close and found the slowest query of the statement job.",
            ),
        ],
        groups: &[
            ("Slow statement job", &[4, 7], 9),
            ("Confidence in tests and rules", &[3, 5], 7),
        ],
        actions: &[
            DemoRetroAction {
                title: "Add an index for the slowest statement query found during the close",
                owner: Some(4),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Fix or quarantine the flaky currency conversion test",
                owner: Some(1),
                due_in_days: 10,
            },
            DemoRetroAction {
                title: "Send territory rules to legal in batches of four",
                owner: Some(2),
                due_in_days: 14,
            },
        ],
        review: &[(0, "open"), (1, "done"), (2, "done")],
    },
    DemoRetro {
        squad: "royalties",
        days_ago: 57,
        format: "sailboat",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "The statement job runs in 4 h 20 min after the new index, so close day had room for a rerun.",
            ),
            (
                0,
                "12 of 14 territory rules reviewed, and legal found one we had wrong since last year.",
            ),
            (
                1,
                "The wrong territory rule means adjustment lines for three labels, and the work lands in close week again.",
            ),
            (
                2,
                "Data platform plans to move the event store next quarter, and our job reads it directly.",
            ),
            (
                2,
                "Two of the four on-call people are new and have never run a close.",
            ),
            (3, "A close where nobody works past 18:00."),
            (
                1,
                "Close week still feels like a week of heroics. People cancel plans.",
            ),
            (
                3,
                "Artists see estimated earnings every day, not once a month.",
            ),
        ],
        groups: &[
            ("Close week load", &[2, 4, 6], 10),
            ("Reading from someone else’s store", &[3, 7], 5),
            ("Progress", &[0, 1], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Shadow close: the new on-call people run the next close with a buddy",
                owner: None,
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Ask data platform for the event store migration plan and our read path",
                owner: Some(0),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Prepare the adjustment lines for the three labels before close week",
                owner: Some(3),
                due_in_days: 12,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "done")],
    },
    // ── Payments ────────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "payments",
        days_ago: 50,
        format: "sailboat",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Idempotency keys from subscription and billing period: zero duplicate charges in 9 renewal runs.",
            ),
            (
                0,
                "The JPY, KRW and CLP test suite caught a rounding bug in the new Brazilian real price points.",
            ),
            (
                1,
                "Every payment library upgrade still means a day of reading the full release notes by hand.",
            ),
            (
                1,
                "The payment provider’s sandbox was down two days this sprint, so the contract tests could not run.",
            ),
            (
                2,
                "The provider retires its v2 API in March, and 14 of our endpoints still use it.",
            ),
            (
                2,
                "Family billing is in Think It with the alliance, and every meeting adds a currency edge case.",
            ),
            (3, "A renewal run nobody has to watch at 02:00."),
            (
                3,
                "Receipts in the listener’s own language, in every market.",
            ),
            (
                0,
                "Support tags tickets for us now: 40 % of ‘double charge’ tickets were pending authorisations, not charges.",
            ),
            (
                1,
                "Manual refunds through the provider console take support about 6 minutes each.",
            ),
        ],
        groups: &[
            ("Depending on the provider", &[3, 4], 8),
            ("Upgrades without fear", &[1, 2], 6),
            ("Support load", &[8, 9], 5),
        ],
        actions: &[
            DemoRetroAction {
                title: "List the 14 v2 endpoints with an owner and a migration order",
                owner: Some(0),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Record provider sandbox responses so contract tests run when the sandbox is down",
                owner: Some(3),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "One-click refunds in the support console for charges under 20 EUR",
                owner: Some(1),
                due_in_days: 21,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "payments",
        days_ago: 36,
        format: "custom",
        columns: &["Kudos", "Puzzles", "Ideas"],
        anonymous: false,
        cards: &[
            (
                0,
                "To support for tagging tickets: we fixed the pending-authorisation message, and those tickets fell by half.",
            ),
            (
                0,
                "The v2 endpoint list turned the migration plan into a one-hour meeting instead of a week of threads.",
            ),
            (
                1,
                "Why do 2.3 % of SEPA renewals fail on the first attempt but succeed on the retry four hours later?",
            ),
            (
                1,
                "Who owns the proration rules for family billing: us, the alliance or finance?",
            ),
            (
                1,
                "The recorded sandbox responses are half done. The 3-D Secure challenge flow is hard to record.",
            ),
            (
                2,
                "Retry SEPA renewals on the morning after payday in each market.",
            ),
            (
                2,
                "Shadow-call the v3 API from the renewal run for a week and diff the responses.",
            ),
            (
                2,
                "Leave one-click refunds to the support tools team; theirs ships next quarter and covers every product.",
            ),
            (
                2,
                "A rota for watching the renewal run, so it is not always the same two people awake at 02:00.",
            ),
        ],
        groups: &[
            ("SEPA retries", &[2, 5], 7),
            ("Migrating to v3 safely", &[1, 4, 6], 6),
            ("Nights and ownership", &[3, 8], 5),
        ],
        actions: &[
            DemoRetroAction {
                title: "Shadow-call v3 from the renewal run for one week and diff the responses",
                owner: Some(2),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Ask finance and the alliance for one owner of the family billing proration rules",
                owner: Some(5),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Set up a renewal-watch rota in the on-call tool",
                owner: Some(4),
                due_in_days: 10,
            },
        ],
        review: &[(0, "done"), (1, "open"), (2, "dropped")],
    },
    DemoRetro {
        squad: "payments",
        days_ago: 22,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "The renewal run paged at 02:14 three times, for a provider timeout that resolved itself on retry.",
            ),
            (
                1,
                "Proration rules still have no owner, so the alliance demo used a made-up number.",
            ),
            (
                2,
                "The v3 shadow run matched v2 on 99.7 % of 1.2 million calls. Every mismatch is currency rounding we understand.",
            ),
            (
                2,
                "Thanks to the renewal-watch rota I slept through a run for the first time in months.",
            ),
            (
                0,
                "The recorded sandbox responses are still missing the 3-D Secure challenge, and a sandbox outage bit us again.",
            ),
            (
                1,
                "Pairing with our new hire was great, but there was no time to write the onboarding notes they needed.",
            ),
            (
                2,
                "Our new hire shipped a receipts fix in week two thanks to the pairing schedule.",
            ),
            (
                1,
                "It is hard to say no to the alliance’s weekly asks while the v3 deadline is fixed.",
            ),
            (
                2,
                "No duplicate-charge alert in any currency since the per-currency alert went live.",
            ),
        ],
        groups: &[
            ("Nights", &[0, 3], 9),
            ("Unclear ownership, steady asks", &[1, 7], 7),
            ("Onboarding", &[5, 6], 4),
        ],
        actions: &[
            DemoRetroAction {
                title: "Retry provider timeouts twice before paging during the renewal run",
                owner: Some(1),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Write the payments onboarding notes from the new hire’s first two weeks",
                owner: Some(2),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "A weekly 30-minute slot for alliance asks, and nothing in between",
                owner: None,
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "open"), (2, "done")],
    },
    DemoRetro {
        squad: "payments",
        days_ago: 0,
        format: "start_stop_continue",
        columns: &[],
        anonymous: false,
        cards: &[],
        groups: &[],
        actions: &[],
        review: &[(0, "done"), (1, "done"), (2, "open")],
    },
    // ── Identity ────────────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "identity",
        days_ago: 47,
        format: "start_stop_continue",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "A passkey pilot for employees on iOS. The platform APIs are ready; our sign-in flow is not.",
            ),
            (
                0,
                "Measure the time from app open to signed in, not only the sign-in success rate.",
            ),
            (
                1,
                "Adding social login providers before the recovery flow can handle them.",
            ),
            (
                1,
                "Handling account-recovery tickets one by one; 70 % are the same changed-email case.",
            ),
            (
                2,
                "The heartbeat alert on key rotation. It fired once, when the job was paused for maintenance: exactly right.",
            ),
            (
                2,
                "The two-step sign-up: completion up 5.6 %, and the relaxed password rules did most of it.",
            ),
            (
                2,
                "Security Guild office hours. Our threat model review took an hour, not a week.",
            ),
            (
                0,
                "Plan family invitations with the alliance early. An invite creates an account; it is not just a link.",
            ),
        ],
        groups: &[("Faster sign-in", &[0, 1, 5], 9), ("Recovery", &[2, 3], 8)],
        actions: &[
            DemoRetroAction {
                title: "Passkey pilot for employees on iOS",
                owner: Some(1),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Self-service recovery flow for the changed-email case",
                owner: Some(3),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Time-to-signed-in metric on the identity dashboard",
                owner: Some(2),
                due_in_days: 10,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "identity",
        days_ago: 33,
        format: "custom",
        columns: &["Kudos", "Puzzles", "Ideas"],
        anonymous: false,
        cards: &[
            (
                0,
                "To infrastructure: key and certificate expiry alerts at 30, 14 and 3 days, all green and visible to us.",
            ),
            (
                0,
                "To the QA chapter for the sign-in regression suite in 6 locales.",
            ),
            (0, "Time to signed in is on our dashboard: median 4.2 s."),
            (
                1,
                "Why is p95 time to signed in 19 s? Most of it is waiting for the email code.",
            ),
            (
                1,
                "60 employees are in the passkey pilot, and 12 on Android asked when it is their turn.",
            ),
            (
                1,
                "The changed-email recovery flow needs a second factor that most accounts do not have.",
            ),
            (
                2,
                "A magic link instead of an email code when the listener is on the same device.",
            ),
            (
                2,
                "Work out a fallback second factor for recovery with the Security Guild.",
            ),
            (
                2,
                "Bot sign-ups spike every Sunday night. Rate-limit them by device fingerprint.",
            ),
        ],
        groups: &[
            ("Email codes are slow", &[3, 6], 9),
            ("Recovery needs a second factor", &[5, 7], 8),
        ],
        actions: &[
            DemoRetroAction {
                title: "Spike magic-link sign-in on the same device",
                owner: Some(0),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Security Guild session on a second factor for account recovery",
                owner: Some(3),
                due_in_days: 10,
            },
        ],
        review: &[(0, "open"), (1, "open"), (2, "done")],
    },
    DemoRetro {
        squad: "identity",
        days_ago: 19,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "The self-service recovery flow is on its third retro and still waits for a decision on the second factor.",
            ),
            (
                1,
                "Paged four times for bot sign-up spikes on Sunday nights. The rate limit is still set by hand.",
            ),
            (
                2,
                "Magic-link spike: p95 sign-in 11 s faster on the same device.",
            ),
            (
                2,
                "The Security Guild session gave us two options for a recovery second factor, with the trade-offs written down.",
            ),
            (
                1,
                "The passkey pilot is stuck on Android while we wait for a library update.",
            ),
            (
                0,
                "Family invite requests from the alliance land in our backlog without a conversation first.",
            ),
            (
                2,
                "Sign-in success at 99.2 % in every locale for the first time.",
            ),
            (
                1,
                "On-call at night feels like a solo job. The secondary never gets paged.",
            ),
        ],
        groups: &[
            ("Sunday nights", &[1, 7], 10),
            ("Stuck items", &[0, 4], 7),
            ("Work arriving sideways", &[5, 3], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Automatic sign-up rate limit by device fingerprint, with an alert instead of a page",
                owner: Some(2),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Decide the recovery second factor in a 45-minute trio meeting",
                owner: Some(5),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Page the secondary together with the primary for sign-up spikes",
                owner: Some(1),
                due_in_days: 7,
            },
        ],
        review: &[(0, "done"), (1, "done")],
    },
    // ── Infrastructure ──────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "infrastructure",
        days_ago: 43,
        format: "sailboat",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "Deploys take 9 minutes instead of 22 with the new build cache.",
            ),
            (
                0,
                "Key and certificate expiry alerts: three renewals done well before the 14-day alert.",
            ),
            (
                1,
                "31 pages on call last week; 19 of them the disk-space alert that resolves itself.",
            ),
            (
                1,
                "Every Kubernetes minor upgrade is a 40-step checklist run by hand.",
            ),
            (
                2,
                "CI runners sit at 90 % on release-train days, and builds wait up to 25 minutes.",
            ),
            (
                2,
                "On call every third week with a small child at home is not sustainable for me.",
            ),
            (3, "An on-call week with fewer than 5 pages."),
            (
                3,
                "Dashboards every squad trusts, without an ‘ask infra’ footnote.",
            ),
        ],
        groups: &[
            ("On-call load", &[2, 5, 6], 11),
            ("Toil and capacity", &[3, 4], 6),
        ],
        actions: &[
            DemoRetroAction {
                title: "Page for disk space only above 90 % for 15 minutes",
                owner: Some(0),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Autoscale 6 more CI runners on release-train days",
                owner: Some(2),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Bring two engineers from other Platform squads into the on-call rota after shadowing",
                owner: Some(5),
                due_in_days: 21,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "infrastructure",
        days_ago: 29,
        format: "four_ls",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "Pages went from 31 to 9 a week after the disk-space alert change.",
            ),
            (
                0,
                "Autoscaled CI runners: the longest queue on release day was 3 minutes.",
            ),
            (
                1,
                "Half our pages came from alerts no runbook mentioned. One mob session produced 5 runbooks.",
            ),
            (
                1,
                "The deploy calendar is read by more squads than we thought; upload pipeline plans around it.",
            ),
            (
                2,
                "Two volunteers for on-call shadowing, but no time yet to run the shadow weeks.",
            ),
            (
                2,
                "Automation for the Kubernetes upgrade checklist. We did it by hand again.",
            ),
            (
                3,
                "A self-service way for squads to raise their own quotas.",
            ),
            (
                3,
                "A flag service where the rollout field cannot be misread: today it takes a fraction, and 10 looks like 10 %.",
            ),
        ],
        groups: &[
            ("Self-service and guardrails", &[6, 7], 8),
            ("On-call shape", &[2, 4], 7),
            ("Manual upgrades", &[5, 3], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Run the first on-call shadow week with one volunteer",
                owner: Some(1),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Script the first 15 steps of the Kubernetes upgrade checklist",
                owner: Some(3),
                due_in_days: 21,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "open")],
    },
    DemoRetro {
        squad: "infrastructure",
        days_ago: 15,
        format: "well_improve",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "The first shadow week is done. The volunteer handled two pages with us and wants a second week.",
            ),
            (
                0,
                "Kubernetes upgrade on staging with 15 steps scripted: 2 hours instead of a day.",
            ),
            (
                0,
                "A joint demo with identity on key expiry alerts for the Platform tribe.",
            ),
            (
                0,
                "The compute bill is 14 % lower after right-sizing the staging clusters.",
            ),
            (
                1,
                "The upgrade script covers 15 of 40 steps, and the production upgrade is next week.",
            ),
            (
                1,
                "Flag changes get no second look. One typo could reach every listener.",
            ),
            (1, "Quota requests are still tickets: 11 this sprint."),
            (1, "Release-train days squeeze every deploy into 3 hours."),
        ],
        groups: &[
            ("Risky change windows", &[5, 7], 8),
            ("Upgrade automation", &[1, 4], 6),
            ("Self-service", &[6, 3], 3),
        ],
        actions: &[
            DemoRetroAction {
                title: "Script the next 15 upgrade steps before the production upgrade",
                owner: Some(3),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Self-service quota form for namespaces under 16 CPUs",
                owner: Some(2),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "A second shadow week for the volunteer",
                owner: Some(1),
                due_in_days: 14,
            },
        ],
        review: &[(0, "done"), (1, "done")],
    },
    // ── Data Platform ───────────────────────────────────────────────────────────────────
    DemoRetro {
        squad: "data-platform",
        days_ago: 39,
        format: "well_improve",
        columns: &[],
        anonymous: false,
        cards: &[
            (
                0,
                "In/out volume alerts on every collector stage caught two small drops within 10 minutes.",
            ),
            (
                0,
                "The backfill topic kept search’s index fresh during the last catalogue migration.",
            ),
            (
                0,
                "A masked full copy of the streams for royalties, built in 3 days.",
            ),
            (
                1,
                "Without a product owner, requests from 9 squads get done in whatever order they arrive.",
            ),
            (
                1,
                "Schema registration from the release pipeline works for iOS, not yet for Android.",
            ),
            (
                1,
                "The warehouse bill is up 22 % in two months, and nobody knows which queries drive it.",
            ),
            (
                1,
                "Five people for a platform every tribe depends on, with two of us on call at any time.",
            ),
            (
                1,
                "Playlists waits for a share definition, and we have not looked at it yet.",
            ),
        ],
        groups: &[
            ("No PO, many asks", &[3, 6, 7], 10),
            ("Incident actions that paid off", &[0, 1], 5),
        ],
        actions: &[
            DemoRetroAction {
                title: "Weekly intake list, ranked with the Platform product lead",
                owner: Some(0),
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Warehouse query cost report by squad tag",
                owner: Some(2),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Android schema registration from the release pipeline",
                owner: Some(3),
                due_in_days: 14,
            },
        ],
        review: &[],
    },
    DemoRetro {
        squad: "data-platform",
        days_ago: 25,
        format: "mad_sad_glad",
        columns: &[],
        anonymous: true,
        cards: &[
            (
                0,
                "Android schema registration slipped again: its release pipeline has three variants and we support one.",
            ),
            (1, "Still no product owner. ‘Next quarter’, again."),
            (
                2,
                "The ranked intake list: we said ‘not this sprint’ four times and nobody was upset.",
            ),
            (
                2,
                "Cost report by squad tag: one dashboard query was 31 % of the warehouse bill. Fixed in an hour.",
            ),
            (1, "Collector on-call nights are lonely with five of us."),
            (
                0,
                "Royalties reads the event store directly, so the migration needs their sign-off at every step.",
            ),
            (
                1,
                "The playlist share definition is still on our list; we need their written proposal before we build it.",
            ),
            (
                2,
                "Pairing with recommendations on their retraining pipeline taught us what a feature store needs from us.",
            ),
        ],
        groups: &[
            ("Small team, big platform", &[1, 4], 11),
            ("Others depend on our internals", &[0, 5], 6),
        ],
        actions: &[
            DemoRetroAction {
                title: "Publish a read API for stream counts so royalties stops reading the event store",
                owner: Some(1),
                due_in_days: 21,
            },
            DemoRetroAction {
                title: "Support the second Android pipeline variant for schema registration",
                owner: Some(3),
                due_in_days: 14,
            },
            DemoRetroAction {
                title: "Write the case for a product owner, with numbers from the intake list",
                owner: Some(0),
                due_in_days: 7,
            },
        ],
        review: &[(0, "done"), (1, "done"), (2, "open")],
    },
    DemoRetro {
        squad: "data-platform",
        days_ago: 11,
        format: "custom",
        columns: &["Energised by", "Drained by", "Try next"],
        anonymous: false,
        cards: &[
            (
                0,
                "Android schema registration works for both main pipeline variants, and the unknown-field quarantine is nearly empty.",
            ),
            (
                0,
                "The product owner case was heard: the Platform trio opens the role for us this month.",
            ),
            (
                0,
                "Quarantined events replayed for the car-mode field in 20 minutes.",
            ),
            (
                1,
                "The stream-count read API is bigger than we thought: royalties needs per-hour totals in local time zones.",
            ),
            (1, "Requests from 9 squads during quarterly planning week."),
            (
                1,
                "Collector on-call woke someone twice for a dashboard nobody else uses.",
            ),
            (
                2,
                "Build the read API on the per-hour totals the royalties job already logs.",
            ),
            (
                2,
                "Office hours twice a week instead of answering requests in direct messages.",
            ),
            (
                2,
                "Archive or hand over dashboards with no viewers in 90 days.",
            ),
        ],
        groups: &[
            ("Scope of the read API", &[3, 6], 8),
            ("Fewer interruptions", &[4, 7], 7),
            ("Dashboard sprawl", &[5, 8], 5),
        ],
        actions: &[
            DemoRetroAction {
                title: "Office hours on Tuesdays and Thursdays at 13:00, announced in every tribe channel",
                owner: None,
                due_in_days: 7,
            },
            DemoRetroAction {
                title: "Archive dashboards with no viewers in 90 days",
                owner: Some(4),
                due_in_days: 14,
            },
        ],
        review: &[(0, "open"), (1, "done"), (2, "done")],
    },
];
