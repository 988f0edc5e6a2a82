//! Running the binary under a deadline and an address-space cap (`prlimit`), for the hostile
//! inputs of `tests/hostile.rs` and `tests/budgets.rs`.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The slowest case, the alias bomb, takes about 6 s in a debug build on an idle machine (a
/// release build answers every case in under a second); the margin is for a loaded CI machine.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The goal of issue 11: any input is answered within 256 MiB of address space (a cap on
/// virtual memory, so stricter than one on peak resident memory).
pub const ADDRESS_SPACE: u64 = 256 * 1024 * 1024;

#[derive(Debug)]
pub struct Run {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Whether `prlimit` (util-linux) can cap the binary's address space on this machine.
fn prlimit_works() -> bool {
    Command::new("prlimit")
        .args([format!("--as={ADDRESS_SPACE}").as_str(), "--", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Runs the binary in `dir` with `stdin`, under the address-space cap when it can be set; kills
/// it and fails the test when it runs past the deadline.
pub fn run(args: &[&str], dir: &Path, stdin: Vec<u8>) -> Run {
    let binary = env!("CARGO_BIN_EXE_nodeconfig");
    let mut command = if prlimit_works() {
        let mut command = Command::new("prlimit");
        command
            .arg(format!("--as={ADDRESS_SPACE}"))
            .arg("--")
            .arg(binary);
        command
    } else {
        eprintln!("prlimit is not available: memory is not capped");
        Command::new(binary)
    };
    let started = Instant::now();
    let mut child = command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    // The binary may stop reading early; a broken pipe is fine.
    let feeder = thread::spawn(move || drop(pipe.write_all(&stdin)));
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let stdout = thread::spawn(move || read_all(&mut stdout));
    let stderr = thread::spawn(move || read_all(&mut stderr));
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after {DEADLINE:?}: killed");
        }
        thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    feeder.join().expect("stdin written");
    let run = Run {
        status: status.code(),
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    };
    eprintln!("{args:?}: {:?} in {elapsed:.2?}", run.status);
    run
}

fn read_all(pipe: &mut impl Read) -> String {
    let mut bytes = Vec::new();
    pipe.read_to_end(&mut bytes).expect("pipe read");
    String::from_utf8(bytes).expect("UTF-8 output")
}
