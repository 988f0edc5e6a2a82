#!/usr/bin/env bash
# Compile time of #[derive(DeepMerge)] against serde's #[derive(Deserialize)], and the cold build
# time nodeconfig-derive adds to a crate that already uses serde_derive.
#
#   scripts/compile_time.sh [REPEATS]        (default 3; prints markdown tables)
#
# 1. Expansion: four one-file crates hold the same flat 200-field struct (scalars, options,
#    maps) with no derive, derive(DeepMerge), derive(Deserialize), and both. Their dependencies
#    are built once; then each crate is touched and `cargo check`ed alone, REPEATS times, and
#    the derive's cost is its check time minus the no-derive crate's.
# 2. Cold build: `cargo build` (debug) from an empty target dir of a crate that uses
#    serde_derive, and of the same crate that also uses nodeconfig-core's derive (default
#    features off, so only the derive is added), REPEATS times each; then `cargo tree -d` shows
#    whether syn is duplicated.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
repeats="${1:-3}"
work="$(mktemp -d /tmp/nodeconfig-compile-time.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"

fields() {
  local types=("u64" "bool" "Option<u32>" "Option<String>" "String" "BTreeMap<String, String>" "f64" "Option<bool>")
  for i in $(seq 0 199); do
    printf '    pub field_%03d: %s,\n' "$i" "${types[$((i % ${#types[@]}))]}"
  done
}

crate() { # name, derives, deps
  mkdir -p "$1/src"
  cat >"$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$3
TOML
  {
    echo "#![allow(dead_code)]"
    echo "use std::collections::BTreeMap;"
    [ -n "$2" ] && echo "#[derive($2)]"
    echo "pub struct Config200 {"
    fields
    echo "}"
  } >"$1/src/lib.rs"
}

core="nodeconfig-core = { path = \"$repo/nodeconfig-core\", default-features = false, features = [\"derive\"] }"
serde='serde = { version = "1", features = ["derive"] }'
crate no_derive "" "$core
$serde"
crate derive_deep_merge "nodeconfig_core::DeepMerge" "$core
$serde"
crate derive_deserialize "serde::Deserialize" "$core
$serde"
crate derive_both "nodeconfig_core::DeepMerge, serde::Deserialize" "$core
$serde"
crate cold_serde "serde::Deserialize" "$serde"
crate cold_serde_and_deep_merge "nodeconfig_core::DeepMerge, serde::Deserialize" "$core
$serde"
cat >Cargo.toml <<'TOML'
[workspace]
resolver = "3"
members = ["no_derive", "derive_deep_merge", "derive_deserialize", "derive_both"]
exclude = ["cold_serde", "cold_serde_and_deep_merge"]
TOML
cp "$repo/Cargo.lock" Cargo.lock
export CARGO_TARGET_DIR="$work/target"
cargo check --quiet --workspace 2>/dev/null

seconds() { # command...: wall-clock seconds of one run
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "## Expansion: cargo check of one 200-field struct (median of $repeats, seconds)"
echo
echo "| crate | check | minus no derive |"
echo "| --- | ---: | ---: |"
declare -A check
for name in no_derive derive_deep_merge derive_deserialize derive_both; do
  runs=()
  for _ in $(seq "$repeats"); do
    touch "$name/src/lib.rs"
    runs+=("$(seconds cargo check -p "$name")")
  done
  check[$name]=$(printf '%s\n' "${runs[@]}" | median)
done
for name in no_derive derive_deep_merge derive_deserialize derive_both; do
  printf '| %s | %.3f | %.3f |\n' "$name" "${check[$name]}" "$(echo "${check[$name]} - ${check[no_derive]}" | bc)"
done

echo
echo "## Cold build (cargo build, empty target dir; median of $repeats, seconds)"
echo
echo "| crate | cold build |"
echo "| --- | ---: |"
declare -A cold
for name in cold_serde cold_serde_and_deep_merge; do
  cp Cargo.lock "$name/Cargo.lock"
  runs=()
  for _ in $(seq "$repeats"); do
    rm -rf "$work/cold-target"
    runs+=("$(cd "$name" && CARGO_TARGET_DIR="$work/cold-target" seconds cargo build)")
  done
  cold[$name]=$(printf '%s\n' "${runs[@]}" | median)
  printf '| %s | %.2f |\n' "$name" "${cold[$name]}"
done
printf '| added by nodeconfig-derive | %.2f |\n' "$(echo "${cold[cold_serde_and_deep_merge]} - ${cold[cold_serde]}" | bc)"

echo
echo "## cargo tree -d (duplicated crates in the serde + nodeconfig-core crate; empty: none)"
echo
echo '```'
(cd cold_serde_and_deep_merge && cargo tree -d --edges normal 2>&1 || true)
(cd cold_serde_and_deep_merge && cargo tree -i syn --edges normal,build 2>&1 || true)
echo '```'
