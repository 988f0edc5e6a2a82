//! Integration tests for nodeconfig live in `tests/`, one file per topic. This library holds
//! what several of them share.

/// A model shaped like nodeadm's `NodeConfigSpec`, small enough to read in one screen; the full
/// model is `nodeconfig-eks`'s.
pub mod nodeadm_model {
    use nodeconfig_core::DeepMerge;
    use serde::Deserialize;
    use serde_json::{Value, json};

    /// One layer, written as JSON.
    ///
    /// # Panics
    ///
    /// If the JSON is not a `NodeConfigSpec`: the tests' own layers are.
    pub fn spec(layer: Value) -> NodeConfigSpec {
        serde_json::from_value(layer).expect("a NodeConfigSpec layer")
    }

    /// The seed scenario (amazon-eks-ami issue 1928): Karpenter's layer with `containerd: {}`,
    /// then the user's layer with rlimits in `baseRuntimeSpec` and a higher `maxPods`.
    pub fn seed_layers() -> (NodeConfigSpec, NodeConfigSpec) {
        let karpenter = spec(json!({
            "cluster": {"name": "my-cluster", "apiServerEndpoint": "https://example.eks.amazonaws.com",
                        "certificateAuthority": "Y2E=", "cidr": "10.100.0.0/16"},
            "containerd": {},
            "kubelet": {"config": {"maxPods": 29}, "flags": ["--node-labels=karpenter.sh/nodepool=default"]}
        }));
        let user = spec(json!({
            "containerd": {"baseRuntimeSpec": {"process": {"rlimits": [
                {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}
            ]}}},
            "kubelet": {"config": {"maxPods": 58}}
        }));
        (karpenter, user)
    }

    #[derive(DeepMerge, Deserialize, Debug, Default, PartialEq)]
    #[serde(rename_all = "camelCase", default)]
    pub struct NodeConfigSpec {
        pub cluster: ClusterDetails,
        pub kubelet: KubeletOptions,
        pub containerd: ContainerdOptions,
    }

    #[derive(DeepMerge, Deserialize, Debug, Default, PartialEq)]
    #[serde(rename_all = "camelCase", default)]
    pub struct ClusterDetails {
        pub name: Option<String>,
        pub api_server_endpoint: Option<String>,
        pub certificate_authority: Option<String>,
        pub cidr: Option<String>,
    }

    #[derive(DeepMerge, Deserialize, Debug, Default, PartialEq)]
    #[serde(rename_all = "camelCase", default)]
    pub struct KubeletOptions {
        #[merge(strategy = "json_deep")]
        pub config: Option<serde_json::Map<String, Value>>,
        #[merge(strategy = "append")]
        pub flags: Vec<String>,
    }

    /// The struct the seed bug lived in: `config` was merged by hand, `baseRuntimeSpec` was not.
    /// Here both are merged because both must say how.
    #[derive(DeepMerge, Deserialize, Debug, Default, PartialEq)]
    #[serde(rename_all = "camelCase", default)]
    pub struct ContainerdOptions {
        #[merge(strategy = "toml_deep")]
        pub config: Option<String>,
        #[merge(strategy = "json_deep")]
        pub base_runtime_spec: Option<Value>,
    }
}

/// TOML texts folded with `merge_all`, which keeps a landing document's check parse for the
/// next merge into it (`toml_deep` on one `String` field).
///
/// # Errors
/// The first `MergeError` of the fold.
pub fn merge_all_toml<'a>(
    texts: impl IntoIterator<Item = &'a String>,
) -> Result<String, nodeconfig_core::MergeError> {
    #[derive(nodeconfig_core::DeepMerge, Default)]
    struct Layer {
        #[merge(strategy = "toml_deep")]
        config: String,
    }
    let layers = texts.into_iter().map(|text| Layer {
        config: text.clone(),
    });
    nodeconfig_core::merge_all(layers).map(|layer| layer.config)
}
