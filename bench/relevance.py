#!/usr/bin/env python3
"""Search relevance benchmark (issue #17).

Starts `fika serve --demo` on a fresh data dir, files the lessons of
bench/relevance/corpus.json through the API, asks every query of
bench/relevance/queries-*.json through GET /api/v1/search as alice (who may read
everything), and prints per query set:

  success@5   share of queries with a relevant record in the first five hits
  MRR@10      mean of 1/rank of the first relevant record in the first ten (0 if none)
  zero        share of queries that found nothing at all

A hit is relevant when its kind and title match a label (corpus labels are lessons).

    python3 bench/relevance.py [--fika target/release/fika] [--show-misses]
    python3 bench/relevance.py --queries other-queries.json   # a set written by others

A query file is a JSON array of {"q", "relevant": [title or {"kind","title"}], "type"}.
Nothing here is tuned to fika: the server answers as it would answer a person.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Fika:
    def __init__(self, binary, data):
        self.binary, self.data = binary, data
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        env = dict(os.environ, FIKA_LOG="warn")
        self.proc = subprocess.Popen(
            [binary, "serve", "--demo", "--data-dir", data, "--addr", "127.0.0.1:%d" % self.port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        for _ in range(600):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("fika did not start")
        self.token = subprocess.check_output(
            [binary, "user", "token", "alice", "--name", "relevance", "--data-dir", data],
            env=env).decode().strip()

    def call(self, method, path, body=None):
        req = urllib.request.Request(
            self.base + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": "Bearer " + self.token,
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.load(r)

    def search(self, q, **extra):
        params = dict(q=q, per_page="10", **extra)
        return self.call("GET", "/api/v1/search?" + urllib.parse.urlencode(params))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def label(l):
    if isinstance(l, str):
        return ("lesson", l.strip().lower())
    return (l["kind"], l["title"].strip().lower())


def wait_indexed(fika, title):
    """Until the last filed lesson is searchable (and the demo's index is built)."""
    deadline = time.time() + 300
    while time.time() < deadline:
        r = fika.search('title:"%s"' % title.replace('"', ""))
        building = r.get("incomplete")
        if any(h["title"] == title for h in r["hits"]) and not building:
            return
        time.sleep(0.2)
    raise SystemExit("the corpus never became searchable")


def measure(fika, queries, show_misses):
    s5 = mrr = zero = 0.0
    by_type = {}
    for q in queries:
        wanted = {label(l) for l in q["relevant"]}
        r = fika.search(q["q"])
        hits = [(h["kind"], h["title"].strip().lower()) for h in r["hits"]][:10]
        rank = next((i + 1 for i, h in enumerate(hits) if h in wanted), None)
        ok = rank is not None and rank <= 5
        s5 += ok
        mrr += 1.0 / rank if rank else 0.0
        zero += r["total"] == 0
        t = by_type.setdefault(q.get("type", "?"), [0, 0])
        t[0] += ok
        t[1] += 1
        if show_misses and not ok:
            print("  miss: %-45s rank %-4s total %-5s %s" % (
                q["q"], rank, r["total"],
                "; ".join("%s:%s" % h for h in hits[:3])))
    n = len(queries)
    return s5 / n, mrr / n, zero / n, by_type


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fika", default=os.path.join(ROOT, "target/release/fika"))
    ap.add_argument("--queries", action="append", help="query files (default: bench/relevance/queries-*.json)")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    files = args.queries or sorted(
        os.path.join(HERE, "relevance", f) for f in os.listdir(os.path.join(HERE, "relevance"))
        if f.startswith("queries-") and f.endswith(".json"))
    corpus = json.load(open(os.path.join(HERE, "relevance", "corpus.json")))
    data = tempfile.mkdtemp(prefix="fika-relevance-")
    fika = Fika(args.fika, data)
    try:
        for lesson in corpus:
            fika.call("POST", "/api/v1/lessons", {
                "title": lesson["title"], "body": lesson["body"], "tags": lesson.get("tags", [])})
        wait_indexed(fika, corpus[-1]["title"])
        print("| query set | queries | success@5 | MRR@10 | zero results |")
        print("|---|---|---|---|---|")
        details = []
        for f in files:
            queries = json.load(open(f))
            s5, mrr, zero, by_type = measure(fika, queries, args.show_misses)
            name = os.path.basename(f)
            print("| %s | %d | %.2f | %.2f | %.0f %% |" % (name, len(queries), s5, mrr, zero * 100))
            details.append((name, by_type))
        for name, by_type in details:
            print("%s success@5 by type: %s" % (name, ", ".join(
                "%s %d/%d" % (t, ok, n) for t, (ok, n) in sorted(by_type.items()))))
    finally:
        fika.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
