//! Reading user data (issue 11, items 7-9 and 14): MIME header anomalies, nested and
//! quoted-printable parts, skipped parts said on stderr, inputs with no NodeConfig, duplicate JSON
//! keys, and the errors for a byte-order mark, a YAML flow mapping, trailing gzip bytes, closed
//! and repeated stdin.

mod common;

use common::nodeconfig;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

const NODECONFIG: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config: {maxPods: 42}\n";

fn in_dir(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        fs::write(dir.path().join(name), contents).unwrap();
    }
    dir
}

/// A two-part message: a shell script, then the NodeConfig under `headers`.
fn message(headers: &[u8]) -> Vec<u8> {
    let mut text = b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"//\"\n\n--//\nContent-Type: text/x-shellscript\n\necho hi\n--//\n".to_vec();
    text.extend_from_slice(headers);
    text.extend_from_slice(b"\n");
    text.extend_from_slice(NODECONFIG.as_bytes());
    text.extend_from_slice(b"--//--\n");
    text
}

fn merge(dir: &Path, args: &[&str]) -> common::Run {
    let args: Vec<&str> = ["merge", "--format", "json"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    nodeconfig(&args, Some(dir), b"")
}

#[test]
fn header_anomalies_keep_the_part() {
    for headers in [
        &b"Content-Type : application/node.eks.aws\n"[..],
        b"Content-Type: \"application/node.eks.aws\"\n",
        b"X-Comment: r\xe9sum\xe9\nContent-Type: application/node.eks.aws\n",
    ] {
        let dir = in_dir(&[("ud.mime", &message(headers))]);
        let run = merge(dir.path(), &["ud.mime"]);
        assert_eq!(run.status, 0, "{headers:?}: {run:?}");
        assert!(
            run.stdout.contains("\"maxPods\": 42"),
            "{headers:?}: {run:?}"
        );
        assert_eq!(
            run.stderr,
            "note: ud.mime part 1: skipped text/x-shellscript part (not application/node.eks.aws)\n"
        );
    }
}

#[test]
fn an_unreadable_part_header_is_an_error_naming_the_part() {
    let dir = in_dir(&[(
        "ud.mime",
        &message(b"Content-Type application/node.eks.aws\n"),
    )]);
    let run = merge(dir.path(), &["ud.mime"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: ud.mime: MIME part 2: header line `Content-Type application/node.eks.aws` cannot be read (each header line must be `Name: value`, then a blank line)\n"
    );
}

#[test]
fn nested_and_quoted_printable_parts_are_read() {
    let text = format!(
        "Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\nContent-Type: application/node.eks.aws\nContent-Transfer-Encoding: quoted-printable\n\n{}--inner--\n--outer--\n",
        NODECONFIG.replace("maxPods: 42", "maxPods: 4=\n2")
    );
    let dir = in_dir(&[("ud.mime", text.as_bytes())]);
    let run = nodeconfig(&["merge", "-v", "ud.mime"], Some(dir.path()), b"");
    assert_eq!(run.status, 0, "{run:?}");
    assert!(run.stdout.contains("maxPods: 42"), "{run:?}");
    assert_eq!(run.stderr, "note: ud.mime part 1.1: merged\n");
}

#[test]
fn no_nodeconfig_among_the_inputs_is_an_error_naming_them() {
    let empty = tempfile::tempdir().unwrap();
    let texts = in_dir(&[("notes.txt", b"hello")]);
    let run = nodeconfig(
        &[
            "merge",
            empty.path().to_str().unwrap(),
            texts.path().to_str().unwrap(),
        ],
        None,
        b"",
    );
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "error: no NodeConfig document in {}, {} (a directory contributes its .yaml, .yml and .json files)\n",
            empty.path().display(),
            texts.path().display()
        )
    );
}

#[test]
fn a_duplicate_json_key_is_an_error_with_line_and_column() {
    let json = "{\"apiVersion\": \"node.eks.aws/v1alpha1\", \"kind\": \"NodeConfig\",\n \"spec\": {\"kubelet\": {\"config\": {\"maxPods\": 1, \"maxPods\": 2}}}}\n";
    let dir = in_dir(&[("a.json", json.as_bytes())]);
    let run = merge(dir.path(), &["a.json"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: a.json: is not valid JSON: duplicate key `maxPods` in one object (give each key once) at line 2 column 56\n"
    );
}

#[test]
fn a_byte_order_mark_before_mime_and_a_yaml_flow_mapping_are_read() {
    let mut with_bom = b"\xef\xbb\xbf".to_vec();
    with_bom.extend(message(b"Content-Type: application/node.eks.aws\n"));
    let flow = b"{apiVersion: node.eks.aws/v1alpha1, kind: NodeConfig, spec: {kubelet: {config: {maxPods: 7}}}}\n";
    let dir = in_dir(&[("bom.mime", &with_bom), ("flow.yaml", flow)]);
    let run = merge(dir.path(), &["bom.mime", "flow.yaml"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert!(run.stdout.contains("\"maxPods\": 7"), "{run:?}");
}

#[test]
fn gzip_with_trailing_bytes_says_so() {
    let mut gzip = common::gzip(NODECONFIG.as_bytes());
    gzip.extend_from_slice(b"\n\n");
    let dir = in_dir(&[("ud.gz", &gzip)]);
    let run = merge(dir.path(), &["ud.gz"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: ud.gz: gzip data is followed by 2 bytes that are not gzip (remove them)\n"
    );
}

#[test]
fn stdin_named_twice_is_a_clear_error() {
    let run = nodeconfig(&["merge", "-", "-"], None, NODECONFIG.as_bytes());
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: stdin (`-`) is named more than once; it can be read only once (name it once)\n"
    );
}

#[test]
fn closed_stdin_is_a_clear_error() {
    let script = format!("exec '{}' merge - <&-", env!("CARGO_BIN_EXE_nodeconfig"));
    let output = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: <stdin>: stdin is closed or empty (pipe the input in, or name a file)\n"
    );
}
