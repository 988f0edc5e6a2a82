//! `nodeconfig merge --explain`: which layer set each value of the merged NodeConfig, by which
//! merge rule, and which earlier layers it overrode.
//!
//! [`merge_layers_traced`] merges like [`merge_layers`](crate::merge_layers) and also returns
//! the [`Provenance`] of every leaf; [`explain`] pairs each leaf with its merged value;
//! [`to_text`] and [`to_json`] write the result for a person or a program.
//!
//! A leaf is a field of the model (`spec.cluster.name`), an item appended to `kubelet.flags`
//! (`spec.kubelet.flags[1]`), or a key inside a document: a JSON path inside
//! `baseRuntimeSpec` and `kubelet.config` (`spec.kubelet.config.maxPods`), a TOML key path
//! inside `containerd.config` (`spec.containerd.config.grpc.address`). A key that is not a
//! plain name is written `["memory.available"]`. Every leaf is listed, `apiVersion` and `kind`
//! included: every layer sets them, and hiding some paths would make the list harder to trust.
//!
//! ```
//! use nodeconfig_eks::explain::{explain, merge_layers_traced};
//! use nodeconfig_eks::{Layer, Source, model::NodeConfig};
//!
//! let layer = |file: &str, spec: serde_json::Value| -> Layer {
//!     let config: NodeConfig = serde_json::from_value(serde_json::json!({"spec": spec})).unwrap();
//!     Layer { source: Source::file(file), config }
//! };
//! let (merged, provenance) = merge_layers_traced([
//!     layer("a.yaml", serde_json::json!({"kubelet": {"config": {"maxPods": 29}}})),
//!     layer("b.yaml", serde_json::json!({"kubelet": {"config": {"maxPods": 58}}})),
//! ])?;
//! let entries = explain(&merged, &provenance)?;
//! assert_eq!(entries[0].path, "spec.kubelet.config.maxPods");
//! assert_eq!(entries[0].value, Some(serde_json::json!(58)));
//! assert_eq!(entries[0].source, Source::file("b.yaml"));
//! assert_eq!(entries[0].overrides, [Source::file("a.yaml")]);
//! # Ok::<(), nodeconfig_eks::Error>(())
//! ```

mod lookup;
mod table;

pub use crate::merge::merge_layers_traced;
pub use table::to_text;

use crate::model::NodeConfig;
use crate::{Error, ErrorKind, Source};
use nodeconfig_core::Strategy;
use nodeconfig_core::trace::Provenance;
use serde_json::{Map, Value, json};

/// One leaf of the merged NodeConfig and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The dotted path from the document root (`spec.containerd.baseRuntimeSpec.process.rlimits`).
    pub path: String,
    /// The merged value at the path; `None` when the layer deleted it (a JSON `null`), or in
    /// the unexpected case that the path is not found in the merged document.
    pub value: Option<Value>,
    /// The layer that last set (or deleted) it.
    pub source: Source,
    /// That layer's index in merge order, from 0.
    pub layer: usize,
    /// The merge rule that applied: `replace`, `append`, `merge_patch`, `toml_deep`, ...
    pub strategy: Strategy,
    /// The layer deleted the key (a `null` in `baseRuntimeSpec` or `kubelet.config`).
    pub deleted: bool,
    /// The earlier layers whose values at this path (or around or inside it) it replaced, in
    /// merge order.
    pub overrides: Vec<Source>,
}

/// Pairs every leaf of `provenance` with its value in `merged`, in path order.
///
/// Values are looked up in `merged` serialized as JSON; inside `containerd.config` the merged
/// TOML text is parsed (once, whatever the number of leaves: the cost is linear in the
/// document) and the TOML value given as JSON (dates and times as their TOML text).
pub fn explain(merged: &NodeConfig, provenance: &Provenance<Source>) -> Result<Vec<Entry>, Error> {
    let document = merged_json(merged)?;
    let mut lookup = lookup::Lookup::new(&document);
    let entries = provenance
        .iter()
        .map(|(path, origin)| Entry {
            path: path.to_owned(),
            value: if origin.deleted {
                None
            } else {
                lookup.value_at(origin.segments())
            },
            source: provenance.source(origin.layer).clone(),
            layer: origin.layer,
            strategy: origin.strategy,
            deleted: origin.deleted,
            overrides: origin
                .replaced
                .iter()
                .map(|layer| provenance.source(*layer).clone())
                .collect(),
        })
        .collect();
    Ok(entries)
}

/// The machine-readable explanation, pretty-printed with a final newline:
///
/// ```json
/// {
///   "merged": {"apiVersion": "node.eks.aws/v1alpha1", "...": "the merged NodeConfig"},
///   "layers": ["userdata.mime part 1", "userdata.mime part 2"],
///   "provenance": [
///     {"path": "spec.kubelet.config.maxPods", "value": 42, "source": "userdata.mime part 2",
///      "layer": 1, "strategy": "merge_patch", "deleted": false,
///      "overrides": ["userdata.mime part 1"]}
///   ]
/// }
/// ```
///
/// `layers` lists every source in merge order and `layer` indexes it (from 0); `value` is the
/// whole merged value (not shortened), `null` for a deleted key.
pub fn to_json(
    merged: &NodeConfig,
    provenance: &Provenance<Source>,
    entries: &[Entry],
) -> Result<String, Error> {
    let leaves: Vec<Value> = entries
        .iter()
        .map(|entry| {
            json!({
                "path": entry.path,
                "value": entry.value,
                "source": entry.source.to_string(),
                "layer": entry.layer,
                "strategy": entry.strategy.name(),
                "deleted": entry.deleted,
                "overrides": entry.overrides.iter().map(Source::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut output = Map::new();
    output.insert("merged".into(), merged_json(merged)?);
    let layers = provenance.sources().iter().map(Source::to_string);
    output.insert("layers".into(), layers.collect());
    output.insert("provenance".into(), Value::Array(leaves));
    let mut text = serde_json::to_string_pretty(&Value::Object(output))
        .expect("a JSON value always serializes");
    text.push('\n');
    Ok(text)
}

fn merged_json(merged: &NodeConfig) -> Result<Value, Error> {
    serde_json::to_value(merged).map_err(|error| {
        Error::new(
            ErrorKind::Render,
            format_args!("cannot write JSON: {error}"),
        )
    })
}
