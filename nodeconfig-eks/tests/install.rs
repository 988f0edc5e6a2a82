//! Writing under `--root` safely (issue 11, items 1-6): confinement, explicit modes, rollback
//! after a failed commit step, recovery after a crash at every step, concurrent renders.

mod common;

use common::{fixture, nodeconfig};
use nodeconfig_eks::install::{
    Failpoint, Recovery, STATE_DIRECTORY, install, install_with_failpoint, recover,
};
use nodeconfig_eks::render::{RENDERED_PATHS, RenderedFile};
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

fn files(tag: &str) -> Vec<RenderedFile> {
    RENDERED_PATHS
        .iter()
        .map(|path| RenderedFile {
            path,
            contents: format!("{tag} {path}\n"),
        })
        .collect()
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Each target's contents, `None` when absent.
fn contents(root: &Path) -> Vec<Option<String>> {
    RENDERED_PATHS
        .iter()
        .map(|path| fs::read_to_string(root.join(path)).ok())
        .collect()
}

fn expected(tag: &str) -> Vec<Option<String>> {
    files(tag)
        .into_iter()
        .map(|file| Some(file.contents))
        .collect()
}

/// Every `.nodeconfig-*` file under `dir`, recursively.
fn temporaries(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            found.extend(temporaries(&entry.path()));
        } else if name.starts_with(".nodeconfig-") {
            found.push(entry.path().display().to_string());
        }
    }
    found
}

#[test]
fn a_symlinked_directory_out_of_the_root_is_refused_and_nothing_is_written_there() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir(root.path().join("etc")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("etc/containerd")).unwrap();

    let error = install(root.path(), &files("new")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("etc/containerd"), "{message}");
    assert!(message.contains("symbolic link"), "{message}");
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
    assert_eq!(
        contents(root.path()),
        vec![None; 4],
        "nothing written inside either"
    );
}

#[test]
fn a_symlinked_target_file_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::NamedTempFile::new().unwrap();
    fs::create_dir_all(root.path().join("etc/eks/kubelet")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join(RENDERED_PATHS[3])).unwrap();
    let error = install(root.path(), &files("new")).unwrap_err();
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert_eq!(fs::read_to_string(outside.path()).unwrap(), "");
}

#[test]
fn modes_are_explicit_under_umask_000() {
    let root = tempfile::tempdir().unwrap();
    let script = format!(
        "umask 000; exec '{}' render --root '{}' '{}'",
        env!("CARGO_BIN_EXE_nodeconfig"),
        root.path().display(),
        fixture("seed/userdata.mime").display()
    );
    let status = std::process::Command::new("sh")
        .args(["-c", &script])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for directory in [
        "etc",
        "etc/containerd",
        "etc/kubernetes/kubelet/config.json.d",
        "etc/eks/kubelet",
    ] {
        assert_eq!(mode(&root.path().join(directory)), 0o755, "{directory}");
    }
    for path in RENDERED_PATHS {
        assert_eq!(mode(&root.path().join(path)), 0o644, "{path}");
    }
}

#[test]
fn a_stricter_existing_mode_is_kept() {
    let root = tempfile::tempdir().unwrap();
    install(root.path(), &files("old")).unwrap();
    let secret = root.path().join(RENDERED_PATHS[2]);
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    install(root.path(), &files("new")).unwrap();
    assert_eq!(mode(&secret), 0o600);
    assert_eq!(mode(&root.path().join(RENDERED_PATHS[0])), 0o644);
    assert_eq!(contents(root.path()), expected("new"));
}

/// The number of steps a render of four existing files takes: every `Failpoint` below it stops.
fn steps_of_a_render() -> usize {
    (1..100)
        .find(|&step| {
            let root = tempfile::tempdir().unwrap();
            install(root.path(), &files("old")).unwrap();
            install_with_failpoint(root.path(), &files("new"), Failpoint::Fail(step)).is_ok()
        })
        .expect("a render takes fewer than 100 steps")
        - 1
}

#[test]
fn a_failed_step_anywhere_rolls_every_target_back() {
    let steps = steps_of_a_render();
    assert!(
        steps >= 12,
        "journal, 4 stages, 4 backups, 4 renames: {steps}"
    );
    for step in 1..=steps {
        let root = tempfile::tempdir().unwrap();
        install(root.path(), &files("old")).unwrap();
        // One target absent before: rollback must remove it again.
        fs::remove_file(root.path().join(RENDERED_PATHS[1])).unwrap();
        let result = install_with_failpoint(root.path(), &files("new"), Failpoint::Fail(step));
        let mut old = expected("old");
        old[1] = None;
        match result {
            Err(error) => {
                assert!(
                    error.to_string().contains("every file was left as it was"),
                    "{error}"
                );
                assert_eq!(contents(root.path()), old, "step {step}");
            }
            // The last steps come after the commit point: the render has happened.
            Ok(_) => assert_eq!(contents(root.path()), expected("new"), "step {step}"),
        }
        assert_eq!(
            temporaries(root.path()),
            Vec::<String>::new(),
            "step {step}"
        );
        assert!(!root.path().join(STATE_DIRECTORY).join("journal").exists());
    }
}

