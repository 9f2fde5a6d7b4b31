#!/usr/bin/env python3
"""TempEval-3 style scoring of claimcheck's temporal claims on MEANTIME.

usage: timex.py CLAIMCHECK MEANTIME_DIR [--errors] [--dct include] [--region all]

MEANTIME (CC BY 4.0): 120 Wikinews articles with gold TIMEX3 at UTF-8 byte
offsets into the body. System spans are claims of class date, time,
duration or set.

Metrics (TempEval-3, UzZaman et al. 2013):
- strict match: same span; relaxed match: overlapping spans.
- precision = system spans that match some gold span / system spans;
  recall = gold spans matched by some system span / gold spans (so one
  long system span over two gold spans is one true positive, not two).
- type and value accuracy over the relaxed-matched gold spans, each taken
  with the system span that overlaps it most;
- value F1 = value accuracy x relaxed F1.

MEANTIME annotates only the start of each article (the title, kept in the
front matter here, and the first sentences): no gold TIMEX3 lies beyond
the fourth body sentence after the dateline in any of the 120 articles.
System spans past that point would count as false positives for text no
annotator read, so they are left out (--region all keeps them). The
sentence splitter below is deliberately conservative (it does not split
after initials and common abbreviations), so the scored region errs on
the long side; the script checks that no gold span falls outside it.

The document creation time is metadata: its gold annotation (the dateline
copied into the first body line) is left out, and so is any system span
overlapping it, unless --dct include keeps both sides.

--errors prints every miss, false positive and wrong type/value, grouped by
category, to stdout after the scores."""
import collections
import glob
import json
import re
import sys

from benchlib import body_start, extract, f1

TYPES = {"date": "DATE", "time": "TIME", "duration": "DURATION", "set": "SET"}


def system(cc, corpus):
    """Spans per article: (start, end, TYPE, value)."""
    spans = {}
    for r in extract(cc, sorted(glob.glob(corpus + "/*/*.txt"))):
        if r["class"] in TYPES:
            spans.setdefault(r["article"], []).append(
                (r["start"], r["end"], TYPES[r["class"]], r["timex"] or ""))
    return spans


def gold(corpus):
    """Gold spans per article and the DCT spans per article."""
    g, dct = {}, {}
    for line in open(corpus + "/timex-gold.jsonl", encoding="utf-8"):
        r = json.loads(line)
        span = (r["start"], r["end"], r["type"], r["value"])
        (dct if r.get("dct") else g).setdefault(r["article"], []).append(span)
    return g, dct


def bodies(corpus):
    """Article id -> body bytes (after the front matter), for the scored
    region and the error dumps."""
    out = {}
    for path in glob.glob(corpus + "/*/*.txt"):
        raw = open(path, "rb").read()
        out[path.rsplit("/", 1)[1][:-4]] = raw[body_start(raw):]
    return out


ABBREV = re.compile(rb"(?:\b[A-Z]|\b(?:Inc|Corp|Co|Ltd|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|"
                    rb"No|vs|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|U\.S|U\.K|a\.m|p\.m))\.$")
BOUNDARY = re.compile(rb"\n\s*\n|[.!?]['\"]*\s+(?=[A-Z`'\"(])")
REGION_SENTENCES = 4


def region_end(body):
    """End of the annotated region: the dateline line, then four sentences."""
    pos = body.find(b"\n") + 1 if body else 0
    n = 0
    for m in BOUNDARY.finditer(body, pos):
        if m.group(0)[0:1] == b"." and ABBREV.search(body[max(m.start() - 6, 0):m.start() + 1]):
            continue
        n += 1
        if n == REGION_SENTENCES:
            return m.start() + 1
    return len(body)


def overlap(a, b):
    return min(a[1], b[1]) - max(a[0], b[0])


def score(sysd, gd):
    """Counts and the error list."""
    c = collections.Counter()
    errors = []
    for art in set(gd) | set(sysd):
        golds, cands = gd.get(art, []), sysd.get(art, [])
        c["gold"] += len(golds)
        c["sys"] += len(cands)
        for s in cands:
            hits = [g for g in golds if overlap(s, g) > 0]
            c["sys_relaxed"] += bool(hits)
            c["sys_strict"] += any(g[:2] == s[:2] for g in hits)
            if not hits:
                errors.append(("false positive", art, s, None))
        for g in golds:
            hits = [s for s in cands if overlap(s, g) > 0]
            if not hits:
                errors.append(("miss", art, None, g))
                continue
            s = max(hits, key=lambda s: overlap(s, g))
            c["gold_relaxed"] += 1
            c["gold_strict"] += any(h[:2] == g[:2] for h in hits)
            c["type"] += s[2] == g[2]
            c["value"] += s[3] == g[3]
            if s[:2] != g[:2]:
                errors.append(("span", art, s, g))
            if s[2] != g[2]:
                errors.append(("type", art, s, g))
            if s[3] != g[3]:
                errors.append(("value", art, s, g))
    return c, errors


def show(errors, text):
    """Prints errors grouped by category, each with the covered text."""
    def txt(art, s):
        return text.get(art, b"")[s[0]:s[1]].decode("utf-8", "replace").replace("\n", " ")

    by = collections.defaultdict(list)
    for kind, art, s, g in errors:
        by[kind].append((art, s, g))
    for kind in ("miss", "false positive", "value", "type", "span"):
        print(f"\n## {kind} ({len(by[kind])})")
        for art, s, g in sorted(by[kind], key=lambda e: (e[0], (e[1] or e[2])[0])):
            gs = f"gold {g[2]} {g[3]!r} «{txt(art, g)}»" if g else ""
            ss = f"sys {s[2]} {s[3]!r} «{txt(art, s)}»" if s else ""
            ctx = (g or s)
            around = txt(art, (max(ctx[0] - 50, 0), ctx[1] + 50))
            print(f"{art}@{ctx[0]}: {gs}  {ss}\n    …{around}…")


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    include_dct = "--dct" in args and args[args.index("--dct") + 1] == "include"
    sysd = system(args[0], args[1])
    gd, dct = gold(args[1])
    text = bodies(args[1])
    if "--region" not in args or args[args.index("--region") + 1] != "all":
        for art, body in text.items():
            end = region_end(body)
            outside = [g for g in gd.get(art, []) if g[1] > end]
            if outside:
                print(f"warning: {art}: gold span {outside[0][:2]} past the region end {end}")
            sysd[art] = [s for s in sysd.get(art, []) if s[0] < end]
    for art, spans in dct.items():
        if include_dct:
            gd.setdefault(art, []).extend(spans)
        else:
            sysd[art] = [s for s in sysd.get(art, []) if not any(overlap(s, d) > 0 for d in spans)]
    c, errors = score(sysd, gd)
    sp, sr = c["sys_strict"] / max(c["sys"], 1), c["gold_strict"] / max(c["gold"], 1)
    rp, rr = c["sys_relaxed"] / max(c["sys"], 1), c["gold_relaxed"] / max(c["gold"], 1)
    rf = f1(rp, rr)
    m = max(c["gold_relaxed"], 1)
    print(f"gold {c['gold']}, system {c['sys']}")
    print(f"strict span  P {100*sp:.1f} R {100*sr:.1f} F1 {100*f1(sp, sr):.1f}")
    print(f"relaxed span P {100*rp:.1f} R {100*rr:.1f} F1 {100*rf:.1f}")
    print(f"type accuracy {100*c['type']/m:.1f}, value accuracy {100*c['value']/m:.1f}")
    print(f"value F1 {100*c['value']/m*rf:.1f}")
    if "--errors" in args:
        show(errors, text)


if __name__ == "__main__":
    main()
