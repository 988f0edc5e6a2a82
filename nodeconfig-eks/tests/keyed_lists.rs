//! Keyed lists in `baseRuntimeSpec` and `kubelet.config`: rlimits by `type`, mounts by
//! `destination`, namespaces by `type`, `registerWithTaints` by `key, effect`, in the merge of
//! the layers and when `render` lays the merged patch onto nodeadm's defaults. nodeadm replaces
//! these lists whole; `{"$patch": "replace"}` gets that behaviour for one list.

mod common;

use common::nodeconfig;
use nodeconfig_core::merge_all;
use nodeconfig_eks::model::NodeConfig;
use nodeconfig_eks::render::{BASE_RUNTIME_SPEC_PATH, KUBELET_DROP_IN_PATH, render};
use serde_json::{Value, json};
use std::fs;

fn layer(spec: Value) -> NodeConfig {
    serde_json::from_value(json!({
        "apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig", "spec": spec,
    }))
    .expect("a NodeConfig")
}

fn runtime_spec(spec: Value) -> NodeConfig {
    layer(json!({"containerd": {"baseRuntimeSpec": spec}}))
}

/// The rendered file at `path`, parsed.
fn rendered(config: &NodeConfig, path: &str) -> Value {
    let files = render(config).expect("renders");
    let file = files
        .iter()
        .find(|file| file.path == path)
        .expect("rendered");
    serde_json::from_str(&file.contents).expect("JSON")
}

fn types(spec: &Value) -> Vec<&str> {
    spec["process"]["rlimits"]
        .as_array()
        .expect("rlimits")
        .iter()
        .map(|rlimit| rlimit["type"].as_str().expect("a type"))
        .collect()
}

const NPROC: &str = r#"{"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096}"#;

fn nproc() -> Value {
    serde_json::from_str(NPROC).unwrap()
}

#[test]
fn adding_rlimit_nproc_keeps_the_default_rlimit_nofile() {
    let karpenter = layer(json!({"kubelet": {"config": {"maxPods": 110}}}));
    let user = runtime_spec(json!({"process": {"rlimits": [nproc()]}}));
    let merged = merge_all([karpenter, user]).unwrap();
    let spec = rendered(&merged, BASE_RUNTIME_SPEC_PATH);
    assert_eq!(types(&spec), ["RLIMIT_NOFILE", "RLIMIT_NPROC"]);
    assert_eq!(spec["process"]["rlimits"][1], nproc());
}

#[test]
fn a_later_item_with_the_same_type_merges_into_the_default_one() {
    let user =
        runtime_spec(json!({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1}]}}));
    let spec = rendered(&merge_all([user]).unwrap(), BASE_RUNTIME_SPEC_PATH);
    let default: Value =
        serde_json::from_str(nodeconfig_eks::render::DEFAULT_BASE_RUNTIME_SPEC).unwrap();
    assert_eq!(spec["process"]["rlimits"][0]["soft"], 1);
    assert_eq!(
        spec["process"]["rlimits"][0]["hard"],
        default["process"]["rlimits"][0]["hard"]
    );
}

#[test]
fn the_replace_directive_gives_nodeadms_whole_list_replace() {
    let user = runtime_spec(json!({"process": {"rlimits": [{"$patch": "replace"}, nproc()]}}));
    let spec = rendered(&merge_all([user]).unwrap(), BASE_RUNTIME_SPEC_PATH);
    assert_eq!(spec["process"]["rlimits"], json!([nproc()]));
}

