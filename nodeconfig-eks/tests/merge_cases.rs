//! Merged output of real user data: Karpenter's, nodeadm's e2e cases, the seed scenario, a
//! drop-in directory and encoded user data. Snapshots are of what `nodeconfig merge` prints.

mod common;

use common::{base64_lines, fixture, gzip, load, merged};
use nodeconfig_eks::read::{Loaded, read_payload};
use nodeconfig_eks::render::{KUBELET_DROP_IN_PATH, render};
use nodeconfig_eks::{Limits, Source, merge_layers, to_yaml};
use serde_json::{Value, json};

/// What `merge` prints on stderr and stdout, paths relative to `tests/fixtures`.
fn report(loaded: Loaded) -> String {
    let root = fixture("").display().to_string();
    let mut text = String::new();
    for warning in &loaded.warnings {
        text += &format!("warning: {warning}\n");
    }
    for part in &loaded.skipped {
        text += &format!("skipped: {} ({})\n", part.source, part.media_type);
    }
    for layer in &loaded.layers {
        text += &format!("layer: {}\n", layer.source);
    }
    text += "---\n";
    text += &to_yaml(&merge_layers(loaded.layers).expect("merges")).expect("serializes");
    text.replace(&root, "")
}

#[test]
fn karpenter_userdata_merges_and_warns_about_cluster_endpoint() {
    let loaded = load(&["karpenter/al2023-userdata.mime"]);
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].path, "spec.cluster.clusterEndpoint");
    assert_eq!(loaded.warnings[0].source.part, Some(2));
    insta::assert_snapshot!("karpenter_al2023_userdata", report(loaded));
}

#[test]
fn nodeadm_mime_userdata_merge_gives_the_expected_drop_in() {
    let loaded = load(&["nodeadm/mime-userdata-merge/config.yaml"]);
    insta::assert_snapshot!("nodeadm_mime_userdata_merge", report(loaded));

    let files = render(&merged(&["nodeadm/mime-userdata-merge/config.yaml"])).unwrap();
    let drop_in = files
        .iter()
        .find(|file| file.path == KUBELET_DROP_IN_PATH)
        .unwrap();
    let expected = std::fs::read_to_string(fixture(
        "nodeadm/mime-userdata-merge/expected-kubelet-config-drop-in.json",
    ))
    .unwrap();
    let rendered: Value = serde_json::from_str(&drop_in.contents).unwrap();
    assert_eq!(rendered, serde_json::from_str::<Value>(&expected).unwrap());
}

#[test]
fn seed_scenario_keeps_the_users_rlimits() {
    let loaded = load(&["seed/userdata.mime"]);
    insta::assert_snapshot!("seed_userdata", report(loaded));

    let config = merged(&["seed/userdata.mime"]);
    let spec = config.spec.unwrap();
    let runtime_spec = spec.containerd.unwrap().base_runtime_spec.unwrap();
    assert_eq!(
        Value::Object(runtime_spec)["process"]["rlimits"],
        json!([
            {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024},
            {"type": "RLIMIT_MEMLOCK", "soft": u64::MAX, "hard": u64::MAX},
        ])
    );
    // Karpenter's part set maxPods 110, the user's 42: the later part wins.
    assert_eq!(spec.kubelet.unwrap().config.unwrap()["maxPods"], 42);
}

#[test]
fn drop_in_directory_merges_in_lexical_order() {
    let loaded = load(&["drop-ins"]);
    let sources: Vec<String> = loaded
        .layers
        .iter()
        .map(|layer| layer.source.to_string())
        .collect();
    assert!(sources[0].ends_with("10-cluster.yaml"));
    assert!(sources[1].ends_with("20-network.YML"));
    assert!(sources[2].ends_with("30-kubelet.json"));
    assert_eq!(sources.len(), 3, "README.txt is not read");
    insta::assert_snapshot!("drop_in_directory", report(loaded));

    let cluster = merged(&["drop-ins"]).spec.unwrap().cluster.unwrap();
    assert_eq!(cluster.enable_outpost, Some(false), "a later false wins");
    assert_eq!(
        cluster.cidr.as_deref(),
        Some("10.100.0.0/16"),
        "an empty string is unset"
    );
}

