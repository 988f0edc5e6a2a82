//! [`Provenance`]: the events of a traced merge, folded into one origin per leaf path.

use std::collections::BTreeMap;

use super::{Event, Strategy};
use crate::path::{Path, Segment};

/// Which layer set each leaf of a merged value; built by
/// [`merge_all_traced`](super::merge_all_traced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance<S> {
    sources: Vec<S>,
    origins: BTreeMap<String, Origin>,
}

/// Where one leaf of the merged value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The index of the layer that last set (or deleted) it; see [`Provenance::source`].
    pub layer: usize,
    /// The strategy that applied ([`Strategy::name`] gives `replace`, `keep`, `append`,
    /// `json_deep`, `toml_deep`, `with`, ..., or `custom` for a hand-written `DeepMerge` impl).
    pub strategy: Strategy,
    /// The layer deleted the value (a `null` in a `json_deep` document).
    pub deleted: bool,
    /// The earlier layers whose values at this path (or inside it, or around it) it replaced, in
    /// order.
    pub replaced: Vec<usize>,
    path: Path,
}

impl Origin {
    /// The leaf's path, segment by segment: what [`Provenance::iter`] and
    /// [`Provenance::get`] name with its dotted text.
    ///
    /// ```
    /// use nodeconfig_core::{DeepMerge, Key, Segment, trace::merge_all_traced};
    /// use std::collections::BTreeMap;
    ///
    /// #[derive(DeepMerge, Default)]
    /// struct Node {
    ///     labels: BTreeMap<String, String>,
    /// }
    /// let labels = BTreeMap::from([("node.kubernetes.io/role".to_string(), "gpu".to_string())]);
    /// let (_, provenance) = merge_all_traced([("user", Node { labels })])?;
    /// let (path, origin) = provenance.iter().next().unwrap();
    /// assert_eq!(path, r#"labels["node.kubernetes.io/role"]"#);
    /// assert_eq!(
    ///     origin.segments(),
    ///     [Segment::field("labels"), Segment::Key(Key::from("node.kubernetes.io/role"))]
    /// );
    /// # Ok::<(), nodeconfig_core::MergeError>(())
    /// ```
    pub fn segments(&self) -> &[Segment] {
        self.path.segments()
    }
}

impl<S> Provenance<S> {
    pub(super) fn from_events(sources: Vec<S>, events: Vec<Event>) -> Self {
        let mut origins: BTreeMap<String, Origin> = BTreeMap::new();
        // A container the same layer replaced whole (an enum switching variant), then filled
        // leaf by leaf: each leaf inherits what the container replaced.
        let mut containers: Vec<(String, usize, Vec<usize>)> = Vec::new();
        for event in events {
            containers.retain(|(_, layer, _)| *layer == event.layer);
            let overlapping = take_overlapping(&mut origins, &event.text);
            let mut replaced = Vec::new();
            for (path, origin) in overlapping {
                if origin.layer == event.layer && is_ancestor(&path, &event.text) {
                    containers.push((path, origin.layer, origin.replaced));
                } else {
                    replaced.push(origin.layer);
                }
            }
            for (path, _, container_replaced) in &containers {
                if is_ancestor(path, &event.text) {
                    replaced.extend_from_slice(container_replaced);
                }
            }
            replaced.retain(|layer| *layer != event.layer);
            replaced.sort_unstable();
            replaced.dedup();
            let origin = Origin {
                layer: event.layer,
                strategy: event.strategy,
                deleted: event.deleted,
                replaced,
                path: event.path,
            };
            origins.insert(event.text, origin);
        }
        Provenance { sources, origins }
    }

    /// The origin of the leaf at `path` (dotted, as in [`MergeError::path`](crate::MergeError::path)).
    pub fn get(&self, path: &str) -> Option<&Origin> {
        self.origins.get(path)
    }

