//! The generated code is lint-clean: every shape of input under rustc's strict lints. (trybuild
//! runs rustc, not clippy: the clippy half is checked by the workspace's clippy run over
//! `ui-tests/renamed` and the `tests` crate.)
#![deny(warnings, clippy::all, clippy::pedantic)]
#![deny(missing_docs, unused_qualifications, unused_results, trivial_casts)]

use nodeconfig_core::{DeepMerge, MergeError};
use std::collections::{BTreeMap, VecDeque};

/// A `with` function.
///
/// # Errors
///
/// Never.
pub fn max(existing: &mut u32, incoming: u32) -> Result<(), MergeError> {
    *existing = (*existing).max(incoming);
    Ok(())
}

/// Every field key on a named struct.
#[derive(DeepMerge, Debug, Default)]
pub struct Kubelet {
    /// Default merge.
    pub labels: BTreeMap<String, String>,
    /// Default merge through `Option`.
    pub max_pods: Option<u32>,
    /// `replace`.
    #[merge(strategy = "replace")]
    pub nameservers: Vec<String>,
    /// `replace` on an `Option`.
    #[merge(strategy = "replace")]
    pub search: Option<Vec<String>>,
    /// `keep`.
    #[merge(strategy = "keep")]
    pub cluster_dns: String,
    /// `keep` on an `Option`.
    #[merge(strategy = "keep")]
    pub provider_id: Option<String>,
    /// `append`.
    #[merge(strategy = "append")]
    pub flags: Vec<String>,
    /// `append` on an `Option<VecDeque>`.
    #[merge(strategy = "append")]
    pub queue: Option<VecDeque<u8>>,
    /// `with`.
    #[merge(with = "max")]
    pub burst: u32,
    /// `skip`.
    #[merge(skip)]
    pub origin: String,
}

/// A tuple struct.
#[derive(DeepMerge, Debug)]
pub struct Pair(pub u8, #[merge(skip)] pub u8);

/// A unit struct.
#[derive(DeepMerge, Debug)]
pub struct Marker;

/// Generics, inferred and explicit.
#[derive(DeepMerge, Debug)]
pub struct Layer<T, U> {
    /// Inferred bound.
    pub value: T,
    /// Strategy bound.
    #[merge(strategy = "append")]
    pub list: Vec<U>,
}

/// An explicit bound.
#[derive(DeepMerge, Debug)]
#[merge(bound = "T: DeepMerge")]
pub struct Bounded<T>(pub Option<T>);

/// Every kind of variant.
#[derive(DeepMerge, Debug)]
pub enum Runtime {
    /// Unit.
    Docker,
    /// Tuple.
    Containerd(Kubelet),
    /// Struct.
    Crio {
        /// A field.
        socket: String,
        /// A skipped field.
        #[merge(skip)]
        pid: u32,
    },
}

/// No variants.
#[derive(DeepMerge, Debug)]
pub enum Never {}

/// A layered struct with every kind of layer field.
#[derive(DeepMerge, Debug)]
#[merge(layer = "ServiceLayer")]
#[serde(rename_all = "camelCase")]
pub struct Service<T> {
    /// Required.
    pub host_name: String,
    /// `default`.
    #[merge(default)]
    pub port: u16,
    /// `default = "..."`.
    #[merge(default = "default_burst")]
    pub burst: u32,
    /// Three-state.
    pub tls: Option<String>,
    /// A strategy.
    #[merge(strategy = "append", default)]
    pub flags: Vec<String>,
    /// `with` on an `Option` field.
    #[merge(with = "first")]
    pub zone: Option<String>,
    /// `skip`.
    #[merge(skip, default)]
    pub origin: String,
    /// Generic.
    pub value: Option<T>,
    /// Nested.
    #[merge(nested)]
    pub limits: Limits,
    /// Flattened map.
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

/// A nested layered struct.
#[derive(DeepMerge, Debug)]
#[merge(layer = "LimitsLayer")]
pub struct Limits {
    /// Required.
    pub connections: u32,
}

/// A `default = "..."` function.
#[must_use]
pub fn default_burst() -> u32 {
    10
}

/// A `with` function for an `Option` field.
///
/// # Errors
///
/// Never.
pub fn first(existing: &mut Option<String>, incoming: Option<String>) -> Result<(), MergeError> {
    if existing.is_none() {
        *existing = incoming;
    }
    Ok(())
}

fn main() {
    let mut kubelet = Kubelet::default();
    kubelet.deep_merge(Kubelet::default()).unwrap();
    let mut runtime = Runtime::Docker;
    runtime.deep_merge(Runtime::Containerd(kubelet)).unwrap();
    runtime
        .deep_merge(Runtime::Crio {
            socket: String::new(),
            pid: 1,
        })
        .unwrap();
    let mut pair = Pair(1, 2);
    pair.deep_merge(Pair(3, 4)).unwrap();
    let mut marker = Marker;
    marker.deep_merge(Marker).unwrap();
    let mut layer = Layer::<u8, u8> {
        value: 1,
        list: vec![1],
    };
    layer
        .deep_merge(Layer {
            value: 2,
            list: vec![2],
        })
        .unwrap();
    let mut service = ServiceLayer::<u8>::default();
    service.deep_merge(ServiceLayer::default()).unwrap();
    let built = Service::try_from(service).unwrap_err();
    assert_eq!(built.missing(), ["hostName", "limits.connections"]);
    let mut bounded = Bounded(Some(1_u8));
    bounded.deep_merge(Bounded(None)).unwrap();
    assert_eq!(bounded.0, Some(1));
}
