#!/usr/bin/env bash
# Quick start: install what is missing, build, and fact-check the bundled
# example cluster (prints the summary, writes report.xlsx and claims.db).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "+ build/claimcheck check fixtures/blinken-cairo/cluster -o report.xlsx --db claims.db"
exec build/claimcheck check fixtures/blinken-cairo/cluster -o report.xlsx --db claims.db
