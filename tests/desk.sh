#!/usr/bin/env bash
# The desk's workflow on one database: incremental runs, editors' reviews
# that stick, what changed, report rebuilt from the database, migration
# from schema 1, and runs killed at any moment leaving the previous
# database and workbook intact. usage: desk.sh CLAIMCHECK SOURCE_DIR
set -u
cc=$(realpath "$1")
fx=$(realpath "$2")/fixtures/blinken-cairo/cluster
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { if "$@" >out 2>err; then ok; else no "$* (exit $?)"; sed 's/^/  /' err | head -3; fi; }
has() { if grep -qF -- "$2" "$1"; then ok; else no "'$2' not in $1"; head -5 "$1" | sed 's/^/  /'; fi; }
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }

# Run 1: three reports. Run 2: two more arrive.
mkdir first && cp "$fx"/00[012]_*.txt first/
check "$cc" check first --db story.db -o r1.xlsx
[ "$(sql story.db 'PRAGMA user_version')" = 3 ] && ok || no "user_version is not 3"
check "$cc" review --db story.db
fid=$(grep name_variant out | grep Anthony | cut -d' ' -f1)
[ -n "$fid" ] && ok || no "no Anthony/Antony finding to review"
check "$cc" review --db story.db "$fid" dismissed "house style allows both"
"$cc" review --db story.db f000000000000 dismissed >out 2>err && no "unknown finding accepted" || ok
has err "no finding f000000000000"
"$cc" review --db story.db "$fid" maybe >out 2>err && no "bad status accepted" || ok
check "$cc" check --db story.db "$fx"/003_*.txt "$fx"/004_*.txt -o r2.xlsx
has out "5 articles"
has out "since the last run:"
has out "new      [medium] Name spelling: “Rafah”"
grep -q "Anthony" out && no "dismissed finding in the top list" || ok
check "$cc" review --db story.db
has out "$fid  medium name_variant dismissed"
[ "$(sql story.db 'SELECT count(*) FROM runs')" = 2 ] && ok || no "runs != 2"
has <(sql story.db "SELECT group_concat(inputs) FROM runs") "004_230c4de19c50a3d6.txt"

# The report is rebuilt from the database alone, and is not a new run.
check "$cc" report --db story.db -o r3.xlsx
has out "5 articles"
[ -s r3.xlsx ] && ok || no "report wrote no workbook"
[ "$(sql story.db 'SELECT count(*) FROM runs')" = 2 ] && ok || no "report recorded a run"

# A corrected report (same id, "Refa" fixed): that finding is resolved.
sed 's/city of Refa /city of Rafah /' "$fx"/003_*.txt >"$(basename "$fx"/003_*.txt)"
check "$cc" check --db story.db ./003_*.txt
has out "resolved [medium] Name spelling: “Rafah”"
[ "$(sql story.db "SELECT count(*) FROM latest_changes WHERE change = 'resolved'")" -ge 1 ] && ok || no "no resolved change stored"
[ "$(sql story.db "SELECT count(*) FROM articles")" = 5 ] && ok || no "re-added article duplicated"

# Migration: a schema-1 database gains the workflow tables and the change
# columns (schema 3), and keeps its runs.
cp story.db old.db && python3 - old.db <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""DROP VIEW latest_changes; DROP VIEW reviewed_findings; DROP VIEW open_findings;
DROP TABLE finding_changes; DROP TABLE reviews;
ALTER TABLE claims DROP COLUMN change_role; ALTER TABLE claims DROP COLUMN change;
CREATE VIEW open_findings AS SELECT f.id FROM findings AS f; PRAGMA user_version = 1;""")
PY
check "$cc" check --db old.db
[ "$(sql old.db 'PRAGMA user_version')" = 3 ] && ok || no "old.db not migrated"
[ "$(sql old.db 'SELECT count(*) FROM runs')" = 4 ] && ok || no "old.db lost runs"
[ "$(sql old.db 'SELECT count(*) FROM claims WHERE change_role IS NULL')" -ge 1 ] && ok || no "old.db has no change_role column"

# Killed runs: a big cluster, killed at different moments.
python3 - "$fx" >big.ndjson <<'PY'
import glob, json, sys
texts = [open(p, encoding="utf-8").read() for p in sorted(glob.glob(sys.argv[1] + "/*.txt"))]
for i in range(1500):
    print(json.dumps({"id": f"copy{i}", "text": texts[i % len(texts)], "published": "2024-03-21"}))
PY
check "$cc" check --db full.db first big.ndjson # what a completed run stores
full_claims=$(sql full.db "SELECT count(*) FROM claims")
check "$cc" check --db kill.db first -o kill.xlsx
before_db=$(sql kill.db "SELECT count(*) || '/' || (SELECT count(*) FROM claims) FROM runs")
before_x=$(md5sum <kill.xlsx)
for delay in 0.2 0.5 1 1.5 2 3; do
  "$cc" check --db kill.db big.ndjson -o kill.xlsx >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  status=$?
  [ "$(sql kill.db 'PRAGMA integrity_check')" = ok ] && ok || no "integrity after kill at $delay s"
  if [ "$status" != 137 ]; then break; fi # the run completed before the kill
  # Either the previous state, or (killed after its commit) the complete new run.
  now_db=$(sql kill.db "SELECT count(*) || '/' || (SELECT count(*) FROM claims) FROM runs")
  case "$now_db" in
    "$before_db") ok ;;
    "$((${before_db%/*} + 1))/$full_claims") ok; before_db=$now_db ;;
    *) no "database half-written by a run killed at $delay s: $now_db" ;;
  esac
  # The workbook is the previous one, or a complete new one: it is renamed
  # into place only when written.
  if [ "$(md5sum <kill.xlsx)" = "$before_x" ] ||
     python3 -c "import zipfile,sys; sys.exit(zipfile.ZipFile('kill.xlsx').testzip() is not None)"; then
    ok
  else
    no "workbook damaged by a run killed at $delay s"
  fi
done
echo "desk: $pass passed, $fail failed"
[ "$fail" = 0 ]
