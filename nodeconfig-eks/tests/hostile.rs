//! Hostile user data through the `nodeconfig` binary: each input is refused with exit status 1
//! and one line naming the source and the problem, within seconds (a guard kills the process
//! and fails the test past [`DEADLINE`]) and, where `prlimit` exists, under a cap on address
//! space of [`ADDRESS_SPACE`] bytes, so a reader that ballooned would abort instead of passing.
//! `render` of such input writes nothing.
//!
//! `tests/cli.rs` holds the smaller cases of the same classes; this file holds the large ones
//! and the ones hidden inside MIME parts, base64 and gzip.

mod common;

use common::base64_lines;
use common::capped::{Run, run};
use flate2::{Compress, Compression, Crc, FlushCompress};
use std::fs;
use std::io::Read;
use std::time::Instant;

const HEADER: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n";

const MIB: usize = 1024 * 1024;

/// Writes `name` into a fresh directory and runs `merge name` there, then `render` of the same
/// file, which must fail alike and write nothing. Returns the merge run.
fn refuse(name: &str, contents: &[u8], expected_stderr: &str) -> Run {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join(name), contents).expect("fixture written");
    let merge = run(&["merge", name], dir.path(), Vec::new());
    assert_refused(&merge, expected_stderr);
    let render = run(&["render", "--root", "out", name], dir.path(), Vec::new());
    assert_refused(&render, expected_stderr);
    assert!(!dir.path().join("out").exists(), "render wrote files");
    merge
}

fn assert_refused(run: &Run, expected_stderr: &str) {
    assert_eq!(run.status, Some(1), "{run:?}");
    assert_eq!(run.stderr, expected_stderr, "{run:?}");
    assert_eq!(run.stdout, "", "{run:?}");
}

/// A MIME message whose parts are `(media type, extra headers, body)`.
fn mime(parts: &[(&str, &str, &str)]) -> String {
    let mut message =
        String::from("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"//\"\n\n");
    for (media_type, headers, body) in parts {
        message += &format!("--//\nContent-Type: {media_type}\n{headers}\n{body}\n");
    }
    message + "--//--\n"
}

/// One gzip member holding `mib` MiB of zeros, built without holding them: 1 MiB is compressed
/// at best compression and ended with a full flush, which resets the compressor, so every
/// further MiB compresses to the same bytes and is appended as they are. The CRC is computed
/// over the zeros as they stream by, so the stream is valid to its last byte (`gzip -t` agrees).
fn gzip_of_zeros(mib: usize) -> Vec<u8> {
    let zeros = vec![0_u8; MIB];
    let mut compress = Compress::new(Compression::best(), false);
    let mut deflate = |flush| {
        let mut out = Vec::with_capacity(64 * 1024);
        let input: &[u8] = if flush == FlushCompress::Finish {
            &[]
        } else {
            &zeros
        };
        let consumed = compress.total_in();
        compress
            .compress_vec(input, &mut out, flush)
            .expect("deflate in memory");
        assert_eq!(
            compress.total_in() - consumed,
            input.len() as u64,
            "all input taken"
        );
        out
    };
    let first = deflate(FlushCompress::Full);
    let repeated = deflate(FlushCompress::Full);
    let last = deflate(FlushCompress::Finish);

    let mut crc = Crc::new();
    for _ in 0..mib {
        crc.update(&zeros);
    }
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255];
    gzip.extend_from_slice(&first);
    for _ in 1..mib {
        gzip.extend_from_slice(&repeated);
    }
    gzip.extend_from_slice(&last);
    gzip.extend_from_slice(&crc.sum().to_le_bytes());
    gzip.extend_from_slice(&((mib * MIB) as u32).to_le_bytes());
    gzip
}

#[test]
fn the_zeros_bomb_is_a_valid_gzip_stream() {
    use flate2::read::GzDecoder;
    let bomb = gzip_of_zeros(3);
    let mut plain = Vec::new();
    GzDecoder::new(&bomb[..])
        .read_to_end(&mut plain)
        .expect("valid gzip");
    assert_eq!(plain.len(), 3 * MIB);
    assert!(plain.iter().all(|&byte| byte == 0));
}