#[test]
fn a_crash_at_any_step_is_completed_or_rolled_back_by_the_next_run() {
    let steps = steps_of_a_render();
    let mut outcomes = Vec::new();
    for step in 1..=steps + 1 {
        let root = tempfile::tempdir().unwrap();
        install(root.path(), &files("old")).unwrap();
        // A stale temporary file from an older crash, as large as it likes.
        fs::write(
            root.path().join("etc/containerd/.nodeconfig-a1b2c3"),
            "stale",
        )
        .unwrap();
        let crashed = install_with_failpoint(root.path(), &files("new"), Failpoint::Crash(step));
        assert!(crashed.is_err() || step > steps, "step {step}");
        let recovery = recover(root.path()).unwrap();
        let now = contents(root.path());
        assert!(
            now == expected("old") || now == expected("new"),
            "step {step}: a mix after recovery: {now:?}"
        );
        if recovery == Recovery::RolledBack {
            assert_eq!(now, expected("old"), "step {step}");
        }
        assert_eq!(
            temporaries(root.path()),
            Vec::<String>::new(),
            "step {step}"
        );
        outcomes.push(recovery);
        // And the next render goes through.
        install(root.path(), &files("newer")).unwrap();
        assert_eq!(contents(root.path()), expected("newer"));
    }
    assert!(outcomes.contains(&Recovery::RolledBack));
    assert!(outcomes.contains(&Recovery::Completed));
    assert!(outcomes.contains(&Recovery::Clean));
}

#[test]
fn a_real_kill_during_render_is_recovered() {
    // Kill the binary at once, then again a little later, many times: whatever instant it died
    // at, the next render's recovery leaves no temporary file and a whole set of files.
    let root = tempfile::tempdir().unwrap();
    let root_arg = root.path().display().to_string();
    let input = fixture("seed/userdata.mime").display().to_string();
    for attempt in 0..20_u64 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nodeconfig"))
            .args(["render", "--root", &root_arg, &input])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(attempt * 700));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        recover(root.path()).unwrap();
        assert_eq!(temporaries(root.path()), Vec::<String>::new());
        let present = contents(root.path())
            .iter()
            .filter(|file| file.is_some())
            .count();
        assert!(
            present == 0 || present == 4,
            "attempt {attempt}: {present} of 4 files"
        );
    }
}

#[test]
fn concurrent_renders_never_mix() {
    let root = tempfile::tempdir().unwrap();
    std::thread::scope(|scope| {
        for tag in ["a", "b", "c", "d"] {
            let root = root.path();
            scope.spawn(move || {
                for _ in 0..10 {
                    install(root, &files(tag)).unwrap();
                    let now = contents(root);
                    assert!(now.iter().all(Option::is_some), "{now:?}");
                }
            });
        }
    });
    let now = contents(root.path());
    let tag = now[0]
        .as_deref()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(now, expected(&tag));
}

#[test]
fn a_newline_in_a_kubelet_flag_is_refused_with_its_index() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("flags.yaml");
    fs::write(
        &input,
        "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster: {name: c, apiServerEndpoint: 'https://example.com', certificateAuthority: Y2E=, cidr: 10.100.0.0/16}\n  kubelet:\n    flags: [--v=2, \"--node-labels=a=b\\nEVIL=1\", \"--x\\0\"]\n",
    )
    .unwrap();
    let root = dir.path().join("root");
    let run = nodeconfig(
        &[
            "render",
            "--root",
            root.to_str().unwrap(),
            input.to_str().unwrap(),
        ],
        None,
        b"",
    );
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stderr.contains("spec.kubelet.flags[1]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("'\\n'"), "{}", run.stderr);
    assert!(!root.join("etc").exists());
}

#[test]
fn concurrent_render_processes_never_mix() {
    use nodeconfig_eks::render::render;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    // Two inputs whose four files all differ: the seed user data, and it with other flags,
    // other kubelet config and other containerd settings appended as a last drop-in.
    let other = dir.path().join("other.yaml");
    fs::write(
        &other,
        "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    flags: [--v=9]\n    config: {maxPods: 7}\n  containerd:\n    config: 'oom_score = -999'\n    baseRuntimeSpec: {ociVersion: 9.9.9}\n",
    )
    .unwrap();
    let seed = fixture("seed/userdata.mime");
    let expected = |inputs: &[&Path]| -> Vec<Option<String>> {
        let relative: Vec<String> = inputs
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        let loaded = nodeconfig_eks::read::read_inputs(
            &relative
                .iter()
                .map(|arg| nodeconfig_eks::read::Input::from_arg(arg))
                .collect::<Vec<_>>(),
            &nodeconfig_eks::Limits::default(),
        )
        .unwrap();
        let merged = nodeconfig_eks::merge_layers(loaded.layers).unwrap();
        render(&merged)
            .unwrap()
            .into_iter()
            .map(|file| Some(file.contents))
            .collect()
    };
    let one = expected(&[&seed]);
    let two = expected(&[&seed, &other]);
    assert!(one.iter().zip(&two).all(|(one, two)| one != two));
    let spawn = |inputs: &[&Path]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_nodeconfig"))
            .arg("render")
            .arg("--root")
            .arg(&root)
            .args(inputs)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    for _ in 0..5 {
        let mut first = spawn(&[&seed]);
        let mut second = spawn(&[&seed, &other]);
        assert!(first.wait().unwrap().success());
        assert!(second.wait().unwrap().success());
        let now = contents(&root);
        assert!(now == one || now == two, "a mix of two renders: {now:?}");
    }
}
