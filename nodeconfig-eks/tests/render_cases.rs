//! `render`: nodeadm's expected files compared by value, the seed scenario's rlimits reaching
//! the base runtime spec, and all-or-nothing writing.

mod common;

use common::{fixture, merged};
use nodeconfig_eks::render::{
    BASE_RUNTIME_SPEC_PATH, CONTAINERD_CONFIG_PATH, KUBELET_DROP_IN_PATH, KUBELET_ENVIRONMENT_PATH,
    RenderedFile, render, write_all,
};
use serde_json::{Value, json};
use std::fs;

fn rendered(relative: &str, path: &str) -> String {
    render(&merged(&[relative]))
        .unwrap()
        .into_iter()
        .find(|file| file.path == path)
        .unwrap()
        .contents
}

#[test]
fn nodeadm_containerd_base_runtime_spec_matches_by_value() {
    let spec = rendered(
        "nodeadm/containerd-base-runtime-spec/config.yaml",
        BASE_RUNTIME_SPEC_PATH,
    );
    let expected = fs::read_to_string(fixture(
        "nodeadm/containerd-base-runtime-spec/expected-base-runtime-spec.json",
    ))
    .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&spec).unwrap(),
        serde_json::from_str::<Value>(&expected).unwrap()
    );
}

#[test]
fn nodeadm_containerd_config_matches_by_value() {
    let config = rendered(
        "nodeadm/containerdv1-config/configv2.yaml",
        CONTAINERD_CONFIG_PATH,
    );
    let expected = fs::read_to_string(fixture(
        "nodeadm/containerdv1-config/expected-containerd-config.toml",
    ))
    .unwrap();
    assert_eq!(
        config.parse::<toml::Table>().unwrap(),
        expected.parse::<toml::Table>().unwrap()
    );
    // Unlike nodeadm, the default config's comments survive the merge.
    assert!(config.starts_with("# containerd configuration written by `nodeconfig render`"));
}

#[test]
fn seed_scenario_rlimits_reach_the_base_runtime_spec() {
    let spec: Value =
        serde_json::from_str(&rendered("seed/userdata.mime", BASE_RUNTIME_SPEC_PATH)).unwrap();
    let rlimits = spec["process"]["rlimits"].as_array().unwrap();
    let nofile = rlimits
        .iter()
        .find(|rlimit| rlimit["type"] == "RLIMIT_NOFILE")
        .unwrap();
    assert_eq!(
        (&nofile["soft"], &nofile["hard"]),
        (&json!(1024), &json!(1024))
    );
    let memlock = rlimits
        .iter()
        .find(|rlimit| rlimit["type"] == "RLIMIT_MEMLOCK")
        .unwrap();
    assert_eq!(
        memlock["hard"].as_u64(),
        Some(u64::MAX),
        "RLIMIT_INFINITY stays exact"
    );
    assert_eq!(
        spec["ociVersion"], "1.1.0",
        "the default spec is kept around it"
    );
}

#[test]
fn seed_scenario_renders_every_file() {
    let files = render(&merged(&["seed/userdata.mime"])).unwrap();
    let mut report = String::new();
    for file in files
        .iter()
        .filter(|file| file.path != BASE_RUNTIME_SPEC_PATH)
    {
        report += &format!("==> {} <==\n{}", file.path, file.contents);
    }
    insta::assert_snapshot!("seed_rendered_files", report);
    let environment = &files
        .iter()
        .find(|file| file.path == KUBELET_ENVIRONMENT_PATH)
        .unwrap()
        .contents;
    assert_eq!(
        environment,
        "NODEADM_KUBELET_ARGS=\"--node-labels=\\\"karpenter.sh/capacity-type=on-demand,karpenter.sh/nodepool=default\\\" --v=2\"\n"
    );
}

#[test]
fn kubelet_drop_in_has_kind_and_api_version_without_config() {
    let drop_in = rendered(
        "nodeadm/containerdv1-config/configv2.yaml",
        KUBELET_DROP_IN_PATH,
    );
    assert_eq!(
        serde_json::from_str::<Value>(&drop_in).unwrap(),
        json!({"kind": "KubeletConfiguration", "apiVersion": "kubelet.config.k8s.io/v1beta1"})
    );
}

#[test]
fn write_all_changes_nothing_when_one_file_cannot_be_staged() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc/containerd")).unwrap();
    fs::write(root.path().join("etc/containerd/config.toml"), "old\n").unwrap();
    // `etc/eks` is a file, so `etc/eks/kubelet/environment` cannot be created.
    fs::write(root.path().join("etc/eks"), "in the way\n").unwrap();

    let files = render(&merged(&["seed/userdata.mime"])).unwrap();
    let error = write_all(root.path(), &files).unwrap_err();
    assert!(
        error.to_string().contains("etc/eks/kubelet/environment"),
        "{error}"
    );

    let config = fs::read_to_string(root.path().join("etc/containerd/config.toml")).unwrap();
    assert_eq!(config, "old\n", "the earlier file is untouched");
    assert!(!root.path().join(BASE_RUNTIME_SPEC_PATH).exists());
    let leftovers: Vec<_> = fs::read_dir(root.path().join("etc/containerd"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        ["config.toml"],
        "no temporary file is left behind"
    );
}

#[test]
fn write_all_replaces_existing_files() {
    let root = tempfile::tempdir().unwrap();
    let files = [RenderedFile {
        path: KUBELET_ENVIRONMENT_PATH,
        contents: "NODEADM_KUBELET_ARGS=\"\"\n".into(),
    }];
    write_all(root.path(), &files).unwrap();
    let files = [RenderedFile {
        path: KUBELET_ENVIRONMENT_PATH,
        contents: "NODEADM_KUBELET_ARGS=\"--v=2\"\n".into(),
    }];
    let written = write_all(root.path(), &files).unwrap();
    assert_eq!(
        fs::read_to_string(&written[0]).unwrap(),
        "NODEADM_KUBELET_ARGS=\"--v=2\"\n"
    );
}
