//! A value that arrives where nothing was (the first layer, an earlier `None`, a new map key,
//! another enum variant) is not merged into anything, but its documents must parse all the
//! same: a broken TOML document is an error wherever it lands, and nothing changes.

use nodeconfig_core::{DeepMerge, Side, merge_all};
use std::collections::BTreeMap;

#[derive(DeepMerge, Debug, Default, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Runtime {
    #[merge(strategy = "toml_deep")]
    containerd_config: String,
    max_pods: Option<u32>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq)]
enum Placement {
    Pool { runtime: Runtime },
    Standalone(Runtime),
}

#[derive(DeepMerge, Debug, Default, Clone, PartialEq)]
struct Node {
    runtime: Option<Runtime>,
    pools: BTreeMap<String, Runtime>,
    placement: Option<Placement>,
    labels: BTreeMap<String, String>,
}

const BROKEN: &str = "[grpc\naddress = 1";

fn broken_runtime() -> Runtime {
    Runtime {
        containerd_config: BROKEN.into(),
        max_pods: Some(58),
    }
}

fn existing() -> Node {
    Node {
        placement: Some(Placement::Pool {
            runtime: Runtime::default(),
        }),
        labels: BTreeMap::from([("a".into(), "1".into())]),
        ..Node::default()
    }
}

fn assert_rejected(incoming: Node, path: &str) {
    let mut merged = existing();
    let before = merged.clone();
    let error = merged.deep_merge(incoming).unwrap_err();
    assert_eq!(error.path(), path);
    assert_eq!(error.location().map(|at| at.side), Some(Side::Incoming));
    assert_eq!(merged, before, "a rejected layer changes nothing");
}

#[test]
fn a_broken_document_under_an_earlier_none_is_an_error() {
    let incoming = Node {
        runtime: Some(broken_runtime()),
        ..Node::default()
    };
    assert_rejected(incoming, "runtime.containerdConfig");
}

#[test]
fn a_broken_document_under_a_new_map_key_is_an_error() {
    let incoming = Node {
        pools: BTreeMap::from([("gpu".into(), broken_runtime())]),
        labels: BTreeMap::from([("b".into(), "2".into())]),
        ..Node::default()
    };
    assert_rejected(incoming, "pools.gpu.containerdConfig");
}

#[test]
fn a_broken_document_in_another_variant_is_an_error() {
    let incoming = Node {
        placement: Some(Placement::Standalone(broken_runtime())),
        ..Node::default()
    };
    assert_rejected(incoming, "placement.Standalone.containerdConfig");
}

#[test]
fn the_first_layer_of_merge_all_is_checked_too() {
    let error = merge_all([Node {
        runtime: Some(broken_runtime()),
        ..Node::default()
    }])
    .unwrap_err();
    assert_eq!(error.path(), "runtime.containerdConfig");
    let traced = nodeconfig_core::trace::merge_all_traced([(
        "only",
        Node {
            runtime: Some(broken_runtime()),
            ..Node::default()
        },
    )]);
    assert_eq!(traced.unwrap_err().path(), "runtime.containerdConfig");
}

#[test]
fn valid_new_documents_are_taken_as_they_are() {
    let config = "# kept\nversion = 2\n";
    let mut merged = existing();
    merged
        .deep_merge(Node {
            runtime: Some(Runtime {
                containerd_config: config.into(),
                max_pods: None,
            }),
            pools: BTreeMap::from([(
                "gpu".into(),
                Runtime {
                    containerd_config: config.into(),
                    max_pods: Some(1),
                },
            )]),
            ..Node::default()
        })
        .unwrap();
    assert_eq!(merged.runtime.unwrap().containerd_config, config);
    assert_eq!(merged.pools["gpu"].containerd_config, config);
}
