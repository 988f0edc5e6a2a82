//! Enums: the same variant merges its fields, another variant replaces the value.

use nodeconfig_core::DeepMerge;
use std::collections::BTreeMap;

#[derive(DeepMerge, Debug, PartialEq)]
enum Runtime {
    Docker,
    Podman,
    Containerd(
        BTreeMap<String, String>,
        #[merge(strategy = "append")] Vec<String>,
    ),
    Crio {
        #[merge(strategy = "keep")]
        socket: String,
        max_pids: Option<u32>,
    },
}

#[derive(DeepMerge, Debug, PartialEq)]
enum Never {}

fn main() {
    let mut runtime = Runtime::Containerd(
        BTreeMap::from([("a".to_owned(), "1".to_owned())]),
        vec!["--debug".to_owned()],
    );
    runtime
        .deep_merge(Runtime::Containerd(
            BTreeMap::from([("b".to_owned(), "2".to_owned())]),
            vec!["--trace".to_owned()],
        ))
        .unwrap();
    assert_eq!(
        runtime,
        Runtime::Containerd(
            BTreeMap::from([
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "2".to_owned())
            ]),
            vec!["--debug".to_owned(), "--trace".to_owned()],
        )
    );

    let mut runtime = Runtime::Crio {
        socket: "/run/crio.sock".to_owned(),
        max_pids: Some(1024),
    };
    runtime
        .deep_merge(Runtime::Crio {
            socket: "/tmp/other.sock".to_owned(),
            max_pids: None,
        })
        .unwrap();
    assert_eq!(
        runtime,
        Runtime::Crio {
            socket: "/run/crio.sock".to_owned(),
            max_pids: Some(1024),
        }
    );

    // Another variant replaces, whatever the shapes.
    runtime.deep_merge(Runtime::Docker).unwrap();
    assert_eq!(runtime, Runtime::Docker);
    runtime.deep_merge(Runtime::Podman).unwrap();
    assert_eq!(runtime, Runtime::Podman);
    runtime
        .deep_merge(Runtime::Containerd(BTreeMap::new(), Vec::new()))
        .unwrap();
    assert_eq!(runtime, Runtime::Containerd(BTreeMap::new(), Vec::new()));

    let _: fn(&mut Never, Never) -> Result<(), nodeconfig_core::MergeError> = Never::deep_merge;
}
