//! nodeadm's own merge cases, and the bug this project exists for, on a model shaped like
//! nodeadm's `NodeConfigSpec`.
//!
//! The cases are the `TestMerge` table of amazon-eks-ami's `nodeadm/internal/api/merge_test.go`
//! (MIT-0, see `tests/fixtures/nodeadm/LICENSE`), written here as JSON layers and compared by
//! value: TOML documents are compared as parsed tables, JSON documents as values.

use nodeconfig_core::{DeepMerge, merge_all};
use nodeconfig_tests::nodeadm_model::{NodeConfigSpec, seed_layers, spec};
use serde_json::{Value, json};

fn merge(base: Value, patch: Value) -> NodeConfigSpec {
    let mut merged = spec(base);
    merged.deep_merge(spec(patch)).expect("the layers merge");
    merged
}

fn toml_value(text: &str) -> toml::Table {
    text.parse().expect("valid TOML")
}

#[test]
fn merge_with_empty_string_field() {
    let merged = merge(
        json!({"cluster": {}}),
        json!({"cluster": {"name": "override"}}),
    );
    assert_eq!(merged.cluster.name.as_deref(), Some("override"));
}

#[test]
fn merge_with_existing_string_field() {
    let merged = merge(
        json!({"cluster": {"name": "previous"}}),
        json!({"cluster": {"name": "next"}}),
    );
    assert_eq!(merged.cluster.name.as_deref(), Some("next"));
}

#[test]
fn merge_with_deeply_nested_toml_object() {
    let merged = merge(
        json!({"containerd": {"config": "[a.b.c.d]\nf = 0"}}),
        json!({"containerd": {"config": "[a.b.c.d]\ne = 0"}}),
    );
    assert_eq!(
        toml_value(merged.containerd.config.as_deref().unwrap()),
        toml_value("[a.b.c.d]\ne = 0\nf = 0\n")
    );
}

const ORCHESTRATOR_CONTAINERD: &str = r#"
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"

[grpc]
address = "/run/containerd/containerd.sock"

[plugins."io.containerd.grpc.v1.cri".containerd]
default_runtime_name = "runc"
discard_unpacked_layers = true

[plugins."io.containerd.grpc.v1.cri"]
sandbox_image = "{{.SandboxImage}}"
enable_cdi = true

[plugins."io.containerd.grpc.v1.cri".registry]
config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".cni]
bin_dir = "/opt/cni/bin"
conf_dir = "/etc/cni/net.d"
"#;

const CUSTOMER_CONTAINERD: &str = r#"
version = 2
[grpc]
address = "/run/containerd/containerd.sock.2"

[plugins."io.containerd.grpc.v1.cri".containerd]
discard_unpacked_layers = false
"#;

#[test]
fn customer_overrides_orchestrator_defaults() {
    let merged = merge(
        json!({
            "cluster": {
                "name": "example",
                "apiServerEndpoint": "http://example.com",
                "certificateAuthority": "ZXhhbXBsZSBkYXRh",
                "cidr": "10.0.0.0/16"
            },
            "kubelet": {
                "config": {"logging": {"verbosity": 5}, "podsPerCore": 20, "systemReserved": {"cpu": "150m"}},
                "flags": ["--node-labels=nodegroup=example", "--register-with-taints=the=taint:NoSchedule"]
            },
            "containerd": {"config": ORCHESTRATOR_CONTAINERD}
        }),
        json!({
            "kubelet": {
                "config": {"logging": {"verbosity": 2}, "maxPods": 150},
                "flags": ["--node-labels=nodegroup=user-set"]
            },
            "containerd": {"config": CUSTOMER_CONTAINERD}
        }),
    );
    assert_eq!(merged.cluster.name.as_deref(), Some("example"));
    assert_eq!(merged.cluster.cidr.as_deref(), Some("10.0.0.0/16"));
    assert_eq!(
        Value::Object(merged.kubelet.config.unwrap()),
        json!({"logging": {"verbosity": 2}, "maxPods": 150, "podsPerCore": 20, "systemReserved": {"cpu": "150m"}})
    );
    assert_eq!(
        merged.kubelet.flags,
        [
            "--node-labels=nodegroup=example",
            "--register-with-taints=the=taint:NoSchedule",
            "--node-labels=nodegroup=user-set"
        ]
    );
    let expected = ORCHESTRATOR_CONTAINERD
        .replace("containerd.sock\"", "containerd.sock.2\"")
        .replace(
            "discard_unpacked_layers = true",
            "discard_unpacked_layers = false",
        );
    assert_eq!(
        toml_value(merged.containerd.config.as_deref().unwrap()),
        toml_value(&expected)
    );
}

#[test]
fn containerd_base_runtime_spec_is_merged_correctly() {
    let merged = merge(
        json!({"containerd": {"baseRuntimeSpec": {"process": {"rlimits": {"type": "RLIMIT_NOFILE", "soft": 1024}}}}}),
        json!({"containerd": {"baseRuntimeSpec": {"process": {"rlimits": {"type": "RLIMIT_NOFILE", "hard": 1024}}}}}),
    );
    assert_eq!(
        merged.containerd.base_runtime_spec,
        Some(
            json!({"process": {"rlimits": {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}}})
        )
    );
}

/// The seed bug (amazon-eks-ami issue 1928): Karpenter's part has `containerd: {}`, the user's
/// part sets rlimits in `baseRuntimeSpec`; nodeadm's merge dropped them. They must survive, and
/// survive a third, unrelated drop-in too.
#[test]
fn the_users_rlimits_survive_a_karpenter_first_layer() {
    let (karpenter, user) = seed_layers();
    let drop_in = spec(json!({"kubelet": {"flags": ["--v=2"]}}));

    let merged = merge_all([karpenter, user, drop_in]).unwrap();

    let rlimits = &merged.containerd.base_runtime_spec.as_ref().unwrap()["process"]["rlimits"];
    assert_eq!(
        rlimits,
        &json!([{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}])
    );
    assert_eq!(merged.cluster.name.as_deref(), Some("my-cluster"));
    assert_eq!(merged.kubelet.config.as_ref().unwrap()["maxPods"], 58);
    assert_eq!(
        merged.kubelet.flags,
        ["--node-labels=karpenter.sh/nodepool=default", "--v=2"]
    );
}

/// A broken TOML config in a later layer fails the merge with the field's serde path, and
/// leaves everything, including the already valid JSON changes, untouched.
#[test]
fn a_broken_containerd_config_names_its_path_and_changes_nothing() {
    let mut merged = spec(json!({
        "containerd": {"config": "version = 2\n", "baseRuntimeSpec": {"a": 1}},
        "kubelet": {"flags": ["--v=2"]}
    }));
    let error = merged
        .deep_merge(spec(json!({
            "containerd": {"config": "[grpc\naddress = 1", "baseRuntimeSpec": {"a": 2}},
            "kubelet": {"flags": ["--v=4"]}
        })))
        .unwrap_err();
    assert_eq!(error.path(), "containerd.config");
    let location = error.location().expect("a parse error has a location");
    assert_eq!(
        (location.side, location.line),
        (nodeconfig_core::Side::Incoming, 1)
    );
    assert!(
        error
            .to_string()
            .starts_with("containerd.config: the incoming TOML document"),
        "{error}"
    );
    assert_eq!(merged.containerd.base_runtime_spec, Some(json!({"a": 1})));
    assert_eq!(merged.kubelet.flags, ["--v=2"]);
}
