//! The EKS NodeConfig, merged field by field: the model, a user-data reader, and the
//! `nodeconfig` CLI.
//!
//! An EKS node's configuration arrives as several NodeConfig documents (`node.eks.aws/v1alpha1`):
//! Karpenter's or a launch template's part of the user data, the user's parts, drop-in files.
//! nodeadm merges them, later documents winning. This crate does the same merge with
//! [`nodeconfig_core`]: every field of the [`model`] carries its merge rule as an attribute, so no
//! field can be forgotten (the bug that dropped every later `baseRuntimeSpec` for four months,
//! amazon-eks-ami issue 1928, cannot happen here).
//!
//! ```
//! use nodeconfig_eks::{Limits, Source, merge_layers, read::{Loaded, read_payload}};
//!
//! let user_data = "MIME-Version: 1.0
//! Content-Type: multipart/mixed; boundary=\"//\"
//!
//! --//
//! Content-Type: application/node.eks.aws
//!
//! apiVersion: node.eks.aws/v1alpha1
//! kind: NodeConfig
//! spec:
//!   kubelet:
//!     config: {maxPods: 110}
//!     flags: [--v=2]
//! --//
//! Content-Type: application/node.eks.aws
//!
//! apiVersion: node.eks.aws/v1alpha1
//! kind: NodeConfig
//! spec:
//!   kubelet:
//!     config: {maxPods: 42}
//!     flags: [--node-labels=team=infra]
//! --//--
//! ";
//! let mut loaded = Loaded::default();
//! read_payload(user_data.into(), &Source::file("userdata.mime"), &Limits::default(), &mut loaded)?;
//! let merged = merge_layers(loaded.layers)?;
//! let kubelet = merged.spec.unwrap().kubelet.unwrap();
//! assert_eq!(kubelet.config.unwrap()["maxPods"], 42);
//! assert_eq!(kubelet.flags.unwrap(), ["--v=2", "--node-labels=team=infra"]);
//! # Ok::<(), nodeconfig_eks::Error>(())
//! ```
//!
//! # The pipeline, and the `nodeconfig` CLI
//!
//! [`read::read_inputs`] turns files, directories, stdin and user data into [`Layer`]s, each
//! with its [`Source`] (`userdata.mime part 2`), plus [`Warning`]s for unknown fields;
//! [`merge_layers`] folds them; [`validate::validate`] runs nodeadm's checks; [`render::render`]
//! builds the files containerd and kubelet read and [`render::write_all`] writes them all or
//! none. The binary wires these up as `nodeconfig merge [--format yaml|json]`,
//! `nodeconfig render --root DIR` and `nodeconfig validate`, each taking inputs merged in order;
//! it exits with 0 on success, 1 on invalid input and 2 on a usage error.
//!
//! # Which input set this value? `nodeconfig merge --explain`
//!
//! Layers keep their sources after reading, so [`explain::merge_layers_traced`] can say, for
//! every leaf of the merged NodeConfig, which layer set it, by which merge rule, and which earlier
//! layers it overrode (the question behind the seed bug: "my rlimits did not take effect").
//! `nodeconfig merge --explain` prints the merged YAML, then one comment line per leaf, so the
//! output is still a YAML document:
//!
//! ```text
//! # spec.cluster.name                                "test-cluster"                            userdata.mime part 1  replace
//! # spec.containerd.baseRuntimeSpec.process.rlimits  [{"type":"RLIMIT_NOFILE","soft":1024,"h…  userdata.mime part 2  merge_patch
//! # spec.kubelet.config.maxPods                      42                                        userdata.mime part 2  merge_patch  overrides part 1
//! ```
//!
//! Leaves inside documents are paths of their own: JSON keys in `baseRuntimeSpec` and
//! `kubelet.config`, TOML keys in `containerd.config` (looked up in the merged TOML text), one
//! leaf per appended `kubelet.flags` item; a key deleted by a JSON `null` shows `(deleted)`.
//! `apiVersion` and `kind` are listed too. `--explain --format json` prints one JSON object,
//! `{"merged": ..., "layers": [...], "provenance": [...]}` (see [`explain::to_json`]). Without
//! `--explain`, merging is untraced and costs nothing extra.
//!
//! # Where we differ from nodeadm
//!
//! | case | nodeadm | nodeconfig |
//! | --- | --- | --- |
//! | a later `enableOutpost: false` over an earlier `true` | keeps `true` (mergo skips zero values) | `false` wins: a later value always wins |
//! | numbers in `baseRuntimeSpec`, `kubelet.config` | decoded as `float64`: `18446744073709551615` (RLIMIT_INFINITY) becomes `18446744073709552000` | kept exactly as written, of any size or precision, from JSON and YAML |
//! | `null` in `baseRuntimeSpec`, `kubelet.config` | no way to remove a key an earlier document set | deletes the key (RFC 7396 merge patch) |
//! | `containerd.config` | merged as data and re-encoded: comments, order and quoting lost | the earlier document's text kept for everything the later one does not change |
//! | a `containerd.config` whose `version` is not the template's | merged into it: a file with `version = 3` and version 2 tables | an error naming the part and both versions (`render --containerd-version`) |
//! | `baseRuntimeSpec` in later documents | dropped until amazon-eks-ami PR 2003 | merged like every field |
//! | `process.rlimits`, `mounts`, `linux.namespaces` in `baseRuntimeSpec`; `registerWithTaints` in `kubelet.config` | replaced whole: adding `RLIMIT_NPROC` drops the default `RLIMIT_NOFILE` | merged item by item by key ([`model::BASE_RUNTIME_SPEC_KEYS`], [`model::KUBELET_CONFIG_KEYS`]), in the layers and onto the defaults; `{"$patch": "replace"}` in a list gives nodeadm's replace |
//! | unknown fields (`clusterEndpoint`) | silently ignored | a warning naming the path and the source |
//! | a broken `containerd.config` | reported when containerd's config is written | reported when read, naming the MIME part |
//! | several YAML documents in one part or file | only the first is read | each is a layer, merged in order |
//! | hostile input (bombs, deep nesting) | no limits | bounded by [`Limits`], each a clear error |
//!
//! Same as nodeadm: later documents win; lists replace except `kubelet.flags`, which append, and
//! the keyed lists above; maps merge key by key; an empty string or list means unset (see
//! [`model::empty`]).
//!
//! # Limits
//!
//! User data comes from outside the node, so the reader bounds what it costs. The defaults
//! ([`Limits::default`]):
//!
//! | limit | default |
//! | --- | --- |
//! | input size (a file, stdin, each base64/gzip decoding output) | 16 MiB |
//! | nested base64/gzip layers | 4 |
//! | MIME parts in one message | 64 |
//! | NodeConfig documents in all inputs | 64 |
//! | nesting depth of one document | 64 |
//! | YAML aliases in one stream | 1,000 |
//! | YAML parser events in one stream (alias replays included) | 500,000 |
//!
//! # Why serde-saphyr for YAML
//!
//! `serde_yaml` is archived and `serde_yml` is an unmaintained fork of it. serde-saphyr is
//! maintained, pure Rust, parses without building an intermediate tree, and has budgets built in
//! (aliases, events, depth, documents), which is what stops a YAML alias bomb. YAML is read into
//! a `serde_json::Value` first, as nodeadm converts YAML to JSON, so that YAML and JSON
//! documents go through the same typed reading (with unknown-field warnings and error paths).
//! Every YAML node is read with its source span, so each number keeps the text it was written
//! with (`18446744073709551616` is not rounded through `f64`), and YAML output writes each number
//! back as that text.

