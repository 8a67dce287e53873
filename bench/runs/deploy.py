#!/usr/bin/env python3
"""Create and start N copies of greeter.yaml (or YAML, a file beside this script) through the API (one process, so
1,000 flows take seconds). Usage: deploy.py BASE KEY N PREFIX [YAML] -> prints "FLOWID HOOKURL" of the first."""
import json, os, sys, urllib.request

base, key, n, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
name = sys.argv[5] if len(sys.argv) > 5 else "greeter.yaml"
yaml = open(name if os.path.isabs(name) else os.path.join(os.path.dirname(os.path.abspath(__file__)), name)).read()

def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")

first = None
for i in range(n):
    flow = call("POST", "/api/flows", {"name": f"{prefix}-{i}", "description": "", "organismYaml": yaml, "canvasState": {}})
    status = call("POST", f"/api/flows/{flow['id']}/start", {})
    assert status["status"] == "running", status
    if first is None:
        hook = [t["url"] for t in call("GET", f"/api/flows/{flow['id']}/triggers") if t["type"] == "webhook"][0]
        first = f"{flow['id']} {hook}"
print(first)
