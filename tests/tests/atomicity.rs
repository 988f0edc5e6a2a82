//! A failed merge leaves the destination exactly as it was, at any depth, and names the path.

use nodeconfig_core::{DeepMerge, MergeError};
use std::collections::BTreeMap;

/// A leaf whose merge fails when the incoming value is odd: it stands in for a broken document
/// (a TOML string that does not parse) without depending on a document engine.
#[derive(Debug, Clone, PartialEq, Default)]
struct EvenOnly(u32);

impl DeepMerge for EvenOnly {
    fn prepare_merge(&self, incoming: &mut Self) -> Result<(), MergeError> {
        if incoming.0 % 2 == 1 {
            return Err(MergeError::custom(format!("{} is odd", incoming.0)));
        }
        Ok(())
    }

    fn apply_merge(&mut self, incoming: Self) -> Result<(), MergeError> {
        self.0 = incoming.0;
        Ok(())
    }
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Root {
    cluster_name: Option<String>,
    #[merge(strategy = "append")]
    flags: Vec<String>,
    spec: Spec,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Spec {
    max_pods: Option<u32>,
    instance: Option<Instance>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Instance {
    labels: BTreeMap<String, String>,
    #[serde(rename = "env")]
    environment: BTreeMap<String, EvenOnly>,
    last_checked: Option<u64>,
}

fn existing() -> Root {
    Root {
        cluster_name: Some("prod".into()),
        flags: vec!["--v=2".into()],
        spec: Spec {
            max_pods: Some(110),
            instance: Some(Instance {
                labels: BTreeMap::from([("a".into(), "1".into())]),
                environment: BTreeMap::from([("kubelet".into(), EvenOnly(2))]),
                last_checked: Some(1),
            }),
        },
    }
}

/// Valid changes everywhere, and one failing value three levels down in a map.
fn incoming_with_failure_deep_inside() -> Root {
    Root {
        cluster_name: Some("staging".into()),
        flags: vec!["--max-pods=58".into()],
        spec: Spec {
            max_pods: Some(58),
            instance: Some(Instance {
                labels: BTreeMap::from([("b".into(), "2".into())]),
                environment: BTreeMap::from([("kubelet".into(), EvenOnly(3))]),
                last_checked: Some(2),
            }),
        },
    }
}

#[test]
fn a_deep_failure_changes_nothing_and_names_the_serde_path() {
    let mut merged = existing();
    let before = merged.clone();
    let error = merged
        .deep_merge(incoming_with_failure_deep_inside())
        .unwrap_err();
    assert_eq!(merged, before, "nothing may be half-merged");
    assert_eq!(error.path(), "spec.instance.env.kubelet");
    assert_eq!(error.to_string(), "spec.instance.env.kubelet: 3 is odd");
}

#[test]
fn the_same_merge_without_the_failure_applies_every_change() {
    let mut merged = existing();
    let mut incoming = incoming_with_failure_deep_inside();
    incoming
        .spec
        .instance
        .as_mut()
        .unwrap()
        .environment
        .insert("kubelet".into(), EvenOnly(4));
    merged.deep_merge(incoming).unwrap();
    assert_eq!(merged.cluster_name.as_deref(), Some("staging"));
    assert_eq!(merged.flags, ["--v=2", "--max-pods=58"]);
    let instance = merged.spec.instance.unwrap();
    assert_eq!(instance.labels.len(), 2);
    assert_eq!(instance.environment["kubelet"], EvenOnly(4));
}

#[test]
fn merge_all_stops_at_the_failing_layer_with_its_path() {
    let error = nodeconfig_core::merge_all([
        existing(),
        Root::default(),
        incoming_with_failure_deep_inside(),
    ])
    .unwrap_err();
    assert_eq!(error.path(), "spec.instance.env.kubelet");
}

/// `with` functions run in the apply phase, first within their struct: when one fails, its
/// struct's other fields are untouched.
#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct WithFirst {
    name: Option<String>,
    #[merge(with = "reject_zero")]
    replicas: u32,
    labels: BTreeMap<String, String>,
}

fn reject_zero(existing: &mut u32, incoming: u32) -> Result<(), MergeError> {
    if incoming == 0 {
        return Err(MergeError::custom(
            "replicas must not be 0: remove the field to keep the earlier value",
        ));
    }
    *existing = incoming;
    Ok(())
}

#[test]
fn a_failing_with_function_leaves_its_struct_unchanged() {
    let mut merged = WithFirst {
        name: Some("a".into()),
        replicas: 3,
        labels: BTreeMap::new(),
    };
    let before = merged.clone();
    let error = merged
        .deep_merge(WithFirst {
            name: Some("b".into()),
            replicas: 0,
            labels: BTreeMap::from([("x".into(), "y".into())]),
        })
        .unwrap_err();
    assert_eq!(merged, before);
    assert_eq!(error.path(), "replicas");
}

/// The error path of a map key that is not a plain name is quoted.
#[test]
fn odd_map_keys_are_quoted_in_paths() {
    let mut merged = BTreeMap::from([("a.b".to_string(), EvenOnly(0))]);
    let error = merged
        .deep_merge(BTreeMap::from([("a.b".to_string(), EvenOnly(1))]))
        .unwrap_err();
    assert_eq!(error.path(), "[\"a.b\"]");
    let mut nested = Instance {
        environment: BTreeMap::from([("my var".into(), EvenOnly(0))]),
        ..Instance::default()
    };
    let error = nested
        .deep_merge(Instance {
            environment: BTreeMap::from([("my var".into(), EvenOnly(1))]),
            ..Instance::default()
        })
        .unwrap_err();
    assert_eq!(error.path(), "env[\"my var\"]");
}
