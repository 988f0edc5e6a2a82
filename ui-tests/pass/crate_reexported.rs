//! The core reached through a re-export, as a framework crate would offer it.

mod my_mod {
    pub use nodeconfig_core as core;
}

use my_mod::core::DeepMerge;

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(crate = "my_mod::core")]
struct Kubelet {
    max_pods: Option<u32>,
    #[merge(strategy = "append")]
    flags: Vec<String>,
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(crate = "crate::my_mod::core")]
enum Runtime {
    Containerd(Kubelet),
    Docker,
}

fn main() {
    let mut runtime = Runtime::Containerd(Kubelet {
        max_pods: Some(110),
        flags: vec!["--v=2".to_owned()],
    });
    runtime
        .deep_merge(Runtime::Containerd(Kubelet {
            max_pods: None,
            flags: vec!["--v=4".to_owned()],
        }))
        .unwrap();
    assert_eq!(
        runtime,
        Runtime::Containerd(Kubelet {
            max_pods: Some(110),
            flags: vec!["--v=2".to_owned(), "--v=4".to_owned()],
        })
    );
    runtime.deep_merge(Runtime::Docker).unwrap();
    assert_eq!(runtime, Runtime::Docker);
}
