//! `strategy = "json_deep"` against `json_patch::merge` (the usual RFC 7396 crate), side by side
//! in one run, on the same inputs: nodeadm's OCI runtime spec with a realistic later layer, and
//! a generated ~1 MB document with a patch that touches a few hundred keys. A serde round trip
//! of the existing document (`to_string` + `from_str`) is the baseline: what merging through
//! an intermediate form would cost before any merging is done.
//!
//! Inputs are cloned outside the timed section for every contestant (`iter_batched`), and what
//! a routine returns is dropped outside it too. `json_patch::merge` borrows the patch, so it is
//! timed twice: with the patch dropped outside the timed section (the strict comparison), and
//! with the patch dropped inside it, which is what merging a layer that is no longer needed
//! costs; `json_deep` consumes the patch and always pays for dropping what it does not move.
//! `merge_json_ref` borrows the patch as `json_patch::merge` does, and is timed the same way
//! as its strict comparison.
//!
//! `cargo bench -p nodeconfig-core --bench json_deep`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nodeconfig_core::strategy::JsonDeep;
use nodeconfig_core::strategy::json::merge_json_ref;
use serde_json::Value;
use std::hint::black_box;

mod json_inputs;

use json_inputs::{large_document, large_patch, runtime_spec};

fn compare(criterion: &mut Criterion, name: &str, existing: &Value, patch: &Value) {
    let mut group = criterion.benchmark_group(name);
    group.bench_function("nodeconfig json_deep", |bencher| {
        bencher.iter_batched(
            || (existing.clone(), patch.clone()),
            |(mut existing, patch)| {
                existing.apply_json_deep(black_box(patch));
                existing
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function("nodeconfig merge_json_ref", |bencher| {
        bencher.iter_batched(
            || (existing.clone(), patch.clone()),
            |(mut existing, patch)| {
                merge_json_ref(&mut existing, black_box(&patch));
                (existing, patch)
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function("json_patch::merge", |bencher| {
        bencher.iter_batched(
            || (existing.clone(), patch.clone()),
            |(mut existing, patch)| {
                json_patch::merge(&mut existing, black_box(&patch));
                (existing, patch)
            },
            BatchSize::LargeInput,
        );
    });
    // A layered merge consumes the later layer: here json_patch also pays for dropping it,
    // as json_deep does for the parts of the patch it does not move into the document.
    group.bench_function("json_patch::merge + drop(patch)", |bencher| {
        bencher.iter_batched(
            || (existing.clone(), patch.clone()),
            |(mut existing, patch)| {
                json_patch::merge(&mut existing, black_box(&patch));
                drop(patch);
                existing
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function("baseline: serde round trip", |bencher| {
        bencher.iter_batched(
            || existing.clone(),
            |existing| {
                let text = serde_json::to_string(black_box(&existing)).expect("serializes");
                let parsed: Value = serde_json::from_str(&text).expect("parses");
                (existing, parsed)
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

/// The contestants must agree before they are timed.
fn same_result(existing: &Value, patch: &Value) {
    let mut ours = existing.clone();
    ours.apply_json_deep(patch.clone());
    let mut borrowed = existing.clone();
    merge_json_ref(&mut borrowed, patch);
    let mut theirs = existing.clone();
    json_patch::merge(&mut theirs, patch);
    assert_eq!(ours, theirs, "json_deep and json_patch::merge disagree");
    assert_eq!(
        borrowed, theirs,
        "merge_json_ref and json_patch::merge disagree"
    );
}

fn benches(criterion: &mut Criterion) {
    let (spec, spec_patch) = runtime_spec();
    same_result(&spec, &spec_patch);
    compare(criterion, "json_deep/runtime_spec", &spec, &spec_patch);

    let (document, patch) = (large_document(), large_patch());
    same_result(&document, &patch);
    compare(criterion, "json_deep/1mb", &document, &patch);
}

criterion_group!(json_deep, benches);
criterion_main!(json_deep);
