#!/usr/bin/env bash
# Instructions per merge, derived against hand-written, counted by callgrind: unlike wall-clock
# time on a shared machine, the count does not move with the neighbours' load.
#
#   scripts/zero_cost_callgrind.sh PACKAGE BENCH [ITERATIONS]
#   scripts/zero_cost_callgrind.sh nodeconfig-core derive_vs_hand_200
#   scripts/zero_cost_callgrind.sh nodeconfig-eks derive_vs_hand_eks
#
# The bench binary's callgrind mode (benches/zero_cost/callgrind.rs in nodeconfig-core) merges
# fresh copies of its inputs ITERATIONS times (default 100) inside `zero_cost_merge_<name>`;
# callgrind counts only inside that function, so the copies are not counted. Set BENCH_BIN to
# a built bench binary to skip the build (used by scripts/provenance_before_after.sh).
#
# Other benches with a callgrind mode count one function, `zero_cost_merge_e2e`, for the
# contestants named in CONTESTANTS; the row then lists instructions per run of each:
#   CONTESTANTS="nodeconfig serde_round_trip merge_crate" \
#     scripts/zero_cost_callgrind.sh nodeconfig-eks end_to_end 20
set -euo pipefail
cd "$(dirname "$0")/.."
package="$1" bench="$2" iterations="${3:-100}"

if [ -z "${BENCH_BIN:-}" ]; then
  # The bench's own executable: cargo also lists the package's binaries when it builds them.
  BENCH_BIN=$(cargo bench -p "$package" --bench "$bench" --no-run --message-format=json 2>/dev/null |
    sed -n "s|.*\"executable\":\"\([^\"]*/deps/${bench}-[^\"]*\)\".*|\1|p" | tail -n 1)
  [ -n "$BENCH_BIN" ] || { echo "no executable for bench $bench" >&2; exit 1; }
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

declare -A per_merge
for contestant in ${CONTESTANTS:-hand_written derived}; do
  function="zero_cost_merge_${contestant}"
  [ -n "${CONTESTANTS:-}" ] && function="zero_cost_merge_e2e"
  ZERO_COST_LOOP="$contestant" ZERO_COST_ITERATIONS="$iterations" \
    valgrind --tool=callgrind --collect-atstart=no \
    --toggle-collect="*${function}*" \
    --callgrind-out-file="$out/$contestant.out" "$BENCH_BIN" >/dev/null 2>"$out/$contestant.log"
  total=$(sed -n 's/^totals: \([0-9]*\).*/\1/p' "$out/$contestant.out")
  per_merge[$contestant]=$((total / iterations))
done
if [ -n "${CONTESTANTS:-}" ]; then
  for contestant in $CONTESTANTS; do printf '| %s | %s | %s |\n' "$bench" "$contestant" "${per_merge[$contestant]}"; done
  exit 0
fi
hand="${per_merge[hand_written]}" derived="${per_merge[derived]}"
printf '| %s | %s | %s | %s |\n' "$bench" "$hand" "$derived" \
  "$(awk -v d="$derived" -v h="$hand" 'BEGIN { printf "%.3f", d / h }')"
