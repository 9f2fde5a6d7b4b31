#!/usr/bin/env python3
"""Writes ECB+ articles (CC BY 3.0, ../shared/corpora/ecbplus) as NDJSON.

usage: make_ndjson.py CORPUS REPEAT [N]
REPEAT copies of every article, or with N: a synthetic cluster of N
articles drawn in order (repeating) from the corpus, each with its own id
and a publication day, as one story cluster."""
import glob
import json
import sys

from benchlib import body_start


def articles(corpus):
    for path in sorted(glob.glob(corpus + "/*/*.txt")):
        text = open(path, encoding="utf-8").read()
        yield path.rsplit("/", 1)[-1][:-4], text[body_start(text):]


def main():
    corpus, repeat = sys.argv[1], int(sys.argv[2])
    docs = list(articles(corpus))
    if len(sys.argv) > 3:
        n = int(sys.argv[3])
        for i in range(n):
            name, text = docs[i % len(docs)]
            print(json.dumps({"id": f"{i}-{name}", "text": text,
                              "published": f"2024-03-{1 + i % 28:02d}"}))
        return
    for r in range(repeat):
        for name, text in docs:
            print(json.dumps({"id": f"{r}-{name}", "text": text}))


if __name__ == "__main__":
    main()
