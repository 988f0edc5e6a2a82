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

#[cfg(test)]
mod tests {
    use super::{Kubelet, Layer, Runtime};
    use renamed_core::DeepMerge;

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