    /// Every leaf path with its origin, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Origin)> {
        self.origins
            .iter()
            .map(|(path, origin)| (path.as_str(), origin))
    }

    /// The number of leaf paths.
    pub fn len(&self) -> usize {
        self.origins.len()
    }

    /// Whether no leaf was set by any layer.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// The source given with layer `layer`.
    ///
    /// # Panics
    ///
    /// If `layer` is not the index of a merged layer (every [`Origin::layer`] is).
    pub fn source(&self, layer: usize) -> &S {
        &self.sources[layer]
    }

    /// Every source, in layer order.
    pub fn sources(&self) -> &[S] {
        &self.sources
    }
}

/// Whether `ancestor` is a proper prefix of `path` ending at a segment boundary.
fn is_ancestor(ancestor: &str, path: &str) -> bool {
    path.len() > ancestor.len()
        && path.starts_with(ancestor)
        && is_boundary(path.as_bytes()[ancestor.len()])
}

/// Removes the entries a new value at `path` replaces: the one at `path`, those below it (a
/// whole subtree replaced) and those above it (a leaf replaced by a container), and returns
/// them with their paths.
fn take_overlapping(origins: &mut BTreeMap<String, Origin>, path: &str) -> Vec<(String, Origin)> {
    let mut replaced = Vec::new();
    let below: Vec<String> = origins
        .range::<str, _>((std::ops::Bound::Included(path), std::ops::Bound::Unbounded))
        .take_while(|(other, _)| other.starts_with(path))
        .filter(|(other, _)| other.len() == path.len() || is_boundary(other.as_bytes()[path.len()]))
        .map(|(other, _)| other.clone())
        .collect();
    for other in below {
        if let Some(origin) = origins.remove(&other) {
            replaced.push((other, origin));
        }
    }
    for (end, byte) in path.bytes().enumerate() {
        if end > 0
            && is_boundary(byte)
            && let Some(origin) = origins.remove(&path[..end])
        {
            replaced.push((path[..end].to_owned(), origin));
        }
    }
    replaced
}

fn is_boundary(byte: u8) -> bool {
    byte == b'.' || byte == b'['
}

#[cfg(test)]
mod tests {
    use super::{Event, Provenance, Strategy};
    use crate::path::{Path, Segment};

    fn event(path: &str, layer: usize, deleted: bool) -> Event {
        Event {
            path: Path::from_iter(path.split('.').map(|name| Segment::from(name.to_owned()))),
            text: path.to_owned(),
            layer,
            strategy: Strategy::REPLACE,
            deleted,
        }
    }

    #[test]
    fn later_layers_replace_the_same_path_subtrees_and_enclosing_leaves() {
        let provenance = Provenance::from_events(
            vec!["a", "b", "c"],
            vec![
                event("spec.x", 0, false),
                event("spec.list[0]", 0, false),
                event("spec.list[1]", 0, false),
                event("spec.listing", 0, false),
                event("spec.x", 1, false),
                event("spec.list", 1, false),
                event("spec.x.y", 2, false),
                event("spec.listing", 2, true),
            ],
        );
        let paths: Vec<&str> = provenance.iter().map(|(path, _)| path).collect();
        assert_eq!(paths, ["spec.list", "spec.listing", "spec.x.y"]);
        assert_eq!(provenance.get("spec.list").unwrap().replaced, [0]);
        assert_eq!(provenance.get("spec.x.y").unwrap().replaced, [1]);
        assert!(provenance.get("spec.listing").unwrap().deleted);
        assert_eq!(provenance.source(2), &"c");
    }

    #[test]
    fn leaves_of_a_container_a_layer_replaced_whole_inherit_what_it_replaced() {
        let provenance = Provenance::from_events(
            vec!["a", "b"],
            vec![
                event("auth.Basic.user", 0, false),
                event("auth", 1, false),
                event("auth.Oidc.issuer", 1, false),
                event("auth.Oidc.client", 1, false),
            ],
        );
        assert_eq!(provenance.get("auth.Oidc.issuer").unwrap().replaced, [0]);
        assert_eq!(provenance.get("auth.Oidc.client").unwrap().replaced, [0]);
        assert_eq!(provenance.len(), 2);
    }
}
