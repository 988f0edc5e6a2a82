//! Budgets on totals (issue 11, item 12): bytes decoded across every input, values in one JSON
//! document, keys in one TOML document. Each is refused naming the limit, under the deadline and
//! address-space cap of `common::capped`, and `render` writes nothing.

mod common;

use common::capped::run;
use std::fs;

const HEADER: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n";
const MIB: usize = 1024 * 1024;

fn refused(args: &[&str], files: &[(&str, Vec<u8>)], expected_stderr: &str) {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        fs::write(dir.path().join(name), contents).unwrap();
    }
    for command in [&["merge"][..], &["render", "--root", "out"]] {
        let args: Vec<&str> = command.iter().chain(args).copied().collect();
        let run = run(&args, dir.path(), Vec::new());
        assert_eq!(run.status, Some(1), "{run:?}");
        assert_eq!(run.stderr, expected_stderr, "{run:?}");
    }
    assert!(!dir.path().join("out").exists(), "render wrote files");
}

/// A valid NodeConfig padded with `mib` MiB of blank lines, gzipped: 10 KiB on disk each.
fn padded_gzip(mib: usize) -> Vec<u8> {
    let mut text = format!("{HEADER}spec: {{}}\n").into_bytes();
    text.resize(text.len() + mib * MIB, b'\n');
    common::gzip(&text)
}

#[test]
fn decoded_bytes_are_budgeted_across_files() {
    // Each file alone is within max_input_bytes; the two together decode past max_total_bytes.
    let one = padded_gzip(10);
    assert!(one.len() < 64 * 1024, "{} bytes", one.len());
    refused(
        &["a.gz", "b.gz"],
        &[("a.gz", one.clone()), ("b.gz", one)],
        "error: b.gz: inputs decode to more than 16 MiB in all (limit max_total_bytes)\n",
    );
}

#[test]
fn decoded_bytes_are_budgeted_across_mime_parts() {
    use base64::Engine as _;
    let part = base64::engine::general_purpose::STANDARD.encode(padded_gzip(6));
    let mut message =
        String::from("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n");
    for _ in 0..64 {
        message += &format!("--b\nContent-Type: application/node.eks.aws\n\n{part}\n");
    }
    message += "--b--\n";
    refused(
        &["ud.mime"],
        &[("ud.mime", message.into_bytes())],
        "error: ud.mime part 3: inputs decode to more than 16 MiB in all (limit max_total_bytes)\n",
    );
}

#[test]
fn json_values_are_budgeted() {
    // 1.2 MB of JSON, 400,000 values: small on disk, large once parsed.
    let items = "0,".repeat(400_000);
    let document = format!(
        r#"{{"apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig", "spec": {{"kubelet": {{"config": {{"x": [{items}0]}}}}}}}}"#
    );
    refused(
        &["big.json"],
        &[("big.json", document.into_bytes())],
        "error: big.json: JSON document has more than 100000 values (limit max_json_values)\n",
    );
}

#[test]
fn toml_keys_are_budgeted() {
    let mut toml = String::from("x = {");
    for key in 0..20_000 {
        toml += &format!("k{key} = 1, ");
    }
    toml += "}";
    let document = format!("{HEADER}spec:\n  containerd:\n    config: '{toml}'\n");
    refused(
        &["big.yaml"],
        &[("big.yaml", document.into_bytes())],
        "error: big.yaml: spec.containerd.config: TOML document has more than 10000 keys and array items (limit max_toml_keys)\n",
    );
}
