#!/usr/bin/env bash
# CLI behaviour: exit codes, help, bad input handling, stdin, outputs.
# usage: cli.sh CLAIMCHECK SOURCE_DIR
set -u
cc=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# check NAME WANT_EXIT CMD...: runs CMD, compares its exit status.
check() {
  local name=$1 want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $name: exit $got, want $want"; sed 's/^/  /' "$tmp/err" | head -5
  fi
}
# has NAME FILE TEXT: FILE contains TEXT.
has() {
  if grep -qF -- "$3" "$2"; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $1: '$3' not in $2"; sed 's/^/  /' "$2" | head -5
  fi
}

check version 0 "$cc" --version
has version "$tmp/out" "claimcheck 0."
for c in check extract test rules report review; do
  check "help $c" 0 "$cc" "$c" --help
  has "help $c" "$tmp/out" "usage: claimcheck"
done
check no-command 2 "$cc"
check unknown-command 2 "$cc" frobnicate
check unknown-option 2 "$cc" check --frob x
check missing-path 2 "$cc" check
check report-needs-db 2 "$cc" report -o "$tmp/x.xlsx"
check review-needs-db 2 "$cc" review
check report-empty-db 6 "$cc" report --db "$tmp/none.db"
check extract-needs-json 2 "$cc" extract "$src/fixtures/blinken-cairo/cluster"
check bad-rules 4 "$cc" check --rules /nonexistent "$src/fixtures/blinken-cairo/cluster"
check rules-check 0 "$cc" rules check "$src/claims"
has rules-check "$tmp/out" "kind hostages"

# A cluster with bad files: the good article is still processed (exit 3).
mkdir "$tmp/bad"
printf 'Officials said 40 people were killed on Thursday.\n' >"$tmp/bad/a_good.txt"
: >"$tmp/bad/b_empty.txt"
printf '\xef\xbb\xbfBOM and CRLF:\r\n12 trucks crossed.\r\n' >"$tmp/bad/c_bom.txt"
printf 'NUL\0 byte and \xff invalid UTF-8; 7 people were hurt.\n' >"$tmp/bad/d_binary.txt"
check bad-input 3 "$cc" check "$tmp/bad" --json "$tmp/bad.ndjson"
has bad-input-empty "$tmp/err" "b_empty.txt: empty article"
has bad-input-repair "$tmp/err" "d_binary.txt: repaired"
has bad-input-kept "$tmp/bad.ndjson" '"id":"a_good"'
has bad-input-bom "$tmp/bad.ndjson" '"text":"12"'
check nonexistent 3 "$cc" check "$tmp/nope.txt" "$tmp/bad/a_good.txt"
has nonexistent-msg "$tmp/err" "nope.txt"
check nothing-usable 6 "$cc" check "$tmp/bad/b_empty.txt"

# The same id twice (a.txt and a.md, then a.txt again): suffixed, not merged.
mkdir "$tmp/dup"
printf 'Officials said 4 people died.\n' >"$tmp/dup/a.txt"
printf 'Officials said 5 people died.\n' >"$tmp/dup/a.md"
check dup-ids 0 "$cc" check "$tmp/dup" "$tmp/dup/a.txt" --json "$tmp/dup.ndjson"
has dup-ids "$tmp/dup.ndjson" '"id":"a~3"'

