//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

pub mod capped;

use nodeconfig_eks::model::NodeConfig;
use nodeconfig_eks::read::{Input, Loaded, read_inputs};
use nodeconfig_eks::{Limits, merge_layers};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A file under `tests/fixtures`.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// Reads fixtures in order, with the default limits.
pub fn load(relatives: &[&str]) -> Loaded {
    let inputs: Vec<Input> = relatives
        .iter()
        .map(|relative| Input::Path(fixture(relative)))
        .collect();
    read_inputs(&inputs, &Limits::default()).expect("fixtures read")
}

/// Reads and merges fixtures.
pub fn merged(relatives: &[&str]) -> NodeConfig {
    merge_layers(load(relatives).layers).expect("fixtures merge")
}

/// What a run of the `nodeconfig` binary gave.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary in `dir` (the crate directory when `None`), feeding `stdin`.
pub fn nodeconfig(args: &[&str], dir: Option<&Path>, stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nodeconfig"))
        .args(args)
        .current_dir(dir.unwrap_or(Path::new(env!("CARGO_MANIFEST_DIR"))))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    // The binary may exit before reading everything (usage errors); a broken pipe is fine.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    let output = child.wait_with_output().expect("the binary runs");
    Run {
        status: output
            .status
            .code()
            .expect("exited normally, not by a signal"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// gzip, as an EC2 launch template would compress user data.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use flate2::{Compression, write::GzEncoder};
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory")
}

/// Standard base64, wrapped at 76 columns as `base64` does.
pub fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(76)
        .map(|chunk| std::str::from_utf8(chunk).expect("base64 is ASCII"))
        .collect();
    lines.join("\n") + "\n"
}
