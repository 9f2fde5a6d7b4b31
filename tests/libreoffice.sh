#!/usr/bin/env bash
# The example workbook opens in LibreOffice Calc: headless conversion to
# CSV must succeed and show the Summary sheet's title. (A file Calc has to
# repair fails to convert or converts empty.) Exit 77 = skipped.
# usage: libreoffice.sh CLAIMCHECK SOURCE_DIR
set -u
command -v soffice >/dev/null || { echo "soffice not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$1" check "$2/fixtures/blinken-cairo/cluster" -o "$tmp/r.xlsx" >/dev/null || exit 1
# A private profile so parallel runs and a user's own Calc do not collide.
timeout 180 soffice -env:UserInstallation="file://$tmp/profile" --headless \
  --convert-to csv --outdir "$tmp" "$tmp/r.xlsx" >"$tmp/log" 2>&1
if grep -q "claimcheck report" "$tmp/r.csv" 2>/dev/null; then
  echo "libreoffice: 1 passed, 0 failed"
else
  cat "$tmp/log"
  echo "libreoffice: 0 passed, 1 failed"
  exit 1
fi
