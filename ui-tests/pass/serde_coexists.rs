//! `#[serde(...)]` attributes sit beside `#[merge(...)]`, in either order, on one type that
//! derives both.

use nodeconfig_core::DeepMerge;
use serde::Deserialize;

#[derive(Deserialize, DeepMerge, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Kubelet {
    #[serde(default)]
    max_pods: Option<u32>,
    #[merge(strategy = "append")]
    #[serde(default, rename = "extraFlags")]
    flags: Vec<String>,
    #[serde(skip)]
    #[merge(skip)]
    origin: String,
    #[serde(flatten)]
    rest: std::collections::BTreeMap<String, String>,
}

#[derive(serde::Deserialize, DeepMerge, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Runtime {
    Containerd {
        #[serde(rename = "socketPath")]
        socket: String,
    },
    Docker,
}

fn main() {
    let mut kubelet: Kubelet =
        serde_json::from_str(r#"{"maxPods": 110, "extraFlags": ["--v=2"], "zone": "a"}"#).unwrap();
    let later: Kubelet =
        serde_json::from_str(r#"{"extraFlags": ["--v=4"], "region": "b"}"#).unwrap();
    kubelet.deep_merge(later).unwrap();
    assert_eq!(kubelet.max_pods, Some(110));
    assert_eq!(kubelet.flags, ["--v=2", "--v=4"]);
    assert_eq!(kubelet.rest.len(), 2);

    let mut runtime: Runtime =
        serde_json::from_str(r#"{"kind": "containerd", "socketPath": "/run/a"}"#).unwrap();
    runtime
        .deep_merge(serde_json::from_str(r#"{"kind": "docker"}"#).unwrap())
        .unwrap();
    assert_eq!(runtime, Runtime::Docker);
}
