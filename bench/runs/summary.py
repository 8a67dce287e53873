#!/usr/bin/env python3
"""The summary of run.sh: one row per build and flow, and per peer, at 1/16/64 connections, then the ratios
nextra / peer. Reads the load.sh lines ("c1 1234.5 req/s p50 0.45ms p99 2.1ms errors 0") from OUT.
Usage: summary.py OUT"""
import os, re, sys

out = sys.argv[1]
CONNS = ("1", "16", "64")


def points(name):
    p = os.path.join(out, name)
    if not os.path.exists(p):
        return None
    rows = {}
    for line in open(p):
        m = re.match(r"c(\d+) ([0-9.]+) req/s p50 (\S+) p99 (\S+)", line)
        if m:
            rows[m.group(1)] = (float(m.group(2)), m.group(3), m.group(4))
    return rows or None


ours = [(f"nextra {b} {f}", points(f"nextra-{b}-{f}.txt")) for b in ("jit", "aot") for f in ("branch", "code")]
ours = [(n, r) for n, r in ours if r]
peers = [(p, points(p + ".txt")) for p in ("nodered", "n8n")]
peers = [(p, r) for p, r in peers if r]

print(f"{'':18}" + "".join(f"{'c' + c:>34}" for c in CONNS))
for name, r in ours + peers:
    cells = [f"{r[c][0]:.0f}/s p50 {r[c][1]} p99 {r[c][2]}" if c in r else "-" for c in CONNS]
    print(f"{name:18}" + "".join(f"{cell:>34}" for cell in cells))
for pname, pr in peers:
    for name, r in ours:
        cells = [f"x{r[c][0] / pr[c][0]:.2f}" if c in r and c in pr and pr[c][0] > 0 else "-" for c in CONNS]
        print(f"{name + ' / ' + pname:34}" + "".join(f"{cell:>10}" for cell in cells))
if not peers:
    print("(no peer measured: the ratios need Node-RED or n8n installed, see /work/shared/peers/setup.sh)")
