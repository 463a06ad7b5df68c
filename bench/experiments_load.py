#!/usr/bin/env python3
# Posts N ended experiments to a running `fika serve --demo` through the API, for the insights
# benchmark at the size of a large organization (half with their results computed from data,
# half typed; a mix of outcomes, some aborted, some overridden):
#   python3 bench/experiments_load.py http://127.0.0.1:18096 30000
import json, re, sys, random, datetime, urllib.request, http.cookiejar
from concurrent.futures import ThreadPoolExecutor

base = sys.argv[1]; n = int(sys.argv[2])
cj = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cj))
op.open(base + "/login", data=b"username=alice&password=fika-demo-2026")
html = op.open(base + "/experiments/new").read().decode()
csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
squads = sorted(set(re.findall(r'<option value="([a-z0-9-]+)"', html.split('name="squad"')[1].split("</select>")[0])))
today = datetime.date.today()

def body(i):
    r = random.Random(i)
    start = today - datetime.timedelta(days=r.randint(30, 900))
    units = r.randint(5_000, 40_000)
    lift = r.choice([0.0, 0.0, 0.04, 0.12, -0.1])
    e = {
        "title": f"Experiment {i}: a change to step {i % 17}",
        "squad": r.choice(squads),
        "status": "aborted" if i % 11 == 0 else "concluded",
        "hypothesis": {"change": "a change", "audience": "listeners", "effect": "help them",
                       "metric": "completion", "moves": "rises"},
        "metrics": [{"name": "completion", "kind": "success", "type": "conversion"},
                    {"name": "crashes", "kind": "guardrail", "direction": "decrease", "margin": 0.5}],
        "variants": [{"name": "control", "weight": 1, "observed": units + r.randint(-90, 90)},
                     {"name": "treatment", "weight": 1, "observed": units + r.randint(-90, 90)}],
        "results": [{"metric": "crashes", "variant": "treatment", "effect": -0.1, "ci_low": -0.4,
                     "ci_high": 0.2, "significant": False}],
        "planned_sample": r.randint(5_000, 30_000),
        "planned_start": start.isoformat(),
        "planned_end": (start + datetime.timedelta(days=28)).isoformat(),
        "ended_on": (start + datetime.timedelta(days=r.choice([28, 28, 28, 14]))).isoformat(),
    }
    if i % 2 == 0:
        e["data"] = [{"metric": "completion", "variant": "control", "units": units, "conversions": int(units * 0.12)},
                     {"metric": "completion", "variant": "treatment", "units": units, "conversions": int(units * 0.12 * (1 + lift))}]
        e["plan"] = {"baseline": 0.12, "mde": 0.1, "alpha": 0.05, "power": 0.8, "variants": 2}
    else:
        eff = 0.12 * lift
        e["results"].append({"metric": "completion", "variant": "treatment", "effect": eff,
                             "ci_low": eff - 0.006, "ci_high": eff + 0.006, "significant": abs(eff) > 0.006})
    if i % 23 == 0:
        e["override"] = {"outcome": "non_informative", "reason": "A holiday skewed it."}
    return e

def post(i):
    req = urllib.request.Request(base + "/api/v1/experiments", data=json.dumps(body(i)).encode(),
                                 headers={"Content-Type": "application/json", "X-CSRF-Token": csrf}, method="POST")
    op.open(req).read()

with ThreadPoolExecutor(4) as pool:
    list(pool.map(post, range(n)))
print("posted", n)
