//! `with` functions written with the core's helpers: every check a built-in merge runs, error
//! paths with the item, atomic on failure, and provenance that credits only layers that gave
//! the field something.

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, MergeError, Segment, apply_at, check_new, merge_at, prepare_at};
use std::collections::BTreeSet;

#[derive(DeepMerge, Debug, PartialEq, Default)]
struct Options {
    #[merge(strategy = "toml_deep")]
    config: String,
    timeout: Option<u32>,
}

#[derive(DeepMerge, Debug, PartialEq)]
struct Listener {
    #[merge(strategy = "keep")]
    name: String,
    options: Options,
}

#[derive(DeepMerge, Debug, PartialEq, Default)]
struct Server {
    #[merge(with = "merge_by_name")]
    listeners: Vec<Listener>,
    port: Option<u16>,
}

/// Listeners with the same name merge; new names are appended. Atomic: every item is checked
/// before any is moved in.
fn merge_by_name(existing: &mut Vec<Listener>, incoming: Vec<Listener>) -> Result<(), MergeError> {
    let mut incoming = incoming;
    let mut new_items = 0;
    for item in &mut incoming {
        match existing
            .iter()
            .position(|earlier| earlier.name == item.name)
        {
            Some(position) => prepare_at(&existing[position], item, position)?,
            None => {
                check_new(item, Segment::Index(existing.len() + new_items))?;
                new_items += 1;
            }
        }
    }
    for item in incoming {
        match existing
            .iter()
            .position(|earlier| earlier.name == item.name)
        {
            Some(position) => apply_at(&mut existing[position], item, position)?,
            None => existing.push(item),
        }
    }
    Ok(())
}

fn listener(name: &str, config: &str) -> Listener {
    Listener {
        name: name.into(),
        options: Options {
            config: config.into(),
            timeout: None,
        },
    }
}

fn server(listeners: Vec<Listener>) -> Server {
    Server {
        listeners,
        port: None,
    }
}

#[test]
fn a_with_function_built_on_the_helpers_merges_items_by_name() {
    let mut existing = server(vec![listener("api", "a = 1"), listener("metrics", "")]);
    existing
        .deep_merge(server(vec![
            listener("metrics", "m = 2"),
            listener("debug", "d = 3"),
        ]))
        .unwrap();
    let names: Vec<&str> = existing
        .listeners
        .iter()
        .map(|item| item.name.as_str())
        .collect();
    assert_eq!(names, ["api", "metrics", "debug"]);
    assert_eq!(existing.listeners[1].options.config, "m = 2");
}

#[test]
fn a_failing_item_names_its_index_and_leaves_the_list_unchanged() {
    let mut existing = server(vec![listener("api", "a = 1"), listener("metrics", "b = 1")]);
    let incoming = server(vec![
        listener("api", "a = 2"),
        listener("metrics", "[broken"),
    ]);
    let error = existing.deep_merge(incoming).unwrap_err();
    assert_eq!(error.path(), "listeners[1].options.config");
    assert_eq!(existing.listeners[0].options.config, "a = 1");
    assert_eq!(existing.listeners[1].options.config, "b = 1");
}

#[test]
fn a_new_item_is_checked_although_nothing_is_merged_into_it() {
    let mut existing = server(vec![listener("api", "a = 1")]);
    let error = existing
        .deep_merge(server(vec![listener("debug", "not toml")]))
        .unwrap_err();
    assert_eq!(error.path(), "listeners[1].options.config");
    assert_eq!(existing.listeners.len(), 1);
}

#[test]
fn merge_at_adds_the_segment_a_built_in_would() {
    let mut options = Options::default();
    let error = merge_at(
        &mut options,
        Options {
            config: "x = ".into(),
            timeout: None,
        },
        Segment::key(&"grpc.v1"),
    )
    .unwrap_err();
    assert_eq!(error.path(), "[\"grpc.v1\"].config");
    merge_at(
        &mut options,
        Options {
            config: String::new(),
            timeout: Some(5),
        },
        Segment::field("options"),
    )
    .unwrap();
    assert_eq!(options.timeout, Some(5));
}

fn union_tags(
    existing: &mut BTreeSet<String>,
    incoming: BTreeSet<String>,
) -> Result<(), MergeError> {
    existing.extend(incoming);
    Ok(())
}

#[derive(DeepMerge, Default)]
struct Tagged {
    #[merge(with = "union_tags")]
    tags: BTreeSet<String>,
    #[merge(with = "union_tags")]
    labels: BTreeSet<String>,
}

#[test]
fn a_layer_that_gives_a_with_field_nothing_is_not_credited() {
    let tags = |items: &[&str]| items.iter().map(|item| item.to_string()).collect();
    let (merged, provenance) = merge_all_traced([
        (
            "a",
            Tagged {
                tags: tags(&["x"]),
                labels: tags(&["l"]),
            },
        ),
        (
            "b",
            Tagged {
                tags: tags(&[]),
                labels: tags(&["m"]),
            },
        ),
    ])
    .unwrap();
    assert_eq!(merged.tags.len(), 1);
    let origin = provenance.get("tags").unwrap();
    assert_eq!(
        (provenance.source(origin.layer), origin.strategy),
        (&"a", nodeconfig_core::Strategy::WITH)
    );
    assert!(origin.replaced.is_empty());
    let labels = provenance.get("labels").unwrap();
    assert_eq!(
        (provenance.source(labels.layer), &labels.replaced),
        (&"b", &vec![0])
    );
}

fn keep_larger<T: PartialOrd>(existing: &mut T, incoming: T) -> Result<(), MergeError> {
    if incoming > *existing {
        *existing = incoming;
    }
    Ok(())
}

#[derive(DeepMerge, Default)]
struct Peak<T: PartialOrd + Default> {
    #[merge(with = "keep_larger")]
    value: T,
    #[merge(with = "keep_larger")]
    maybe: Option<T>,
}

#[test]
fn a_generic_with_function_on_a_generic_field_merges_and_traces() {
    let (merged, provenance) = merge_all_traced([
        (
            "a",
            Peak {
                value: 3_u8,
                maybe: Some(1),
            },
        ),
        (
            "b",
            Peak {
                value: 2,
                maybe: None,
            },
        ),
    ])
    .unwrap();
    assert_eq!((merged.value, merged.maybe), (3, Some(1)));
    // A value of a type with no notion of empty counts as set; a `None` does not.
    assert_eq!(provenance.get("value").unwrap().layer, 1);
    assert_eq!(provenance.get("maybe").unwrap().layer, 0);
}
