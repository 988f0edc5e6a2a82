//! Layers and their merge: [`Layer`] (a NodeConfig with its source), [`merge_layers`] and its
//! traced twin [`merge_layers_traced`], one fold for both (nodeconfig-core's `merge_all` and
//! `trace::merge_all_traced` share theirs), and the error that names the failing layer's source.

use crate::model::NodeConfig;
use crate::{Error, ErrorKind, Source};
use nodeconfig_core::trace::{Provenance, merge_all_traced};
use nodeconfig_core::{MergeError, merge_all};

/// One NodeConfig document and where it came from; layers merge in order, later winning.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Where the document was read.
    pub source: Source,
    /// The document, empty values already read as unset.
    pub config: NodeConfig,
}

/// Merges layers in order, later layers winning; no layers give an empty NodeConfig.
///
/// A failed merge names the layer being merged in and the field path.
///
/// ```
/// use nodeconfig_eks::{Layer, Source, merge_layers, model::NodeConfig};
///
/// let earlier: NodeConfig = serde_json::from_value(serde_json::json!(
///     {"spec": {"cluster": {"name": "a", "enableOutpost": true}}}))?;
/// let later: NodeConfig = serde_json::from_value(serde_json::json!(
///     {"spec": {"cluster": {"enableOutpost": false}}}))?;
/// let merged = merge_layers([
///     Layer { source: Source::file("a.yaml"), config: earlier },
///     Layer { source: Source::file("b.yaml"), config: later },
/// ])?;
/// let cluster = merged.spec.unwrap().cluster.unwrap();
/// assert_eq!(cluster.name.as_deref(), Some("a"));
/// assert_eq!(cluster.enable_outpost, Some(false));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge_layers(layers: impl IntoIterator<Item = Layer>) -> Result<NodeConfig, Error> {
    with_sources(layers, |layers| merge_all(layers.map(|layer| layer.config)))
}

/// [`merge_layers`], plus which layer set each leaf of the result (also exported from the
/// `explain` module, beside what reads its result).
///
/// The merged value is the same as `merge_layers` gives, and a failed merge is reported the
/// same way (the failing layer's source and the field path).
///
/// ```
/// use nodeconfig_eks::{Layer, Source, merge_layers_traced, model::NodeConfig};
///
/// let config: NodeConfig = serde_json::from_value(serde_json::json!(
///     {"spec": {"cluster": {"name": "a"}}}))?;
/// let (merged, provenance) =
///     merge_layers_traced([Layer { source: Source::file("a.yaml"), config }])?;
/// assert_eq!(merged.spec.unwrap().cluster.unwrap().name.as_deref(), Some("a"));
/// let origin = provenance.get("spec.cluster.name").unwrap();
/// assert_eq!(provenance.source(origin.layer), &Source::file("a.yaml"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge_layers_traced(
    layers: impl IntoIterator<Item = Layer>,
) -> Result<(NodeConfig, Provenance<Source>), Error> {
    with_sources(layers, |layers| {
        merge_all_traced(layers.map(|layer| (layer.source, layer.config)))
    })
}

/// Runs `merge` over the layers, keeping each layer's source as it is taken, so that an error
/// (which names the failing layer by its index, `MergeError::layer`) names its source too.
fn with_sources<T>(
    layers: impl IntoIterator<Item = Layer>,
    merge: impl FnOnce(&mut dyn Iterator<Item = Layer>) -> Result<T, MergeError>,
) -> Result<T, Error> {
    let mut sources = Vec::new();
    let mut layers = layers
        .into_iter()
        .inspect(|layer| sources.push(layer.source.clone()));
    let merged = merge(&mut layers);
    drop(layers);
    merged.map_err(|error| merge_error(&error, &sources))
}

/// A merge error as the CLI reports it: the failing layer's source, the field path, the cause.
fn merge_error(error: &MergeError, sources: &[Source]) -> Error {
    let failed = Error::new(ErrorKind::Merge, error.message()).at_path(error.path());
    match error.layer().and_then(|layer| sources.get(layer)) {
        Some(source) => failed.in_source(source.clone()),
        None => failed,
    }
}
