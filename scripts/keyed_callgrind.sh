#!/usr/bin/env bash
# Instructions per merge of two keyed lists of LEN items each (half the keys shared), beside
# appending the same lists, for LEN = 1,000, 10,000 and 100,000, counted by callgrind inside the
# merge loops only. Linear if the instructions per item stay flat.
#
#   scripts/keyed_callgrind.sh [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-3}"
cargo build -q --release -p nodeconfig-core --example keyed_instructions
bin="${CARGO_TARGET_DIR:-target}/release/examples/keyed_instructions"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
printf '| items per list | keyed | per item | append | per item |\n'
printf '| ---: | ---: | ---: | ---: | ---: |\n'
for len in 1000 10000 100000; do
  declare -A count=()
  for contestant in keyed append; do
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*count_*' \
      --callgrind-out-file="$out/$contestant.out" "$bin" "$contestant" "$len" "$iterations" \
      >/dev/null 2>"$out/$contestant.log"
    total=$(sed -n 's/^totals: \([0-9]*\).*/\1/p' "$out/$contestant.out")
    count[$contestant]=$((total / iterations))
  done
  awk -v len="$len" -v keyed="${count[keyed]}" -v append="${count[append]}" 'BEGIN {
    printf "| %d | %d | %.0f | %d | %.0f |\n", len, keyed, keyed / (2 * len), append, append / (2 * len)
  }'
done
