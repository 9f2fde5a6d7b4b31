"""Shared by the scoring scripts in bench/: running `claimcheck extract`
and the figures every score is made of."""
import collections
import json
import os
import subprocess
import sys
import tempfile


def body_start(text):
    """Where the body of an article file's text (str or bytes) begins: after
    its front matter, or 0 without one or when it is never closed (as
    claimcheck reads it)."""
    fence = "\n---\n" if isinstance(text, str) else b"\n---\n"
    if text.startswith(fence[1:]):
        end = text.find(fence, 4)
        if end >= 0:
            return end + 5
    return 0


def extract(binary, paths):
    """The claim records of one `BIN extract PATHS --json -` run, in output
    order; exits with BIN's diagnostics when it fails."""
    out = subprocess.run([binary, "extract", *paths, "--json", "-"],
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{binary} extract failed:\n{out.stderr}")
    return [r for r in map(json.loads, out.stdout.splitlines())
            if r["type"] == "claim"]


def extract_texts(binary, texts):
    """Claims by article id from one extract run over (id, text) pairs,
    each fed as one NDJSON article, so claim offsets are offsets into its
    text."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "texts.ndjson")
        with open(src, "w", encoding="utf-8") as f:
            for aid, text in texts:
                f.write(json.dumps({"id": aid, "title": aid, "text": text})
                        + "\n")
        claims = collections.defaultdict(list)
        for c in extract(binary, [src]):
            claims[c["article"]].append(c)
    return claims


def close(a, b):
    """Numbers (or nulls) equal up to a relative 1e-6."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def f1(p, r):
    """The harmonic mean of precision and recall (0 when both are)."""
    return 2 * p * r / (p + r) if p + r else 0.0


def prf(tp, nsys, ngold):
    """Precision, recall and F1 in percent of tp correct out of nsys system
    answers and ngold expected ones."""
    p = 100.0 * tp / nsys if nsys else 0.0
    r = 100.0 * tp / ngold if ngold else 0.0
    return p, r, f1(p, r)
