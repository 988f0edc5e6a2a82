//! The NodeConfig model (`node.eks.aws/v1alpha1`, kind `NodeConfig`), with its merge rules
//! written as attributes.
//!
//! Every field is optional and camelCase on the wire. What is not written in a document stays
//! `None` and is left out of the merged output. Merge rules, field by field:
//!
//! - scalars and strings: a later value replaces an earlier one (a later `false` too);
//! - maps (`labels`, `environment`, `featureGates`): union of keys, a later value per key wins;
//! - lists: `kubelet.flags` appends, every other list replaces (lists inside the JSON patches
//!   below are keyed where named);
//! - `containerd.baseRuntimeSpec`, `kubelet.config`: RFC 7396 merge patches, merged into one
//!   patch that keeps deletions (`merge_patch`): a `null` survives the merge, whatever the
//!   other layers hold, and deletes the key when `nodeconfig render` applies the
//!   merged patch onto nodeadm's defaults, as nodeadm applies each document's patch;
//! - keyed lists inside them ([`BASE_RUNTIME_SPEC_KEYS`], [`KUBELET_CONFIG_KEYS`]):
//!   `process.rlimits` by `type`, `mounts` by `destination`, `linux.namespaces` by `type`, and
//!   `registerWithTaints` by `key, effect` merge item by item, in the layers and onto the
//!   defaults, so a document adding `RLIMIT_NPROC` keeps the default `RLIMIT_NOFILE`. nodeadm
//!   replaces these lists whole (RFC 7396 section 2: arrays replace); to get its behaviour for
//!   one list, put `{"$patch": "replace"}` in it (Kubernetes' strategic merge patch directive);
//!   `{"$patch": "delete", "type": "RLIMIT_CORE"}` deletes one item;
//! - `containerd.config`: TOML tables merged key by key, text kept (`toml_deep`).
//!
//! An empty string, empty list or empty object where a field expects one means "unset", as in
//! nodeadm: it is read as `None` (see [`empty`]), so it overrides nothing.

pub mod empty;

use empty::{unset_if_empty, unset_if_empty_name};
use nodeconfig_core::DeepMerge;
use nodeconfig_core::strategy::json::ListKeys;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The keyed lists of `containerd.baseRuntimeSpec` (an OCI runtime spec): rlimits by `type`,
/// mounts by `destination`, namespaces by `type`, the members that identify them in the OCI
/// runtime spec (`config.md`, "POSIX process", "Mounts"; `config-linux.md`, "Namespaces").
/// [`ContainerdOptions`]'s `list_key` attributes name the same rules.
///
/// ```
/// use nodeconfig_eks::model::BASE_RUNTIME_SPEC_KEYS;
/// assert_eq!(BASE_RUNTIME_SPEC_KEYS.rules()[0], ("process.rlimits", &["type"][..]));
/// ```
pub static BASE_RUNTIME_SPEC_KEYS: ListKeys = ListKeys::new(&[
    ("process.rlimits", &["type"]),
    ("mounts", &["destination"]),
    ("linux.namespaces", &["type"]),
]);

/// The keyed list of `kubelet.config` (a `KubeletConfiguration`): `registerWithTaints` by
/// `key, effect`, as Kubernetes identifies a taint (a node may hold the same key with two
/// effects). [`KubeletOptions`]'s `list_key` attribute names the same rule.
///
/// ```
/// use nodeconfig_eks::model::KUBELET_CONFIG_KEYS;
/// assert_eq!(KUBELET_CONFIG_KEYS.rules()[0].1, ["key", "effect"]);
/// ```
pub static KUBELET_CONFIG_KEYS: ListKeys =
    ListKeys::new(&[("registerWithTaints", &["key", "effect"])]);

/// The `apiVersion` of a NodeConfig document.
pub const API_VERSION: &str = "node.eks.aws/v1alpha1";
/// The `kind` of a NodeConfig document.
pub const KIND: &str = "NodeConfig";

/// A NodeConfig document, or the merge of several.
///
/// ```
/// use nodeconfig_eks::model::NodeConfig;
///
/// let config: NodeConfig = serde_json::from_str(
///     r#"{"apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig",
///         "spec": {"cluster": {"name": "prod", "cidr": ""}}}"#,
/// )?;
/// let cluster = config.spec.unwrap().cluster.unwrap();
/// assert_eq!(cluster.name.as_deref(), Some("prod"));
/// assert_eq!(cluster.cidr, None); // empty means unset
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeConfig {
    /// Always `node.eks.aws/v1alpha1` once read.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub api_version: Option<String>,
    /// Always `NodeConfig` once read.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub kind: Option<String>,
    /// Name, labels and annotations; other metadata keys are accepted and dropped.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub metadata: Option<ObjectMeta>,
    /// The node's configuration.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub spec: Option<NodeConfigSpec>,
}