#[test]
fn gzip_bomb_of_600_mib_of_zeros() {
    let started = Instant::now();
    let bomb = gzip_of_zeros(600);
    eprintln!(
        "600 MiB bomb: {} bytes, built in {:.2?}",
        bomb.len(),
        started.elapsed()
    );
    assert!(bomb.len() < MIB, "{} bytes", bomb.len());
    refuse(
        "bomb.gz",
        &bomb,
        "error: bomb.gz: inputs decode to more than 16 MiB in all (limit max_total_bytes)\n",
    );
}

#[test]
fn gzip_bomb_in_base64_in_the_second_mime_part_and_on_stdin() {
    let bomb = base64_lines(&gzip_of_zeros(600));
    let message = mime(&[
        (
            "application/node.eks.aws",
            "",
            &format!("{HEADER}spec: {{}}"),
        ),
        ("application/node.eks.aws", "", &bomb),
    ]);
    refuse(
        "ud.mime",
        message.as_bytes(),
        "error: ud.mime part 2: inputs decode to more than 16 MiB in all (limit max_total_bytes)\n",
    );
    let dir = tempfile::tempdir().expect("temporary directory");
    let stdin = run(&["merge", "-"], dir.path(), bomb.into_bytes());
    assert_refused(
        &stdin,
        "error: <stdin>: inputs decode to more than 16 MiB in all (limit max_total_bytes)\n",
    );
}

#[test]
fn input_over_16_mib() {
    let mut large = format!("{HEADER}spec: {{}}\n").into_bytes();
    large.resize(16 * MIB + 1, b'\n');
    refuse(
        "large.yaml",
        &large,
        "error: large.yaml: input exceeds 16 MiB (limit max_input_bytes)\n",
    );
}

#[test]
fn yaml_alias_bomb_in_a_mime_part() {
    // Ten levels of ten aliases each: 10^10 scalars if expanded.
    let mut bomb = format!("{HEADER}a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        bomb += &format!(
            "a{level}: &a{level} [{}]\n",
            [previous.as_str(); 10].join(", ")
        );
    }
    let message = mime(&[("application/node.eks.aws", "", &bomb)]);
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join("ud.mime"), &message).expect("fixture written");
    let merge = run(&["merge", "ud.mime"], dir.path(), Vec::new());
    assert_eq!(merge.status, Some(1), "{merge:?}");
    assert!(
        merge
            .stderr
            .starts_with("error: ud.mime part 1: YAML expands past the parser budget ("),
        "{}",
        merge.stderr
    );
    assert!(
        merge.stderr.ends_with(
            "): an alias bomb or an oversized document (limit max_yaml_events, 500000 events)\n"
        ),
        "{}",
        merge.stderr
    );
}

#[test]
fn yaml_with_too_many_aliases() {
    let aliases = ["*x"; 1001].join(", ");
    let document = format!("{HEADER}x: &x 1\nmany: [{aliases}]\n");
    refuse(
        "aliases.yaml",
        document.as_bytes(),
        "error: aliases.yaml: YAML uses more than 1000 aliases (limit max_yaml_aliases)\n",
    );
}

#[test]
fn json_objects_nested_3000_deep_in_kubelet_config() {
    let deep = format!("{}1{}", "{\"a\": ".repeat(3000), "}".repeat(3000));
    let document = format!(
        "{{\"apiVersion\": \"node.eks.aws/v1alpha1\", \"kind\": \"NodeConfig\", \"spec\": {{\"kubelet\": {{\"config\": {deep}}}}}}}"
    );
    refuse(
        "deep.json",
        document.as_bytes(),
        "error: deep.json: JSON nesting reaches depth 65, over the limit of 64 (limit max_depth)\n",
    );
}

