#!/usr/bin/env bash
# Fuzzes each cargo-fuzz target in fuzz/ for a bounded time, one after the other, in one process
# each (two cores are plenty for one fuzzer and the rest of the machine).
#
#   scripts/fuzz.sh [seconds per target, default 60] [target...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz wants a nightly compiler; on stable,
# RUSTC_BOOTSTRAP=1 unlocks the flags it passes. libFuzzer grows its corpus in fuzz/work/<target>
# (ignored by git) from the committed seeds in fuzz/corpus/<target>. A crash leaves its input in
# fuzz/artifacts/<target>/: copy it to fuzz/corpus/<target>/crash-<what> so that
# tests/tests/fuzz_corpus.rs replays it, then fix the bug.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(json_deep toml_deep toml_deep_reference userdata)
fi

export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    mkdir -p "work/$target" "corpus/$target"
    printf '\n== fuzz %s for %ss\n' "$target" "$seconds"
    # -rss_limit_mb: the user-data reader may hold 16 MiB of decoded input a few times over.
    cargo fuzz run "$target" "work/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
        -print_final_stats=1
done
