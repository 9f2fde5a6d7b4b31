#!/usr/bin/env python3
"""Builds ecbplus-gold.jsonl from sentences.tsv and labels.txt (both here).

usage: build_gold.py   (writes bench/numbers/ecbplus-gold.jsonl)

Every sampled sentence becomes one record, with the quantities labelled for
it in labels.txt (none when it has no line there):
  {"id", "file", "sentence", "quantities": [{"text", "start", "end",
   "class", "value", "lo", "hi", "qualifier", "unit", "optional"}]}
start/end are character (code point) offsets into "sentence", end
exclusive. lo/hi follow docs/qualifiers.md (claims/20-qualifiers.rules as of
this set): the factors below are copied from there, not read at run time,
so a later change of the rules does not silently move the gold."""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# qualifier label -> (NDJSON qualifier type, lo factor, hi factor); None =
# unbounded.
FACTORS = {
    "exact": ("exact", 1, 1),
    "below": ("approx", 0.9, 1),
    "approx": ("approx", 0.9, 1.1),
    "more_than": ("more_than", 1, None),
    "at_least": ("at_least", 1, None),
    "less_than": ("less_than", None, 1),
    "at_most": ("at_most", None, 1),
}
CLASSES = {"count", "amount", "percent", "money", "ordinal", "duration"}


def find_span(sentence, span, where):
    """Returns (start, end) of the n-th word-bounded occurrence of span
    ("text@n", n from 1) in sentence; exits with where on failure."""
    m = re.fullmatch(r"(.*?)(?:@(\d+))?", span)
    text, nth = m.group(1), int(m.group(2) or 1)
    pat = r"(?<!\w)" + re.escape(text) + r"(?!\w)"
    hits = [h.start() for h in re.finditer(pat, sentence)]
    if len(hits) < nth:
        sys.exit(f"{where}: span {span!r} not found in {sentence!r}")
    return hits[nth - 1], hits[nth - 1] + len(text)


def quantity(sentence, fields, where):
    """Turns one label line's fields into a quantity record."""
    span, cls, val, qual, unit = fields[:5]
    if cls not in CLASSES:
        sys.exit(f"{where}: unknown class {cls!r}")
    start, end = find_span(sentence, span, where)
    q = {"text": sentence[start:end], "start": start, "end": end,
         "class": cls}
    if ".." in val:
        if qual not in ("range", "vague"):
            sys.exit(f"{where}: an interval needs range or vague")
        lo, hi = (float(x) for x in val.split(".."))
        q.update(value=None, lo=lo, hi=hi, qualifier=qual)
    else:
        if qual not in FACTORS:
            sys.exit(f"{where}: unknown qualifier {qual!r}")
        v = float(val)
        typ, flo, fhi = FACTORS[qual]
        q.update(value=v, lo=None if flo is None else round(v * flo, 9),
                 hi=None if fhi is None else round(v * fhi, 9),
                 qualifier=typ)
    for k in ("value", "lo", "hi"):
        if isinstance(q[k], float) and q[k].is_integer():
            q[k] = int(q[k])
    q["unit"] = None if unit == "-" else unit
    q["optional"] = len(fields) > 5 and fields[5] == "opt"
    return q


def main():
    sents = {}
    for line in open(os.path.join(HERE, "sentences.tsv"), encoding="utf-8"):
        sid, path, text = line.rstrip("\n").split("\t")
        sents[sid] = {"id": sid, "file": path, "sentence": text,
                      "quantities": []}
    name = os.path.join(HERE, "labels.txt")
    last = None
    for ln, line in enumerate(open(name, encoding="utf-8"), 1):
        if line.startswith("!reviewed-through "):
            last = line.split()[1]
            continue
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        where = f"{name}:{ln}"
        if fields[0] not in sents or len(fields) < 6:
            sys.exit(f"{where}: unknown sentence or short line")
        rec = sents[fields[0]]
        rec["quantities"].append(quantity(rec["sentence"], fields[1:], where))
    if last:  # labelling in progress: keep the sentences read so far
        keys = list(sents)
        sents = {k: sents[k] for k in keys[:keys.index(last) + 1]}
    with open(os.path.join(HERE, "ecbplus-gold.jsonl"), "w",
              encoding="utf-8") as out:
        for rec in sents.values():
            rec["quantities"].sort(key=lambda q: q["start"])
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    qs = [q for r in sents.values() for q in r["quantities"]]
    print(f"{len(sents)} sentences, {len(qs)} quantities "
          f"({sum(not q['optional'] for q in qs)} scored, "
          f"{sum(q['optional'] for q in qs)} optional)", file=sys.stderr)


if __name__ == "__main__":
    main()
