#!/usr/bin/env python3
"""TempEval-3 style scoring of claimcheck's temporal claims on MEANTIME.

usage: timex.py CLAIMCHECK MEANTIME_DIR

MEANTIME (CC BY 4.0): 120 Wikinews articles with gold TIMEX3 at UTF-8 byte
offsets into the body. System spans are claims of class date, time,
duration or set. Strict match: same span; relaxed: overlapping spans.
Value F1 = value-correct / relaxed-matched x relaxed F1 (TempEval-3)."""
import glob
import json
import subprocess
import sys

TYPES = {"date": "DATE", "time": "TIME", "duration": "DURATION", "set": "SET"}


def system(cc, corpus):
    files = sorted(glob.glob(corpus + "/*/*.txt"))
    out = subprocess.run([cc, "extract", *files, "--json", "-"], capture_output=True, text=True)
    spans = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        if r["type"] == "claim" and r["class"] in TYPES:
            spans.setdefault(r["article"], []).append(
                (r["start"], r["end"], TYPES[r["class"]], r["timex"] or ""))
    return spans


def gold(corpus):
    g = {}
    for line in open(corpus + "/timex-gold.jsonl"):
        r = json.loads(line)
        if r.get("dct"):
            continue  # the creation time is metadata, not text to tag
        g.setdefault(r["article"], []).append((r["start"], r["end"], r["type"], r["value"]))
    return g


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    sysd, gd = system(sys.argv[1], sys.argv[2]), gold(sys.argv[2])
    n_sys = sum(len(v) for v in sysd.values())
    n_gold = sum(len(v) for v in gd.values())
    strict = relaxed = typ = val = 0
    for art, golds in gd.items():
        cands = sysd.get(art, [])
        for (gs, ge, gt, gv) in golds:
            match = [c for c in cands if c[0] < ge and gs < c[1]]
            if not match:
                continue
            relaxed += 1
            c = match[0]
            strict += c[0] == gs and c[1] == ge
            typ += c[2] == gt
            val += c[3] == gv
    sp, sr = strict / max(n_sys, 1), strict / max(n_gold, 1)
    rp, rr = relaxed / max(n_sys, 1), relaxed / max(n_gold, 1)
    rf = f1(rp, rr)
    print(f"gold {n_gold}, system {n_sys}")
    print(f"strict span  P {100*sp:.1f} R {100*sr:.1f} F1 {100*f1(sp, sr):.1f}")
    print(f"relaxed span P {100*rp:.1f} R {100*rr:.1f} F1 {100*rf:.1f}")
    print(f"type accuracy {100*typ/max(relaxed,1):.1f}")
    print(f"value F1 {100*val/max(relaxed,1)*rf:.1f}")


if __name__ == "__main__":
    main()
