//! The fuzz targets' bodies (`fuzz/src/lib.rs`) on every committed input in `fuzz/corpus/`:
//! the seeds and each crash input the fuzzer found, so a fixed crash stays fixed without
//! cargo-fuzz or a nightly compiler. `scripts/fuzz.sh` runs the real fuzzing.

#[path = "../../fuzz/src/lib.rs"]
mod bodies;

use std::fs;
use std::path::Path;

/// Runs `body` on each file of `fuzz/corpus/<target>`, naming the file that fails.
fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut inputs: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("readable directory").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    for input in inputs {
        let data = fs::read(&input).expect("readable input");
        let outcome = std::panic::catch_unwind(|| body(&data));
        assert!(outcome.is_ok(), "{} fails", input.display());
    }
}

#[test]
fn json_deep_corpus() {
    replay("json_deep", bodies::json_deep);
}

#[test]
fn toml_deep_corpus() {
    replay("toml_deep", bodies::toml_deep);
}

/// The toml_deep corpus again, through the span engine and the toml_edit reference, plus the
/// differential target's own inputs.
#[test]
fn toml_deep_reference_corpus() {
    replay("toml_deep", bodies::toml_deep_reference);
    replay("toml_deep_reference", bodies::toml_deep_reference);
}

#[test]
fn userdata_corpus() {
    replay("userdata", bodies::userdata);
}
