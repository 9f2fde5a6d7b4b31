#!/usr/bin/env python3
"""Draws the sentences of the news-number gold set from ECB+ (CC BY 3.0).

usage: sample.py CORPUS > bench/numbers/sentences.tsv

Reproducible: no randomness, only a hash of the sentence id. Every article
of the 78 ECB+ clusters (sorted by path) is split into sentences. Each
sentence falls in one stratum:
  digit  - contains an ASCII digit;
  word   - no digit but a number word, fraction word or vague amount
           (the word list below is ours, not claimcheck's);
  none   - neither (kept to measure precision on text without numbers).
Within each cluster and stratum the sentences are ordered by the SHA-1 of
their id and the first QUOTA[stratum] are taken. Output: one sentence a
line, "id<TAB>file<TAB>text", id = <article>:<sentence index>."""
import glob
import hashlib
import re
import sys

QUOTA = {"digit": 4, "word": 2, "none": 0}
NONE_EVERY = 4  # one "none" sentence from every 4th cluster

WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
         r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
         r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
         r"hundreds|thousand|thousands|million|millions|billion|dozen|"
         r"dozens|scores|several|few|couple|half|quarter|first|second|"
         r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|percent")
WORD_RE = re.compile(r"\b(?:%s)\b" % WORDS, re.I)
SPLIT_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”']))\s+(?=[\"“'(]?[A-Z])")


def sentences(path):
    """Yields the sentences of one article body (front matter dropped)."""
    text = open(path, encoding="utf-8").read()
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[-1]
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        yield from (t.strip() for t in SPLIT_RE.split(para))


def stratum(s):
    if re.search(r"\d", s):
        return "digit"
    return "word" if WORD_RE.search(s) else "none"


def main():
    corpus = sys.argv[1]
    clusters = sorted(glob.glob(corpus + "/*/"))
    for ci, cdir in enumerate(clusters):
        pools = {"digit": [], "word": [], "none": []}
        for path in sorted(glob.glob(cdir + "*.txt")):
            art = path.rsplit("/", 1)[-1][:-4]
            rel = "/".join(path.rsplit("/", 2)[-2:])
            for i, s in enumerate(sentences(path)):
                s = s.strip()
                if len(s) < 20 or "\t" in s:
                    continue
                sid = f"{art}:{i}"
                key = hashlib.sha1(sid.encode()).hexdigest()
                pools[stratum(s)].append((key, sid, rel, s))
        quota = dict(QUOTA)
        if ci % NONE_EVERY == 0:
            quota["none"] = 1
        for name in ("digit", "word", "none"):
            for _, sid, rel, s in sorted(pools[name])[:quota[name]]:
                print(f"{sid}\t{rel}\t{s}")


if __name__ == "__main__":
    main()
