#!/usr/bin/env bash
# End to end against nodeadm's own approach: the Go peer in ../shared/baselines/nodeadm-go
# (mergo with its transformers, go-toml and encoding/json round trips; its README has the build
# command) and nodeconfig (the `end_to_end` bench's `END_TO_END_GO_ROUND` mode), on the same
# three NodeConfig documents, in alternating rounds on one machine. nodeconfig runs twice per
# round: as shipped (the `nodeconfig` binary's allocator, mimalloc) and on the system allocator
# (`--no-default-features`). Prints each round and the ratios of the medians (Go time /
# nodeconfig time).
#
#   scripts/nodeadm_go_compare.sh [ROUNDS, default 7] [ITERATIONS per round, default 2000]
#
# Needs Debian's Go packages: apt-get install -y golang-go golang-github-imdario-mergo-dev
# golang-github-pelletier-go-toml.v2-dev. NODEADM_GO_DIR overrides where the Go peer is. The Go
# binary is built into a scratch directory and removed afterwards; nothing Go is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-7}"
iterations="${2:-2000}"
go_dir="${NODEADM_GO_DIR:-$(pwd)/../shared/baselines/nodeadm-go}"
[ -d "$go_dir" ] || go_dir=/work/shared/baselines/nodeadm-go
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$go_dir" && GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$scratch/nodeadm-go" .)
# The bench's executable, as cargo names it (the two builds differ in features, so in hash).
bench_executable() {
  cargo bench -q -p nodeconfig-eks --bench end_to_end --no-run --message-format=json "$@" |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1
}
rust=$(bench_executable)
rust_system=$(bench_executable --no-default-features)
[ -x "$rust" ] && [ -x "$rust_system" ] || { echo "the end_to_end bench did not build" >&2; exit 1; }
data=nodeconfig-eks/benches/data/nodeadm-go
inputs=("$data/01-karpenter.json" "$data/02-user.json" "$data/03-dropin.json")

# The same merged document from both: JSON values equal once empty objects are dropped (Go
# writes `"network": {}`), the containerd TOML compared by value (go-toml rewrites its text).
"$scratch/nodeadm-go" -n 1 "${inputs[@]}" >"$scratch/go.json" 2>/dev/null
END_TO_END_GO_ROUND=1 "$rust" >"$scratch/rust.json" 2>/dev/null
python3 - "$scratch/go.json" "$scratch/rust.json" <<'PY' || true
import json, sys, tomllib
def normal(value):
    if isinstance(value, dict):
        value = {k: normal(v) for k, v in value.items()}
        return {k: v for k, v in value.items() if v != {}}
    return [normal(v) for v in value] if isinstance(value, list) else value
go, rust = (normal(json.load(open(path))) for path in sys.argv[1:])
for doc in (go, rust):
    containerd = doc.get("spec", {}).get("containerd", {})
    if "config" in containerd:
        containerd["config"] = tomllib.loads(containerd["config"])
# nodeconfig merges these lists item by item (README, "Keyed lists"); nodeadm replaces them
# whole, so a later layer's list is all nodeadm keeps. Any other difference is a fault.
keyed = {".spec.containerd.baseRuntimeSpec.process.rlimits",
         ".spec.containerd.baseRuntimeSpec.mounts",
         ".spec.containerd.baseRuntimeSpec.linux.namespaces",
         ".spec.kubelet.config.registerWithTaints"}
def differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            yield from differences(a.get(key), b.get(key), f"{path}.{key}")
    elif a != b:
        yield path
found = list(differences(go, rust))
unexpected = [path for path in found if path not in keyed]
print("same merged document (by value):", not found)
if found:
    print("  differs where nodeconfig merges a list by key and nodeadm replaces it:",
          ", ".join(path for path in found if path in keyed) or "nowhere")
    print("  other differences (faults):", ", ".join(unexpected) or "none")
PY

printf '| round | nodeadm-go ns/iter | nodeconfig ns/iter | ratio | nodeconfig, system allocator | ratio |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: |\n'
: >"$scratch/go.txt"
: >"$scratch/rust.txt"
: >"$scratch/system.txt"
ns_per_iter() { sed -n 's/.*ns_per_iter=\([0-9]*\) .*/\1/p'; }
for round in $(seq 1 "$rounds"); do
  go_ns=$("$scratch/nodeadm-go" -n "$iterations" "${inputs[@]}" 2>&1 >/dev/null | ns_per_iter)
  rust_ns=$(END_TO_END_GO_ROUND="$iterations" "$rust" 2>&1 >/dev/null | ns_per_iter)
  system_ns=$(END_TO_END_GO_ROUND="$iterations" "$rust_system" 2>&1 >/dev/null | ns_per_iter)
  echo "$go_ns" >>"$scratch/go.txt"
  echo "$rust_ns" >>"$scratch/rust.txt"
  echo "$system_ns" >>"$scratch/system.txt"
  awk -v r="$round" -v g="$go_ns" -v n="$rust_ns" -v m="$system_ns" \
    'BEGIN { printf "| %d | %d | %d | %.2f | %d | %.2f |\n", r, g, n, g / n, m, g / m }'
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
go_median=$(median "$scratch/go.txt")
rust_median=$(median "$scratch/rust.txt")
system_median=$(median "$scratch/system.txt")
awk -v g="$go_median" -v n="$rust_median" -v m="$system_median" 'BEGIN {
  printf "\nmedians: nodeadm-go %d ns, nodeconfig %d ns: nodeconfig is %.2fx faster\n", g, n, g / n
  printf "on the system allocator: nodeconfig %d ns, %.2fx faster\n", m, g / m
}'