#[test]
fn a_delete_item_in_an_earlier_layer_survives_the_merge_and_deletes_a_default() {
    let first = runtime_spec(json!({
        "mounts": [{"destination": "/dev/mqueue", "$patch": "delete"}],
        "linux": {"namespaces": [{"type": "network", "$patch": "delete"}]},
    }));
    let second = runtime_spec(json!({"mounts": [{"destination": "/data", "type": "bind"}]}));
    let merged = merge_all([first, second]).unwrap();
    let patch = merged.spec.as_ref().unwrap().containerd.as_ref().unwrap();
    assert_eq!(
        patch.base_runtime_spec.as_ref().unwrap()["mounts"],
        json!([
            {"destination": "/dev/mqueue", "$patch": "delete"},
            {"destination": "/data", "type": "bind"},
        ])
    );
    let spec = rendered(&merged, BASE_RUNTIME_SPEC_PATH);
    let destinations: Vec<&str> = spec["mounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|mount| mount["destination"].as_str().unwrap())
        .collect();
    assert_eq!(destinations, ["/dev", "/dev/pts", "/proc", "/sys", "/data"]);
    let namespaces = spec["linux"]["namespaces"].to_string();
    assert!(!namespaces.contains("network"), "{namespaces}");
    assert!(
        !spec.to_string().contains("$patch"),
        "no directive in a rendered file"
    );
}

#[test]
fn taints_merge_by_key_and_effect() {
    let first = layer(json!({"kubelet": {"config": {"registerWithTaints": [
        {"key": "gpu", "effect": "NoSchedule", "value": "a"},
    ]}}}));
    let second = layer(json!({"kubelet": {"config": {"registerWithTaints": [
        {"key": "gpu", "effect": "NoExecute"},
        {"key": "gpu", "effect": "NoSchedule", "value": "b"},
    ]}}}));
    let drop_in = rendered(&merge_all([first, second]).unwrap(), KUBELET_DROP_IN_PATH);
    assert_eq!(
        drop_in["registerWithTaints"],
        json!([
            {"key": "gpu", "effect": "NoSchedule", "value": "b"},
            {"key": "gpu", "effect": "NoExecute"},
        ])
    );
}

#[test]
fn a_key_twice_in_one_document_is_an_error_naming_the_item() {
    let first = runtime_spec(json!({}));
    let second = runtime_spec(json!({"process": {"rlimits": [nproc(), nproc()]}}));
    let error = merge_all([first, second]).unwrap_err();
    assert_eq!(
        error.path(),
        "spec.containerd.baseRuntimeSpec.process.rlimits[type=RLIMIT_NPROC]"
    );
    assert!(
        error.to_string().contains("at index 0 and at index 1"),
        "{error}"
    );

    // The first layer is checked too, though nothing is merged into it.
    let alone = runtime_spec(json!({"process": {"rlimits": [nproc(), nproc()]}}));
    let error = merge_all([alone]).unwrap_err();
    assert_eq!(error.layer(), Some(0));
    let error = error.to_string();
    assert!(
        error.contains("baseRuntimeSpec.process.rlimits[type=RLIMIT_NPROC]"),
        "{error}"
    );
}

#[test]
fn the_cli_renders_nproc_beside_the_default_nofile_and_explains_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let user = format!(
        "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster: {{name: c, apiServerEndpoint: 'https://c.example.com', certificateAuthority: Y2EK, cidr: 10.100.0.0/16}}\n  containerd:\n    baseRuntimeSpec:\n      process:\n        rlimits: [{NPROC}]\n"
    );
    fs::write(dir.path().join("user.yaml"), user).unwrap();
    let run = nodeconfig(
        &["render", "--root", "out", "user.yaml"],
        Some(dir.path()),
        b"",
    );
    assert_eq!(run.status, 0, "{run:?}");
    let spec = fs::read_to_string(dir.path().join("out").join(BASE_RUNTIME_SPEC_PATH)).unwrap();
    let spec: Value = serde_json::from_str(&spec).unwrap();
    assert_eq!(types(&spec), ["RLIMIT_NOFILE", "RLIMIT_NPROC"]);

    let run = nodeconfig(&["merge", "--explain", "user.yaml"], Some(dir.path()), b"");
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stdout.lines().any(|line| line.starts_with(
            "# spec.containerd.baseRuntimeSpec.process.rlimits[type=RLIMIT_NPROC].soft  4096"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn help_states_the_difference_from_nodeadm() {
    for command in ["merge", "render"] {
        let run = nodeconfig(&[command, "--help"], None, b"");
        assert_eq!(run.status, 0, "{run:?}");
        for expected in [
            "unlike nodeadm, which replaces every list whole",
            "process.rlimits merge by type",
            "registerWithTaints by key and effect",
            "{\"$patch\": \"replace\"}",
            "(nodeadm's behaviour)",
        ] {
            assert!(
                run.stdout.contains(expected),
                "{command}: {expected}\n{}",
                run.stdout
            );
        }
    }
}
