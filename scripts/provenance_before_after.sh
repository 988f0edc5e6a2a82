#!/usr/bin/env bash
# Untraced merge cost before and after provenance tracing (`trace_merge`, commit 349b0a4) was
# added to the derive: builds the zero-cost benches at 638d2d1 (before), 349b0a4 (after) and the
# current work tree, and counts instructions per merge with scripts/zero_cost_callgrind.sh.
#
#   scripts/provenance_before_after.sh [ITERATIONS]
#
# The old commits get today's bench files (benches/derive_vs_hand_200.rs, benches/zero_cost/) in
# throw-away worktrees under /tmp; they share one target dir there so dependencies build once.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
iterations="${1:-100}"
target="${PROVENANCE_TARGET:-/tmp/nodeconfig-provenance-target}"

bench_bin() { # work tree → path of its derive_vs_hand_200 bench binary
  (cd "$1" && CARGO_TARGET_DIR="$target" cargo bench -p nodeconfig-core \
    --bench derive_vs_hand_200 --no-run --message-format=json 2>/dev/null |
    sed -n 's|.*"executable":"\([^"]*/deps/derive_vs_hand_200-[^"]*\)".*|\1|p' | tail -n 1)
}

echo "| build | hand-written (Ir/merge) | derived (Ir/merge) | derived / hand |"
echo "| --- | ---: | ---: | ---: |"
for commit in 638d2d1 349b0a4; do
  tree="/tmp/nodeconfig-$commit"
  [ -d "$tree" ] || git -C "$repo" worktree add --detach "$tree" "$commit" >/dev/null 2>&1
  cp -r "$repo/nodeconfig-core/benches/zero_cost" "$repo/nodeconfig-core/benches/derive_vs_hand_200.rs" \
    "$tree/nodeconfig-core/benches/"
  manifest="$tree/nodeconfig-core/Cargo.toml"
  # Keep only the bench targets whose files exist at that commit, then add ours.
  python3 - "$manifest" <<'PY'
import pathlib, re, sys
path = pathlib.Path(sys.argv[1])
text = re.sub(r'\n\[\[bench\]\]\nname = "([a-z_0-9]+)"\nharness = false\n',
              lambda m: m.group(0) if (path.parent / "benches" / f"{m.group(1)}.rs").exists()
              and m.group(1) != "derive_vs_hand_200" else "\n", path.read_text())
path.write_text(text.rstrip() + '\n\n[[bench]]\nname = "derive_vs_hand_200"\nharness = false\n')
PY
  bin=$(bench_bin "$tree")
  BENCH_BIN="$bin" "$repo/scripts/zero_cost_callgrind.sh" nodeconfig-core "$commit" "$iterations"
done
"$repo/scripts/zero_cost_callgrind.sh" nodeconfig-core derive_vs_hand_200 "$iterations" |
  sed 's/^| derive_vs_hand_200 /| work tree /'
