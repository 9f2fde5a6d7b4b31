#!/usr/bin/env python3
"""Validates claimcheck NDJSON against docs/ndjson.md.

usage: check_ndjson.py OUTPUT.ndjson [INPUT.ndjson]
With INPUT (an NDJSON article stream), every claim's text must equal
text[start:end] of its article, in UTF-8 bytes."""
import json
import sys

FIELDS = {
    "article": ["id", "title", "outlet", "url", "published", "published_from"],
    "claim": ["id", "article", "start", "end", "text", "class", "kind", "key", "value",
              "lo", "hi", "qualifier", "change", "change_role", "unit", "timex", "attribution"],
    "group": ["id", "kind", "key", "claims", "articles", "verdict"],
    "finding": ["id", "group", "category", "severity", "claims", "message"],
}
ENUMS = {
    ("article", "published_from"): {"metadata", "text", "cluster", "none"},
    ("claim", "class"): {"count", "amount", "percent", "money", "ordinal", "duration",
                         "date", "time", "set", "name"},
    ("claim", "qualifier"): {"exact", "approx", "more_than", "at_least", "less_than",
                             "at_most", "range", "vague"},
    ("claim", "change"): {"up", "down", None},
    ("claim", "change_role"): {"by", "to", "from", None},
    ("group", "verdict"): {"agree", "conflict", "discrepancy", "updated", "single"},
    ("finding", "severity"): {"high", "medium", "low"},
}


def main():
    out = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    bodies = {}
    if len(sys.argv) > 2:
        for line in open(sys.argv[2], encoding="utf-8"):
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a deliberately broken input line
            bodies[str(rec["id"])] = rec["text"].encode("utf-8")
    claim_ids = set()  # claims come first: groups and findings cite them
    errors = 0
    counts = {}
    for i, rec in enumerate(out, 1):
        kind = rec.get("type")
        counts[kind] = counts.get(kind, 0) + 1
        for field in FIELDS.get(kind, ["?"]):
            if field not in rec:
                print(f"line {i}: {kind} lacks {field}")
                errors += 1
        for (k, f), allowed in ENUMS.items():
            if k == kind and rec.get(f) not in allowed:
                print(f"line {i}: {kind}.{f} = {rec.get(f)!r}")
                errors += 1
        if kind == "claim" and (rec.get("change") is None) != (rec.get("change_role") is None):
            print(f"line {i}: change and change_role must be both null or both set")
            errors += 1
        if kind == "claim":
            claim_ids.add(rec["id"])
        if kind == "claim" and rec["article"] in bodies:
            body = bodies[rec["article"]]
            if body[rec["start"]:rec["end"]].decode("utf-8") != rec["text"]:
                print(f"line {i}: text {rec['text']!r} is not body[start:end]")
                errors += 1
        if kind in ("group", "finding"):
            missing = [c for c in rec["claims"] if c not in claim_ids]
            if missing:
                print(f"line {i}: {kind} cites unknown claims {missing}")
                errors += 1
    if not counts.get("claim"):
        print("no claim records")
        errors += 1
    print(f"ndjson: {sum(counts.values()) - errors} passed, {errors} failed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