#[test]
fn yaml_nested_3000_deep() {
    let mut block = format!("{HEADER}spec:\n");
    for depth in 1..3000 {
        block += &format!("{}k:\n", " ".repeat(depth));
    }
    refuse(
        "block.yaml",
        block.as_bytes(),
        "error: block.yaml: YAML nesting reaches depth 65, over the limit of 64 (limit max_depth)\n",
    );
    let flow = format!("{HEADER}spec: {}{}\n", "[".repeat(100), "]".repeat(100));
    refuse(
        "flow.yaml",
        flow.as_bytes(),
        "error: flow.yaml: YAML nesting reaches depth 65, over the limit of 64 (limit max_depth)\n",
    );
    // Deeper flow nesting trips the YAML scanner's own bound first, while it reads ahead.
    let flow = format!("{HEADER}spec: {}{}\n", "[".repeat(3000), "]".repeat(3000));
    refuse(
        "flow.yaml",
        flow.as_bytes(),
        "error: flow.yaml: is not valid YAML: line 3 column 262: recursion limit exceeded\n",
    );
}

#[test]
fn invalid_utf8_in_the_second_mime_part() {
    let mut message = mime(&[
        (
            "application/node.eks.aws",
            "",
            &format!("{HEADER}spec: {{}}"),
        ),
        ("application/node.eks.aws", "", "kind: NODE"),
    ])
    .into_bytes();
    let at = message
        .windows(4)
        .position(|window| window == b"NODE")
        .expect("marker");
    message[at] = 0xff;
    refuse(
        "ud.mime",
        &message,
        "error: ud.mime part 2: is not valid UTF-8 (bad byte at offset 6)\n",
    );
}

#[test]
fn mime_boundary_never_appears_in_15_mib() {
    let mut message =
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"==X==\"\n\n".to_vec();
    message.resize(15 * MIB, b'-');
    refuse(
        "ud.mime",
        &message,
        "error: ud.mime: MIME message: boundary `==X==` never appears in the body\n",
    );
}

#[test]
fn truncated_gzip_in_base64_in_a_mime_part() {
    let compressed = common::gzip(format!("{HEADER}spec: {{}}\n").as_bytes());
    let truncated = base64_lines(&compressed[..compressed.len() / 2]);
    let message = mime(&[("application/node.eks.aws", "", &truncated)]);
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join("ud.mime"), &message).expect("fixture written");
    let merge = run(&["merge", "ud.mime"], dir.path(), Vec::new());
    assert_eq!(merge.status, Some(1), "{merge:?}");
    assert!(
        merge
            .stderr
            .starts_with("error: ud.mime part 1: gzip stream is truncated or corrupt: "),
        "{}",
        merge.stderr
    );
}

#[test]
fn broken_toml_in_the_second_part_names_the_field_and_the_part() {
    let message = mime(&[
        (
            "application/node.eks.aws",
            "",
            &format!("{HEADER}spec:\n  containerd:\n    config: |\n      version = 2\n"),
        ),
        (
            "application/node.eks.aws",
            "",
            &format!("{HEADER}spec:\n  containerd:\n    config: \"[grpc\"\n"),
        ),
    ]);
    refuse(
        "ud.mime",
        message.as_bytes(),
        "error: ud.mime part 2: spec.containerd.config: is not valid TOML at line 1, column 6: unclosed table, expected `]`\n",
    );
}

#[test]
fn too_many_mime_parts_and_nested_encodings() {
    let part = ("text/x-shellscript", "", "#!/bin/sh");
    refuse(
        "parts.mime",
        mime(&[part; 65]).as_bytes(),
        "error: parts.mime: MIME message has more than 64 parts (limit max_mime_parts)\n",
    );
    let mut nested = format!("{HEADER}spec: {{}}\n").into_bytes();
    for _ in 0..5 {
        nested = base64_lines(&common::gzip(&nested)).into_bytes();
    }
    refuse(
        "nested.b64",
        &nested,
        "error: nested.b64: more than 4 nested base64/gzip layers (limit max_decode_steps)\n",
    );
}
