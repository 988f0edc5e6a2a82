//! The types config structs hold beyond the std scalars: sets with `union`, `Arc`/`Rc` of
//! derived types, shared and borrowed strings, non-zero numbers, tuples, and (feature
//! `indexmap`) `IndexMap`/`IndexSet`.

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, merge_all};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::num::{NonZeroU32, NonZeroUsize, Wrapping};
use std::rc::Rc;
use std::sync::Arc;

#[derive(DeepMerge, Default, Debug, PartialEq)]
struct Node {
    #[merge(strategy = "union")]
    tags: BTreeSet<String>,
    #[merge(strategy = "union")]
    gates: Option<HashSet<String>>,
}

fn node(tags: &[&str], gates: Option<&[&str]>) -> Node {
    Node {
        tags: tags.iter().map(|tag| tag.to_string()).collect(),
        gates: gates.map(|gates| gates.iter().map(|gate| gate.to_string()).collect()),
    }
}

#[test]
fn union_keeps_every_layers_items_once() {
    let merged = merge_all([
        node(&["gpu", "spot"], None),
        node(&["spot", "arm"], Some(&["A"])),
        node(&[], None),
        node(&["gpu"], Some(&["B", "A"])),
    ])
    .unwrap();
    assert_eq!(merged, node(&["arm", "gpu", "spot"], Some(&["A", "B"])));
}

#[test]
fn union_provenance_credits_the_first_layer_that_added_each_item() {
    let (_, provenance) = merge_all_traced([
        ("a", node(&["gpu"], None)),
        ("b", node(&["gpu", "spot"], None)),
        ("c", node(&[], None)),
    ])
    .unwrap();
    let source = |path: &str| *provenance.source(provenance.get(path).unwrap().layer);
    assert_eq!(source("tags.gpu"), "a");
    assert_eq!(source("tags.spot"), "b");
    assert_eq!(provenance.get("tags.spot").unwrap().strategy, "union");
    assert!(provenance.get("tags.spot").unwrap().replaced.is_empty());
    assert!(provenance.iter().all(|(_, origin)| origin.layer != 2));
}

#[derive(DeepMerge, Clone, Default, Debug, PartialEq)]
struct Limits {
    max_pods: Option<u32>,
    cpu: Option<String>,
}

#[derive(DeepMerge, Default, Debug, PartialEq)]
struct Shared {
    limits: Arc<Limits>,
    local: Option<Rc<Limits>>,
}

#[test]
fn arc_and_rc_merge_the_inner_fields_instead_of_replacing() {
    let earlier = Shared {
        limits: Arc::new(Limits {
            max_pods: Some(110),
            cpu: Some("1".into()),
        }),
        local: Some(Rc::new(Limits {
            max_pods: Some(1),
            cpu: None,
        })),
    };
    let kept = Arc::clone(&earlier.limits);
    let later = Shared {
        limits: Arc::new(Limits {
            max_pods: None,
            cpu: Some("2".into()),
        }),
        local: Some(Rc::new(Limits {
            max_pods: None,
            cpu: Some("3".into()),
        })),
    };
    let merged = merge_all([earlier, later]).unwrap();
    assert_eq!(merged.limits.max_pods, Some(110));
    assert_eq!(merged.limits.cpu.as_deref(), Some("2"));
    let local = merged.local.unwrap();
    assert_eq!((local.max_pods, local.cpu.as_deref()), (Some(1), Some("3")));
    // The clone made before the merge still sees the earlier value: copy on write.
    assert_eq!(kept.cpu.as_deref(), Some("1"));
}

#[derive(DeepMerge, Debug, PartialEq)]
struct Atoms<'a> {
    name: &'a str,
    region: Box<str>,
    zone: Arc<str>,
    cluster: Rc<str>,
    label: Cow<'a, str>,
    replicas: NonZeroU32,
    workers: Option<NonZeroUsize>,
    generation: Wrapping<u64>,
    endpoint: (String, u16),
}

