#!/usr/bin/env python3
"""Create and start N copies of a flow YAML through the API, WORKERS requests at a time (plain HTTP/1.1 keep-alive
connections, one per worker). Prints one line per 1,000 flows and, at the end, "created N in S s" and the ids.
Usage: deploy.py BASE KEY N YAML IDS_OUT [WORKERS]"""
import http.client, json, sys, threading, time, urllib.parse

base, key, n, yaml_path, ids_out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
workers = int(sys.argv[6]) if len(sys.argv) > 6 else 4
yaml = open(yaml_path).read()
url = urllib.parse.urlparse(base)
ids = [None] * n
lock = threading.Lock()
next_index = [0]
errors = []
t0 = time.time()

def call(conn, method, path, body=None):
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        raise RuntimeError(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data or b"null")

def worker():
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    while True:
        with lock:
            i = next_index[0]
            if i >= n or errors:
                return
            next_index[0] += 1
        try:
            flow = call(conn, "POST", "/api/flows", {"name": f"idle-{i}", "description": "", "organismYaml": yaml, "canvasState": {}})
            status = call(conn, "POST", f"/api/flows/{flow['id']}/start", {})
            if status.get("status") != "running":
                raise RuntimeError(f"flow {flow['id']} did not start: {status}")
        except Exception as ex:  # noqa: BLE001 - reported and fatal
            with lock:
                errors.append(str(ex))
            return
        ids[i] = flow["id"]
        if (i + 1) % 1000 == 0:
            print(f"  {i + 1} flows created and started, {time.time() - t0:.1f} s", flush=True)

threads = [threading.Thread(target=worker) for _ in range(workers)]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    print("deploy failed: " + errors[0], file=sys.stderr)
    sys.exit(1)
with open(ids_out, "w") as f:
    f.write("\n".join(ids) + "\n")
print(f"created and started {n} flows in {time.time() - t0:.1f} s ({workers} requests at a time)")
