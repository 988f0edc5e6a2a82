//! Provenance: which layer set each leaf of the merged value, by which strategy, replacing what.

use nodeconfig_core::DeepMerge;
use nodeconfig_core::trace::{Provenance, merge_all_traced};
use nodeconfig_tests::nodeadm_model::{seed_layers, spec};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One line per leaf: `path <- source (strategy)`, plus what it replaced.
fn render(provenance: &Provenance<&str>) -> String {
    let mut out = String::new();
    for (path, origin) in provenance.iter() {
        let action = if origin.deleted { "deleted by" } else { "<-" };
        write!(
            out,
            "{path} {action} {} ({})",
            provenance.source(origin.layer),
            origin.strategy
        )
        .unwrap();
        if !origin.replaced.is_empty() {
            let replaced: Vec<&str> = origin
                .replaced
                .iter()
                .map(|layer| *provenance.source(*layer))
                .collect();
            write!(out, " replacing {}", replaced.join(", ")).unwrap();
        }
        out.push('\n');
    }
    out
}

/// The seed scenario: Karpenter's part 1 with `containerd: {}`, the user's part 2 with rlimits.
#[test]
fn the_seed_scenario_says_who_set_the_rlimits() {
    let (karpenter, user) = seed_layers();
    let (merged, provenance) = merge_all_traced([("part 1", karpenter), ("part 2", user)]).unwrap();
    assert_eq!(merged.kubelet.config.as_ref().unwrap()["maxPods"], 58);

    let rlimits = provenance
        .get("containerd.baseRuntimeSpec.process.rlimits")
        .unwrap();
    assert_eq!(*provenance.source(rlimits.layer), "part 2");
    assert_eq!(rlimits.strategy, "json_deep");
    let name = provenance.get("cluster.name").unwrap();
    assert_eq!(*provenance.source(name.layer), "part 1");
    let max_pods = provenance.get("kubelet.config.maxPods").unwrap();
    assert_eq!(
        (max_pods.layer, max_pods.replaced.as_slice()),
        (1, &[0][..])
    );

    insta::assert_snapshot!(render(&provenance));
}

/// Three layers: a JSON `null` deletes a key, flags append per item, a TOML key is overridden.
#[test]
fn three_layers_with_a_deletion_and_appended_flags() {
    let layers = [
        (
            "defaults.yaml",
            spec(json!({
                "containerd": {"config": "version = 2\n[grpc]\naddress = \"/run/containerd/containerd.sock\"\n"},
                "kubelet": {"config": {"logging": {"verbosity": 5}, "podsPerCore": 20}, "flags": ["--v=2"]}
            })),
        ),
        (
            "userdata part 2",
            spec(json!({
                "kubelet": {"config": {"podsPerCore": null, "maxPods": 110},
                            "flags": ["--node-labels=team=a", "--register-with-taints=x=y:NoSchedule"]}
            })),
        ),
        (
            "drop-in.yaml",
            spec(json!({
                "containerd": {"config": "[grpc]\naddress = \"/run/containerd/containerd.sock.2\"\n"},
                "kubelet": {"flags": ["--v=4"]}
            })),
        ),
    ];
    let (merged, provenance) = merge_all_traced(layers).unwrap();
    assert_eq!(merged.kubelet.flags.len(), 4);
    assert!(
        !merged
            .kubelet
            .config
            .as_ref()
            .unwrap()
            .contains_key("podsPerCore")
    );

    let deleted = provenance.get("kubelet.config.podsPerCore").unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.replaced, [0]);
    assert_eq!(provenance.get("kubelet.flags[3]").unwrap().layer, 2);
    assert_eq!(
        provenance
            .get("containerd.config.grpc.address")
            .unwrap()
            .replaced,
        [0]
    );

    insta::assert_snapshot!(render(&provenance));
}

#[derive(DeepMerge, Debug, PartialEq)]
enum Storage {
    Raid0 { mount_path: Option<String> },
    Mount(Option<String>),
    Off,
}

#[derive(DeepMerge, Debug, PartialEq, Default)]
struct Instance {
    storage: Option<Storage>,
    #[merge(strategy = "replace")]
    nameservers: Vec<String>,
    #[merge(strategy = "keep")]
    id: Option<String>,
    #[merge(skip)]
    cache: u8,
    env: BTreeMap<String, BTreeMap<String, String>>,
}

#[test]
fn replaced_lists_kept_values_and_enum_variants() {
    let layers = [
        (
            "a",
            Instance {
                storage: Some(Storage::Raid0 {
                    mount_path: Some("/mnt".into()),
                }),
                nameservers: vec!["10.0.0.2".into()],
                id: Some("i-1".into()),
                env: BTreeMap::from([(
                    "kubelet".into(),
                    BTreeMap::from([("A".into(), "1".into())]),
                )]),
                ..Instance::default()
            },
        ),
        (
            "b",
            Instance {
                storage: Some(Storage::Mount(Some("/data".into()))),
                nameservers: vec!["1.1.1.1".into()],
                id: Some("i-2".into()),
                env: BTreeMap::from([(
                    "kubelet".into(),
                    BTreeMap::from([("B".into(), "2".into())]),
                )]),
                cache: 9,
            },
        ),
        (
            "c",
            Instance {
                storage: Some(Storage::Off),
                ..Instance::default()
            },
        ),
    ];
    let (_, provenance) = merge_all_traced(layers).unwrap();
    assert!(
        provenance.get("storage.Raid0.mount_path").is_none(),
        "the old variant was replaced"
    );
    assert_eq!(
        provenance.get("id").unwrap().layer,
        0,
        "keep: the first value stays"
    );
    assert_eq!(
        provenance.get("nameservers").unwrap().layer,
        2,
        "a plain replace takes even an empty list"
    );
    assert!(
        provenance.get("cache").is_none(),
        "skipped fields are never set by a layer"
    );
    insta::assert_snapshot!(render(&provenance));
}

#[test]
fn no_layers_give_an_empty_provenance() {
    let (merged, provenance) = merge_all_traced(Vec::<(&str, Instance)>::new()).unwrap();
    assert_eq!(merged, Instance::default());
    assert!(provenance.is_empty());
}
