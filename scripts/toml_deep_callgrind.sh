#!/usr/bin/env bash
# Instructions per merge of `toml_deep` (the span engine), the toml_edit engine it replaced,
# parsing both documents into toml_edit::DocumentMut (the yardstick), the span engine's own
# parse (index_both), the toml crate's spanned parse (detable_parse_both), a bare toml_parser
# event pass (events_both), and the `toml` crate's parse-merge-serialize, on the containerd
# pair of nodeconfig-core/benches/data, counted by callgrind inside `count_*` only.
#
#   scripts/toml_deep_callgrind.sh [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-20}"
cargo bench -q -p nodeconfig-core --features toml-reference --bench toml_deep --no-run 2>/dev/null
bin=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/toml_deep-* | grep -v '\.d$' | head -1)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
printf '| contestant | instructions per merge | / toml_edit_parse_both |\n| --- | ---: | ---: |\n'
declare -A count=()
contestants=(toml_edit_parse_both toml_deep toml_deep_reference index_both detable_parse_both events_both toml_parse_merge_serialize)
for contestant in "${contestants[@]}"; do
  TOML_DEEP_LOOP="$contestant" TOML_DEEP_ITERATIONS="$iterations" \
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect="*count_${contestant}*" \
    --callgrind-out-file="$out/$contestant.out" "$bin" >/dev/null 2>"$out/$contestant.log"
  total=$(sed -n 's/^totals: \([0-9]*\).*/\1/p' "$out/$contestant.out")
  count[$contestant]=$((total / iterations))
done
for contestant in "${contestants[@]}"; do
  awk -v name="$contestant" -v n="${count[$contestant]}" -v base="${count[toml_edit_parse_both]}" \
    'BEGIN { printf "| %s | %d | %.3f |\n", name, n, n / base }'
done
