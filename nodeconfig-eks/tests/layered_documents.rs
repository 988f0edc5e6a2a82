//! Issue 12's inputs through the `nodeconfig` binary: a deletion means the same whatever layers
//! surround it; numbers come out as written through every reader and every output; a containerd
//! config of another version is an error, never a mixed file.

mod common;

use common::{Run, base64_lines, gzip, nodeconfig};
use serde_json::{Value, json};
use std::fs;
use tempfile::TempDir;

const HEADER: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n";

const CLUSTER: &str = "spec:\n  cluster:\n    name: test-cluster\n    apiServerEndpoint: https://example.com\n    certificateAuthority: Y2E=\n    cidr: 10.100.0.0/16\n";
const SIBLING: &str =
    "spec:\n  containerd:\n    config: \"[grpc]\\nmax_recv_message_size = 16777216\\n\"\n";
const USER: &str =
    "spec:\n  containerd:\n    baseRuntimeSpec:\n      process:\n        rlimits: null\n";

/// A directory holding `cluster.yaml`, `sibling.yaml`, `user.yaml` and `extra` files.
fn inputs(extra: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        ("cluster.yaml", CLUSTER),
        ("sibling.yaml", SIBLING),
        ("user.yaml", USER),
    ] {
        fs::write(dir.path().join(name), format!("{HEADER}{body}")).unwrap();
    }
    for (name, body) in extra {
        fs::write(dir.path().join(name), body).unwrap();
    }
    dir
}

fn run_in(dir: &TempDir, args: &[&str], stdin: &[u8]) -> Run {
    nodeconfig(args, Some(dir.path()), stdin)
}

fn ok(run: Run) -> String {
    assert_eq!(run.status, 0, "{run:?}");
    run.stdout
}

/// The table of the issue: the merged `baseRuntimeSpec` keeps the deletion, and the rendered
/// spec drops the default rlimits, in all three rows.
#[test]
fn a_deletion_survives_whatever_layers_surround_it() {
    let dir = inputs(&[]);
    for row in [
        &["cluster.yaml", "user.yaml"][..],
        &["cluster.yaml", "sibling.yaml", "user.yaml"],
        &["cluster.yaml", "user.yaml", "user.yaml"],
    ] {
        let args = [&["merge", "--format", "json"][..], row].concat();
        let merged: Value = serde_json::from_str(&ok(run_in(&dir, &args, b""))).unwrap();
        assert_eq!(
            merged["spec"]["containerd"]["baseRuntimeSpec"],
            json!({"process": {"rlimits": null}}),
            "{row:?}"
        );

        let args = [&["render", "--root", "out"][..], row].concat();
        ok(run_in(&dir, &args, b""));
        let spec = fs::read_to_string(dir.path().join("out/etc/containerd/base-runtime-spec.json"))
            .unwrap();
        let spec: Value = serde_json::from_str(&spec).unwrap();
        assert_eq!(spec["process"].get("rlimits"), None, "{row:?}");
        assert_eq!(
            spec["process"]["cwd"], "/",
            "{row:?}: the rest of the default stays"
        );
    }
}

#[test]
fn explain_shows_the_deletion_and_the_part_that_made_it() {
    let dir = inputs(&[]);
    let text = ok(run_in(
        &dir,
        &[
            "merge",
            "--explain",
            "cluster.yaml",
            "sibling.yaml",
            "user.yaml",
        ],
        b"",
    ));
    let line = text
        .lines()
        .find(|line| line.starts_with("# spec.containerd.baseRuntimeSpec.process.rlimits"))
        .expect("the deletion is explained");
    let columns: Vec<&str> = line.split_whitespace().skip(1).collect();
    assert_eq!(columns[1..], ["(deleted)", "user.yaml", "merge_patch"]);
}

/// The numbers of the issue, in JSON and YAML spelling.
const NUMBERS: [&str; 6] = [
    "18446744073709551616",
    "123456789012345678901234567890",
    "-18446744073709551615",
    "0.1000000000000000055511151231257827",
    "-0",
    "1e-400",
];

