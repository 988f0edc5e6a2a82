//! The added contracts of SEMANTICS.md, written the way a downstream crate uses them: the issue
//! texts' own examples (layer types, keyed lists, `list_key`, `union`, `Arc`, layer indexes),
//! each checked end to end through `merge_all`.

use nodeconfig_core::{DeepMerge, Layered, MergeError, merge_all};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;

#[derive(DeepMerge, Debug, PartialEq, Clone, Serialize, Deserialize)]
struct Tls {
    cert: Option<String>,
    key: Option<String>,
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "LimitsLayer")]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    max_connections: u32,
}

fn default_port() -> u16 {
    8080
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "ServerLayer")]
#[serde(rename_all = "camelCase")]
pub struct Server {
    host: String,
    #[merge(default = "default_port")]
    port: u16,
    #[merge(default)]
    debug: bool,
    tls: Option<Tls>,
    #[merge(strategy = "append", default)]
    plugins: Vec<String>,
    #[merge(strategy = "json_deep", default)]
    extra: Value,
    #[merge(nested)]
    limits: Limits,
}

fn layer(document: Value) -> ServerLayer {
    serde_json::from_value(document).expect("a valid layer")
}

#[test]
fn a_layer_that_does_not_mention_a_field_never_changes_it() -> Result<(), MergeError> {
    let defaults =
        layer(json!({"host": "0.0.0.0", "plugins": ["metrics"], "limits": {"maxConnections": 10}}));
    let file = layer(json!({"debug": true, "tls": {"cert": "/c"}, "extra": {"a": 1, "b": 2}}));
    let env = layer(json!({"port": 9090, "extra": {"b": null}, "plugins": ["auth"]}));
    let merged: ServerLayer = merge_all([defaults, file, env])?;
    let server = Server::try_from(merged)?;
    assert_eq!(
        server,
        Server {
            host: "0.0.0.0".into(),
            port: 9090,
            debug: true,
            tls: Some(Tls {
                cert: Some("/c".into()),
                key: None
            }),
            plugins: vec!["metrics".into(), "auth".into()],
            extra: json!({"a": 1}),
            limits: Limits {
                max_connections: 10
            },
        }
    );
    Ok(())
}

#[test]
fn null_unsets_an_option_and_is_an_error_on_a_required_field() -> Result<(), MergeError> {
    let merged: ServerLayer = merge_all([
        layer(json!({"host": "h", "tls": {"cert": "/c"}, "limits": {"maxConnections": 1}})),
        layer(json!({"tls": null})),
    ])?;
    assert_eq!(Server::from_layer(merged)?.tls, None);
    let error = serde_json::from_value::<ServerLayer>(json!({"port": null})).unwrap_err();
    assert!(error.to_string().contains("port"), "{error}");
    Ok(())
}

#[test]
fn every_missing_required_field_is_named_in_serde_spelling() {
    let error = Server::try_from(ServerLayer::default()).unwrap_err();
    assert_eq!(error.path(), "host");
    assert_eq!(error.missing(), ["host", "limits.maxConnections"]);
}

#[derive(DeepMerge, Debug, PartialEq, Clone)]
struct Listener {
    #[merge(strategy = "keep")]
    name: String,
    port: Option<u16>,
}

#[derive(DeepMerge, Debug, PartialEq, Clone)]
struct ServicePort {
    #[merge(strategy = "keep")]
    port: u16,
    #[merge(strategy = "keep")]
    protocol: String,
    target: Option<u16>,
}

#[derive(DeepMerge, Debug, Default, PartialEq)]
struct Gateway {
    #[merge(strategy = "keyed", key = "name")]
    listeners: Vec<Listener>,
    #[merge(strategy = "keyed", key(port, protocol))]
    ports: Vec<ServicePort>,
}

fn listener(name: &str, port: Option<u16>) -> Listener {
    Listener {
        name: name.into(),
        port,
    }
}

fn service_port(port: u16, protocol: &str, target: Option<u16>) -> ServicePort {
    ServicePort {
        port,
        protocol: protocol.into(),
        target,
    }
}

#[test]
fn keyed_lists_merge_by_single_and_compound_keys() -> Result<(), MergeError> {
    let earlier = Gateway {
        listeners: vec![listener("api", Some(80)), listener("admin", Some(81))],
        ports: vec![service_port(53, "UDP", Some(5353))],
    };
    let later = Gateway {
        listeners: vec![listener("metrics", Some(9100)), listener("api", Some(8080))],
        ports: vec![
            service_port(53, "TCP", Some(5354)),
            service_port(53, "UDP", None),
        ],
    };
    let merged = merge_all([earlier, later])?;
    assert_eq!(
        merged.listeners,
        [
            listener("api", Some(8080)),
            listener("admin", Some(81)),
            listener("metrics", Some(9100))
        ]
    );
    assert_eq!(
        merged.ports,
        [
            service_port(53, "UDP", Some(5353)),
            service_port(53, "TCP", Some(5354))
        ]
    );
    Ok(())
}

