#!/usr/bin/env python3
"""Conflict benchmark on real clusters (issue 5).

usage: conflicts.py CLAIMCHECK CORPUS_DIR [OUT_DIR]

Recall: in every ECB+ cluster (CC BY 3.0), each group where several reports
state the same exact count is a trial. A copy of the cluster gets that
number changed in one report (x1.5 + 1, written as digits); claimcheck must
then report a conflict in that group with the changed claim alone on its
side. False alarms: the high-severity findings on the unchanged clusters
are written to OUT_DIR/high_findings.txt for reading by hand."""
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile

from benchlib import body_start


def run(cc, path):
    out = subprocess.run([cc, "check", path, "--json", "-"], capture_output=True, text=True)
    recs = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
    by = {"claim": {}, "group": [], "finding": [], "article": {}}
    for r in recs:
        if r["type"] in ("claim", "article"):
            by[r["type"]][r["id"]] = r
        else:
            by[r["type"]].append(r)
    return by


def trials(res):
    for g in res["group"]:
        if g["verdict"] != "agree" or len(g["articles"]) < 2:
            continue
        claims = [res["claim"][c] for c in g["claims"]]
        if all(c["class"] in ("count", "amount") and c["qualifier"] == "exact"
               and c["value"] is not None and c["value"] >= 2 for c in claims):
            yield g, claims[0]


def mutate(cluster, claim, tmp):
    work = os.path.join(tmp, "cluster")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(cluster, work)
    path = os.path.join(work, claim["article"] + ".txt")
    raw = open(path, encoding="utf-8").read().encode("utf-8")
    at = body_start(raw) + claim["start"]
    old = raw[at:at + claim["end"] - claim["start"]].decode("utf-8")
    assert old == claim["text"], (old, claim["text"])
    new = str(int(claim["value"] * 1.5) + 1)
    m = re.search(r"\d[\d,.]*\d|\d", old)  # change the number, keep "-year-old"
    text = old[:m.start()] + new + old[m.end():] if m else new
    raw = raw[:at] + text.encode() + raw[at + len(old.encode()):]
    open(path, "wb").write(raw)
    return work, claim["article"] + "@" + str(claim["start"]), new


def flagged(res, claim_id):
    for f in res["finding"]:
        if f["category"] == "conflict" and claim_id in f["claims"]:
            return f
    return None


def main():
    cc, corpus = sys.argv[1], sys.argv[2]
    out_dir = sys.argv[3] if len(sys.argv) > 3 else "."
    hits = total = 0
    misses, highs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(corpus)):
            cluster = os.path.join(corpus, name)
            base = run(cc, cluster)
            for f in base["finding"]:
                if f["severity"] == "high":
                    highs.append(f"{name}\t{f['id']}\t{f['message']}")
            for g, claim in trials(base):
                total += 1
                work, cid, new = mutate(cluster, claim, tmp)
                f = flagged(run(cc, work), cid)
                if f:
                    hits += 1
                else:
                    misses.append(f"{name}\t{g['key']}\t{claim['text']!r} -> {new}")
    with open(os.path.join(out_dir, "high_findings.txt"), "w") as fh:
        fh.write("\n".join(highs) + "\n")
    print(f"recall: {hits}/{total} = {100.0 * hits / max(total, 1):.1f}% of changed figures flagged as conflicts")
    print(f"high-severity findings on {len(os.listdir(corpus))} unchanged clusters: {len(highs)} "
          f"(listed in {out_dir}/high_findings.txt)")
    for m in misses:
        print("missed:", m)


if __name__ == "__main__":
    main()
