//! issue 11 item 4 beyond newlines and NULs: kubelet.service passes
//! `$NODEADM_KUBELET_ARGS` unquoted, so systemd splits it at blanks outside quotes
//! (systemd.service(5), "Command lines"); a flag that would not reach kubelet as exactly one
//! argument — a blank outside quotes, an unclosed quote that swallows the flags after it, an
//! empty flag that vanishes — is refused naming its index, and quoted blanks are kept. Also
//! issue 11 item 1 at one more position: the lock file under the root.

use nodeconfig_eks::model::NodeConfig;
use nodeconfig_eks::render::{KUBELET_ENVIRONMENT_PATH, render};

fn with_flags(flags: &[&str]) -> NodeConfig {
    serde_json::from_value(serde_json::json!({"spec": {"kubelet": {"flags": flags}}}))
        .expect("a NodeConfig")
}

#[test]
fn a_flag_that_is_not_one_argument_is_refused_naming_its_index() {
    for (flag, says) in [
        (
            "--node-labels=a=b --register-with-taints=x=y:NoSchedule",
            "blank outside quotes",
        ),
        ("--v=2 ", "blank outside quotes"),
        ("--node-labels=\"a=b", "unclosed quote"),
        ("--node-labels='a=b", "unclosed quote"),
        ("--a=\\ b", "blank outside quotes"),
        ("", "is empty"),
    ] {
        let error = render(&with_flags(&["--v=2", flag])).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("spec.kubelet.flags[1]: ") && message.contains(says),
            "{flag:?}: {message}"
        );
    }
}

#[test]
fn quoted_blanks_and_plain_flags_are_written() {
    let flags = [
        "--node-labels=\"karpenter.sh/capacity-type=on-demand,team=a b\"",
        "--x='it''s'",
        "--v=2",
        "--a=\"x\\\" y\"",
    ];
    let files = render(&with_flags(&flags)).unwrap();
    let environment = files
        .iter()
        .find(|file| file.path == KUBELET_ENVIRONMENT_PATH)
        .unwrap();
    assert!(
        environment.contents.contains("--v=2"),
        "{}",
        environment.contents
    );
    assert!(
        environment.contents.contains("team=a b"),
        "{}",
        environment.contents
    );
}

/// The lock file is a path under the root too: a symbolic link there is refused, named as one.
#[test]
fn a_symlinked_lock_file_is_refused_naming_the_link() {
    use nodeconfig_eks::install::{STATE_DIRECTORY, install};
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let state = root.path().join(STATE_DIRECTORY);
    std::fs::create_dir_all(&state).unwrap();
    std::os::unix::fs::symlink(outside.path().join("lock"), state.join("lock")).unwrap();
    let files = render(&with_flags(&["--v=2"])).unwrap();
    let error = install(root.path(), &files).unwrap_err().to_string();
    assert!(
        error.contains("lock") && error.contains("is a symbolic link"),
        "{error}"
    );
    assert!(!outside.path().join("lock").exists());
}
