//! `list_key` beside `json_deep`: keyed lists inside JSON documents, directives, errors,
//! atomicity and provenance.

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, MergeError, merge_all};
use serde_json::{Value, json};

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Containerd {
    #[merge(
        strategy = "json_deep",
        list_key(path = "process.rlimits", key = "type"),
        list_key(path = "mounts", key = "destination"),
        list_key(path = "registerWithTaints", key = "key, effect"),
        list_key(path = "containers", key = "name"),
        list_key(path = "containers.ports", key = "port, protocol")
    )]
    base_runtime_spec: Option<Value>,
    #[merge(strategy = "json_deep")]
    plain: Option<Value>,
    max_pods: Option<u32>,
}

fn spec(value: Value) -> Containerd {
    Containerd {
        base_runtime_spec: Some(value),
        ..Containerd::default()
    }
}

fn merged(layers: Vec<Value>) -> Result<Value, MergeError> {
    merge_all(layers.into_iter().map(spec)).map(|merged| merged.base_runtime_spec.unwrap())
}

fn merge_error(earlier: Value, later: Value) -> MergeError {
    let mut existing = Containerd {
        max_pods: Some(1),
        ..spec(earlier)
    };
    let before = existing.clone();
    let error = existing
        .deep_merge(Containerd {
            max_pods: Some(2),
            ..spec(later)
        })
        .unwrap_err();
    assert_eq!(existing, before, "a failed merge changed the destination");
    error
}

const NOFILE: &str = "RLIMIT_NOFILE";