/// A NodeConfig with every number in `kubelet.config` (keys `n0`...) and in
/// `baseRuntimeSpec.process.rlimits[0].soft`, `hard`.
fn numbers_yaml() -> String {
    let config: String = NUMBERS
        .iter()
        .enumerate()
        .map(|(index, number)| format!("      n{index}: {number}\n"))
        .collect();
    format!(
        "{HEADER}spec:\n  kubelet:\n    config:\n{config}  containerd:\n    baseRuntimeSpec:\n      \
         process:\n        rlimits:\n        - type: RLIMIT_NOFILE\n          soft: {}\n          hard: {}\n",
        NUMBERS[0], NUMBERS[1]
    )
}

fn numbers_json() -> String {
    let config: Vec<String> = NUMBERS
        .iter()
        .enumerate()
        .map(|(index, number)| format!("\"n{index}\": {number}"))
        .collect();
    format!(
        r#"{{"apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig", "spec": {{"kubelet": {{"config": {{{}}}}}, "containerd": {{"baseRuntimeSpec": {{"process": {{"rlimits": [{{"type": "RLIMIT_NOFILE", "soft": {}, "hard": {}}}]}}}}}}}}}}"#,
        config.join(", "),
        NUMBERS[0],
        NUMBERS[1]
    )
}

/// Every number appears, as written, in `text`.
fn assert_numbers_as_written(text: &str, context: &str) {
    for (index, number) in NUMBERS.iter().enumerate() {
        let json = format!("\"n{index}\": {number}");
        let yaml = format!("n{index}: {number}\n");
        let explained = format!("kubelet.config.n{index}  {number} ");
        assert!(
            text.contains(&json) || text.contains(&yaml) || text.contains(&explained),
            "{context}: n{index} = {number} not found in\n{text}"
        );
    }
}

#[test]
fn numbers_come_out_as_written_through_every_reader_and_output() {
    let yaml = numbers_yaml();
    let json = numbers_json();
    let mime = format!(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"//\"\n\n--//\n\
         Content-Type: application/node.eks.aws\n\n{yaml}\n--//\n\
         Content-Type: application/node.eks.aws\n\n{json}\n--//--\n"
    );
    let encoded = base64_lines(&gzip(mime.as_bytes()));
    let dir = inputs(&[
        ("numbers.yaml", yaml.as_bytes()),
        ("numbers.json", json.as_bytes()),
        ("userdata.mime", mime.as_bytes()),
        ("userdata.b64", encoded.as_bytes()),
    ]);
    for input in [
        "numbers.yaml",
        "numbers.json",
        "userdata.mime",
        "userdata.b64",
        "-",
    ] {
        let stdin = if input == "-" {
            encoded.as_bytes()
        } else {
            b""
        };
        for args in [
            &["merge"][..],
            &["merge", "--format", "json"],
            &["merge", "--explain"],
            &["merge", "--explain", "--format", "json"],
        ] {
            let args = [args, &[input]].concat();
            assert_numbers_as_written(&ok(run_in(&dir, &args, stdin)), &format!("{args:?}"));
        }
        let args = ["render", "--root", "out", "cluster.yaml", input];
        ok(run_in(&dir, &args, stdin));
        let drop_in = dir
            .path()
            .join("out/etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf");
        assert_numbers_as_written(&fs::read_to_string(drop_in).unwrap(), "render drop-in");
        let spec = fs::read_to_string(dir.path().join("out/etc/containerd/base-runtime-spec.json"))
            .unwrap();
        assert!(
            spec.contains(&format!("\"soft\": {}", NUMBERS[0])),
            "{spec}"
        );
        assert!(
            spec.contains(&format!("\"hard\": {}", NUMBERS[1])),
            "{spec}"
        );
    }
}