#[test]
fn a_key_twice_in_one_layer_is_an_atomic_error_naming_the_layer() {
    let first = Gateway {
        listeners: vec![listener("api", Some(80))],
        ports: vec![],
    };
    let second = Gateway::default();
    let third = Gateway {
        listeners: vec![listener("api", Some(1)), listener("api", Some(2))],
        ports: vec![],
    };
    let error = merge_all([first, second, third]).unwrap_err();
    assert_eq!(error.layer(), Some(2));
    assert!(error.path().starts_with("listeners"), "{}", error.path());
    assert!(error.to_string().contains("api"), "{error}");
}

#[derive(DeepMerge, Debug, Default)]
#[serde(rename_all = "camelCase")]
struct Containerd {
    #[merge(
        strategy = "json_deep",
        list_key(path = "process.rlimits", key = "type"),
        list_key(path = "mounts", key = "destination")
    )]
    base_runtime_spec: Option<Value>,
}

#[test]
fn rlimits_merge_by_type_inside_the_runtime_spec() -> Result<(), MergeError> {
    let defaults = Containerd {
        base_runtime_spec: Some(json!({"process": {"rlimits": [
            {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}]}})),
    };
    let user = Containerd {
        base_runtime_spec: Some(json!({"process": {"rlimits": [
            {"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096},
            {"type": "RLIMIT_NOFILE", "soft": 18446744073709551615_u64}]}})),
    };
    let merged = merge_all([defaults, user])?;
    assert_eq!(
        merged.base_runtime_spec,
        Some(json!({"process": {"rlimits": [
            {"type": "RLIMIT_NOFILE", "soft": 18446744073709551615_u64, "hard": 1024},
            {"type": "RLIMIT_NPROC", "soft": 4096, "hard": 4096}]}}))
    );
    Ok(())
}

#[test]
fn merge_directives_delete_and_replace_and_never_survive() -> Result<(), MergeError> {
    let defaults = Containerd {
        base_runtime_spec: Some(json!({"mounts": [
            {"destination": "/proc", "type": "proc"},
            {"destination": "/dev", "type": "tmpfs"}]})),
    };
    let delete = Containerd {
        base_runtime_spec: Some(json!({"mounts": [{"$patch": "delete", "destination": "/proc"}]})),
    };
    let merged = merge_all([defaults, delete])?;
    assert_eq!(
        merged.base_runtime_spec,
        Some(json!({"mounts": [{"destination": "/dev", "type": "tmpfs"}]}))
    );
    let replace = Containerd {
        base_runtime_spec: Some(
            json!({"mounts": [{"$patch": "replace"}, {"destination": "/sys"}]}),
        ),
    };
    let mut replaced = merged;
    replaced.deep_merge(replace)?;
    assert_eq!(
        replaced.base_runtime_spec,
        Some(json!({"mounts": [{"destination": "/sys"}]}))
    );
    Ok(())
}

#[derive(DeepMerge, Clone, Debug, Default, PartialEq)]
struct Shared {
    max_pods: Option<u32>,
    cpu: Option<String>,
}

#[derive(DeepMerge, Default)]
struct Node {
    #[merge(strategy = "union")]
    taints: BTreeSet<String>,
    limits: Arc<Shared>,
}

#[test]
fn sets_take_union_and_arc_merges_its_value() -> Result<(), MergeError> {
    let merged = merge_all([
        Node {
            taints: BTreeSet::from(["gpu".into()]),
            limits: Arc::new(Shared {
                max_pods: Some(110),
                cpu: None,
            }),
        },
        Node {
            taints: BTreeSet::from(["spot".into(), "gpu".into()]),
            limits: Arc::new(Shared {
                max_pods: None,
                cpu: Some("2".into()),
            }),
        },
    ])?;
    assert_eq!(merged.taints, BTreeSet::from(["gpu".into(), "spot".into()]));
    assert_eq!(
        *merged.limits,
        Shared {
            max_pods: Some(110),
            cpu: Some("2".into())
        }
    );
    Ok(())
}

#[derive(DeepMerge, Default)]
struct Patched {
    #[merge(strategy = "merge_patch")]
    spec: Option<Value>,
    #[merge(strategy = "json_deep")]
    document: Option<Value>,
}

#[test]
fn merge_patch_keeps_deletions_and_json_deep_drops_them_wherever_they_land()
-> Result<(), MergeError> {
    let layer = || Patched {
        spec: Some(json!({"process": {"rlimits": null, "cwd": "/"}})),
        document: Some(json!({"process": {"rlimits": null, "cwd": "/"}})),
    };
    for merged in [
        merge_all([layer()])?,
        merge_all([layer(), layer()])?,
        merge_all([Patched::default(), layer()])?,
    ] {
        assert_eq!(
            merged.spec,
            Some(json!({"process": {"rlimits": null, "cwd": "/"}}))
        );
        assert_eq!(merged.document, Some(json!({"process": {"cwd": "/"}})));
    }
    Ok(())
}