#[test]
fn a_user_adding_an_rlimit_keeps_the_default_one() {
    let result = merged(vec![
        json!({"process": {"rlimits": [
            {"type": NOFILE, "soft": 1024, "hard": 1024},
            {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
        ]}}),
        json!({"process": {"rlimits": [
            {"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096},
            {"type": NOFILE, "soft": 65536},
        ]}}),
    ])
    .unwrap();
    assert_eq!(
        result,
        json!({"process": {"rlimits": [
            {"type": NOFILE, "soft": 65536, "hard": 1024},
            {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
            {"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096},
        ]}})
    );
}

#[test]
fn compound_keys_match_on_every_member_and_other_arrays_replace() {
    let result = merged(vec![
        json!({
            "registerWithTaints": [{"key": "gpu", "effect": "NoSchedule", "value": "a"}],
            "args": ["a", "b"],
        }),
        json!({
            "registerWithTaints": [
                {"key": "gpu", "effect": "NoExecute", "value": "b"},
                {"key": "gpu", "effect": "NoSchedule", "value": "c"},
            ],
            "args": ["c"],
        }),
    ])
    .unwrap();
    assert_eq!(
        result,
        json!({
            "registerWithTaints": [
                {"key": "gpu", "effect": "NoSchedule", "value": "c"},
                {"key": "gpu", "effect": "NoExecute", "value": "b"},
            ],
            "args": ["c"],
        })
    );
}

#[test]
fn keyed_lists_nest_through_keyed_items() {
    let result = merged(vec![
        json!({"containers": [{"name": "app", "ports": [
            {"port": 80, "protocol": "TCP", "name": "http"},
        ]}]}),
        json!({"containers": [{"name": "app", "ports": [
            {"port": 80, "protocol": "UDP"},
            {"port": 80, "protocol": "TCP", "name": "web"},
        ]}]}),
    ])
    .unwrap();
    assert_eq!(
        result["containers"][0]["ports"],
        json!([
            {"port": 80, "protocol": "TCP", "name": "web"},
            {"port": 80, "protocol": "UDP"},
        ])
    );
}

#[test]
fn a_delete_item_removes_the_earlier_item_with_its_key() {
    let result = merged(vec![
        json!({"mounts": [{"destination": "/a"}, {"destination": "/b"}, {"destination": "/c"}]}),
        json!({"mounts": [{"destination": "/b", "$patch": "delete"}, {"destination": "/z", "$patch": "delete"}]}),
    ])
    .unwrap();
    assert_eq!(
        result,
        json!({"mounts": [{"destination": "/a"}, {"destination": "/c"}]})
    );
}

#[test]
fn a_replace_item_makes_the_rest_of_the_later_list_replace_the_earlier_list() {
    let result = merged(vec![
        json!({"process": {"rlimits": [{"type": NOFILE, "soft": 1}, {"type": "RLIMIT_CORE"}]}}),
        json!({"process": {"rlimits": [{"$patch": "replace"}, {"type": "RLIMIT_NPROC", "soft": 2, "hard": null}]}}),
    ])
    .unwrap();
    // nodeadm's behaviour for this one list; nulls vanish as in any value landing on nothing.
    assert_eq!(
        result,
        json!({"process": {"rlimits": [{"type": "RLIMIT_NPROC", "soft": 2}]}})
    );
}

#[test]
fn object_directives_replace_or_delete_the_object() {
    let result = merged(vec![
        json!({"linux": {"resources": {"cpu": 1, "memory": 2}, "sysctl": {"a": "1"}}, "hostname": "x"}),
        json!({"linux": {"resources": {"$patch": "replace", "pids": 3}, "sysctl": {"$patch": "delete"}}}),
    ])
    .unwrap();
    assert_eq!(
        result,
        json!({"linux": {"resources": {"pids": 3}}, "hostname": "x"})
    );
    // A keyed item with its key and a replace directive replaces the earlier item.
    let result = merged(vec![
        json!({"mounts": [{"destination": "/a", "options": ["ro"], "type": "bind"}]}),
        json!({"mounts": [{"destination": "/a", "$patch": "replace", "type": "tmpfs"}]}),
    ])
    .unwrap();
    assert_eq!(
        result,
        json!({"mounts": [{"destination": "/a", "type": "tmpfs"}]})
    );
}

fn contains_directive(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            object.contains_key("$patch") || object.values().any(contains_directive)
        }
        Value::Array(items) => items.iter().any(contains_directive),
        _ => false,
    }
}

#[test]
fn no_directive_survives_into_the_merged_document() {
    let with_directives = json!({
        "mounts": [{"$patch": "replace"}, {"destination": "/a", "$patch": "delete"}, {"destination": "/b"}],
        "linux": {"$patch": "replace", "sysctl": {"$patch": "delete"}, "cpu": {"shares": 2}},
        "gone": {"$patch": "delete"},
    });
    let expected = json!({"mounts": [{"destination": "/b"}], "linux": {"cpu": {"shares": 2}}});
    // As the first layer, onto nothing, and onto an earlier document.
    assert_eq!(merged(vec![with_directives.clone()]).unwrap(), expected);
    let onto_none = merge_all([Containerd::default(), spec(with_directives.clone())]).unwrap();
    assert_eq!(onto_none.base_runtime_spec.unwrap(), expected);
    let onto_earlier = merged(vec![
        json!({"gone": 1, "mounts": [{"destination": "/c"}]}),
        with_directives,
    ]);
    assert!(!contains_directive(&onto_earlier.unwrap()));
}

#[test]
fn a_field_without_list_key_keeps_rfc_7396_and_dollar_members_as_data() {
    let merged = merge_all([
        Containerd {
            plain: Some(json!({"a": [{"k": 1}]})),
            ..Containerd::default()
        },
        Containerd {
            plain: Some(json!({"a": [{"k": 2}], "$patch": "delete"})),
            ..Containerd::default()
        },
    ])
    .unwrap();
    assert_eq!(
        merged.plain.unwrap(),
        json!({"a": [{"k": 2}], "$patch": "delete"})
    );
}

#[test]
fn unknown_and_misplaced_directives_are_errors_naming_the_path() {
    let error = merge_error(json!({}), json!({"linux": {"sysctl": {"$patch": "merge"}}}));
    assert_eq!(error.path(), "baseRuntimeSpec.linux.sysctl");
    assert!(
        error
            .message()
            .starts_with("unknown directive `\"$patch\": \"merge\"`"),
        "{error}"
    );

    let error = merge_error(json!({}), json!({"args": ["a", {"$patch": "delete"}]}));
    assert_eq!(error.path(), "baseRuntimeSpec.args[1]");
    assert!(
        error.message().starts_with("misplaced directive"),
        "{error}"
    );

    let error = merge_error(json!({"a": 1}), json!({"$patch": "delete"}));
    assert_eq!(error.path(), "baseRuntimeSpec");

    let error = merge_error(json!({}), json!({"x": {"$retainKeys": ["a"]}}));
    assert!(
        error
            .message()
            .starts_with("unsupported directive `$retainKeys`"),
        "{error}"
    );

    let error = merge_error(
        json!({}),
        json!({"mounts": [{"$patch": "replace"}, {"$patch": "replace"}]}),
    );
    assert_eq!(error.path(), "baseRuntimeSpec.mounts");
}

#[test]
fn duplicate_keys_name_the_path_both_indexes_and_the_key() {
    let error = merge_error(
        json!({"process": {"rlimits": []}}),
        json!({"process": {"rlimits": [{"type": NOFILE}, {"type": "RLIMIT_CORE"}, {"type": NOFILE, "soft": 1}]}}),
    );
    assert_eq!(
        error.path(),
        "baseRuntimeSpec.process.rlimits[type=RLIMIT_NOFILE]"
    );
    assert!(
        error.message().starts_with(
            "the later document's list has the key `type=RLIMIT_NOFILE` twice, at index 0 and at index 2"
        ),
        "{error}"
    );
    let error = merge_error(
        json!({"registerWithTaints": [{"key": "a", "effect": "E"}, {"key": "a", "effect": "E"}]}),
        json!({"registerWithTaints": []}),
    );
    assert_eq!(
        error.path(),
        "baseRuntimeSpec.registerWithTaints[key=a,effect=E]"
    );
    assert!(
        error.message().starts_with("the earlier document's list"),
        "{error}"
    );
    // In the first layer too.
    let error = merged(vec![
        json!({"mounts": [{"destination": "/a"}, {"destination": "/a"}]}),
    ])
    .unwrap_err();
    assert_eq!(error.path(), "baseRuntimeSpec.mounts[destination=/a]");
}

#[test]
fn items_must_be_objects_with_their_key() {
    let error = merge_error(json!({}), json!({"mounts": ["/a"]}));
    assert_eq!(error.path(), "baseRuntimeSpec.mounts[0]");
    assert!(error.message().contains("is not an object"), "{error}");
    let error = merge_error(
        json!({}),
        json!({"mounts": [{"destination": "/a"}, {"source": "/b"}]}),
    );
    assert_eq!(error.path(), "baseRuntimeSpec.mounts[1]");
    assert!(
        error.message().contains("lacks its key (`destination`)"),
        "{error}"
    );
    let error = merge_error(json!({}), json!({"mounts": [{"$patch": "delete"}]}));
    assert_eq!(error.path(), "baseRuntimeSpec.mounts[0]");
}

#[test]
fn an_error_inside_a_keyed_item_names_the_item_by_key() {
    let error = merge_error(
        json!({"containers": [{"name": "app"}]}),
        json!({"containers": [{"name": "app", "ports": [{"port": 1, "protocol": "TCP", "x": {"$patch": 1}}]}]}),
    );
    assert_eq!(
        error.path(),
        "baseRuntimeSpec.containers[name=app].ports[port=1,protocol=TCP].x"
    );
}

#[test]
fn a_document_nested_too_deep_is_an_error_not_a_stack_overflow() {
    // Deeper than serde_json's own parser allows (128), built by hand; the walk stops at 128
    // levels, so a small stack is enough for it (the thread's stack also has to drop the value
    // the failed merge leaves behind, which serde_json does recursively).
    let mut deep = json!(1);
    for _ in 0..1_000 {
        deep = json!({ "k": deep });
    }
    let layers = vec![spec(json!({})), spec(deep)];
    let error = std::thread::Builder::new()
        .stack_size(4 * 1024 * 1024)
        .spawn(move || merge_all(layers).map(|_| ()).unwrap_err())
        .unwrap()
        .join()
        .unwrap();
    assert!(
        error.message().contains("nests deeper than 128 levels"),
        "{error}"
    );
    assert!(error.path().starts_with("baseRuntimeSpec.k.k.k"));
}

#[test]
fn provenance_names_json_items_by_key() {
    let (_, provenance) = merge_all_traced([
        ("defaults", spec(json!({"process": {"rlimits": [{"type": NOFILE, "soft": 1}, {"type": "RLIMIT_CORE", "soft": 0}]}}))),
        ("user", spec(json!({"process": {"rlimits": [{"type": NOFILE, "soft": 2}, {"type": "RLIMIT_CORE", "$patch": "delete"}]}}))),
    ])
    .unwrap();
    let path = "baseRuntimeSpec.process.rlimits[type=RLIMIT_NOFILE].soft";
    let soft = provenance.get(path).unwrap();
    assert_eq!(provenance.source(soft.layer), &"user");
    assert_eq!(soft.replaced, [0]);
    let core = provenance
        .get("baseRuntimeSpec.process.rlimits[type=RLIMIT_CORE]")
        .unwrap();
    assert!(core.deleted);
    assert!(
        provenance
            .iter()
            .all(|(path, _)| !path.contains("rlimits[0]"))
    );
}

/// A member whose name holds a `.` is one member, not a path: `list_key(path =
/// "process.rlimits")` names `process` → `rlimits` only, and walking through such a member
/// (and back out of it) leaves the rules of its siblings as they were.
#[test]
fn a_dotted_member_name_is_not_a_list_key_path() {
    let mut merged = spec(json!({
        "process.rlimits": [{"type": "A", "soft": 1}],
        "process": {"rlimits": [{"type": "A", "soft": 1}]},
    }));
    merged
        .deep_merge(spec(json!({
            "process.rlimits": [{"type": "B"}],
            "process": {"rlimits": [{"type": "B"}]},
        })))
        .expect("the documents merge");
    let merged = merged.base_runtime_spec.expect("a document");
    // The dotted member is a plain array: the later one replaces it.
    assert_eq!(merged["process.rlimits"], json!([{"type": "B"}]));
    // The nested one is keyed: both items.
    assert_eq!(
        merged["process"]["rlimits"],
        json!([{"type": "A", "soft": 1}, {"type": "B"}])
    );
    // An error under a dotted member names it as one key.
    let mut existing = spec(json!({"a.b": {"mounts": []}}));
    let error = existing
        .deep_merge(spec(json!({"a.b": {"x": {"$patch": "merge"}}})))
        .expect_err("an unknown directive");
    assert!(error.path().contains("a.b"), "{error}");
    assert_eq!(existing, spec(json!({"a.b": {"mounts": []}})));
}