#[test]
fn a_number_that_does_not_fit_a_typed_field_names_the_field() {
    let dir = inputs(&[(
        "pods.yaml",
        format!("{HEADER}spec:\n  kubelet:\n    config:\n      maxPods: 1e400\n").as_bytes(),
    )]);
    // Kept as written in the merged document...
    let merged = ok(run_in(&dir, &["merge", "pods.yaml"], b""));
    assert!(merged.contains("maxPods: 1e+400\n"), "{merged}");
    // ...and refused where kubelet would read it into an int32.
    let run = run_in(
        &dir,
        &["render", "--root", "out", "cluster.yaml", "pods.yaml"],
        b"",
    );
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: spec.kubelet.config.maxPods: 1e+400 does not fit kubelet's int32 field; write a \
         whole number from -2147483648 to 2147483647\n"
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn yaml_infinity_is_an_error_with_its_position() {
    let dir = inputs(&[(
        "inf.yaml",
        format!("{HEADER}spec:\n  kubelet:\n    config:\n      x: .inf\n").as_bytes(),
    )]);
    let run = run_in(&dir, &["merge", "inf.yaml"], b"");
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stderr
            == "error: inf.yaml: line 6, column 10: `.inf` is infinite or not a number, which a JSON document cannot hold; write a finite number\n",
        "{}",
        run.stderr
    );
}

const CONFIG_V3: &str = "spec:\n  containerd:\n    config: |\n      version = 3\n      [plugins.'io.containerd.cri.v1.images']\n      snapshotter = \"overlayfs\"\n";

#[test]
fn a_containerd_config_of_another_version_is_an_error_naming_the_part() {
    let mime = format!(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"//\"\n\n--//\n\
         Content-Type: application/node.eks.aws\n\n{HEADER}{CLUSTER}\n--//\n\
         Content-Type: application/node.eks.aws\n\n{HEADER}{CONFIG_V3}\n--//--\n"
    );
    let dir = inputs(&[("userdata.mime", mime.as_bytes())]);
    let run = run_in(&dir, &["render", "--root", "out", "userdata.mime"], b"");
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: userdata.mime part 2: spec.containerd.config: `version = 3` is a containerd 2 \
         config, but containerd 1 reads config version 2; write the config for version 2, or \
         render for the containerd it was written for with `--containerd-version`\n"
    );
    assert!(!dir.path().join("out").exists(), "no file mixes the two");

    // For containerd 2, the version 3 template is used, and nothing of version 2 is in it.
    let args = [
        "render",
        "--containerd-version",
        "2.0.5",
        "--root",
        "out",
        "userdata.mime",
    ];
    ok(run_in(&dir, &args, b""));
    let config = fs::read_to_string(dir.path().join("out/etc/containerd/config.toml")).unwrap();
    assert!(config.contains("\nversion = 3\n"), "{config}");
    assert!(config.contains("snapshotter = \"overlayfs\""), "{config}");
    assert!(!config.contains("io.containerd.grpc.v1.cri"), "{config}");

    // A version 2 config over the containerd 2 template is refused the same way.
    let run = run_in(
        &dir,
        &[
            "render",
            "--containerd-version",
            "2",
            "--root",
            "out2",
            "cluster.yaml",
            "sibling.yaml",
        ],
        b"",
    );
    assert_eq!(
        run.status, 0,
        "no version written: the template's holds; {run:?}"
    );
    let v2 = format!("{HEADER}spec:\n  containerd:\n    config: \"version = 2\\n\"\n");
    fs::write(dir.path().join("v2.yaml"), v2).unwrap();
    let run = run_in(
        &dir,
        &[
            "render",
            "--containerd-version",
            "2",
            "--root",
            "out3",
            "cluster.yaml",
            "v2.yaml",
        ],
        b"",
    );
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stderr.starts_with("error: v2.yaml: spec.containerd.config: `version = 2` is a containerd 1 config, but containerd 2 reads config version 3"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_containerd_version_is_a_usage_error() {
    let run = nodeconfig(
        &[
            "render",
            "--containerd-version",
            "3",
            "--root",
            "out",
            "a.yaml",
        ],
        None,
        b"",
    );
    assert_eq!(run.status, 2, "{run:?}");
    assert!(run.stderr.contains("give 1 or 2"), "{}", run.stderr);
}
