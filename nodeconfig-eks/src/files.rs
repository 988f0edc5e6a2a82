//! The files `nodeconfig render` writes: their paths and the file to write. Here rather than in
//! `render.rs` so that `install/`, which writes them, does not depend on rendering (both modules
//! use this one); `render` re-exports every item.

/// Where containerd reads its base runtime spec, relative to the root.
pub const BASE_RUNTIME_SPEC_PATH: &str = "etc/containerd/base-runtime-spec.json";
/// containerd's config file, relative to the root.
pub const CONTAINERD_CONFIG_PATH: &str = "etc/containerd/config.toml";
/// kubelet's config drop-in, relative to the root.
pub const KUBELET_DROP_IN_PATH: &str = "etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf";
/// The environment file kubelet's unit reads its extra flags from, relative to the root.
pub const KUBELET_ENVIRONMENT_PATH: &str = "etc/eks/kubelet/environment";

/// Every file `render` writes, relative to the root.
pub const RENDERED_PATHS: [&str; 4] = [
    BASE_RUNTIME_SPEC_PATH,
    CONTAINERD_CONFIG_PATH,
    KUBELET_DROP_IN_PATH,
    KUBELET_ENVIRONMENT_PATH,
];

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Relative to the root (`etc/containerd/config.toml`).
    pub path: &'static str,
    /// The complete contents.
    pub contents: String,
}