# NDJSON: a bad line is named with its line number; stdin works.
cat >"$tmp/in.ndjson" <<'J'
{"id":"ap","text":"At least 43 people were killed on Thursday, officials said.","outlet":"AP","published":"2024-03-21"}
{"id":"broken", "text":
{"id":"rt","text":"40 people were killed on Thursday, the ministry said.","outlet":"Reuters","published":"2024-03-21"}
J
check ndjson-bad-line 3 "$cc" check "$tmp/in.ndjson" --json "$tmp/out.ndjson"
has ndjson-line "$tmp/err" "in.ndjson:2:"
check ndjson-schema 0 python3 "$src/tests/check_ndjson.py" "$tmp/out.ndjson" "$tmp/in.ndjson"
has ndjson-conflict "$tmp/out.ndjson" '"category":"conflict"'
grep -v broken "$tmp/in.ndjson" >"$tmp/good.ndjson"
check stdin 0 sh -c "\"$cc\" extract - --json - <\"$tmp/good.ndjson\" >\"$tmp/stdin.ndjson\""
check stdin-schema 0 python3 "$src/tests/check_ndjson.py" "$tmp/stdin.ndjson" "$tmp/good.ndjson"

# Outputs: workbook, database and JSON together; unwritable outputs fail.
check outputs 0 "$cc" check "$src/fixtures/blinken-cairo/cluster" -o "$tmp/r.xlsx" --db "$tmp/c.db" --json "$tmp/c.ndjson"
has summary "$tmp/out" "5 articles"
check outputs-exist 0 test -s "$tmp/r.xlsx" -a -s "$tmp/c.db" -a -s "$tmp/c.ndjson"
check unwritable 5 "$cc" check "$src/fixtures/blinken-cairo/cluster" -o /nonexistent/dir/r.xlsx
# extract streams its records 64 KiB at a time: a full disk still fails the run
[ -w /dev/full ] && check extract-full 5 "$cc" extract "$src/fixtures/blinken-cairo/cluster" --json /dev/full

# The rules cache: one file after a run, the same output from it, none
# when CLAIMCHECK_CACHE is empty.
CLAIMCHECK_CACHE="$tmp/cache" check cache-fill 0 "$cc" extract "$src/fixtures/blinken-cairo/cluster" --json "$tmp/c1.ndjson"
CLAIMCHECK_CACHE="$tmp/cache" check cache-hit 0 "$cc" extract "$src/fixtures/blinken-cairo/cluster" --json "$tmp/c2.ndjson"
check cache-same 0 cmp "$tmp/c1.ndjson" "$tmp/c2.ndjson"
check cache-one-file 0 test "$(find "$tmp/cache" -name 'rules-*.bin' | wc -l)" = 1
CLAIMCHECK_CACHE= XDG_CACHE_HOME="$tmp/xdg" check cache-off 0 "$cc" extract "$src/fixtures/blinken-cairo/cluster" --json /dev/null
check cache-off-none 0 test ! -e "$tmp/xdg"
env -u CLAIMCHECK_CACHE XDG_CACHE_HOME="$tmp/xdg" "$cc" extract "$src/fixtures/blinken-cairo/cluster" --json /dev/null
check cache-xdg 0 test -d "$tmp/xdg/claimcheck"

# Pathological input stays bounded: each run gets 30 s (seconds are
# needed; the sanitizer build is several times slower than a release).
python3 -c "print('1' * 1000000)" >"$tmp/digits.txt"
check digits 0 timeout 30 "$cc" extract "$tmp/digits.txt" --json /dev/null
python3 -c "print('more than ' * 10000 + '5 people were killed.')" >"$tmp/nested.txt"
check nested 0 timeout 30 "$cc" extract "$tmp/nested.txt" --json "$tmp/nested.ndjson"
has nested-claim "$tmp/nested.ndjson" '"qualifier":"more_than"'
python3 -c "print('Gaza ' * 200000)" >"$tmp/longline.txt"
check long-line 0 timeout 30 "$cc" check "$tmp/longline.txt" --json /dev/null
python3 -c "print('4-' * 100000 + '1/2')" >"$tmp/fraction.txt"
check fraction-run 0 timeout 30 "$cc" extract "$tmp/fraction.txt" --json /dev/null
python3 -c "print('a-' * 100000 + ' ' + 'x.' * 100000 + ' ' + '1,' * 100000 + ' ' + '\$' * 100000)" >"$tmp/shapes.txt"
check shapes-run 0 timeout 30 "$cc" extract "$tmp/shapes.txt" --json /dev/null

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
