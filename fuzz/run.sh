#!/usr/bin/env bash
# Runs every fuzz target for a while and prints, per target, the executions and the findings.
#   bash fuzz/run.sh [seconds per target, default 300] [targets...]
# Needs cargo-fuzz (cargo install cargo-fuzz) and nightly features: a nightly toolchain if one
# is installed, else RUSTC_BOOTSTRAP=1 for this build only. Not run by CI (too slow).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
shift || true
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz() { cargo +nightly fuzz "$@"; }
else
  fuzz() { RUSTC_BOOTSTRAP=1 cargo fuzz "$@"; }
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(fuzz list)
fi
printf '%-18s %14s %10s %s\n' target executions seconds findings
for target in "${targets[@]}"; do
  log=$(mktemp)
  status=0
  fuzz run "$target" -- -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs=$(grep -oE '^Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo "?")
  found=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  printf '%-18s %14s %10s %s\n' "$target" "$runs" "$seconds" "$found (exit $status)"
  if [ "$status" -ne 0 ]; then tail -30 "$log"; fi
  rm -f "$log"
done
