//! The `nodeconfig` binary: exit codes, output, and one test per class of error. Every error
//! names its source (file, MIME part) and, where there is one, the field path.

mod common;

use common::{Run, base64_lines, gzip, nodeconfig};
use std::fs;
use std::path::Path;

const HEADER: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n";

/// Runs `args` in a fresh directory holding `files`; returns the run.
fn run_with_files(args: &[&str], files: &[(&str, &[u8])]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        fs::write(dir.path().join(name), contents).unwrap();
    }
    nodeconfig(args, Some(dir.path()), b"")
}

/// A MIME message with the given `(media type, body)` parts.
fn mime(parts: &[(&str, &str)]) -> String {
    let mut message =
        String::from("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"//\"\n\n");
    for (media_type, body) in parts {
        message += &format!("--//\nContent-Type: {media_type}\n\n{body}\n");
    }
    message + "--//--\n"
}

fn assert_invalid(run: &Run, expected_stderr: &str) {
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(run.stderr, expected_stderr, "{run:?}");
    assert_eq!(run.stdout, "", "nothing printed on stdout");
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let run = nodeconfig(&["--help"], None, b"");
    assert_eq!(run.status, 0);
    assert!(
        run.stdout.contains("nodeconfig merge userdata.mime"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Exit status: 0 success, 1 invalid input, 2 usage error")
    );
    let run = nodeconfig(&["render", "--help"], None, b"");
    assert!(run.stdout.contains("etc/containerd/base-runtime-spec.json"));
}

#[test]
fn usage_errors_exit_with_2() {
    let cases: [&[&str]; 5] = [
        &[],
        &["merge"],
        &["merge", "--format", "xml", "a.yaml"],
        &["render", "a.yaml"],
        &["explode", "a.yaml"],
    ];
    for args in cases {
        let run = nodeconfig(args, None, b"");
        assert_eq!(run.status, 2, "{args:?}: {run:?}");
        let explained = run.stderr.contains("Usage:") || run.stderr.contains("try '--help'");
        assert!(explained, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn merge_prints_yaml_and_warns_about_unknown_fields() {
    let run = nodeconfig(
        &["merge", "tests/fixtures/karpenter/al2023-userdata.mime"],
        None,
        b"",
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        run.stderr,
        "warning: tests/fixtures/karpenter/al2023-userdata.mime part 2: spec.cluster.clusterEndpoint is not a NodeConfig field\n\
         note: tests/fixtures/karpenter/al2023-userdata.mime part 3: skipped text/x-shellscript part (not application/node.eks.aws)\n"
    );
    assert!(
        run.stdout
            .starts_with("apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n")
    );
}

#[test]
fn merge_reads_base64_gzip_from_stdin_and_prints_json() {
    let user_data =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/userdata.mime")).unwrap();
    let encoded = base64_lines(&gzip(&user_data));
    let run = nodeconfig(
        &["--verbose", "merge", "--format", "json", "-"],
        None,
        encoded.as_bytes(),
    );
    assert_eq!(run.status, 0, "{run:?}");
    let merged: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rlimits = &merged["spec"]["containerd"]["baseRuntimeSpec"]["process"]["rlimits"];
    assert_eq!(rlimits[0]["soft"], 1024);
    assert_eq!(rlimits[1]["hard"].as_u64(), Some(u64::MAX));
    assert_eq!(
        run.stderr,
        "note: <stdin> part 3: skipped text/x-shellscript part (not application/node.eks.aws)\nnote: <stdin> part 1: merged\nnote: <stdin> part 2: merged\n"
    );
}

#[test]
fn missing_file() {
    let run = run_with_files(&["merge", "absent.yaml"], &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.starts_with("error: absent.yaml: cannot read: "),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_utf8() {
    let run = run_with_files(&["merge", "bad.yaml"], &[("bad.yaml", b"kind: \xff\xfe\n")]);
    assert_invalid(
        &run,
        "error: bad.yaml: is not valid UTF-8 (bad byte at offset 6)\n",
    );
}

#[test]
fn gzip_bomb() {
    // 64 MiB of zeros compress to about 64 KiB; the reader stops at 16 MiB.
    let bomb = gzip(&vec![0; 64 * 1024 * 1024]);
    let run = run_with_files(&["merge", "bomb.gz"], &[("bomb.gz", &bomb)]);
    assert_invalid(
        &run,
        "error: bomb.gz: inputs decode to more than 16 MiB in all (limit max_total_bytes)\n",
    );
}

#[test]
fn truncated_gzip() {
    let compressed = gzip(format!("{HEADER}spec: {{}}\n").as_bytes());
    let truncated = &compressed[..compressed.len() / 2];
    let run = run_with_files(&["merge", "cut.gz"], &[("cut.gz", truncated)]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .starts_with("error: cut.gz: gzip stream is truncated or corrupt: "),
        "{}",
        run.stderr
    );
}

#[test]
fn mime_boundary_never_appears() {
    let message =
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"==X==\"\n\nno parts here\n";
    let run = run_with_files(&["merge", "ud.mime"], &[("ud.mime", message.as_bytes())]);
    assert_invalid(
        &run,
        "error: ud.mime: MIME message: boundary `==X==` never appears in the body\n",
    );
}

#[test]
fn mime_without_nodeconfig_part() {
    let message = mime(&[("text/x-shellscript", "#!/bin/sh\necho hi")]);
    let run = run_with_files(&["merge", "ud.mime"], &[("ud.mime", message.as_bytes())]);
    assert_invalid(
        &run,
        "error: ud.mime: MIME message has no `application/node.eks.aws` part\n",
    );
}

#[test]
fn yaml_alias_bomb() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        bomb += &format!(
            "a{level}: &a{level} [{}]\n",
            [previous.as_str(); 10].join(", ")
        );
    }
    let run = run_with_files(&["merge", "bomb.yaml"], &[("bomb.yaml", bomb.as_bytes())]);
    assert_eq!(run.status, 1, "{run:?}");
    let prefix = "error: bomb.yaml: YAML expands past the parser budget (";
    let suffix =
        "): an alias bomb or an oversized document (limit max_yaml_events, 500000 events)\n";
    assert!(run.stderr.starts_with(prefix), "{}", run.stderr);
    assert!(run.stderr.ends_with(suffix), "{}", run.stderr);
}

#[test]
fn json_nested_3000_deep() {
    let deep = format!("{}{}", "[".repeat(3000), "]".repeat(3000));
    let document = format!(
        "{{\"apiVersion\": \"node.eks.aws/v1alpha1\", \"kind\": \"NodeConfig\", \"spec\": {deep}}}"
    );
    let run = run_with_files(
        &["merge", "deep.json"],
        &[("deep.json", document.as_bytes())],
    );
    assert_invalid(
        &run,
        "error: deep.json: JSON nesting reaches depth 65, over the limit of 64 (limit max_depth)\n",
    );
}

#[test]
fn too_many_documents() {
    let stream = format!("---\n{HEADER}").repeat(65);
    let run = run_with_files(&["merge", "many.yaml"], &[("many.yaml", stream.as_bytes())]);
    assert_invalid(
        &run,
        "error: many.yaml: more than 64 YAML documents in one stream (limit max_documents)\n",
    );
}

#[test]
fn yaml_syntax_error() {
    let run = run_with_files(
        &["merge", "bad.yaml"],
        &[("bad.yaml", b"kind: [NodeConfig\n")],
    );
    assert_invalid(
        &run,
        "error: bad.yaml: is not valid YAML: line 1 column 7: unclosed bracket '['\n",
    );
}

#[test]
fn other_kind_in_a_part() {
    let message = mime(&[
        ("application/node.eks.aws", &format!("{HEADER}spec: {{}}")),
        (
            "application/node.eks.aws",
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration",
        ),
    ]);
    let run = run_with_files(&["merge", "ud.mime"], &[("ud.mime", message.as_bytes())]);
    assert_invalid(
        &run,
        "error: ud.mime part 2: apiVersion `kubelet.config.k8s.io/v1beta1`, kind `KubeletConfiguration` is not a NodeConfig (expected apiVersion `node.eks.aws/v1alpha1`, kind `NodeConfig`)\n",
    );
}

#[test]
fn wrong_type_names_the_field() {
    let document = format!("{HEADER}spec:\n  kubelet:\n    flags: --v=2\n");
    let run = run_with_files(&["merge", "a.yaml"], &[("a.yaml", document.as_bytes())]);
    assert_invalid(
        &run,
        "error: a.yaml: spec.kubelet.flags: invalid type: string \"--v=2\", expected a sequence\n",
    );
    let document =
        format!("{HEADER}spec:\n  instance:\n    localStorage:\n      strategy: RAID5\n");
    let run = run_with_files(&["merge", "a.yaml"], &[("a.yaml", document.as_bytes())]);
    assert_invalid(
        &run,
        "error: a.yaml: spec.instance.localStorage.strategy: unknown variant `RAID5`, expected one of `RAID0`, `RAID10`, `Mount`\n",
    );
}

#[test]
fn broken_toml_in_the_second_part() {
    let message = mime(&[
        (
            "application/node.eks.aws",
            &format!("{HEADER}spec:\n  containerd:\n    config: |\n      version = 2\n"),
        ),
        (
            "application/node.eks.aws",
            &format!(
                "{HEADER}spec:\n  containerd:\n    config: |\n      [grpc]\n      address = \n"
            ),
        ),
    ]);
    let run = run_with_files(&["merge", "ud.mime"], &[("ud.mime", message.as_bytes())]);
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stderr.starts_with(
            "error: ud.mime part 2: spec.containerd.config: is not valid TOML at line 2, column "
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn validate_reports_every_failure_with_its_path() {
    let run = nodeconfig(
        &["validate", "tests/fixtures/karpenter/al2023-userdata.mime"],
        None,
        b"",
    );
    assert_eq!(run.status, 1);
    assert!(run.stderr.ends_with(
        "error: spec.cluster.certificateAuthority: is not base64 (it holds the cluster CA bundle, base64-encoded)\n"
    ), "{}", run.stderr);

    let document = format!("{HEADER}spec:\n  cluster:\n    name: a\n    enableOutpost: true\n");
    let run = run_with_files(&["validate", "a.yaml"], &[("a.yaml", document.as_bytes())]);
    assert_invalid(
        &run,
        "error: spec.cluster.apiServerEndpoint: is required\n\
         error: spec.cluster.certificateAuthority: is required\n\
         error: spec.cluster.cidr: is required\n\
         error: spec.cluster.id: is required when spec.cluster.enableOutpost is true\n",
    );

    let run = nodeconfig(
        &[
            "validate",
            "tests/fixtures/seed/userdata.mime",
            "tests/fixtures/drop-ins",
        ],
        None,
        b"",
    );
    assert_eq!((run.status, run.stdout.as_str()), (0, "valid\n"), "{run:?}");
}

#[test]
fn render_writes_the_four_files() {
    let root = tempfile::tempdir().unwrap();
    let root_arg = root.path().to_str().unwrap();
    let run = nodeconfig(
        &[
            "render",
            "--root",
            root_arg,
            "tests/fixtures/seed/userdata.mime",
        ],
        None,
        b"",
    );
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 4);
    let spec =
        fs::read_to_string(root.path().join("etc/containerd/base-runtime-spec.json")).unwrap();
    let spec: serde_json::Value = serde_json::from_str(&spec).unwrap();
    assert_eq!(spec["process"]["rlimits"][0]["soft"], 1024);
    assert!(root.path().join("etc/eks/kubelet/environment").is_file());
}

#[test]
fn render_of_invalid_input_writes_nothing() {
    let broken_toml = mime(&[
        (
            "application/node.eks.aws",
            &fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/nodeadm/containerdv1-config/configv2.yaml"),
            )
            .unwrap(),
        ),
        (
            "application/node.eks.aws",
            &format!("{HEADER}spec:\n  containerd:\n    config: \"[grpc\"\n"),
        ),
    ]);
    let missing_cluster = format!("{HEADER}spec:\n  kubelet:\n    flags: [--v=2]\n");
    for (name, input) in [
        ("broken-toml.mime", broken_toml),
        ("no-cluster.yaml", missing_cluster),
    ] {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(name), input).unwrap();
        let run = nodeconfig(&["render", "--root", "out", name], Some(dir.path()), b"");
        assert_eq!(run.status, 1, "{name}: {run:?}");
        assert!(!dir.path().join("out").exists(), "{name}: nothing written");
    }
}
