//! `nodeconfig merge --explain`: which input set each merged value, by which rule, overriding
//! what; as comment lines after the merged YAML, or as one JSON object.

mod common;

use common::{Run, nodeconfig};
use nodeconfig_eks::explain::{explain, merge_layers_traced};
use nodeconfig_eks::read::{Loaded, read_payload};
use nodeconfig_eks::{Layer, Limits, Source};
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

const SEED: &str = "tests/fixtures/seed/userdata.mime";
const HEADER: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n";

/// The columns of the explain line for `path`: path, value, source, strategy, overrides.
fn columns<'a>(stdout: &'a str, path: &str) -> Vec<&'a str> {
    let line = stdout
        .lines()
        .find(|line| {
            line.strip_prefix("# ")
                .and_then(|rest| rest.split("  ").next())
                == Some(path)
        })
        .unwrap_or_else(|| panic!("no explain line for {path} in:\n{stdout}"));
    line["# ".len()..]
        .split("  ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect()
}

fn assert_success(run: &Run) {
    assert_eq!(run.status, 0, "{run:?}");
}

#[test]
fn seed_scenario_says_who_set_the_rlimits() {
    let run = nodeconfig(&["merge", "--explain", SEED], None, b"");
    assert_success(&run);
    let part = |number: u8| format!("{SEED} part {number}");

    // rlimits merge by `type`: each item is named by its key, down to its leaves.
    let soft = columns(
        &run.stdout,
        "spec.containerd.baseRuntimeSpec.process.rlimits[type=RLIMIT_NOFILE].soft",
    );
    assert_eq!(soft[1..], ["1024", part(2).as_str(), "merge_patch"]);
    let memlock = columns(
        &run.stdout,
        "spec.containerd.baseRuntimeSpec.process.rlimits[type=RLIMIT_MEMLOCK].hard",
    );
    assert_eq!(
        memlock[1..],
        ["18446744073709551615", part(2).as_str(), "merge_patch"]
    );
    let flag = columns(&run.stdout, "spec.kubelet.flags[0]");
    assert!(flag[1].ends_with('…'), "long values are cut");
    let name = columns(&run.stdout, "spec.cluster.name");
    assert_eq!(name[1..], ["\"test-cluster\"", part(1).as_str(), "replace"]);
    let max_pods = columns(&run.stdout, "spec.kubelet.config.maxPods");
    assert_eq!(
        max_pods[1..],
        ["42", part(2).as_str(), "merge_patch", "overrides part 1"]
    );

    // The merged document comes first, exactly as without --explain, and the whole output is
    // still YAML that reads back as it.
    let plain = nodeconfig(&["merge", SEED], None, b"");
    assert!(run.stdout.starts_with(&plain.stdout), "{}", run.stdout);
    let reread: Value = serde_saphyr::from_str(&run.stdout).unwrap();
    let plain: Value = serde_saphyr::from_str(&plain.stdout).unwrap();
    assert_eq!(reread, plain);

    insta::assert_snapshot!(run.stdout);
}

