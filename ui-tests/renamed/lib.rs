//! A crate that reaches the core only as `renamed_core` (see Cargo.toml): everything the derive
//! generates for `#[merge(crate = "renamed_core")]` must resolve through that path, because
//! `::nodeconfig_core` does not exist here.
//!
//! Being a workspace member, it is also linted by `cargo clippy`, so the lints below hold the
//! derive's output to them (a trybuild case runs rustc only, not clippy).
#![deny(warnings, clippy::all, clippy::pedantic)]

use renamed_core::{DeepMerge, MergeError};

/// A `with` function written against the renamed crate's `MergeError`.
///
/// # Errors
///
/// Never; the signature is the one `with` requires.
pub fn first_region(existing: &mut String, incoming: String) -> Result<(), MergeError> {
    if existing.is_empty() {
        *existing = incoming;
    }
    Ok(())
}

/// Every field key, through the renamed crate.
#[derive(DeepMerge, Debug, PartialEq)]
#[merge(crate = "renamed_core")]
pub struct Kubelet {
    /// Default merge.
    pub max_pods: Option<u32>,
    /// `append`.
    #[merge(strategy = "append")]
    pub flags: Vec<String>,
    /// `keep`.
    #[merge(strategy = "keep")]
    pub cluster_dns: String,
    /// `replace` on an `Option`.
    #[merge(strategy = "replace")]
    pub nameservers: Option<Vec<String>>,
    /// `with`.
    #[merge(with = "first_region")]
    pub region: String,
    /// `skip`.
    #[merge(skip)]
    pub origin: String,
}

/// Inferred bounds name the renamed crate's traits.
#[derive(DeepMerge, Debug, PartialEq)]
#[merge(crate = "::renamed_core")]
pub struct Layer<T, L> {
    /// `T: renamed_core::DeepMerge`.
    pub value: T,
    /// `L: renamed_core::strategy::Append`.
    #[merge(strategy = "append")]
    pub items: L,
}

/// Enums through the renamed crate.
#[derive(DeepMerge, Debug, PartialEq)]
#[merge(crate = "renamed_core")]
pub enum Runtime {
    /// A struct variant.
    Containerd(Kubelet),
    /// A unit variant.
    Docker,
}

/// A `with` function for an `Option` field.
///
/// # Errors
///
/// Never; the signature is the one `with` requires.
pub fn first_zone(
    existing: &mut Option<String>,
    incoming: Option<String>,
) -> Result<(), MergeError> {
    if existing.is_none() {
        *existing = incoming;
    }
    Ok(())
}

/// A layered struct through the renamed crate: its layer derives serde through
/// `renamed_core::__private::serde`, since this crate has no serde of its own, and the struct
/// itself is not `Deserialize`.
#[derive(DeepMerge, Debug, PartialEq)]
#[merge(crate = "renamed_core", layer = "ServiceLayer")]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// Required.
    pub host_name: String,
    /// `default`.
    #[merge(default)]
    pub port: u16,
    /// Three-state.
    pub tls: Option<String>,
    /// A strategy and a default.
    #[merge(strategy = "append", default)]
    pub flags: Vec<String>,
    /// `with` on an `Option` field.
    #[merge(with = "first_zone")]
    pub zone: Option<String>,
    /// `with` on a required field.
    #[merge(with = "first_region")]
    pub region: String,
    /// `nested`.
    #[merge(nested)]
    pub limits: Limits,
}

/// A nested layered struct.
#[derive(DeepMerge, Debug, PartialEq)]
#[merge(crate = "renamed_core", layer = "LimitsLayer")]
pub struct Limits {
    /// `default = "..."`.
    #[merge(default = "default_connections")]
    pub connections: u32,
}

fn default_connections() -> u32 {
    64
}

#[cfg(test)]
mod tests {
    use super::{Kubelet, Layer, LimitsLayer, Runtime, Service, ServiceLayer};
    use renamed_core::{DeepMerge, Setting, merge_all};

    #[test]
    fn layers_work_through_the_renamed_crate() {
        let earlier = ServiceLayer {
            host_name: Some("a".to_owned()),
            tls: Setting::Set("t".to_owned()),
            zone: Setting::Set("z1".to_owned()),
            region: Some("r1".to_owned()),
            ..ServiceLayer::default()
        };
        let later = ServiceLayer {
            tls: Setting::Unset,
            zone: Setting::Set("z2".to_owned()),
            region: Some("r2".to_owned()),
            limits: Some(LimitsLayer {
                connections: Some(8),
            }),
            ..ServiceLayer::default()
        };
        let service = Service::try_from(merge_all([earlier, later]).unwrap()).unwrap();
        assert_eq!(service.host_name, "a");
        assert_eq!(service.tls, None);
        assert_eq!(service.zone.as_deref(), Some("z1"));
        assert_eq!(service.region, "r1");
        assert_eq!(service.limits.connections, 8);
        let error = Service::try_from(ServiceLayer::default()).unwrap_err();
        assert_eq!(error.missing(), ["hostName", "region"]);
    }

    fn kubelet(max_pods: Option<u32>, flag: &str, region: &str) -> Kubelet {
        Kubelet {
            max_pods,
            flags: vec![flag.to_owned()],
            cluster_dns: region.to_owned(),
            nameservers: None,
            region: region.to_owned(),
            origin: region.to_owned(),
        }
    }

    #[test]
    fn the_renamed_crate_merges_like_the_original() {
        let mut merged = Runtime::Containerd(kubelet(Some(110), "--v=2", "us-east-1"));
        merged
            .deep_merge(Runtime::Containerd(kubelet(None, "--v=4", "eu-west-1")))
            .unwrap();
        let Runtime::Containerd(merged) = merged else {
            panic!("the same variant merges")
        };
        assert_eq!(merged.max_pods, Some(110));
        assert_eq!(merged.flags, ["--v=2", "--v=4"]);
        assert_eq!(merged.cluster_dns, "us-east-1");
        assert_eq!(merged.region, "us-east-1");
        assert_eq!(merged.origin, "us-east-1");

        let mut layer = Layer {
            value: Some(1_u8),
            items: vec![1_u8],
        };
        layer
            .deep_merge(Layer {
                value: None,
                items: vec![2],
            })
            .unwrap();
        assert_eq!(
            layer,
            Layer {
                value: Some(1),
                items: vec![1, 2]
            }
        );
    }
}
