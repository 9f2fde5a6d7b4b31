#!/usr/bin/env python3
"""Writes a copy of claims/ without its claim rules into OUTDIR.

Only the word and boundary rules (and every list, pattern, kind and
setting) stay, so `claimcheck extract --rules OUTDIR` reads, tokenises
and writes every article but finds no claim: the floor that the claim
rules add their cost to (docs/benchmarks.md).
usage: bench/token_rules.py CLAIMS_DIR OUTDIR
"""
import os
import re
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if not name.endswith(".rules"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            sections = re.split(r"(?m)^(?=\[)", f.read())
        keep = [s for s in sections
                if not s.startswith("[rule")
                or re.search(r"(?m)^class\s*=\s*(word|boundary)\s*$", s)]
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write("".join(keep))


if __name__ == "__main__":
    main()