pub mod containerd;
pub mod explain;
pub mod install;
mod merge;
pub mod model;
pub mod read;
pub mod render;
pub mod validate;

mod error;
mod files;
mod kubelet;
mod limits;
mod numbers;
mod source;

pub use crate::error::{Error, ErrorKind};
pub use crate::limits::Limits;
pub use crate::merge::{Layer, merge_layers, merge_layers_traced};
pub use crate::read::Warning;
pub use crate::source::Source;

use crate::model::NodeConfig;

/// The NodeConfig as YAML, absent fields left out.
///
/// ```
/// use nodeconfig_eks::{model::NodeConfig, to_yaml};
/// let config: NodeConfig = serde_json::from_value(serde_json::json!({"kind": "NodeConfig"}))?;
/// assert_eq!(to_yaml(&config)?, "kind: NodeConfig\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_yaml(config: &NodeConfig) -> Result<String, Error> {
    let mut options = serde_saphyr::SerializerOptions::default();
    // Long one-line strings (kubelet flags) stay on one line instead of folding with `>-`;
    // multi-line ones (containerd TOML) still use `|`.
    options.folded_wrap_chars = usize::MAX;
    let cannot = |error: &dyn std::fmt::Display| {
        Error::new(
            ErrorKind::Render,
            format_args!("cannot write YAML: {error}"),
        )
    };
    // Through a JSON value, so that every number is written exactly as read (crate::numbers).
    let value = serde_json::to_value(config).map_err(|error| cannot(&error))?;
    numbers::to_yaml_exact(&value, |view| {
        serde_saphyr::to_string_with_options(view, options.clone()).map_err(|error| cannot(&error))
    })
}

/// The NodeConfig as pretty-printed JSON with a final newline, absent fields left out.
///
/// ```
/// use nodeconfig_eks::{model::NodeConfig, to_json};
/// let config: NodeConfig = serde_json::from_value(serde_json::json!({"kind": "NodeConfig"}))?;
/// assert_eq!(to_json(&config)?, "{\n  \"kind\": \"NodeConfig\"\n}\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_json(config: &NodeConfig) -> Result<String, Error> {
    let mut text = serde_json::to_string_pretty(config).map_err(|error| {
        Error::new(
            ErrorKind::Render,
            format_args!("cannot write JSON: {error}"),
        )
    })?;
    text.push('\n');
    Ok(text)
}
