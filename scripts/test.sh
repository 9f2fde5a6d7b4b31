#!/usr/bin/env bash
# The whole test suite: a warnings-as-errors build and an
# AddressSanitizer/UndefinedBehaviorSanitizer build, each running every
# test (unit tests, fixtures, CLI, workbook read-back, pathological input).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test
jobs=$(nproc)
for variant in "build:-DCMAKE_BUILD_TYPE=RelWithDebInfo" \
               "build-asan:-DCMAKE_BUILD_TYPE=Debug -DCC_SANITIZE=ON"; do
  dir=${variant%%:*}
  echo "== $dir"
  # shellcheck disable=SC2086
  cmake -S . -B "$dir" ${variant#*:} -DCC_WERROR=ON >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  (cd "$dir" && ctest --output-on-failure -j"$jobs")
done

echo "== lint"
bash scripts/lint.sh

# The libFuzzer targets, when clang is here (short smoke runs).
if command -v clang >/dev/null 2>&1 && CC=clang cmake -S . -B build-fuzz -DCC_FUZZ=ON >/dev/null 2>&1 &&
   cmake --build build-fuzz -j"$jobs" --target fuzz_check fuzz_number fuzz_masks >/dev/null 2>&1; then
  echo "== build-fuzz"
  (cd build-fuzz && ctest --output-on-failure -R 'fuzz_smoke|fuzz_number_smoke|fuzz_masks_smoke')
else
  echo "== build-fuzz skipped: clang with libFuzzer is not installed"
fi
