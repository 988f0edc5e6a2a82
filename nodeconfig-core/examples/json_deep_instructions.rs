//! Instructions per merge, `json_deep` against `json_patch::merge`, on the `json_deep` bench's
//! inputs, counted by callgrind only inside the `count_*` functions (the input copies are not
//! counted). Wall-clock on a shared machine moves by tens of percent; this count does not.
//!
//! `scripts/json_deep_callgrind.sh` runs every contestant and prints the table; by hand:
//!
//! ```sh
//! cargo build --release -p nodeconfig-core --example json_deep_instructions
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*count_*' \
//!     target/release/examples/json_deep_instructions json_deep 1mb 20
//! ```
//!
//! Contestants: `json_deep` (consumes its patch, so it frees what it does not move in),
//! `merge_json_ref` (`nodeconfig_core::strategy::json::merge_json_ref`, which borrows the patch
//! like `json_patch::merge`: freeing it is left out), `json_patch` (borrows the patch),
//! `json_patch_and_drop` (the same work as `json_deep`: the patch is freed too), and
//! `merge_patch` (`strategy = "merge_patch"`: the same patch merged into the document as into
//! an earlier patch, deletions kept).

#[path = "../benches/json_inputs/mod.rs"]
mod json_inputs;

use nodeconfig_core::strategy::json::merge_json_ref;
use nodeconfig_core::strategy::{JsonDeep, MergePatch};
use serde_json::Value;
use std::hint::black_box;

#[inline(never)]
fn count_json_deep(documents: &mut [Value], patches: Vec<Value>) {
    for (document, patch) in documents.iter_mut().zip(patches) {
        document.apply_json_deep(black_box(patch));
    }
}

#[inline(never)]
fn count_merge_patch(documents: &mut [Value], patches: Vec<Value>) {
    for (document, patch) in documents.iter_mut().zip(patches) {
        document.apply_merge_patch(black_box(patch));
    }
}

#[inline(never)]
fn count_merge_json_ref(documents: &mut [Value], patches: &[Value]) {
    for (document, patch) in documents.iter_mut().zip(patches) {
        merge_json_ref(document, black_box(patch));
    }
}

#[inline(never)]
fn count_json_patch(documents: &mut [Value], patches: &[Value]) {
    for (document, patch) in documents.iter_mut().zip(patches) {
        json_patch::merge(document, black_box(patch));
    }
}

#[inline(never)]
fn count_json_patch_and_drop(documents: &mut [Value], patches: Vec<Value>) {
    for (document, patch) in documents.iter_mut().zip(patches) {
        json_patch::merge(document, black_box(&patch));
        drop(patch);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: json_deep_instructions json_deep|merge_patch|merge_json_ref|json_patch|json_patch_and_drop runtime_spec|1mb [ITERATIONS]";
    let (Some(contestant), Some(input)) = (args.next(), args.next()) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let iterations: usize = args
        .next()
        .map_or(20, |n| n.parse().expect("ITERATIONS is a number"));
    let (document, patch) = match input.as_str() {
        "runtime_spec" => json_inputs::runtime_spec(),
        "1mb" => (json_inputs::large_document(), json_inputs::large_patch()),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let mut documents = vec![document; iterations];
    let patches = vec![patch; iterations];
    match contestant.as_str() {
        "json_deep" => count_json_deep(&mut documents, patches),
        "merge_patch" => count_merge_patch(&mut documents, patches),
        "merge_json_ref" => {
            count_merge_json_ref(&mut documents, &patches);
            drop(patches);
        }
        "json_patch" => {
            count_json_patch(&mut documents, &patches);
            drop(patches);
        }
        "json_patch_and_drop" => count_json_patch_and_drop(&mut documents, patches),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
    black_box(&documents);
}
