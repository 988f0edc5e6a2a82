#!/usr/bin/env bash
# Instructions per merge of json_deep, merge_json_ref (borrows its patch, as json_patch::merge
# does), json_patch::merge, and json_patch::merge plus freeing the patch (the same work json_deep
# does, since it consumes its patch), on the json_deep bench's inputs, counted by callgrind
# inside the merge loops only.
#
#   scripts/json_deep_callgrind.sh [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-20}"
cargo build -q --release -p nodeconfig-core --example json_deep_instructions
bin="${CARGO_TARGET_DIR:-target}/release/examples/json_deep_instructions"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
printf '| input | json_deep | merge_json_ref | json_patch::merge | json_patch::merge + drop | json_deep / merge | json_deep / merge + drop | merge_json_ref / merge |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for input in runtime_spec 1mb; do
  declare -A count=()
  for contestant in json_deep merge_json_ref json_patch json_patch_and_drop; do
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*count_*' \
      --callgrind-out-file="$out/$contestant.out" "$bin" "$contestant" "$input" "$iterations" \
      >/dev/null 2>"$out/$contestant.log"
    total=$(sed -n 's/^totals: \([0-9]*\).*/\1/p' "$out/$contestant.out")
    count[$contestant]=$((total / iterations))
  done
  awk -v input="$input" -v ours="${count[json_deep]}" -v borrowed="${count[merge_json_ref]}" \
    -v merge="${count[json_patch]}" -v dropped="${count[json_patch_and_drop]}" 'BEGIN {
      printf "| %s | %d | %d | %d | %d | %.2f | %.2f | %.2f |\n", input, ours, borrowed, merge, dropped,
        ours / merge, ours / dropped, borrowed / merge
    }'
done
