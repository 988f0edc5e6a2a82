//! issue 12 item 1 beyond the examples: a `json_deep` document that lands where nothing
//! was, in the other places a value can land whole (a new item of a keyed list, an `Option`
//! inside a `Box`, an `Arc`), loses its `null` members too, and a `merge_patch` document keeps
//! them there. (`append` takes its items whole, unmerged, so a document inside an appended item
//! is kept as written.)

use nodeconfig_core::{DeepMerge, merge_all};
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Runtime {
    name: String,
    #[merge(strategy = "json_deep")]
    spec: Option<Value>,
    #[merge(strategy = "merge_patch")]
    patch: Option<Value>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Node {
    #[merge(strategy = "keyed", key = "name")]
    keyed: Vec<Runtime>,
    boxed: Option<Box<Runtime>>,
    shared: Option<Arc<Runtime>>,
}

fn runtime(name: &str) -> Runtime {
    Runtime {
        name: name.into(),
        spec: Some(json!({"rlimits": null, "cwd": "/", "deep": {"gone": null}})),
        patch: Some(json!({"rlimits": null, "cwd": "/"})),
    }
}

fn merged_as(runtime: &Runtime, what: &str) {
    assert_eq!(
        runtime.spec,
        Some(json!({"cwd": "/", "deep": {}})),
        "json_deep: no null survives ({what})"
    );
    assert_eq!(
        runtime.patch,
        Some(json!({"rlimits": null, "cwd": "/"})),
        "merge_patch: the deletion is kept ({what})"
    );
}

#[test]
fn a_document_landing_whole_anywhere_means_the_same() {
    let later = Node {
        keyed: vec![runtime("new")],
        boxed: Some(Box::new(runtime("new"))),
        shared: Some(Arc::new(runtime("new"))),
    };
    for earlier in [
        Node::default(),
        Node {
            keyed: vec![Runtime {
                name: "old".into(),
                ..Runtime::default()
            }],
            ..Node::default()
        },
    ] {
        for (layers, merged) in [
            (
                "earlier, later",
                merge_all([earlier.clone(), later.clone()]).unwrap(),
            ),
            ("later", merge_all([later.clone()]).unwrap()),
            (
                "later, later",
                merge_all([later.clone(), later.clone()]).unwrap(),
            ),
        ] {
            let new_item = merged.keyed.iter().find(|item| item.name == "new").unwrap();
            merged_as(new_item, &format!("keyed item, {layers}"));
            merged_as(merged.boxed.as_ref().unwrap(), &format!("boxed, {layers}"));
            merged_as(
                merged.shared.as_ref().unwrap(),
                &format!("shared, {layers}"),
            );
        }
    }
}

#[test]
fn a_deletion_inside_an_existing_keyed_item_means_the_same_whatever_came_before() {
    let old = Runtime {
        name: "old".into(),
        spec: Some(json!({"a": 1, "b": 2})),
        patch: Some(json!({"a": 1})),
    };
    let deleting = Runtime {
        name: "old".into(),
        spec: Some(json!({"a": null})),
        patch: Some(json!({"a": null})),
    };
    let node = |items: Vec<Runtime>| Node {
        keyed: items,
        ..Node::default()
    };
    let merged = merge_all([node(vec![old.clone()]), node(vec![deleting.clone()])]).unwrap();
    assert_eq!(merged.keyed[0].spec, Some(json!({"b": 2})));
    assert_eq!(merged.keyed[0].patch, Some(json!({"a": null})));
    let merged = merge_all([
        node(vec![old]),
        Node::default(),
        node(vec![deleting.clone()]),
        node(vec![deleting]),
    ])
    .unwrap();
    assert_eq!(merged.keyed[0].spec, Some(json!({"b": 2})));
    assert_eq!(merged.keyed[0].patch, Some(json!({"a": null})));
}
