#!/usr/bin/env python3
"""Scores `claimcheck extract` on the English Microsoft Recognizers-Text specs.

usage: recognizers.py BIN [SPECS] [--errors]
SPECS defaults to ../shared/corpora/recognizers-text-specs (MIT licence,
Microsoft; see LICENSE there). Every spec input becomes one NDJSON
article; each expected result is compared with the claims whose spans
overlap it (one to one, right values first).

How the specs map to claimcheck fields:
  NumberModel      "number" value            <-> value of count/amount claims
  NumberRangeModel "[a,b)" "(,b]" "(a,)"...  <-> lo, hi of count/amount
                   claims (open and closed ends are not told apart:
                   claimcheck intervals are closed; an unbounded end is
                   null)
  OrdinalModel     "ordinal" value           <-> value of ordinal claims
  PercentModel     "25%"                     <-> value of percent claims
  DurationParser   Timex "PT3H" / seconds    <-> timex of duration claims,
                   or value x unit in seconds (year = 365 days, month =
                   30 days, as the spec resolves them)
Only claims of the model's classes count as system output for that model
(a date claim in a NumberModel input is neither right nor wrong).

Out of scope, left out and counted in "skipped": cases marked
NotSupported for dotnet (the reference implementation) or
NotSupportedByDesign; expected results of type ordinal.relative ("last",
"next", "the one before the last": positions relative to a list, not
numbers) and results without a number ("a small percent", "the %").
Everything else is scored, including inputs without any news context
("192.168.1.2", "one over three", "10G"), which claimcheck does not aim
at: the figure shows what a general recognizer's spec asks, not what news
needs.

Per model: P = correct / system claims, R = correct / expected results,
and accuracy = share of inputs whose output is exactly right (every
expected result found with its value, nothing else)."""
import collections
import json
import os
import re
import sys

from benchlib import close, extract_texts, prf

MODELS = {
    "NumberModel": {"count", "amount"},
    "NumberRangeModel": {"count", "amount"},
    "OrdinalModel": {"ordinal"},
    "PercentModel": {"percent"},
    "DurationParser": {"duration"},
}
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400,
           "week": 604800, "month": 2592000, "year": 31536000}


def num(s):
    """A spec number string as float, or None when empty or unparsable."""
    try:
        return float(s.replace(",", "")) if s.strip() else None
    except ValueError:
        return None


def expected(model, res):
    """(start, end_exclusive, what) of one spec result in characters, or
    None when out of scope. what is a number, (lo, hi) or (timex, secs)."""
    if model == "DurationParser":
        v = res.get("Value") or {}
        secs = (v.get("FutureResolution") or {}).get("duration")
        return res["Start"], res["Start"] + res["Length"], \
            (v.get("Timex"), num(secs) if secs else None)
    if res.get("TypeName", "").startswith("ordinal.relative"):
        return None
    val = res["Resolution"]["value"]
    if model == "NumberRangeModel":
        m = re.fullmatch(r"[\[(]([^,]*),([^,]*)[\])]", val)
        what = (num(m.group(1)), num(m.group(2))) if m else (None, None)
    else:
        what = num((val or "").rstrip("%"))
        if what is None:  # "a small percent": a word without a number
            return None
    return res["Start"], res["End"] + 1, what


def correct(model, what, c):
    """Whether claim c resolves like the expected result what."""
    if model == "NumberRangeModel":
        return close(what[0], c["lo"]) and close(what[1], c["hi"])
    if model == "DurationParser":
        timex, secs = what
        if timex and c.get("timex") == timex:
            return True
        unit = (c.get("unit") or "").rstrip("s")
        return secs is not None and c["value"] is not None and \
            unit in SECONDS and close(secs, c["value"] * SECONDS[unit])
    return c["value"] is not None and close(what, c["value"])


def load(specs):
    """The scored cases: (model, case id, input, [expected]); skip count."""
    cases, skipped = [], collections.Counter()
    for model in MODELS:
        path = os.path.join(specs, model + ".json")
        for i, case in enumerate(json.load(open(path, encoding="utf-8-sig"))):
            ns = case.get("NotSupported", "")
            if "dotnet" in ns or case.get("NotSupportedByDesign"):
                skipped[model] += 1
                continue
            exp = [expected(model, r) for r in case.get("Results", [])]
            skipped[model] += sum(e is None for e in exp)
            cases.append((model, f"{model}-{i}", case["Input"],
                          [e for e in exp if e is not None]))
    return cases, skipped


def score_case(model, text, exp, claims):
    """(expected, system, correct, error lines) for one input."""
    def b(i):
        return len(text[:i].encode())
    cs = [c for c in claims if c["class"] in MODELS[model]]
    pairs = sorted(((correct(model, w, c), ei, ci)
                    for ei, (s, e, w) in enumerate(exp)
                    for ci, c in enumerate(cs)
                    if min(b(e), c["end"]) > max(b(s), c["start"])),
                   key=lambda p: (-p[0], p[1], p[2]))
    used_e, used_c, ok, errs = set(), set(), 0, []
    for good, ei, ci in pairs:
        if ei in used_e or ci in used_c:
            continue
        used_e.add(ei)
        used_c.add(ci)
        ok += good
        if not good:
            errs.append(f"VALUE want {exp[ei][2]} got {cs[ci]['text']!r} "
                        f"v={cs[ci]['value']} [{cs[ci]['lo']},{cs[ci]['hi']}]"
                        f" timex={cs[ci].get('timex')}")
    errs += [f"FN    {text[s:e]!r} want {w}" for i, (s, e, w) in
             enumerate(exp) if i not in used_e]
    errs += [f"FP    {c['text']!r} {c['class']} v={c['value']}"
             for i, c in enumerate(cs) if i not in used_c]
    return len(exp), len(cs), ok, errs


def main():
    args = [a for a in sys.argv[1:] if a != "--errors"]
    if not args:
        sys.exit(__doc__)
    here = os.path.dirname(os.path.abspath(__file__))
    specs = args[1] if len(args) > 1 else os.path.join(
        here, "..", "..", "shared", "corpora", "recognizers-text-specs")
    cases, skipped = load(specs)
    claims = extract_texts(args[0], ((cid, text) for _, cid, text, _ in cases))
    n = collections.defaultdict(collections.Counter)
    for model, cid, text, exp in cases:
        ne, ns, ok, errs = score_case(model, text, exp, claims.get(cid, []))
        t = n[model]
        t["cases"] += 1
        t["exp"] += ne
        t["sys"] += ns
        t["ok"] += ok
        t["exact"] += not errs
        if errs and "--errors" in sys.argv:
            print(f"{cid}: {text!r}\n  " + "\n  ".join(errs), flush=True)
    print(f"{'model':17} {'inputs':>6} {'skipped':>7} {'expected':>8} "
          f"{'system':>6} {'correct':>7}     P      R     F1  accuracy")
    for model, t in n.items():
        p, r, f = prf(t["ok"], t["sys"], t["exp"])
        print(f"{model:17} {t['cases']:6} {skipped[model]:7} {t['exp']:8} "
              f"{t['sys']:6} {t['ok']:7} {p:6.1f} {r:6.1f} {f:6.1f}"
              f"  {100.0 * t['exact'] / t['cases']:6.1f}")


if __name__ == "__main__":
    main()
