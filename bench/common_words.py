#!/usr/bin/env python3
"""Writes src/postmortems/blameless/words.txt: common English words the blameless checker
does not take for a person's name when one opens a sentence ("Calendar reminders leave with
the people who created them"), where capitalisation says nothing.

From Debian's wamerican and wbritish word lists (SCOWL; its notice is words-COPYRIGHT.txt beside the
output): every lower-case word of letters only, three letters or more, whose Capitalised form
is not itself in the list — "mark" is left out because "Mark" is a name too, "calendar" is
kept. Left out as well, to keep the file small: words the checker already reads as no name
by their ending (-tion, -ment, -ness, …) and plurals of a listed word (the checker looks a
plural up by its singular). Words in -ing and -ed are kept: the checker reads one that opens
a sentence as no name only when it is listed ("During", "Added") or is a form of a listed
word of four letters or more ("Backfilling"), so "Xiaoming" and "Jared" stay names.

It also writes dual-words.txt: the words left out because they are names too ("mark",
"holiday"), which a sentence written without capitals uses as words.

    apt-get install wamerican wbritish && python3 bench/common_words.py
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src/postmortems/blameless/words.txt")
DUAL = os.path.join(ROOT, "src/postmortems/blameless/dual-words.txt")
# The endings grammar.rs's COMMON_ENDINGS lists. Not -ing, -ed, -ly, -ery, -ance, -ence:
# names end so too ("Xiaoming", "Jared", "Emily", "Avery", "Florence"), so the checker needs
# the words themselves.
# American and British spellings both: post-mortems are written in either, and a British word
# the American list lacks ("Rota spreading one pharmacist across three branches") would
# otherwise open a contributing factor as someone's name.
DICTS = ["american-english", "british-english"]
ENDINGS = ["tion", "sion", "ment", "ness", "ity", "ure", "ism", "ics", "ogy"]
# Given names the list has only as lower-case words ("amir" as a title, "wen" a cyst).
NAMES = {"amir", "wen", "ash", "jade", "sage", "river", "sky", "storm", "ember", "willow",
         "brook", "rain", "kai", "ren", "sol", "lin", "jin", "min", "tao", "yi", "bo", "ali",
         "dieter"}
# Our field's words a general dictionary lacks, which open a contributing factor or a
# timeline line as often as any ("Failover never tested", "Hotfix path skips the canary").
JARGON = {"failover", "failback", "hotfix", "rollout", "backfill", "runbook", "healthcheck",
          "autoscaler", "autoscaling", "config", "cronjob", "cutover", "timeout", "uptime",
          "backend", "frontend", "middleware", "webhook", "hostname", "changeset", "playbook",
          "dataset", "codebase", "sidecar", "kubectl", "terraform", "nginx", "postgres",
          "redis", "kafka", "failsafe", "rollouts", "backport", "prefetch", "precompute",
          "rebalancing", "resharding", "reindex", "reindexing", "geofence", "hotpatch",
          "signup", "checkout", "login", "logout", "autoscale", "runtime", "toolchain",
          "backlog", "bugfix", "downstream", "upstream", "onboarding", "offboarding",
          "paging", "alerting", "dashboarding", "linting", "lint", "linter", "staging",
          "canary", "canaries", "flaky", "retry", "retries", "rerun", "redeploy", "deploys",
          # The workplace's own ("Rota spreading one pharmacist across three branches").
          "rota", "rotas", "handover", "handovers", "rostering", "signoff", "walkthrough",
          "sitrep", "standup", "standups", "offshift",
          # Tools, named as often as people in chat ("argo's diff view", "jenkins ate it").
          "argo", "argocd", "jenkins", "grafana", "prometheus", "pagerduty", "opsgenie",
          "datadog", "splunk", "sentry", "vault", "consul", "nomad", "helm", "istio", "envoy",
          "etcd", "zookeeper", "elasticsearch", "kibana", "logstash", "airflow", "cassandra",
          "mongo", "mongodb", "mysql", "sqlite", "rabbitmq", "celery", "sidekiq", "github",
          "gitlab", "bitbucket", "jira", "confluence", "okta", "cloudflare", "akamai",
          "fastly", "heroku", "vercel", "netlify", "docker", "kubernetes", "ansible",
          "puppet", "chef", "spinnaker", "circleci", "buildkite", "bazel", "gradle", "maven",
          "npm", "pypi", "pgbouncer", "haproxy", "traefik", "varnish", "memcached", "redshift",
          "bigquery", "snowflake", "looker", "tableau", "statuspage", "zendesk", "twilio",
          "stripe", "auth0", "keycloak", "loki", "tempo", "jaeger", "thanos", "fluentd"}


def main():
    words = []
    for name in DICTS:
        with open(f"/usr/share/dict/{name}", encoding="utf-8") as f:
            words.extend(w.strip() for w in f)
    known = set(words)
    kept = sorted({
        w for w in words
        if w.isascii() and w.isalpha() and w.islower() and len(w) >= 3
        and w.capitalize() not in known
        and w not in NAMES
        and not any(w.endswith(e) for e in ENDINGS)
        and not (w.endswith("s") and w[:-1] in known)
    } | JARGON)
    # Words that are names too ("mark", "holiday", "amber"): no name in a sentence written
    # without capitals, where the checker reads an unknown lower-case word as one.
    dual = sorted({
        w for w in words
        if w.isascii() and w.isalpha() and w.islower() and len(w) >= 3
        and w.capitalize() in known
    })
    with open(DUAL, "w") as out:
        out.write("# Common English words that are names too: made by bench/common_words.py\n"
                  "# from Debian's wamerican and wbritish (SCOWL); see words-COPYRIGHT.txt.\n")
        out.writelines(w + "\n" for w in dual)
    with open(OUT, "w") as out:
        out.write("# Common English words that open a sentence as no name: made by "
                  "bench/common_words.py\n# from Debian's wamerican and wbritish (SCOWL); see "
                  "words-COPYRIGHT.txt.\n")
        out.writelines(w + "\n" for w in kept)
    print(f"wrote {OUT}: {len(kept)} words")


if __name__ == "__main__":
    main()
