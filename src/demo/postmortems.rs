//! Demo post-mortems: a dozen incidents across the tribes of Kanelbulle Audio, from SEV1
//! outages to SEV4 slips, with timelines, contributing factors, lessons and action items (done,
//! open, overdue and won't do). Ten are published, one is in review and the newest is a draft
//! that still blames people, for the blameless-language check to find. Data only; the loader
//! is below.

/// An action item of a demo post-mortem.
pub(super) struct DemoAction {
    pub title: &'static str,
    /// "mitigate" | "prevent" | "detect" | "process"
    pub kind: &'static str,
    /// Owner squad slug (see the list below).
    pub squad: &'static str,
    /// Due date in days from today (negative = in the past).
    pub due_in_days: i64,
    /// "open" | "done" | "wontdo"
    pub status: &'static str,
    /// Why it won't be done (only for "wontdo", else "").
    pub reason: &'static str,
    /// Tracker link or "".
    pub tracker: &'static str,
}

pub(super) struct DemoPostmortem {
    pub title: &'static str,
    /// 1..=4 (SEV1 is the worst).
    pub severity: u8,
    /// "draft" | "review" | "published"
    pub status: &'static str,
    /// Involved squad slugs; the first one writes it.
    pub squads: &'static [&'static str],
    /// The incident started this many days before today, at `start` ("HH:MM", UTC).
    pub days_ago: i64,
    pub start: &'static str,
    /// Minutes after the start when it was detected, mitigated and resolved.
    pub detected: i64,
    pub mitigated: i64,
    pub resolved: i64,
    pub summary: &'static str,
    pub impact: &'static str,
    /// (minutes after start, what happened), in order. 5–9 entries.
    pub timeline: &'static [(i64, &'static str)],
    /// Several contributing factors (2–4). There is no single root cause.
    pub factors: &'static [&'static str],
    pub detection: &'static str,
    pub went_well: &'static str,
    pub went_wrong: &'static str,
    pub lucky: &'static str,
    /// (title, body) lessons learned, 1–2 each. A lesson is a short self-contained thing learned
    /// that is useful to other squads.
    pub lessons: &'static [(&'static str, &'static str)],
    /// 2–4 action items.
    pub actions: &'static [DemoAction],
}