#[test]
fn strings_non_zero_numbers_wrappers_and_tuples_are_replaced() {
    let earlier = Atoms {
        name: "a",
        region: "us-east-1".into(),
        zone: "a".into(),
        cluster: "prod".into(),
        label: Cow::Borrowed("x"),
        replicas: NonZeroU32::new(1).unwrap(),
        workers: NonZeroUsize::new(4),
        generation: Wrapping(1),
        endpoint: ("10.0.0.1".into(), 443),
    };
    let later = Atoms {
        name: "b",
        region: "eu-west-1".into(),
        zone: "b".into(),
        cluster: "dev".into(),
        label: Cow::Owned("y".into()),
        replicas: NonZeroU32::new(3).unwrap(),
        workers: None,
        generation: Wrapping(2),
        endpoint: ("10.0.0.2".into(), 8443),
    };
    let mut merged = earlier;
    merged.deep_merge(later).unwrap();
    assert_eq!(merged.name, "b");
    assert_eq!(
        (&*merged.region, &*merged.zone, &*merged.cluster),
        ("eu-west-1", "b", "dev")
    );
    assert_eq!(merged.label, "y");
    assert_eq!(merged.replicas.get(), 3);
    assert_eq!(merged.workers, NonZeroUsize::new(4));
    assert_eq!(merged.generation, Wrapping(2));
    assert_eq!(merged.endpoint, ("10.0.0.2".to_owned(), 8443));
}

#[cfg(feature = "indexmap")]
mod ordered {
    use indexmap::{IndexMap, IndexSet};
    use nodeconfig_core::{DeepMerge, merge_all};

    #[derive(DeepMerge, Default, Debug, PartialEq)]
    struct Plugin {
        #[merge(strategy = "toml_deep")]
        config: String,
        enabled: Option<bool>,
    }

    #[derive(DeepMerge, Default, Debug, PartialEq)]
    struct Runtime {
        plugins: IndexMap<String, Plugin>,
        #[merge(strategy = "union")]
        order: IndexSet<String>,
    }

    fn plugin(config: &str, enabled: Option<bool>) -> Plugin {
        Plugin {
            config: config.into(),
            enabled,
        }
    }

    #[test]
    fn index_maps_keep_the_earlier_order_and_append_new_keys_in_the_later_order() {
        let earlier = Runtime {
            plugins: IndexMap::from([
                ("z".into(), plugin("a = 1", Some(true))),
                ("m".into(), plugin("", None)),
            ]),
            order: IndexSet::from(["z".into(), "m".into()]),
        };
        let later = Runtime {
            plugins: IndexMap::from([
                ("b".into(), plugin("b = 2", None)),
                ("z".into(), plugin("c = 3", None)),
                ("a".into(), plugin("", Some(false))),
            ]),
            order: IndexSet::from(["b".into(), "z".into(), "a".into()]),
        };
        let merged = merge_all([earlier, later]).unwrap();
        let keys: Vec<&str> = merged.plugins.keys().map(String::as_str).collect();
        assert_eq!(keys, ["z", "m", "b", "a"]);
        assert_eq!(merged.plugins["z"].config, "a = 1\nc = 3");
        assert_eq!(merged.plugins["z"].enabled, Some(true));
        let order: Vec<&str> = merged.order.iter().map(String::as_str).collect();
        assert_eq!(order, ["z", "m", "b", "a"]);
    }

    #[test]
    fn a_new_index_map_key_with_a_broken_document_is_rejected_and_nothing_changes() {
        let mut existing = Runtime {
            plugins: IndexMap::from([("z".into(), plugin("a = 1", None))]),
            order: IndexSet::new(),
        };
        let incoming = Runtime {
            plugins: IndexMap::from([
                ("z".into(), plugin("b = 2", None)),
                ("cri".into(), plugin("not toml", None)),
            ]),
            order: IndexSet::from(["cri".into()]),
        };
        let error = existing.deep_merge(incoming).unwrap_err();
        assert_eq!(error.path(), "plugins.cri.config");
        assert_eq!(existing.plugins.len(), 1);
        assert_eq!(existing.plugins["z"].config, "a = 1");
        assert!(existing.order.is_empty());
    }
}