/// Three layers: user data on stdin or in a file (one NodeConfig part beside a shell script),
/// then a drop-in directory whose two files delete keys with `null`, append flags and change
/// containerd's TOML.
fn three_layers() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let user_data = format!(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"//\"\n\n\
         --//\nContent-Type: text/x-shellscript\n\necho hello\n\
         --//\nContent-Type: application/node.eks.aws\n\n{HEADER}\
spec:
  cluster: {{name: prod, apiServerEndpoint: https://example.com, certificateAuthority: Y2E=, cidr: 10.100.0.0/16}}
  containerd:
    config: |
      version = 2
      [grpc]
      address = \"/run/containerd/containerd.sock\"
  kubelet:
    config:
      maxPods: 110
      podsPerCore: 10
      evictionHard: {{memory.available: 100Mi, nodefs.available: 10%}}
    flags: [--v=2]
--//--\n"
    );
    let deletes = format!(
        "{HEADER}\
spec:
  containerd:
    config: |
      [grpc]
      max_recv_message_size = 16777216
  kubelet:
    config:
      podsPerCore: null
      evictionHard: {{memory.available: null}}
    flags: [--node-labels=team=a, --max-open-files=4096]
"
    );
    let later = json!({
        "apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig",
        "spec": {
            "containerd": {"config": "[grpc]\naddress = \"/run/containerd/other.sock\"\n"},
            "kubelet": {"config": {"maxPods": 58}, "flags": ["--v=4"]}
        }
    });
    fs::write(dir.path().join("userdata.mime"), user_data).unwrap();
    fs::create_dir(dir.path().join("nodeconfig.d")).unwrap();
    fs::write(dir.path().join("nodeconfig.d/10-deletes.yaml"), deletes).unwrap();
    fs::write(
        dir.path().join("nodeconfig.d/20-later.json"),
        later.to_string(),
    )
    .unwrap();
    dir
}

#[test]
fn three_layers_with_deletions_and_appended_flags() {
    let dir = three_layers();
    let args = ["merge", "--explain", "userdata.mime", "nodeconfig.d"];
    let run = nodeconfig(&args, Some(dir.path()), b"");
    assert_success(&run);

    let deletes = "nodeconfig.d/10-deletes.yaml";
    let later = "nodeconfig.d/20-later.json";
    let pods_per_core = columns(&run.stdout, "spec.kubelet.config.podsPerCore");
    assert_eq!(
        pods_per_core[1..],
        [
            "(deleted)",
            deletes,
            "merge_patch",
            "overrides userdata.mime part 2"
        ]
    );
    let memory = columns(
        &run.stdout,
        "spec.kubelet.config.evictionHard[\"memory.available\"]",
    );
    assert_eq!(memory[1..3], ["(deleted)", deletes]);
    let flags: Vec<Vec<&str>> = (0..4)
        .map(|index| columns(&run.stdout, &format!("spec.kubelet.flags[{index}]")))
        .collect();
    assert_eq!(
        flags[0][1..],
        ["\"--v=2\"", "userdata.mime part 2", "append"]
    );
    assert_eq!(
        flags[2][1..],
        ["\"--max-open-files=4096\"", deletes, "append"]
    );
    assert_eq!(flags[3][1..], ["\"--v=4\"", later, "append"]);
    let address = columns(&run.stdout, "spec.containerd.config.grpc.address");
    assert_eq!(
        address[1..],
        [
            "\"/run/containerd/other.sock\"",
            later,
            "toml_deep",
            "overrides userdata.mime part 2"
        ]
    );
    let size = columns(
        &run.stdout,
        "spec.containerd.config.grpc.max_recv_message_size",
    );
    assert_eq!(size[1..], ["16777216", deletes, "toml_deep"]);

    insta::assert_snapshot!(run.stdout);
}

#[test]
fn explain_as_json_reads_back() {
    let dir = three_layers();
    let user_data = fs::read(dir.path().join("userdata.mime")).unwrap();
    let args = [
        "merge",
        "--explain",
        "--format",
        "json",
        "-",
        "nodeconfig.d",
    ];
    let run = nodeconfig(&args, Some(dir.path()), &user_data);
    assert_success(&run);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();

    let plain = nodeconfig(
        &["merge", "--format", "json", "-", "nodeconfig.d"],
        Some(dir.path()),
        &user_data,
    );
    let plain: Value = serde_json::from_str(&plain.stdout).unwrap();
    assert_eq!(output["merged"], plain);
    assert_eq!(
        output["layers"],
        json!([
            "<stdin> part 2",
            "nodeconfig.d/10-deletes.yaml",
            "nodeconfig.d/20-later.json"
        ])
    );

    let leaves = output["provenance"].as_array().unwrap();
    let leaf = |path: &str| {
        leaves
            .iter()
            .find(|leaf| leaf["path"] == path)
            .unwrap_or_else(|| panic!("no leaf {path}"))
    };
    assert_eq!(
        *leaf("spec.kubelet.config.podsPerCore"),
        json!({
            "path": "spec.kubelet.config.podsPerCore", "value": null,
            "source": "nodeconfig.d/10-deletes.yaml", "layer": 1, "strategy": "merge_patch",
            "deleted": true, "overrides": ["<stdin> part 2"]
        })
    );
    let max_pods = leaf("spec.kubelet.config.maxPods");
    assert_eq!(max_pods["value"], 58);
    assert_eq!(max_pods["layer"], 2);
    assert_eq!(max_pods["overrides"], json!(["<stdin> part 2"]));
    let flag = leaf("spec.kubelet.flags[1]");
    assert_eq!(flag["value"], "--node-labels=team=a");
    assert_eq!(flag["strategy"], "append");
    let version = leaf("spec.containerd.config.version");
    assert_eq!(
        (&version["value"], &version["layer"]),
        (&json!(2), &json!(0))
    );
    // Values are whole, never cut, and every leaf has the same fields.
    let name = leaf("spec.cluster.apiServerEndpoint");
    assert_eq!(name["value"], "https://example.com");
    for leaf in leaves {
        let keys: Vec<&String> = leaf.as_object().unwrap().keys().collect();
        let expected = [
            "path",
            "value",
            "source",
            "layer",
            "strategy",
            "deleted",
            "overrides",
        ];
        assert_eq!(keys, expected);
        let layer = leaf["layer"].as_u64().unwrap() as usize;
        assert_eq!(leaf["source"], output["layers"][layer]);
    }
    assert_eq!(
        leaves.len(),
        run.stdout.matches("\"path\"").count(),
        "{}",
        run.stdout
    );
}

#[test]
fn a_failed_traced_merge_names_the_layer_like_the_untraced_one() {
    // The reader rejects broken TOML, so these layers are built by hand.
    let layer = |part: usize, config: &str| Layer {
        source: Source::file("ud.mime").with_part(part),
        config: serde_json::from_value(json!({"spec": {"containerd": {"config": config}}}))
            .unwrap(),
    };
    // The broken document last, and first (where nothing is merged yet, it is only checked).
    for (layers, part) in [
        (vec![layer(1, "version = 2"), layer(2, "[grpc")], 2),
        (vec![layer(1, "[grpc"), layer(2, "version = 2")], 1),
    ] {
        let untraced = nodeconfig_eks::merge_layers(layers.clone()).unwrap_err();
        let traced = merge_layers_traced(layers).unwrap_err();
        assert_eq!(traced, untraced);
        assert!(
            traced
                .to_string()
                .starts_with(&format!("ud.mime part {part}: spec.containerd.config: ")),
            "{traced}"
        );
    }
}

#[test]
fn the_traced_merge_gives_the_untraced_result() {
    let mut loaded = Loaded::default();
    let user_data = fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)).unwrap();
    let source = Source::file("userdata.mime");
    read_payload(user_data, &source, &Limits::default(), &mut loaded).unwrap();
    let untraced = nodeconfig_eks::merge_layers(loaded.layers.clone()).unwrap();
    let (traced, provenance) = merge_layers_traced(loaded.layers).unwrap();
    assert_eq!(traced, untraced);

    let entries = explain(&traced, &provenance).unwrap();
    assert_eq!(entries.len(), provenance.len());
    let memlock = entries
        .iter()
        .find(|entry| {
            entry.path
                == "spec.containerd.baseRuntimeSpec.process.rlimits[type=RLIMIT_MEMLOCK].hard"
        })
        .unwrap();
    assert_eq!(memlock.source, source.with_part(2));
    assert_eq!(memlock.value.as_ref().unwrap().as_u64(), Some(u64::MAX));
}

