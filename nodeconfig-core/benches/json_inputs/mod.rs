//! The inputs of the `json_deep` comparisons, shared by `benches/json_deep.rs` and
//! `examples/json_deep_instructions.rs`.

use serde_json::{Map, Value, json};

/// nodeadm's default `baseRuntimeSpec`, and a later layer of the kind users write: raised
/// rlimits (one of them `RLIM_INFINITY`), an extra environment variable, a capability list.
pub fn runtime_spec() -> (Value, Value) {
    let spec = serde_json::from_str(include_str!("../data/base-runtime-spec.json"))
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
pub fn large_document() -> Value {
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
pub fn large_patch() -> Value {
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
