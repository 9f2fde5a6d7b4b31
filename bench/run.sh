#!/usr/bin/env bash
# Benchmarks (figures go to docs/benchmarks.md). Needs ../shared/corpora.
# usage: bench/run.sh [BUILD_DIR]   (default build; use a Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/claimcheck
# shellcheck source=bench/lib.sh
source bench/lib.sh

python3 bench/make_ndjson.py "$corpus" 1 >"$tmp/ecb.ndjson"
bytes=$(python3 -c "import json,sys;print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1])))" "$tmp/ecb.ndjson")
read -r t m < <(best "$bin" extract "$tmp/ecb.ndjson" --json /dev/null)
echo "extract ECB+ NDJSON ($bytes bytes of text, $(wc -l <"$tmp/ecb.ndjson") articles): $t s, $(awk "BEGIN{printf \"%.2f\", $bytes/1e6/$t}") MB/s, peak $((m / 1024)) MB"
# The corpus files themselves (front matter and text), start-up included.
fbytes=$(cat "$corpus"/*/*.txt | wc -c)
read -r t m < <(best "$bin" extract "$corpus"/* --json /dev/null)
echo "extract ECB+ files ($fbytes bytes): $t s, $(awk "BEGIN{printf \"%.2f\", $fbytes/1e6/$t}") MB/s, peak $((m / 1024)) MB"
# User CPU time, which other load on the machine disturbs less than wall time.
/usr/bin/time -f "%U" -o "$tmp/u" "$bin" extract "$corpus"/* --json /dev/null
echo "  user CPU: $(cat "$tmp/u") s, $(awk "BEGIN{printf \"%.2f\", $fbytes/1e6/$(cat "$tmp/u")}") MB/s"

# Instructions, which load from other VMs on the host does not move (wall
# times here vary by 20 % or more between runs).
# Warm: the rules cache holds the loader's analysis; cold: no cache.
if command -v valgrind >/dev/null; then
  for c in warm cold; do
    [ $c = warm ] && cache=$CLAIMCHECK_CACHE || cache=
    CLAIMCHECK_CACHE=$cache valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$bin" extract "$corpus"/* --json /dev/null 2>"$tmp/vg" >/dev/null
    echo "  instructions ($c rules cache): $(grep -o 'refs: *[0-9,]*' "$tmp/vg" | tr -s ' ' | cut -d' ' -f2)"
  done
fi
# The same run with the word and boundary rules alone: reading, tokenising
# and writing articles without any claim rule, the floor under the above.
python3 bench/token_rules.py claims "$tmp/token-rules"
read -r t m < <(best "$bin" extract "$corpus"/* --json /dev/null --rules "$tmp/token-rules")
echo "  floor, no claim rules: $t s, $(awk "BEGIN{printf \"%.2f\", $fbytes/1e6/$t}") MB/s"

python3 bench/make_ndjson.py "$corpus" 10 >"$tmp/ecb10.ndjson"
read -r t m < <(best "$bin" extract "$tmp/ecb10.ndjson" --json /dev/null)
echo "extract ECB+ x10 ($((bytes * 10)) bytes): $t s, peak $((m / 1024)) MB (flat memory: one article at a time)"

read -r t m < <(best "$bin" check fixtures/blinken-cairo/cluster -o "$tmp/r.xlsx" --db "$tmp/c.db")
echo "check example cluster (5 articles) with workbook and db: $t s, peak $((m / 1024)) MB"

for n in 1000 10000; do
  python3 bench/make_ndjson.py "$corpus" 0 "$n" >"$tmp/syn$n.ndjson"
  read -r t m < <(best "$bin" check "$tmp/syn$n.ndjson" --json "$tmp/syn$n.out")
  claims=$(grep -c '"type":"claim"' "$tmp/syn$n.out" || true)
  echo "check synthetic cluster of $n articles ($claims claims), NDJSON out: $t s, peak $((m / 1024)) MB"
done
read -r t m < <(best "$bin" check "$tmp/syn10000.ndjson" -o "$tmp/big.xlsx")
echo "check synthetic cluster of 10000 articles with workbook: $t s, peak $((m / 1024)) MB"

# Conflict recall and the high findings on unchanged clusters (read by hand
# in bench/false_alarms.md).
python3 bench/conflicts.py "$bin" "$corpus" "$tmp" | sed -n 1,2p

# Number recognition (issue #3): the hand-labelled ECB+ news set and the
# Recognizers-Text English specs (bench/numbers/LABELLING.md).
python3 bench/numbers.py "$bin" | sed -n 1,3p
python3 bench/recognizers.py "$bin" "$corpus/../recognizers-text-specs"
