# bench/lib.sh: shared by the bench scripts (source it after cd to the
# repository root). Sets corpus and a temporary directory $tmp that is
# removed on exit.
corpus=../shared/corpora/ecbplus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A private rules cache (README, Usage): the first run fills it, the best
# of several runs is a warm one, as for a desk that runs claimcheck daily.
export CLAIMCHECK_CACHE="$tmp/cache"

# Runs a command $RUNS times (default 3); prints the best wall time and
# its peak RSS (KB). On a busy host, RUNS=20 gives steadier figures.
best() {
  local best_t=999999 best_m=0
  for _ in $(seq "${RUNS:-3}"); do
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>&1 || true
    read -r t m <"$tmp/t"
    if awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t best_m=$m; fi
  done
  echo "$best_t $best_m"
}
