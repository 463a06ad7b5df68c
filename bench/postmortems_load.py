#!/usr/bin/env python3
# Posts N published post-mortems (3 action items each) to a running `fika serve --demo` through
# the API, for benchmarks at the size of a large organization:
#   python3 bench/postmortems_load.py http://127.0.0.1:18098 1000
import json, re, sys, urllib.request, http.cookiejar, random, datetime
base = sys.argv[1]; n = int(sys.argv[2])
cj = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cj))
op.open(base + "/login", data=b"username=alice&password=fika-demo-2026")
html = op.open(base + "/postmortems/new").read().decode()
csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
squads = [s["squads"][0] for s in json.loads(op.open(base + "/api/v1/postmortems").read())]
squads = sorted(set(squads)) or ["player"]
random.seed(7)
today = datetime.date.today()
for i in range(n):
    start = datetime.datetime.combine(today - datetime.timedelta(days=random.randint(1, 900)), datetime.time(random.randint(0, 23), 0))
    d = random.randint(2, 120); r = d + random.randint(30, 3000)
    body = {
        "title": f"Incident {i}: queue backlog in region {i % 7}",
        "severity": f"SEV{random.randint(1, 4)}",
        "squads": [random.choice(squads)],
        "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "detected_at": (start + datetime.timedelta(minutes=d)).strftime("%Y-%m-%dT%H:%M"),
        "resolved_at": (start + datetime.timedelta(minutes=r)).strftime("%Y-%m-%dT%H:%M"),
        "summary": "A deploy filled the queue; consumers fell behind for an hour. " * 5,
        "impact": "Some listeners saw stale playlists.",
        "timeline": [{"at": (start + datetime.timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M"), "text": f"Step {m}"} for m in (0, d, r)],
        "contributing_factors": ["The queue had no backpressure.", "The alert looked at averages."],
        "action_items": [{"title": f"Fix {k} for incident {i}", "type": "prevent", "due": (today + datetime.timedelta(days=random.randint(-200, 100))).isoformat(), "status": random.choice(["open", "done", "done"])} for k in range(3)],
        "status": "review",
        # Written by bjorn, so that alice (an admin, not an author) may approve it.
        "authors": ["bjorn"],
    }
    req = urllib.request.Request(base + "/api/v1/postmortems", data=json.dumps(body).encode(), headers={"Content-Type": "application/json", "X-CSRF-Token": csrf}, method="POST")
    j = json.loads(op.open(req).read())
    req = urllib.request.Request(base + f"/api/v1/postmortems/{j['id']}/reviews", data=json.dumps({"verdict": "approved", "comments": "ok", "acknowledge_findings": True}).encode(), headers={"Content-Type": "application/json", "X-CSRF-Token": csrf}, method="POST")
    op.open(req).read()
print("posted", n)
