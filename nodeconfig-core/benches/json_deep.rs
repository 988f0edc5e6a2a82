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
//!
//! `cargo bench -p nodeconfig-core --bench json_deep`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nodeconfig_core::strategy::JsonDeep;
use serde_json::{Map, Value, json};
use std::hint::black_box;

/// nodeadm's default `baseRuntimeSpec`, and a later layer of the kind users write: raised
/// rlimits (one of them `RLIM_INFINITY`), an extra environment variable, a capability list.
fn runtime_spec() -> (Value, Value) {
    let spec = serde_json::from_str(include_str!("data/base-runtime-spec.json"))
        .expect("the fixture is valid JSON");
    let patch = json!({
        "process": {
            "rlimits": [
                {"type": "RLIMIT_NOFILE", "soft": 1_048_576, "hard": 1_048_576},
                {"type": "RLIMIT_MEMLOCK", "soft": u64::MAX, "hard": u64::MAX},
            ],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOGC=50"],
            "capabilities": {
                "bounding": [
                    "CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
                    "CAP_KILL", "CAP_MKNOD", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP",
                    "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
                ],
            },
            "noNewPrivileges": null,
        },
        "annotations": {"io.kubernetes.cri.sandbox-id": "generated"},
    });
    (spec, patch)
}

const SECTIONS: usize = 400;
const ENTRIES: usize = 20;

/// About 1 MB of JSON: `SECTIONS` sections of `ENTRIES` small objects each, with strings,
/// numbers, booleans, a nested object and an array in every entry.
fn large_document() -> Value {
    let sections = (0..SECTIONS).map(|section| {
        let entries = (0..ENTRIES).map(|entry| {
            let value = json!({
                "name": format!("workload-{section}-{entry}"),
                "enabled": (section + entry) % 2 == 0,
                "count": section * ENTRIES + entry,
                "limits": {"cpu": format!("{}m", 100 + entry), "memory": 1_u64 << (20 + entry % 10)},
                "tags": ["alpha", "beta", format!("t{entry}")],
            });
            (format!("entry-{entry:02}"), value)
        });
        (format!("section-{section:04}"), Value::Object(entries.collect()))
    });
    Value::Object(sections.collect())
}

/// Touches 4 keys in every 4th section (400 keys in all): a scalar replaced, a nested object
/// merged, a key deleted, a key added.
fn large_patch() -> Value {
    let sections = (0..SECTIONS).step_by(4).map(|section| {
        let mut members = Map::new();
        members.insert("entry-00".to_owned(), json!({"count": 0, "enabled": false}));
        members.insert(
            "entry-05".to_owned(),
            json!({"limits": {"memory": u64::MAX}}),
        );
        members.insert("entry-10".to_owned(), Value::Null);
        members.insert("entry-new".to_owned(), json!({"name": "added", "tags": []}));
        (format!("section-{section:04}"), Value::Object(members))
    });
    Value::Object(sections.collect())
}

fn compare(criterion: &mut Criterion, name: &str, existing: &Value, patch: &Value) {
    let mut group = criterion.benchmark_group(name);
    group.bench_function("nodeconfig json_deep", |bencher| {
        bencher.iter_batched(
            || (existing.clone(), patch.clone()),
            |(mut existing, patch)| {
                existing.json_deep(black_box(patch));
                existing
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

/// Both contestants must agree before they are timed.
fn same_result(existing: &Value, patch: &Value) {
    let mut ours = existing.clone();
    ours.json_deep(patch.clone());
    let mut theirs = existing.clone();
    json_patch::merge(&mut theirs, patch);
    assert_eq!(ours, theirs, "json_deep and json_patch::merge disagree");
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