/// The part of Kubernetes object metadata a NodeConfig uses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    /// The object's name.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub name: Option<String>,
    /// Labels, merged key by key.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations, merged key by key.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// `spec`: what nodeadm configures on the node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeConfigSpec {
    /// The cluster the node joins.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub cluster: Option<ClusterDetails>,
    /// containerd's configuration and base runtime spec.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub containerd: Option<ContainerdOptions>,
    /// Instance-level options: local storage, environment, network.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub instance: Option<InstanceOptions>,
    /// kubelet's configuration and flags.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub kubelet: Option<KubeletOptions>,
    /// nodeadm feature gates, merged gate by gate.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub feature_gates: Option<BTreeMap<String, bool>>,
}

/// `spec.cluster`: how to reach the cluster's API server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterDetails {
    /// The cluster's name.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub name: Option<String>,
    /// The API server's URL.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub api_server_endpoint: Option<String>,
    /// The cluster CA bundle, base64-encoded PEM.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub certificate_authority: Option<String>,
    /// The service CIDR.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub cidr: Option<String>,
    /// Whether the node joins an Outposts local cluster; a later `false` overrides an earlier
    /// `true` (nodeadm keeps the `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_outpost: Option<bool>,
    /// The Outposts cluster id, required when `enableOutpost` is true.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub id: Option<String>,
}

/// `spec.containerd`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerdOptions {
    /// TOML merged onto containerd's default `config.toml`; comments and layout kept.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    #[merge(strategy = "toml_deep")]
    pub config: Option<String>,
    /// A partial OCI runtime spec: a merge patch onto the default base runtime spec, where a
    /// `null` deletes a default key (`process.rlimits: null` drops the default rlimits), and
    /// the lists of [`BASE_RUNTIME_SPEC_KEYS`] merge item by item.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[merge(
        strategy = "merge_patch",
        list_key(path = "process.rlimits", key = "type"),
        list_key(path = "mounts", key = "destination"),
        list_key(path = "linux.namespaces", key = "type")
    )]
    pub base_runtime_spec: Option<Map<String, Value>>,
}

/// `spec.instance`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct InstanceOptions {
    /// How instance-store volumes are set up.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub local_storage: Option<LocalStorageOptions>,
    /// Environment variables per systemd service name, merged service by service, then
    /// variable by variable.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub environment: Option<BTreeMap<String, BTreeMap<String, String>>>,
    /// DNS settings.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub network: Option<NetworkOptions>,
}

/// `spec.instance.localStorage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalStorageOptions {
    /// `RAID0`, `RAID10` or `Mount`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty_name"
    )]
    pub strategy: Option<LocalStorageStrategy>,
    /// Where the volumes are mounted.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub mount_path: Option<String>,
    /// Mounts not moved onto local storage; a later list replaces an earlier one.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    #[merge(strategy = "replace")]
    pub disabled_mounts: Option<Vec<DisabledMount>>,
}

/// `spec.instance.localStorage.strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, DeepMerge)]
pub enum LocalStorageStrategy {
    /// Stripe the volumes.
    #[serde(rename = "RAID0")]
    Raid0,
    /// Stripe and mirror the volumes.
    #[serde(rename = "RAID10")]
    Raid10,
    /// Mount each volume on its own.
    Mount,
}

/// An item of `spec.instance.localStorage.disabledMounts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisabledMount {
    /// containerd's state directory.
    Containerd,
    /// `/var/log/pods`.
    PodLogs,
    /// The SOCI snapshotter's directory.
    #[serde(rename = "SOCI")]
    Soci,
}

/// `spec.instance.network`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct NetworkOptions {
    /// DNS servers; a later list replaces an earlier one.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    #[merge(strategy = "replace")]
    pub nameservers: Option<Vec<String>>,
    /// DNS search domains; a later list replaces an earlier one.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    #[merge(strategy = "replace")]
    pub domains: Option<Vec<String>>,
}

/// `spec.kubelet`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, DeepMerge)]
#[serde(rename_all = "camelCase", default)]
pub struct KubeletOptions {
    /// A partial `KubeletConfiguration`: a merge patch onto the configuration nodeadm
    /// generates, written as a drop-in; a `null` deletes a key; `registerWithTaints` merges
    /// item by item ([`KUBELET_CONFIG_KEYS`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[merge(
        strategy = "merge_patch",
        list_key(path = "registerWithTaints", key = "key, effect")
    )]
    pub config: Option<Map<String, Value>>,
    /// Command-line flags; later documents' flags come after earlier ones'.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    #[merge(strategy = "append")]
    pub flags: Option<Vec<String>>,
    /// A CEL expression for kubelet's `maxPods`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "unset_if_empty"
    )]
    pub max_pods_expression: Option<String>,
}
