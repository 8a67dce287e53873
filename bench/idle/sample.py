#!/usr/bin/env python3
"""Sends one webhook with ?wait to each of SAMPLE flows spread over IDS (their URLs read from the triggers API) and
checks that each run succeeded through all three listeners. Usage: sample.py BASE KEY IDS SAMPLE"""
import json, sys, time, urllib.request

base, key, ids_path, sample = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ids = [l.strip() for l in open(ids_path) if l.strip()]
step = max(1, len(ids) // sample)
picked = ids[::step][:sample]

def call(method, url, body=None, auth=True):
    headers = {"Content-Type": "application/json"}
    if auth: headers["Authorization"] = "Bearer " + key
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")

ok, times, bad = 0, [], []
for flow in picked:
    hook = [t["url"] for t in call("GET", f"{base}/api/flows/{flow}/triggers") if t["type"] == "webhook"][0]
    t0 = time.time()
    run = call("POST", hook + "?wait=10", {"name": "x"}, auth=False)
    times.append((time.time() - t0) * 1000)
    steps = [s.get("listener") for s in run.get("steps", [])]
    if run.get("status") == "succeeded" and all(l in steps for l in ("intake", "classify", "done")):
        ok += 1
    else:
        bad.append((flow, run.get("status"), steps, run.get("error")))
times.sort()
print(f"sample: {ok}/{len(picked)} flows ran a webhook through intake -> classify -> done "
      f"(answers: fastest {times[0]:.1f} ms, median {times[len(times)//2]:.1f} ms, slowest {times[-1]:.1f} ms)")
for b in bad[:5]:
    print("  failed:", b)
sys.exit(0 if ok == len(picked) else 1)
