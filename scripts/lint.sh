#!/usr/bin/env bash
# clang-format and clang-tidy must report nothing (config: .clang-format,
# .clang-tidy). Skipped with a message where the tools are not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(ls src/*.c src/*.h tests/*.c tests/*.h fuzz/*.c)
if ! command -v clang-format >/dev/null || ! command -v clang-tidy >/dev/null; then
  echo "lint skipped: clang-format/clang-tidy not installed"
  exit 0
fi
bad=0
for f in $files; do
  if ! clang-format "$f" | cmp -s - "$f"; then echo "clang-format: $f needs formatting"; bad=1; fi
done
cmake -S . -B build-lint -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
for f in src/*.c tests/*.c; do
  out=$(clang-tidy -p build-lint --quiet "$f" 2>/dev/null | grep -E "warning:|error:" || true)
  [ -z "$out" ] || { echo "$out"; bad=1; }
done
# The fuzz targets are built only with clang (CC_FUZZ), so build-lint has
# no compile commands for them: give clang-tidy their flags here.
for f in fuzz/*.c; do
  out=$(clang-tidy --quiet "$f" -- -std=c11 -Isrc 2>&1 | grep -E "warning:|error:" || true)
  [ -z "$out" ] || { echo "$out"; bad=1; }
done
[ $bad = 0 ] && echo "lint: clean"
exit $bad