#[test]
fn merge_help_documents_explain() {
    let run = nodeconfig(&["merge", "--help"], None, b"");
    assert_success(&run);
    for expected in [
        "--explain",
        "overrides part 1",
        "(deleted)",
        "\"provenance\"",
    ] {
        assert!(run.stdout.contains(expected), "{expected}: {}", run.stdout);
    }
}

#[test]
fn keys_that_are_not_plain_names_are_explained_with_their_values() {
    let layer = |part: usize, document: Value| Layer {
        source: Source::file("ud.mime").with_part(part),
        config: serde_json::from_value(document).unwrap(),
    };
    let odd = "say \"hi\"\\now";
    let (merged, provenance) = merge_layers_traced([
        layer(
            1,
            json!({"metadata": {"labels": {"node.kubernetes.io/role": "worker", "team": "a"}}}),
        ),
        layer(
            2,
            json!({
                "metadata": {"labels": {"node.kubernetes.io/role": "gpu"}},
                "spec": {
                    "kubelet": {"config": {"evictionHard": {"memory.available": "100Mi"}}},
                    "instance": {"environment": {"kubelet": {(odd): "1"}}},
                    "containerd": {"config": "[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = \"pause\"\n"},
                },
            }),
        ),
    ])
    .unwrap();
    let entries = explain(&merged, &provenance).unwrap();
    let value = |path: &str| {
        let entry = entries.iter().find(|entry| entry.path == path);
        entry
            .unwrap_or_else(|| panic!("no entry {path}"))
            .value
            .clone()
    };
    let role = r#"metadata.labels["node.kubernetes.io/role"]"#;
    assert_eq!(value(role), Some(json!("gpu")));
    assert_eq!(value("metadata.labels.team"), Some(json!("a")));
    assert_eq!(
        value(r#"spec.kubelet.config.evictionHard["memory.available"]"#),
        Some(json!("100Mi"))
    );
    assert_eq!(
        value(&format!("spec.instance.environment.kubelet[{odd:?}]")),
        Some(json!("1"))
    );
    assert_eq!(
        value(r#"spec.containerd.config.plugins["io.containerd.grpc.v1.cri"].sandbox_image"#),
        Some(json!("pause"))
    );
    let entry = entries.iter().find(|entry| entry.path == role).unwrap();
    assert_eq!(entry.overrides, [Source::file("ud.mime").with_part(1)]);
}