/// Oldest first.
pub(super) const POSTMORTEMS: &[DemoPostmortem] = &[
    DemoPostmortem {
        title: "Royalty statements short by one hour of streams after the clocks went back",
        severity: 3,
        status: "published",
        squads: &["royalties", "data-platform"],
        days_ago: 440,
        start: "06:00",
        detected: 52,
        mitigated: 75,
        resolved: 1630,
        summary: "The monthly royalty statement job counts streams per local day, and it built each day as midnight plus 24 hours. The night the clocks went back in Central Europe had 25 hours, so streams from the repeated hour were left out of the month's draft statements. The reconciliation check stopped the statements before they were published.",
        impact: "About 3.1 million streams (0.04 % of the month) were missing from the draft statements of 41 labels and 2,300 independent artists in 14 European markets, worth about EUR 11,800 in payouts. Statements were published 27 hours late; no rights holder saw a wrong number.",
        timeline: &[
            (
                0,
                "Monthly royalty statement job starts for the previous month.",
            ),
            (
                38,
                "Job finishes; statements written to the staging bucket.",
            ),
            (
                52,
                "Reconciliation check alerts: statement total 3.1 M streams below the playback ledger.",
            ),
            (
                64,
                "Royalties on-call pauses the publish step and opens an incident channel.",
            ),
            (
                75,
                "Statements held back from the artist portal; a banner announces a short delay.",
            ),
            (
                190,
                "Gap traced to the repeated 02:00-03:00 local hour on the night of the DST change.",
            ),
            (
                610,
                "Data platform confirms the raw events for that hour are complete in the lake.",
            ),
            (
                1390,
                "Day windows computed from the time-zone rules; statement job re-run.",
            ),
            (1630, "Reconciliation passes; statements published."),
        ],
        factors: &[
            "The job built each local day as midnight plus 24 hours, which is right on 363 days a year and wrong on the two DST transition days.",
            "The ledger is partitioned by UTC hour while statements are per local day, so the conversion lived in job code instead of a shared, tested time library.",
            "The test fixtures covered month ends and leap years but no DST transition dates.",
            "At the spring DST change the same code produced a 23-hour day and counted one hour twice; that 0.03 % overcount was inside the reconciliation tolerance then in force and went unnoticed.",
        ],
        detection: "The end-of-job reconciliation check compares the statement total with the playback ledger. It alerted the royalties on-call 52 minutes after the job started.",
        went_well: "- The reconciliation check stopped publication before any rights holder saw a wrong number.\n- Data platform confirmed within hours that the raw events were intact, so nothing had to be recovered.",
        went_wrong: "- Finding the missing hour took almost two hours, as the job logs totals per day and not per hour.\n- The re-run needed a full day of cluster time; there is no way to recompute a single day.",
        lucky: "The reconciliation tolerance had been tightened from 0.05 % to 0.01 % two months earlier after an unrelated audit. Under the old tolerance this gap would have passed, as the spring one did.",
        lessons: &[
            (
                "A local day is not always 24 hours long",
                "Any job that groups by local day has to take the day's start and end from the time-zone rules. DST transition days are 23 or 25 hours long and belong in every test fixture.",
            ),
            (
                "Tolerances hide recurring errors",
                "A tolerance wide enough to absorb rounding can also absorb a real error that comes back twice a year. Compare with the same period last year as well as with zero.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Compute local-day windows with the shared time-zone library",
                kind: "prevent",
                squad: "royalties",
                due_in_days: -400,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/CRE-1187",
            },
            DemoAction {
                title: "Add DST transition days to the statement job's test fixtures",
                kind: "prevent",
                squad: "royalties",
                due_in_days: -410,
                status: "done",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "Correct the spring overcount with an adjustment line on the next statements",
                kind: "mitigate",
                squad: "royalties",
                due_in_days: -385,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/CRE-1190",
            },
            DemoAction {
                title: "Per-hour totals in the statement job logs",
                kind: "detect",
                squad: "data-platform",
                due_in_days: -330,
                status: "wontdo",
                reason: "Superseded: the statement job moved to the new batch framework, which reports totals per partition hour by default.",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Sign-in outage after the token signing key expired",
        severity: 1,
        status: "published",
        squads: &["identity", "infrastructure"],
        days_ago: 402,
        start: "07:42",
        detected: 3,
        mitigated: 58,
        resolved: 290,
        summary: "The key that signs session tokens expired at 07:42 UTC, and from then on the identity service rejected every token it had issued and refused to issue new ones. Signed-in listeners were logged out at their next token refresh, and nobody could sign in for 58 minutes.",
        impact: "Sign-in and token refresh were down for all users worldwide for 58 minutes, during the morning commute in Europe. About 4.2 million listeners were signed out and their playback stopped; 1.1 million sign-in attempts were rejected. Downloaded music kept playing for premium listeners. Support received 9,400 contacts that day, six times the usual number.",
        timeline: &[
            (
                0,
                "Token signing key expires; identity service starts rejecting tokens.",
            ),
            (
                3,
                "Sign-in error-rate alert pages the identity on-call; error rate at 100 %.",
            ),
            (
                9,
                "SEV1 declared; identity and infrastructure on the incident bridge.",
            ),
            (
                21,
                "Expired key found in the key store; the rotation job last succeeded 97 days earlier.",
            ),
            (
                34,
                "New key generated; publishing it waits for a second key store approver.",
            ),
            (
                47,
                "New key live on half of the identity pods; sign-ins recover there.",
            ),
            (
                58,
                "New key on all pods; sign-in success rate back above 99 %.",
            ),
            (
                140,
                "Clients with expired tokens retry in bulk; rate limits raised to admit the surge.",
            ),
            (
                290,
                "Token refresh traffic back to normal; incident resolved.",
            ),
        ],
        factors: &[
            "The rotation job had been erroring since a key store API change 97 days earlier; its errors went to a log with no alert attached.",
            "The key had a one-year validity and no expiry monitoring. The only reminder was a calendar entry owned by a team that was reorganised during the year.",
            "The identity service treats an expired signing key as fatal for both verifying and issuing tokens, with no grace period for the previous key.",
            "Publishing a key needs two approvers under the key store policy, and the runbook listed approvers who had moved to other squads.",
        ],
        detection: "An error-rate alert on sign-ins paged the identity on-call three minutes after the key expired. The alert was fast and correct; nothing warned before the expiry.",
        went_well: "- Paging worked, and the bridge had the right people within ten minutes.\n- The status page was updated at minute 12, and support had a reply template by minute 20.\n- Offline mode kept downloaded music playing.",
        went_wrong: "- Finding a second key store approver added about 15 minutes.\n- Clients retried in lockstep after the recovery, which caused a second, smaller surge.",
        lucky: "The key expired on a weekday morning with the whole identity squad online. The same expiry on a weekend night would have meant a much slower start.",
        lessons: &[
            (
                "Expiry dates need alerts, not calendar entries",
                "Every key and certificate with an expiry date belongs in monitoring that warns 30, 14 and 3 days ahead. Calendar reminders leave with the people who created them.",
            ),
            (
                "Rare jobs need a heartbeat",
                "A job that runs every few months can be broken for months unnoticed. Alert when a scheduled job has not succeeded within its expected interval, not only when it logs an error.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Alert 30, 14 and 3 days before any key or certificate expires",
                kind: "detect",
                squad: "infrastructure",
                due_in_days: -380,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1042",
            },
            DemoAction {
                title: "Heartbeat alert for the key rotation job",
                kind: "detect",
                squad: "identity",
                due_in_days: -390,
                status: "done",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "Accept the previous signing key for verification for 7 days after a rotation",
                kind: "prevent",
                squad: "identity",
                due_in_days: -360,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1043",
            },
            DemoAction {
                title: "Keep the key store approvers on the on-call rota, not in the runbook",
                kind: "process",
                squad: "infrastructure",
                due_in_days: -395,
                status: "done",
                reason: "",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Podcast feed ingestion stalled by one hosting provider's migration",
        severity: 4,
        status: "published",
        squads: &["podcast-discovery", "infrastructure"],
        days_ago: 365,
        start: "14:10",
        detected: 24,
        mitigated: 70,
        resolved: 205,
        summary: "A podcast hosting provider moved 18,000 shows to a new feed URL scheme in one afternoon. Ingestion treated every redirected feed as a new show and downloaded its whole back catalogue again, which took most of the ingestion workers, so new episodes from other publishers arrived late.",
        impact: "New episodes from about 41,000 shows appeared in the app between 40 minutes and 3 hours late. No episodes were lost, and playback of existing episodes was unaffected. Two publishers of daily news shows asked support about the delay.",
        timeline: &[
            (
                0,
                "A hosting provider switches 18,000 feeds to new URLs with 301 redirects.",
            ),
            (
                12,
                "Ingestion queue grows from 2,000 to 60,000 feeds waiting.",
            ),
            (
                24,
                "Freshness alert: median time from publish to app passes 30 minutes.",
            ),
            (
                38,
                "Podcast discovery on-call sees 80 % of worker time going to one provider.",
            ),
            (
                55,
                "Concurrency limit of 20 workers applied to that provider's domain.",
            ),
            (70, "Other publishers' episodes arrive on time again."),
            (
                150,
                "The provider's feeds finish their one-time re-download.",
            ),
            (205, "Queue back to its normal size; incident closed."),
        ],
        factors: &[
            "The ingestion scheduler shares one worker pool across all hosts with no per-host limit, so one provider's feeds could take every worker.",
            "On a redirect, ingestion treats a feed as new and fetches every episode's metadata and artwork again instead of matching on the feed's GUID.",
            "Large hosting providers migrate feeds without notice to directories, and there was no contact channel for planned migrations.",
        ],
        detection: "The episode freshness alert fired at minute 24. The queue graph showed the rise from minute 12, but queue size has no alert.",
        went_well: "The per-domain worker dashboard pointed at the busy host within minutes, and the concurrency limit was a config change with no deploy.",
        went_wrong: "The per-host limit existed as a config option but was undocumented; finding it took 15 minutes of reading code.",
        lucky: "The migration happened in the European afternoon, outside the early-morning hours when most daily news shows publish.",
        lessons: &[(
            "Shared worker pools need per-source limits",
            "Any worker pool that serves many external sources can be taken over by one of them. Set a default per-source concurrency limit, even a generous one.",
        )],
        actions: &[
            DemoAction {
                title: "Default per-host concurrency limit for feed ingestion",
                kind: "prevent",
                squad: "podcast-discovery",
                due_in_days: -340,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/DISC-412",
            },
            DemoAction {
                title: "Match redirected feeds on their GUID instead of ingesting them again",
                kind: "prevent",
                squad: "podcast-discovery",
                due_in_days: -300,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/DISC-413",
            },
            DemoAction {
                title: "Contact list of hosting providers for planned feed migrations",
                kind: "process",
                squad: "podcast-discovery",
                due_in_days: -330,
                status: "wontdo",
                reason: "Most providers did not want to take part, and the per-host limit and GUID matching make advance notice unnecessary.",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Upload pipeline backlog after a new transcoding preset",
        severity: 3,
        status: "published",
        squads: &["upload-pipeline", "artist-tools"],
        days_ago: 318,
        start: "09:15",
        detected: 45,
        mitigated: 130,
        resolved: 590,
        summary: "A new transcoding preset for higher-quality Opus encodes went to all upload workers at once. Each track took 3.4 times longer to transcode, the queue grew faster than the workers could drain it, and releases due out the next day were at risk.",
        impact: "About 22,000 uploaded tracks waited up to 9 hours to be processed, and 640 releases scheduled for the next day were ready with less than 2 hours to spare. Artists saw 'Processing' in the upload tool for most of the day, and support received 310 contacts. No release missed its date.",
        timeline: &[
            (0, "New Opus preset deployed to all transcoding workers."),
            (30, "Queue passes 5,000 tracks and keeps growing."),
            (
                45,
                "Queue-age alert pages the upload pipeline on-call: oldest track waiting 40 minutes.",
            ),
            (
                80,
                "Median transcode time per track found to be 3.4 times the previous one.",
            ),
            (
                100,
                "Preset rolled back for new jobs; jobs in flight finish on the new preset.",
            ),
            (
                130,
                "Autoscaling limit raised from 120 to 300 workers; the queue starts to shrink.",
            ),
            (
                300,
                "Artist tools shows an estimated processing time in the upload tool.",
            ),
            (590, "Queue empty; all next-day releases processed."),
        ],
        factors: &[
            "The preset's quality was tested on a 200-track sample, but its cost was measured on the newest worker hardware only; 70 % of the fleet is two generations older.",
            "Workers autoscale on CPU, which was already at its ceiling, and the maximum worker count was sized for the old cost per track.",
            "The rollout happened the day before a release day, the busiest upload day of the week; the deploy calendar has no notion of release days.",
        ],
        detection: "The queue-age alert fired at minute 45. The queue had grown from the start, but the queue-size alert is set for the holiday peak and stayed quiet.",
        went_well: "- Rolling back the preset was one config change.\n- Artist tools added a processing-time estimate to the upload tool within hours, and support contacts fell in the afternoon.",
        went_wrong: "- Jobs already in flight could not move back to the old preset, so the slow tail of the backlog lasted for hours.\n- Raising the autoscaling limit needed a budget approval, which took 20 minutes to get.",
        lucky: "Most next-day releases had been uploaded earlier in the week; the backlog was mostly tracks for later dates.",
        lessons: &[
            (
                "Measure cost on the slowest hardware you run",
                "Benchmarks on the newest machines can understate the cost of a change several times over. Measure on the oldest hardware generation still in the fleet.",
            ),
            (
                "Put business days in the deploy calendar",
                "Some days carry more risk than others: release days, paydays, big launches. Mark them in the deploy calendar so that risky rollouts avoid them.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Benchmark transcoding presets on every hardware generation in the fleet",
                kind: "prevent",
                squad: "upload-pipeline",
                due_in_days: -290,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/CRE-1302",
            },
            DemoAction {
                title: "Canary new presets on 5 % of the workers for a day",
                kind: "prevent",
                squad: "upload-pipeline",
                due_in_days: -280,
                status: "done",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "Mark release days in the deploy calendar",
                kind: "process",
                squad: "infrastructure",
                due_in_days: -270,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1266",
            },
            DemoAction {
                title: "Show the expected processing time in the upload tool at all times",
                kind: "mitigate",
                squad: "artist-tools",
                due_in_days: -250,
                status: "done",
                reason: "",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Duplicate subscription charges in Japanese yen after a library upgrade",
        severity: 2,
        status: "published",
        squads: &["payments", "data-platform"],
        days_ago: 281,
        start: "03:00",
        detected: 62,
        mitigated: 71,
        resolved: 2880,
        summary: "A currency library upgrade changed how yen amounts were written into the idempotency key of payment requests. When the nightly renewal run retried charges that had timed out, the payment provider saw new keys and charged those subscribers a second time.",
        impact: "8,912 subscribers in Japan were charged twice for their monthly renewal (JPY 980 or JPY 1,580 each), about JPY 10.2 million or EUR 63,000 in total. All duplicates were refunded within two days, and the affected subscribers got a free month. Other currencies were not affected. About 1,700 people contacted support.",
        timeline: &[
            (
                0,
                "Nightly renewal run starts; Japan is first in the batch.",
            ),
            (
                14,
                "Provider latency rises; 11 % of yen charges time out and go to the retry queue.",
            ),
            (
                40,
                "Retries succeed; the provider records two captures for the same subscriptions.",
            ),
            (
                62,
                "Reconciliation alert: yen captures 9 % above expected renewals. Payments on-call paged.",
            ),
            (71, "Renewals in JPY paused; other currencies continue."),
            (
                150,
                "Retry keys found to differ from the first attempt: '980' against '980.00'.",
            ),
            (420, "Fix deployed; yen renewals resumed."),
            (
                1500,
                "Refunds for 8,912 duplicate charges submitted to the provider.",
            ),
            (
                2880,
                "Last refund confirmed; apology email and free month sent.",
            ),
        ],
        factors: &[
            "The currency library's new version writes zero-decimal amounts with two decimals. The change was in its release notes but not in the changelog summary the payments squad reviews for upgrades.",
            "The idempotency key was built from the formatted amount, not from the subscription and billing period, so any change in formatting changed the key.",
            "Provider timeouts that night sent 11 % of yen charges down the retry path, which normally handles under 1 %.",
            "The retry path's tests use euros only; the suite had no zero-decimal currency.",
        ],
        detection: "The hourly reconciliation of expected renewals against captured amounts alerted 62 minutes after the run started. The per-currency capture graph showed the jump from minute 40.",
        went_well: "- Pausing one currency is a supported switch and took under ten minutes.\n- Finance, support and payments agreed on refunds plus a free month before noon.",
        went_wrong: "- The reconciliation runs hourly, so duplicates kept coming for 20 minutes after they were visible on the graph.\n- The provider's portal takes refunds in batches of 500, which stretched them over a day.",
        lucky: "Japan is first in the renewal batch, so the pause came before the run reached the other zero-decimal currencies, the Korean won and the Chilean peso.",
        lessons: &[
            (
                "Build idempotency keys from the intent, not the payload",
                "A key derived from a formatted amount changes whenever formatting changes. Derive it from stable identifiers, such as the subscription and the billing period.",
            ),
            (
                "Test money code with zero-decimal currencies",
                "Yen, won and peso have no minor unit and break assumptions about two decimals. Keep at least one of them in every payment test suite.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Derive idempotency keys from the subscription and billing period",
                kind: "prevent",
                squad: "payments",
                due_in_days: -260,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1388",
            },
            DemoAction {
                title: "Add JPY, KRW and CLP to the payment test suite",
                kind: "prevent",
                squad: "payments",
                due_in_days: -265,
                status: "done",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "Streaming duplicate-capture alert per currency",
                kind: "detect",
                squad: "data-platform",
                due_in_days: -200,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1391",
            },
            DemoAction {
                title: "Read full upstream release notes before upgrading payment libraries",
                kind: "process",
                squad: "payments",
                due_in_days: -270,
                status: "done",
                reason: "",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Synced lyrics drifting after the provider changed its time format",
        severity: 4,
        status: "published",
        squads: &["lyrics", "player"],
        days_ago: 243,
        start: "10:30",
        detected: 85,
        mitigated: 240,
        resolved: 1860,
        summary: "Our largest lyrics provider changed line timestamps from hundredths to thousandths of a second. The ingestion parser read the three-digit fractions as hundredths, so lines appeared up to ten seconds late and sometimes out of order, on newly delivered lyrics only.",
        impact: "About 56,000 tracks received lyrics in the new format over 31 hours. Lyrics were out of sync in about 1.3 million listening sessions, mostly in the Philippines, Indonesia and Brazil, where sing-along use is highest. Playback was unaffected. In-app lyrics reports rose from about 40 to 2,100 a day.",
        timeline: &[
            (
                0,
                "Provider delivers the first batch with millisecond timestamps.",
            ),
            (
                85,
                "Lyrics feedback alert fires on a spike of 'out of sync' reports.",
            ),
            (
                120,
                "Lyrics on-call compares a raw file with the parsed result; fractions misread.",
            ),
            (
                240,
                "Tracks delivered since the change switched to static lyrics.",
            ),
            (
                700,
                "Parser accepting both formats released to the ingestion service.",
            ),
            (
                1500,
                "Affected deliveries parsed again from the raw files in the archive.",
            ),
            (
                1860,
                "Synced lyrics back on for all affected tracks; reports back to normal.",
            ),
        ],
        factors: &[
            "The parser's timestamp pattern allowed two or more fraction digits and treated them all as hundredths.",
            "The provider announced the change in a partner newsletter that went to the shared mailbox of a squad merged into lyrics earlier that year.",
            "Ingestion logs non-increasing timestamps as a warning, which is neither counted nor alerted on.",
            "The player's sync view does not check that line times are in order, so lines jumped back and forth instead of falling back to static lyrics.",
        ],
        detection: "The alert on in-app lyrics reports fired 85 minutes after the first delivery, once enough listeners had played affected tracks.",
        went_well: "Raw deliveries are archived, so every affected file could be parsed again without asking the provider to deliver anew.",
        went_wrong: "- Ingestion warnings about non-increasing timestamps were in the logs from minute 0, unseen.\n- Switching tracks to static lyrics took a database script, as there is no per-provider switch.",
        lucky: "The change arrived early in the week, when few new releases are delivered; two days later it would have hit most of the week's new music.",
        lessons: &[(
            "Parse strictly and count the rejects",
            "A lenient parser turns a format change into wrong data instead of an error. Reject input that does not match the documented format exactly, and alert on the rejection rate.",
        )],
        actions: &[
            DemoAction {
                title: "Reject lyrics files with non-increasing timestamps and alert on the rejection rate",
                kind: "detect",
                squad: "lyrics",
                due_in_days: -220,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/LX-733",
            },
            DemoAction {
                title: "Fall back to static lyrics in the player when line times are out of order",
                kind: "mitigate",
                squad: "player",
                due_in_days: -200,
                status: "done",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "Route partner newsletters to the lyrics squad's channel",
                kind: "process",
                squad: "lyrics",
                due_in_days: -235,
                status: "done",
                reason: "",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Playback failures on Android after the audio CDN certificate rotation",
        severity: 1,
        status: "published",
        squads: &["player", "infrastructure", "offline-mode"],
        days_ago: 198,
        start: "18:05",
        detected: 6,
        mitigated: 112,
        resolved: 1440,
        summary: "The audio CDN's TLS certificate was renewed with a chain from a new intermediate CA. Android app versions older than 8.9 pin the old intermediate for the audio hosts, so they refused to fetch audio, and playback would not start for any track not stored on the device.",
        impact: "For 1 hour 52 minutes, 38 % of Android listeners, about 6.8 million people during the European evening peak, could not start tracks that were not downloaded. Android playback start success fell from 99.6 % to 61 %. iOS, desktop and web were unaffected, and downloaded music played normally. Support received about 23,000 contacts, and the outage trended on social media in Germany, Brazil and Mexico.",
        timeline: &[
            (
                0,
                "Automated renewal installs the new certificate chain on every audio CDN edge.",
            ),
            (6, "Android playback-start alert pages the player on-call."),
            (
                14,
                "SEV1 declared; player, infrastructure and offline mode on the bridge.",
            ),
            (
                31,
                "Failures narrowed to app versions below 8.9 and to audio hosts only.",
            ),
            (48, "Pin mismatch with the new intermediate CA confirmed."),
            (
                70,
                "CDN provider asked to serve the previous chain; their change window is 40 minutes.",
            ),
            (
                112,
                "Previous chain live on all edges; playback starts back at 99.5 %.",
            ),
            (
                600,
                "App release pinning our own backup keys submitted to the store.",
            ),
            (
                1440,
                "Renewals switched to manual approval with a pin check; incident resolved.",
            ),
        ],
        factors: &[
            "Android versions before 8.9 pin the intermediate CA of the audio hosts, a choice made in 2021 when the CDN contract named a fixed issuer.",
            "The CDN provider changed its default issuer for automated renewals; the notice went to the contract contact, not to engineering.",
            "Certificate renewals went to every edge at once, with no canary and no check of the new chain against the pins in app versions still in use.",
            "The player reports TLS errors as a generic network error, which at first pointed the bridge towards a CDN outage.",
        ],
        detection: "The Android playback-start alert fired six minutes after the rotation. The error logs only said 'network error', which cost about 30 minutes of diagnosis.",
        went_well: "- Alerting and escalation were fast, and all three squads were on the bridge within 15 minutes.\n- Listeners with downloads kept listening, and the app told them that downloads were available.",
        went_wrong: "- Rolling back a certificate depended on the CDN provider's change window, which added 40 minutes.\n- The status page said 'some users' for the first hour, while the graphs showed more than a third of Android.",
        lucky: "The previous certificate still had 19 days of validity, so serving it again was possible.",
        lessons: &[
            (
                "Pins are a contract with your certificate supplier",
                "When clients pin a certificate or CA, every renewal is a breaking change unless it is checked against the pins of every app version still in use. Pin to keys you control, with a backup key.",
            ),
            (
                "Name TLS errors in client telemetry",
                "Reporting certificate errors as generic network errors hides the most common cause of sudden, total outages. Send the TLS error class with every failed request event.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Pin our own primary and backup keys instead of the CDN's intermediate CA",
                kind: "prevent",
                squad: "player",
                due_in_days: -150,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/LX-812",
            },
            DemoAction {
                title: "Check new certificate chains against the pins of supported app versions before rollout",
                kind: "prevent",
                squad: "infrastructure",
                due_in_days: -160,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1501",
            },
            DemoAction {
                title: "Report TLS error classes in playback telemetry",
                kind: "detect",
                squad: "player",
                due_in_days: -60,
                status: "open",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/LX-815",
            },
            DemoAction {
                title: "Contract clause: 60 days' notice of certificate issuer changes",
                kind: "process",
                squad: "infrastructure",
                due_in_days: -120,
                status: "wontdo",
                reason: "The CDN provider does not offer it on our plan, and the pin check before rollout covers the risk.",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "New releases missing from search during a catalogue backfill",
        severity: 3,
        status: "published",
        squads: &["search", "data-platform"],
        days_ago: 156,
        start: "11:20",
        detected: 38,
        mitigated: 95,
        resolved: 430,
        summary: "A catalogue schema migration backfilled a new alternative-titles field for 48 million tracks, emitting one update event per track onto the topic the search indexer reads. The indexer worked through them in order, so new releases and takedowns waited behind the backfill.",
        impact: "For about 3 hours, new releases and catalogue changes reached search between 30 minutes and 3 hours late. A major album released at 11:30 UTC, the top query in 30 markets, was missing from search for 85 minutes, and about 1.4 million searches for it found only older tracks. Fourteen taken-down tracks stayed in search results for up to 2 hours 40 minutes, though they could not be played.",
        timeline: &[
            (
                0,
                "Schema migration starts the alternative-titles backfill; 48 million update events queued.",
            ),
            (
                25,
                "Indexer lag passes 15 minutes and climbs in a straight line.",
            ),
            (
                38,
                "Lag alert pages the search on-call at 30 minutes of lag.",
            ),
            (
                55,
                "Backfill identified on the bridge; data platform pauses it at 9 million events.",
            ),
            (
                95,
                "Top 200 new releases indexed with the manual re-index tool.",
            ),
            (
                180,
                "Second consumer reads fresh events from the head of the topic; new releases searchable within a minute.",
            ),
            (430, "Backfill events drained; single consumer restored."),
        ],
        factors: &[
            "Backfills and live catalogue changes share one topic with no priority, so a bulk change queues ahead of everything else.",
            "The migration was reviewed as a schema change, and the review checklist asks nothing about the number of events a change emits.",
            "The indexer treats every update as a full re-index of the track, about ten times the cost of a field update.",
        ],
        detection: "The indexer lag alert fired at 30 minutes of lag, 38 minutes after the backfill started. The lag graph had been climbing from minute 5.",
        went_well: "- The manual re-index tool brought back the most searched releases quickly.\n- Data platform could pause the backfill without losing its position.",
        went_wrong: "- It took the bridge 17 minutes to learn that a backfill was running, as it had been announced in the data platform channel only.\n- The fresh-events consumer was configured by hand under pressure; it had never been rehearsed.",
        lucky: "The weekly wave of new releases comes out at midnight local time, hours away, so it was not caught behind the backfill.",
        lessons: &[
            (
                "Count the events a migration emits",
                "A schema change that backfills data is also a traffic event for every consumer downstream. Estimate the number of events and tell the consumers before running it.",
            ),
            (
                "Keep bulk traffic away from live traffic",
                "When bulk and live updates share a queue, the bulk work sets the latency of the live work. Give backfills their own topic or a lower priority.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Separate topic for catalogue backfills",
                kind: "prevent",
                squad: "data-platform",
                due_in_days: -100,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1610",
            },
            DemoAction {
                title: "Event-volume question in the schema migration checklist",
                kind: "process",
                squad: "data-platform",
                due_in_days: -130,
                status: "done",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "Field-level updates in the search indexer",
                kind: "prevent",
                squad: "search",
                due_in_days: -20,
                status: "open",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/DISC-588",
            },
            DemoAction {
                title: "Runbook and rehearsal for a fresh-events consumer",
                kind: "mitigate",
                squad: "search",
                due_in_days: -45,
                status: "open",
                reason: "",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Playback events silently dropped by the event collector",
        severity: 2,
        status: "published",
        squads: &["data-platform", "recommendations", "royalties"],
        days_ago: 117,
        start: "00:40",
        detected: 88,
        mitigated: 170,
        resolved: 2160,
        summary: "A new version of the event collector validated events against the schema registry and discarded events with unknown fields, counting them only in a debug metric. The current iOS release adds a car-mode field to playback events, so 31 % of iOS playback events were discarded for almost three hours without any error.",
        impact: "About 48 million iOS playback events were dropped between 00:40 and 03:30 UTC, mostly from listeners in the Americas. 96 % were replayed from the collector's raw request archive; about 1.9 million events were lost for good. Royalties used an estimate for those streams in that month's statements (about EUR 4,100 of payouts), and the listening history of 1.1 million listeners missed up to 3 hours of plays, which showed up as repeated tracks in the next day's mixes.",
        timeline: &[
            (0, "Event collector 4.12 rolled out to all regions."),
            (
                5,
                "iOS playback events into the lake fall by 31 %; collector error rate flat at 0.01 %.",
            ),
            (
                88,
                "Hourly volume anomaly check flags iOS playback events 31 % below the same hour last week.",
            ),
            (
                104,
                "Data platform on-call finds the drops in a debug metric, schema_unknown_field.",
            ),
            (
                170,
                "Collector rolled back to 4.11; volumes back to normal.",
            ),
            (
                420,
                "Raw request archive confirmed to hold the dropped requests.",
            ),
            (
                1300,
                "46 million events replayed into the lake and deduplicated.",
            ),
            (
                2160,
                "Recommendations and royalties re-run their daily jobs on the repaired data.",
            ),
        ],
        factors: &[
            "The new validation step was built to keep malformed events out of the lake, and it inherited the schema registry's strict mode, which treats unknown fields as invalid.",
            "Dropped events were counted in a debug-level metric that is on no dashboard and no alert.",
            "Client schema changes are registered in the staging registry by the release pipeline, and in production by a separate manual step, which had not yet happened for the car-mode field.",
            "The collector's canary compared error rates, which stayed flat; it did not compare event volumes.",
        ],
        detection: "The hourly volume anomaly check flagged the drop in its second run, 88 minutes after the rollout. The canary had passed, as error rates were flat.",
        went_well: "- The raw request archive made it possible to recover 96 % of the events.\n- Royalties and recommendations got a precise list of affected hours and could plan their re-runs.",
        went_wrong: "- The rollback waited almost an hour for the collector owner's approval, which the runbook required.\n- The replay tool had not been used for a year and needed two fixes before it worked.",
        lucky: "The iOS release was at 30 % of its staged rollout; at 100 % the loss would have been three times as large.",
        lessons: &[
            (
                "Data loss shows in volumes, not in errors",
                "A pipeline that drops records on purpose never raises an error. Monitor the number of records into and out of every stage, and alert when they diverge.",
            ),
            (
                "Every discarded record needs a watched counter",
                "Any code path that discards data needs a metric on a dashboard with an alert, at the default log level.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Alert on the in/out volume difference of every collector stage",
                kind: "detect",
                squad: "data-platform",
                due_in_days: -80,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1702",
            },
            DemoAction {
                title: "Quarantine events with unknown fields instead of dropping them",
                kind: "prevent",
                squad: "data-platform",
                due_in_days: -90,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1703",
            },
            DemoAction {
                title: "Register client schema changes in production from the release pipeline",
                kind: "prevent",
                squad: "data-platform",
                due_in_days: -10,
                status: "open",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-1704",
            },
            DemoAction {
                title: "Let the on-call engineer roll back the collector without owner approval",
                kind: "process",
                squad: "data-platform",
                due_in_days: -100,
                status: "done",
                reason: "",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Yesterday's daily mixes served after a cache key format change",
        severity: 3,
        status: "published",
        squads: &["recommendations", "radio"],
        days_ago: 68,
        start: "05:00",
        detected: 72,
        mitigated: 150,
        resolved: 540,
        summary: "A new cache key format reached the nightly mix refresh job a day before it reached the mix service, which was held back by a deploy freeze. The service found no mixes under the keys it knew and, as designed for outages, served each listener's last known mix, so listeners got the previous day's daily mixes and radio stations without any error.",
        impact: "For about 2.5 hours during the morning in Europe and Asia, 94 % of daily mix requests returned the previous day's mix, for about 11 million listeners. Radio stations started from a daily mix repeated yesterday's tracks until 10:00 UTC. Minutes listened from daily mixes were 9 % below the same day a week earlier, and the radio skip rate rose from 24 % to 31 %.",
        timeline: &[
            (
                0,
                "Nightly refresh job writes new daily mixes under the v2 key format.",
            ),
            (
                10,
                "Mix cache hit rate drops from 97 % to 3 %; last-known-mix fallback at 94 % of requests.",
            ),
            (72, "Mix freshness alert pages the recommendations on-call."),
            (
                96,
                "Key format mismatch between the refresh job and the mix service identified.",
            ),
            (128, "Refresh job re-run writing v1 keys for all markets."),
            (150, "Today's mixes served again in all markets."),
            (
                300,
                "Radio rebuilds the stations seeded from yesterday's mixes.",
            ),
            (
                540,
                "Key format versioned in both components; incident resolved.",
            ),
        ],
        factors: &[
            "The key builder is a shared library used by the refresh job and the mix service, which are deployed separately; the change assumed both would pick it up the same day.",
            "The mix service was held back by a deploy freeze for an unrelated launch, so the two ran different key formats for a day.",
            "The fallback to the last known mix is designed to hide outages from listeners and counts as a successful response, so error rate and availability stayed at 100 %.",
        ],
        detection: "The mix freshness alert fired 72 minutes after the refresh. The cache hit rate fell at minute 10, but it has no alert, as it swings during every refresh.",
        went_well: "- Re-running the refresh job with the old key format was quick and safe.\n- Radio rebuilt its stations the same morning without a deploy.",
        went_wrong: "- Dashboards showed full availability, so the first responder spent 20 minutes checking whether the freshness alert itself was wrong.",
        lucky: "The same job generates the weekly discovery playlist once a week, and it was not due that day; a stale one would have stayed for a whole week.",
        lessons: &[
            (
                "Graceful degradation needs its own alarm",
                "A fallback that hides a failure from users also hides it from dashboards. Count fallback responses separately and alert when they rise above their normal rate.",
            ),
            (
                "Version formats shared across deploys",
                "When two separately deployed components share a data format, version it, and make the reader accept both versions before the writer switches.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Alert on the fallback rate of the mix service",
                kind: "detect",
                squad: "recommendations",
                due_in_days: -40,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/DISC-640",
            },
            DemoAction {
                title: "Mix service reads both key formats before the refresh job switches",
                kind: "prevent",
                squad: "recommendations",
                due_in_days: -30,
                status: "done",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "Cache hit rate alert outside the refresh window",
                kind: "detect",
                squad: "recommendations",
                due_in_days: -14,
                status: "open",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/DISC-642",
            },
            DemoAction {
                title: "Freshness check on radio station seeds",
                kind: "detect",
                squad: "radio",
                due_in_days: -5,
                status: "open",
                reason: "",
                tracker: "",
            },
        ],
    },
    DemoPostmortem {
        title: "Partial offline downloads filling Android phones' storage",
        severity: 2,
        status: "review",
        squads: &["offline-mode", "player"],
        days_ago: 5,
        start: "08:10",
        detected: 41,
        mitigated: 95,
        resolved: 2600,
        summary: "The new download manager in Android 9.14 kept every partial file when a track download was retried, and on poor networks it retried without a limit. The app's temporary folder grew by gigabytes on some phones, until their storage was full.",
        impact: "9.14 reached about 1.9 million Android devices at 20 % of its staged rollout. On about 240,000 of them the temporary download folder grew past 5 GB, up to 38 GB, and about 31,000 phones ran completely out of storage, so cameras and messaging apps could not save either. The app's store rating fell from 4.6 to 4.1 in Brazil and India within two days, and support received 12,000 contacts.",
        timeline: &[
            (0, "Android 9.14 staged rollout raised from 5 % to 20 %."),
            (
                22,
                "Crash reports with 'no space left on device' start to rise.",
            ),
            (
                41,
                "Crash-free sessions alert for 9.14 pages the offline mode on-call.",
            ),
            (
                70,
                "Partial chunks kept after each retry found in the temporary download folder.",
            ),
            (
                95,
                "9.14 rollout halted; download retries turned off by remote config.",
            ),
            (
                240,
                "Support article published on clearing the app's storage.",
            ),
            (
                1450,
                "9.14.1, which removes orphaned chunks on start, released to 20 %.",
            ),
            (
                2600,
                "Temporary folders back to normal size on 97 % of affected devices; incident resolved.",
            ),
        ],
        factors: &[
            "The new download manager writes each retry to a new partial file and cleans up only after a completed download, so a track that keeps failing leaves one more file on every attempt.",
            "Retries had no limit on poor networks, which are common in the markets with the most early 9.14 installs.",
            "The app counts only finished downloads against the storage limit the listener sets; the temporary folder was outside it.",
            "Beta testing ran mostly on office Wi-Fi, where chunk downloads rarely break off.",
        ],
        detection: "The crash-free sessions alert for the new version fired 41 minutes after the rollout step. Storage growth itself was not measured anywhere.",
        went_well: "- Remote config could turn off retries without a new release.\n- The staged rollout kept the problem to 20 % of Android users.",
        went_wrong: "- Listeners whose phones were already full could not open the app to receive the fix, and needed the support article.\n- The fix release waited a day for store review.",
        lucky: "Only phones with less than about 8 GB free filled up completely; most affected devices still had room left.",
        lessons: &[
            (
                "Count temporary files against storage limits",
                "Anything an app writes to the device, including caches and partial downloads, uses the listener's storage. Include it in limits and in telemetry.",
            ),
            (
                "Retries need a budget",
                "Unlimited retries turn a small failure rate into unbounded cost, on servers and on devices. Give every retry loop a cap and a back-off.",
            ),
        ],
        actions: &[
            DemoAction {
                title: "Remove orphaned partial files on app start",
                kind: "mitigate",
                squad: "offline-mode",
                due_in_days: -3,
                status: "done",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/LX-1043",
            },
            DemoAction {
                title: "Limit download retries to 5 per track, with back-off",
                kind: "prevent",
                squad: "offline-mode",
                due_in_days: 9,
                status: "open",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/LX-1044",
            },
            DemoAction {
                title: "Report the temporary folder size in device telemetry",
                kind: "detect",
                squad: "player",
                due_in_days: 21,
                status: "open",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "Poor-network profile in the Android beta test plan",
                kind: "process",
                squad: "offline-mode",
                due_in_days: 30,
                status: "open",
                reason: "",
                tracker: "",
            },
        ],
    },
    // A first draft, written in a hurry: it still blames people, which the blameless-language
    // check is there to catch before review.
    DemoPostmortem {
        title: "New playlist editor rolled out to 100 % instead of 10 %",
        severity: 4,
        status: "draft",
        squads: &["playlists", "infrastructure"],
        days_ago: 3,
        start: "13:30",
        detected: 18,
        mitigated: 47,
        resolved: 160,
        summary: "The new playlist editor was meant to go to 10 % of listeners but reached everyone. This was human error: the release captain typed 10 into a field that expects a fraction, and the flag service capped it at 100 %.",
        impact: "All listeners on iOS and Android got the new playlist editor for 47 minutes. About 190,000 playlists were edited in that time; reorder actions failed for 2.1 % of them on older Android devices and had to be repeated. No playlists were lost.",
        timeline: &[
            (0, "Flag playlist-editor-v2 set to 10 in the flag service."),
            (6, "Share of sessions with the new editor reaches 100 %."),
            (
                18,
                "Playlists on-call sees the editor error rate on older Android devices at 2.1 %.",
            ),
            (
                31,
                "Flag value found to be 10 in a field that takes 0 to 1.",
            ),
            (47, "Flag set to 0.1; share back to 10 %."),
            (
                160,
                "Failed reorder actions replayed from the client retry queue; incident resolved.",
            ),
        ],
        factors: &[
            "The on-call engineer should have checked the dashboard right after the flag was changed.",
            "The flag service accepts values above 1 for a fraction and caps them at 100 % without a warning.",
            "The release captain was careless and did not ask anyone to look at the value before saving it.",
        ],
        detection: "The playlists on-call noticed the error rate on the editor dashboard 18 minutes after the change.",
        went_well: "Turning the flag back took seconds, and the client retry queue meant no edits were lost.",
        went_wrong: "- Nobody looked at the flag share for 18 minutes; obviously the dashboard has to be checked after every flag change.\n- The flag form gives no hint of the unit of the field.",
        lucky: "The new editor was close to ready for everyone; only older Android devices had problems with it.",
        lessons: &[(
            "Show the unit next to every number in a form",
            "A field that takes a fraction and one that takes a percentage look the same. Show the unit and the effect, such as '10 % of listeners', before saving.",
        )],
        actions: &[
            DemoAction {
                title: "Reject fractions above 1 in the flag service",
                kind: "prevent",
                squad: "infrastructure",
                due_in_days: 14,
                status: "open",
                reason: "",
                tracker: "https://tracker.kanelbulle.example/PLAT-2011",
            },
            DemoAction {
                title: "Show the resulting audience share before a flag change is saved",
                kind: "prevent",
                squad: "infrastructure",
                due_in_days: 30,
                status: "open",
                reason: "",
                tracker: "",
            },
            DemoAction {
                title: "A second reviewer for flag changes above 25 %",
                kind: "process",
                squad: "playlists",
                due_in_days: 7,
                status: "open",
                reason: "",
                tracker: "",
            },
        ],
    },
];

use chrono::{Duration, NaiveDateTime, NaiveTime};

use crate::action_items::model::{ActionInput, Kind, Status as ActionStatus};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::org::unit::{Role, UnitKind};
use crate::org::unit_repo as units;
use crate::postmortems::model::{LessonDraft, PostmortemInput, Severity, TimelineEntry, Times};
use crate::postmortems::repo::{self, Verdict};

/// Current members of a squad (looked up by slug, or by its old slug after a rename), agile
/// coaches last.
pub(super) fn members(
    conn: &mut AnyConnection,
    slug: &str,
) -> AppResult<(i64, Vec<i64>, Vec<i64>)> {
    let squad = units::unit_or_renamed(conn, UnitKind::Squad, slug)?
        .ok_or_else(|| AppError::internal(format!("demo squad {slug} is missing")))?;
    let today = crate::dates::today();
    let (mut people, mut coaches) = (Vec::new(), Vec::new());
    for (m, _) in units::memberships_of_unit(conn, squad.id)? {
        if m.is_current(today) {
            match m.role() {
                Role::AgileCoach => coaches.push(m.person_id),
                _ => people.push(m.person_id),
            }
        }
    }
    Ok((squad.id, people, coaches))
}

/// Loads the demo post-mortems: published ones are approved by a member of another involved
/// squad (which makes their lessons), one waits in review and the newest stays a draft.
pub fn load(conn: &mut AnyConnection) -> AppResult<usize> {
    let now = chrono::Utc::now().naive_utc();
    let today = now.date();
    for (n, d) in POSTMORTEMS.iter().enumerate() {
        let mut squads = Vec::new();
        let mut people = Vec::new();
        let mut coach = None;
        for slug in d.squads {
            let (id, members, coaches) = members(conn, slug)?;
            squads.push(id);
            people.push(members);
            coach = coach.or(coaches.first().copied());
        }
        let writers = people.first().cloned().unwrap_or_default();
        // A different pair of writers for each post-mortem.
        let authors: Vec<i64> = writers
            .iter()
            .cycle()
            .skip(n % writers.len().max(1))
            .take(2.min(writers.len()))
            .copied()
            .collect();
        let time = NaiveTime::parse_from_str(d.start, "%H:%M")
            .map_err(|_| AppError::internal("demo start time"))?;
        let started: NaiveDateTime = (today - Duration::days(d.days_ago)).and_time(time);
        let at = |min: i64| started + Duration::minutes(min);
        let input = PostmortemInput {
            title: d.title.into(),
            severity: Severity::from_level(i32::from(d.severity))
                .ok_or_else(|| AppError::internal("demo severity"))?,
            squads: squads.clone(),
            authors: authors.clone(),
            facilitator: coach.filter(|c| !authors.contains(c)),
            times: Times {
                started: Some(started),
                detected: Some(at(d.detected)),
                mitigated: Some(at(d.mitigated)),
                resolved: Some(at(d.resolved)),
            },
            summary: d.summary.into(),
            impact: d.impact.into(),
            timeline: d
                .timeline
                .iter()
                .map(|(m, text)| TimelineEntry {
                    at: at(*m),
                    text: (*text).into(),
                })
                .collect(),
            factors: d.factors.iter().map(|f| f.to_string()).collect(),
            detection: d.detection.into(),
            went_well: d.went_well.into(),
            went_wrong: d.went_wrong.into(),
            lucky: d.lucky.into(),
            lessons: d
                .lessons
                .iter()
                .map(|(title, body)| LessonDraft {
                    title: (*title).into(),
                    body: (*body).into(),
                })
                .collect(),
            actions: d
                .actions
                .iter()
                .map(|a| {
                    let squad = d
                        .squads
                        .iter()
                        .position(|s| *s == a.squad)
                        .map(|i| squads[i]);
                    let squad_id = match squad {
                        Some(id) => id,
                        None => members(conn, a.squad)?.0,
                    };
                    Ok(ActionInput {
                        id: None,
                        title: a.title.into(),
                        kind: Kind::parse(a.kind)
                            .ok_or_else(|| AppError::internal("demo action kind"))?,
                        squad_id,
                        person_id: None,
                        due_on: Some(today + Duration::days(a.due_in_days)),
                        status: ActionStatus::parse(a.status)
                            .ok_or_else(|| AppError::internal("demo action status"))?,
                        reason: a.reason.into(),
                        tracker: a.tracker.into(),
                    })
                })
                .collect::<AppResult<_>>()?,
        };
        let author = authors.first().copied();
        let pm = repo::create(conn, author, &input)?;
        match d.status {
            "published" | "review" => {
                repo::set_status(
                    conn,
                    author,
                    pm.id,
                    crate::postmortems::model::Status::Draft,
                    crate::postmortems::model::Status::Review,
                )?;
            }
            _ => {}
        }
        if d.status == "published" {
            // The reviewer: someone of another involved squad, or the coach.
            let reviewer = people
                .iter()
                .skip(1)
                .flatten()
                .chain(coach.iter())
                .find(|p| !authors.contains(p))
                .copied();
            if let Some(r) = reviewer {
                let pm = repo::get(conn, pm.id)?;
                repo::review(
                    conn,
                    r,
                    &pm,
                    Verdict::Approved,
                    "Clear timeline and factors; the action items have owners. Thank you.",
                    0,
                )?;
                repo::set_published_at(conn, pm.id, at(d.resolved) + Duration::days(4))?;
            }
        }
    }
    Ok(POSTMORTEMS.len())
}
