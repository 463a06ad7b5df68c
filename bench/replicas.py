#!/usr/bin/env python3
"""Save -> searchable on another instance (issue #18): two `fika serve` processes on one
PostgreSQL database; a lesson with a word of its own is saved through instance A, and
instance B's search is asked every 10 ms until it finds it. Prints p50/p95/max over N saves.

    python3 bench/replicas.py FIKA_BIN POSTGRES_ADMIN_URL [N]

The admin URL names a server where a scratch database may be created and dropped.
"""
import json, os, random, re, shutil, string, subprocess, sys, tempfile, threading, time
import urllib.request

fika, admin_url = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 100
db = "fika_bench_" + "".join(random.choices(string.ascii_lowercase, k=8))
base_url = admin_url.rsplit("/", 1)[0]
subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {db}"], check=True)
url = f"{base_url}/{db}"
dirs, procs, ports = [], [], []
env = dict(os.environ, FIKA_LOG="info")
try:
    for i in range(2):
        d = tempfile.mkdtemp()
        dirs.append(d)
        p = subprocess.Popen([fika, "serve", "--addr", "127.0.0.1:0", "--data-dir", d,
                              "--database-url", url], env=env, stderr=subprocess.PIPE, text=True)
        procs.append(p)
        for line in p.stderr:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                ports.append(int(m.group(1)))
                break
        # Keep reading the log, so that a full pipe never stalls the server.
        threading.Thread(target=lambda s=p.stderr: [None for _ in s], daemon=True).start()
    subprocess.run([fika, "user", "add", "bench", "--name", "Bench", "--data-dir", dirs[0],
                    "--database-url", url], env=dict(env, FIKA_PASSWORD="bench-password-2026"),
                   check=True, capture_output=True)
    token = subprocess.run([fika, "user", "token", "bench", "--data-dir", dirs[0],
                            "--database-url", url], capture_output=True, text=True,
                           check=True).stdout.strip()

    def call(port, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.load(r)

    times = []
    for i in range(n):
        word = "zq" + "".join(random.choices(string.ascii_lowercase, k=10))
        t0 = time.monotonic()
        call(ports[0], "/api/v1/lessons", {"title": f"Replica check {i}", "body": f"The word {word}."})
        while call(ports[1], f"/api/v1/search?q={word}")["total"] < 1:
            if time.monotonic() - t0 > 30:
                sys.exit(f"save {i}: not searchable on the other instance after 30 s")
            time.sleep(0.01)
        times.append((time.monotonic() - t0) * 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"save -> searchable on the other instance, {n} saves: "
          f"p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms, max {times[-1]:.0f} ms")
finally:
    for p in procs:
        p.terminate()
        p.wait()
    for d in dirs:
        shutil.rmtree(d, ignore_errors=True)
    subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"])