#[test]
fn user_data_after_drop_ins_wins() {
    let config = merged(&["drop-ins", "seed/userdata.mime"]);
    let cluster = config.spec.unwrap().cluster.unwrap();
    assert_eq!(cluster.name.as_deref(), Some("test-cluster"));
    assert_eq!(cluster.id.as_deref(), Some("outpost-1"));
}

#[test]
fn base64_gzip_user_data_reads_like_plain() {
    let plain = std::fs::read(fixture("seed/userdata.mime")).unwrap();
    let expected = merged(&["seed/userdata.mime"]);
    let encodings = [
        ("gzip", gzip(&plain)),
        ("base64", base64_lines(&plain).into_bytes()),
        ("base64+gzip", base64_lines(&gzip(&plain)).into_bytes()),
    ];
    for (name, payload) in encodings {
        let mut loaded = Loaded::default();
        read_payload(payload, &Source::stdin(), &Limits::default(), &mut loaded).unwrap();
        let layers = loaded.layers.len();
        assert_eq!(layers, 2, "{name}: both NodeConfig parts");
        assert_eq!(merge_layers(loaded.layers).unwrap(), expected, "{name}");
    }
}

#[test]
fn gzip_and_base64_parts_inside_mime() {
    let document = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    name: from-gzip-part\n";
    let user_data = format!(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"==BOUNDARY==\"\n\n\
         --==BOUNDARY==\nContent-Type: application/node.eks.aws\nContent-Transfer-Encoding: base64\n\n\
         {}--==BOUNDARY==\nContent-Type: application/node.eks.aws\n\n{}\n--==BOUNDARY==--\n",
        base64_lines(&gzip(document.as_bytes())),
        base64_lines(b"apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    cidr: 10.0.0.0/16\n").trim_end(),
    );
    let mut loaded = Loaded::default();
    let source = Source::file("userdata");
    read_payload(user_data.into(), &source, &Limits::default(), &mut loaded).unwrap();
    let cluster = merge_layers(loaded.layers)
        .unwrap()
        .spec
        .unwrap()
        .cluster
        .unwrap();
    assert_eq!(cluster.name.as_deref(), Some("from-gzip-part"));
    assert_eq!(cluster.cidr.as_deref(), Some("10.0.0.0/16"));
}

#[test]
fn json_null_stays_a_deletion_and_numbers_stay_exact_through_json() {
    let earlier = r#"{"apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig", "spec": {"kubelet": {"config": {"maxPods": 110, "kubeReserved": {"cpu": "100m"}, "big": 18446744073709551615}}}}"#;
    let later = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      kubeReserved: null\n";
    let mut loaded = Loaded::default();
    for (index, text) in [earlier, later].into_iter().enumerate() {
        let source = Source::file(format!("{index}.yaml"));
        read_payload(text.into(), &source, &Limits::default(), &mut loaded).unwrap();
    }
    let config = merge_layers(loaded.layers).unwrap();
    let kubelet = config.spec.unwrap().kubelet.unwrap().config.unwrap();
    // The merged `kubelet.config` is a merge patch: the deletion is kept for render to apply.
    assert_eq!(
        Value::Object(kubelet),
        json!({"maxPods": 110, "kubeReserved": null, "big": u64::MAX})
    );
}

#[test]
fn every_field_is_read_and_merged_by_its_rule() {
    let loaded = load(&["every-field"]);
    assert_eq!(loaded.warnings, [], "every field is in the model");
    let merged = merge_layers(loaded.layers).unwrap();
    insta::assert_snapshot!("every_field", nodeconfig_eks::to_json(&merged).unwrap());
}
