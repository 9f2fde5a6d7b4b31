#!/usr/bin/env python3
"""Scores `claimcheck extract` on the hand-labelled ECB+ news numbers.

usage: numbers.py BIN [GOLD] [--errors]
GOLD defaults to bench/numbers/ecbplus-gold.jsonl (see
bench/numbers/LABELLING.md). Each sentence is fed to BIN as one NDJSON
article ({"id", "text"}), so claim offsets are offsets into the sentence.

Scored system claims: classes count, amount, percent, money, ordinal,
duration, except scope claims ("all hostages", no number). Dates, times,
sets and names are not scored (not labelled). A system claim and a gold
quantity are aligned when their spans overlap, one to one, pairs with the
right value first, then by overlap length. Then:
  value correct     - gold value stated: system value equal (1e-6 rel.);
                      gold range or vague (value null): system value null
                      and lo, hi equal;
  value+qualifier   - value correct and qualifier type equal.
P = correct / scored system claims, R = correct / gold quantities. A
misvalued aligned pair is both a false positive and a false negative.
Optional gold quantities (ambiguous, LABELLING.md) count on neither side:
they and the system claims aligned with them are left out."""
import collections
import json
import os
import sys

from benchlib import close, extract_texts, prf

SCORED = {"count", "amount", "percent", "money", "ordinal", "duration"}


def load_gold(path):
    """The gold records, with quantity offsets turned into UTF-8 bytes."""
    recs = [json.loads(line) for line in open(path, encoding="utf-8")]
    for r in recs:
        s = r["sentence"]
        for q in r["quantities"]:
            q["bstart"] = len(s[:q["start"]].encode())
            q["bend"] = len(s[:q["end"]].encode())
    return recs


def value_ok(g, c):
    """Whether system claim c states gold quantity g's value."""
    if g["value"] is not None:
        return close(g["value"], c["value"])
    return c["value"] is None and close(g["lo"], c["lo"]) and \
        close(g["hi"], c["hi"])


def overlap(g, c):
    return min(g["bend"], c["end"]) - max(g["bstart"], c["start"])


def align(gold, sys_claims):
    """One-to-one pairs (g, c) of overlapping spans, right values first."""
    pairs = [(value_ok(g, c), overlap(g, c), gi, ci)
             for gi, g in enumerate(gold) for ci, c in enumerate(sys_claims)
             if overlap(g, c) > 0]
    pairs.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    used_g, used_c, out = set(), set(), []
    for _, _, gi, ci in pairs:
        if gi not in used_g and ci not in used_c:
            used_g.add(gi)
            used_c.add(ci)
            out.append((gi, ci))
    return out


class Tally:
    """Counts for the two measures, overall and by class."""

    def __init__(self):
        self.n = collections.Counter()
        self.errors = []

    def sentence(self, rec, claims):
        """Scores one sentence and records its errors."""
        cs = [c for c in claims if c["class"] in SCORED and not c.get("scope")]
        gold = rec["quantities"]
        pairs = align(gold, cs)
        paired_g = {gi for gi, _ in pairs}
        paired_c = {ci for _, ci in pairs}
        for gi, ci in pairs:
            g, c = gold[gi], cs[ci]
            if g["optional"]:
                continue
            self.n["gold"] += 1
            self.n["sys"] += 1
            self.n["gold:" + g["class"]] += 1
            self.n["found:" + g["class"]] += 1
            if not value_ok(g, c):
                self.err("VALUE", rec, g, c)
                continue
            self.n["value"] += 1
            self.n["value:" + g["class"]] += 1
            if g["qualifier"] == c["qualifier"]:
                self.n["vq"] += 1
                self.n["vq:" + g["class"]] += 1
            else:
                self.err("QUAL", rec, g, c)
        for gi, g in enumerate(gold):
            if not g["optional"] and gi not in paired_g:
                self.n["gold"] += 1
                self.n["gold:" + g["class"]] += 1
                self.err("FN", rec, g, None)
        for ci, c in enumerate(cs):
            if ci not in paired_c:
                self.n["sys"] += 1
                self.n["fp:" + c["class"]] += 1
                self.err("FP", rec, None, c)

    def err(self, kind, rec, g, c):
        def show(x, text):
            return "-" if x is None else (
                f"{text!r} v={x['value']} [{x['lo']},{x['hi']}] "
                f"{x['qualifier']} {x['class']} unit={x['unit']}")
        self.errors.append(f"{kind:5} {rec['id']}: gold {show(g, g and g['text'])}"
                           f" | sys {show(c, c and c['text'])}\n"
                           f"      {rec['sentence']}")


def show_prf(tp, nsys, ngold):
    """P, R and F1 as one report column."""
    return "P {:5.1f}  R {:5.1f}  F1 {:5.1f}".format(*prf(tp, nsys, ngold))


def report(t, nsent):
    n = t.n
    print(f"{nsent} sentences, {n['gold']} gold quantities, "
          f"{n['sys']} scored system claims")
    print(f"value            {show_prf(n['value'], n['sys'], n['gold'])}"
          f"  ({n['value']} correct)")
    print(f"value+qualifier  {show_prf(n['vq'], n['sys'], n['gold'])}"
          f"  ({n['vq']} correct)")
    print("by gold class: gold / span found / value correct / value+qual;"
          " unaligned system claims by their class")
    for cls in sorted(SCORED):
        print(f"  {cls:9} {n['gold:' + cls]:4} {n['found:' + cls]:4} "
              f"{n['value:' + cls]:4} {n['vq:' + cls]:4}   "
              f"FP {n['fp:' + cls]}")


def main():
    args = [a for a in sys.argv[1:] if a != "--errors"]
    if not args:
        sys.exit(__doc__)
    here = os.path.dirname(os.path.abspath(__file__))
    gold = args[1] if len(args) > 1 else os.path.join(
        here, "numbers", "ecbplus-gold.jsonl")
    recs = load_gold(gold)
    claims = extract_texts(args[0],
                           ((r["id"], r["sentence"]) for r in recs))
    t = Tally()
    for r in recs:
        t.sentence(r, claims.get(r["id"], []))
    report(t, len(recs))
    if "--errors" in sys.argv:
        print("\n".join(t.errors))


if __name__ == "__main__":
    main()
